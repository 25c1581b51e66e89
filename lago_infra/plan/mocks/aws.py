"""Fakes for pulumi-aws: ARNs, endpoints, DNS names and zones, derived from resource names and
the stack's ``aws:region``."""

from __future__ import annotations

import pulumi

from ...targets.aws import limits, truststore
from . import RESOURCES, call, digest, resource
from .common import fake_certificates

ACCOUNT = "123456789012"

#: Region of each explicit ``aws.Provider`` by its id, so resources and invokes made through one
#: get that provider's region, as a real provider would.
PROVIDER_REGIONS: dict[str, str] = {}
#: Every AWS invoke as (token, provider reference): tests check an embedding program's explicit
#: provider reaches them all.
INVOKES: list[tuple[str, str]] = []


def _region(args=None) -> str:
    provider = getattr(args, "provider", None) or ""
    explicit = PROVIDER_REGIONS.get(provider.rsplit("::", 1)[-1])
    return explicit or pulumi.Config("aws").get("region") or "eu-west-1"


def _partition(args=None) -> str:
    """The partition of the region a resource or invoke is made in, as its real ARNs carry."""
    return limits.partition_of(_region(args)) or "aws"


@resource("pulumi:providers:aws")
def _provider(args):
    region = args.inputs.get("region") or pulumi.Config("aws").get("region") or "eu-west-1"
    provider_id = f"{args.name}-{digest(args.name, region, length=8)}"
    PROVIDER_REGIONS[provider_id] = region
    return {"__id": provider_id}


@call("aws:index/getRegion:getRegion")
def _get_region(args):
    INVOKES.append((args.token, args.provider or ""))
    region = _region(args)
    return {"region": region, "name": region, "id": region, "description": f"Fake ({region})", "endpoint": f"ec2.{region}.amazonaws.com"}


@call("aws:index/getAvailabilityZones:getAvailabilityZones")
def _get_zones(args):
    INVOKES.append((args.token, args.provider or ""))
    region = _region(args)
    names = [f"{region}{z}" for z in "abc"]
    return {"names": names, "zoneIds": [f"{region[:3]}{region[-1]}-az{i + 1}" for i in range(3)], "id": region, "groupNames": [region]}


def _arn(args, service: str, kind: str) -> str:
    return f"arn:{_partition(args)}:{service}:{_region(args)}:{ACCOUNT}:{kind}/{args.name}-{digest(args.name, length=6)}"


def _named(args) -> str:
    return args.inputs.get("name") or f"{args.name}-{digest(args.typ, args.name, length=7)}"


def _generic(args):
    module = args.typ.split(":")[1].split("/")[0]
    return {"arn": _arn(args, module, args.typ.rsplit(":", 1)[-1].lower()), "name": _named(args)}


@resource("aws:iam/role:Role", "aws:iam/policy:Policy")
def _iam(args):
    # IAM is global: its ARNs carry no region, and name the path and the name
    # (IAM User Guide, "IAM identifiers": arn:aws:iam::123456789012:role/path/name).
    prefix = args.inputs.get("namePrefix")
    # A prefix gets the provider's 26-character unique suffix (terraform-provider-aws, create.Name).
    name = f"{prefix}{digest(args.name, length=26)}" if prefix and not args.inputs.get("name") else _named(args)
    path = args.inputs.get("path") or "/"
    kind = args.typ.rsplit(":", 1)[-1].lower()
    arn = f"arn:{_partition(args)}:iam::{ACCOUNT}:{kind}{path}{name}"
    return {"arn": arn, "name": name, **({"uniqueId": f"AROA{digest(arn, length=17).upper()}"} if kind == "role" else {})}


def _zone_id(name: str) -> str:
    """A Route 53 hosted zone id: Z and uppercase letters and digits (limits.ROUTE53_ZONE_ID)."""
    return "Z" + digest(name, length=20).upper()


@resource("aws:route53/zone:Zone")
def _hosted_zone(args):
    # Route 53 API Reference, CreateHostedZone: the zone's Id, its four name servers; the
    # provider's id is the zone id (hashicorp/terraform-provider-aws, route53 zone resource).
    name = str(args.inputs.get("name", args.name)).rstrip(".")
    zone_id = _zone_id(f"{name}/{args.name}")
    return {
        "__id": zone_id,
        "zoneId": zone_id,
        "arn": f"arn:{_partition(args)}:route53:::hostedzone/{zone_id}",
        "nameServers": [f"ns-{i}.awsdns-{digest(zone_id, i, length=2)}.{tld}" for i, tld in enumerate(("com", "net", "org", "co.uk"))],
        "primaryNameServer": f"ns-0.awsdns-{digest(zone_id, 0, length=2)}.com",
    }


@resource("aws:rds/instance:Instance")
def _rds(args):
    host = f"{args.name}.{digest(args.name, length=12)}.{_region(args)}.rds.amazonaws.com"
    return {**_generic(args), "address": host, "endpoint": f"{host}:5432", "port": int(args.inputs.get("port", 5432))}


@resource("aws:elasticache/replicationGroup:ReplicationGroup")
def _redis(args):
    host = f"master.{args.name}.{digest(args.name, length=6)}.{_region(args)}.cache.amazonaws.com"
    return {**_generic(args), "primaryEndpointAddress": host, "readerEndpointAddress": host.replace("master.", "replica."), "port": 6379}


@resource("aws:lb/loadBalancer:LoadBalancer")
def _alb(args):
    return {
        **_generic(args),
        "dnsName": f"{args.name}-{digest(args.name, length=9)}.{_region(args)}.elb.amazonaws.com",
        "zoneId": "Z32O12XQLNTSW2",
    }


