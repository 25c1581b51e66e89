"""Google Cloud list prices, on-demand, USD, for europe-west1 (Belgium): the region the GCP presets
use. One table, dated; every price names its public pricing page; ``unconfirmed`` marks figures
that could not be checked against the page offline. Other regions: ``REGION_FACTORS``, a factor per
service and region.

Checked when dated: Cloud Run's billing settings (request- vs instance-based, from its
documentation), Cloud SQL Enterprise's us-central1 vCPU and memory rates, Cloud NAT's per-VM,
per-GiB and per-address rates. Cloud SQL and Memorystore are assumed at their us-central1 rates
in europe-west1 and Cloud Run worker pools at the instance-based rates: those carry
``unconfirmed``. The other figures (Cloud Run's rates, GCS, Secret Manager, KMS, Cloud Armor, load
balancing, Cloud DNS) are the pages' figures as known when dated, not re-checked offline. Checked for this
version against copies of the pages: Cloud NAT (per-VM hour, cap at 32 VMs, per-GiB, per-address),
Cloud Logging (storage, vended network logs, retention beyond 30 days), Cloud Run's free tier."""

from __future__ import annotations

from .model import Factor, Price

DATED = "2026-11-21"
REFERENCE_REGION = "europe-west1"

RUN = "https://cloud.google.com/run/pricing"
SQL = "https://cloud.google.com/sql/pricing"
MEMORYSTORE = "https://cloud.google.com/memorystore/docs/redis/pricing"
NAT = "https://cloud.google.com/nat/pricing"
LB = "https://cloud.google.com/vpc/network-pricing#lb"
IP = "https://cloud.google.com/vpc/network-pricing#ipaddress"
SECRETS = "https://cloud.google.com/secret-manager/pricing"
GCS = "https://cloud.google.com/storage/pricing"
KMS = "https://cloud.google.com/kms/pricing"
ARMOR = "https://cloud.google.com/armor/pricing"
MONITORING = "https://cloud.google.com/stackdriver/pricing"
COMPUTE = "https://cloud.google.com/compute/vm-instance-pricing"
DISK = "https://cloud.google.com/compute/disks-image-pricing"
ARTIFACT_REGISTRY = "https://cloud.google.com/artifact-registry/pricing"
DNS = "https://cloud.google.com/dns/pricing"

_SQL_REGION = "europe-west1 assumed at the us-central1 rate"
_REDIS_REGION = "europe-west1 assumed at the us-central1 rate"

