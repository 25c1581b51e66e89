"""Price rules for Google Cloud resource types: each reads the resource's inputs, never the preset's name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from . import assumptions as A
from .pricing import STACK_RULES, Context, Resource, hourly, mentions, rule, same
from .pricing import count_range as _range
from .pricing import plural as _s
from .model import HOURS_PER_MONTH, Line

SERVICE = "gcp:cloudrunv2/service:Service"
WORKER_POOL = "gcp:cloudrunv2/workerPool:WorkerPool"
JOB = "gcp:cloudrunv2/job:Job"
FORWARDING_RULES = ("gcp:compute/globalForwardingRule:GlobalForwardingRule", "gcp:compute/forwardingRule:ForwardingRule")
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600

#: Cloud Run's defaults when a container sets no limits: 1 vCPU, 512 MiB.
#: https://cloud.google.com/run/docs/configuring/services/cpu, .../memory-limits
DEFAULT_CPU, DEFAULT_GIB = 1.0, 0.5
#: A service's maximum instances when unset.
#: https://cloud.google.com/run/docs/configuring/max-instances
DEFAULT_MAX_INSTANCES = 100


def cpu(value: Any) -> float:
    text = str(value)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


def gib(value: Any) -> float:
    """A Kubernetes quantity in GiB: 512Mi, 2Gi, 1G, 1000M."""
    found = re.fullmatch(r"([\d.]+)(Ki|Mi|Gi|K|M|G)?", str(value))
    if not found:
        raise ValueError(f"memory quantity {value!r}")
    n, unit = float(found.group(1)), found.group(2) or ""
    scale = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 1e3, "M": 1e6, "G": 1e9, "": 1}[unit]
    return n * scale / 2**30


def containers(template: dict) -> list[dict]:
    return template.get("containers") or (template.get("template") or {}).get("containers") or []


def size(template: dict) -> tuple[float, float]:
    """vCPU and GiB of one instance: the sum of its containers' limits (sidecars included)."""
    v = g = 0.0
    for c in containers(template) or [{}]:
        limits = (c.get("resources") or {}).get("limits") or {}
        v += cpu(limits["cpu"]) if "cpu" in limits else DEFAULT_CPU
        g += gib(limits["memory"]) if "memory" in limits else DEFAULT_GIB
    return v, g


def instance_billed(template: dict) -> bool:
    """Cloud Run bills a service per instance (CPU always allocated) unless CPU is only allocated
    during requests. The provider: ``cpu_idle`` "is true by default if the parent resources field
    is not set. However, if resources is set, this field must be explicitly set to true to preserve
    the default behavior" — so limits without ``cpuIdle: true`` mean instance-based billing.
    https://cloud.google.com/run/docs/configuring/billing-settings"""
    for c in containers(template):
        resources = c.get("resources")
        if resources is None:
            continue
        if resources.get("cpuIdle") is not True:
            return True
    return False


def instances(res: Resource) -> tuple[int, int]:
    """Instances at minimum and maximum: template scaling for services (and a service-level minimum
    when set), manual count or min/max for worker pools."""
    i = res["inputs"]
    if res["type"] == WORKER_POOL:
        s = i.get("scaling") or {}
        if s.get("scalingMode", "MANUAL") == "MANUAL" or s.get("manualInstanceCount") is not None:
            n = int(s.get("manualInstanceCount") or 0)
            return n, n
        return int(s.get("minInstanceCount") or 0), int(s.get("maxInstanceCount") or s.get("minInstanceCount") or 0)
    t = (i.get("template") or {}).get("scaling") or {}
    lo = max(int(t.get("minInstanceCount") or 0), int((i.get("scaling") or {}).get("minInstanceCount") or 0))
    return lo, int(t.get("maxInstanceCount") or DEFAULT_MAX_INSTANCES)


