"""What the GCP target checks before it registers anything, against Google's rules in ``limits``,
in two rounds that each return every problem they find:

- :func:`settings_problems`: the target-neutral keys (role sizes, ``lago:tags``) and the brought
  pieces against each other; ``LagoSettings`` runs it as it validates, so they are listed with
  every other bad key of the stack in one message.
- :func:`placement_problems`: the provider's project and region (outside ``lago:``, so the
  config model never sees them) and the names derived from the component's name; ``LagoGcp``
  raises them all as one ``SettingError``, reported like any bad key."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Optional

from ...config.errors import Problem, SettingError
from ...config.model import LagoSettings, RoleSize
from ...lago.roles import DEDICATED_QUEUES, roles_for
from . import limits

#: Labels the target adds to every labelled resource beside the user's ``lago:tags``.
RESERVED_LABELS = ("app", "lago-stack", "lago-role")


@dataclass(frozen=True)
class Placement:
    project: str
    region: str


def _provider_value(override: Optional[str], provider: Optional[str], key: str, explicit: bool) -> tuple[Optional[str], str, list[Problem]]:
    """The value, the stack key (or the explicit provider) it came from, and the problem when there is none."""
    if override:
        return override, f"lago:gcp.{key}", []
    if explicit:
        if not provider:
            return (
                None,
                f"gcp:{key}",
                [
                    Problem(
                        f"gcp:{key}",
                        f"the gcp.Provider given to LagoGcp has no {key}",
                        f"pass {key}=... to that gcp.Provider (or set lago:gcp.{key})",
                    )
                ],
            )
        return provider, f"gcp:{key} (of the gcp.Provider given to LagoGcp)", []
    if not provider:
        return (
            None,
            f"gcp:{key}",
            [
                Problem(
                    f"gcp:{key}",
                    f"no Google Cloud {key} is set",
                    f"`pulumi config set gcp:{key} VALUE` (or lago:gcp.{key} to override it for Lago only)",
                )
            ],
        )
    return provider, f"gcp:{key}", []


def _problem(key: str, text: str) -> Problem:
    """A problem from one of ``limits``' ``"what. Fix: fix"`` texts."""
    what, _, fix = text.partition(" Fix: ")
    return Problem(key, what.rstrip("."), fix or "see the configuration reference, docs/reference.md")


def _sizes(settings: LagoSettings) -> Iterator[tuple[str, RoleSize]]:
    for role in ("api", "worker", "clock", "front", "pdf", "migrate"):
        yield f"lago:roles.{role}", getattr(settings.roles, role)
    for queue, size in settings.workers.dedicated.items():
        yield f"lago:workers.dedicated.{queue}", size


def account_ids(name: str) -> dict[str, str]:
    """Service account ids per role class (6-30 characters: see limits.NAME_RULES). The backend's
    keeps the id the single runtime account had, so existing stacks keep their identity."""
    return {"backend": f"{name}-runtime", "front": f"{name}-front", "pdf": f"{name}-gotenberg"}


def bucket_name(project: str, name: str) -> str:
    # Bucket names are global: the project id keeps two projects' "lago" apart.
    return f"{project}-{name}-files"


def derived_names(name: str, project: str) -> dict[str, list[str]]:
    """Every name the target derives from ``lago:name`` (and the project), by kind, for every
    role Lago may run (all dedicated workers included)."""
    every_role = roles_for(DEDICATED_QUEUES)
    http = [r.name for r in every_role if r.port is not None]
    return {
        "run_service": [f"{name}-{r}" for r in http],
        "run_worker_pool": [f"{name}-{r.name}" for r in every_role if r.port is None and not r.one_shot],
        "run_job": [f"{name}-{r.name}" for r in every_role if r.one_shot],
        "service_account": list(account_ids(name).values()),
        "redis": [f"{name}-redis", f"{name}-cache", f"{name}-cable"],
        "bucket": [bucket_name(project, name)],
        "sql_instance": [f"{name}-db-pg"],
    }


