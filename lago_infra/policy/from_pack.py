"""The neutral view of what a policy pack receives (``StackValidationArgs.resources``).

Kept free of ``pulumi_policy`` imports so it can be tested on plain objects with the same
attributes (``resource_type``, ``props``, ``urn``, ``name``, ``opts.protect``, ``parent``,
``dependencies``)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional

from .model import Resource, StackView
from .targets import TARGETS

STACK_TYPE = "pulumi:pulumi:Stack"


def plain(value: Any) -> Any:
    """The pack's read-only proxies as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or (hasattr(value, "__len__") and hasattr(value, "__getitem__") and not isinstance(value, (str, bytes))):
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


def view_of_pack(policy_resources: Iterable[Any], prod: Optional[bool] = None) -> Optional[StackView]:
    """``prod`` from the pack's config; unset, a stack whose name contains ``prod`` is prod."""
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
    target = target_of(resources)
    if target is None:
        return None
    return StackView(
        target=target,
        resources=resources,
        outputs=outputs,
        roles=TARGETS[target].roles(resources, False),
        prod=("prod" in stack_name) if prod is None else prod,
        secrets_masked=False,
    )
