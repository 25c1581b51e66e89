"""The sample pull-request comment docs/pull-requests.md shows and tests/golden/pr-comment.md pins:
real offline plans of the shipped stack files before and after three kinds of change."""

from __future__ import annotations

import functools
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from lago_infra.review import comment

from . import ROOT, generator

STACKS_DIR = ROOT / "stacks"

#: stack → the stack-file keys the sample pull request changes (None: the stack is untouched).
SAMPLE_CHANGES: dict[str, dict[str, Any] | None] = {
    # A Lago release and a bigger worker: service-level changes and a cost delta.
    "aws-dev": {"lago:version": "v1.52.0", "lago:roles": {"worker": {"replicas": 2, "cpu": 1, "memory": 2048}}},
    # A PostgreSQL major upgrade: dangerous.
    "local": {"lago:database": {"version": 17}},
    "aws-prod": None,
}


def plan_with(stack: str, changes: dict[str, Any] | None) -> dict[str, Any]:
    """The plan document of a shipped stack file with ``changes`` to its keys."""
    from lago_infra.plan import run_plan_with

    return run_plan_with(STACKS_DIR / f"Pulumi.{stack}.yaml", changes or {}).to_json()


@functools.lru_cache(maxsize=1)
def sample_comment() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        base, head = root / "base", root / "head"
        base.mkdir()
        head.mkdir()
        for stack, changes in SAMPLE_CHANGES.items():
            before = plan_with(stack, None)
            after = before if changes is None else plan_with(stack, changes)
            (base / f"{stack}.json").write_text(json.dumps(before))
            (head / f"{stack}.json").write_text(json.dumps(after))
        return comment.as_markdown(comment.review_dirs(base, head))


#: GitHub's alert kinds as the site's admonitions.
_ALERTS = {"CAUTION": "danger", "WARNING": "warning", "IMPORTANT": "warning", "NOTE": "note", "TIP": "tip"}
_ALERT = re.compile(r"^> \[!(?P<kind>[A-Z]+)\]$")
_SUMMARY = re.compile(r"^<details><summary>(?P<title>.*)</summary>$")


def for_the_site(markdown: str) -> str:
    """A comment as the documentation site renders it: GitHub's alerts become admonitions, each
    ``<details>`` a collapsed block (pymdownx.details), the headings two levels down (they sit
    under a page's section), all inside one framed block."""
    out: list[str] = []
    lines = markdown.rstrip("\n").split("\n")
    indent = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        alert = _ALERT.match(line)
        summary = _SUMMARY.match(line)
        if alert:
            block = []
            i += 1
            while i < len(lines) and lines[i].startswith(">"):
                block.append(lines[i][1:].lstrip(" "))
                i += 1
            title = block.pop(0).strip("*") if block and block[0].startswith("**") else alert["kind"].title()
            out += [f'{indent}!!! {_ALERTS.get(alert["kind"], "note")} "{title}"', ""]
            out += [f"{indent}    {b}".rstrip() for b in block]
            out.append("")
            continue
        if summary:
            title = re.sub(r"</?code>", "`", summary["title"])
            out += [f'??? abstract "{title}"', ""]
            indent = "    "
        elif line == "</details>":
            indent = ""
            out.append("")
        elif line.startswith("#"):
            out.append(f"{indent}##{line}")
        else:
            out.append(f"{indent}{line}".rstrip())
        i += 1
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")
    return f'<div class="pr-comment" markdown>\n\n{text}\n\n</div>'


@generator("pr-comment-example")
def _site_part() -> str:
    return for_the_site(sample_comment())
