"""Price rules for AWS resource types: each reads the resource's inputs, never the preset's name."""

from __future__ import annotations

from typing import Iterable

from . import assumptions as A
from .pricing import Context, Resource, hourly, rule, same
from .pricing import count_range as _range
from .pricing import plural as _s
from .model import HOURS_PER_MONTH, Line

SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SCALING_TARGET = "aws:appautoscaling/target:Target"
CAPACITY = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
RDS = "aws:rds/instance:Instance"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"

#: "Linux tasks with the ARM64 architecture don't support the Fargate Spot capacity provider."
#: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
SPOT_ARCHITECTURES = {"X86_64"}


def replicas(service: Resource, ctx: Context) -> tuple[int, int]:
    """Task count at minimum and maximum: the Application Auto Scaling target's range when one
    drives the service's desired count, else its fixed ``desiredCount`` (0 when unset, as in ECS)."""
    for target in ctx.referrers(service, SCALING_TARGET):
        i = target["inputs"]
        if i.get("scalableDimension") == "ecs:service:DesiredCount":
            return int(i.get("minCapacity", 0)), int(i.get("maxCapacity", 0))
    count = int(service["inputs"].get("desiredCount") or 0)
    return count, count


def task_definition(service: Resource, ctx: Context) -> Resource | None:
    """The task definition the service runs: the one it references (longest matching name, so
    ``worker`` never takes ``worker-pdfs``'s)."""
    arn = str(service["inputs"].get("taskDefinition", ""))
    candidates = ctx.dependencies(service, TASK_DEFINITION) or ctx.of_type(TASK_DEFINITION)
    matching = [t for t in candidates if t["name"] in arn or t["inputs"].get("family", "") in arn]
    matching = matching or [t for t in candidates if t["name"] == service["name"]]
    return max(matching, key=lambda t: len(t["name"]), default=None)


def strategy(service: Resource, ctx: Context) -> list[dict]:
    """The capacity provider strategy: the service's own, else its cluster's default, else the
    plain FARGATE launch type."""
    own = service["inputs"].get("capacityProviderStrategies")
    if own:
        return own
    launch = service["inputs"].get("launchType")
    if launch:  # a launch type bypasses the cluster's default strategy
        return [{"capacityProvider": launch, "weight": 1}]
    for cap in ctx.of_type(CAPACITY):
        if cap["inputs"].get("defaultCapacityProviderStrategies"):
            return cap["inputs"]["defaultCapacityProviderStrategies"]
    return [{"capacityProvider": "FARGATE", "weight": 1}]


def split(tasks: int, providers: list[dict]) -> dict[str, float]:
    """Tasks per capacity provider: each provider's ``base`` first, the rest by ``weight`` (ECS's rule)."""
    out = {p["capacityProvider"]: 0.0 for p in providers}
    left = float(tasks)
    for p in providers:
        base = min(float(p.get("base") or 0), left)
        out[p["capacityProvider"]] += base
        left -= base
    total = sum(float(p.get("weight") or 0) for p in providers)
    for p in providers:
        if total:
            out[p["capacityProvider"]] += left * float(p.get("weight") or 0) / total
    return out


def running_tasks(ctx: Context, services: Iterable[Resource] | None = None) -> tuple[int, int]:
    lo = hi = 0
    for s in services if services is not None else ctx.of_type(SERVICE):
        a, b = replicas(s, ctx)
        lo, hi = lo + a, hi + b
    return lo, hi


