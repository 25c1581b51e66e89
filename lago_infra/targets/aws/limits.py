"""Every value constraint AWS enforces on what this target sets, in one place.

The offline plan's mocks accept anything the SDK's types accept; AWS does not. Each constant
below cites the AWS or provider documentation it comes from (the pinned pulumi-aws 7.51.1
docstrings, which repeat the Terraform provider's, and the AWS guides). Config validation
(``settings.py``, ``checks.py``) and the plan tests both read these, so a constraint lives once.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any, Callable

import pulumi_aws as aws

# -- physical names --------------------------------------------------------------------------------

#: Pulumi auto-naming appends ``-`` and 7 random characters to the logical name
#: (Pulumi docs, "Resource names: autonaming").
AUTONAME_SUFFIX = 8


@dataclass(frozen=True)
class NameLimit:
    #: Most characters AWS takes for the physical name.
    max_length: int
    #: The longest logical-name tail this target puts after ``lago:name`` for the kind
    #: (``lago`` + ``-edge-front`` …); tests/test_aws_limits.py checks it against the plan.
    longest_tail: str
    #: Whether the engine appends ``AUTONAME_SUFFIX`` (no explicit ``name`` is set).
    autonamed: bool = True
    #: Whether ``--`` and a trailing ``-`` are refused (RDS and ElastiCache identifiers, ELB names).
    strict_hyphens: bool = False

    def budget(self) -> int:
        """Characters left for ``lago:name``."""
        return self.max_length - len(self.longest_tail) - (AUTONAME_SUFFIX if self.autonamed else 0)


#: By resource type token.
NAME_LIMITS: dict[str, NameLimit] = {
    # ELB API Reference, CreateLoadBalancer "Name": at most 32 characters, alphanumerics and
    # hyphens, not beginning or ending with a hyphen.
    "aws:lb/loadBalancer:LoadBalancer": NameLimit(32, "-edge-alb", strict_hyphens=True),
    # ELB API Reference, CreateTargetGroup "Name": the same 32-character rule.
    "aws:lb/targetGroup:TargetGroup": NameLimit(32, "-edge-front", strict_hyphens=True),
    # pulumi_aws.elasticache.ReplicationGroup ``replication_group_id``: "1 to 40 alphanumeric
    # characters or hyphens, begin with a letter, no two consecutive hyphens, not end with one".
    "aws:elasticache/replicationGroup:ReplicationGroup": NameLimit(40, "-redis-queue", strict_hyphens=True),
    # pulumi_aws.rds.Instance ``identifier``: 1-63 lowercase alphanumerics or hyphens, begins with
    # a letter, no two consecutive hyphens, not ending with one (RDS User Guide, "Naming constraints").
    "aws:rds/instance:Instance": NameLimit(63, "-db", strict_hyphens=True),
    # IAM User Guide, "IAM object quotas": role names up to 64 characters (``name_prefix`` up to 38).
    # The longest role is a dedicated worker's execution role.
    "aws:iam/role:Role": NameLimit(64, "-ecs-worker-analytics-execution"),
    # pulumi_aws.lambda_.Function ``name``: up to 64 characters (Lambda API, CreateFunction).
    "aws:lambda/function:Function": NameLimit(64, "-ecs-migrate-runner"),
}

#: Docker's official images as Amazon ECR Public serves them (ECR Public Gallery, "Docker
#: Official Images", https://gallery.ecr.aws/docker/library/postgres): pulled without Docker
#: Hub's anonymous limit (ECR Public User Guide, "Amazon ECR Public service quotas":
#: unauthenticated pulls are limited per IP per second, not per six hours).
ECR_PUBLIC_DOCKER_OFFICIAL = "public.ecr.aws/docker/library"

#: Names AWS takes as given, made unique per project and stack by ``names.account_wide``:
#: ECR CreatePullThroughCacheRule ``ecrRepositoryPrefix``: 2-30 lowercase characters (ECR API
#: Reference); WAFV2 CreateWebACL ``Name``: 1-128 characters (WAFV2 API Reference); CloudWatch
#: PutDashboard ``DashboardName``: up to 255 (CloudWatch API Reference); KMS CreateAlias
#: ``AliasName``: up to 256, beginning ``alias/`` (KMS API Reference); a log group for WAF logs
#: must be named ``aws-waf-logs-...`` (WAF Developer Guide, "Sending web ACL traffic logs to an
#: Amazon CloudWatch Logs log group").
ECR_REPOSITORY_PREFIX_MAX = 30
WAF_WEB_ACL_NAME_MAX = 128
DASHBOARD_NAME_MAX = 255
KMS_ALIAS_MAX = 256
WAF_LOG_GROUP_PREFIX = "aws-waf-logs-"

#: IAM ``name_prefix`` limit (pulumi_aws.iam.Role docstring: "conflicts with name, up to 38").
IAM_ROLE_NAME_PREFIX_MAX = 38

#: CloudWatch Logs API, CreateLogGroup: 1-512 characters of ``[.\-_/#A-Za-z0-9]``.
LOG_GROUP_NAME_MAX = 512
LOG_GROUP_NAME = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
#: Cloud Map API, CreateHttpNamespace ``Name``: up to 1024 characters.
NAMESPACE_NAME_MAX = 1024
#: ECS API, RegisterTaskDefinition ``family``: up to 255 letters, numbers, hyphens, underscores.
TASK_FAMILY = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
#: Secrets Manager API, CreateSecret ``Name``: up to 512 characters of ``[A-Za-z0-9/_+=.@-]``.
SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")


def lago_name_budget() -> tuple[int, str]:
    """The longest ``lago:name`` every physical name can hold, and the resource type that sets it."""
    token, limit = min(NAME_LIMITS.items(), key=lambda kv: kv[1].budget())
    return limit.budget(), token


# -- tags ------------------------------------------------------------------------------------------

# Tagging AWS Resources user guide, "Tag naming limits and requirements": at most 50 tags per
# resource; keys 1-128 and values 0-256 Unicode characters of letters, digits, spaces and
# ``_ . : / = + - @``; the ``aws:`` prefix is reserved.
TAGS_PER_RESOURCE_MAX = 50
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
TAG_CHARACTERS = re.compile(r"^[\w .:/=+\-@]*$", re.UNICODE)
TAG_RESERVED_PREFIX = "aws:"
#: Tags this target adds itself (``lago-stack``, ``lago-role``, ``Name``, ``lago:tier``): the rest
#: of the 50 is the user's.
OWN_TAGS = 4
USER_TAGS_MAX = TAGS_PER_RESOURCE_MAX - OWN_TAGS

# -- formats ---------------------------------------------------------------------------------------

#: The regions the pinned provider knows (pulumi_aws.Region, the provider's region enum).
REGIONS: frozenset[str] = frozenset(r.value for r in aws.Region)

#: AWS partitions, by the pattern of their regions' names, most specific first (botocore's
#: ``data/endpoints.json``, each partition's ``regionRegex``; an ARN's second field is the
#: partition: AWS General Reference, "Amazon Resource Names (ARNs)").
PARTITIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^cn-\w+-\d+$"), "aws-cn"),
    (re.compile(r"^us-gov-\w+-\d+$"), "aws-us-gov"),
    (re.compile(r"^us-iso-\w+-\d+$"), "aws-iso"),
    (re.compile(r"^us-isob-\w+-\d+$"), "aws-iso-b"),
    (re.compile(r"^eu-isoe-\w+-\d+$"), "aws-iso-e"),
    (re.compile(r"^us-isof-\w+-\d+$"), "aws-iso-f"),
    (re.compile(r"^eusc-de-\w+-\d+$"), "aws-eusc"),
    (re.compile(r"^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$"), "aws"),
)


def partition_of(region: str) -> str | None:
    """The partition of ``region`` (``aws``, ``aws-cn``, ``aws-us-gov`` ...), None when no
    partition's pattern matches."""
    return next((partition for pattern, partition in PARTITIONS if pattern.match(region)), None)


