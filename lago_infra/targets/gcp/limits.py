"""Every Google Cloud value constraint this project sets, each once, with the document it comes from.

The config model (``settings.py``), the target's pre-flight checks (``component.py``) and the plan
tests all read these; nothing else spells a Google limit. Each check returns ``None`` when the value
is accepted, else a sentence saying what Google would refuse and which values it accepts.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from typing import Mapping, Optional

# -- regions ---------------------------------------------------------------------------------------

#: Google Cloud regions as of 2026-11 (https://cloud.google.com/about/locations and
#: https://cloud.google.com/compute/docs/regions-zones). pulumi-gcp 10.2.0 ships no region list,
#: so this table is dated: a region Google opens later must be added here.
REGIONS_AS_OF = "2026-11"
REGIONS: frozenset[str] = frozenset(
    """
    africa-south1 asia-east1 asia-east2 asia-northeast1 asia-northeast2 asia-northeast3 asia-south1
    asia-south2 asia-southeast1 asia-southeast2 australia-southeast1 australia-southeast2
    europe-central2 europe-north1 europe-north2 europe-southwest1 europe-west1 europe-west2
    europe-west3 europe-west4 europe-west6 europe-west8 europe-west9 europe-west10 europe-west12
    me-central1 me-central2 me-west1 northamerica-northeast1 northamerica-northeast2
    northamerica-south1 southamerica-east1 southamerica-west1 us-central1 us-east1 us-east4 us-east5
    us-south1 us-west1 us-west2 us-west3 us-west4
    """.split()
)


def region_problem(region: str) -> Optional[str]:
    if region in REGIONS:
        return None
    close = difflib.get_close_matches(region, sorted(REGIONS), n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return (
        f"'{region}' is not a Google Cloud region (list as of {REGIONS_AS_OF}). "
        f"Fix: {hint}use a region id such as europe-west1 or us-central1"
    )


# -- projects and names ----------------------------------------------------------------------------

#: Project ids: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter and
#: not ending with a hyphen (https://cloud.google.com/resource-manager/docs/creating-managing-projects).
PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")


def project_problem(project: str) -> Optional[str]:
    if PROJECT_ID.match(project):
        return None
    return (
        f"'{project}' is not a Google Cloud project id (6-30 characters: lowercase letters, digits and "
        "hyphens, starting with a letter). Fix: give the project id (not its display name or number)"
    )


#: Name rules per resource kind: (pattern, minimum length, maximum length, source).
NAME_RULES: dict[str, tuple[str, int, int, str]] = {
    # Cloud Run service names: lowercase letters, digits, hyphens; start with a letter, no trailing
    # hyphen, fewer than 50 characters (revision names append a suffix).
    # https://cloud.google.com/run/docs/deploying#service-name
    "run_service": (r"^[a-z]([a-z0-9-]*[a-z0-9])?$", 1, 49, "https://cloud.google.com/run/docs/deploying"),
    # Worker pools follow the service rules (their revisions are named the same way).
    # https://cloud.google.com/run/docs/deploy-worker-pools
    "run_worker_pool": (r"^[a-z]([a-z0-9-]*[a-z0-9])?$", 1, 49, "https://cloud.google.com/run/docs/deploy-worker-pools"),
    # Cloud Run job names: same characters, fewer than 64 (executions append their own suffix).
    # https://cloud.google.com/run/docs/create-jobs
    "run_job": (r"^[a-z]([a-z0-9-]*[a-z0-9])?$", 1, 63, "https://cloud.google.com/run/docs/create-jobs"),
    # Service account ids: 6-30 characters, [a-z][-a-z0-9]*[a-z0-9] (pulumi-gcp serviceaccount.Account
    # docstring for account_id; https://cloud.google.com/iam/docs/service-accounts-create).
    "service_account": (r"^[a-z][-a-z0-9]*[a-z0-9]$", 6, 30, "https://cloud.google.com/iam/docs/service-accounts-create"),
    # Secret ids: up to 255 of [A-Za-z0-9_-] (pulumi-gcp secretmanager.Secret docstring for secret_id).
    "secret": (r"^[A-Za-z0-9_-]+$", 1, 255, "https://cloud.google.com/secret-manager/docs/creating-and-accessing-secrets"),
    # Memorystore for Redis instance ids: 1-40 characters, lowercase letters, digits and hyphens,
    # starting with a letter, ending with a letter or digit (pulumi-gcp redis.Instance docstring for name).
    "redis": (r"^[a-z]([a-z0-9-]*[a-z0-9])?$", 1, 40, "https://cloud.google.com/memorystore/docs/redis/create-manage-instances"),
    # Bucket names: 3-63 characters of lowercase letters, digits, hyphens and underscores, starting and
    # ending with a letter or digit, never starting with "goog"; one namespace for all of Google Cloud.
    # https://cloud.google.com/storage/docs/buckets#naming
    "bucket": (r"^(?!goog)[a-z0-9][a-z0-9_-]*[a-z0-9]$", 3, 63, "https://cloud.google.com/storage/docs/buckets#naming"),
    # Cloud SQL instance ids: lowercase letters, digits, hyphens, starting with a letter; the project id
    # and instance id together at most 98 characters (here: the instance alone, at most 98 - 30).
    # https://cloud.google.com/sql/docs/postgres/create-instance
    "sql_instance": (r"^[a-z]([a-z0-9-]*[a-z0-9])?$", 1, 68, "https://cloud.google.com/sql/docs/postgres/create-instance"),
}


def name_problem(kind: str, name: str) -> Optional[str]:
    pattern, low, high, source = NAME_RULES[kind]
    if low <= len(name) <= high and re.match(pattern, name):
        return None
    return f"'{name}' is not a valid {kind.replace('_', ' ')} name ({low}-{high} characters, {pattern}; {source})"


# -- labels ----------------------------------------------------------------------------------------

#: Label keys: 1-63 characters, starting with a lowercase letter, then lowercase letters, digits,
#: underscores and hyphens; values: 0-63 of the same characters; at most 64 labels per resource.
#: https://cloud.google.com/resource-manager/docs/labels-overview#requirements
LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")
MAX_LABELS = 64


def label_problem(key: str, value: str) -> Optional[str]:
    if not LABEL_KEY.match(key):
        return (
            f"label key '{key}' is not allowed on Google Cloud (1-63 characters: lowercase letters, digits, "
            "'_' and '-', starting with a letter). Fix: rename it, e.g. cost-center"
        )
    if not LABEL_VALUE.match(value):
        return (
            f"label value '{value}' is not allowed on Google Cloud (at most 63 characters: lowercase letters, "
            "digits, '_' and '-'). Fix: lowercase it and replace other characters with '-'"
        )
    return None


def labels_problem(labels: Mapping[str, str], reserved: int) -> Optional[str]:
    if len(labels) + reserved > MAX_LABELS:
        return f"{len(labels)} labels plus the {reserved} this project adds exceed Google's {MAX_LABELS} per resource"
    return None


# -- Cloud Run -------------------------------------------------------------------------------------

#: Memory each whole-vCPU size accepts, in MiB (https://cloud.google.com/run/docs/configuring/services/cpu
#: "vCPU and memory table": 1 vCPU 128 MiB-4 GiB, 2 vCPU -8 GiB, 4 vCPU 2-16 GiB, 6 vCPU 4-24 GiB,
#: 8 vCPU 4-32 GiB). The second generation execution environment, which every role here uses, needs
#: at least 512 MiB (https://cloud.google.com/run/docs/about-execution-environments).
RUN_MEMORY_MIB: dict[int, tuple[int, int]] = {1: (512, 4096), 2: (512, 8192), 4: (2048, 16384), 6: (4096, 24576), 8: (4096, 32768)}


def run_vcpu(cpu: float) -> int:
    """The vCPU a role gets on Cloud Run. Below 1 vCPU Cloud Run demands a concurrency of 1 and
    request-based billing on every container (same page, "less than 1 vCPU"): no Lago role lives
    with that (the api serves several requests at once, workers have no requests), so fractional
    sizes run on 1 vCPU."""
    return max(1, int(cpu))


def run_size_problem(cpu: float, memory: int) -> Optional[str]:
    vcpu = run_vcpu(cpu)
    low, high = RUN_MEMORY_MIB[vcpu]
    if low <= memory <= high:
        return None
    fits = [c for c, (lo, hi) in sorted(RUN_MEMORY_MIB.items()) if lo <= memory <= hi]
    other = f" or set cpu to {fits[0]}" if fits else ""
    shown = f"{cpu} vCPU (run as {vcpu})" if vcpu != cpu else f"{vcpu} vCPU"
    return f"Cloud Run gives {shown} between {low} and {high} MiB of memory, not {memory}. Fix: set memory between {low} and {high}{other}"


#: Requests one instance may serve at once: 1-1000 (pulumi-gcp cloudrunv2 ServiceTemplateArgs
#: max_instance_request_concurrency; https://cloud.google.com/run/docs/about-concurrency).
RUN_CONCURRENCY = (1, 1000)
#: A service's request timeout: at most 3600 s (https://cloud.google.com/run/docs/configuring/request-timeout).
RUN_REQUEST_TIMEOUT_S = 3600
#: A job task's timeout: at most 168 hours (https://cloud.google.com/run/docs/configuring/task-timeout).
RUN_TASK_TIMEOUT_MAX_S = 168 * 3600
#: A job's name and its ``run_execution_token`` together: fewer than 63 characters (pulumi-gcp
#: cloudrunv2.Job docstring for run_execution_token).
RUN_JOB_NAME_AND_TOKEN_MAX = 62
#: Retries per failed job task: 0-10 (https://cloud.google.com/run/docs/configuring/max-retries).
RUN_TASK_RETRIES = (0, 10)
#: A startup probe may run at most 240 s in all: initial delay plus period x failure threshold
#: (https://cloud.google.com/run/docs/configuring/healthchecks#startup-probe).
RUN_STARTUP_PROBE_MAX_S = 240
#: Cloud Run sends SIGTERM to an instance it shuts down and SIGKILL 10 seconds later, for services,
#: jobs and worker pools alike; no setting changes it
#: (https://cloud.google.com/run/docs/container-contract, "Instance shutdown").
RUN_STOP_GRACE_S = 10
#: Worker pool scaling in Google's GA API: ``manualInstanceCount`` alone. The GA reference of
#: ``google.cloud.run.v2.WorkerPoolScaling`` (client libraries: Java, .NET, PHP, Ruby, e.g.
#: https://cloud.google.com/java/docs/reference/google-cloud-run/latest/com.google.cloud.run.v2.WorkerPoolScaling)
#: has the one field ``manual_instance_count = 6``; ``scalingMode``, ``minInstanceCount`` and
#: ``maxInstanceCount`` (CPU autoscaling, https://cloud.google.com/run/docs/configuring/workerpools/cpu-autoscaling)
#: are outside the GA surface, so they need a preview launch stage.
RUN_WORKER_POOL_GA_SCALING = ("manualInstanceCount",)
#: A worker-pool instance gets at least 1 vCPU, and above 1 whole vCPUs only: "The minimum vCPU
#: setting is 1 vCPU. Values greater than 1 must be integer values"
#: (https://cloud.google.com/run/docs/configuring/workerpools/cpu; pulumi-gcp 10.2.0's
#: ``WorkerPoolTemplateContainerResources.limits``: "The only supported values for CPU are '1', '2',
#: '4', '6', and '8'"). Worker pools bill every instance for its whole life, so a second container
#: (a sidecar) would add its own vCPU: the clock shares the worker's container instead
#: (``lago:gcp.run.clockInWorker``).
RUN_WORKER_POOL_MIN_VCPU = 1
#: Direct VPC egress: ``ALL_TRAFFIC`` sends everything through the VPC (the internet then needs a
#: Cloud NAT); ``PRIVATE_RANGES_ONLY`` only private ranges and Private Google Access's addresses,
#: the rest leaving from Google's own (https://cloud.google.com/run/docs/configuring/vpc-direct-vpc,
#: https://cloud.google.com/run/docs/configuring/networking-best-practices). By ``lago:gcp.network.nat``.
RUN_EGRESS = {True: "ALL_TRAFFIC", False: "PRIVATE_RANGES_ONLY"}
#: A service with internal ingress admits a call from another Cloud Run resource only when it
#: arrives through the VPC, with Private Google Access on the subnet
#: (https://cloud.google.com/run/docs/securing/ingress, "Internal"). Under ``PRIVATE_RANGES_ONLY`` a
#: ``*.run.app`` host resolved to Google's public addresses leaves outside the VPC, so a private
#: Cloud DNS zone for ``run.app.`` answers ``private.googleapis.com``'s addresses, 199.36.153.8/30,
#: which that egress routes through the VPC ("Configure DNS for Private Google Access: make sure your
#: target domain maps to ... 199.36.153.8/30", the networking best practices page above;
#: https://cloud.google.com/vpc/docs/configure-private-google-access#config-domain).
RUN_APP_ZONE = "run.app."
PRIVATE_GOOGLE_ACCESS_ADDRESSES = ("199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11")
#: Instances per service or worker pool: the project's default quota is 100 per region for a 1 vCPU
#: size (https://cloud.google.com/run/quotas); the config model caps replicas at 100 already.
RUN_MAX_INSTANCES = 100

# -- Cloud SQL -------------------------------------------------------------------------------------

#: Days of write-ahead log kept for point-in-time recovery: 1-7 on ENTERPRISE, 1-35 on
#: ENTERPRISE_PLUS (https://cloud.google.com/sql/docs/postgres/backup-recovery/backups#retention and
#: the pulumi-gcp DatabaseInstanceSettingsBackupConfiguration docstring).
SQL_LOG_RETENTION_DAYS = {"ENTERPRISE": (1, 7), "ENTERPRISE_PLUS": (1, 35)}
#: Automated backups kept: 1-365 (same page, "Automated backup retention").
SQL_BACKUPS_RETAINED = (1, 365)
#: Shared-core tiers exist on ENTERPRISE only, have no SLA and cannot be REGIONAL
#: (https://cloud.google.com/sql/docs/postgres/instance-settings#machine-type-2ndgen).
SQL_SHARED_CORE = ("db-f1-micro", "db-g1-small")
#: ENTERPRISE custom tiers: db-custom-<vCPU>-<MiB>, vCPU 1 or an even number up to 96, memory
#: 0.9-6.5 GiB per vCPU in multiples of 256 MiB, at least 3840 MiB
#: (https://cloud.google.com/sql/docs/postgres/create-instance#machine-types).
SQL_CUSTOM_TIER = re.compile(r"^db-custom-(\d+)-(\d+)$")
#: ENTERPRISE_PLUS tiers: db-perf-optimized-N-<vCPU> with these vCPU counts
#: (https://cloud.google.com/sql/docs/postgres/editions-intro#machine_types).
SQL_PERF_TIER = re.compile(r"^db-perf-optimized-N-(2|4|8|16|32|48|64|80|96|128)$")


def sql_tier_problem(tier: str, edition: str) -> Optional[str]:
    if edition == "ENTERPRISE_PLUS":
        if SQL_PERF_TIER.match(tier):
            return None
        return (
            f"{tier} is not an ENTERPRISE_PLUS tier. Fix: use db-perf-optimized-N-<vCPU> "
            "(2, 4, 8, 16, 32, 48, 64, 80, 96 or 128), or set edition to ENTERPRISE"
        )
    if tier in SQL_SHARED_CORE:
        return None
    m = SQL_CUSTOM_TIER.match(tier)
    if not m:
        hint = " (that is an ENTERPRISE_PLUS tier: set edition to ENTERPRISE_PLUS)" if SQL_PERF_TIER.match(tier) else ""
        return f"{tier} is not an ENTERPRISE tier{hint}. Fix: use db-f1-micro, db-g1-small or db-custom-<vCPU>-<MiB>, e.g. db-custom-2-7680"
    vcpu, mib = int(m[1]), int(m[2])
    if not (vcpu == 1 or (vcpu % 2 == 0 and 2 <= vcpu <= 96)):
        return f"{tier}: a custom tier has 1 or an even number of vCPU up to 96, not {vcpu}. Fix: e.g. db-custom-2-7680"
    low, high = max(3840, -(-int(vcpu * 0.9 * 1024) // 256) * 256), int(vcpu * 6.5 * 1024) // 256 * 256
    if mib % 256 or not low <= mib <= high:
        return (
            f"{tier}: {vcpu} vCPU takes {low}-{high} MiB in multiples of 256, not {mib}. "
            f"Fix: e.g. db-custom-{vcpu}-{max(low, min(high, vcpu * 3840))}"
        )
    return None


def sql_default_edition(database_version: Optional[str]) -> str:
    """The edition Cloud SQL gives an instance whose ``edition`` is unset: ENTERPRISE_PLUS for
    POSTGRES_16 and later, ENTERPRISE for every other version (pulumi-gcp 10.2.0 docstring of
    ``sql.DatabaseInstanceSettings.edition``; ENTERPRISE_PLUS then refuses shared-core and
    custom tiers with "Invalid Tier (...) for (ENTERPRISE_PLUS) Edition")."""
    m = re.match(r"^POSTGRES_(\d+)$", database_version or "")
    return "ENTERPRISE_PLUS" if m and int(m[1]) >= 16 else "ENTERPRISE"


def sql_settings_problem(
    tier: str, edition: str, availability: Optional[str] = None, log_days: Optional[int] = None, backups: Optional[int] = None
) -> Optional[str]:
    """What Cloud SQL refuses of an instance's machine and backups: the tier against the edition,
    a shared-core tier made REGIONAL, and (where given) the log retention against the edition and
    the retained backups. The settings model checks Lago's own instance with it, the guardrails
    every instance of a plan."""
    problem = sql_tier_problem(tier, edition)
    if problem is None and availability == "REGIONAL" and tier in SQL_SHARED_CORE:
        problem = f"{tier} is a shared-core tier that cannot be REGIONAL. Fix: use a db-custom-* tier or availability ZONAL"
    if problem is None and log_days is not None:
        problem = sql_retention_problem(edition, log_days, backups if backups is not None else SQL_BACKUPS_RETAINED[1])
    return problem


def sql_retention_problem(edition: str, log_days: int, backups: int) -> Optional[str]:
    low, high = SQL_LOG_RETENTION_DAYS[edition]
    if not low <= log_days <= high:
        return f"{edition} keeps {low}-{high} days of transaction log, not {log_days}. Fix: set logRetentionDays between {low} and {high}"
    # Cloud SQL refuses a transaction log retention that is not shorter than the number of
    # retained backups (the backups page above, "retained transaction log days").
    if backups <= log_days:
        return (
            f"backupsRetained ({backups}) must be greater than logRetentionDays ({log_days}). "
            f"Fix: set backupsRetained to at least {log_days + 1} or lower logRetentionDays"
        )
    return None


#: PostgreSQL max_connections Cloud SQL accepts (https://cloud.google.com/sql/docs/postgres/flags#postgres-m).
SQL_MAX_CONNECTIONS = (14, 262143)
#: Cloud SQL for PostgreSQL's default max_connections by the tier's memory (GiB lower bound, value)
#: (https://cloud.google.com/sql/docs/postgres/flags#postgres-m, ``max_connections``).
SQL_DEFAULT_MAX_CONNECTIONS = ((120, 1000), (60, 800), (30, 600), (15, 500), (7.5, 400), (6, 200), (3.75, 100), (1.7, 50), (0, 25))
#: Memory of the shared-core tiers (https://cloud.google.com/sql/docs/postgres/instance-settings).
SQL_SHARED_CORE_GIB = {"db-f1-micro": 0.6, "db-g1-small": 1.7}


def sql_tier_memory_gib(tier: str) -> Optional[float]:
    """A Cloud SQL tier's memory: shared-core, ``db-custom-CPUS-MIB`` or ``db-perf-optimized-N-CPUS``
    (8 GiB a vCPU); None for a tier not modelled."""
    if tier in SQL_SHARED_CORE_GIB:
        return SQL_SHARED_CORE_GIB[tier]
    custom = re.match(r"^db-custom-(\d+)-(\d+)$", tier)
    if custom:
        return int(custom.group(2)) / 1024
    optimized = re.match(r"^db-perf-optimized-N-(\d+)$", tier)
    if optimized:
        return int(optimized.group(1)) * 8
    return None


def cloud_sql_max_connections(tier: str, configured: Optional[int] = None) -> Optional[int]:
    """The instance's max_connections: the flag when set, else Cloud SQL's default for the tier's
    memory, or None for a tier this table does not know."""
    if configured:
        return configured
    gib = sql_tier_memory_gib(tier)
    return None if gib is None else next(n for floor, n in SQL_DEFAULT_MAX_CONNECTIONS if gib >= floor)


# -- Memorystore -----------------------------------------------------------------------------------

#: Memorystore for Redis capacity in GB: 1-300 on BASIC and STANDARD_HA
#: (https://cloud.google.com/memorystore/docs/redis/redis-tiers).
REDIS_MEMORY_GB = (1, 300)
#: ``transitEncryptionMode`` by in-transit encryption. AUTH is a setting of its own, allowed without
#: in-transit encryption ("Using AUTH is optional", and without in-transit encryption "there is no
#: guarantee that the command is encrypted in-transit end to end": AUTH "does not provide security
#: during data transit", https://cloud.google.com/memorystore/docs/redis/auth-overview). A change of
#: ``transitEncryptionMode`` replaces the instance (terraform-provider-google,
#: ``services/redis/resource_redis_instance.go``: ForceNew), its data with it.
REDIS_TRANSIT_ENCRYPTION = {True: "SERVER_AUTHENTICATION", False: "DISABLED"}


# -- networks a user brings ------------------------------------------------------------------------

#: Cloud SQL's ``private_network`` and Memorystore's ``authorized_network`` take the network's
#: full name, ``projects/P/global/networks/N`` (pulumi-gcp 10.2.0 docstrings of
#: ``sql.DatabaseInstanceSettingsIpConfiguration.private_network`` and
#: ``redis.Instance.authorized_network``); the self link is the same path under the Compute API
#: URL. The project segment is left to Google (project_problem checks ids where they are settings);
#: resource names are RFC 1035 labels of up to 63 characters
#: (https://cloud.google.com/compute/docs/naming-resources).
_SELF_LINK = r"(https://www\.googleapis\.com/compute/v1/)?"
_PROJECT = r"projects/[^/\s]+"
_NAME = r"[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?"
NETWORK = re.compile(rf"^{_SELF_LINK}{_PROJECT}/global/networks/{_NAME}$")
#: Cloud Run's Direct VPC egress ``subnetwork`` (``projects/P/regions/R/subnetworks/S``).
SUBNETWORK = re.compile(rf"^{_SELF_LINK}{_PROJECT}/regions/[a-z]+-[a-z]+\d+/subnetworks/{_NAME}$")


def network_problem(value: str) -> Optional[str]:
    if NETWORK.match(value):
        return None
    return f"'{value}' is not a network's full name. Fix: give projects/PROJECT/global/networks/NAME (or its self link)"


def subnetwork_problem(value: str) -> Optional[str]:
    if SUBNETWORK.match(value):
        return None
    return f"'{value}' is not a subnetwork's full name. Fix: give projects/PROJECT/regions/REGION/subnetworks/NAME (or its self link)"


#: The project (and, of a subnetwork, the region) inside a network's or subnetwork's full name.
NAME_PARTS = re.compile(r"projects/(?P<project>[^/\s]+)/(?:global|regions/(?P<region>[^/\s]+))/")

#: Cloud Run Direct VPC egress, "IP address allocation"
#: (https://cloud.google.com/run/docs/configuring/vpc-direct-vpc): Cloud Run reserves addresses 16
#: at a time (a /28) for each revision, holds twice as many as it runs instances, and needs a
#: subnet of /26 or larger. Each primary range also keeps 4 addresses for Google
#: (https://cloud.google.com/vpc/docs/subnets#unusable-ip-addresses-in-every-subnet).
RUN_IP_BLOCK = 16
RUN_IPS_PER_INSTANCE = 2
RUN_SUBNET_PREFIX_MAX = 26
SUBNET_RESERVED_ADDRESSES = 4


def run_addresses(max_instances: list[int]) -> int:
    """The addresses Cloud Run holds for resources scaled to ``max_instances`` each: twice the
    instances, in whole blocks per resource."""
    return sum(-(-RUN_IPS_PER_INSTANCE * n // RUN_IP_BLOCK) * RUN_IP_BLOCK for n in max_instances)


# -- data services and identities a user brings ----------------------------------------------------

#: A Cloud SQL instance as the Admin API names it (``sql.Database.instance``, ``sql.User.instance``
#: in the pulumi-gcp 10.2.0 docstrings: "The name of the Cloud SQL instance"), or its connection
#: name ``project:region:instance`` as the console shows it; the instance id follows
#: NAME_RULES["sql_instance"]. Projects of a legacy domain (``example.com:project``) have a colon of
#: their own (https://cloud.google.com/sql/docs/postgres/instance-info).
SQL_CONNECTION_NAME = re.compile(r"^(?:(?:[a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]:[a-z]+-[a-z]+\d+:)?[a-z](?:[a-z0-9-]*[a-z0-9])?$")


def sql_instance_problem(value: str) -> Optional[str]:
    instance = value.rsplit(":", 1)[-1]
    if SQL_CONNECTION_NAME.match(value) and name_problem("sql_instance", instance) is None:
        return None
    return f"'{value}' is not a Cloud SQL instance name. Fix: give the instance id (e.g. platform-pg) or its connection name PROJECT:REGION:INSTANCE"


def ipv4_problem(value: str) -> Optional[str]:
    """Cloud SQL's private IP and Memorystore's host are IPv4 addresses in the private services
    range (https://cloud.google.com/sql/docs/postgres/private-ip,
    https://cloud.google.com/memorystore/docs/redis/networking)."""
    try:
        if ipaddress.ip_address(value).version == 4:
            return None
    except ValueError:
        pass
    return f"'{value}' is not an IPv4 address. Fix: give the instance's private IP address, e.g. 10.20.0.3"


#: Memorystore for Redis ports: 6379, or 6378 with in-transit encryption (SERVER_AUTHENTICATION)
#: (https://cloud.google.com/memorystore/docs/redis/about-in-transit-encryption). Any port is
#: accepted for a Redis of one's own; these are the defaults.
REDIS_PORT = {True: 6378, False: 6379}

#: Service account emails: ``ID@PROJECT.iam.gserviceaccount.com`` for user-managed accounts, ids
#: as NAME_RULES["service_account"]; Google-managed ones (``PROJECT_NUMBER-compute@developer...``)
#: are other domains (https://cloud.google.com/iam/docs/service-account-overview#types).
SERVICE_ACCOUNT_EMAIL = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}@[a-z0-9.-]+\.(?:gserviceaccount\.com|iam\.gserviceaccount\.com)$")