@rule(SERVICE)
def ecs_service(res: Resource, ctx: Context) -> Iterable[Line]:
    lo, hi = replicas(res, ctx)
    td = task_definition(res, ctx)
    if td is None:
        ctx.warnings.append(f"{res['name']}: no task definition found in the plan; its tasks are not priced")
        ctx.unpriced_urns.append(res["urn"])
        return []
    ti = td["inputs"]
    vcpu, gb = int(ti.get("cpu", 256)) / 1024, int(ti.get("memory", 512)) / 1024
    arch = (ti.get("runtimePlatform") or {}).get("cpuArchitecture") or "X86_64"
    providers = strategy(res, ctx)
    at_lo, at_hi = split(lo, providers), split(hi, providers)
    if any(p not in ("FARGATE", "FARGATE_SPOT") for p in at_lo if at_lo[p] or at_hi[p]):
        ctx.unpriced(res, "tasks on EC2 capacity: the instances bill on their own, not priced here")
        return []
    lines: list[Line] = []
    for provider in at_lo:
        n = (at_lo[provider], at_hi[provider])
        if n == (0, 0):
            continue
        spot = provider == "FARGATE_SPOT"
        note = ""
        if spot and arch not in SPOT_ARCHITECTURES:
            ctx.warnings.append(
                f"{res['name']}: Fargate Spot with {arch} tasks, which AWS does not run "
                "(ECS docs: ARM64 tasks don't support FARGATE_SPOT); priced as on-demand"
            )
            note, spot = f"AWS does not run {arch} on Fargate Spot: priced on-demand", False
        keys = (f"fargate{'_spot' if spot else ''}.{arch}.vcpu", f"fargate{'_spot' if spot else ''}.{arch}.gb")
        per_task = vcpu * ctx.rate(keys[0]) + gb * ctx.rate(keys[1])
        lines.append(
            ctx.line(
                res,
                "compute",
                f"{_range(*n)} task{_s(*n)} × {vcpu:g} vCPU, {gb:g} GB, {arch}, {provider}",
                keys,
                hourly(per_task, n),
                note=note,
            )
        )
    extra_gb = int((ti.get("ephemeralStorage") or {}).get("sizeInGib") or 20) - 20
    if extra_gb > 0:
        lines.append(
            ctx.line(
                res,
                "compute",
                f"{_range(lo, hi)} × {extra_gb} GB ephemeral storage beyond 20 GB",
                ("fargate.storage",),
                hourly(extra_gb * ctx.rate("fargate.storage"), (lo, hi)),
                name=f"{res['name']} (ephemeral storage)",
            )
        )
    if (res["inputs"].get("networkConfiguration") or {}).get("assignPublicIp"):
        lines.append(
            ctx.line(
                res,
                "network",
                f"{_range(lo, hi)} task public IPv4 addresses",
                ("ipv4.hour",),
                hourly(ctx.rate("ipv4.hour"), (lo, hi)),
                name=f"{res['name']} (public IPs)",
            )
        )
    return lines


@rule("aws:appautoscaling/policy:Policy")
def scaling_policy(res: Resource, ctx: Context) -> Iterable[Line]:
    """Target tracking creates and owns two CloudWatch alarms (scale out, scale in), billed as alarms.
    https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html"""
    if res["inputs"].get("policyType") != "TargetTrackingScaling":
        return []
    return [
        ctx.line(
            res,
            "secrets/observability",
            "2 alarms created by target tracking",
            ("alarm.standard",),
            same(2 * ctx.rate("alarm.standard")),
            role=ctx.role_of(res) or _scaled_role(res, ctx),
        )
    ]


def _scaled_role(res: Resource, ctx: Context) -> str | None:
    parent = ctx.by_urn.get(res.get("parent") or "")
    return ctx.role_of(parent) if parent else None


@rule("aws:ecs/cluster:Cluster")
def container_insights(res: Resource, ctx: Context) -> Iterable[Line]:
    setting = next((s.get("value") for s in res["inputs"].get("settings") or [] if s.get("name") == "containerInsights"), "disabled")
    if setting not in ("enabled", "enhanced"):
        return []
    services = len(ctx.of_type(SERVICE))
    per_service = A.INSIGHTS_METRICS_PER_SERVICE * (2 if setting == "enhanced" else 1)
    metrics = A.INSIGHTS_CLUSTER_METRICS + per_service * services
    tasks = running_tasks(ctx)
    ctx.assume(
        f"Container Insights: {A.INSIGHTS_CLUSTER_METRICS} cluster metrics and {A.INSIGHTS_METRICS_PER_SERVICE} per service "
        f"(doubled when enhanced), {A.INSIGHTS_LOG_GB_PER_TASK:g} GB of performance events per running task and month."
    )
    note = "enhanced observability bills more per task and container: figure is a floor" if setting == "enhanced" else ""
    gb = (A.INSIGHTS_LOG_GB_PER_TASK * tasks[0], A.INSIGHTS_LOG_GB_PER_TASK * tasks[1])
    return [
        ctx.line(
            res,
            "secrets/observability",
            f"{metrics} custom metrics (Container Insights {setting})",
            ("insights.metric",),
            same(metrics * ctx.rate("insights.metric")),
            note=note,
            role=None,
            name=f"{res['name']} (Container Insights metrics)",
        ),
        ctx.line(
            res,
            "secrets/observability",
            f"{_range(*gb)} GB performance events",
            ("logs.ingest",),
            (gb[0] * ctx.rate("logs.ingest"), gb[1] * ctx.rate("logs.ingest")),
            role=None,
            name=f"{res['name']} (Container Insights events)",
        ),
    ]