#: The partitions this target deploys to: every ARN it writes takes the region's partition
#: (``arn(...)``), and their service principals and endpoint names are the commercial ones
#: (``<service>.amazonaws.com``, ``com.amazonaws.<region>.s3``; botocore's ``endpoints.json``:
#: both partitions' ``dnsSuffix`` is ``amazonaws.com``).
SUPPORTED_PARTITIONS = ("aws", "aws-us-gov")
#: Why the others are refused: China's partition names its endpoints and several service
#: principals under ``amazonaws.com.cn`` (``logs.<region>.amazonaws.com.cn``, the S3 gateway
#: endpoint ``cn.com.amazonaws.<region>.s3``; botocore's ``endpoints.json``, partition
#: ``aws-cn``), and the ISO partitions lack services this target uses (ECR pull-through cache,
#: WAF, Fargate ARM64), none of which the plan could check.
UNSUPPORTED_PARTITION_REASON = {
    "aws-cn": "China's partition names endpoints and service principals under amazonaws.com.cn, which this target does not build",
}


def arn(region: str, service: str, resource: str, *, account: str = "", in_region: bool = True) -> str:
    """An ARN in ``region``'s partition (AWS General Reference, "Amazon Resource Names":
    ``arn:partition:service:region:account-id:resource``)."""
    return f"arn:{partition_of(region) or 'aws'}:{service}:{region if in_region else ''}:{account}:{resource}"


def managed_policy(region: str, name: str) -> str:
    """An AWS managed policy's ARN in ``region``'s partition (``arn:aws-us-gov:iam::aws:policy/...``)."""
    return arn(region, "iam", f"policy/{name}", account="aws", in_region=False)


