"""Checks that need the whole stack config, not only ``lago:aws``: the name budget (``lago:name``
is a top-level key), Fargate sizes (``lago:roles``), tags (``lago:tags``) and the provider's
region (``aws:region``). ``LagoAws`` runs them before it registers anything and raises the
first problem as a ``SettingError``, which the program and the CLI report like any bad key."""

from __future__ import annotations

from typing import Iterator, Optional

from ...config.base import secret_paths
from ...config.errors import Problem, SettingError
from ...config.model import LagoSettings
from ...secrets import rsa_variable
from . import limits
from .edge import LISTENER_RULES


def problems(settings: LagoSettings, region: Optional[str]) -> Iterator[Problem]:
    yield from _name(settings.name)
    yield from _sizes(settings)
    yield from _tags(settings.tags)
    yield from _brought_listener(settings)
    yield from _external_urls(settings)
    yield from _brought_database(settings)
    yield from _parameter_sizes(settings)
    if region is not None:
        yield from region_problems(region)


def region_problems(region: str) -> Iterator[Problem]:
    """A region AWS or this target cannot deploy to (the stack's ``aws:region``, or the region of
    an embedding program's provider)."""
    if region not in limits.REGIONS:
        yield Problem("aws:region", f"'{region}' is not an AWS region the provider knows", "use a region code such as eu-west-1 or us-east-1")
        return
    partition = limits.partition_of(region)
    if partition not in limits.SUPPORTED_PARTITIONS:
        reason = limits.UNSUPPORTED_PARTITION_REASON.get(partition, "this target uses services that partition lacks, and cannot check which")
        yield Problem(
            "aws:region",
            f"'{region}' is in the {partition} partition: {reason}",
            f"deploy in a region of the {' or '.join(limits.SUPPORTED_PARTITIONS)} partition",
        )


def check(settings: LagoSettings, region: Optional[str]) -> None:
    for problem in problems(settings, region):
        raise SettingError(problem.key, problem.what, problem.fix)


def check_region(region: str) -> None:
    """``region_problems`` as one clear error (the provider's region, once known)."""
    for problem in region_problems(region):
        raise SettingError(problem.key, problem.what, problem.fix)


def _name(name: str) -> Iterator[Problem]:
    budget, token = limits.lago_name_budget()
    if len(name) > budget:
        kind = token.rsplit(":", 1)[-1]
        limit = limits.NAME_LIMITS[token]
        yield Problem(
            "lago:name",
            f"'{name}' is {len(name)} characters; on AWS it leaves no room in the {kind} name "
            f"(at most {limit.max_length}, including '{limit.longest_tail}' and the engine's 8-character suffix)",
            f"use at most {budget} characters, e.g. '{name[:budget].rstrip('-')}'",
        )
    if "--" in name or name.endswith("-"):
        yield Problem(
            "lago:name",
            f"'{name}' has a doubled or trailing hyphen, which RDS, ElastiCache and ELB names refuse",
            f"use single hyphens between letters or digits, e.g. '{'-'.join(p for p in name.split('-') if p)}'",
        )


def _sizes(settings: LagoSettings) -> Iterator[Problem]:
    sized = [(f"lago:roles.{role}", size) for role, size in settings.roles.model_dump().items()]
    sized += [(f"lago:workers.dedicated.{queue}", size.model_dump()) for queue, size in settings.workers.dedicated.items()]
    for key, size in sized:
        cpu, memory = size["cpu"], size["memory"]
        units = int(cpu * 1024)
        if units not in limits.FARGATE_SIZES:
            allowed = ", ".join(f"{u / 1024:g}" for u in limits.FARGATE_SIZES)
            yield Problem(f"{key}.cpu", f"Fargate has no {cpu:g} vCPU task", f"use one of {allowed}")
        elif memory not in limits.fargate_memories(units):
            yield Problem(
                f"{key}.memory",
                f"Fargate has no {cpu:g} vCPU task with {memory} MiB",
                f"set the role's memory to one of {', '.join(map(str, limits.fargate_memories(units)))}",
            )


