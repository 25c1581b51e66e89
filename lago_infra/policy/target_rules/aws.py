"""The AWS target: ECS on Fargate, RDS PostgreSQL, ElastiCache, S3, an ALB."""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Optional

from ...targets.aws import limits
from ..model import SECRET, Resource, RoleView, StackView, Violation
from .base import ROLES_BY_NAME, WORLD, TargetPolicy, as_int, is_true, missing, role_of, unprotected

RDS = ("aws:rds/instance:Instance",)
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
REDIS = ("aws:elasticache/replicationGroup:ReplicationGroup",)
BUCKET = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
BUCKET_ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
BUCKET_VERSIONING = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
PUBLIC_ACCESS_BLOCK = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)
BUCKET_POLICY = ("aws:s3/bucketPolicy:BucketPolicy",)
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULES = ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:ec2/securityGroupRule:SecurityGroupRule")
LOAD_BALANCER = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
TARGET_GROUP = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
LISTENER = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
SCALING_TARGET = "aws:appautoscaling/target:Target"
LOG_GROUP = ("aws:cloudwatch/logGroup:LogGroup",)
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


# -- roles ---------------------------------------------------------------------------------------


def container_definitions(task: Resource) -> list[dict[str, Any]]:
    raw = task.inputs.get("containerDefinitions")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    return [c for c in raw or [] if isinstance(c, dict)]


def _container_env(container: dict[str, Any]) -> dict[str, Any]:
    env = {e["name"]: e.get("value", "") for e in container.get("environment") or [] if isinstance(e, dict) and "name" in e}
    env.update({s["name"]: SECRET for s in container.get("secrets") or [] if isinstance(s, dict) and "name" in s})
    return env


def roles(resources: list[Resource], masked: bool) -> dict[str, RoleView]:
    found: dict[str, RoleView] = {}
    for task in (r for r in resources if r.type == TASK_DEFINITION):
        for c in container_definitions(task):
            role = role_of(c.get("name"), task.inputs.get("family"), task.name)
            if role and role not in found:
                found[role] = RoleView(role, _container_env(c), image=str(c.get("image") or ""))
    for service in (r for r in resources if r.type == SERVICE):
        role = role_of(service.inputs.get("name"), service.name)
        count = as_int(service.inputs.get("desiredCount"))
        if role in found and count is not None:
            found[role].min_replicas = found[role].max_replicas = count
    for scaling in (r for r in resources if r.type == SCALING_TARGET):
        role = role_of(scaling.inputs.get("resourceId"), scaling.name)
        if role in found:
            found[role].min_replicas = as_int(scaling.inputs.get("minCapacity")) or found[role].min_replicas
            found[role].max_replicas = as_int(scaling.inputs.get("maxCapacity")) or found[role].max_replicas
    return found


def deploy_surge(view: StackView, role: str) -> int:
    """A role's service's ``deploymentMaximumPercent``: old and new tasks side by side."""
    for service in view.of_type(SERVICE):
        if role_of(service.inputs.get("name"), service.name) == role:
            return as_int(service.inputs.get("deploymentMaximumPercent")) or limits.ECS_MAXIMUM_PERCENT_DEFAULT
    return limits.ECS_MAXIMUM_PERCENT_DEFAULT


# -- the database --------------------------------------------------------------------------------


def _parameters(view: StackView, db: Resource) -> dict[str, str]:
    wanted = db.inputs.get("parameterGroupName")
    for group in view.of_type(PARAMETER_GROUP):
        if group.urn in db.dependencies or (wanted and wanted in (group.inputs.get("name"), group.name)):
            return {p["name"]: str(p.get("value")) for p in group.inputs.get("parameters") or [] if isinstance(p, dict) and "name" in p}
    return {}