#: A Secret Manager secret version's full name, as Artifact Registry's upstream credentials take
#: it (pulumi-gcp 10.2.0 docstring of ``password_secret_version``).
SECRET_VERSION = re.compile(r"^projects/[^/\s]+/secrets/[A-Za-z0-9_-]{1,255}/versions/(?:\d+|latest)$")


def secret_version_problem(value: str) -> Optional[str]:
    if SECRET_VERSION.match(value):
        return None
    return f"'{value}' is not a secret version's name. Fix: give projects/PROJECT/secrets/SECRET/versions/N"


#: An image digest, as a reference pins it (``IMAGE@sha256:…``).
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def service_account_project(email: str) -> Optional[str]:
    """The project id a user-managed account lives in (``NAME@PROJECT.iam.gserviceaccount.com``),
    or App Engine's default (``PROJECT@appspot.gserviceaccount.com``); None where the email names
    no project id (Google-managed accounts name a project number)."""
    name, _, domain = email.partition("@")
    if domain.endswith(".iam.gserviceaccount.com"):
        return domain[: -len(".iam.gserviceaccount.com")]
    return name if domain == "appspot.gserviceaccount.com" else None


#: What Cloud Run needs to run as an account of another project
#: (https://cloud.google.com/run/docs/configuring/services/service-identity, "Use service accounts in
#: other projects"): the account's project must not enforce this organisation policy constraint,
#: and Cloud Run's service agent of the deploying project must hold this role on the account.
CROSS_PROJECT_CONSTRAINT = "iam.disableCrossProjectServiceAccountUsage"
CROSS_PROJECT_ROLE = "roles/iam.serviceAccountTokenCreator"


def service_account_problem(value: str) -> Optional[str]:
    if SERVICE_ACCOUNT_EMAIL.match(value):
        return None
    return f"'{value}' is not a service account email. Fix: give NAME@PROJECT.iam.gserviceaccount.com"


def bucket_problem(value: str) -> Optional[str]:
    """A bucket's name as NAME_RULES["bucket"] (names with dots, for domain-named buckets, are
    left to Google: they need a verified domain)."""
    if value.startswith("gs://"):
        return f"'{value}' is a URL. Fix: give the bucket's name alone, {value[5:].rstrip('/')}"
    return None if "." in value and len(value) <= 222 else name_problem("bucket", value)
