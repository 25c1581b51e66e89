"""The offline plan as text (a resource tree and each role's environment) or JSON."""

from __future__ import annotations

import json
from typing import Any

from .runner import Plan


def as_json(plan: Plan) -> str:
    return json.dumps(plan.to_json(), indent=2, sort_keys=False, default=str)


def as_text(plan: Plan) -> str:
    lines = [f"Offline plan of stack '{plan.stack}' (project {plan.project}, target {plan.target}): {len(plan.resources)} resources", ""]
    children: dict[str | None, list] = {}
    for r in plan.resources:
        children.setdefault(r.parent, []).append(r)

    def walk(parent: str | None, depth: int) -> None:
        for r in children.get(parent, []):
            flags = [f for f, on in (("protect", r.protect), ("retain", r.retain_on_delete)) if on]
            if r.ignore_changes:
                flags.append("ignore " + ",".join(r.ignore_changes))
            suffix = f"  [{'; '.join(flags)}]" if flags else ""
            lines.append(f"{'  ' * depth}+ {r.type}  {r.name}{suffix}")
            walk(r.urn, depth + 1)

    walk(None, 0)
    lines += ["", "Roles (secrets shown as [secret]):"]
    for name, role in plan.roles.items():
        replicas = role["replicas"]
        count = str(replicas["min"]) if replicas["min"] == replicas["max"] else f"{replicas['min']}..{replicas['max']}"
        command = " ".join(role["command"]) or "(image default)"
        lines.append(f"  {name}  x{count}  {role['image']}  {command}")
        for key, value in role["env"].items():
            lines.append(f"      {key}={value}")
    lines += ["", "Outputs:"]
    lines += [f"  {k}: {_short(v)}" for k, v in plan.outputs.items()]
    return "\n".join(lines)


def _short(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
