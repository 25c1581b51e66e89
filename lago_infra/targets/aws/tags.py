"""Tags on every AWS resource the target creates: the user's ``lago:tags`` plus ``lago-stack``
(and ``lago-role`` where a resource belongs to one Lago role).

Applied by a ``transformations`` option on the ``LagoAws`` component, which the SDK runs on every
child as it is constructed. Why not the provider's ``default_tags``: that needs an explicit
provider, and a component that creates its own provider would break a platform program that
embeds it with its own provider (another account, role or region). Why not the newer
``transforms`` option: the engine runs those, and the offline plan's mock monitor does not, so
the recorded plan would show no tags; ``transformations`` run in the program, so what the plan
shows is what AWS gets. Tags a resource sets itself (``Name``, ``lago-role``) win.
"""

from __future__ import annotations

from typing import Optional

import pulumi

STACK_TAG = "lago-stack"
ROLE_TAG = "lago-role"


def role(name: str) -> dict[str, str]:
    """The tag naming the Lago role a resource belongs to."""
    return {ROLE_TAG: name}


def stack_tags(user: dict[str, str], stack: str) -> dict[str, str]:
    return {**user, STACK_TAG: stack}


def transformation(tags: dict[str, str]) -> pulumi.ResourceTransformation:
    def apply(args: pulumi.ResourceTransformationArgs) -> Optional[pulumi.ResourceTransformationResult]:
        # Only resources that take tags (the SDK class has a ``tags`` property); components do not.
        if isinstance(args.resource, pulumi.ComponentResource) or not hasattr(type(args.resource), "tags"):
            return None
        props = dict(args.props)
        props["tags"] = pulumi.Output.from_input(props.get("tags") or {}).apply(lambda own: {**tags, **(own or {})})
        return pulumi.ResourceTransformationResult(props, args.opts)

    return apply
