"""A plan diff as text (a terminal), Markdown (a pull-request comment) or JSON (tools)."""

from __future__ import annotations

import json
from typing import Any, Optional

from .cost import CostDelta
from .danger import Danger
from .diff import ABSENT, Change, PlanDiff, ResourceChange

_SIGN = {"add": "+", "remove": "-", "replace": "±", "update": "~"}
_TITLE = {"replace": "Replaced", "update": "Updated", "add": "Added", "remove": "Removed"}
_ORDER = ("replace", "update", "add", "remove")
#: Longest value shown in text and Markdown (JSON carries every value whole).
_WIDTH = 100


def value(v: Any) -> str:
    if v is ABSENT:
        return ABSENT
    text = v if isinstance(v, str) else json.dumps(v, sort_keys=True)
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


def change_line(c: Change) -> str:
    if c.old is ABSENT:
        return f"{c.path}: {value(c.new)}"
    if c.new is ABSENT:
        return f"{c.path}: {value(c.old)} → {ABSENT}"
    return f"{c.path}: {value(c.old)} → {value(c.new)}"


def summary(d: PlanDiff) -> str:
    if d.empty:
        return "no changes"
    counts = d.counts()
    parts = [f"{counts[k]} {_TITLE[k].lower()}" for k in _ORDER if counts[k]]
    if d.roles:
        parts.append(f"{len(d.roles)} role setting(s) changed")
    return ", ".join(parts) or "outputs changed"


def _changes_shown(r: ResourceChange) -> list[Change]:
    # An added or removed resource shows what it is (its cloud-side name, when that says more
    # than the resource's), not every input: a new task definition's environment would drown it.
    if r.kind in ("replace", "update"):
        return r.changes
    named = [c for c in r.changes if c.path == "name" and r.name not in (c.old, c.new)]
    return [Change(c.path, ABSENT, c.old if r.kind == "remove" else c.new) for c in named]


def as_text(d: PlanDiff, flags: list[Danger], cost: Optional[CostDelta] = None) -> str:
    lines = [f"Stack {d.stack} ({d.target}): {summary(d)}"]
    if flags:
        lines += ["", "DANGER"]
        lines += [f"  ! {f.message}" for f in flags]
    if cost is not None:
        lines += ["", f"Cost per month: {cost.headline()}"]
        lines += [f"  {line}" for line in cost.lines()]
    for kind in _ORDER:
        group = d.of_kind(kind)
        if not group:
            continue
        lines += ["", f"{_TITLE[kind]} ({len(group)})"]
        for r in group:
            lines.append(f"  {_SIGN[kind]} {r.name}  {r.type}")
            if r.replaced_by:
                lines.append(f"      replaced because {', '.join(r.replaced_by)} changed")
            lines += [f"      {change_line(c)}" for c in _changes_shown(r)]
            if r.dependents:
                lines.append(f"      read by: {', '.join(r.dependents)}")
    if d.roles:
        lines += ["", "Roles"]
        lines += [f"  {change_line(c)}" for c in d.roles]
    if d.outputs:
        lines += ["", "Outputs"]
        lines += [f"  {change_line(c)}" for c in d.outputs]
    return "\n".join(lines)


def as_markdown(d: PlanDiff, flags: list[Danger], cost: Optional[CostDelta] = None, heading: str = "###") -> str:
    icon = "🛑" if flags else ("✅" if d.empty else "📝")
    out = [f"{heading} {icon} `{d.stack}` ({d.target}): {summary(d)}", ""]
    if flags:
        out += ["> [!CAUTION]", "> **Dangerous changes**"]
        out += [f"> - {_md(f.message)}" for f in flags]
        out.append("")
    if cost is not None:
        out += [f"**Cost per month:** {cost.headline()}", ""]
        out += [f"- {_md(line)}" for line in cost.lines()]
        if cost.lines():
            out.append("")
    if d.resources:
        out += ["| | resource | type | what changes |", "|---|---|---|---|"]
        for kind in _ORDER:
            for r in d.of_kind(kind):
                detail = [f"**replaced**: {', '.join(f'`{p}`' for p in r.replaced_by)}"] if r.replaced_by else []
                detail += [f"`{_code(change_line(c))}`" for c in _changes_shown(r)]
                if r.dependents:
                    detail.append(f"read by {', '.join(f'`{n}`' for n in r.dependents)}")
                out.append(f"| {_SIGN[kind]} | `{r.name}` | `{_short_type(r.type)}` | {'<br>'.join(detail)} |")
        out.append("")
    for title, changes in (("Roles", d.roles), ("Outputs", d.outputs)):
        if changes:
            out += [f"<details><summary>{title} ({len(changes)} changed)</summary>", "", "```"]
            out += [change_line(c) for c in changes]
            out += ["```", "</details>", ""]
    return "\n".join(out).rstrip() + "\n"


def as_json(d: PlanDiff, flags: list[Danger], cost: Optional[CostDelta] = None) -> str:
    doc = {
        "stack": d.stack,
        "target": d.target,
        "summary": d.counts(),
        "dangers": [f.to_json() for f in flags],
        "resources": [r.to_json() for r in d.resources],
        "roles": [c.to_json() for c in d.roles],
        "outputs": [c.to_json() for c in d.outputs],
        "cost": cost.to_json() if cost is not None else None,
    }
    return json.dumps(doc, indent=2, default=str)


def _short_type(type_: str) -> str:
    """``aws:rds/instance:Instance`` → ``aws:rds/Instance``."""
    parts = type_.split(":")
    if len(parts) == 3 and "/" in parts[1]:
        return f"{parts[0]}:{parts[1].split('/')[0]}/{parts[2]}"
    return type_


def _code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|")


def _md(text: str) -> str:
    return text.replace("|", "\\|")
