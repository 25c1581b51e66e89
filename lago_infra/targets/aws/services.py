"""ECS on Fargate: a cluster, one service per serving Lago role, and the migrations that run once
per release before any of them rolls out (``migrations.py``).

Health: ECS replaces a task whose container health check or whose ALB target health check fails,
so both probe the role's liveness (never the database): the api's ``/ready``, not ``/health``,
which runs SQL. A database or Redis failover therefore replaces no task; the worker's probe pings
Redis and is retried across its failure window (``lago.roles``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import pulumi
import pulumi_aws as aws

from ...lago.environment import LagoDeployment, RoleDeployment
from ...lago.roles import Image, Tier
from . import iam, limits, names, tags
from .names import unique_scope
from .containers import after_files, container, definitions, fargate_size, file_mounts, files_container, scratch_volumes
from .database import Bootstrap
from .edge import LagoEdge
from .migrations import MIGRATE_CONTAINER, LagoMigrations
from .secrets_store import version_label
from .security import LagoSecurityGroups
from .settings import Images, Services

#: Lago waits up to 300 s for a PDF (lago-facts); Service Connect's default per-request timeout is 15 s.
PDF_REQUEST_TIMEOUT = 330


@dataclass(frozen=True)
class ServicesArgs:
    settings: Services
    images: Images
    region: str
    subnet_ids: Sequence[pulumi.Input[str]]
    assign_public_ip: bool
    security: LagoSecurityGroups
    edge: LagoEdge
    #: Secret ARN by variable (for IAM) and the version-pinned reference containers read.
    secret_arns: dict[str, pulumi.Output[str]]
    secret_refs: dict[str, pulumi.Output[str]]
    #: The files bucket the backend's task role may use; None with a store of lago:storage.
    bucket_arn: Optional[pulumi.Input[str]]
    #: Created before any service: the NAT routes tasks need to pull images, the secrets.
    prerequisites: Sequence[pulumi.Resource]
    #: What a task needs to pull its image (the network and its NAT routes): all that pdf, which
    #: reads no secret, database or Redis, waits for.
    egress: Sequence[pulumi.Resource] = ()
    #: Unique per project and stack, for the names AWS wants unique per account and region.
    scope: str = field(default_factory=lambda: unique_scope(pulumi.get_project(), pulumi.get_stack()))
    #: Production baseline: the stack's KMS key for the log group, read-only root filesystems.
    kms_key_arn: Optional[pulumi.Input[str]] = None
    read_only_root: bool = False
    #: IAM statements for a KMS key the platform brings, by role kind (``kms.task_grants``).
    key_grants: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: A container the migrate task runs to success before migrating (``database.Bootstrap``).
    before_migrate: Optional[Bootstrap] = None
    #: Parameter Store's version of each entry, which the containers carry as a label (ECS cannot
    #: pin a parameter's version): empty for Secrets Manager, whose references are pinned.
    secret_versions: dict[str, pulumi.Output[str]] = field(default_factory=dict)


class LagoServices(pulumi.ComponentResource):
    """Cluster (unless brought), task definitions, services and autoscaling for every serving role."""

    cluster_name: pulumi.Output[str]
    cluster_arn: pulumi.Output[str]
    services: dict[str, aws.ecs.Service]
    """By role name."""
    namespace_arn: pulumi.Output[str]
    """Service Connect namespace (created or brought): pdf is ``http://pdf:3000`` inside it."""
    task_role_arn: pulumi.Output[str]
    """The backend's identity (the bucket)."""
    execution_role_arns: dict[str, pulumi.Output[str]]
    """The ECS agent's role of each role's task definition (image pull, logs, its secrets)."""

    def __init__(self, name: str, deployment: LagoDeployment, args: ServicesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:aws:Services", name, None, opts)
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        s = args.settings
        # Named per project and stack: two stacks in one account and region never share them.
        self._logs = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/lago/{args.scope}/{name}",
            retention_in_days=s.log_retention_days,
            kms_key_id=args.kms_key_arn,
            opts=self._child,
        )
        if s.existing_namespace_arn is not None:
            self.namespace_arn = pulumi.Output.from_input(s.existing_namespace_arn)
        else:
            namespace = aws.servicediscovery.HttpNamespace(
                f"{name}-namespace",
                name=f"{name}.{args.scope}.lago.internal".lower(),
                description="Lago internal services",
                opts=self._child,
            )
            self.namespace_arn = namespace.arn
        # What every service and the migrations wait for on the cluster's side.
        self._capacity: list[pulumi.Resource] = []
        if s.existing_cluster is not None:
            # The platform's: its capacity providers and Container Insights are its owner's.
            self.cluster_name, self.cluster_arn = _brought_cluster(s.existing_cluster, args.region, self)
        else:
            cluster = aws.ecs.Cluster(
                f"{name}-cluster",
                settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled" if s.container_insights else "disabled")],
                service_connect_defaults=aws.ecs.ClusterServiceConnectDefaultsArgs(namespace=self.namespace_arn),
                opts=self._child,
            )
            self._capacity.append(
                aws.ecs.ClusterCapacityProviders(
                    f"{name}-capacity",
                    cluster_name=cluster.name,
                    capacity_providers=["FARGATE", "FARGATE_SPOT"],
                    default_capacity_provider_strategies=[
                        aws.ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs(capacity_provider="FARGATE", weight=1)
                    ],
                    opts=self._child,
                )
            )
            self.cluster_name, self.cluster_arn = cluster.name, cluster.arn
        self._task_role = iam.backend_task_role(
            f"{name}-backend-task", args.bucket_arn, s.exec, self, grants=args.key_grants.get("backend", ())
        )
        self.task_role_arn = self._task_role.arn
        self.execution_role_arns = {}
        self._images = _ImageSource(f"{name}-images", args.images, args.region, self)

        migrate = deployment.role("migrate")
        migrate_task, migrate_execution = self._task(migrate, container_name=MIGRATE_CONTAINER)
        self.migrations = LagoMigrations(
            f"{name}-migrate",
            cluster_name=self.cluster_name,
            cluster_arn=self.cluster_arn,
            task=migrate_task,
            pass_roles=[migrate_execution.arn, self._task_role.arn],
            subnet_ids=args.subnet_ids,
            # The migrator talks to the database and Redis exactly as the workers do.
            security_group_ids=[args.security.groups["worker"].id],
            assign_public_ip=args.assign_public_ip,
            log_group=self._logs,
            region=args.region,
            after=[*args.prerequisites, *self._capacity, *self._images.rules],
            opts=self._child,
        )
        self.services = {}
        # pdf first: the backend roles call it through Service Connect, whose clients only reach
        # endpoints registered before their tasks start. Everything else starts side by side once
        # the release's migrations are done (no task migrates, so none waits for the api).
        order = sorted(deployment.serving, key=lambda rd: rd.name != "pdf")
        for rd in order:
            if rd.name in args.edge.target_groups and not args.edge.serving:
                continue  # phase one of certificate validation: no listener takes its target group yet
            needs = args.prerequisites if rd.role.backend or rd.role.image is Image.FRONT else args.egress or args.prerequisites
            after: list[pulumi.Resource] = [*needs, *self._capacity, *self._images.rules, *args.edge.attachments.get(rd.name, [])]
            if rd.role.backend or rd.role.image is Image.FRONT:
                # A new release's api, workers, clock and front start only on a migrated schema.
                after.append(self.migrations.done)
            if rd.role.backend:
                after.append(self.services["pdf"])
            self.services[rd.name] = self._service(rd, after)
        self.register_outputs({"cluster_name": self.cluster_name, "cluster_arn": self.cluster_arn})

    # -- one role --------------------------------------------------------------------------------

    def _task(self, rd: RoleDeployment, container_name: Optional[str] = None) -> tuple[aws.ecs.TaskDefinition, iam.GrantedRole]:
        name, a = f"{self._name}-{rd.name}", self._args
        cpu, memory = fargate_size(rd.size.cpu, rd.size.memory)
        log = {"awslogs-group": self._logs.name, "awslogs-region": a.region}
        image = self._images.reference(rd)
        spec = container(
            rd, a.secret_refs, log, image=image, repository_credentials=self._images.credentials, read_only_root=a.read_only_root
        )
        # The role's files (the database's CA bundle) written first, by the role's own image.
        files = files_container(rd, log, image=image, repository_credentials=self._images.credentials, read_only_root=a.read_only_root)
        specs = [spec, *([files] if files else [])]
        secret_arns = [a.secret_arns[n] for n in rd.env.secret_names]
        if container_name:
            spec["name"] = container_name
            if a.before_migrate is not None:
                image, credentials = self._images.official(a.before_migrate.image)
                first = a.before_migrate.container(log, image=image, repository_credentials=credentials)
                if a.before_migrate.reads_ca:
                    # The bootstrap verifies the server as the roles do, with the same CA file.
                    first["mountPoints"] = file_mounts(rd)
                    first["dependsOn"] = after_files(rd)
                spec["dependsOn"] = [*spec.get("dependsOn", []), {"containerName": first["name"], "condition": "SUCCESS"}]
                specs = [first, spec, *([files] if files else [])]
                secret_arns += a.before_migrate.secret_arns
        version_label(specs, a.secret_versions)
        execution = iam.execution_role(
            f"{name}-execution",
            secret_arns,
            self._images.execution_grants,
            self,
            key_grants=a.key_grants.get("execution", ()),
            region=a.region,
        )
        self.execution_role_arns[rd.name] = execution.arn
        task = aws.ecs.TaskDefinition(
            f"{name}",
            family=f"{a.scope}-{name}",
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=cpu,
            memory=memory,
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture=a.settings.cpu_architecture
            ),
            execution_role_arn=execution.arn,
            task_role_arn=self._task_role.arn if rd.role.backend else None,
            container_definitions=definitions(specs),
            volumes=[aws.ecs.TaskDefinitionVolumeArgs(name=v) for v in scratch_volumes(specs)] or None,
            tags=tags.role(rd.name),
            # IAM is eventually consistent: the roles' rights exist before anything uses the task.
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[*execution.policies, *(self._task_role.policies if rd.role.backend else ())]
            ),
        )
        return task, execution

    def _service(self, rd: RoleDeployment, after: list[pulumi.Resource]) -> aws.ecs.Service:
        name, a = f"{self._name}-{rd.name}", self._args
        task, _ = self._task(rd)
        group = _security_group(rd)
        autoscaled = rd.role.autoscaled and rd.max_replicas > rd.min_replicas
        service = aws.ecs.Service(
            f"{name}",
            cluster=self.cluster_arn,
            task_definition=task.arn,
            desired_count=rd.min_replicas,
            capacity_provider_strategies=[
                aws.ecs.ServiceCapacityProviderStrategyArgs(capacity_provider=self._capacity_provider(rd), weight=1)
            ],
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=list(a.subnet_ids), security_groups=[a.security.groups[group].id], assign_public_ip=a.assign_public_ip
            ),
            load_balancers=self._load_balancers(rd),
            health_check_grace_period_seconds=(rd.role.liveness.start_period + 60) if rd.role.public and rd.role.liveness else None,
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            # The clock is stopped before its successor starts: two clocks enqueue every job twice.
            deployment_minimum_healthy_percent=0 if rd.role.singleton else 100,
            deployment_maximum_percent=100 if rd.role.singleton else 200,
            service_connect_configuration=self._service_connect(rd),
            # Tasks carry the service's tags (lago-stack, lago-role, lago:tags).
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            enable_execute_command=a.settings.exec and rd.role.backend,
            tags=tags.role(rd.name),
            # `pulumi up` returns once new tasks serve (or the circuit breaker rolled back).
            wait_for_steady_state=True,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=after,
                # Once the autoscaler owns the count, an update must not reset it.
                ignore_changes=["desiredCount"] if autoscaled else None,
            ),
        )
        if autoscaled:
            self._autoscaling(name, rd, service)
        return service

    def _capacity_provider(self, rd: RoleDeployment) -> str:
        # ``workers``: Sidekiq re-queues a job whose worker was interrupted. ``all`` adds the roles
        # whose interruption is an outage until ECS replaces the task (a reclaimed clock skips its
        # ticks meanwhile, a reclaimed api or front drops requests): a dev stack's trade.
        spot = self._args.settings.fargate_spot
        on_spot = spot == "all" or (spot == "workers" and rd.role.tier is Tier.WORKER)
        return "FARGATE_SPOT" if on_spot else "FARGATE"

    def _load_balancers(self, rd: RoleDeployment) -> Optional[list[aws.ecs.ServiceLoadBalancerArgs]]:
        group = self._args.edge.target_groups.get(rd.name)
        if group is None:
            return None
        return [aws.ecs.ServiceLoadBalancerArgs(target_group_arn=group.arn, container_name=rd.name, container_port=rd.role.port)]

    def _service_connect(self, rd: RoleDeployment) -> Optional[aws.ecs.ServiceServiceConnectConfigurationArgs]:
        if rd.name == "pdf":
            # Published as pdf:3000 in the namespace; reachable only where its security group allows.
            return aws.ecs.ServiceServiceConnectConfigurationArgs(
                enabled=True,
                namespace=self.namespace_arn,
                services=[
                    aws.ecs.ServiceServiceConnectConfigurationServiceArgs(
                        port_name=rd.name,
                        discovery_name=rd.name,
                        client_alias=[
                            aws.ecs.ServiceServiceConnectConfigurationServiceClientAliasArgs(port=rd.role.port, dns_name=rd.name)
                        ],
                        # A PDF may take Lago's whole 300 s wait; the proxy must not cut it at 15 s.
                        timeout=aws.ecs.ServiceServiceConnectConfigurationServiceTimeoutArgs(
                            per_request_timeout_seconds=PDF_REQUEST_TIMEOUT
                        ),
                    )
                ],
            )
        if rd.role.backend:
            # Client only: resolves pdf through the Service Connect proxy.
            return aws.ecs.ServiceServiceConnectConfigurationArgs(enabled=True, namespace=self.namespace_arn)
        return None

    def _autoscaling(self, name: str, rd: RoleDeployment, service: aws.ecs.Service) -> None:
        target = aws.appautoscaling.Target(
            f"{name}-scaling",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", self.cluster_name, "/", service.name),
            min_capacity=rd.min_replicas,
            max_capacity=rd.max_replicas,
            opts=pulumi.ResourceOptions(parent=service),
        )
        aws.appautoscaling.Policy(
            f"{name}-cpu",
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                target_value=self._args.settings.cpu_target,
                predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type="ECSServiceAverageCPUUtilization"
                ),
                scale_in_cooldown=300,
                scale_out_cooldown=60,
            ),
            opts=pulumi.ResourceOptions(parent=service),
        )