def max_connections(view: StackView) -> tuple[Optional[int], str]:
    dbs = view.of_type(*RDS)
    if not dbs:
        return None, "no RDS instance found"
    db = dbs[0]
    configured = as_int(_parameters(view, db).get("max_connections"))
    if configured:
        return configured, f"{db.name} parameter group max_connections"
    instance_class = str(db.inputs.get("instanceClass", ""))
    default = limits.rds_default_max_connections(instance_class)
    if default is None:
        return None, f"instance class {instance_class or '(unset)'} has no known default"
    return default, f"{instance_class} default, LEAST(DBInstanceClassMemory/9531392, 5000)"


def _database_encrypted(db: Resource, view: StackView) -> Optional[str]:
    if not is_true(db.inputs.get("storageEncrypted")):
        return "storageEncrypted is not true"
    force_ssl = _parameters(view, db).get("rds.force_ssl")
    major = as_int(str(db.inputs.get("engineVersion", "99")).split(".")[0]) or 99
    # The default parameter group forces SSL from one major on; older majors need it set.
    if force_ssl == "0" or (force_ssl is None and major < limits.RDS_FORCE_SSL_DEFAULT_FROM_MAJOR):
        return "the parameter group does not force SSL (rds.force_ssl)"
    return None


# -- buckets -------------------------------------------------------------------------------------


def _attached(view: StackView, bucket: Resource, types: tuple[str, ...]) -> list[Resource]:
    """Resources configuring ``bucket``: they depend on it, or name it in their ``bucket`` input."""
    names = {bucket.inputs.get("bucket"), bucket.name}
    return [r for r in view.of_type(*types) if bucket.urn in r.dependencies or r.inputs.get("bucket") in names]


def _bucket_encrypted(bucket: Resource, view: StackView) -> Optional[str]:
    blocks = [bucket.inputs.get("serverSideEncryptionConfiguration")] + [r.inputs for r in _attached(view, bucket, BUCKET_ENCRYPTION)]
    if not any("sseAlgorithm" in json.dumps(b) for b in blocks if b):
        return "no server-side encryption configuration"
    for policy in _attached(view, bucket, BUCKET_POLICY):
        text = policy.inputs.get("policy")
        text = text if isinstance(text, str) else json.dumps(text)
        if "aws:SecureTransport" in text and '"Deny"' in text:
            return None
    return "no bucket policy denying requests without TLS (aws:SecureTransport false)"


def _bucket_blocked(bucket: Resource, view: StackView) -> Optional[str]:
    keys = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    for block in _attached(view, bucket, PUBLIC_ACCESS_BLOCK):
        if all(is_true(block.inputs.get(k)) for k in keys):
            return None
    return "no public access block with all four switches on"


def _bucket_versioned(bucket: Resource, view: StackView) -> Optional[str]:
    if is_true(bucket.get("versioning.enabled")):
        return None
    if any(r.get("versioningConfiguration.status") == "Enabled" for r in _attached(view, bucket, BUCKET_VERSIONING)):
        return None
    return "versioning is not enabled"


# -- network -------------------------------------------------------------------------------------


def _load_balancer_groups(view: StackView) -> set[str]:
    return {d for lb in view.of_type(*LOAD_BALANCER) for d in lb.dependencies}


def _open_ingress(view: StackView) -> Iterable[tuple[Resource, str, dict]]:
    """(group, rule holder name, rule) for every ingress rule open to the world."""
    groups = {g.urn: g for g in view.of_type(SECURITY_GROUP)}
    for group in groups.values():
        for rule in group.inputs.get("ingress") or []:
            if set(rule.get("cidrBlocks") or []) & set(WORLD) or set(rule.get("ipv6CidrBlocks") or []) & set(WORLD):
                yield group, group.name, rule
    for r in view.of_type(*INGRESS_RULES):
        if r.inputs.get("type", "ingress") != "ingress":
            continue
        cidrs = {
            r.inputs.get("cidrIpv4"),
            r.inputs.get("cidrIpv6"),
            *(r.inputs.get("cidrBlocks") or []),
            *(r.inputs.get("ipv6CidrBlocks") or []),
        }
        if cidrs & set(WORLD):
            group = next((groups[d] for d in r.dependencies if d in groups), None)
            yield group, r.name, r.inputs