@rule(SERVICE)
def run_service(res: Resource, ctx: Context) -> Iterable[Line]:
    template = res["inputs"].get("template") or {}
    v, g = size(template)
    lo, hi = instances(res)
    note = "" if (template.get("scaling") or {}).get("maxInstanceCount") else f"no maximum set: Cloud Run's default {DEFAULT_MAX_INSTANCES}"
    if instance_billed(template):
        per = SECONDS_PER_MONTH * (v * ctx.rate("run.instance.vcpu") + g * ctx.rate("run.instance.gib"))
        return [
            ctx.line(
                res,
                "compute",
                f"{_range(lo, hi)} instance{_s(lo, hi)} × {v:g} vCPU, {g:g} GiB, instance-based billing",
                ("run.instance.vcpu", "run.instance.gib"),
                (lo * per, hi * per),
                note="; ".join(x for x in ("billed for the whole life of each instance (CPU always allocated)", note) if x),
            )
        ]
    idle = SECONDS_PER_MONTH * (v * ctx.rate("run.request.idle_vcpu") + g * ctx.rate("run.request.idle_gib"))
    busy = SECONDS_PER_MONTH * (v * ctx.rate("run.request.vcpu") + g * ctx.rate("run.request.gib"))
    ctx.assume(
        f"Request-billed Cloud Run services: minimum instances idle all month; at the maximum, every instance "
        f"serves {A.REQUEST_BILLED_BUSY:.0%} of the month; {A.REQUESTS_MILLIONS:g} million requests a month each."
    )
    at_max = hi * busy * A.REQUEST_BILLED_BUSY + lo * idle * (1 - A.REQUEST_BILLED_BUSY)
    return [
        ctx.line(
            res,
            "compute",
            f"{_range(lo, hi)} instance{_s(lo, hi)} × {v:g} vCPU, {g:g} GiB, request-based billing",
            ("run.request.vcpu", "run.request.gib", "run.request.idle_vcpu", "run.request.idle_gib"),
            (lo * idle, at_max),
            note=note,
        ),
        _requests(res, ctx),
    ]


def _requests(res: Resource, ctx: Context) -> Line:
    """The request fee of a request-billed service. The free requests (per billing account) are
    shared among the plan's request-billed services in proportion: each bills its share beyond."""
    billed_services = [s for s in ctx.of_type(SERVICE) if not instance_billed(s["inputs"].get("template") or {})]
    total = A.REQUESTS_MILLIONS * len(billed_services)
    beyond = max(0.0, total - A.RUN_FREE_REQUESTS_MILLIONS) / total if total else 0.0
    ctx.assume(
        f"Cloud Run's {A.RUN_FREE_REQUESTS_MILLIONS:g} million free requests a month (per billing account) go to this stack, "
        "shared among its request-billed services."
    )
    return ctx.line(
        res,
        "compute",
        f"{A.REQUESTS_MILLIONS:g}M requests, {A.REQUESTS_MILLIONS * beyond:.2f}M beyond its share of the free requests",
        ("run.requests",),
        same(A.REQUESTS_MILLIONS * beyond * ctx.rate("run.requests")),
        name=f"{res['name']} (requests)",
    )


@rule(WORKER_POOL)
def worker_pool(res: Resource, ctx: Context) -> Iterable[Line]:
    v, g = size(res["inputs"].get("template") or {})
    lo, hi = instances(res)
    per = SECONDS_PER_MONTH * (v * ctx.rate("run.pool.vcpu") + g * ctx.rate("run.pool.gib"))
    return [
        ctx.line(
            res,
            "compute",
            f"{_range(lo, hi)} instance{_s(lo, hi)} × {v:g} vCPU, {g:g} GiB (worker pool)",
            ("run.pool.vcpu", "run.pool.gib"),
            (lo * per, hi * per),
        )
    ]


@rule(JOB)
def job(res: Resource, ctx: Context) -> Iterable[Line]:
    template = res["inputs"].get("template") or {}
    v, g = size(template)
    tasks = int(template.get("taskCount") or 1)
    seconds = A.JOB_RUNS_PER_MONTH * A.JOB_MINUTES * 60 * tasks
    ctx.assume(f"Cloud Run jobs run {A.JOB_RUNS_PER_MONTH} times a month (one per deployment), {A.JOB_MINUTES:g} minutes each.")
    return [
        ctx.line(
            res,
            "compute",
            f"{A.JOB_RUNS_PER_MONTH} runs × {A.JOB_MINUTES:g} min × {v:g} vCPU, {g:g} GiB",
            ("run.instance.vcpu", "run.instance.gib"),
            same(seconds * (v * ctx.rate("run.instance.vcpu") + g * ctx.rate("run.instance.gib"))),
        )
    ]


