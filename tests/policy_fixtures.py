"""Small synthetic stacks for the policy tests: a compliant one per target, built from the real
roles of the local plan so Lago's own rules see real environments."""

from __future__ import annotations

import copy
import json
from typing import Any

from lago_infra.policy import Resource, RoleView, StackView


def res(type_: str, name_: str, deps: tuple[str, ...] = (), protect: bool = True, **inputs: Any) -> Resource:
    return Resource(
        urn=f"urn:pulumi:prod::lago::{type_}::{name_}", type=type_, name=name_, dependencies=list(deps), protect=protect, inputs=inputs
    )


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:prod::lago::{type_}::{name}"


def cloud_roles(local_roles: dict[str, RoleView], api_url: str, front_url: str) -> dict[str, RoleView]:
    """The local plan's roles with the cloud's URLs and sidekiq web off."""
    roles = copy.deepcopy(local_roles)
    for role in roles.values():
        for key, value in (("LAGO_API_URL", api_url), ("LAGO_FRONT_URL", front_url), ("API_URL", api_url), ("LAGO_SIDEKIQ_WEB", "false")):
            if key in role.env:
                role.env[key] = value
    return roles


def good_aws(roles: dict[str, RoleView]) -> StackView:
    bucket = res("aws:s3/bucket:Bucket", "lago-files", bucket="lago-files")
    b = (bucket.urn,)
    alb_sg = res("aws:ec2/securityGroup:SecurityGroup", "lago-alb-sg", protect=False)
    return StackView(
        target="aws",
        prod=True,
        resources=[
            res(
                "aws:rds/parameterGroup:ParameterGroup",
                "lago-db-params",
                protect=False,
                name="lago-db-params",
                parameters=[{"name": "rds.force_ssl", "value": "1"}],
            ),
            res(
                "aws:rds/instance:Instance",
                "lago-db",
                (urn("aws:rds/parameterGroup:ParameterGroup", "lago-db-params"),),
                instanceClass="db.t4g.medium",
                engineVersion="16.4",
                storageEncrypted=True,
                publiclyAccessible=False,
                deletionProtection=True,
                skipFinalSnapshot=False,
                finalSnapshotIdentifier="lago-db-final",
                backupRetentionPeriod=7,
                multiAz=True,
                password="[secret]",
            ),
            res(
                "aws:elasticache/replicationGroup:ReplicationGroup",
                "lago-redis",
                atRestEncryptionEnabled=True,
                transitEncryptionEnabled=True,
                authToken="[secret]",
                multiAzEnabled=True,
                automaticFailoverEnabled=True,
            ),
            bucket,
            res(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "lago-files-sse",
                b,
                False,
                bucket="lago-files",
                rules=[{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}],
            ),
            res(
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "lago-files-pab",
                b,
                False,
                blockPublicAcls=True,
                blockPublicPolicy=True,
                ignorePublicAcls=True,
                restrictPublicBuckets=True,
            ),
            res(
                "aws:s3/bucketVersioning:BucketVersioning", "lago-files-versioning", b, False, versioningConfiguration={"status": "Enabled"}
            ),
            res(
                "aws:s3/bucketPolicy:BucketPolicy",
                "lago-files-tls",
                b,
                False,
                policy=json.dumps(
                    {
                        "Statement": [
                            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                        ]
                    }
                ),
            ),
            alb_sg,
            res(
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                "lago-alb-https",
                (alb_sg.urn,),
                False,
                cidrIpv4="0.0.0.0/0",
                fromPort=443,
                toPort=443,
                ipProtocol="tcp",
            ),
            res("aws:lb/loadBalancer:LoadBalancer", "lago-alb", (alb_sg.urn,), False, internal=False),
            res("aws:lb/targetGroup:TargetGroup", "lago-api", protect=False, healthCheck={"path": "/health"}),
            res("aws:lb/targetGroup:TargetGroup", "lago-front", protect=False, healthCheck={"path": "/"}),
            # The api is probed by its target group only.
            res(
                "aws:ecs/taskDefinition:TaskDefinition",
                "lago-api",
                protect=False,
                containerDefinitions=json.dumps([{"name": "api", "logConfiguration": {"logDriver": "awslogs"}}]),
            ),
            res(
                "aws:ecs/taskDefinition:TaskDefinition",
                "lago-worker",
                protect=False,
                containerDefinitions=json.dumps(
                    [
                        {
                            "name": "worker",
                            "healthCheck": {"command": ["CMD-SHELL", "curl -f localhost:8080/"]},
                            "logConfiguration": {"logDriver": "awslogs"},
                        }
                    ]
                ),
            ),
            res(
                "aws:ecs/taskDefinition:TaskDefinition",
                "lago-pdf",
                protect=False,
                containerDefinitions=json.dumps(
                    [
                        {
                            "name": "pdf",
                            "healthCheck": {"command": ["CMD-SHELL", "curl -f localhost:3000/health"]},
                            "logConfiguration": {"logDriver": "awslogs"},
                        }
                    ]
                ),
            ),
            res("aws:cloudwatch/logGroup:LogGroup", "lago-logs", protect=False, retentionInDays=30),
            *[
                res(
                    "aws:cloudwatch/metricAlarm:MetricAlarm",
                    f"lago-alarm-{n}",
                    protect=False,
                    namespace=n,
                    alarmActions=["arn:aws:sns:eu-west-1:123456789012:ops"],
                )
                for n in ("AWS/RDS", "AWS/ElastiCache", "AWS/ApplicationELB")
            ],
        ],
        outputs={"front_url": "https://lago.example.com"},
        roles=cloud_roles(roles, "https://api.lago.example.com", "https://lago.example.com"),
    )


