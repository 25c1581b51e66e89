"""What a target contributes to the rules, and helpers its checks share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

from ...lago.roles import DEDICATED_QUEUES, roles_for
from ..model import Resource, RoleView, StackView, Violation

Check = Callable[[StackView], Iterable[Violation]]

#: Every role name a deployment can run, longest first so ``worker-pdfs`` wins over ``worker``.
ROLE_NAMES: tuple[str, ...] = tuple(sorted((r.name for r in roles_for(DEDICATED_QUEUES)), key=len, reverse=True))
ROLES_BY_NAME = {r.name: r for r in roles_for(DEDICATED_QUEUES)}

WORLD = ("0.0.0.0/0", "::/0")


@dataclass(frozen=True)
class TargetPolicy:
    """One target's part of the rule set. Adding a target: write a module that builds one of
    these and name it as the ``policy`` part of the target's entry in the list of targets."""

    name: str
    #: Resource type prefix of the target's provider (how the pack recognises the target).
    provider: str
    #: The roles' environment and replica counts read from the resources (the pack's view;
    #: offline the plan records them). ``masked`` tells whether secret values are masked.
    roles: Callable[[list[Resource], bool], dict[str, RoleView]]
    #: The database's max_connections and where the figure comes from, or (None, why unknown).
    max_connections: Callable[[StackView], tuple[Optional[int], str]]
    #: True when the api is reachable from outside the host / network.
    api_public: Callable[[StackView], bool]
    #: How many of a role's instances may run at once during a deployment, in percent of its
    #: count (old and new side by side), by role name.
    deploy_surge: Callable[[StackView, str], int] = lambda view, role: 100
    #: Rule id -> this target's check. A rule a target does not list does not apply to it.
    checks: dict[str, Check] = field(default_factory=dict)


def role_of(*names: Any) -> Optional[str]:
    """The Lago role a resource runs, from its name, container name or label: the known role
    name that the text equals or ends with after a dash (``lago-worker-pdfs`` -> ``worker-pdfs``)."""
    for text in names:
        if not isinstance(text, str):
            continue
        for role in ROLE_NAMES:
            if text == role or text.endswith(f"-{role}"):
                return role
    return None


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def as_int(value: Any) -> Optional[int]:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def missing(view: StackView, types: tuple[str, ...], test: Callable[[Resource], Optional[str]], fix: str) -> Iterable[Violation]:
    """A violation for every resource of ``types`` for which ``test`` names a problem."""
    for r in view.of_type(*types):
        problem = test(r)
        if problem:
            yield Violation(r.name, problem, fix)


def unprotected(view: StackView, types: tuple[str, ...]) -> Iterable[Violation]:
    for r in view.of_type(*types):
        if not r.protect:
            yield Violation(r.name, f"{r.type} holds data but is not protected")