PRICES: dict[str, Price] = {
    # Cloud Run, tier 1. Instance-based billing: the whole life of every instance, no request fee.
    "run.instance.vcpu": Price(0.000018, "vCPU-second", RUN),
    "run.instance.gib": Price(0.000002, "GiB-second", RUN),
    # Request-based billing: active time at these rates, idle (minimum) instances at the idle rates.
    "run.request.vcpu": Price(0.000024, "vCPU-second", RUN),
    "run.request.gib": Price(0.0000025, "GiB-second", RUN),
    "run.request.idle_vcpu": Price(0.0000025, "vCPU-second idle", RUN),
    "run.request.idle_gib": Price(0.0000025, "GiB-second idle", RUN),
    "run.requests": Price(0.40, "million requests beyond 2 million free", RUN),
    # Worker pools and jobs bill like instance-based services.
    "run.pool.vcpu": Price(0.000018, "vCPU-second", RUN, unconfirmed="worker pools (preview) assumed at the instance-based rates"),
    "run.pool.gib": Price(0.000002, "GiB-second", RUN, unconfirmed="worker pools (preview) assumed at the instance-based rates"),
    # Cloud SQL for PostgreSQL, Enterprise edition; REGIONAL (HA) bills compute and disk twice.
    "sql.vcpu": Price(0.0413, "vCPU-hour", SQL, unconfirmed=_SQL_REGION),
    "sql.gb": Price(0.007, "GB-hour", SQL, unconfirmed=_SQL_REGION),
    "sql.db-f1-micro": Price(0.0105, "instance-hour", SQL, unconfirmed=_SQL_REGION),
    "sql.db-g1-small": Price(0.035, "instance-hour", SQL, unconfirmed=_SQL_REGION),
    "sql.PD_SSD": Price(0.17, "GB-month", SQL, unconfirmed=_SQL_REGION),
    "sql.PD_HDD": Price(0.09, "GB-month", SQL, unconfirmed=_SQL_REGION),
    "sql.backup": Price(0.08, "GB-month", SQL, unconfirmed=_SQL_REGION),
    # Memorystore for Redis, per provisioned GB-hour by capacity tier (M1: 1-4 GB, M2: 5-10, M3: 11-35,
    # M4: 36-100, M5: over 100).
    "redis.BASIC.M1": Price(0.049, "GB-hour", MEMORYSTORE, unconfirmed=_REDIS_REGION),
    "redis.BASIC.M2": Price(0.027, "GB-hour", MEMORYSTORE, unconfirmed=_REDIS_REGION),
    "redis.BASIC.M3": Price(0.023, "GB-hour", MEMORYSTORE, unconfirmed=_REDIS_REGION),
    "redis.BASIC.M4": Price(0.019, "GB-hour", MEMORYSTORE, unconfirmed=_REDIS_REGION),
    "redis.BASIC.M5": Price(0.016, "GB-hour", MEMORYSTORE, unconfirmed=_REDIS_REGION),
    "redis.STANDARD_HA.M1": Price(0.064, "GB-hour", MEMORYSTORE, unconfirmed=_REDIS_REGION),
    "redis.STANDARD_HA.M2": Price(0.054, "GB-hour", MEMORYSTORE, unconfirmed=_REDIS_REGION),
    "redis.STANDARD_HA.M3": Price(0.046, "GB-hour", MEMORYSTORE, unconfirmed=_REDIS_REGION),
    "redis.STANDARD_HA.M4": Price(0.035, "GB-hour", MEMORYSTORE, unconfirmed=_REDIS_REGION),
    "redis.STANDARD_HA.M5": Price(0.029, "GB-hour", MEMORYSTORE, unconfirmed=_REDIS_REGION),
    # Network.
    # Per VM instance with a NAT assignment (Cloud Run instances with Direct VPC egress count); from
    # 33 instances on, one flat hourly rate.
    "nat.vm_hour": Price(0.0014, "instance-hour behind the gateway (up to 32)", NAT),
    "nat.max_hour": Price(0.044, "gateway-hour (more than 32 instances)", NAT),
    "nat.gb": Price(0.045, "GB processed", NAT),
    "ip.external_in_use": Price(0.005, "IPv4-hour", IP),
    "ip.static_unused": Price(0.01, "IPv4-hour", IP),
    "lb.first_five_rules": Price(0.025, "hour (first five forwarding rules)", LB),
    "lb.extra_rule": Price(0.01, "rule-hour (beyond five)", LB),
    "lb.gb": Price(0.008, "GB processed", LB),
    # Cloud DNS: each managed zone (public or private), the first 25 of a project.
    "dns.zone": Price(0.20, "managed zone-month (first 25)", DNS),
    # Secrets, keys, observability.
    "secret.version": Price(0.06, "active version-month", SECRETS),
    "kms.software": Price(0.06, "key version-month", KMS),
    "kms.hsm": Price(1.00, "key version-month", KMS),
    "armor.policy": Price(5.00, "policy-month", ARMOR),
    "armor.rule": Price(1.00, "rule-month", ARMOR),
    "armor.requests": Price(0.75, "million requests", ARMOR),
    "alert.condition": Price(0.10, "condition-month", MONITORING, unconfirmed="alerting charges as announced; start date not confirmed"),
    # Cloud Logging: storage (ingestion) includes 30 days; longer retention bills per GiB-month.
    "logging.ingest": Price(0.50, "GiB beyond 50 GiB per project", MONITORING),
    "logging.vended": Price(
        0.25,
        "GiB of vended network logs (no free allowance)",
        MONITORING,
        unconfirmed="whether VPC Flow Logs' own generation charge is waived when they go to Cloud Logging",
    ),
    "logging.retention": Price(0.01, "GiB-month kept beyond 30 days", MONITORING),
    # Storage, regional buckets by class.
    "gcs.STANDARD": Price(0.020, "GB-month", GCS),
    # Artifact Registry storage beyond the free 0.5 GB; pulls within the region are free.
    "registry.storage": Price(0.10, "GB-month", ARTIFACT_REGISTRY),
    "gcs.NEARLINE": Price(0.010, "GB-month", GCS),
    "gcs.COLDLINE": Price(0.004, "GB-month", GCS),
    "gcs.ARCHIVE": Price(0.0012, "GB-month", GCS),
    # What a user would otherwise pick: one VM running Lago's compose file (the docs' comparison).
    "gce.e2-medium": Price(0.0369, "instance-hour", COMPUTE, unconfirmed="europe-west1 rate as known, not re-checked"),
    "pd.balanced": Price(0.11, "GB-month", DISK, unconfirmed="europe-west1 rate as known, not re-checked"),
}

