"""Google Cloud list prices, on-demand, USD, for europe-west1 (Belgium): the region the GCP presets
use. One table, dated; every price names its public pricing page; ``unconfirmed`` marks figures
that could not be checked against the page offline. Other regions: ``REGION_FACTORS``.

Checked when dated: Cloud Run's billing settings (request- vs instance-based, from its
documentation), Cloud SQL Enterprise's us-central1 vCPU and memory rates, Cloud NAT's per-VM,
per-GiB and per-address rates. Cloud SQL and Memorystore are assumed at their us-central1 rates
in europe-west1 and Cloud Run worker pools at the instance-based rates: those carry
``unconfirmed``. The other figures (Cloud Run's rates, GCS, Secret Manager, KMS, Cloud Armor, load
balancing) are the pages' figures as known when dated, not re-checked offline."""

from __future__ import annotations

from .model import Price

DATED = "2026-11-21"
REFERENCE_REGION = "europe-west1"

#: europe-west1 and the main US regions share Google's lowest ("tier 1") rates for Cloud Run and
#: most products; London and Frankfurt are dearer. Unlisted regions use DEFAULT_FACTOR and warn.
REGION_FACTORS = {"europe-west1": 1.0, "us-central1": 1.0, "us-east1": 1.0, "us-west1": 1.0, "europe-west4": 1.0, "europe-west2": 1.15, "europe-west3": 1.15}
DEFAULT_FACTOR = 1.2

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
ARTIFACT_REGISTRY = "https://cloud.google.com/artifact-registry/pricing"

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
    "run.requests": Price(0.40, "million requests", RUN),
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
    "nat.vm_hour": Price(0.0014, "instance-hour behind the gateway (capped at 32)", NAT),
    "nat.gb": Price(0.045, "GB processed", NAT),
    "ip.external_in_use": Price(0.005, "IPv4-hour", IP),
    "ip.static_unused": Price(0.01, "IPv4-hour", IP),
    "lb.first_five_rules": Price(0.025, "hour (first five forwarding rules)", LB),
    "lb.extra_rule": Price(0.01, "rule-hour (beyond five)", LB),
    "lb.gb": Price(0.008, "GB processed", LB),
    # Secrets, keys, observability.
    "secret.version": Price(0.06, "active version-month", SECRETS),
    "kms.software": Price(0.06, "key version-month", KMS),
    "kms.hsm": Price(1.00, "key version-month", KMS),
    "armor.policy": Price(5.00, "policy-month", ARMOR),
    "armor.rule": Price(1.00, "rule-month", ARMOR),
    "armor.requests": Price(0.75, "million requests", ARMOR),
    "alert.condition": Price(0.10, "condition-month", MONITORING, unconfirmed="alerting charges as announced; start date not confirmed"),
    "logging.ingest": Price(0.50, "GiB beyond 50 GiB per project", MONITORING),
    # Storage, regional buckets by class.
    "gcs.STANDARD": Price(0.020, "GB-month", GCS),
    # Artifact Registry storage beyond the free 0.5 GB; pulls within the region are free.
    "registry.storage": Price(0.10, "GB-month", ARTIFACT_REGISTRY),
    "gcs.NEARLINE": Price(0.010, "GB-month", GCS),
    "gcs.COLDLINE": Price(0.004, "GB-month", GCS),
    "gcs.ARCHIVE": Price(0.0012, "GB-month", GCS),
}
