"""How long the engine typically waits on each resource type: on create, and on an in-place update.

Figures are typical wall times of the provider's create/update call (the call returns when the
cloud reports the resource ready, which is what the next resource waits for), rounded, in
seconds. They come from the clouds' documentation where it gives one, and otherwise from the
provider's documented waits; each entry cites its page. They are estimates for planning, not
measurements: a real `pulumi up` can be quicker or, on a busy region, much slower (the upper bound
is the provider's timeout, tens of minutes for databases)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

Resource = dict[str, Any]


@dataclass(frozen=True)
class Duration:
    create: int
    update: int
    source: str
    why: str = ""
    #: Seconds the resource keeps settling after the engine is done with it, counted from when the
    #: last resource that uses it is up (a managed certificate provisions once its load balancer
    #: serves and DNS points at it): what separates "`pulumi up` finishes" from "it works".
    settles: int = 0


RDS = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html"
ELASTICACHE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Replication.CreatingRepGroup.html"
ACM = "https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html"
ECS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-options.html"
ECS_RUN_TASK = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/standalone-task-create.html"
ECS_TF = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_service#wait_for_steady_state"
ELB = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-application-load-balancer.html"
NAT = "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html"
ROUTE53 = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html"
CLOUD_MAP = "https://docs.aws.amazon.com/cloud-map/latest/dg/working-with-namespaces.html"
SQL = "https://cloud.google.com/sql/docs/postgres/create-instance"
SQL_HA = "https://cloud.google.com/sql/docs/postgres/high-availability"
MEMORYSTORE = "https://cloud.google.com/memorystore/docs/redis/create-manage-instances"
PSA = "https://cloud.google.com/vpc/docs/configure-private-services-access"
RUN = "https://cloud.google.com/run/docs/deploying"
RUN_JOB = "https://cloud.google.com/run/docs/execute/jobs"
GLB = "https://cloud.google.com/load-balancing/docs/https/setup-global-ext-https-serverless"
CERT = "https://cloud.google.com/load-balancing/docs/ssl-certificates/google-managed-certs"
RUN_DIRECT_VPC = "https://cloud.google.com/run/docs/configuring/vpc-direct-vpc"
SERVICE_USAGE = "https://cloud.google.com/service-usage/docs/enable-disable"
IAM_PROPAGATION = "https://cloud.google.com/iam/docs/access-change-propagation"
#: Shared-core Cloud SQL instances take about 25 minutes to create (PostgreSQL's have been seen
#: past 30): the Google-maintained module raised its timeout for them
#: (github.com/terraform-google-modules/terraform-google-sql-db/pull/425) and the provider's tests
#: moved off them (github.com/GoogleCloudPlatform/magic-modules/pull/6986).
SQL_SHARED_CORE = "https://github.com/terraform-google-modules/terraform-google-sql-db/pull/425"
API = "the cloud's API answers in seconds; no readiness wait"

#: A quick API call: create or update returns within seconds.
QUICK = Duration(5, 5, API)

_FIXED: dict[str, Duration] = {
    # AWS
    # The migration runner: the Lambda starts the migrate task (Fargate provisioning and image pull,
    # then Rails boots and migrates) and returns when it stops; the same budget as the Cloud Run job.
    "aws:lambda/invocation:Invocation": Duration(300, 180, ECS_RUN_TASK, "starts the migrate task and waits until it stops"),
    "aws:ec2/natGateway:NatGateway": Duration(120, 5, NAT, "the provider waits until the gateway is available"),
    "aws:ec2/vpc:Vpc": Duration(15, 5, API),
    "aws:ec2/subnet:Subnet": Duration(15, 5, API),
    "aws:ec2/internetGateway:InternetGateway": Duration(15, 5, API),
    "aws:ec2/vpcEndpoint:VpcEndpoint": Duration(30, 10, API, "waits until available"),
    "aws:lb/loadBalancer:LoadBalancer": Duration(180, 15, ELB, "the provider waits until the load balancer is active"),
    "aws:acm/certificate:Certificate": Duration(10, 5, ACM),
    "aws:acm/certificateValidation:CertificateValidation": Duration(
        300, 0, ACM, "DNS validation, usually minutes once the records resolve (up to 72 hours)"
    ),
    "aws:route53/record:Record": Duration(60, 60, ROUTE53, "the provider waits for the change to be INSYNC, usually within 60 s"),
    "aws:servicediscovery/httpNamespace:HttpNamespace": Duration(60, 10, CLOUD_MAP, "a Cloud Map operation the provider polls"),
    "aws:iam/role:Role": Duration(10, 5, API, "plus a few seconds of IAM propagation"),
    "aws:ecs/cluster:Cluster": Duration(10, 5, API),
    "aws:ecs/taskDefinition:TaskDefinition": Duration(5, 5, API, "a change registers a new revision (replacement)"),
    # GCP
    "gcp:servicenetworking/connection:Connection": Duration(90, 30, PSA, "VPC peering with the service producer"),
    "gcp:compute/network:Network": Duration(30, 10, API, "a global operation the provider polls"),
    "gcp:compute/subnetwork:Subnetwork": Duration(20, 10, API),
    "gcp:compute/router:Router": Duration(20, 10, API),
    "gcp:compute/routerNat:RouterNat": Duration(30, 20, API),
    "gcp:compute/globalAddress:GlobalAddress": Duration(15, 5, API),
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": Duration(30, 20, GLB),
    "gcp:compute/backendService:BackendService": Duration(30, 20, GLB),
    "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup": Duration(15, 10, GLB),
    "gcp:compute/uRLMap:URLMap": Duration(20, 15, GLB),
    "gcp:compute/targetHttpProxy:TargetHttpProxy": Duration(20, 15, GLB),
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy": Duration(20, 15, GLB),
    "gcp:compute/managedSslCertificate:ManagedSslCertificate": Duration(
        15,
        15,
        CERT,
        "the call returns at once; Google provisions it up to 60 min after the domain's DNS points at the load balancer",
        settles=3600,
    ),
    # Enabling an API is an operation the provider waits for; a project's first enablements are the
    # slowest, and a newly enabled API can refuse calls for a short while after.
    "gcp:projects/service:Service": Duration(60, 5, SERVICE_USAGE, "enabling an API (a first deploy waits for it)"),
    "gcp:sql/database:Database": Duration(20, 10, SQL),
    "gcp:sql/user:User": Duration(20, 10, SQL),
    "gcp:serviceaccount/account:Account": Duration(10, 5, API),
    # Local
    "docker:index/remoteImage:RemoteImage": Duration(
        45, 45, "https://docs.docker.com/reference/cli/docker/image/pull/", "image pull, cached after the first"
    ),
}


def _rds(res: Resource) -> Duration:
    multi = bool(res["inputs"].get("multiAz"))
    return Duration(1080 if multi else 600, 0, RDS, "Multi-AZ creates a standby in a second zone" if multi else "Single-AZ instance")


def _elasticache(res: Resource) -> Duration:
    i = res["inputs"]
    nodes = int(i.get("numCacheClusters") or 1)
    return Duration(720 if nodes > 1 else 480, 0, ELASTICACHE, f"{nodes} node(s){', Multi-AZ' if i.get('multiAzEnabled') else ''}")


def _ecs_service(res: Resource) -> Duration:
    """``waitForSteadyState``: tasks pull the image, start, pass health checks (and the load balancer's
    healthy threshold); an update also drains the old tasks (deregistration delay)."""
    i = res["inputs"]
    waits = i.get("waitForSteadyState")
    behind_lb = bool(i.get("loadBalancers"))
    if not waits:
        return Duration(10, 10, ECS_TF, "returns without waiting for tasks")
    grace = int(i.get("healthCheckGracePeriodSeconds") or 0)
    create = 120 + (60 if behind_lb else 0) + min(grace, 120) // 2
    return Duration(create, create + (60 if behind_lb else 30), ECS_TF, "waits for steady state (tasks running and healthy)")


#: Cloud SQL tiers on a shared core.
SHARED_CORE_TIERS = {"db-f1-micro", "db-g1-small"}


def _cloud_sql(res: Resource) -> Duration:
    settings = res["inputs"].get("settings") or {}
    regional = settings.get("availabilityType") == "REGIONAL"
    if settings.get("tier") in SHARED_CORE_TIERS:
        return Duration(1500, 0, SQL_SHARED_CORE, f"shared-core {settings['tier']}: about 25 min to create")
    return Duration(
        900 if regional else 540,
        0,
        SQL_HA if regional else SQL,
        "REGIONAL: primary and standby in two zones" if regional else "ZONAL instance",
    )


def _memorystore(res: Resource) -> Duration:
    ha = res["inputs"].get("tier") == "STANDARD_HA"
    return Duration(720 if ha else 360, 0, MEMORYSTORE, "STANDARD_HA: primary and replica" if ha else "BASIC instance")


#: Direct VPC egress: "connection establishment delays of a minute or more on instance startup".
DIRECT_VPC_START = 60


def _direct_vpc(res: Resource) -> bool:
    template = res["inputs"].get("template") or {}
    access = template.get("vpcAccess") or (template.get("template") or {}).get("vpcAccess") or {}
    return bool(access.get("networkInterfaces"))


def _run_service(res: Resource) -> Duration:
    if _direct_vpc(res):
        return Duration(
            60 + DIRECT_VPC_START,
            60 + DIRECT_VPC_START,
            RUN_DIRECT_VPC,
            "the provider waits until the new revision serves; Direct VPC egress delays instance start-up a minute or more",
        )
    return Duration(60, 60, RUN, "the provider waits until the new revision serves")


def _worker_pool(res: Resource) -> Duration:
    if _direct_vpc(res):
        return Duration(
            60 + DIRECT_VPC_START,
            60 + DIRECT_VPC_START,
            RUN_DIRECT_VPC,
            "a new revision and its instances start; Direct VPC egress delays start-up a minute or more",
        )
    return Duration(60, 60, RUN, "a new revision and its instances start")


def _run_job(res: Resource) -> Duration:
    """With ``runExecutionToken`` the provider starts an execution and waits for it: the migrations."""
    vpc = DIRECT_VPC_START if _direct_vpc(res) else 0
    if res["inputs"].get("runExecutionToken"):
        why = "runs the migrations and waits (a fresh database takes longest)" + ("; Direct VPC egress delays its start" if vpc else "")
        return Duration(240 + vpc, 120 + vpc, RUN_JOB, why)
    return Duration(15, 10, RUN_JOB)


def _dynamic(res: Resource) -> Duration:
    """A dynamic resource runs in the program's own process; the IAM propagation pause sleeps the
    ``seconds`` it is given, on create and whenever the grants it follows change."""
    seconds = int(res["inputs"].get("seconds") or 0)
    if seconds:
        return Duration(seconds, seconds, IAM_PROPAGATION, f"a deliberate {seconds} s pause while IAM grants propagate")
    return QUICK


_BY_INPUTS: dict[str, Callable[[Resource], Duration]] = {
    "aws:rds/instance:Instance": _rds,
    "aws:elasticache/replicationGroup:ReplicationGroup": _elasticache,
    "aws:ecs/service:Service": _ecs_service,
    "gcp:sql/databaseInstance:DatabaseInstance": _cloud_sql,
    "gcp:redis/instance:Instance": _memorystore,
    "gcp:cloudrunv2/service:Service": _run_service,
    "gcp:cloudrunv2/job:Job": _run_job,
    "gcp:cloudrunv2/workerPool:WorkerPool": _worker_pool,
    "pulumi-python:dynamic:Resource": _dynamic,
}


def is_component(type_: str) -> bool:
    """Component resources (``lago:aws:Database``, the stack) have no provider call of their own.
    Dynamic resources (``pulumi-python:dynamic:Resource``) look alike but are custom resources: the
    program's own process runs them."""
    parts = type_.split(":")
    return len(parts) == 3 and "/" not in parts[1] and parts[1] != "dynamic"


def duration(res: Resource) -> Duration:
    t = res["type"]
    if is_component(t) or t.startswith(("random:", "tls:")):
        return Duration(0, 0, "computed by the engine", "")
    if t in _BY_INPUTS:
        return _BY_INPUTS[t](res)
    return _FIXED.get(t, QUICK)