#: ACM certificate ARN (ACM API Reference, "CertificateArn": ``arn:aws:acm:region:account:certificate/uuid``).
CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")
#: Route 53 hosted zone id (Route 53 API Reference, "HostedZone Id": up to 32 characters,
#: uppercase letters and digits, beginning with Z as every public zone id does).
ROUTE53_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}$")
#: Secrets Manager secret ARN (for registry credentials).
SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$")
#: EC2 resource ids (EC2 User Guide, "Resource IDs": a prefix and 8 or 17 hexadecimal characters).
VPC_ID = re.compile(r"^vpc-([0-9a-f]{8}|[0-9a-f]{17})$")
SUBNET_ID = re.compile(r"^subnet-([0-9a-f]{8}|[0-9a-f]{17})$")
#: EC2 security group id (EC2 User Guide, "Resource IDs").
SECURITY_GROUP_ID = re.compile(r"^sg-([0-9a-f]{8}|[0-9a-f]{17})$")
#: ECS cluster, by ARN (Service Authorization Reference, Amazon ECS resource types:
#: ``arn:${Partition}:ecs:${Region}:${Account}:cluster/${ClusterName}``) or by name: up to 255
#: letters, digits, hyphens and underscores (ECS API Reference, CreateCluster ``clusterName``).
ECS_CLUSTER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
ECS_CLUSTER_ARN = re.compile(r"^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster/([A-Za-z0-9_-]{1,255})$")
#: ALB listener and load balancer ARNs (Service Authorization Reference, Elastic Load Balancing V2
#: resource types: ``...:listener/app/${LoadBalancerName}/${LoadBalancerId}/${ListenerId}``,
#: ``...:loadbalancer/app/${LoadBalancerName}/${LoadBalancerId}``; names up to 32 characters).
LISTENER_ARN = re.compile(r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener/app/[A-Za-z0-9-]{1,32}/[0-9a-f]+/[0-9a-f]+$")
LOAD_BALANCER_ARN = re.compile(r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/app/[A-Za-z0-9-]{1,32}/[0-9a-f]+$")
#: Cloud Map namespace ARN (Service Authorization Reference, AWS Cloud Map resource types:
#: ``arn:${Partition}:servicediscovery:${Region}:${Account}:namespace/${NamespaceId}``; ids are
#: ``ns-`` and lowercase letters and digits). ECS takes a name or an ARN for Service Connect
#: (pulumi_aws.ecs ServiceServiceConnectConfiguration ``namespace``); an ARN is unambiguous.
NAMESPACE_ARN = re.compile(r"^arn:aws[a-z-]*:servicediscovery:[a-z0-9-]+:\d{12}:namespace/ns-[a-z0-9]+$")
#: An ALB's DNS name (``<name>-<id>.<region>.elb.amazonaws.com``, ``internal-`` first when internal).
ALB_DNS_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{0,252}\.elb\.amazonaws\.com(\.cn)?$", re.IGNORECASE)
#: pulumi_aws.lb.ListenerRule ``priority``: "between 1 and 50000 ... A listener can't have multiple
#: rules with the same priority" (so a range is handed to this stack, and AWS refuses a taken one).
LISTENER_RULE_PRIORITIES = (1, 50000)
#: A complete secret ARN: the name, a hyphen and the six characters Secrets Manager appends
#: (Secrets Manager User Guide, "Secret ARN"). ECS reads a JSON key of a secret (``ARN:key::``)
#: only through the complete ARN, and an IAM policy's Resource matches only it. ``!`` too: the
#: secrets RDS manages for a master user are named ``rds!db-<uuid>`` / ``rds!cluster-<uuid>``
#: (RDS User Guide, "Password management with Amazon RDS and AWS Secrets Manager").
SECRET_COMPLETE_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+-[A-Za-z0-9]{6}$")
#: KMS key ARN (KMS Developer Guide, "Key ARN": ``arn:aws:kms:region:account:key/key-id``, the id
#: a UUID or, for a multi-Region key, ``mrk-`` and 32 hex digits). A key ARN, not an alias: RDS,
#: ElastiCache and CloudWatch Logs take the key's ARN (pulumi-aws ``kms_key_id`` docstrings).
KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/([0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$")
#: A DNS host name or IPv4 address (RFC 1123: labels of letters, digits and hyphens, at most 253 characters).
HOST_NAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
#: RDS DB instance classes (RDS User Guide, "DB instance class types"): ``db.<family>.<size>``.
RDS_INSTANCE_CLASS = re.compile(r"^db\.[a-z][a-z0-9-]*\.(micro|small|medium|large|xlarge|\d+xlarge|metal(-\d+xl)?)$")
#: ElastiCache node types (ElastiCache User Guide, "Supported node types"): ``cache.<family>.<size>``.
ELASTICACHE_NODE_TYPE = re.compile(r"^cache\.[a-z][a-z0-9]*\.(micro|small|medium|large|xlarge|\d+xlarge)$")

#: ALB security policies (ELB Application Load Balancers guide, "Security policies for your
#: Application Load Balancer"). AWS adds policies over time: extend this list when it does.
SSL_POLICIES: frozenset[str] = frozenset(
    {
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
        "ELBSecurityPolicy-TLS13-1-1-2021-06",
        "ELBSecurityPolicy-TLS13-1-0-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-FS-1-2-Res-2020-10",
        "ELBSecurityPolicy-FS-1-2-Res-2019-08",
        "ELBSecurityPolicy-FS-1-2-2019-08",
        "ELBSecurityPolicy-FS-1-1-2019-08",
        "ELBSecurityPolicy-FS-2018-06",
        "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
        "ELBSecurityPolicy-TLS-1-2-2017-01",
        "ELBSecurityPolicy-TLS-1-1-2017-01",
        "ELBSecurityPolicy-2016-08",
        "ELBSecurityPolicy-TLS-1-0-2015-04",
        "ELBSecurityPolicy-2015-05",
    }
)

# -- brought pieces --------------------------------------------------------------------------------

#: An ARN's fields (AWS General Reference, "Amazon Resource Names (ARNs)":
#: ``arn:partition:service:region:account-id:resource``; region and account are empty for global
#: resources).
ARN = re.compile(r"^arn:(?P<partition>[a-z-]+):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):(?P<account>\d{12}|):(?P<resource>.+)$")
#: A listener's and a load balancer's ARN, by part: the ALB is ``app/<name>/<id>`` in both.
LISTENER_ARN_PARTS = re.compile(
    r"^(?P<prefix>arn:[a-z-]+:elasticloadbalancing:(?P<region>[a-z0-9-]+):\d{12}):listener/app/(?P<name>[A-Za-z0-9-]+)/(?P<id>[0-9a-f]+)/[0-9a-f]+$"
)
LOAD_BALANCER_ARN_PARTS = re.compile(
    r"^(?P<prefix>arn:[a-z-]+:elasticloadbalancing:(?P<region>[a-z0-9-]+):\d{12}):loadbalancer/app/(?P<name>[A-Za-z0-9-]+)/(?P<id>[0-9a-f]+)$"
)
#: An ALB's DNS name and its parts: ``[internal-]<name>-<number>.<region>.elb.amazonaws.com``
#: (``.cn`` in China) (ELB Application Load Balancers guide, "DNS name").
ALB_DNS_PARTS = re.compile(
    r"^(?P<internal>internal-)?(?P<name>[a-z0-9-]+)-(?P<number>\d+)\.(?P<region>[a-z0-9-]+)\.elb\.amazonaws\.com(\.cn)?$", re.IGNORECASE
)
#: The canonical hosted zone of the Application Load Balancers of each region, which alias
#: records to an ALB name (AWS General Reference, "Elastic Load Balancing endpoints and quotas",
#: https://docs.aws.amazon.com/general/latest/gr/elb.html; the same table as the AWS provider's
#: ``aws_lb_hosted_zone_id``). A region missing here is checked only for not taking another
#: region's zone.
ALB_CANONICAL_ZONES: dict[str, str] = {
    "af-south-1": "Z268VQBMOI5EKX",
    "ap-east-1": "Z3DQVH9N71FHZ0",
    "ap-northeast-1": "Z14GRHDCWA56QT",
    "ap-northeast-2": "ZWKZPGTI48KDX",
    "ap-northeast-3": "Z5LXEXXYW11ES",
    "ap-south-1": "ZP97RAFLXTNZK",
    "ap-south-2": "Z0173938T07WNTVAEPZN",
    "ap-southeast-1": "Z1LMS91P8CMLE5",
    "ap-southeast-2": "Z1GM3OXH4ZPM65",
    "ap-southeast-3": "Z08888821HLRG5A9ZRTER",
    "ap-southeast-4": "Z09517862IB2WZLPXG76F",
    "ca-central-1": "ZQSVJUPU6J1EY",
    "ca-west-1": "Z06473681N0SF6OS049SD",
    "cn-north-1": "Z1GDH35T77C1KE",
    "cn-northwest-1": "ZM7IZAIOVVDZF",
    "eu-central-1": "Z215JYRZR1TBD5",
    "eu-central-2": "Z06391101F2ZOEP8P5EB3",
    "eu-north-1": "Z23TAZ6LKFMNIO",
    "eu-south-1": "Z3ULH7SSC9OV64",
    "eu-south-2": "Z0956581394HF5D5LXGAP",
    "eu-west-1": "Z32O12XQLNTSW2",
    "eu-west-2": "ZHURV8PSTC4K8",
    "eu-west-3": "Z3Q77PNBQS71R4",
    "il-central-1": "Z09170902867EHPV2DABU",
    "me-central-1": "Z08230872XQRWHG2XF6I",
    "me-south-1": "ZS929ML54UICD",
    "sa-east-1": "Z2P70J7HTTTPLU",
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-gov-east-1": "Z166TLBEWOO7G0",
    "us-gov-west-1": "Z33AYJ8TM3BH4J",
    "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5",
}
#: An RDS or Aurora endpoint names its region (RDS User Guide, "Finding the connection
#: information": ``<name>.<id>.<region>.rds.amazonaws.com``). Aurora's reader endpoint is
#: ``<cluster>.cluster-ro-<id>...`` and a custom endpoint ``<name>.cluster-custom-<id>...``
#: (Aurora User Guide, "Types of Aurora endpoints"): a reader never takes writes, and a custom
#: endpoint spreads connections over the instances it lists, readers included.
RDS_HOST = re.compile(
    r"^[a-z0-9-]+\.(?P<kind>cluster-ro-|cluster-custom-|cluster-|proxy-)?[a-z0-9]+\.(?P<region>[a-z0-9-]+)\.rds\.amazonaws\.com(\.cn)?$",
    re.IGNORECASE,
)
RDS_READ_ONLY_ENDPOINTS = {
    "cluster-ro-": "an Aurora reader endpoint",
    "cluster-custom-": "an Aurora custom endpoint (it spreads connections over readers too)",
}
#: ElastiCache endpoints (ElastiCache User Guide, "Finding connection endpoints"): a cluster-mode
#: configuration endpoint is ``clustercfg.<group>...`` (``<group>.<id>.clustercfg...`` without
#: in-transit encryption), a reader endpoint ``replica.<group>...`` (``<group>-ro...``), a
#: serverless cache ``<name>-<id>.serverless...``. MemoryDB has cluster mode only (MemoryDB
#: Developer Guide, "Connecting to MemoryDB nodes": ``clustercfg.<cluster>...memorydb...``).
ELASTICACHE_CLUSTER_MODE_HOST = re.compile(
    r"(^clustercfg\.|\.clustercfg\.|\.serverless\.[a-z0-9]+\.cache\.amazonaws\.com|\.memorydb\.[a-z0-9-]+\.amazonaws\.com)", re.IGNORECASE
)
ELASTICACHE_READER_HOST = re.compile(
    r"(^replica\.[^.]+\.[^.]+\.[a-z0-9]+\.cache\.amazonaws\.com|^[a-z0-9-]+-ro\.[^.]+\.ng\.\d+\.[a-z0-9]+\.cache\.amazonaws\.com)",
    re.IGNORECASE,
)
#: A secret RDS manages for a master user is named ``rds!db-<uuid>`` or ``rds!cluster-<uuid>``
#: and holds ``{"username", "password"}`` (RDS User Guide, "Password management with Amazon RDS
#: and AWS Secrets Manager"), never a URL.
RDS_MANAGED_SECRET = re.compile(r":secret:rds![a-z]+-")

#: RDS CreateDBInstance ``DBName`` for PostgreSQL: "1 to 63 letters, numbers, or underscores.
#: Must begin with a letter ... Can't be a word reserved by the specified database engine";
#: ``MasterUsername``: "1 to 16 letters, numbers, or underscores. First character must be a
#: letter. Can't be a reserved word" (botocore's RDS service model).
RDS_DB_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
RDS_MASTER_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,15}$")
#: PostgreSQL's reserved key words (PostgreSQL documentation, Appendix C "SQL Key Words", the
#: ones reserved in PostgreSQL; ``pg_get_keywords()`` with ``catcode = 'R'``, which the tests read
#: from a real PostgreSQL 15). RDS also refuses ``rdsadmin`` as a master user.
POSTGRES_RESERVED_WORDS: frozenset[str] = frozenset(
    """all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create
    current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct
    do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit
    localtime localtimestamp not null offset on only or order placing primary references returning select session_user
    some symmetric table then to trailing true union unique user using variadic when where window with""".split()
)
RDS_RESERVED_USERNAMES = frozenset({"rdsadmin"})
#: RDS storage autoscaling: "set the maximum storage threshold to at least 10 percent more than
#: the current allocated storage", or RDS answers "Invalid max storage size" (RDS User Guide,
#: "Managing capacity automatically with Amazon RDS storage autoscaling").
RDS_MAX_STORAGE_HEADROOM_PERCENT = 10
#: RDS User Guide, "Using SSL with a PostgreSQL DB instance": from PostgreSQL 15 the default parameter
#: group sets ``rds.force_ssl`` to 1; older majors default it to 0.
RDS_FORCE_SSL_DEFAULT_FROM_MAJOR = 15

# -- allowed values --------------------------------------------------------------------------------

#: pulumi_aws.cloudwatch.LogGroup ``retention_in_days``: "Possible values are: 1, 3, 5, 7, 14, 30,
#: 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, and 0"
#: (0 keeps logs forever).
LOG_RETENTION_DAYS: tuple[int, ...] = (
    0,
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

#: Fargate task sizes (ECS Developer Guide, "Amazon ECS task definition parameters for Fargate",
#: Task size): CPU units -> (lowest MiB, highest MiB, step).
FARGATE_SIZES: dict[int, tuple[int, int, int]] = {
    256: (512, 2048, 512),
    512: (1024, 4096, 1024),
    1024: (2048, 8192, 1024),
    2048: (4096, 16384, 1024),
    4096: (8192, 30720, 1024),
    8192: (16384, 61440, 4096),
    16384: (32768, 122880, 8192),
}


def fargate_memories(cpu_units: int) -> list[int]:
    low, high, step = FARGATE_SIZES[cpu_units]
    return list(range(low, high + 1, step))


#: The most a task definition may weigh, container definitions included (Amazon ECS Developer
#: Guide, "Amazon ECS service quotas": task definition size, 64 KiB, not adjustable). The CA file's
#: text travels in one (``containers.files_container``).
ECS_TASK_DEFINITION_MAX_BYTES = 64 * 1024

#: ECS Developer Guide, "AWS Fargate capacity providers": "Fargate Spot ... Linux tasks with the
#: X86_64 architecture" only; an ARM64 task on FARGATE_SPOT is never placed.
SPOT_ARCHITECTURES = frozenset({"X86_64"})

#: ElastiCache engine versions (ElastiCache User Guide, "Supported engines and versions") and the
#: parameter-group family each takes (pulumi_aws.elasticache.ParameterGroup ``family``; AWS CLI
#: describe-cache-engine-versions). Redis OSS on ElastiCache ends at 7.1; Valkey starts at 7.2.
ELASTICACHE_FAMILIES: dict[str, dict[str, str]] = {
    "redis": {"6.0": "redis6.x", "6.2": "redis6.x", "7.0": "redis7", "7.1": "redis7"},
    "valkey": {"7.2": "valkey7", "8.0": "valkey8", "8.1": "valkey8", "8.2": "valkey8"},
}

#: ECS API Reference, HealthCheck: ``retries`` 1-10 (we use at least 3), ``startPeriod`` 0-300 s.
ECS_HEALTH_RETRIES = (3, 10)
ECS_HEALTH_START_PERIOD_MAX = 300
#: ELB API Reference, CreateTargetGroup: ``UnhealthyThresholdCount`` 2-10.
ALB_UNHEALTHY_THRESHOLD_MAX = 10

#: ECS API Reference, ContainerDefinition ``stopTimeout`` (botocore's ecs service model): seconds
#: between SIGTERM and SIGKILL; on Fargate "the max stop timeout value is 120 seconds and if the
#: parameter is not specified, the default value of 30 seconds is used".
ECS_STOP_TIMEOUT_DEFAULT = 30
ECS_STOP_TIMEOUT_MAX = 120
#: ECS API Reference, DeploymentConfiguration ``maximumPercent``: tasks allowed RUNNING or PENDING
#: during a rolling deployment, in percent of ``desiredCount``; 200 unless the service says.
ECS_MAXIMUM_PERCENT_DEFAULT = 200

# -- the secret stores ----------------------------------------------------------------------------

#: SSM API Reference, PutParameter ``Name`` (botocore's ``ssm/2014-11-06`` service model): "Parameter
#: names can include only the following symbols and letters: a-zA-Z0-9_.-", with "/" between the
#: levels of a hierarchy and a leading "/" for a name with a path; "A parameter name can't be
#: prefixed with "aws" or "ssm" (case-insensitive)"; "Parameter hierarchies are limited to a maximum
#: depth of fifteen levels"; "The maximum length for a parameter name that you specify is 1011
#: characters. This count of 1011 characters includes the characters in the ARN that precede the
#: name you specify".
SSM_PARAMETER_NAME = re.compile(r"^(/[A-Za-z0-9_.-]+)+$")
SSM_RESERVED_PREFIXES = ("aws", "ssm")
SSM_NAME_DEPTH_MAX = 15
SSM_NAME_AND_ARN_MAX = 1011
#: The longest ARN prefix before a parameter's name in the partitions this target deploys to:
#: ``arn:<partition>:ssm:<region>:<account>:parameter``, with the longest of each.
SSM_ARN_PREFIX_MAX = len("arn:aws-us-gov:ssm::123456789012:parameter") + max(len(r.value) for r in aws.Region)


def ssm_parameter_name_problem(name: str) -> str | None:
    """Why SSM would refuse the parameter name ``name`` (a path beginning with ``/``), or None."""
    if not SSM_PARAMETER_NAME.match(name):
        return f"'{name}' is not a path of a-z, A-Z, 0-9, _ . - levels"
    first = name.lstrip("/").split("/", 1)[0].lower()
    if first.startswith(SSM_RESERVED_PREFIXES):
        return f"'{name}' begins with {first[:3]}, which SSM reserves"
    if name.count("/") > SSM_NAME_DEPTH_MAX:
        return f"'{name}' is {name.count('/')} levels deep, more than SSM's {SSM_NAME_DEPTH_MAX}"
    if len(name) + SSM_ARN_PREFIX_MAX > SSM_NAME_AND_ARN_MAX:
        return f"'{name}' is {len(name)} characters, more than SSM's {SSM_NAME_AND_ARN_MAX - SSM_ARN_PREFIX_MAX} after the ARN"
    return None


#: SSM API Reference, PutParameter ``Value``: "Standard parameters have a value limit of 4 KB.
#: Advanced parameters have a value limit of 8 KB." ``Tier``: with ``Intelligent-Tiering``
#: "Parameter Store evaluates each request to determine if the parameter is standard or advanced",
#: advanced where "The content size of the parameter is more than 4 KB" (standard parameters are
#: free, advanced ones billed). The provider keeps ``Intelligent-Tiering`` from showing as a change
#: once AWS reports the tier it chose (terraform-provider-aws internal/service/ssm/parameter.go,
#: ``tier``'s DiffSuppressFunc).
SSM_STANDARD_VALUE_MAX = 4096
SSM_VALUE_MAX = 8192
SSM_TIER = "Intelligent-Tiering"
#: Secrets Manager API Reference, CreateSecret ``SecretString``: at most 65,536 characters
#: (botocore's ``secretsmanager/2017-10-17`` service model, ``SecretStringType`` max).
SECRET_STRING_MAX = 65536

# -- RDS for PostgreSQL's default max_connections -------------------------------------------------

#: RDS User Guide, "Maximum number of database connections" (CHAP_Limits, RDS_Limits.MaxConnections):
#: RDS for PostgreSQL defaults ``max_connections`` to ``LEAST({DBInstanceClassMemory/9531392}, 5000)``.
RDS_BYTES_PER_CONNECTION = 9531392
RDS_MAX_CONNECTIONS_CAP = 5000
#: ``DBInstanceClassMemory`` is the class's memory "less the memory used by RDS processes that manage
#: the instance" (RDS User Guide, "DB parameter formula variables"); AWS publishes no figure per class.
#: Reading ``SHOW max_connections`` on default parameter groups gives 198 on 2 GiB, 413 on 4 GiB, 856
#: on 8 GiB and 1660 on 15.25 GiB, i.e. 248 to 527 MiB held back, growing with the class. This model
#: holds back a fixed part and a share of the memory, at or above every one of those readings (the
#: 15.25 GiB reading taken as the 16 GiB this model gives an r-family large), so the default it
#: computes is never above the instance's own.
RDS_RESERVED_BYTES = 260 * 1024**2
RDS_RESERVED_SHARE = 0.065
#: Memory of an RDS instance class, by size, for the general-purpose and burstable families (m, t);
#: memory-optimised r and z have twice as much per size, x four times (RDS User Guide, "DB instance
#: class types", hardware specifications).
_RDS_SIZE_GIB = {"micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16}
_RDS_FAMILY_FACTOR = {"m": 1, "t": 1, "r": 2, "z": 2, "x": 4}


def rds_instance_memory_gib(instance_class: str) -> int | None:
    """Nominal memory of ``instance_class`` (``db.m7g.large`` -> 8), None for a class not modelled."""
    match = re.match(r"^db\.([a-z])[a-z0-9-]*\.(micro|small|medium|large|xlarge|(\d+)xlarge)$", instance_class or "")
    if not match or match.group(1) not in _RDS_FAMILY_FACTOR:
        return None
    family, size, multiple = match.groups()
    gib = 16 * int(multiple) if multiple else _RDS_SIZE_GIB[size]
    return gib * _RDS_FAMILY_FACTOR[family]


def rds_default_max_connections(instance_class: str) -> int | None:
    """RDS for PostgreSQL's default ``max_connections`` on ``instance_class``, from
    ``DBInstanceClassMemory`` as modelled above; None for a class not modelled."""
    gib = rds_instance_memory_gib(instance_class)
    if gib is None:
        return None
    memory = gib * 1024**3
    class_memory = memory - RDS_RESERVED_BYTES - int(memory * RDS_RESERVED_SHARE)
    return min(class_memory // RDS_BYTES_PER_CONNECTION, RDS_MAX_CONNECTIONS_CAP)


#: The shortest keep-alive of the ALB's targets: Puma's ``persistent_timeout`` (65 s by default
#: since Puma 7, ``PUMA_PERSISTENT_TIMEOUT``) and the front's nginx ``keepalive_timeout`` (65 s).
TARGET_KEEPALIVE_SECONDS = 65
#: ELB Application Load Balancers guide, "Connection idle timeout": "we recommend that you
#: configure the idle timeout of your application to be larger than the idle timeout configured
#: for the load balancer" (a target that closes a kept-alive connection first makes the ALB answer
#: 502 on it). 60 s is the ALB's default, under the targets' 65.
#: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout
ALB_IDLE_TIMEOUT_SECONDS = 60
assert ALB_IDLE_TIMEOUT_SECONDS < TARGET_KEEPALIVE_SECONDS

#: Lambda Developer Guide, "Lambda quotas": a function runs at most 900 seconds.
LAMBDA_TIMEOUT_MAX = 900

# -- ELB access-log delivery ------------------------------------------------------------------------

#: The Elastic Load Balancing account that delivers ALB access logs, for each region opened before
#: August 2022 (ELB User Guide, "Enable access logs for your Application Load Balancer", step
#: "Attach a policy to your S3 bucket": "Regions available before August 2022" grant this account;
#: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
#: The pinned provider knows exactly these (terraform-provider-aws
#: internal/service/elb/service_account_data_source.go, ``accountIDPerRegionMap``): its
#: ``aws.elb.get_service_account`` answers "unsupported AWS Region" anywhere else.
ELB_LOG_ACCOUNTS: dict[str, str] = {
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-south-1": "718504428378",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "eu-south-1": "635631232127",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-gov-east-1": "190560391635",
    "us-gov-west-1": "048591011584",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
}
#: Regions opened since August 2022 deliver ALB access logs as this service principal instead
#: (same page: "Regions available as of August 2022 or later").
ELB_LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com"


def elb_log_writer(region: str) -> dict[str, str]:
    """The ``Principal`` a log bucket's policy admits for ALB access logs in ``region``."""
    account = ELB_LOG_ACCOUNTS.get(region)
    if account is None:
        return {"Service": ELB_LOG_DELIVERY_PRINCIPAL}
    return {"AWS": f"arn:{partition_of(region) or 'aws'}:iam::{account}:root"}


# -- RDS for PostgreSQL ------------------------------------------------------------------------------

#: The libraries this target preloads on RDS (``shared_preload_libraries``, a static parameter).
#: What AWS documents RDS for PostgreSQL loading: "Typically, the default DB parameter group loads
#: only the pg_stat_statements, but several other modules are available to add to the list. For
#: example, you can add scheduling capability by adding the pg_cron module" (RDS User Guide,
#: "Using PostgreSQL extensions with Amazon RDS for PostgreSQL",
#: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Extensions.html).
#: pg_partman's background worker (``pg_partman_bgw``) is not among the modules AWS documents,
#: and its ``pg_partman_bgw.*`` settings are not RDS parameters (a parameter group takes only
#: its family's parameters): AWS documents partition maintenance on RDS as
#: ``partman.run_maintenance_proc()`` scheduled with pg_cron (RDS User Guide, "Managing
#: PostgreSQL partitions with the pg_partman extension", "Configuring partition maintenance
#: using the run_maintenance_proc function",
#: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL_Partitions.html).
RDS_PRELOAD_LIBRARIES = ("pg_stat_statements", "pg_cron")
#: pg_cron runs its jobs in one database, ``cron.database_name`` (``postgres`` unless set), a
#: static RDS parameter; the extension is created in that database (RDS User Guide, "Scheduling
#: maintenance with the PostgreSQL pg_cron extension",
#: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL_pg_cron.html).
RDS_CRON_DATABASE_PARAMETER = "cron.database_name"

# -- the ECS calls the migrations runner makes ----------------------------------------------------

#: ListTasks' filters (ECS API Reference, ListTasks request parameters): ``cluster`` names where
#: to list, ``nextToken`` / ``maxResults`` page, the rest filter.
ECS_LIST_TASKS_FILTERS = ("containerInstance", "family", "startedBy", "serviceName", "desiredStatus", "launchType", "daemonName")


@dataclass(frozen=True)
class CallConstraint:
    """A rule AWS states for one parameter of one API operation, which its API accepts as valid
    syntax but refuses at run time. ``says`` is the API reference's own sentence, as botocore's
    service model carries it (``botocore/data/<service>/<version>/service-2.json``, the
    operation's input shape); ``holds`` checks a call's parameters against it."""

    service: str
    operation: str
    parameter: str
    says: str
    holds: Callable[[dict[str, Any]], bool]


#: Every constraint of the calls ``migrate_lambda.py`` makes (ECS API Reference: ListTasks,
#: RunTask, DescribeTasks; the same text as botocore's ``ecs/2014-11-13/service-2.json``).
#: The tests record each call the handler makes and check it against these.
ECS_RUNNER_CALLS: tuple[CallConstraint, ...] = (
    CallConstraint(
        "ecs",
        "ListTasks",
        "startedBy",
        "When you specify startedBy as the filter, it must be the only filter that you use.",
        lambda p: "startedBy" not in p or not [f for f in ECS_LIST_TASKS_FILTERS if f != "startedBy" and f in p],
    ),
    CallConstraint("ecs", "ListTasks", "maxResults", "This value can be between 1 and 100.", lambda p: 1 <= p.get("maxResults", 1) <= 100),
    CallConstraint("ecs", "RunTask", "count", "You can specify up to 10 tasks for each call.", lambda p: 1 <= p.get("count", 1) <= 10),
    CallConstraint(
        "ecs",
        "RunTask",
        "capacityProviderStrategy",
        "If a capacityProviderStrategy is specified, the launchType parameter must be omitted.",
        lambda p: not ("capacityProviderStrategy" in p and "launchType" in p),
    ),
    CallConstraint(
        "ecs",
        "RunTask",
        "capacityProviderStrategy",
        "A capacity provider strategy can contain a maximum of 20 capacity providers.",
        lambda p: len(p.get("capacityProviderStrategy", ())) <= 20,
    ),
    CallConstraint(
        "ecs",
        "RunTask",
        "capacityProviderStrategy.weight",
        "at least one of the capacity providers must have a weight value greater than zero",
        lambda p: not p.get("capacityProviderStrategy") or any(i.get("weight", 0) > 0 for i in p["capacityProviderStrategy"]),
    ),
    CallConstraint(
        "ecs",
        "RunTask",
        "taskDefinition",
        "When you specify a task definition, you must either specify a specific revision, or all revisions in the ARN.",
        lambda p: bool(re.search(r":(\d+|\*)$", p.get("taskDefinition", ""))),
    ),
    CallConstraint(
        "ecs",
        "RunTask",
        "networkConfiguration",
        "This parameter is required for task definitions that use the awsvpc network mode",
        # Every task definition of this target is awsvpc (Fargate).
        lambda p: bool(p.get("networkConfiguration", {}).get("awsvpcConfiguration", {}).get("subnets")),
    ),
    CallConstraint(
        "ecs",
        "RunTask",
        "networkConfiguration.awsvpcConfiguration.subnets",
        "There's a limit of 16 subnets that can be specified.",
        lambda p: len(p.get("networkConfiguration", {}).get("awsvpcConfiguration", {}).get("subnets", ())) <= 16,
    ),
    CallConstraint(
        "ecs",
        "RunTask",
        "networkConfiguration.awsvpcConfiguration.securityGroups",
        "There's a limit of 5 security groups that can be specified.",
        lambda p: len(p.get("networkConfiguration", {}).get("awsvpcConfiguration", {}).get("securityGroups", ())) <= 5,
    ),
    CallConstraint(
        "ecs",
        "RunTask",
        "propagateTags",
        "An error will be received if you specify the SERVICE option when running a task.",
        lambda p: p.get("propagateTags") != "SERVICE",
    ),
    CallConstraint(
        "ecs",
        "RunTask",
        "startedBy",
        "Up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward slash (/), and underscores (_) are allowed.",
        lambda p: bool(re.fullmatch(r"[A-Za-z0-9/_-]{1,128}", p.get("startedBy", "x"))),
    ),
    CallConstraint(
        "ecs", "DescribeTasks", "tasks", "A list of up to 100 task IDs or full ARN entries.", lambda p: 1 <= len(p.get("tasks", ())) <= 100
    ),
)

# -- address space ---------------------------------------------------------------------------------

#: VPC User Guide, "VPC CIDR blocks": a VPC's IPv4 block is between /16 and /28.
VPC_PREFIX_RANGE = (16, 28)
#: ELB Application Load Balancers guide, "Subnets for your load balancer": each ALB subnet needs a
#: CIDR of at least /27 with at least 8 free addresses.
ALB_SUBNET_PREFIX_MAX = 27
#: This target splits the VPC into 16 blocks (four prefix bits: three tiers of up to three zones).
SUBNET_SPLIT_BITS = 4
#: So the largest VPC prefix whose subnets still hold an ALB.
VPC_PREFIX_MAX = ALB_SUBNET_PREFIX_MAX - SUBNET_SPLIT_BITS


def vpc_cidr_problem(cidr: str) -> str | None:
    """Why AWS (or the subnets this target cuts) would refuse ``cidr``, or None."""
    net = ipaddress.ip_network(cidr, strict=False)
    if net.version != 4:
        return f"{cidr} is not an IPv4 block"
    low, high = VPC_PREFIX_RANGE
    if net.prefixlen < low:
        return f"/{net.prefixlen} is larger than AWS allows for a VPC (/{low} to /{high})"
    if net.prefixlen > VPC_PREFIX_MAX:
        return (
            f"/{net.prefixlen} is too small: the VPC is cut into 16 subnets (/{net.prefixlen + SUBNET_SPLIT_BITS}), "
            f"and an ALB subnet needs at least a /{ALB_SUBNET_PREFIX_MAX}, so the VPC must be /{VPC_PREFIX_MAX} or larger"
        )
    return None