@resource("aws:s3/bucket:Bucket")
def _bucket(args):
    bucket = f"{args.inputs.get('bucketPrefix', args.name + '-')}{digest(args.name, length=12)}"
    return {"__id": bucket, "bucket": bucket, "arn": f"arn:{_partition(args)}:s3:::{bucket}"}


@resource("aws:acm/certificate:Certificate")
def _certificate(args):
    hosts = [args.inputs["domainName"], *args.inputs.get("subjectAlternativeNames", [])]
    return {
        **_generic(args),
        "domainValidationOptions": [
            {
                "domainName": h,
                "resourceRecordName": f"_{digest(h, length=16)}.{h}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{digest(h, 'v', length=16)}.acm-validations.aws.",
            }
            for h in hosts
        ],
    }


@resource("aws:acm/certificateValidation:CertificateValidation")
def _validation(args):
    return {"certificateArn": args.inputs["certificateArn"]}


@resource("aws:route53/record:Record")
def _record(args):
    return {"fqdn": str(args.inputs.get("name", args.name)).rstrip(".")}


@resource("aws:secretsmanager/secret:Secret")
def _secret(args):
    prefix = args.inputs.get("namePrefix", args.name + "-")
    name = f"{prefix}{digest(args.name, length=6)}"
    return {
        "__id": f"arn:{_partition(args)}:secretsmanager:{_region(args)}:{ACCOUNT}:secret:{name}",
        "arn": f"arn:{_partition(args)}:secretsmanager:{_region(args)}:{ACCOUNT}:secret:{name}",
        "name": name,
    }


@call("aws:route53/getZone:getZone")
def _zone(args):
    # A zone of the account: the real lookup fails where none of that name exists.
    name = str((args.args or {}).get("name", "")).rstrip(".")
    zone_id = _zone_id(name)
    return {
        "zoneId": zone_id,
        "id": zone_id,
        "name": name,
        "privateZone": False,
        "nameServers": [f"ns-1.awsdns-{digest(name, length=2)}.com"],
    }


@call("aws:index/getCallerIdentity:getCallerIdentity")
def _caller(args):
    INVOKES.append((args.token, args.provider or ""))
    return {"accountId": ACCOUNT, "arn": f"arn:{_partition(args)}:iam::{ACCOUNT}:user/plan", "userId": "PLAN", "id": ACCOUNT}


@resource("aws:ecs/taskDefinition:TaskDefinition")
def _task_definition(args):
    family = args.inputs.get("family", args.name)
    base = f"arn:{_partition(args)}:ecs:{_region(args)}:{ACCOUNT}:task-definition/{family}"
    # Each registration is a new revision in ECS: a changed definition gets a new ARN here too,
    # so what reads the ARN (the migrations' Invocation) shows as changing in a plan diff.
    revision = (
        1 + int(digest(*(args.inputs.get(k) for k in ("containerDefinitions", "cpu", "memory", "runtimePlatform")), length=6), 16) % 9999
    )
    return {"arn": f"{base}:{revision}", "arnWithoutRevision": base, "revision": revision}


@resource("aws:secretsmanager/secretVersion:SecretVersion")
def _secret_version(args):
    # A new value is a new version, as in Secrets Manager; the id reveals nothing of the value.
    return {"versionId": "v-" + digest(args.name, args.inputs.get("secretString"), length=16)}


@resource("aws:ssm/parameter:Parameter")
def _parameter(args):
    # SSM's ARN holds the name after "parameter" (a name with a path begins with "/"); a new value
    # raises the version, as SSM does, and the version reveals nothing of the value.
    name = args.inputs.get("name", args.name)
    arn = f"arn:{_partition(args)}:ssm:{_region(args)}:{ACCOUNT}:parameter{name if name.startswith('/') else '/' + name}"
    version = 1 + int(digest(args.name, args.inputs.get("value"), length=6), 16) % 999
    return {"__id": name, "arn": arn, "version": version, "tier": "Standard"}


@resource("aws:lambda/invocation:Invocation")
def _invocation(args):
    return {"result": '{"exitCode": 0}'}


@resource("aws:ecs/cluster:Cluster")
def _cluster(args):
    name = _named(args)
    return {"name": name, "arn": f"arn:{_partition(args)}:ecs:{_region(args)}:{ACCOUNT}:cluster/{name}"}


@resource("aws:ecs/service:Service")
def _service(args):
    # ECS's long ARN format: the cluster's name, then the service's.
    name = _named(args)
    cluster = str(args.inputs.get("cluster") or "default").rsplit("/", 1)[-1]
    arn = f"arn:{_partition(args)}:ecs:{_region(args)}:{ACCOUNT}:service/{cluster}/{name}"
    return {"__id": arn, "name": name, "arn": arn}


@resource("aws:appautoscaling/target:Target")
def _scaling_target(args):
    return {"arn": _arn(args, "application-autoscaling", "scalable-target")}


# Everything else the AWS target creates gets an ARN and a name.
for _token in (
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:lambda/function:Function",
    "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
    "aws:lb/targetGroup:TargetGroup",
    "aws:lb/listener:Listener",
    "aws:servicediscovery/httpNamespace:HttpNamespace",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:rds/parameterGroup:ParameterGroup",
    "aws:elasticache/subnetGroup:SubnetGroup",
    "aws:elasticache/parameterGroup:ParameterGroup",
):
    RESOURCES.setdefault(_token, _generic)


def _truststore(url: str) -> str:
    """RDS's CA bundle of a region, offline: as many certificates as a region's real bundle holds
    (rds-ca-2019's intermediate and root, and the three G1 roots) at their sizes."""
    return fake_certificates(url, count=5, size=1150)


# No network offline: the bundle the program reads from AWS's truststore is made up here.
truststore.fetch = _truststore