def _retained_months(days: int | None) -> float:
    return A.LOG_MONTHS_UNBOUNDED if not days else days / 30


@rule(LOG_GROUP)
def log_group(res: Resource, ctx: Context) -> Iterable[Line]:
    """Ingestion and storage. Groups that task definitions write to take the per-task volume times
    the running tasks; others a flat volume. Storage holds what the retention keeps."""
    writers = [td for td in ctx.referrers(res, TASK_DEFINITION)]
    services = [s for s in ctx.of_type(SERVICE) if task_definition(s, ctx) in writers]
    exported = next(
        ((db, kind) for db in ctx.of_type(RDS) for kind in exports(db) if export_group(db, kind) == res["inputs"].get("name")), None
    )
    if services:
        tasks = running_tasks(ctx, services)
        gb = (A.LOG_GB_PER_TASK * tasks[0], A.LOG_GB_PER_TASK * tasks[1])
        ctx.assume(f"Container logs: {A.LOG_GB_PER_TASK:g} GB per running task or instance and month.")
    else:
        gb = same(A.LOG_GB_OTHER)
        ctx.assume(f"Log groups no task writes to (flow, database, WAF logs): {A.LOG_GB_OTHER:g} GB a month each.")
    days = res["inputs"].get("retentionInDays")
    months = _retained_months(days)
    if not days:
        ctx.assume(f"A log group without retention keeps everything: storage priced at {A.LOG_MONTHS_UNBOUNDED} months of logs.")
    infrequent = res["inputs"].get("logGroupClass") == "INFREQUENT_ACCESS"
    notes = ["Infrequent Access class: half the ingestion price"] if infrequent else []
    if exported:
        notes.append(f"RDS exports {exported[0]['name']}'s {exported[1]} log here")
    return [
        ctx.line(
            res,
            "secrets/observability",
            f"{_range(*gb)} GB/month ingested, kept {'no expiry' if not days else f'{days} days'}",
            ("logs.ingest", "logs.store"),
            (gb[0] * _per_gb_logged(ctx, days, infrequent), gb[1] * _per_gb_logged(ctx, days, infrequent)),
            note="; ".join(notes),
            role=None,
        )
    ]


def _per_gb_logged(ctx: Context, days: int | None, infrequent: bool = False) -> float:
    """What one GB a month written to a log group costs: ingestion, and storage of what the
    retention keeps, billed on the compressed size."""
    ctx.assume(
        f"CloudWatch Logs stores logs compressed to {A.LOG_COMPRESSED_SHARE:.0%} of the ingested size (the AWS Pricing Calculator's figure)."
    )
    return ctx.rate("logs.ingest") * (0.5 if infrequent else 1) + _retained_months(days) * A.LOG_COMPRESSED_SHARE * ctx.rate("logs.store")


@rule(RDS)
def rds(res: Resource, ctx: Context) -> Iterable[Line]:
    i = res["inputs"]
    cls, multi = i.get("instanceClass", ""), bool(i.get("multiAz"))
    key, copies = f"rds.{cls}", 2 if multi else 1
    if key not in ctx.prices or not str(i.get("engine", "postgres")).startswith("postgres"):
        ctx.unpriced(res, f"no price for RDS {i.get('engine')} {cls}")
        return []
    storage_type = i.get("storageType") or "gp2"
    gb = float(i.get("allocatedStorage") or 20)
    lines = [
        ctx.line(res, "data", f"{cls}{' Multi-AZ (2 instances)' if multi else ' Single-AZ'}", (key,), hourly(ctx.rate(key) * copies)),
    ]
    skey = f"rds.{storage_type}"
    if skey in ctx.prices:
        grow = f"; grows up to {i['maxAllocatedStorage']} GB" if i.get("maxAllocatedStorage") else ""
        lines.append(
            ctx.line(
                res,
                "data",
                f"{gb:g} GB {storage_type}{' × 2 (Multi-AZ)' if multi else ''}",
                (skey,),
                same(gb * copies * ctx.rate(skey)),
                note=f"allocated size{grow}",
                name=f"{res['name']} (storage)",
            )
        )
    else:
        ctx.unpriced(res, f"no price for RDS storage type {storage_type}")
    if (i.get("performanceInsightsRetentionPeriod") or 7) > 7:
        ctx.unpriced(res, "Performance Insights retention beyond the free 7 days is not priced")
    groups = {r["inputs"].get("name") for r in ctx.of_type(LOG_GROUP)}
    for kind in exports(res):
        if export_group(res, kind) in groups:
            continue  # the plan creates this log group (with its retention): its own line prices it
        ctx.assume(f"Log groups no task writes to (flow, database, WAF logs): {A.LOG_GB_OTHER:g} GB a month each.")
        lines.append(
            ctx.line(
                res,
                "secrets/observability",
                f"{A.LOG_GB_OTHER:g} GB/month ingested, no expiry",
                ("logs.ingest", "logs.store"),
                same(A.LOG_GB_OTHER * _per_gb_logged(ctx, None)),
                name=f"{res['name']} ({kind} log export)",
                note=f"RDS creates {export_group(res, kind)} without retention (the plan does not create it)",
            )
        )
    return lines