#: Regions the factors below cover; any other region uses DEFAULT_FACTOR and the estimate warns.
REGIONS = ("europe-west1", "us-central1", "us-east1", "us-west1", "europe-west4", "europe-west2", "europe-west3")
DEFAULT_FACTOR = 1.2

_AS_KNOWN = "regional rate as known when dated, not re-checked against the page"


def _by_region(source: str, us: float, netherlands: float, london_frankfurt: float, unconfirmed: str = _AS_KNOWN) -> dict[str, Factor]:
    other = {
        "us-central1": us,
        "us-east1": us,
        "us-west1": us,
        "europe-west4": netherlands,
        "europe-west2": london_frankfurt,
        "europe-west3": london_frankfurt,
    }
    return {"europe-west1": Factor(1.0, source), **{r: Factor(v, source, unconfirmed) for r, v in other.items()}}


def _same_everywhere(source: str, unconfirmed: str = _AS_KNOWN) -> dict[str, Factor]:
    return {r: Factor(1.0, source, "" if r == REFERENCE_REGION else unconfirmed) for r in REGIONS}


_GLOBAL = ""  # the page gives one price, not a regional table

#: Price in the region ÷ price in europe-west1, per service (the prefix of a price key, or a whole
#: key where one service's prices move differently).
REGION_FACTORS: dict[str, dict[str, Factor]] = {
    # Cloud Run: europe-west1, europe-west4 and the US regions are tier 1; London and Frankfurt are
    # tier 2 (1.4× for CPU and memory, e.g. 0.00002520 vs 0.00001800 per vCPU-second). Requests are
    # $0.40 per million in both tiers.
    "run": _by_region(RUN, 1.0, 1.0, 1.4),
    "run.requests": _same_everywhere(RUN),
    # Cloud SQL and Memorystore: the reference prices are us-central1's (see _SQL_REGION); London and
    # Frankfurt about 1.17× Iowa.
    "sql": _by_region(SQL, 1.0, 1.0, 1.17, "regional SQL rates not re-checked; europe-west1 and -west4 taken at the us-central1 rate"),
    "redis": _by_region(
        MEMORYSTORE, 1.0, 1.0, 1.17, "regional Memorystore rates not re-checked; europe-west1 and -west4 at the us-central1 rate"
    ),
    # Cloud NAT: one price table for every region ("the data processing price is the same across all regions").
    "nat": _same_everywhere(NAT, _GLOBAL),
    "ip": _same_everywhere(IP),
    # Forwarding rules: $0.025/hour in tier-1 regions, $0.030 in London and Frankfurt.
    "lb": _by_region(LB, 1.0, 1.0, 1.2),
    "secret": _same_everywhere(SECRETS, _GLOBAL),
    "dns": _same_everywhere(DNS, _GLOBAL),
    "kms": _same_everywhere(KMS),
    "armor": _same_everywhere(ARMOR, _GLOBAL),
    "alert": _same_everywhere(MONITORING, _GLOBAL),
    "logging": _same_everywhere(MONITORING, _GLOBAL),
    # Standard storage GB-month: 0.020 in europe-west1, -west4 and the US regions, 0.023 in London and Frankfurt.
    "gcs": _by_region(GCS, 1.0, 1.0, 1.15),
    # e2-medium hour: about 0.0369 europe-west1, 0.0335 us-central1, 0.0432 London/Frankfurt.
    "gce": _by_region(COMPUTE, 0.908, 1.0, 1.17),
    "pd": _by_region(DISK, 0.909, 1.0, 1.09),
    # Artifact Registry storage: one price for every region ($0.10 per GB-month beyond 0.5 GB).
    "registry": _same_everywhere(ARTIFACT_REGISTRY),
}