def _sql_shape(tier: str) -> tuple[float, float] | None:
    """vCPUs and GB of a dedicated-core tier: db-custom-2-7680, db-n1-standard-2, db-n1-highmem-4."""
    custom = re.fullmatch(r"db-custom-(\d+)-(\d+)", tier)
    if custom:
        return float(custom.group(1)), int(custom.group(2)) / 1024
    n1 = re.fullmatch(r"db-n1-(standard|highmem)-(\d+)", tier)
    if n1:
        n = float(n1.group(2))
        return n, n * (3.75 if n1.group(1) == "standard" else 6.5)
    return None


@rule("gcp:sql/databaseInstance:DatabaseInstance")
def cloud_sql(res: Resource, ctx: Context) -> Iterable[Line]:
    s = res["inputs"].get("settings") or {}
    tier, edition = s.get("tier", ""), s.get("edition") or "ENTERPRISE"
    regional = s.get("availabilityType") == "REGIONAL"
    copies = 2 if regional else 1
    ha = " REGIONAL (primary and standby)" if regional else " ZONAL"
    if edition != "ENTERPRISE":
        ctx.unpriced(res, f"no price for Cloud SQL edition {edition}")
        return []
    shape = _sql_shape(tier)
    if shape:
        vcpu, gb = shape
        lines = [
            ctx.line(
                res,
                "data",
                f"{tier}: {vcpu:g} vCPU, {gb:g} GB{ha}",
                ("sql.vcpu", "sql.gb"),
                hourly(copies * (vcpu * ctx.rate("sql.vcpu") + gb * ctx.rate("sql.gb"))),
                role=None,
            )
        ]
    elif f"sql.{tier}" in ctx.prices:
        lines = [ctx.line(res, "data", f"{tier} shared core{ha}", (f"sql.{tier}",), hourly(copies * ctx.rate(f"sql.{tier}")), role=None)]
    else:
        ctx.unpriced(res, f"no price for Cloud SQL tier {tier}")
        return []
    disk_type, disk = s.get("diskType") or "PD_SSD", float(s.get("diskSize") or 10)
    key = f"sql.{disk_type}"
    if key in ctx.prices:
        grow = "; grows with autoresize" if s.get("diskAutoresize", True) else ""
        lines.append(
            ctx.line(
                res,
                "data",
                f"{disk:g} GB {disk_type}{' × 2 (REGIONAL)' if regional else ''}",
                (key,),
                same(copies * disk * ctx.rate(key)),
                role=None,
                name=f"{res['name']} (storage)",
                note=f"provisioned size{grow}",
            )
        )
    else:
        ctx.unpriced(res, f"no price for Cloud SQL disk type {disk_type}")
    if (s.get("backupConfiguration") or {}).get("enabled"):
        gb = disk * A.SQL_BACKUP_FRACTION
        ctx.assume(f"Cloud SQL backups and logs for point-in-time recovery take {A.SQL_BACKUP_FRACTION:g}× the disk size.")
        lines.append(
            ctx.line(
                res,
                "data",
                f"{gb:g} GB backups",
                ("sql.backup",),
                same(gb * ctx.rate("sql.backup")),
                role=None,
                name=f"{res['name']} (backups)",
            )
        )
    return lines


def _capacity_tier(gb: float) -> str:
    return "M1" if gb <= 4 else "M2" if gb <= 10 else "M3" if gb <= 35 else "M4" if gb <= 100 else "M5"


@rule("gcp:redis/instance:Instance")
def memorystore(res: Resource, ctx: Context) -> Iterable[Line]:
    i = res["inputs"]
    tier, gb = i.get("tier") or "BASIC", float(i.get("memorySizeGb") or 1)
    key = f"redis.{tier}.{_capacity_tier(gb)}"
    if key not in ctx.prices or i.get("readReplicasMode") == "READ_REPLICAS_ENABLED":
        ctx.unpriced(res, f"no price for Memorystore {tier} {gb:g} GB{' with read replicas' if i.get('readReplicasMode') else ''}")
        return []
    return [ctx.line(res, "data", f"{gb:g} GB {tier} ({_capacity_tier(gb)})", (key,), hourly(gb * ctx.rate(key)), role=None)]