def exports(db: Resource) -> list[str]:
    return list(db["inputs"].get("enabledCloudwatchLogsExports") or [])


def export_group(db: Resource, kind: str) -> str:
    """The log group RDS writes an export to.
    https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html"""
    return f"/aws/rds/instance/{db['inputs'].get('identifier') or db['name']}/{kind}"


@rule("aws:elasticache/replicationGroup:ReplicationGroup")
def elasticache(res: Resource, ctx: Context) -> Iterable[Line]:
    i = res["inputs"]
    node = i.get("nodeType", "")
    key = f"elasticache.{node}"
    if key not in ctx.prices:
        ctx.unpriced(res, f"no price for ElastiCache node type {node}")
        return []
    if i.get("numNodeGroups"):
        nodes = int(i["numNodeGroups"]) * (int(i.get("replicasPerNodeGroup") or 0) + 1)
    else:
        nodes = int(i.get("numCacheClusters") or 1)
    valkey = i.get("engine") == "valkey"
    rate = ctx.rate(key) * (ctx.prices["elasticache.valkey_factor"].amount if valkey else 1)
    engine = "Valkey (Redis OSS rate less 20%)" if valkey else str(i.get("engine", "redis"))
    keys = (key, "elasticache.valkey_factor") if valkey else (key,)
    return [
        ctx.line(
            res,
            "data",
            f"{nodes} × {node} {engine}",
            keys,
            hourly(rate * nodes),
            unit_price=f"${rate:.4f}/node-hour",
            note="one backup per cluster is free" if i.get("snapshotRetentionLimit") else "",
        )
    ]


@rule("aws:ec2/natGateway:NatGateway")
def nat(res: Resource, ctx: Context) -> Iterable[Line]:
    ctx.assume(f"Each NAT gateway processes {A.NAT_GB_PER_GATEWAY:g} GB a month (image pulls, webhooks, payment providers).")
    return [
        ctx.line(
            res,
            "network",
            f"1 gateway, {A.NAT_GB_PER_GATEWAY:g} GB processed",
            ("nat.hour", "nat.gb"),
            same(ctx.rate("nat.hour") * HOURS_PER_MONTH + A.NAT_GB_PER_GATEWAY * ctx.rate("nat.gb")),
            role=None,
        )
    ]


@rule("aws:ec2/eip:Eip")
def eip(res: Resource, ctx: Context) -> Iterable[Line]:
    return [ctx.line(res, "network", "1 public IPv4 address", ("ipv4.hour",), hourly(ctx.rate("ipv4.hour")), role=None)]


@rule("aws:lb/loadBalancer:LoadBalancer")
def load_balancer(res: Resource, ctx: Context) -> Iterable[Line]:
    i = res["inputs"]
    kind = i.get("loadBalancerType") or "application"
    if kind not in ("application", "network"):
        ctx.unpriced(res, f"no price for a {kind} load balancer")
        return []
    hour, lcu = ("alb.hour", "alb.lcu") if kind == "application" else ("nlb.hour", "nlb.lcu")
    units = capacity_units()
    ctx.assume(
        f"The load balancer carries {A.REQUESTS_MILLIONS:g} million requests a month of {A.ALB_KB_PER_REQUEST:g} KB each, "
        f"{A.ALB_NEW_CONNECTION_SHARE:.0%} on a new connection: {units:.2f} capacity unit (LCU) on average."
    )
    lines = [
        ctx.line(
            res, "edge", f"1 {kind} load balancer, {units:.2f} LCU", (hour, lcu), hourly(ctx.rate(hour) + units * ctx.rate(lcu)), role=None
        )
    ]
    if not i.get("internal"):
        # An internet-facing ALB holds at least one public IPv4 address per enabled zone.
        zones = len(i.get("subnets") or i.get("subnetMappings") or []) or 2
        lines.append(
            ctx.line(
                res,
                "network",
                f"{zones} public IPv4 addresses (one per zone)",
                ("ipv4.hour",),
                hourly(ctx.rate("ipv4.hour"), (zones, zones)),
                role=None,
                name=f"{res['name']} (public IPs)",
                note="a busy load balancer adds nodes and addresses",
            )
        )
    return lines