def settings_problems(settings: LagoSettings, provider: Mapping[str, Any] = {}) -> list[Problem]:
    """Every problem Google would have with these settings, whatever the project, region and
    component name; ``LagoSettings`` runs it as it validates, so these are listed with every
    other bad key in one message."""
    region = settings.gcp.region or provider.get("gcp:region")
    return [
        *_brought(settings),
        *_run_sizes(settings),
        *_labels(settings.tags),
        *_brought_network(settings, region if isinstance(region, str) else None),
        *_subnet_size(settings),
        *_brought_redis(settings),
        *_clock_in_worker(settings),
    ]


def _clock_in_worker(settings: LagoSettings) -> Iterator[Problem]:
    """The clock inside the worker's container runs once per worker instance: exactly one, then.
    The container takes both roles' CPU and memory, which Cloud Run must accept together."""
    run = settings.gcp.run
    if not run.clock_in_worker or settings.runtime != "managed":
        return
    worker, clock = settings.roles.worker, settings.roles.clock
    ceiling = (worker.max_replicas or worker.replicas) if run.autoscale_workers else worker.replicas
    if worker.replicas != 1 or ceiling != 1:
        yield Problem(
            "lago:roles.worker.replicas",
            f"is {worker.replicas}{f' (up to {ceiling})' if ceiling != worker.replicas else ''} while lago:gcp.run.clockInWorker runs "
            "the clock inside each worker instance: every scheduled job would run once per instance",
            "keep one worker instance (replicas 1, and maxReplicas 1 with autoscaleWorkers), or set lago:gcp.run.clockInWorker to "
            "false to give the clock a worker pool of its own",
        )
    problem = limits.run_size_problem(worker.cpu + clock.cpu, worker.memory + clock.memory)
    if problem:
        what, _, fix = problem.partition(" Fix: ")
        yield Problem(
            "lago:roles.worker.memory",
            f"with lago:gcp.run.clockInWorker the worker's container holds the clock too ({worker.memory} + {clock.memory} MiB): {what.rstrip('.')}",
            f"{fix or 'lower lago:roles.worker.memory or lago:roles.clock.memory'}, or set lago:gcp.run.clockInWorker to false",
        )


def _brought_network(settings: LagoSettings, region: Optional[str]) -> Iterator[Problem]:
    """The network and subnetwork are one project's, the subnetwork in the region Lago runs in;
    a brought Cloud SQL instance or Memorystore is reachable only from the platform's network."""
    g = settings.gcp
    existing = g.network.existing
    if existing is None:
        for key, piece in (("lago:gcp.database.existing", g.database.existing), ("lago:gcp.redis.existing", g.redis.existing)):
            if piece is not None:
                yield Problem(
                    key,
                    "takes private addresses on the platform's network, but the stack creates a network of its own, from which they are unreachable",
                    "bring that network with lago:gcp.network.existing (network and subnetwork)",
                )
        return
    network = limits.NAME_PARTS.search(existing.network) if isinstance(existing.network, str) else None
    subnetwork = limits.NAME_PARTS.search(existing.subnetwork) if isinstance(existing.subnetwork, str) else None
    if network and subnetwork and network["project"] != subnetwork["project"]:
        yield Problem(
            "lago:gcp.network.existing.subnetwork",
            f"is in project {subnetwork['project']}, but the network is {network['project']}'s: a subnetwork belongs to a network of its own project",
            "give a subnetwork of the network (with Shared VPC, both are the host project's)",
        )
    if subnetwork and region is not None and subnetwork["region"] != region:
        yield Problem(
            "lago:gcp.network.existing.subnetwork",
            f"is in {subnetwork['region']}, but Lago runs in {region}: Cloud Run takes a subnetwork of its own region",
            f"give a subnetwork in {region}, or deploy to {subnetwork['region']}",
        )


