"""The offline plan as text for a reviewer (what each resource will be, each role's size and
environment, the outputs) or as JSON for tools."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from .runner import Plan
from .summary import summary

WIDTH = 100


def as_json(plan: Plan) -> str:
    return json.dumps(plan.to_json(), indent=2, sort_keys=False, default=str)


def as_text(plan: Plan, detail: bool = False) -> str:
    """The resource tree with each resource's inputs that matter (every input with ``detail``),
    protected resources marked, the roles' sizes, their environment (what the backend roles
    share once, then what differs per role) and the outputs, sorted."""
    protected = sum(r.protect for r in plan.resources)
    lines = [
        f"Offline plan of stack '{plan.stack}' (project {plan.project}, target {plan.target}): "
        f"{len(plan.resources)} resources, {protected} protected",
        "",
        "Resources ([protect]: Pulumi refuses to delete it; [retain]: left in the cloud on delete):",
    ]
    lines += _tree(plan, detail)
    lines += ["", *_roles(plan.roles)]
    lines += ["", "Outputs:", *_outputs(plan.outputs)]
    return "\n".join(lines)


# -- resources ------------------------------------------------------------------------------------


def _tree(plan: Plan, detail: bool) -> list[str]:
    lines: list[str] = []
    children: dict[str | None, list] = {}
    for r in plan.resources:
        children.setdefault(r.parent, []).append(r)

    def walk(parent: str | None, depth: int) -> None:
        for r in children.get(parent, []):
            flags = [f for f, on in (("protect", r.protect), ("retain", r.retain_on_delete)) if on]
            if r.ignore_changes:
                flags.append("ignore " + ",".join(r.ignore_changes))
            suffix = f"  [{'; '.join(flags)}]" if flags else ""
            pad = "  " * depth
            lines.append(f"{pad}+ {r.type}  {r.name}{suffix}")
            shown = _flat(r.inputs) if detail else summary(r.type, r.inputs)
            if shown:
                lines.extend(_wrapped("  ".join(f"{k}={v}" for k, v in shown), pad + "    "))
            walk(r.urn, depth + 1)

    walk(None, 0)
    return lines


def _flat(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Every leaf of ``value`` as (dotted path, text), for ``--detail``."""
    if isinstance(value, dict) and value:
        return [kv for k in sorted(value) for kv in _flat(value[k], f"{prefix}.{k}" if prefix else str(k))]
    if isinstance(value, list) and value:
        return [kv for i, v in enumerate(value) for kv in _flat(v, f"{prefix}[{i}]")]
    return [(prefix, value if isinstance(value, str) else json.dumps(value))]


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ", break_long_words=False, break_on_hyphens=False
    ) or [indent]


# -- roles ----------------------------------------------------------------------------------------


def _roles(roles: dict[str, dict[str, Any]]) -> list[str]:
    if not roles:
        return ["Roles: none recorded"]
    lines = ["Roles (replicas: min..max when autoscaled; cpu in vCPU, memory in MiB):"]
    header = ("role", "replicas", "cpu", "memory", "image", "command")
    rows = [header]
    for name, role in roles.items():
        replicas = role["replicas"]
        count = str(replicas["min"]) if replicas["min"] == replicas["max"] else f"{replicas['min']}..{replicas['max']}"
        size = role.get("size") or {}
        rows.append(
            (
                name,
                count,
                _num(size.get("cpu", "")),
                str(size.get("memory", "")),
                role["image"],
                " ".join(role["command"]) or "(image default)",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    for row in rows:
        lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])
    lines += ["", *_environments(roles)]
    return lines


def _environments(roles: dict[str, dict[str, Any]]) -> list[str]:
    """Roles running the same image share most of their environment: show it once, then each
    role's own values (secrets shown as [secret])."""
    lines = ["Environment (secrets shown as [secret]):"]
    groups: dict[str, list[str]] = {}
    for name, role in roles.items():
        groups.setdefault(role["image"].rsplit(":", 1)[0], []).append(name)
    for image, names in groups.items():
        envs = [roles[n]["env"] for n in names]
        if len(names) == 1:
            lines.append(f"  {names[0]}:")
            lines += [f"      {k}={v}" for k, v in envs[0].items()]
            continue
        shared = {k: v for k, v in envs[0].items() if all(k in e and e[k] == v for e in envs[1:])}
        lines.append(f"  {', '.join(names)} ({image}), shared:")
        lines += [f"      {k}={v}" for k, v in sorted(shared.items())]
        for n in names:
            own = {k: v for k, v in roles[n]["env"].items() if k not in shared}
            if own:
                lines.append(f"    {n} only:")
                lines += [f"      {k}={v}" for k, v in sorted(own.items())]
    return lines


def _num(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


# -- outputs --------------------------------------------------------------------------------------


def _outputs(outputs: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for key in sorted(outputs):
        value = outputs[key]
        if isinstance(value, dict):
            lines.append(f"  {key}:")
            for k in sorted(value):
                lines.extend(_wrapped(f"{k}: {_short(value[k])}", "      "))
        else:
            lines.extend(_wrapped(f"{key}: {_short(value)}", "  "))
    return lines


def _short(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