def capacity_units() -> float:
    """Average LCUs: the largest of the dimensions AWS bills (25 new connections a second, 1 GB an
    hour processed; 3,000 active connections and 1,000 rule evaluations a second stay far below at
    these volumes). https://aws.amazon.com/elasticloadbalancing/pricing/"""
    per_second = A.REQUESTS_MILLIONS * 1e6 / (HOURS_PER_MONTH * 3600)
    new_connections = per_second * A.ALB_NEW_CONNECTION_SHARE / 25
    processed = A.REQUESTS_MILLIONS * 1e6 * A.ALB_KB_PER_REQUEST / 1e6 / HOURS_PER_MONTH
    return max(new_connections, processed)


@rule("aws:ec2/vpcEndpoint:VpcEndpoint")
def vpc_endpoint(res: Resource, ctx: Context) -> Iterable[Line]:
    i = res["inputs"]
    if (i.get("vpcEndpointType") or "Gateway") == "Gateway":
        return []  # gateway endpoints (S3, DynamoDB) have no charge
    zones = len(i.get("subnetIds") or []) or 1
    return [
        ctx.line(
            res,
            "network",
            f"interface endpoint in {zones} zones",
            ("endpoint.interface.hour",),
            hourly(ctx.rate("endpoint.interface.hour") * zones),
            role=None,
        )
    ]


@rule("aws:route53/zone:Zone")
def hosted_zone(res: Resource, ctx: Context) -> Iterable[Line]:
    return [ctx.line(res, "edge", "1 hosted zone", ("route53.zone",), same(ctx.rate("route53.zone")), role=None)]


@rule("aws:secretsmanager/secret:Secret")
def secret(res: Resource, ctx: Context) -> Iterable[Line]:
    ctx.assume("Secrets Manager API calls ($0.05 per 10,000) left out: tasks read their secrets once, at start.")
    return [ctx.line(res, "secrets/observability", "1 secret", ("secret.month",), same(ctx.rate("secret.month")), role=None)]


@rule("aws:ssm/parameter:Parameter")
def parameter(res: Resource, ctx: Context) -> Iterable[Line]:
    """Standard parameters have no charge, advanced ones a monthly fee; with Intelligent-Tiering SSM
    picks the tier per value (advanced only over 4 KB), which the plan cannot see."""
    tier = res["inputs"].get("tier") or "Standard"
    ctx.assume("Parameter Store API calls left out: standard throughput has no charge.")
    if tier == "Advanced":
        return [
            ctx.line(res, "secrets/observability", "1 advanced parameter", ("ssm.advanced",), same(ctx.rate("ssm.advanced")), role=None)
        ]
    note = "Intelligent-Tiering: advanced ($0.05 a month) only for a value over 4 KB" if tier == "Intelligent-Tiering" else ""
    return [
        ctx.line(
            res, "secrets/observability", "1 standard parameter", ("ssm.standard",), same(ctx.rate("ssm.standard")), role=None, note=note
        )
    ]


