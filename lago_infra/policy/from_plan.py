"""The neutral view of an offline plan: its recorded resources, outputs and roles, one view per
Lago component the program runs (a platform program may run several, on any target)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import Resource, RoleView, StackView

if TYPE_CHECKING:
    from ..plan import Plan


def descendants(resources: list[Resource], root: str) -> list[Resource]:
    """The resources parented, at any depth, under the resource ``root`` (a URN)."""
    parent = {r.urn: r.parent for r in resources}

    def inside(urn: Any) -> bool:
        seen = set()
        while urn is not None and urn not in seen:
            if urn == root:
                return True
            seen.add(urn)
            urn = parent.get(urn)
        return False

    return [r for r in resources if r.urn != root and inside(r.parent)]


def unowned(resources: list[Resource], components: list[str]) -> list[Resource]:
    """The resources no component (by URN) holds, the components themselves left out."""
    held = {r.urn for c in components for r in descendants(resources, c)} | set(components)
    return [r for r in resources if r.urn not in held and r.type != "pulumi:pulumi:Stack"]


def views_of_plan(plan: "Plan") -> list[StackView]:
    """One view per Lago component, keyed on what the component is: its target from its type
    token's recorded target, the prod rules from the preset its settings were built with. A
    program with one Lago sees every resource (as the stack program always did); with several,
    each view holds its component's resources."""
    resources = [Resource(r.urn, r.type, r.name, r.parent, list(r.dependencies), r.protect, r.inputs) for r in plan.resources]
    views = []
    for component in plan.components.values():
        own = resources if len(plan.components) == 1 or component["urn"] is None else descendants(resources, component["urn"])
        views.append(
            StackView(
                target=component["target"],
                resources=own,
                outputs=dict(plan.outputs),
                roles={
                    role: RoleView(
                        role,
                        dict(plan.roles[key]["env"]),
                        plan.roles[key]["replicas"]["min"],
                        plan.roles[key]["replicas"]["max"],
                        plan.roles[key]["image"],
                    )
                    for role, key in component["roles"].items()
                },
                prod=component["preset"] == "prod",
                secrets_masked=True,
            )
        )
    urns = [c["urn"] for c in plan.components.values() if c["urn"] is not None]
    if len(views) > 1 and urns:
        views[0].unowned = unowned(resources, urns)
    return views


def view_of_plan(plan: "Plan") -> StackView:
    """The view of a plan running one Lago (the stack program's case)."""
    views = views_of_plan(plan)
    if len(views) != 1:
        raise ValueError(f"the plan runs {len(views)} Lago components; use views_of_plan")
    return views[0]