def direct_vpc(res: Resource) -> dict | None:
    """The Direct VPC egress interface of a Cloud Run service, worker pool or job whose internet
    traffic goes through the VPC (``egress: ALL_TRAFFIC``), else None. With the default
    PRIVATE_RANGES_ONLY only private ranges go through the VPC, so Cloud NAT serves nothing.
    https://cloud.google.com/run/docs/configuring/vpc-direct-vpc"""
    interface = direct_vpc_any(res)
    return interface if interface is not None and vpc_access(res).get("egress") == "ALL_TRAFFIC" else None


def vpc_access(res: Resource) -> dict:
    """A Cloud Run resource's ``vpcAccess`` (a job keeps it in its task template)."""
    template = res["inputs"].get("template") or {}
    return template.get("vpcAccess") or (template.get("template") or {}).get("vpcAccess") or {}


def _last(path: Any) -> str:
    return str(path or "").rsplit("/", 1)[-1]


def nat_clients(nat: Resource, ctx: Context) -> list[Resource]:
    """The Cloud Run resources a NAT gateway serves: Direct VPC egress into its router's network
    (and one of its subnetworks, when it lists them)."""
    i = nat["inputs"]
    router = next(
        (r for r in ctx.of_type("gcp:compute/router:Router") if r["inputs"].get("name") == i.get("router") or r["name"] == i.get("router")),
        None,
    )
    network = _last((router or {}).get("inputs", {}).get("network"))
    listed = {_last(s.get("name")) for s in i.get("subnetworks") or []}
    out = []
    for r in (r for t in (SERVICE, WORKER_POOL, JOB) for r in ctx.of_type(t)):
        nic = direct_vpc(r)
        if nic is None or (network and _last(nic.get("network")) != network):
            continue
        if i.get("sourceSubnetworkIpRangesToNat") == "LIST_OF_SUBNETWORKS" and _last(nic.get("subnetwork")) not in listed:
            continue
        out.append(r)
    return out


@rule("gcp:compute/routerNat:RouterNat")
def cloud_nat(res: Resource, ctx: Context) -> Iterable[Line]:
    """Google bills a NAT gateway per VM instance with a NAT assignment, and every Cloud Run
    instance with Direct VPC egress counts; from 33 instances on, one flat hourly rate.
    https://cloud.google.com/nat/pricing"""
    i = res["inputs"]
    clients = nat_clients(res, ctx)
    lo = sum(instances(r)[0] for r in clients if r["type"] != JOB)
    hi = sum(instances(r)[1] for r in clients if r["type"] != JOB)
    # A job's tasks hold an assignment only while they run.
    job_hours = sum(
        A.JOB_RUNS_PER_MONTH * A.JOB_MINUTES / 60 * int((r["inputs"].get("template") or {}).get("taskCount") or 1)
        for r in clients
        if r["type"] == JOB
    )
    ips = max(1, len(i.get("natIps") or [])) if i.get("natIpAllocateOption") == "MANUAL_ONLY" else 1
    ctx.assume(f"Cloud NAT processes {A.NAT_GB_PER_GATEWAY:g} GB a month; automatic allocation uses one address.")

    def monthly(n: int) -> float:
        gateway = n * ctx.rate("nat.vm_hour") if n <= 32 else ctx.rate("nat.max_hour")
        return (
            HOURS_PER_MONTH * (gateway + ips * ctx.rate("ip.external_in_use"))
            + job_hours * ctx.rate("nat.vm_hour")
            + A.NAT_GB_PER_GATEWAY * ctx.rate("nat.gb")
        )

    keys = ("nat.vm_hour", "nat.max_hour", "ip.external_in_use", "nat.gb") if hi > 32 else ("nat.vm_hour", "ip.external_in_use", "nat.gb")
    names = ", ".join(r["name"] for r in clients)
    return [
        ctx.line(
            res,
            "network",
            f"1 gateway, {_range(lo, hi)} Cloud Run instances with Direct VPC egress, {ips} address, {A.NAT_GB_PER_GATEWAY:g} GB",
            keys,
            (monthly(lo), monthly(hi)),
            role=None,
            note=f"instances summed from {names}" if names else "no Cloud Run resource uses this gateway",
        )
    ]


