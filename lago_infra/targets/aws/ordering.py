"""AWS's "must exist before" pairs: what AWS refuses, or races, when it is created first.

Data only, each pair with AWS's source; ``lago_infra.plan.ordering`` checks every plan (shipped
stacks, examples, a platform's own program) against this table. Deploy code does not read it: it
makes each resource wait on what the table says it needs.
"""

from __future__ import annotations

import json
from typing import Any

from ..ordering import MustExistBefore, Selector

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
BUCKET = "aws:s3/bucket:Bucket"
ROLE = "aws:iam/role:Role"
SECRET = "aws:secretsmanager/secret:Secret"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
FUNCTION = "aws:lambda/function:Function"
INVOCATION = "aws:lambda/invocation:Invocation"
RDS = "aws:rds/instance:Instance"


def _internet_route(route: dict[str, Any]) -> bool:
    return route.get("destinationCidrBlock", route.get("cidrBlock")) == "0.0.0.0/0" and bool(route.get("gatewayId"))


def _nat_route(route: dict[str, Any]) -> bool:
    return route.get("destinationCidrBlock", route.get("cidrBlock")) == "0.0.0.0/0" and bool(route.get("natGatewayId"))


def _migrates_with_public_ip(inputs: dict[str, Any]) -> bool:
    """The migrations runner's event (``migrations.py``) starts the task with a public IP."""
    try:
        return bool(json.loads(inputs.get("input") or "{}").get("assignPublicIp"))
    except (TypeError, ValueError):
        return False


#: ECS Developer Guide, "Fargate task networking": a task in a public subnet needs a public IP and
#: the subnet's route to an internet gateway to pull its image (and read its secrets) without NAT.
_PUBLIC_TASKS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html"

INTERNET_FACING = Selector(LOAD_BALANCER, lambda i: not i.get("internal"), "internet-facing")
#: ELB: "If you create an internet-facing load balancer, you must select public subnets", and a
#: public subnet is one whose route table routes to an internet gateway; CreateLoadBalancer answers
#: "InvalidSubnet: VPC ... has no internet gateway" otherwise.
_ALB_SUBNETS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer"
#: What a task start needs (a Fargate task pulls its image and resolves its secrets at start).
TASK_STARTS = (Selector(SERVICE), Selector(INVOCATION, described="the migrations run"))
#: What assumes or passes a role, or lets a service assume it.
ROLE_USERS = (
    Selector(TASK_DEFINITION),
    Selector(SERVICE),
    Selector(FUNCTION),
    Selector(INVOCATION, described="the migrations run"),
    Selector(RDS, lambda i: bool(i.get("monitoringRoleArn")), "with Enhanced Monitoring"),
)
_IAM_CONSISTENCY = "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency"

