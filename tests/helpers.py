"""Small readers over a recorded plan, shared by the target tests."""

from __future__ import annotations

from typing import Any

import pytest

from lago_infra.config.errors import ConfigError
from lago_infra.plan import Plan, ProgramFailed
from lago_infra.plan.monitor import Registration


def resources(plan: Plan, type_: str) -> list[Registration]:
    return plan.by_type(type_)


def named(plan: Plan, suffix: str, type_: str | None = None) -> Registration:
    found = [r for r in plan.resources if r.name.endswith(suffix) and (type_ is None or r.type == type_)]
    assert len(found) == 1, f"expected one resource named *{suffix} ({type_}), found {[r.name for r in found]}"
    return found[0]


def ancestors_and_deps(plan: Plan, urn: str) -> set[str]:
    """Every URN ``urn`` waits on: its dependencies, transitively."""
    by_urn = {r.urn: r for r in plan.resources}
    seen: set[str] = set()
    todo = [urn]
    while todo:
        r = by_urn.get(todo.pop())
        if r is None:
            continue
        for d in r.dependencies:
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


def env_of(plan: Plan, role: str) -> dict[str, Any]:
    return plan.roles[role]["env"]


def descendants(plan: Plan, urn: str) -> list[Registration]:
    """Every registration parented, directly or not, to ``urn`` (a component)."""
    parent = {r.urn: r.parent for r in plan.resources}

    def inside(u: str | None) -> bool:
        while u is not None and u != urn:
            u = parent.get(u)
        return u == urn

    return [r for r in plan.resources if r.urn != urn and inside(r.urn)]


def refused(plan_config, config: dict[str, Any], *fragments: str, none_of: str | None = None) -> str:
    """The one message a stack with ``config`` gets (a ConfigError before the program, or the
    program's own clean stop), checked for each of ``fragments`` and for the absence of a
    traceback; with ``none_of`` (a type prefix such as ``gcp:``), also that a program which
    stopped had registered nothing of it."""
    with pytest.raises((ConfigError, ProgramFailed)) as caught:
        plan_config(config)
    message = str(caught.value)
    assert "Traceback" not in message
    for fragment in fragments:
        assert fragment in message, message
    if none_of is not None and isinstance(caught.value, ProgramFailed):
        assert not [r for r in caught.value.registrations if r.type.startswith(none_of)]
    return message


def through_one_provider(plan: Plan, package: str, invokes: list[tuple[str, str]]) -> tuple[list[Registration], set[str]]:
    """Asserts that every ``package`` resource and every recorded invoke (token, provider
    reference) went through the program's one explicit provider; returns those resources and
    the invoke tokens."""
    [provider] = plan.by_type(f"pulumi:providers:{package}")
    reference = provider.urn + "::"
    resources = [r for r in plan.resources if r.type.startswith(f"{package}:")]
    strays = [r.name for r in resources if not (r.provider or "").startswith(reference)]
    assert not strays, strays
    assert all(ref.startswith(reference) for _, ref in invokes), invokes
    return resources, {token for token, _ in invokes}


def registration(
    name: str, type_: str, deps: tuple[str, ...] = (), parent: str | None = None, provider: str = "p", **inputs
) -> Registration:
    """A recorded registration made by hand (URN = name), for checks that read plans."""
    return Registration(
        urn=name,
        type=type_,
        name=name,
        parent=parent,
        custom=True,
        dependencies=list(deps),
        protect=False,
        retain_on_delete=False,
        ignore_changes=[],
        delete_before_replace=False,
        provider=provider,
        inputs=inputs,
    )