def _subnet_size(settings: LagoSettings) -> Iterator[Problem]:
    """The subnet the stack creates holds every Cloud Run resource's addresses."""
    g = settings.gcp
    if g.network.existing is not None or settings.runtime != "managed":
        return
    subnet = ipaddress.ip_network(g.network.subnet_cidr)
    usable = subnet.num_addresses - limits.SUBNET_RESERVED_ADDRESSES
    need = limits.run_addresses([size.max_replicas or size.replicas for _, size in _sizes(settings)])
    if subnet.prefixlen > limits.RUN_SUBNET_PREFIX_MAX or usable < need:
        fit = next(p for p in range(limits.RUN_SUBNET_PREFIX_MAX, 7, -1) if 2 ** (32 - p) - limits.SUBNET_RESERVED_ADDRESSES >= need)
        yield Problem(
            "lago:gcp.network.subnetCidr",
            f"{subnet} holds {usable} addresses, and Cloud Run reserves them 16 at a time, twice as many as it runs instances: "
            f"the roles at their maxReplicas hold {need}, and Cloud Run needs a /{limits.RUN_SUBNET_PREFIX_MAX} or larger",
            f"give a /{fit} or larger, e.g. {ipaddress.ip_network(f'{subnet.network_address}/{fit}', strict=False)}",
        )


def _brought_redis(settings: LagoSettings) -> Iterator[Problem]:
    existing = settings.gcp.redis.existing
    if existing is None or existing.cache is None:
        return
    queue, cache = existing.queue, existing.cache
    if isinstance(cache.host, str) and (cache.host, cache.port or limits.REDIS_PORT[cache.tls]) == (
        queue.host,
        queue.port or limits.REDIS_PORT[queue.tls],
    ):
        yield Problem(
            "lago:gcp.redis.existing.cache",
            "is the queue's Redis: a separate cache evicts keys (allkeys-lru), and the queue must never",
            "give a Redis of its own, or remove cache and set lago:redis.separateCache to false (the cache then takes database 1 of the queue Redis)",
        )


def _brought(settings: LagoSettings) -> Iterator[Problem]:
    """What the brought pieces and the external runtime need of the other keys."""
    g = settings.gcp
    existing = g.redis.existing
    if existing is not None and settings.redis.separate_cache and existing.cache is None:
        yield Problem(
            "lago:gcp.redis.existing.cache",
            "is not set while lago:redis.separateCache is true",
            "give the cache Redis, or set lago:redis.separateCache to false (the cache then shares the queue Redis)",
        )
    if existing is not None and existing.cache is not None and not settings.redis.separate_cache:
        yield Problem(
            "lago:gcp.redis.existing.cache",
            "is set while lago:redis.separateCache is false",
            "set lago:redis.separateCache to true, or remove the cache Redis",
        )
    if settings.runtime != "external":
        return
    for key in ("front", "api"):
        if getattr(settings.urls, key) is None and settings.domain is None:
            yield Problem(
                f"lago:urls.{key}",
                "is not set, and lago:runtime external builds no load balancer to derive it from",
                "set lago:urls.front and lago:urls.api to where the platform serves Lago (or lago:domain for https://APP and https://API hosts)",
            )
    for role in ("front", "pdf"):
        if getattr(g.service_accounts, role) is not None:
            yield Problem(
                f"lago:gcp.serviceAccounts.{role}",
                f"is set while lago:runtime is external, which runs no {role}",
                "remove it: the platform's runtime gives front and pdf their identities",
            )


def _run_sizes(settings: LagoSettings) -> Iterator[Problem]:
    for key, size in _sizes(settings):
        problem = limits.run_size_problem(size.cpu, size.memory)
        if problem:
            yield _problem(f"{key}.memory", problem)