def _network_closed(view: StackView) -> Iterable[Violation]:
    """Only the load balancer faces the world, on 80/443 and on the ports its own listeners
    serve (a dev stack without a domain serves the api on a second listener port)."""
    lb_groups = _load_balancer_groups(view)
    listener_ports = {as_int(listener.inputs.get("port")) for listener in view.of_type(*LISTENER)}
    for group, holder, rule in _open_ingress(view):
        ports = (as_int(rule.get("fromPort")), as_int(rule.get("toPort")))
        web = ports[0] == ports[1] and ports[0] in {80, 443} | listener_ports
        if not (web and group is not None and group.urn in lb_groups):
            yield Violation(
                holder,
                f"ingress open to the world on ports {ports[0]}-{ports[1]}",
                "allow the world only on the load balancer's group, on 80/443 or a port one of its listeners serves; reference security groups elsewhere",
            )


# -- operations ----------------------------------------------------------------------------------


def _health(view: StackView) -> Iterable[Violation]:
    checked_by_lb = {
        role_of(tg.inputs.get("name"), tg.name)
        for tg in view.of_type(*TARGET_GROUP)
        if tg.get("healthCheck.enabled", True) is not False and tg.get("healthCheck.path")
    }
    for task in view.of_type(TASK_DEFINITION):
        for c in container_definitions(task):
            if c.get("essential") is False:
                continue  # runs to completion before the role starts (the files container, the bootstrap)
            role = ROLES_BY_NAME.get(role_of(c.get("name"), task.inputs.get("family"), task.name) or "")
            # Liveness in the container, readiness at the load balancer: either one will do here.
            check = role.liveness or role.readiness if role else None
            if check and not c.get("healthCheck") and role.name not in checked_by_lb:
                yield Violation(
                    task.name,
                    f"role {role.name} has no container health check nor a target-group health check",
                    f"add a healthCheck probing {check.path} on port {check.port}",
                )


def _logs(view: StackView) -> Iterable[Violation]:
    yield from missing(
        view,
        LOG_GROUP,
        lambda g: None if as_int(g.inputs.get("retentionInDays")) else "retentionInDays is not set (logs kept forever)",
        "set retentionInDays (e.g. 30)",
    )
    for task in view.of_type(TASK_DEFINITION):
        for c in container_definitions(task):
            if not (c.get("logConfiguration") or {}).get("logDriver"):
                yield Violation(
                    task.name,
                    f"container {c.get('name')} has no logConfiguration",
                    "send its logs to a CloudWatch log group with retention",
                )


def _alarm_namespaces(alarm: Resource) -> set[str]:
    """The namespaces an alarm watches: its own, or those of its metric-math queries."""
    own = {alarm.inputs.get("namespace")}
    queried = {(q.get("metric") or {}).get("namespace") for q in alarm.inputs.get("metricQueries") or [] if isinstance(q, dict)}
    return (own | queried) - {None}


def _alarms(view: StackView) -> Iterable[Violation]:
    alarms = view.of_type(ALARM)
    namespaces = set().union(*(_alarm_namespaces(a) for a in alarms)) if alarms else set()
    for types, namespace in ((RDS, "AWS/RDS"), (REDIS, "AWS/ElastiCache"), (LOAD_BALANCER, "AWS/ApplicationELB")):
        for r in view.of_type(*types):
            if namespace not in namespaces:
                yield Violation(
                    r.name, f"no CloudWatch alarm in {namespace}", f"add a MetricAlarm on {namespace} (e.g. CPU, free storage, 5xx)"
                )
    for a in alarms:
        if not a.inputs.get("alarmActions"):
            yield Violation(a.name, "the alarm notifies nobody (no alarmActions)", "set lago:alerts.emails or lago:alerts.snsTopicArn")


