"""A plan diff as text (a terminal), Markdown (a pull-request comment) or JSON (tools)."""

from __future__ import annotations

import json
from typing import Any, Optional, Sequence

from .cost import CostDelta
from .danger import Danger
from .diff import ABSENT, Change, PlanDiff, ResourceChange
from .effects import Notice

_SIGN = {"add": "+", "remove": "-", "replace": "±", "unknown": "?", "update": "~"}
_TITLE = {
    "replace": "Replaced",
    "unknown": "In place or replaced: not known offline",
    "update": "Updated",
    "add": "Added",
    "remove": "Removed",
}
_COUNT = {"replace": "replaced", "unknown": "not known offline", "update": "updated", "add": "added", "remove": "removed"}
_ORDER = ("replace", "unknown", "update", "add", "remove")
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
    parts = [f"{counts[k]} {_COUNT[k]}" for k in _ORDER if counts[k]]
    if d.roles:
        parts.append(f"{len(d.roles)} role setting(s) changed")
    return ", ".join(parts) or "outputs changed"


def _changes_shown(r: ResourceChange) -> list[Change]:
    # An added or removed resource shows what it is (its cloud-side name, when that says more
    # than the resource's), not every input: a new task definition's environment would drown it.
    if r.kind in ("replace", "unknown", "update"):
        return r.changes
    named = [c for c in r.changes if c.path == "name" and r.name not in (c.old, c.new)]
    return [Change(c.path, ABSENT, c.old if r.kind == "remove" else c.new) for c in named]


def _why(r: ResourceChange) -> list[str]:
    """Why a resource is replaced, or why the review cannot tell."""
    if r.replaced_by:
        return [f"replaced because {', '.join(r.replaced_by)} changed"]
    if r.unknown:
        return [f"in place or replaced: not known offline for {', '.join(r.unknown)} (the real preview decides)"]
    return []


def as_text(d: PlanDiff, flags: list[Danger], cost: Optional[CostDelta] = None, notices: Sequence[Notice] = ()) -> str:
    lines = [f"Stack {d.stack} ({d.target}): {summary(d)}"]
    if flags:
        lines += ["", "DANGER"]
        lines += [f"  ! {f.message}" for f in flags]
    if notices:
        lines += ["", "WHAT THE CLOUD WILL DO"]
        lines += [f"  * {n.message}" for n in notices]
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
            lines += [f"      {why}" for why in _why(r)]
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


#: Resources whose changes are identical (a tag added everywhere) share one row from this many on.
_GROUP = 3


def table_rows(d: PlanDiff) -> list[str]:
    """The Markdown table rows of the changed resources, in the order the comment shows them;
    resources with identical changes (and no dependents) share a row that names each."""
    rows = []
    for kind in _ORDER:
        groups: dict[str, list[ResourceChange]] = {}
        for r in d.of_kind(kind):
            # What reads a replaced resource differs per resource: those rows stay apart.
            key = r.urn if r.dependents else "<br>".join(_detail(r))
            groups.setdefault(key, []).append(r)
        for key, members in groups.items():
            if len(members) < _GROUP:
                rows += [f"| {_SIGN[kind]} | `{r.name}` | `{_short_type(r.type)}` | {'<br>'.join(_detail(r))} |" for r in members]
                continue
            types: dict[str, int] = {}
            for r in members:
                types[_short_type(r.type)] = types.get(_short_type(r.type), 0) + 1
            names = ", ".join(f"`{r.name}`" for r in members)
            kinds = ", ".join(f"`{t}`" + (f" ×{n}" if n > 1 else "") for t, n in types.items())
            rows.append(f"| {_SIGN[kind]} | {len(members)} resources: {names} | {kinds} | {key} |")
    return rows


def _detail(r: ResourceChange) -> list[str]:
    detail = [f"**replaced**: {', '.join(f'`{p}`' for p in r.replaced_by)}"] if r.replaced_by else []
    if r.unknown:
        detail.append(f"**in place or replaced: not known offline** ({', '.join(f'`{p}`' for p in r.unknown)})")
    detail += [f"`{_code(change_line(c))}`" for c in _changes_shown(r)]
    if r.dependents:
        detail.append(f"read by {', '.join(f'`{n}`' for n in r.dependents)}")
    return detail


def as_markdown(
    d: PlanDiff,
    flags: list[Danger],
    cost: Optional[CostDelta] = None,
    heading: str = "###",
    notices: Sequence[Notice] = (),
    rows: Optional[int] = None,
    elsewhere: str = "the full diff",
) -> str:
    """One stack's section. ``rows``: show only that many table rows (and leave the role and
    output changes out), saying how many more ``elsewhere`` has."""
    icon = "🛑" if flags else ("✅" if d.empty else "📝")
    out = [f"{heading} {icon} `{d.stack}` ({d.target}): {summary(d)}", ""]
    if flags:
        out += ["> [!CAUTION]", "> **Dangerous changes**"]
        out += [f"> - {_md(f.message)}" for f in flags]
        out.append("")
    if notices:
        out += ["> [!NOTE]", "> **What the cloud will do**"]
        out += [f"> - {_md(n.message)}" for n in notices]
        out.append("")
    if cost is not None:
        out += [f"**Cost per month:** {cost.headline()}", ""]
        out += [f"- {_md(line)}" for line in cost.lines()]
        if cost.lines():
            out.append("")
    every = table_rows(d)
    shown = every if rows is None else every[:rows]
    if shown:
        out += ["| | resource | type | what changes |", "|---|---|---|---|", *shown, ""]
    if len(shown) < len(every):
        out += [f"_…and {len(every) - len(shown)} more resources, with the role and output changes: see {elsewhere}._", ""]
        return "\n".join(out).rstrip() + "\n"
    for title, changes in (("Roles", d.roles), ("Outputs", d.outputs)):
        if changes:
            out += [f"<details><summary>{title} ({len(changes)} changed)</summary>", "", "```"]
            out += [change_line(c) for c in changes]
            out += ["```", "</details>", ""]
    return "\n".join(out).rstrip() + "\n"


def as_json(d: PlanDiff, flags: list[Danger], cost: Optional[CostDelta] = None, notices: Sequence[Notice] = ()) -> str:
    doc = {
        "stack": d.stack,
        "target": d.target,
        "summary": d.counts(),
        "dangers": [f.to_json() for f in flags],
        "notices": [n.to_json() for n in notices],
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