def good_gcp(roles: dict[str, RoleView]) -> StackView:
    probe = {"httpGet": {"path": "/health"}}
    return StackView(
        target="gcp",
        prod=True,
        resources=[
            res(
                "gcp:sql/databaseInstance:DatabaseInstance",
                "lago-db",
                deletionProtection=True,
                databaseVersion="POSTGRES_16",
                settings={
                    "tier": "db-custom-2-7680",
                    "edition": "ENTERPRISE",
                    "availabilityType": "REGIONAL",
                    "deletionProtectionEnabled": True,
                    "ipConfiguration": {"ipv4Enabled": False, "sslMode": "ENCRYPTED_ONLY"},
                    "backupConfiguration": {
                        "enabled": True,
                        "pointInTimeRecoveryEnabled": True,
                        "backupRetentionSettings": {"retainedBackups": 14},
                    },
                    "finalBackupConfig": {"enabled": True, "retentionDays": 30},
                },
            ),
            res(
                "gcp:redis/instance:Instance",
                "lago-redis",
                tier="STANDARD_HA",
                authEnabled=True,
                transitEncryptionMode="SERVER_AUTHENTICATION",
            ),
            res(
                "gcp:storage/bucket:Bucket",
                "lago-files",
                publicAccessPrevention="enforced",
                uniformBucketLevelAccess=True,
                versioning={"enabled": True},
            ),
            *[
                res(
                    "gcp:cloudrunv2/service:Service",
                    f"lago-{role}",
                    protect=False,
                    template={"containers": [{"name": role, "startupProbe": probe}]},
                )
                for role in ("api", "worker", "front", "pdf")
            ],
            res(
                "gcp:compute/securityPolicy:SecurityPolicy",
                "lago-armor",
                protect=False,
                name="lago-armor",
                rules=[
                    {
                        "priority": 1000,
                        "action": "deny(403)",
                        "match": {"expr": {"expression": "evaluatePreconfiguredWaf('sqli-v33-stable')"}},
                    },
                    {
                        "priority": 2000,
                        "action": "throttle",
                        "match": {"versionedExpr": "SRC_IPS_V1", "config": {"srcIpRanges": ["*"]}},
                        "rateLimitOptions": {"conformAction": "allow", "exceedAction": "deny(429)"},
                    },
                    {"priority": 2147483647, "action": "allow", "match": {"versionedExpr": "SRC_IPS_V1", "config": {"srcIpRanges": ["*"]}}},
                ],
            ),
            res(
                "gcp:monitoring/alertPolicy:AlertPolicy",
                "lago-alerts",
                protect=False,
                notificationChannels=["projects/p/notificationChannels/1"],
                conditions=[
                    {"conditionThreshold": {"filter": f'resource.type="{t}"'}}
                    for t in ("cloudsql_database", "redis_instance", "https_lb_rule")
                ],
            ),
        ],
        outputs={},
        roles=cloud_roles(roles, "https://api.lago.example.com", "https://lago.example.com"),
    )
