"""The inputs that matter, per resource type: what a reviewer needs to see to know what a
resource will be (its size, class, count, protection), not every input it has.

One table for every type the shipped plans register that has such inputs; a type not listed is
shown by name alone (``plan --detail`` shows every input of every resource). A path is dotted;
``[]`` walks each item of a list (``template.containers[].resources.limits.cpu``).
"""

from __future__ import annotations

from typing import Any, Iterator

#: Resource type -> input paths shown beside it, in this order.
INPUTS: dict[str, tuple[str, ...]] = {
    # -- AWS -------------------------------------------------------------------------------------
    "aws:rds/instance:Instance": (
        "instanceClass",
        "engineVersion",
        "allocatedStorage",
        "maxAllocatedStorage",
        "multiAz",
        "backupRetentionPeriod",
        "deletionProtection",
        "skipFinalSnapshot",
    ),
    "aws:elasticache/replicationGroup:ReplicationGroup": (
        "engine",
        "engineVersion",
        "nodeType",
        "numCacheClusters",
        "multiAzEnabled",
        "snapshotRetentionLimit",
    ),
    "aws:ecs/taskDefinition:TaskDefinition": ("cpu", "memory", "runtimePlatform.cpuArchitecture"),
    "aws:ecs/service:Service": ("desiredCount", "capacityProviderStrategies[].capacityProvider", "networkConfiguration.assignPublicIp"),
    "aws:appautoscaling/target:Target": ("minCapacity", "maxCapacity"),
    "aws:ec2/vpc:Vpc": ("cidrBlock",),
    "aws:ec2/subnet:Subnet": ("cidrBlock", "availabilityZone", "mapPublicIpOnLaunch"),
    "aws:lb/loadBalancer:LoadBalancer": ("loadBalancerType", "internal", "enableDeletionProtection"),
    "aws:lb/listener:Listener": ("protocol", "port", "sslPolicy"),
    "aws:lb/targetGroup:TargetGroup": ("protocol", "port", "targetType"),
    "aws:acm/certificate:Certificate": ("domainName", "subjectAlternativeNames"),
    "aws:route53/record:Record": ("name", "type"),
    "aws:s3/bucketVersioning:BucketVersioning": ("versioningConfiguration.status",),
    "aws:cloudwatch/logGroup:LogGroup": ("retentionInDays",),
    "aws:secretsmanager/secret:Secret": ("recoveryWindowInDays",),
    "aws:ssm/parameter:Parameter": ("type", "tier"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ("fromPort", "toPort", "cidrIpv4"),
    # -- GCP -------------------------------------------------------------------------------------
    "gcp:sql/databaseInstance:DatabaseInstance": (
        "databaseVersion",
        "settings.tier",
        "settings.availabilityType",
        "settings.diskSize",
        "settings.backupConfiguration.pointInTimeRecoveryEnabled",
        "deletionProtection",
    ),
    "gcp:redis/instance:Instance": ("tier", "memorySizeGb", "redisVersion"),
    "gcp:cloudrunv2/service:Service": (
        "template.containers[].resources.limits.cpu",
        "template.containers[].resources.limits.memory",
        "template.scaling.minInstanceCount",
        "template.scaling.maxInstanceCount",
        "ingress",
    ),
    "gcp:cloudrunv2/workerPool:WorkerPool": (
        "template.containers[].resources.limits.cpu",
        "template.containers[].resources.limits.memory",
        "scaling.manualInstanceCount",
    ),
    "gcp:cloudrunv2/job:Job": (
        "template.template.containers[].resources.limits.cpu",
        "template.template.containers[].resources.limits.memory",
    ),
    "gcp:compute/subnetwork:Subnetwork": ("ipCidrRange", "region"),
    "gcp:storage/bucket:Bucket": ("location", "versioning.enabled", "forceDestroy"),
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": ("portRange",),
    # -- Docker (local) --------------------------------------------------------------------------
    "docker:index/container:Container": ("ports[].external", "restart"),
    "docker:index/remoteImage:RemoteImage": ("name",),
    # -- generated secrets -----------------------------------------------------------------------
    "random:index/randomPassword:RandomPassword": ("length",),
    "random:index/randomId:RandomId": ("byteLength",),
    "tls:index/privateKey:PrivateKey": ("algorithm", "rsaBits"),
}


def values_at(inputs: Any, path: str) -> Iterator[Any]:
    """Every value at ``path`` in ``inputs`` (none when a step is missing)."""
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    key = head.removesuffix("[]")
    if not isinstance(inputs, dict) or key not in inputs:
        return
    value = inputs[key]
    items = value if many and isinstance(value, list) else [value]
    for item in items:
        if rest:
            yield from values_at(item, rest)
        elif item is not None:
            yield item


def label(path: str) -> str:
    """The name a path is shown under: its last step (``limits.cpu`` -> ``cpu``)."""
    return path.rsplit(".", 1)[-1].removesuffix("[]")


def summary(type_: str, inputs: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, shown value) for each input that matters and is set."""
    out = []
    for path in INPUTS.get(type_, ()):
        found = list(values_at(inputs, path))
        if found:
            out.append((label(path), ",".join(_text(v) for v in found)))
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    return str(value)