def _brought_database(settings: LagoSettings) -> Iterator[Problem]:
    existing = settings.aws.database.existing if settings.aws else None
    if existing is not None and settings.runtime == "external":
        yield Problem(
            "lago:aws.database.existing",
            "readies the Lago database and user with a bootstrap container in the migrate task, and with lago:runtime external "
            "no task runs",
            "create the database and user on your server and give their URL as lago:aws.database.existingUrlSecretArn, or use lago:runtime managed",
        )


def _tags(tags: dict[str, str]) -> Iterator[Problem]:
    if len(tags) > limits.USER_TAGS_MAX:
        yield Problem("lago:tags", f"has {len(tags)} tags; AWS takes 50 per resource and this target adds {limits.OWN_TAGS}", f"keep at most {limits.USER_TAGS_MAX}")
    for key, value in tags.items():
        where = f"lago:tags.{key}"
        if key.lower().startswith(limits.TAG_RESERVED_PREFIX):
            yield Problem(where, "tag keys beginning with 'aws:' are reserved for AWS", "rename the tag")
        elif not 1 <= len(key) <= limits.TAG_KEY_MAX or not limits.TAG_CHARACTERS.match(key):
            yield Problem(where, f"AWS tag keys are 1-{limits.TAG_KEY_MAX} letters, digits, spaces or _ . : / = + - @", "rename the tag")
        elif len(str(value)) > limits.TAG_VALUE_MAX or not limits.TAG_CHARACTERS.match(str(value)):
            yield Problem(where, f"AWS tag values are at most {limits.TAG_VALUE_MAX} letters, digits, spaces or _ . : / = + - @", "change the value")


def _brought_listener(settings: LagoSettings) -> Iterator[Problem]:
    existing = settings.aws.edge.existing if settings.aws is not None else None
    if existing is None or settings.runtime == "external":
        return
    key = "lago:aws.edge.existing"
    if settings.domain is None:
        yield Problem(key, "needs lago:domain: the rules on a shared listener route by host name", "set lago:domain.app and lago:domain.api, or remove lago:aws.edge.existing")
    span = existing.rule_priorities
    if span.size < LISTENER_RULES:
        yield Problem(
            f"{key}.rulePriorities",
            f"holds {span.size} priorities ({span.from_}-{span.to}); the listener needs {LISTENER_RULES} rules "
            "(one 404 per private api path, one per host)",
            f"widen the range to at least {LISTENER_RULES}, e.g. from {span.from_} to {span.from_ + LISTENER_RULES - 1}",
        )


def _external_urls(settings: LagoSettings) -> Iterator[Problem]:
    """The api and front URL variables need a value, and with an external runtime no ALB gives one."""
    if settings.runtime != "external" or settings.domain is not None:
        return
    missing = [k for k in ("front", "api") if getattr(settings.urls, k) is None]
    if missing:
        yield Problem(
            f"lago:urls.{missing[0]}",
            "is unset while lago:runtime is external: Lago's LAGO_FRONT_URL and LAGO_API_URL need the addresses your runtime serves",
            "set lago:urls.front and lago:urls.api to them, or lago:domain (https://<host> is then used)",
        )


def _parameter_sizes(settings: LagoSettings) -> Iterator[Problem]:
    """A secret of the stack file too large for an SSM parameter (the RSA key is stored as base64
    of its PEM): refused before anything is created, not at the PutParameter of ``pulumi up``."""
    if settings.aws is None or settings.aws.secrets.store != "parameterStore":
        return
    values = settings.model_dump(by_alias=True)
    for path in secret_paths(settings):
        value = values
        for part in path:
            value = value[part]
        text = value.get_secret_value()
        stored = rsa_variable(text) if path == ("secrets", "rsaPrivateKey") else text
        size = len(stored.encode())
        if size > limits.SSM_VALUE_MAX:
            yield Problem(
                "lago:" + ".".join(path),
                f"is {size} bytes as Lago reads it, more than the {limits.SSM_VALUE_MAX} an SSM parameter holds",
                f"shorten it, or set lago:aws.secrets.store to secretsManager (up to {limits.SECRET_STRING_MAX:,} per secret)",
            )
