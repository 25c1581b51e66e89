"""Rules about Lago itself, read from each role's environment: the same on every target."""

from __future__ import annotations

from typing import Iterable

from ...lago.roles import DEDICATED_QUEUES, connection_pools, dedicated_worker, image_version, sidekiq_flag
from ...lago.variables import REQUIRED_BACKEND, REQUIRED_FRONT
from ..model import StackView, Violation
from ..target_rules import TARGETS
from ..target_rules.base import ROLES_BY_NAME, as_int

#: Connections kept free for psql and maintenance, at least this many...
RESERVE_MIN = 10
#: ...or this share of max_connections, whichever is larger.
RESERVE_SHARE = 0.1


def _backend(view: StackView):
    return [r for name, r in view.roles.items() if name in ROLES_BY_NAME and ROLES_BY_NAME[name].backend]


def one_clock(view: StackView) -> Iterable[Violation]:
    clock = view.roles.get("clock")
    if clock is None:
        yield Violation("clock", "no clock role runs: scheduled jobs (billing, usage refresh) never run", "run exactly one clock")
    elif (clock.min_replicas, clock.max_replicas) != (1, 1):
        yield Violation("clock", f"the clock runs {clock.min_replicas}..{clock.max_replicas}: every scheduled job would run more than once")


def sidekiq_flags(view: StackView) -> Iterable[Violation]:
    backend = _backend(view)
    for queue in DEDICATED_QUEUES:
        flag = sidekiq_flag(queue)
        values = {r.name: str(r.env.get(flag, "")).lower() for r in backend}
        if len(set(values.values())) > 1:
            shown = ", ".join(f"{k}={v or '(unset)'}" for k, v in sorted(values.items()))
            yield Violation(
                flag, f"differs between backend roles ({shown}): jobs are routed when enqueued", "set the same value on every backend role"
            )
        worker = dedicated_worker(queue).name
        if "true" in values.values() and worker not in view.roles:
            yield Violation(
                flag,
                f"is true but no {worker} runs: those jobs are never processed",
                f"add lago:workers.dedicated.{queue} or turn the flag off",
            )
        if worker in view.roles and values and "true" not in values.values():
            yield Violation(worker, f"runs but {flag} is not true: it drains an empty queue", f"set {flag}=true on every backend role")


def sidekiq_web(view: StackView) -> Iterable[Violation]:
    api = view.roles.get("api")
    if api and str(api.env.get("LAGO_SIDEKIQ_WEB", "")).lower() == "true" and TARGETS[view.target].api_public(view):
        yield Violation(
            "api", "LAGO_SIDEKIQ_WEB=true mounts an unauthenticated /sidekiq on a public api", "remove lago:features.sidekiqWeb"
        )


def urls(view: StackView) -> Iterable[Violation]:
    front = view.roles.get("front")
    api_urls = {r.name: r.env.get("LAGO_API_URL") for r in _backend(view)}
    front_urls = {r.name: r.env.get("LAGO_FRONT_URL") for r in _backend(view)}
    for var, seen in (("LAGO_API_URL", api_urls), ("LAGO_FRONT_URL", front_urls)):
        distinct = {v for v in seen.values() if v}
        if len(distinct) > 1:
            yield Violation(var, f"differs between backend roles: {sorted(distinct)}", "derive it once (lago:urls) for every role")
        for value in distinct:
            if not str(value).startswith(("http://", "https://")) or str(value).endswith("/"):
                yield Violation(
                    var, f"{value!r} is not a base URL with scheme and no trailing slash", "set lago:urls to e.g. https://lago.example.com"
                )
    if front is not None:
        api_url = front.env.get("API_URL")
        if set(api_urls.values()) - {api_url}:
            yield Violation(
                "front",
                f"front API_URL {api_url!r} is not the backend's LAGO_API_URL {sorted(set(api_urls.values()))}: the browser calls the wrong api",
                "derive both from the same api URL",
            )


def required_variables(view: StackView) -> Iterable[Violation]:
    for role in _backend(view):
        absent = [v for v in REQUIRED_BACKEND if v not in role.env]
        if absent:
            yield Violation(role.name, f"lacks required variables {', '.join(absent)}", "build the role's environment with LagoDeployment")
    front = view.roles.get("front")
    if front is not None:
        absent = [v for v in REQUIRED_FRONT if v not in front.env]
        if absent:
            yield Violation("front", f"lacks required variables {', '.join(absent)}", "build the front's environment with LagoDeployment")


def connections(view: StackView) -> Iterable[Violation]:
    """The worst case: every backend role at its ceiling, times the deployment's surge (old and new
    side by side), times its processes, times its pool, times the pools each process opens for the
    Lago version it runs; migrate runs once, beside the old release."""
    target = TARGETS[view.target]
    limit, source = target.max_connections(view)
    if limit is None and source is None:
        return  # the stack creates no database server (one is brought): its size is the platform's
    if limit is None:
        yield Violation(
            "database",
            f"cannot tell the database's max_connections ({source})",
            "set max_connections explicitly (parameter group / database flag)",
        )
        return
    terms, total = [], 0
    for role in _backend(view):
        spec = ROLES_BY_NAME[role.name]
        processes = max(1, as_int(role.env.get("WEB_CONCURRENCY")) or 0) if role.name == "api" else 1
        pool = as_int(role.env.get("DATABASE_POOL")) or 10  # Lago's own default
        pools = connection_pools(image_version(role.image))
        running = 1 if spec.one_shot else role.max_replicas * target.deploy_surge(view, role.name) // 100
        used = running * processes * pool * pools
        total += used
        terms.append(f"{role.name} {running}x{processes}x{pool}x{pools}={used}")
    reserve = max(RESERVE_MIN, int(limit * RESERVE_SHARE))
    if total > limit - reserve:
        yield Violation(
            "database",
            f"worst case {total} connections ({' + '.join(terms)}; instances during a deployment x processes x DATABASE_POOL "
            f"x pools per process) exceeds max_connections {limit} ({source}) minus a reserve of {reserve} = {limit - reserve}",
            "lower maxReplicas, DATABASE_POOL (lago:database.pool) or workers.concurrency, or raise max_connections",
        )
