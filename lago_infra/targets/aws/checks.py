"""Checks that need the whole stack config, not only ``lago:aws``: Fargate sizes
(``lago:roles``), tags (``lago:tags``), the brought pieces against each other, and, once the
component knows them, its own name and the provider's region.

Two rounds, each returning every problem it finds:

- :func:`settings_problems` needs the settings alone; ``LagoSettings`` runs it as it validates,
  so these problems are listed with every other bad key of the stack in one message.
- :func:`placement_problems` needs what only the component knows: the name its children are
  named after and the region (and partition) of the provider it deploys with. ``LagoAws`` runs it
  before it registers anything and raises them all as one ``SettingError``, which it reports like
  any bad key, naming the stack file or the component's args.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Optional

from ...config.base import secret_paths
from ...config.errors import Problem, SettingError
from ...config.model import LagoSettings
from ...app_secrets import rsa_variable
from . import limits, tags
from .edge import LISTENER_RULES


#: Tag keys this target writes itself (``tags.py``: ``lago-stack`` on everything, ``lago-role``
#: per role; ``Name`` and ``lago:tier`` on network pieces): a user's tag of that key would be
#: overwritten on some resources and stamped on all the others.
OWN_TAG_KEYS = (tags.STACK_TAG, tags.ROLE_TAG, "Name", "lago:tier")


def settings_problems(settings: LagoSettings, provider: Mapping[str, Any] = {}) -> list[Problem]:
    """Every problem AWS would have with these settings, whatever the name. ``provider`` holds the
    stack's ``aws:`` keys when the settings come from a stack file: the brought pieces are then
    compared with its region and accounts in this round too."""
    region = provider.get("aws:region")
    placed = [*_in_region(settings, region)] if isinstance(region, str) and region in limits.REGIONS else []
    return [
        *_sizes(settings),
        *_tags(settings.tags),
        *_brought_listener(settings),
        *_external_urls(settings),
        *_brought_database(settings),
        *_brought_network(settings),
        *_listener_agrees(settings),
        *_one_account(settings),
        *_brought_endpoints(settings),
        *_rds_names(settings),
        *_parameter_sizes(settings),
        *placed,
        *_in_accounts(settings, stack_accounts(provider)),
    ]


def placement_problems(
    settings: LagoSettings, name: str, region: Optional[str], name_key: str = "lago:name", accounts: Optional["Accounts"] = None
) -> list[Problem]:
    """Every problem with the component's ``name`` (``name_key`` is how the message names it),
    the provider's ``region`` (None: unknown, nothing to compare) and, when the stack states
    them, the accounts it may deploy to."""
    found = list(_name(name, name_key))
    refused = list(region_problems(region)) if region is not None else []
    found += refused
    if region is not None and not refused:
        found += _in_region(settings, region)
    if accounts is not None:
        found += _in_accounts(settings, accounts)
    return found


def region_problems(region: str) -> Iterator[Problem]:
    """A region AWS or this target cannot deploy to (the stack's ``aws:region``, or the region of
    an embedding program's provider)."""
    if region not in limits.REGIONS:
        yield Problem(
            "aws:region", f"'{region}' is not an AWS region the provider knows", "use a region code such as eu-west-1 or us-east-1"
        )
        return
    partition = limits.partition_of(region)
    if partition not in limits.SUPPORTED_PARTITIONS:
        reason = limits.UNSUPPORTED_PARTITION_REASON.get(
            partition, "this target uses services that partition lacks, and cannot check which"
        )
        yield Problem(
            "aws:region",
            f"'{region}' is in the {partition} partition: {reason}",
            f"deploy in a region of the {' or '.join(limits.SUPPORTED_PARTITIONS)} partition",
        )


def check(
    settings: LagoSettings,
    region: Optional[str],
    name: Optional[str] = None,
    name_key: str = "lago:name",
    accounts: Optional["Accounts"] = None,
) -> None:
    """Raise every placement problem at once (``name`` defaults to ``lago:name``, as the ready
    program names its component)."""
    found = placement_problems(settings, settings.name if name is None else name, region, name_key, accounts)
    if found:
        raise SettingError.of(found)


def check_region(region: str) -> None:
    """``region_problems`` as one clear error (the provider's region, once known)."""
    found = list(region_problems(region))
    if found:
        raise SettingError.of(found)


# -- brought pieces ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Arn:
    key: str
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def of(cls, key: str, value: Any) -> Optional["Arn"]:
        """The ARN at ``key``, None for an Output (known only while deploying) or no ARN."""
        m = limits.ARN.match(value) if isinstance(value, str) else None
        return cls(key, *m.group("partition", "service", "region", "account", "resource")) if m else None


@dataclass(frozen=True)
class Accounts:
    """What the stack says of the accounts it deploys to: the AWS provider's own
    ``allowedAccountIds`` / ``forbiddenAccountIds`` (it refuses to run in any other). The
    account of the provider's credentials is known only when it runs; these are what a plan can
    compare brought ARNs with."""

    allowed: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()


def stack_accounts(provider: Mapping[str, Any]) -> Accounts:
    """The accounts a stack's ``aws:allowedAccountIds`` / ``aws:forbiddenAccountIds`` state."""

    def ids(value: Any) -> tuple[str, ...]:
        values = value if isinstance(value, list) else [value] if value else []
        return tuple(str(v) for v in values)

    return Accounts(ids(provider.get("aws:allowedAccountIds")), ids(provider.get("aws:forbiddenAccountIds")))


def _arns(settings: LagoSettings) -> list[tuple[Arn, bool, str]]:
    """Every brought ARN given as text: the ARN, whether it must be in the provider's region,
    and why (what uses it there)."""
    a = settings.aws
    found: list[tuple[Optional[Arn], bool, str]] = []
    edge = a.edge.existing
    if edge is not None:
        found += [
            (
                Arn.of("lago:aws.edge.existing.listenerArn", edge.listener_arn),
                True,
                "its target groups and rules are created in the provider's region",
            ),
            (
                Arn.of("lago:aws.edge.existing.loadBalancerArn", edge.load_balancer_arn),
                True,
                "its alarms are created in the provider's region",
            ),
        ]
    found += [
        (Arn.of("lago:aws.edge.certificateArn", a.edge.certificate_arn), True, "an ALB takes certificates of its own region only"),
        (
            Arn.of("lago:aws.services.existingCluster", a.services.existing_cluster),
            True,
            "the services are created in the provider's region",
        ),
        (
            Arn.of("lago:aws.services.existingNamespaceArn", a.services.existing_namespace_arn),
            True,
            "Service Connect uses namespaces of the cluster's region",
        ),
        (
            Arn.of("lago:aws.baseline.existingKmsKeyArn", a.baseline.existing_kms_key_arn),
            True,
            "RDS, ElastiCache, S3 and CloudWatch Logs take keys of their own region",
        ),
        (
            Arn.of("lago:alerts.snsTopicArn", settings.alerts.sns_topic_arn),
            True,
            "CloudWatch alarms and EventBridge rules notify topics of their own region",
        ),
        (
            Arn.of("lago:aws.images.dockerHubCredentialsArn", a.images.docker_hub_credentials_arn),
            a.images.pull_through_cache,
            "the ECR pull-through cache reads it in the provider's region",
        ),
        (
            Arn.of("lago:aws.database.existingUrlSecretArn", a.database.existing_url_secret_arn),
            True,
            "ECS hands the tasks secrets of their own region",
        ),
    ]
    if a.database.existing is not None:
        found.append(
            (
                Arn.of("lago:aws.database.existing.adminSecretArn", a.database.existing.admin_secret_arn),
                True,
                "ECS hands the tasks secrets of their own region",
            )
        )
    if a.redis.existing is not None:
        for purpose, endpoint in (("queue", a.redis.existing.queue), ("cache", a.redis.existing.cache)):
            if endpoint is not None:
                found.append(
                    (
                        Arn.of(f"lago:aws.redis.existing.{purpose}.authTokenSecretArn", endpoint.auth_token_secret_arn),
                        True,
                        "the provider reads it in its own region",
                    )
                )
    return [(arn, regional, why) for arn, regional, why in found if arn is not None]


#: The pieces that must live in the account the stack deploys to: its target groups join the
#: listener (ELB registers targets of its own account only), its services run on the cluster and
#: register in the namespace, and an ALB takes certificates of its own account. A KMS key, an SNS
#: topic and secrets may be another account's (their policies decide).
_DEPLOYING_ACCOUNT = ("listenerArn", "loadBalancerArn", "certificateArn", "existingCluster", "existingNamespaceArn")


def _in_region(settings: LagoSettings, region: str) -> Iterator[Problem]:
    partition = limits.partition_of(region)
    for arn, regional, why in _arns(settings):
        if partition is not None and arn.partition != partition:
            yield Problem(
                arn.key,
                f"is in the {arn.partition} partition, and {region} is in {partition}",
                f"give the ARN of a piece in {region} ({partition}), or deploy the stack to a region of {arn.partition}",
            )
        elif regional and arn.region != region:
            fix = (
                "replicate the secret to " + region + " (Secrets Manager replicas) and give the replica's ARN"
                if arn.service == "secretsmanager"
                else f"give the ARN of one in {region}, or deploy the stack to {arn.region}"
            )
            yield Problem(arn.key, f"is in {arn.region}, but the stack deploys to {region}: {why}", fix)
    edge = settings.aws.edge.existing
    dns = limits.ALB_DNS_PARTS.match(edge.dns_name) if edge is not None and isinstance(edge.dns_name, str) else None
    if dns and dns["region"].lower() != region:
        yield Problem(
            "lago:aws.edge.existing.dnsName",
            f"is the name of an ALB in {dns['region']}, but the stack deploys to {region}",
            f"bring an ALB in {region}, or deploy the stack to {dns['region']}",
        )
    host = _rds_host(settings)
    if host and host["region"].lower() != region:
        yield Problem(
            "lago:aws.database.existing.host",
            f"is a database in {host['region']}, but the stack deploys to {region}: the tasks would cross regions for every query",
            f"bring a database in {region}, or deploy the stack to {host['region']}",
        )


def _in_accounts(settings: LagoSettings, accounts: Accounts) -> Iterator[Problem]:
    for arn, _, _ in _arns(settings):
        if not arn.account:
            continue
        if arn.account in accounts.forbidden:
            yield Problem(
                arn.key,
                f"is in account {arn.account}, which aws:forbiddenAccountIds lists",
                "give the ARN of a piece in an account the stack may use",
            )
        elif accounts.allowed and arn.key.rsplit(".", 1)[-1] in _DEPLOYING_ACCOUNT and arn.account not in accounts.allowed:
            yield Problem(
                arn.key,
                f"is in account {arn.account}, but aws:allowedAccountIds pins the stack to {', '.join(accounts.allowed)}, and this piece must be in the account the stack deploys to",
                "give the ARN of the piece in that account, or deploy the stack to the piece's account",
            )


def _one_account(settings: LagoSettings) -> Iterator[Problem]:
    """The pieces that must share the deploying account name one account."""
    arns = [arn for arn, _, _ in _arns(settings) if arn.key.rsplit(".", 1)[-1] in _DEPLOYING_ACCOUNT and arn.account]
    if len({arn.account for arn in arns}) > 1:
        first = arns[0]
        for arn in arns[1:]:
            if arn.account != first.account:
                yield Problem(
                    arn.key,
                    f"is in account {arn.account}, but {first.key} is in {first.account}: both must be in the account the stack deploys to",
                    "give the pieces of the account the stack deploys to",
                )


def _listener_agrees(settings: LagoSettings) -> Iterator[Problem]:
    """The listener, the load balancer, its DNS name and zone are one ALB; the DNS zone for the
    records is a hosted zone, not an ALB's canonical zone."""
    edge = settings.aws.edge
    zone_of_region = {zone: region for region, zone in limits.ALB_CANONICAL_ZONES.items()}
    if isinstance(edge.route53_zone_id, str) and edge.route53_zone_id in zone_of_region:
        yield Problem(
            "lago:aws.edge.route53ZoneId",
            f"is the canonical hosted zone of the ALBs of {zone_of_region[edge.route53_zone_id]}, not a DNS zone of yours",
            "give the id of the Route 53 hosted zone of lago:domain (Route 53 console, Hosted zones); the ALB's canonical zone goes in edge.existing.zoneId",
        )
    existing = edge.existing
    if existing is None:
        return
    listener = limits.LISTENER_ARN_PARTS.match(existing.listener_arn) if isinstance(existing.listener_arn, str) else None
    balancer = limits.LOAD_BALANCER_ARN_PARTS.match(existing.load_balancer_arn) if isinstance(existing.load_balancer_arn, str) else None
    key = "lago:aws.edge.existing"
    if listener and balancer and listener.group("prefix", "name", "id") != balancer.group("prefix", "name", "id"):
        yield Problem(
            f"{key}.loadBalancerArn",
            f"is the ALB {balancer['name']} ({balancer['id']}), but the listener belongs to {listener['name']} ({listener['id']})",
            f"give the ARN of the listener's own load balancer: {listener['prefix']}:loadbalancer/app/{listener['name']}/{listener['id']}",
        )
    dns = limits.ALB_DNS_PARTS.match(existing.dns_name) if isinstance(existing.dns_name, str) else None
    if listener and dns and dns["name"].lower() != listener["name"].lower():
        yield Problem(
            f"{key}.dnsName",
            f"is the DNS name of an ALB named {dns['name']}, but the listener belongs to {listener['name']}",
            "give the DNS name of the listener's own load balancer (EC2 console, Load balancers, DNS name)",
        )
    if listener and dns and dns["region"].lower() != listener["region"]:
        yield Problem(
            f"{key}.dnsName",
            f"is in {dns['region']}, but the listener is in {listener['region']}",
            "give the DNS name of the listener's own load balancer",
        )
    if isinstance(existing.zone_id, str) and dns:
        canonical = limits.ALB_CANONICAL_ZONES.get(dns["region"].lower())
        if canonical is not None and existing.zone_id != canonical:
            yield Problem(
                f"{key}.zoneId",
                f"is not the canonical hosted zone of the ALBs of {dns['region']} ({canonical})",
                f"set it to {canonical} (the ALB's 'Hosted zone' in the EC2 console); a DNS zone of yours goes in edge.route53ZoneId",
            )
        elif canonical is None and existing.zone_id in zone_of_region:
            yield Problem(
                f"{key}.zoneId",
                f"is the canonical zone of the ALBs of {zone_of_region[existing.zone_id]}, not of {dns['region']}",
                "give the ALB's own 'Hosted zone' (EC2 console)",
            )


def _brought_network(settings: LagoSettings) -> Iterator[Problem]:
    """A piece that lives in the platform's VPC needs that VPC: a VPC this stack creates holds
    no target of another ALB, admits no security group of another VPC, and reaches no private
    endpoint of one."""
    a = settings.aws
    if a.network.existing is not None:
        return
    fix = "bring the VPC it lives in with lago:aws.network.existing (its id and subnets)"
    if a.edge.existing is not None and settings.runtime == "managed":
        yield Problem(
            "lago:aws.edge.existing",
            "is an ALB in the platform's VPC, but the stack creates a VPC of its own: an ALB's targets must be in its VPC",
            fix,
        )
    if a.database.existing is not None:
        yield Problem(
            "lago:aws.database.existing",
            "is a server in the platform's VPC, but the stack creates a VPC of its own, from which it is unreachable",
            fix,
        )
    if a.redis.existing is not None and settings.runtime == "managed":
        yield Problem(
            "lago:aws.redis.existing",
            "is a Redis in the platform's VPC, but the stack creates a VPC of its own, from which it is unreachable",
            fix,
        )


def _rds_host(settings: LagoSettings):
    existing = settings.aws.database.existing
    return limits.RDS_HOST.match(existing.host) if existing is not None and isinstance(existing.host, str) else None


def _brought_endpoints(settings: LagoSettings) -> Iterator[Problem]:
    """Endpoints and secrets of the kind Lago needs: a writer, a non-cluster Redis, a URL secret,
    a queue and a cache that are not one Redis."""
    a = settings.aws
    host = _rds_host(settings)
    if host and host["kind"] in limits.RDS_READ_ONLY_ENDPOINTS:
        yield Problem(
            "lago:aws.database.existing.host",
            f"is {limits.RDS_READ_ONLY_ENDPOINTS[host['kind']]}, and Lago writes on every connection",
            f"give the cluster (writer) endpoint, {a.database.existing.host.replace(host['kind'], 'cluster-', 1)}",
        )
    url_secret = a.database.existing_url_secret_arn
    if isinstance(url_secret, str) and limits.RDS_MANAGED_SECRET.search(url_secret):
        yield Problem(
            "lago:aws.database.existingUrlSecretArn",
            "is a secret RDS manages for a master user: it holds JSON (username and password), not the postgresql:// URL Lago reads as DATABASE_URL",
            "give a secret whose whole value is Lago's URL, or bring the server with lago:aws.database.existing and this secret as its adminSecretArn",
        )
    existing = a.redis.existing
    if existing is None:
        return
    endpoints = [("queue", existing.queue), ("cache", existing.cache)]
    for purpose, endpoint in endpoints:
        if endpoint is None or not isinstance(endpoint.host, str):
            continue
        key = f"lago:aws.redis.existing.{purpose}.host"
        if limits.ELASTICACHE_CLUSTER_MODE_HOST.search(endpoint.host):
            yield Problem(
                key,
                "is a cluster-mode Redis (a configuration endpoint, a serverless cache or MemoryDB), and Lago's Sidekiq and Rails cache need a single shard",
                "give the primary endpoint of a replication group with cluster mode disabled",
            )
        elif limits.ELASTICACHE_READER_HOST.search(endpoint.host):
            yield Problem(key, "is a reader endpoint, which takes no writes", "give the replication group's primary endpoint")
    cache = existing.cache
    if (
        cache is not None
        and isinstance(cache.host, str)
        and (cache.host.lower(), cache.port) == (str(existing.queue.host).lower(), existing.queue.port)
    ):
        yield Problem(
            "lago:aws.redis.existing.cache",
            "is the queue's Redis: the cache's keys would share database 0 with Sidekiq's queue, which must not evict while a cache must",
            "remove cache (the cache then takes database 1 of the queue Redis), or give a Redis of its own",
        )


def _rds_names(settings: LagoSettings) -> Iterator[Problem]:
    """A new RDS instance is created with Lago's database and user (its master user)."""
    if settings.aws.database.brought:
        return
    name, user = settings.database.name, settings.database.user
    if not limits.RDS_DB_NAME.match(name) or name.lower() in limits.POSTGRES_RESERVED_WORDS:
        yield Problem(
            "lago:database.name",
            f"'{name}' is not a database name RDS accepts (1-63 letters, digits or underscores, a letter first, no reserved word)",
            f"use e.g. '{_rds_safe(name, 63) or 'lago'}'",
        )
    if not limits.RDS_MASTER_USERNAME.match(user) or user.lower() in limits.POSTGRES_RESERVED_WORDS | limits.RDS_RESERVED_USERNAMES:
        yield Problem(
            "lago:database.user",
            f"'{user}' is not a master user name RDS accepts (1-16 letters, digits or underscores, a letter first, no reserved word)",
            f"use e.g. '{_rds_safe(user, 16) or 'lago'}'",
        )


def _rds_safe(text: str, length: int) -> str:
    safe = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in text).lstrip("_0123456789")[:length]
    return "" if safe.lower() in limits.POSTGRES_RESERVED_WORDS else safe


