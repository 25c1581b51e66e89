"""The neutral view of what a policy pack receives (``StackValidationArgs.resources``).

Kept free of ``pulumi_policy`` imports so it can be tested on plain objects with the same
attributes (``resource_type``, ``props``, ``urn``, ``name``, ``opts.protect``, ``parent``,
``dependencies``)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional

from .from_plan import descendants, unowned
from .model import Resource, StackView
from ..targets import registry
from .target_rules import TARGETS

STACK_TYPE = "pulumi:pulumi:Stack"
#: Each target component's type token -> its target.
COMPONENT_TYPES = {spec.type_token: name for name, spec in registry.TARGETS.items()}


def plain(value: Any) -> Any:
    """The pack's read-only proxies as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or (
        hasattr(value, "__len__") and hasattr(value, "__getitem__") and not isinstance(value, (str, bytes))
    ):
        return [plain(v) for v in value]
    return value


def target_of(resources: list[Resource]) -> Optional[str]:
    """The target from the component's type (``lago:aws:LagoAws``), else from the providers used."""
    for r in resources:
        parts = r.type.split(":")
        if parts[0] == "lago" and parts[1] in TARGETS:
            return parts[1]
    for name, target in TARGETS.items():
        if any(r.type.startswith(target.provider) for r in resources):
            return name
    return None


def _resources(policy_resources: Iterable[Any]) -> tuple[list[Resource], dict[str, Any], str]:
    """The pack's resources as neutral ones, and the stack's outputs and name."""
    resources, outputs, stack_name = [], {}, ""
    for pr in policy_resources:
        parent = getattr(pr, "parent", None)
        r = Resource(
            urn=pr.urn,
            type=pr.resource_type,
            name=pr.name,
            parent=parent.urn if parent is not None else None,
            dependencies=[d.urn for d in getattr(pr, "dependencies", None) or []],
            protect=bool(getattr(getattr(pr, "opts", None), "protect", False)),
            inputs=plain(pr.props),
        )
        if r.type == STACK_TYPE:
            outputs, stack_name = r.inputs, r.urn.split("::")[0].rsplit(":", 1)[-1]
            continue
        resources.append(r)
    return resources, outputs, stack_name


def lago_components(resources: list[Resource]) -> list[Resource]:
    """The target components (``lago:aws:LagoAws``, ``lago:gcp:LagoGcp``, ``lago:local:LagoDocker``)."""
    return [r for r in resources if r.type in COMPONENT_TYPES]


def views_of_pack(policy_resources: Iterable[Any], prod: Optional[bool] = None) -> list[StackView]:
    """One view per Lago component in the program, whatever program built it: the target from the
    component's type token, the prod rules from the preset it records (``prod`` from the pack's
    config overrides it). A stack with no component resource (older stacks) is one view, its
    target read from the providers used and prod from a stack name containing ``prod``."""
    resources, outputs, stack_name = _resources(policy_resources)
    components = lago_components(resources)
    if not components:
        target = target_of(resources)
        if target is None:
            return []
        return [_view(target, resources, outputs, ("prod" in stack_name) if prod is None else prod)]
    views = []
    for component in components:
        own = resources if len(components) == 1 else descendants(resources, component.urn)
        preset_prod = component.inputs.get("preset") == "prod"
        views.append(_view(COMPONENT_TYPES[component.type], own, outputs, preset_prod if prod is None else prod))
    if len(views) > 1:
        views[0].unowned = unowned(resources, [c.urn for c in components])
    return views


def _view(target: str, resources: list[Resource], outputs: dict[str, Any], prod: bool) -> StackView:
    return StackView(
        target=target,
        resources=resources,
        outputs=outputs,
        roles=TARGETS[target].roles(resources, False),
        prod=prod,
        secrets_masked=False,
    )


def view_of_pack(policy_resources: Iterable[Any], prod: Optional[bool] = None) -> Optional[StackView]:
    """The view of a stack running at most one Lago (None: not a lago-infra stack)."""
    views = views_of_pack(policy_resources, prod)
    if len(views) > 1:
        raise ValueError(f"the stack runs {len(views)} Lago components; use views_of_pack")
    return views[0] if views else None