@rule(*FORWARDING_RULES)
def forwarding_rule(res: Resource, ctx: Context) -> Iterable[Line]:
    """The first five forwarding rules of a project bill one flat hourly price, each rule beyond
    five its own: the first rule carries the flat price and the load balancer's data processing."""
    rules = sorted((r for t in FORWARDING_RULES for r in ctx.of_type(t)), key=lambda r: r["urn"])
    position = [r["urn"] for r in rules].index(res["urn"])
    if position == 0:
        ctx.assume(f"{A.LB_GB:g} GB a month through the Google load balancer.")
        return [
            ctx.line(
                res,
                "edge",
                f"forwarding rules 1–{min(5, len(rules))}, {A.LB_GB:g} GB processed",
                ("lb.first_five_rules", "lb.gb"),
                same(HOURS_PER_MONTH * ctx.rate("lb.first_five_rules") + A.LB_GB * ctx.rate("lb.gb")),
                role=None,
            )
        ]
    if position < 5:
        return []  # within the flat price of the first five
    return [ctx.line(res, "edge", f"forwarding rule {position + 1}", ("lb.extra_rule",), hourly(ctx.rate("lb.extra_rule")), role=None)]


@rule("gcp:compute/globalAddress:GlobalAddress", "gcp:compute/address:Address")
def address(res: Resource, ctx: Context) -> Iterable[Line]:
    """Internal ranges are free, and so is an external address a forwarding rule uses; a reserved
    external address nothing uses bills the unused-address price."""
    i = res["inputs"]
    if i.get("addressType") == "INTERNAL" or i.get("purpose") == "VPC_PEERING":
        return []
    if any(mentions(r, res["name"]) or res["urn"] in r.get("dependencies", []) for t in FORWARDING_RULES for r in ctx.of_type(t)):
        return []
    return [
        ctx.line(
            res, "network", "1 reserved external address, unused", ("ip.static_unused",), hourly(ctx.rate("ip.static_unused")), role=None
        )
    ]


@rule("gcp:dns/managedZone:ManagedZone")
def dns_zone(res: Resource, ctx: Context) -> Iterable[Line]:
    """A managed zone bills by the month; its records nothing. Queries are left out: a private zone
    standing in for Cloud NAT answers only the backend's calls to run.app hosts, cached for the
    records' TTL."""
    ctx.assume("Cloud DNS queries left out (a few thousand a month, at $0.40 per million).")
    visibility = res["inputs"].get("visibility") or "public"
    return [ctx.line(res, "network", f"1 {visibility} managed zone", ("dns.zone",), same(ctx.rate("dns.zone")), role=None)]


@rule("gcp:secretmanager/secretVersion:SecretVersion")
def secret_version(res: Resource, ctx: Context) -> Iterable[Line]:
    ctx.assume("Secret Manager: the six active versions free per billing account and access operations are left out.")
    return [
        ctx.line(res, "secrets/observability", "1 active secret version", ("secret.version",), same(ctx.rate("secret.version")), role=None)
    ]


@rule("gcp:storage/bucket:Bucket")
def bucket(res: Resource, ctx: Context) -> Iterable[Line]:
    cls = res["inputs"].get("storageClass") or "STANDARD"
    key = f"gcs.{cls}"
    if key not in ctx.prices:
        ctx.unpriced(res, f"no price for storage class {cls}")
        return []
    ctx.assume(f"Each bucket holds {A.BUCKET_GB:g} GB (old versions included).")
    ctx.assume("Object storage requests and transfer out are left out.")
    return [ctx.line(res, "data", f"{A.BUCKET_GB:g} GB {cls}", (key,), same(A.BUCKET_GB * ctx.rate(key)), role=None)]