def _name(name: str, key: str) -> Iterator[Problem]:
    budget, token = limits.lago_name_budget()
    if len(name) > budget:
        kind = token.rsplit(":", 1)[-1]
        limit = limits.NAME_LIMITS[token]
        yield Problem(
            key,
            f"'{name}' is {len(name)} characters; on AWS it leaves no room in the {kind} name "
            f"(at most {limit.max_length}, including '{limit.longest_tail}' and the engine's 8-character suffix)",
            f"use at most {budget} characters, e.g. '{name[:budget].rstrip('-')}'",
        )
    if "--" in name or name.endswith("-"):
        yield Problem(
            key,
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


def _tags(user_tags: dict[str, str]) -> Iterator[Problem]:
    if len(user_tags) > limits.USER_TAGS_MAX:
        yield Problem(
            "lago:tags",
            f"has {len(user_tags)} tags; AWS takes 50 per resource and this target adds {limits.OWN_TAGS}",
            f"keep at most {limits.USER_TAGS_MAX}",
        )
    for key, value in user_tags.items():
        where = f"lago:tags.{key}"
        if key in OWN_TAG_KEYS:
            yield Problem(
                where,
                f"'{key}' is a tag this target writes itself (on some resources it would overwrite yours, on others yours would stand for it)",
                "use another key",
            )
        elif key.lower().startswith(limits.TAG_RESERVED_PREFIX):
            yield Problem(where, "tag keys beginning with 'aws:' are reserved for AWS", "rename the tag")
        elif not 1 <= len(key) <= limits.TAG_KEY_MAX or not limits.TAG_CHARACTERS.match(key):
            yield Problem(where, f"AWS tag keys are 1-{limits.TAG_KEY_MAX} letters, digits, spaces or _ . : / = + - @", "rename the tag")
        elif len(str(value)) > limits.TAG_VALUE_MAX or not limits.TAG_CHARACTERS.match(str(value)):
            yield Problem(
                where, f"AWS tag values are at most {limits.TAG_VALUE_MAX} letters, digits, spaces or _ . : / = + - @", "change the value"
            )


def _brought_listener(settings: LagoSettings) -> Iterator[Problem]:
    existing = settings.aws.edge.existing if settings.aws is not None else None
    if existing is None or settings.runtime == "external":
        return
    key = "lago:aws.edge.existing"
    if settings.domain is None:
        yield Problem(
            key,
            "needs lago:domain: the rules on a shared listener route by host name",
            "set lago:domain.app and lago:domain.api, or remove lago:aws.edge.existing",
        )
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