RULES: list[MustExistBefore] = [
    # -- item 2: an internet-facing load balancer needs its VPC's way out ------------------------
    MustExistBefore(
        Selector("aws:ec2/internetGateway:InternetGateway"),
        INTERNET_FACING,
        "an internet-facing load balancer is refused in a VPC without an attached internet gateway",
        _ALB_SUBNETS,
        via=VPC,
    ),
    MustExistBefore(
        Selector("aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"),
        INTERNET_FACING,
        "an internet-facing load balancer is refused in a VPC without an attached internet gateway",
        _ALB_SUBNETS,
        via=VPC,
    ),
    MustExistBefore(
        Selector("aws:ec2/route:Route", _internet_route, "default route to the internet gateway"),
        INTERNET_FACING,
        "an internet-facing load balancer's subnets must be public: routed to the internet gateway",
        _ALB_SUBNETS,
        via=VPC,
    ),
    MustExistBefore(
        Selector(
            "aws:ec2/routeTable:RouteTable",
            lambda i: any(_internet_route(r) for r in i.get("routes") or ()),
            "with a default route to the internet gateway",
        ),
        INTERNET_FACING,
        "an internet-facing load balancer's subnets must be public: routed to the internet gateway",
        _ALB_SUBNETS,
        via=VPC,
    ),
    MustExistBefore(
        Selector("aws:ec2/routeTableAssociation:RouteTableAssociation"),
        INTERNET_FACING,
        "a subnet is public only once it is associated with the route table that reaches the internet gateway",
        _ALB_SUBNETS,
        via=SUBNET,
        first_through="subnetId",
    ),
    # -- tasks pull images through NAT ------------------------------------------------------------
    MustExistBefore(
        Selector("aws:ec2/route:Route", _nat_route, "default route through NAT"),
        Selector(SERVICE),
        "a task in a private subnet pulls its image and reads its secrets through NAT; it fails to start without the route",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
        via=VPC,
    ),
    MustExistBefore(
        Selector("aws:ec2/route:Route", _nat_route, "default route through NAT"),
        Selector(INVOCATION, described="the migrations run"),
        "a task in a private subnet pulls its image and reads its secrets through NAT; it fails to start without the route",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
        via=VPC,
    ),
    # -- without NAT, tasks in public subnets pull through the internet gateway ------------------------
    *[
        rule
        for then in (
            Selector(SERVICE, lambda i: bool((i.get("networkConfiguration") or {}).get("assignPublicIp")), "with public IPs"),
            Selector(INVOCATION, _migrates_with_public_ip, "the migrations run, with a public IP"),
        )
        for rule in (
            MustExistBefore(
                Selector("aws:ec2/route:Route", _internet_route, "default route to the internet gateway"),
                then,
                "a task with a public IP pulls its image and reads its secrets through the internet gateway; it fails to start without the route",
                _PUBLIC_TASKS,
                via=VPC,
            ),
            MustExistBefore(
                Selector("aws:ec2/routeTableAssociation:RouteTableAssociation"),
                then,
                "a subnet routes to the internet gateway only once it is associated with the public route table",
                _PUBLIC_TASKS,
                via=SUBNET,
                first_through="subnetId",
            ),
        )
    ],
    # -- item 5: a bucket policy before anything that delivers into the bucket ---------------------
    MustExistBefore(
        Selector("aws:s3/bucketPolicy:BucketPolicy"),
        Selector(LOAD_BALANCER, lambda i: bool((i.get("accessLogs") or {}).get("enabled")), "with access logs"),
        "enabling access logs makes ELB write a test object, refused until the bucket policy admits it",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
        via=BUCKET,
        first_through="bucket",
    ),
    MustExistBefore(
        Selector("aws:s3/bucketPolicy:BucketPolicy"),
        Selector("aws:ec2/flowLog:FlowLog", lambda i: i.get("logDestinationType") == "s3", "to S3"),
        "a flow log to a bucket whose policy does not yet admit it makes AWS attach its own policy, replacing the bucket's",
        "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html",
        via=BUCKET,
        first_through="bucket",
    ),
    MustExistBefore(
        Selector("aws:s3/bucketPolicy:BucketPolicy"),
        Selector("aws:s3/bucketLogging:BucketLogging"),
        "S3 server access logging delivers only where the target bucket's policy admits logging.s3.amazonaws.com",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
        via=BUCKET,
        first_through="bucket",
        then_through="targetBucket",
    ),
    # -- item 12: a role's policies before whatever assumes or passes the role ---------------------
    *[
        MustExistBefore(
            Selector(policy),
            then,
            "IAM is eventually consistent: a role used before its policies exist fails (a task cannot pull or read its secrets, a function cannot log or run the task)",
            _IAM_CONSISTENCY,
            via=ROLE,
            first_through="role",
        )
        for policy in ("aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        for then in ROLE_USERS
    ],
    # -- item 12: the pull-through cache rule before the pulls that use it ------------------------
    *[
        MustExistBefore(
            Selector("aws:ecr/pullThroughCacheRule:PullThroughCacheRule"),
            then,
            "a task pulling <account>.dkr.ecr.<region>.amazonaws.com/<prefix>/... fails until the cache rule for the prefix exists",
            "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html",
        )
        for then in TASK_STARTS
    ],
    # -- a secret holds a value before a task reads it (an SSM parameter holds its own value, and
    # a task definition reads its ARN from it: nothing to order) ----------------------------------
    MustExistBefore(
        Selector("aws:secretsmanager/secretVersion:SecretVersion"),
        Selector(TASK_DEFINITION),
        "ECS resolves a task's secrets when it starts and fails the task on a secret with no value",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
        via=SECRET,
    ),
    # -- a target group behind a listener before the service that registers into it ---------------
    *[
        MustExistBefore(
            Selector(kind),
            Selector(SERVICE, lambda i: bool(i.get("loadBalancers")), "behind a load balancer"),
            "ECS refuses a service whose target group no listener or rule of a load balancer uses",
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html",
            via=TARGET_GROUP,
        )
        for kind in ("aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule")
    ],
]