def _redis_encrypted(r: Resource) -> Optional[str]:
    if not is_true(r.inputs.get("atRestEncryptionEnabled")):
        return "atRestEncryptionEnabled is not true"
    if not is_true(r.inputs.get("transitEncryptionEnabled")):
        return "transitEncryptionEnabled is not true"
    if not (r.inputs.get("authToken") or r.inputs.get("userGroupIds")):
        return "no AUTH token or user group"
    return None


DATA = (*RDS, *REDIS, *BUCKET)

TARGET = TargetPolicy(
    name="aws",
    provider="aws:",
    roles=roles,
    max_connections=max_connections,
    deploy_surge=deploy_surge,
    api_public=lambda view: (
        not view.of_type(*LOAD_BALANCER) or any(not is_true(lb.inputs.get("internal")) for lb in view.of_type(*LOAD_BALANCER))
    ),
    checks={
        "database-encrypted": lambda v: missing(
            v, RDS, lambda r: _database_encrypted(r, v), "set storageEncrypted=true and keep rds.force_ssl=1"
        ),
        "redis-encrypted": lambda v: missing(
            v, REDIS, _redis_encrypted, "set atRestEncryptionEnabled, transitEncryptionEnabled and an authToken"
        ),
        "bucket-encrypted": lambda v: missing(
            v, BUCKET, lambda b: _bucket_encrypted(b, v), "add SSE (aws:kms or AES256) and a policy denying aws:SecureTransport=false"
        ),
        "database-private": lambda v: missing(
            v,
            RDS,
            lambda r: "publiclyAccessible is true" if is_true(r.inputs.get("publiclyAccessible")) else None,
            "set publiclyAccessible=false",
        ),
        "bucket-not-public": lambda v: missing(
            v, BUCKET, lambda b: _bucket_blocked(b, v), "add a BucketPublicAccessBlock with all four switches true"
        ),
        "network-closed": _network_closed,
        "protect": lambda v: unprotected(v, DATA),
        "deletion-protection": lambda v: missing(
            v,
            RDS,
            lambda r: None if is_true(r.inputs.get("deletionProtection")) else "deletionProtection is not true",
            "set deletionProtection=true",
        ),
        "final-snapshot": lambda v: missing(
            v,
            RDS,
            lambda r: (
                "skipFinalSnapshot is true or no finalSnapshotIdentifier"
                if is_true(r.inputs.get("skipFinalSnapshot")) or not r.inputs.get("finalSnapshotIdentifier")
                else None
            ),
            "set skipFinalSnapshot=false and a finalSnapshotIdentifier",
        ),
        "backups": lambda v: missing(
            v,
            RDS,
            lambda r: (
                None
                if (as_int(r.inputs.get("backupRetentionPeriod")) or 0) >= 7
                else f"backupRetentionPeriod is {r.inputs.get('backupRetentionPeriod')}"
            ),
            "set backupRetentionPeriod to 7 or more",
        ),
        "highly-available": lambda v: [
            *missing(v, RDS, lambda r: None if is_true(r.inputs.get("multiAz")) else "multiAz is not true", "set multiAz=true"),
            *missing(
                v,
                REDIS,
                lambda r: (
                    None
                    if is_true(r.inputs.get("multiAzEnabled")) and is_true(r.inputs.get("automaticFailoverEnabled"))
                    else "multiAzEnabled / automaticFailoverEnabled not true"
                ),
                "run a replica in another AZ with automatic failover",
            ),
        ],
        "bucket-versioning": lambda v: missing(v, BUCKET, lambda b: _bucket_versioned(b, v), "add a BucketVersioning with status Enabled"),
        "health-checks": _health,
        "log-retention": _logs,
        "alarms": _alarms,
    },
)