@rule("gcp:kms/cryptoKey:CryptoKey")
def crypto_key(res: Resource, ctx: Context) -> Iterable[Line]:
    level = ((res["inputs"].get("versionTemplate") or {}).get("protectionLevel") or "SOFTWARE").upper()
    key = "kms.hsm" if level == "HSM" else "kms.software"
    versions = key_versions(res["inputs"].get("rotationPeriod"))
    note = "operations left out"
    if versions > 1:
        ctx.assume(f"Rotated keys are priced after {A.KEY_HORIZON_MONTHS} months of rotations (older versions stay enabled and bill).")
        note += (
            f"; each rotation adds an active version: {versions} after {A.KEY_HORIZON_MONTHS} months, and one more per rotation after that"
        )
    return [
        ctx.line(
            res,
            "secrets/observability",
            f"{versions} {level} key version{'s' if versions > 1 else ''}",
            (key,),
            same(versions * ctx.rate(key)),
            role=None,
            note=note,
        )
    ]


def key_versions(rotation_period: Any) -> int:
    """Active versions of a key after KEY_HORIZON_MONTHS: one, plus one per rotation (``7776000s``)."""
    seconds = float(str(rotation_period).rstrip("s")) if rotation_period else 0.0
    if not seconds:
        return 1
    return 1 + int(A.KEY_HORIZON_MONTHS * 365 / 12 * 86400 // seconds)


@rule("gcp:artifactregistry/repository:Repository")
def registry(res: Resource, ctx: Context) -> Iterable[Line]:
    ctx.assume(f"A pull-through cache holds {A.ECR_CACHE_GB:g} GB of images.")
    return [
        ctx.line(
            res,
            "compute",
            f"{A.ECR_CACHE_GB:g} GB cached images",
            ("registry.storage",),
            same(A.ECR_CACHE_GB * ctx.rate("registry.storage")),
            role=None,
            note="pulls within the region are free; scanning is billed per image scanned",
        )
    ]


@rule("gcp:compute/securityPolicy:SecurityPolicy")
def armor(res: Resource, ctx: Context) -> Iterable[Line]:
    rules = len(res["inputs"].get("rules") or []) or 1  # the default rule always exists
    ctx.assume(f"{A.REQUESTS_MILLIONS:g} million requests a month reach the load balancer.")
    monthly = ctx.rate("armor.policy") + rules * ctx.rate("armor.rule") + A.REQUESTS_MILLIONS * ctx.rate("armor.requests")
    return [
        ctx.line(
            res,
            "edge",
            f"1 policy, {rules} rules, {A.REQUESTS_MILLIONS:g}M requests",
            ("armor.policy", "armor.rule", "armor.requests"),
            same(monthly),
            role=None,
        )
    ]


@rule("gcp:monitoring/alertPolicy:AlertPolicy")
def alert_policy(res: Resource, ctx: Context) -> Iterable[Line]:
    conditions = len(res["inputs"].get("conditions") or []) or 1
    return [
        ctx.line(
            res,
            "secrets/observability",
            f"{conditions} condition{'s' if conditions > 1 else ''}",
            ("alert.condition",),
            same(conditions * ctx.rate("alert.condition")),
            role=None,
        )
    ]


BUCKET_CONFIG = "gcp:logging/projectBucketConfig:ProjectBucketConfig"
AUDIT_CONFIG = "gcp:projects/iAMAuditConfig:IAMAuditConfig"
SQL_LOG_FLAGS = {"log_connections", "log_disconnections", "log_min_duration_statement", "log_lock_waits", "cloudsql.enable_pgaudit"}
#: Seconds of each VPC flow log aggregation interval.
FLOW_INTERVALS = {
    "INTERVAL_5_SEC": 5,
    "INTERVAL_30_SEC": 30,
    "INTERVAL_1_MIN": 60,
    "INTERVAL_5_MIN": 300,
    "INTERVAL_10_MIN": 600,
    "INTERVAL_15_MIN": 900,
}
KIB_PER_GIB = 2**20


@dataclass
class LogSource:
    """Logs something in the plan writes to the project's ``_Default`` bucket, GiB a month."""

    res: Resource
    name: str
    what: str
    gib: tuple[float, float]
    vended: bool = False
    role: str | None = None


def log_sources(ctx: Context) -> list[LogSource]:
    """Every log the plan turns on, with the volume its stated assumptions give."""
    out: list[LogSource] = []
    runners = [r for t in (SERVICE, WORKER_POOL) for r in ctx.of_type(t)]
    if runners:
        ctx.assume(f"Container logs: {A.LOG_GB_PER_TASK:g} GB per running task or instance and month.")
    for r in runners:
        lo, hi = instances(r)
        gib = [A.LOG_GB_PER_TASK * lo, A.LOG_GB_PER_TASK * hi]
        what = "container logs"
        if r["type"] == SERVICE:
            requests = A.REQUESTS_MILLIONS * 1e6 * A.RUN_REQUEST_LOG_KIB / KIB_PER_GIB
            gib = [gib[0] + requests, gib[1] + requests]
            what = f"container logs and {A.REQUESTS_MILLIONS:g}M request log entries"
            ctx.assume(f"Cloud Run writes one request log entry of {A.RUN_REQUEST_LOG_KIB:g} KiB per request.")
        out.append(LogSource(r, f"{r['name']} (logs)", what, (gib[0], gib[1]), role=ctx.role_of(r)))
    backends = [b for b in ctx.of_type("gcp:compute/backendService:BackendService") if (b["inputs"].get("logConfig") or {}).get("enable")]
    for b in backends:
        sample = float((b["inputs"].get("logConfig") or {}).get("sampleRate", 1.0))
        gib = A.REQUESTS_MILLIONS * 1e6 / len(backends) * sample * A.LB_REQUEST_LOG_KIB / KIB_PER_GIB
        ctx.assume(
            f"Load balancer request logs: {A.LB_REQUEST_LOG_KIB:g} KiB per logged request, the requests shared evenly among the backends."
        )
        out.append(LogSource(b, f"{b['name']} (request logs)", f"request logs, {sample:.0%} sampled", (gib, gib)))
    for audit in ctx.of_type(AUDIT_CONFIG):
        kinds = [c.get("logType") for c in audit["inputs"].get("auditLogConfigs") or [] if c.get("logType") in ("DATA_READ", "DATA_WRITE")]
        if not kinds:
            continue  # ADMIN_READ entries are few
        gib = A.STORAGE_OPERATIONS * A.AUDIT_LOG_KIB / KIB_PER_GIB
        ctx.assume(f"Data Access audit logs: {A.STORAGE_OPERATIONS:,} operations a month, one entry of {A.AUDIT_LOG_KIB:g} KiB each.")
        out.append(
            LogSource(
                audit,
                f"{audit['name']} (Data Access logs)",
                f"{'/'.join(kinds)} audit entries for {audit['inputs'].get('service')}",
                (gib, gib),
            )
        )
    for db in ctx.of_type("gcp:sql/databaseInstance:DatabaseInstance"):
        flags = {
            f.get("name")
            for f in (db["inputs"].get("settings") or {}).get("databaseFlags") or []
            if str(f.get("value")).lower() not in ("off", "-1")
        }
        if flags & SQL_LOG_FLAGS:
            ctx.assume(f"Cloud SQL with connection, slow-statement or pgaudit logging writes {A.SQL_LOG_GIB:g} GiB of logs a month.")
            out.append(LogSource(db, f"{db['name']} (logs)", ", ".join(sorted(flags & SQL_LOG_FLAGS)), (A.SQL_LOG_GIB, A.SQL_LOG_GIB)))
    for subnet in ctx.of_type("gcp:compute/subnetwork:Subnetwork"):
        cfg = subnet["inputs"].get("logConfig")
        if not cfg:
            continue
        name = _last(subnet["inputs"].get("name")) or subnet["name"]
        on_it = [r for r in runners if _last((direct_vpc_any(r) or {}).get("subnetwork")) == name]
        interval = FLOW_INTERVALS.get(cfg.get("aggregationInterval") or "INTERVAL_5_SEC", 5)
        record = A.FLOW_RECORD_KIB * (0.5 if cfg.get("metadata") == "EXCLUDE_ALL_METADATA" else 1.0)
        per_instance = (
            A.FLOWS_PER_INSTANCE * (HOURS_PER_MONTH * 3600 / interval) * float(cfg.get("flowSampling", 0.5)) * record / KIB_PER_GIB
        )
        lo, hi = (sum(instances(r)[k] for r in on_it) for k in (0, 1))
        ctx.assume(
            f"VPC flow logs: {A.FLOWS_PER_INSTANCE} busy flows per instance, one {A.FLOW_RECORD_KIB:g} KiB record per flow and "
            "aggregation interval at 100 % sampling."
        )
        out.append(
            LogSource(
                subnet,
                f"{subnet['name']} (flow logs)",
                f"flow records of {_range(lo, hi)} instances every {interval} s, {float(cfg.get('flowSampling', 0.5)):.0%} sampled",
                (lo * per_instance, hi * per_instance),
                vended=True,
            )
        )
    return out


def direct_vpc_any(res: Resource) -> dict | None:
    """The Direct VPC interface of a Cloud Run resource, whatever its egress setting."""
    return (vpc_access(res).get("networkInterfaces") or [None])[0]


def logging_lines(ctx: Context) -> Iterable[Line]:
    """Cloud Logging bills what the plan's logs write beyond the project's free 50 GiB (vended
    network logs from the first GiB, at their own rate) and, for a ``_Default`` bucket kept longer
    than 30 days, each GiB-month beyond them. The free allowance is shared among the sources in
    proportion to their volume. https://cloud.google.com/stackdriver/pricing"""
    if "logging.ingest" not in ctx.prices:
        return []
    sources = log_sources(ctx)
    lines = []
    ctx.assume(
        f"Cloud Logging: the first {A.LOGGING_FREE_GIB:g} GiB of a project each month are free (not for vended network logs), "
        "shared among the sources in proportion."
    )
    total = [sum(s.gib[k] for s in sources if not s.vended) for k in (0, 1)]
    share = [max(0.0, t - A.LOGGING_FREE_GIB) / t if t else 0.0 for t in total]
    for s in sources:
        if s.vended:
            monthly = (s.gib[0] * ctx.rate("logging.vended"), s.gib[1] * ctx.rate("logging.vended"))
            keys: tuple[str, ...] = ("logging.vended",)
            note = ""
        else:
            monthly = (s.gib[0] * share[0] * ctx.rate("logging.ingest"), s.gib[1] * share[1] * ctx.rate("logging.ingest"))
            keys = ("logging.ingest",)
            note = f"the project's {A.LOGGING_FREE_GIB:g} GiB free covers {_range(round(100 * (1 - share[0])), round(100 * (1 - share[1])))} % of it"
        lines.append(
            ctx.line(
                s.res,
                "secrets/observability",
                f"{_range(round(s.gib[0], 2), round(s.gib[1], 2))} GiB/month: {s.what}",
                keys,
                monthly,
                role=s.role,
                name=s.name,
                note=note,
            )
        )
    for bucket in ctx.of_type(BUCKET_CONFIG):
        days = int(bucket["inputs"].get("retentionDays") or 30)
        if bucket["inputs"].get("bucketId") != "_Default" or days <= 30:
            continue
        months = (days - 30) / 30
        kept = [sum(s.gib[k] for s in sources) * months for k in (0, 1)]
        ctx.assume("Log retention is priced once the bucket holds a full retention period of logs.")
        lines.append(
            ctx.line(
                bucket,
                "secrets/observability",
                f"{_range(round(kept[0]), round(kept[1]))} GiB-months kept beyond 30 days ({days}-day retention)",
                ("logging.retention",),
                (kept[0] * ctx.rate("logging.retention"), kept[1] * ctx.rate("logging.retention")),
                role=None,
                name=f"{bucket['name']} (log retention)",
            )
        )
    return lines


def _gcp_only(ctx: Context) -> Iterable[Line]:
    return logging_lines(ctx) if any(r["type"].startswith("gcp:") for r in ctx.plan["resources"]) else []


STACK_RULES.append(_gcp_only)