def cross_project_accounts(settings: LagoSettings, project: str) -> dict[str, str]:
    """The brought accounts Cloud Run runs as that live in another project than ``project``, by
    role group (those given as text; an Output's project is not known here)."""
    brought = settings.gcp.service_accounts
    found = {}
    for group in ("backend", "front", "pdf"):
        email = getattr(brought, group)
        home = limits.service_account_project(email) if isinstance(email, str) else None
        if home is not None and home != project:
            found[group] = email
    return found


def _cross_project(settings: LagoSettings, project: str) -> Iterator[Problem]:
    """Cloud Run runs as an account of another project only where that project allows it (an
    organisation policy this program can neither read nor set): the user says so, or is refused."""
    others = cross_project_accounts(settings, project)
    if others and not settings.gcp.service_accounts.cross_project:
        group, email = next(iter(others.items()))
        home = limits.service_account_project(email)
        yield Problem(
            f"lago:gcp.serviceAccounts.{group}",
            f"{email} lives in project {home}, not {project}: Cloud Run may run as it only where {home} does not enforce "
            f"the organisation policy constraint {limits.CROSS_PROJECT_CONSTRAINT}",
            f"have it not enforced on {home} (`gcloud resource-manager org-policies disable-enforce {limits.CROSS_PROJECT_CONSTRAINT} "
            f"--project={home}`), then set lago:gcp.serviceAccounts.crossProject to true (Cloud Run's service agent is then granted "
            f"{limits.CROSS_PROJECT_ROLE} on the account); or use an account of {project}",
        )


def _labels(tags: dict[str, str]) -> Iterator[Problem]:
    if problem := limits.labels_problem(tags, len(RESERVED_LABELS)):
        yield Problem("lago:tags", problem, "remove some tags")
    for key, value in tags.items():
        if key in RESERVED_LABELS:
            yield Problem(f"lago:tags.{key}", f"'{key}' is a label this project sets itself", "use another key")
        elif problem := limits.label_problem(key, value):
            yield _problem(f"lago:tags.{key}", problem)


def placement_problems(
    settings: LagoSettings,
    name: str,
    provider_project: Optional[str],
    provider_region: Optional[str],
    explicit_provider: bool = False,
    name_key: str = "lago:name",
) -> tuple[Optional[Placement], list[Problem]]:
    """The project and region everything goes to, and every problem with them and with the
    names derived from the component's ``name`` (``name_key`` is how the message names it)."""
    g = settings.gcp
    project, project_key, found = _provider_value(g.project, provider_project, "project", explicit_provider)
    region, region_key, missing = _provider_value(g.region, provider_region, "region", explicit_provider)
    found += missing
    for key, value, problem_of in ((project_key, project, limits.project_problem), (region_key, region, limits.region_problem)):
        if value is not None and (problem := problem_of(value)):
            found.append(_problem(key, problem))
    if project is not None:
        found += _cross_project(settings, project)
        for kind, names in derived_names(name, project).items():
            for derived in names:
                if problem := limits.name_problem(kind, derived):
                    found.append(
                        Problem(
                            name_key,
                            f"'{name}' gives a {kind.replace('_', ' ')} name Google refuses: {problem}",
                            f"choose a shorter {'lago:name' if name_key == 'lago:name' else 'component name'}",
                        )
                    )
                    break
    if region is not None and not found:
        # The provider's region: known only now when the component was given its own provider.
        found += _brought_network(settings, region)
    placement = Placement(project, region) if project is not None and region is not None else None
    return placement, found


def check(
    settings: LagoSettings,
    provider_project: Optional[str],
    provider_region: Optional[str],
    explicit_provider: bool = False,
    name: Optional[str] = None,
    name_key: str = "lago:name",
) -> Placement:
    """``explicit_provider``: the project and region are those of a ``gcp.Provider`` the component
    was given, not the stack's ``gcp:`` config. Raises every problem at once as a ``SettingError``."""
    placement, found = placement_problems(
        settings, settings.name if name is None else name, provider_project, provider_region, explicit_provider, name_key
    )
    if found or placement is None:
        raise SettingError.of(found)
    return placement
