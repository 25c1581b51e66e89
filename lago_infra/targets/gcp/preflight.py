"""What the GCP target checks before it registers anything: the provider's project and region
(outside ``lago:``, so the config model never sees them), and the target-neutral keys (role sizes,
``lago:tags``, names derived from ``lago:name``) against Google's rules in ``limits``.

Each failure is a ``SettingError`` naming the stack key, which the program and the CLI turn into
the one-message ConfigError a bad key gets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

from ...config.errors import SettingError
from ...config.model import LagoSettings, RoleSize
from ...lago.roles import DEDICATED_QUEUES, roles_for
from . import limits

#: Labels the target adds to every labelled resource beside the user's ``lago:tags``.
RESERVED_LABELS = ("app", "lago-stack", "lago-role")


@dataclass(frozen=True)
class Placement:
    project: str
    region: str


def _provider_value(override: Optional[str], provider: Optional[str], key: str, explicit: bool) -> tuple[str, str]:
    """The value and the stack key (or the explicit provider) it came from."""
    if override:
        return override, f"lago:gcp.{key}"
    if explicit:
        if not provider:
            raise SettingError(
                f"gcp:{key}", f"the gcp.Provider given to LagoGcp has no {key}", f"pass {key}=... to that gcp.Provider (or set lago:gcp.{key})"
            )
        return provider, f"gcp:{key} (of the gcp.Provider given to LagoGcp)"
    if not provider:
        raise SettingError(
            f"gcp:{key}",
            f"no Google Cloud {key} is set",
            f"`pulumi config set gcp:{key} VALUE` (or lago:gcp.{key} to override it for Lago only)",
        )
    return provider, f"gcp:{key}"


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


def _brought(settings: LagoSettings, project: str) -> None:
    """What the brought pieces and the external runtime need of the other keys."""
    g = settings.gcp
    existing = g.redis.existing
    if existing is not None and settings.redis.separate_cache and existing.cache is None:
        raise SettingError(
            "lago:gcp.redis.existing.cache",
            "is not set while lago:redis.separateCache is true",
            "give the cache Redis, or set lago:redis.separateCache to false (the cache then shares the queue Redis)",
        )
    if existing is not None and existing.cache is not None and not settings.redis.separate_cache:
        raise SettingError("lago:gcp.redis.existing.cache", "is set while lago:redis.separateCache is false", "set lago:redis.separateCache to true, or remove the cache Redis")
    if settings.runtime != "external":
        _cross_project(settings, project)
        return
    for key in ("front", "api"):
        if getattr(settings.urls, key) is None and settings.domain is None:
            raise SettingError(
                f"lago:urls.{key}",
                "is not set, and lago:runtime external builds no load balancer to derive it from",
                "set lago:urls.front and lago:urls.api to where the platform serves Lago (or lago:domain for https://APP and https://API hosts)",
            )
    for role in ("front", "pdf"):
        if getattr(g.service_accounts, role) is not None:
            raise SettingError(
                f"lago:gcp.serviceAccounts.{role}",
                f"is set while lago:runtime is external, which runs no {role}",
                "remove it: the platform's runtime gives front and pdf their identities",
            )


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


def _cross_project(settings: LagoSettings, project: str) -> None:
    """Cloud Run runs as an account of another project only where that project allows it (an
    organisation policy this program can neither read nor set): the user says so, or is refused."""
    others = cross_project_accounts(settings, project)
    if others and not settings.gcp.service_accounts.cross_project:
        group, email = next(iter(others.items()))
        home = limits.service_account_project(email)
        raise SettingError(
            f"lago:gcp.serviceAccounts.{group}",
            f"{email} lives in project {home}, not {project}: Cloud Run may run as it only where {home} does not enforce "
            f"the organisation policy constraint {limits.CROSS_PROJECT_CONSTRAINT}",
            f"have it not enforced on {home} (`gcloud resource-manager org-policies disable-enforce {limits.CROSS_PROJECT_CONSTRAINT} "
            f"--project={home}`), then set lago:gcp.serviceAccounts.crossProject to true (Cloud Run's service agent is then granted "
            f"{limits.CROSS_PROJECT_ROLE} on the account); or use an account of {project}",
        )


def check(settings: LagoSettings, provider_project: Optional[str], provider_region: Optional[str], explicit_provider: bool = False) -> Placement:
    """``explicit_provider``: the project and region are those of a ``gcp.Provider`` the component
    was given, not the stack's ``gcp:`` config."""
    g = settings.gcp
    project, project_key = _provider_value(g.project, provider_project, "project", explicit_provider)
    _brought(settings, project)
    region, region_key = _provider_value(g.region, provider_region, "region", explicit_provider)
    for key, problem in ((project_key, limits.project_problem(project)), (region_key, limits.region_problem(region))):
        if problem:
            what, _, fix = problem.partition(" Fix: ")
            raise SettingError(key, what.rstrip("."), fix)

    for key, size in _sizes(settings):
        problem = limits.run_size_problem(size.cpu, size.memory)
        if problem:
            what, _, fix = problem.partition(" Fix: ")
            raise SettingError(f"{key}.memory", what.rstrip("."), fix)

    if problem := limits.labels_problem(settings.tags, len(RESERVED_LABELS)):
        raise SettingError("lago:tags", problem, "remove some tags")
    for key, value in settings.tags.items():
        if key in RESERVED_LABELS:
            raise SettingError(f"lago:tags.{key}", f"'{key}' is a label this project sets itself", "use another key")
        if problem := limits.label_problem(key, value):
            what, _, fix = problem.partition(" Fix: ")
            raise SettingError(f"lago:tags.{key}", what.rstrip("."), fix)

    for kind, names in derived_names(settings.name, project).items():
        for name in names:
            if problem := limits.name_problem(kind, name):
                raise SettingError("lago:name", f"a name derived from it is refused by Google: {problem}", "choose a shorter lago:name")
    return Placement(project, region)
