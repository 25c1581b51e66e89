"""The neutral view of an offline plan: its recorded resources, outputs and roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Resource, RoleView, StackView

if TYPE_CHECKING:
    from ..plan import Plan


def view_of_plan(plan: "Plan") -> StackView:
    settings = plan.settings
    return StackView(
        target=plan.target,
        resources=[Resource(r.urn, r.type, r.name, r.parent, list(r.dependencies), r.protect, r.inputs) for r in plan.resources],
        outputs=dict(plan.outputs),
        roles={
            name: RoleView(name, dict(role["env"]), role["replicas"]["min"], role["replicas"]["max"])
            for name, role in plan.roles.items()
        },
        prod=bool(settings is not None and settings.preset == "prod"),
        secrets_masked=True,
    )