class _ImageSource:
    """Where tasks pull from: Docker Hub (with credentials when given) or an ECR pull-through
    cache of it; references pinned by digest when ``lago:aws.images.digests`` says so."""

    def __init__(self, name: str, settings: Images, region: str, parent: pulumi.Resource):
        self._settings = settings
        self._registry: Optional[str] = None
        self.credentials: Optional[str] = None
        #: The pull-through cache rule: every pull through it waits for it.
        self.rules: list[pulumi.Resource] = []
        #: Extra statements the execution role needs.
        self.execution_grants: list[dict[str, Any]] = []
        arn = settings.docker_hub_credentials_arn
        if settings.pull_through_cache and arn is None:
            pulumi.log.warn(
                "lago:aws.images.pullThroughCache is on but lago:aws.images.dockerHubCredentialsArn is unset: ECR's Docker Hub "
                "cache needs credentials, so tasks pull anonymously from Docker Hub (rate-limited per NAT address). "
                "Set dockerHubCredentialsArn to a secret named ecr-pullthroughcache/<name> holding username and password.",
                resource=parent,
            )
        elif settings.pull_through_cache:
            prefix = names.account_wide(name, limits.ECR_REPOSITORY_PREFIX_MAX, lower=True)
            self.rules.append(
                aws.ecr.PullThroughCacheRule(
                    name,
                    ecr_repository_prefix=prefix,
                    upstream_registry_url="registry-1.docker.io",
                    credential_arn=arn,
                    opts=pulumi.ResourceOptions(parent=parent),
                )
            )
            account = aws.get_caller_identity(opts=pulumi.InvokeOptions(parent=parent)).account_id
            self._registry = f"{account}.dkr.ecr.{region}.amazonaws.com/{prefix}"
            # The first pull of an image creates its repository and imports it from upstream.
            self.execution_grants.append(
                {"Effect": "Allow", "Action": ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"], "Resource": "*"}
            )
        elif arn:
            self.credentials = arn
            self.execution_grants.append({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": arn})

    def official(self, image: str) -> tuple[str, Optional[str]]:
        """Where a task pulls one of Docker's official images (``postgres:15-alpine``), and the
        credentials to pull it with: through the pull-through cache when there is one, from
        Docker Hub with the stack's credentials when given, else from ECR Public's copy of
        Docker's official images, so no task pulls Docker Hub anonymously for it."""
        if self._registry:
            return f"{self._registry}/library/{image}", None
        if self.credentials:
            return image, self.credentials
        return f"{limits.ECR_PUBLIC_DOCKER_OFFICIAL}/{image}", None

    def reference(self, rd: RoleDeployment) -> str:
        image = rd.image
        digest = self._settings.digests.get(rd.role.image.value)
        if digest:
            image = f"{image.rsplit(':', 1)[0] if ':' in image.split('/')[-1] else image}@{digest}"
        if self._registry:
            # Docker Hub's official images live under library/; Lago's are under getlago/.
            path = image if "/" in image.split("@")[0].split(":")[0] else f"library/{image}"
            image = f"{self._registry}/{path}"
        return image


def _brought_cluster(ref: pulumi.Input[str], region: str, parent: pulumi.Resource) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
    """Name and ARN of a cluster given by either: autoscaling ids and alarm dimensions take the
    name, the crash events and the runner's IAM condition the ARN. A name is completed into the
    ARN with the provider's account and partition (the caller identity, through the parent)."""
    identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent))

    def arn(value: str, caller_arn: str, account: str) -> str:
        if value.startswith("arn:"):
            return value
        return f"arn:{caller_arn.split(':')[1]}:ecs:{region}:{account}:cluster/{value}"

    value = pulumi.Output.from_input(ref)
    return value.apply(lambda v: v.rsplit("/", 1)[-1]), pulumi.Output.all(value, identity.arn, identity.account_id).apply(lambda a: arn(*a))


def _security_group(rd: RoleDeployment) -> str:
    if rd.role.tier is Tier.WORKER:
        return "worker"
    return rd.name