@rule("aws:kms/key:Key")
def kms_key(res: Resource, ctx: Context) -> Iterable[Line]:
    """A key and, with automatic rotation, $1 a month per rotation up to the second one."""
    i = res["inputs"]
    rotations = 0
    if i.get("enableKeyRotation"):
        days = int(i.get("rotationPeriodInDays") or 365)
        rotations = min(2, int(A.KEY_HORIZON_MONTHS * 365 / 12 // days))
        ctx.assume(f"Rotated keys are priced after {A.KEY_HORIZON_MONTHS} months of rotations (older versions stay enabled and bill).")
    if not rotations:
        return [
            ctx.line(
                res,
                "secrets/observability",
                "1 customer managed key",
                ("kms.key",),
                same(ctx.rate("kms.key")),
                role=None,
                note="requests ($0.03 per 10,000) left out",
            )
        ]
    return [
        ctx.line(
            res,
            "secrets/observability",
            f"1 customer managed key, {rotations} rotation{'s' if rotations > 1 else ''} after {A.KEY_HORIZON_MONTHS} months",
            ("kms.key", "kms.rotation"),
            same(ctx.rate("kms.key") + rotations * ctx.rate("kms.rotation")),
            role=None,
            note="requests ($0.03 per 10,000) left out; rotations beyond the second add nothing",
        )
    ]


@rule("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
def bucket(res: Resource, ctx: Context) -> Iterable[Line]:
    ctx.assume(f"Each bucket holds {A.BUCKET_GB:g} GB (old versions included).")
    ctx.assume("Object storage requests and transfer out are left out.")
    return [ctx.line(res, "data", f"{A.BUCKET_GB:g} GB Standard", ("s3.standard",), same(A.BUCKET_GB * ctx.rate("s3.standard")), role=None)]


@rule("aws:cloudwatch/metricAlarm:MetricAlarm")
def alarm(res: Resource, ctx: Context) -> Iterable[Line]:
    i = res["inputs"]
    queries = i.get("metricQueries") or []
    metrics = sum(1 for q in queries if q.get("metric")) or 1
    high = int(i.get("period") or 60) < 60
    key = "alarm.high_resolution" if high else "alarm.standard"
    return [
        ctx.line(
            res,
            "secrets/observability",
            f"{metrics} alarm metric{'s' if metrics > 1 else ''}",
            (key,),
            same(metrics * ctx.rate(key)),
            role=None,
        )
    ]


@rule("aws:cloudwatch/dashboard:Dashboard")
def dashboard(res: Resource, ctx: Context) -> Iterable[Line]:
    return [
        ctx.line(
            res,
            "secrets/observability",
            "1 dashboard",
            ("dashboard.month",),
            same(ctx.rate("dashboard.month")),
            role=None,
            note="the first three dashboards of an account are free",
        )
    ]


@rule("aws:sns/topic:Topic")
def sns_topic(res: Resource, ctx: Context) -> Iterable[Line]:
    return [
        ctx.line(
            res,
            "secrets/observability",
            "alarm notifications",
            ("sns.publish",),
            same(0.0),
            role=None,
            note="a few alarm notifications a month stay within the free million publishes",
        )
    ]


@rule("aws:lambda/function:Function")
def lambda_function(res: Resource, ctx: Context) -> Iterable[Line]:
    return [
        ctx.line(
            res,
            "secrets/observability",
            "occasional invocations",
            ("lambda.requests",),
            same(0.0),
            role=None,
            note="invoked on events or deployments: within the free tier (1M requests, 400,000 GB-s)",
        )
    ]


@rule("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")
def ecr_cache(res: Resource, ctx: Context) -> Iterable[Line]:
    ctx.assume(f"A pull-through cache holds {A.ECR_CACHE_GB:g} GB of images.")
    return [
        ctx.line(
            res,
            "compute",
            f"{A.ECR_CACHE_GB:g} GB cached images",
            ("ecr.storage",),
            same(A.ECR_CACHE_GB * ctx.rate("ecr.storage")),
            role=None,
        )
    ]


@rule("aws:ec2/flowLog:FlowLog")
def flow_log(res: Resource, ctx: Context) -> Iterable[Line]:
    key = "logs.vended_s3" if res["inputs"].get("logDestinationType") == "s3" else "logs.vended"
    ctx.assume(f"Log groups no task writes to (flow, database, WAF logs): {A.LOG_GB_OTHER:g} GB a month each.")
    return [
        ctx.line(
            res,
            "secrets/observability",
            f"{A.LOG_GB_OTHER:g} GB flow records",
            (key,),
            same(A.LOG_GB_OTHER * ctx.rate(key)),
            role=None,
            note="delivery only; the destination's storage is on its own line",
        )
    ]


@rule("aws:wafv2/webAcl:WebAcl")
def web_acl(res: Resource, ctx: Context) -> Iterable[Line]:
    rules = len(res["inputs"].get("rules") or [])
    ctx.assume(f"{A.REQUESTS_MILLIONS:g} million requests a month reach the load balancer.")
    monthly = ctx.rate("waf.acl") + rules * ctx.rate("waf.rule") + A.REQUESTS_MILLIONS * ctx.rate("waf.requests")
    return [
        ctx.line(
            res,
            "edge",
            f"1 web ACL, {rules} rules, {A.REQUESTS_MILLIONS:g}M requests",
            ("waf.acl", "waf.rule", "waf.requests"),
            same(monthly),
            role=None,
            note="paid managed rule groups (Bot Control, fraud) would add their own fees",
        )
    ]
