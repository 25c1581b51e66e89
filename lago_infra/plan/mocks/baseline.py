"""Fakes for the production baseline's resources: keys, topics, web ACLs, the caller's account."""

from __future__ import annotations

from ...targets.aws import limits
from . import RESOURCES, call, digest, resource
from .aws import ACCOUNT, INVOKES, _generic, _partition, _region
from .gcp import PROJECT_NUMBER


# getCallerIdentity is faked once, in aws.py, which records the provider each call went through.


@call("aws:index/getPartition:getPartition")
def _get_partition(args):
    partition = _partition(args)
    return {"partition": partition, "dnsSuffix": "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com", "id": partition}


@resource("aws:kms/key:Key")
def _kms_key(args):
    key_id = f"{digest(args.name, length=8)}-{digest(args.name, 'k', length=4)}-4{digest(args.name, 'i', length=3)}-a{digest(args.name, 'd', length=3)}-{digest(args.name, 'x', length=12)}"
    return {"__id": key_id, "keyId": key_id, "arn": f"arn:{_partition(args)}:kms:{_region(args)}:{ACCOUNT}:key/{key_id}"}


@resource("aws:sns/topic:Topic")
def _topic(args):
    name = args.inputs.get("name") or f"{args.name}-{digest(args.name, length=7)}"
    arn = f"arn:{_partition(args)}:sns:{_region(args)}:{ACCOUNT}:{name}"
    return {"__id": arn, "arn": arn, "name": name}


@resource("aws:wafv2/webAcl:WebAcl")
def _web_acl(args):
    name = args.inputs.get("name", args.name)
    return {"arn": f"arn:{_partition(args)}:wafv2:{_region(args)}:{ACCOUNT}:regional/webacl/{name}/{digest(args.name, length=8)}"}


@resource("aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/dashboard:Dashboard", "aws:cloudwatch/metricAlarm:MetricAlarm")
def _cloudwatch(args):
    return _generic(args)


@resource("gcp:kms/keyRing:KeyRing")
def _key_ring(args):
    i = args.inputs
    return {"__id": f"projects/{i.get('project')}/locations/{i.get('location')}/keyRings/{i.get('name')}"}


@resource("gcp:kms/cryptoKey:CryptoKey")
def _crypto_key(args):
    i = args.inputs
    return {"__id": f"{i.get('keyRing')}/cryptoKeys/{i.get('name')}"}


@resource("gcp:monitoring/notificationChannel:NotificationChannel")
def _channel(args):
    i = args.inputs
    return {
        "__id": f"projects/{i.get('project')}/notificationChannels/{digest(args.name, length=16)}",
        "name": f"projects/{i.get('project')}/notificationChannels/{digest(args.name, length=16)}",
    }


@resource("gcp:compute/securityPolicy:SecurityPolicy")
def _security_policy(args):
    i = args.inputs
    link = f"https://www.googleapis.com/compute/v1/projects/{i.get('project')}/global/securityPolicies/{i.get('name', args.name)}"
    return {"__id": f"projects/{i.get('project')}/global/securityPolicies/{i.get('name', args.name)}", "selfLink": link}


@call("aws:elb/getServiceAccount:getServiceAccount")
def _elb_account(args):
    # As the provider: the regional ELB account where one exists, "unsupported AWS Region"
    # elsewhere (every region opened since August 2022; limits.ELB_LOG_ACCOUNTS).
    INVOKES.append((args.token, args.provider or ""))
    region = (args.args or {}).get("region") or _region(args)
    account = limits.ELB_LOG_ACCOUNTS.get(region)
    if account is None:
        raise Exception(f"unsupported AWS Region: {region}")
    return {"arn": f"arn:{limits.partition_of(region)}:iam::{account}:root", "id": account, "region": region}


def _adding(type_: str, extra):
    """Lay ``extra``'s outputs over the fake already registered for ``type_``."""
    base = RESOURCES.get(type_, _generic)

    def fake(args):
        state = base(args)
        return {**state, **extra(args, state)}

    RESOURCES[type_] = fake


# Alarm dimensions: the ALB's and target groups' ARN suffixes, RDS' identifier.
_adding(
    "aws:lb/loadBalancer:LoadBalancer",
    lambda args, state: {"arnSuffix": "app/" + state["arn"].rsplit("/", 1)[-1] + "/" + digest(args.name, length=16)},
)
_adding(
    "aws:lb/targetGroup:TargetGroup",
    lambda args, state: {"arnSuffix": "targetgroup/" + state["arn"].rsplit("/", 1)[-1] + "/" + digest(args.name, length=16)},
)
_adding(
    "aws:rds/instance:Instance",
    lambda args, state: {"identifier": args.inputs.get("identifier") or f"{args.name}-{digest(args.name, length=7)}"},
)


# Google service agents, as the documented patterns name them.
_AGENT_DOMAINS = {
    "sqladmin.googleapis.com": "gcp-sa-cloud-sql",
    "secretmanager.googleapis.com": "gcp-sa-secretmanager",
    # https://cloud.google.com/memorystore/docs/redis/cmek
    "redis.googleapis.com": "cloud-redis",
    # https://cloud.google.com/iam/docs/service-agents (Cloud Run Service Agent)
    "run.googleapis.com": "serverless-robot-prod",
}


@resource("gcp:projects/serviceIdentity:ServiceIdentity")
def _service_identity(args):
    domain = _AGENT_DOMAINS.get(args.inputs.get("service"), "gcp-sa-" + str(args.inputs.get("service")).split(".")[0])
    email = f"service-{PROJECT_NUMBER}@{domain}.iam.gserviceaccount.com"
    return {"email": email, "member": f"serviceAccount:{email}"}


@resource("gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig")
def _uptime(args):
    check_id = f"{args.name}-{digest(args.name, length=8)}"
    return {"uptimeCheckId": check_id, "name": f"projects/{args.inputs.get('project')}/uptimeCheckConfigs/{check_id}"}
