"""The local Docker target: containers labelled ``lago.role``, Postgres and Redis containers."""

from __future__ import annotations

import re
from typing import Iterable, Optional

from ...lago.variables import is_secret
from ..model import SECRET, Resource, RoleView, StackView, Violation
from .base import ROLES_BY_NAME, TargetPolicy, role_of, unprotected

CONTAINER = "docker:index/container:Container"
VOLUME = "docker:index/volume:Volume"
#: Postgres's own default when no ``-c max_connections`` is given.
POSTGRES_DEFAULT_MAX_CONNECTIONS = 100
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _label(container: Resource, key: str) -> Optional[str]:
    for label in container.inputs.get("labels") or []:
        if isinstance(label, dict) and label.get("label") == key:
            return label.get("value")
    return None


def _env(container: Resource, masked: bool) -> dict[str, str]:
    """``NAME=value`` strings. An entry masked whole offline loses its name (the plan's roles
    have it). In the pack every value arrives in clear; Docker has no secret channel apart
    from Pulumi's own secrecy (the provider keeps the whole list secret in state), which the
    pack cannot see, so catalogue secrets count as secret and the value checks do the rest."""
    env: dict[str, str] = {}
    for entry in container.inputs.get("envs") or []:
        if not isinstance(entry, str) or "=" not in entry:
            continue
        name, _, value = entry.partition("=")
        env[name] = SECRET if (not masked and is_secret(name)) else value
    return env


def roles(resources: list[Resource], masked: bool) -> dict[str, RoleView]:
    found: dict[str, RoleView] = {}
    for c in (r for r in resources if r.type == CONTAINER):
        role = role_of(_label(c, "lago.role"), c.name)
        if role is None:
            continue
        if role in found:
            found[role].min_replicas += 1
            found[role].max_replicas += 1
        else:
            found[role] = RoleView(role, _env(c, masked))
    return found


def _postgres(view: StackView) -> Optional[Resource]:
    for c in view.of_type(CONTAINER):
        if any(isinstance(e, str) and e.startswith("POSTGRES_DB=") for e in c.inputs.get("envs") or []) or c.name.endswith("-postgres"):
            return c
    return None


def _redis(view: StackView) -> Optional[Resource]:
    return next((c for c in view.of_type(CONTAINER) if c.name.endswith("-redis")), None)


def max_connections(view: StackView) -> tuple[Optional[int], str]:
    pg = _postgres(view)
    if pg is None:
        return None, "no Postgres container found"
    command = " ".join(str(a) for a in pg.inputs.get("command") or [])
    match = re.search(r"max_connections=(\d+)", command)
    if match:
        return int(match.group(1)), f"{pg.name} command (-c max_connections)"
    return POSTGRES_DEFAULT_MAX_CONNECTIONS, f"{pg.name}: Postgres default"


def _published(c: Resource) -> list[dict]:
    return [p for p in c.inputs.get("ports") or [] if isinstance(p, dict)]


def api_public(view: StackView) -> bool:
    for c in view.of_type(CONTAINER):
        if role_of(_label(c, "lago.role")) == "api":
            return any(p.get("ip", "0.0.0.0") not in _LOOPBACK for p in _published(c))
    return False


def _no_host_ports(find, what: str):
    def check(view: StackView) -> Iterable[Violation]:
        c = find(view)
        if c is not None and _published(c):
            yield Violation(
                c.name, f"{what} publishes a port on the Docker host", "remove its ports; roles reach it on the private network"
            )

    return check


def _only_public_roles_publish(view: StackView) -> Iterable[Violation]:
    for c in view.of_type(CONTAINER):
        role = ROLES_BY_NAME.get(role_of(_label(c, "lago.role")) or "")
        if _published(c) and not (role and role.public):
            yield Violation(c.name, "publishes a host port but is not the api or the front", "remove its ports")


def _health(view: StackView) -> Iterable[Violation]:
    for c in view.of_type(CONTAINER):
        role = ROLES_BY_NAME.get(role_of(_label(c, "lago.role")) or "")
        # A Docker health check is a liveness check: it must exist where the role has one.
        if role and role.liveness and not (c.inputs.get("healthcheck") or {}).get("tests"):
            yield Violation(
                c.name,
                f"role {role.name} serves but has no Docker health check",
                f"probe {role.liveness.path} on port {role.liveness.port}",
            )


TARGET = TargetPolicy(
    name="local",
    provider="docker:",
    roles=roles,
    max_connections=max_connections,
    # A Docker host runs one container per name: a release's container never runs beside the one
    # it replaces.
    deploy_surge=lambda view, role: 100,
    api_public=api_public,
    checks={
        "database-private": _no_host_ports(_postgres, "the Postgres container"),
        "redis-private": _no_host_ports(_redis, "the Redis container"),
        "network-closed": _only_public_roles_publish,
        "protect": lambda view: unprotected(view, (VOLUME,)),
        "health-checks": _health,
    },
)
