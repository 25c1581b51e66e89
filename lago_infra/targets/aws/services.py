"""ECS on Fargate: a cluster, and one service per serving Lago role.

Migrations: every backend task (api, workers, clock) carries the migrate role as a non-essential
first container, and its main container starts only once migrate exits 0 (``dependsOn`` …
``SUCCESS``). So no new backend task ever serves on an unmigrated schema, whichever service ECS
starts first. Two migrations never run at once: Rails wraps ``db:migrate`` in a PostgreSQL
advisory lock (``pg_try_advisory_lock``; lago-api leaves ``advisory_locks`` on), and a second
migrator that finds it taken exits with ``ConcurrentMigrationError``; its task stops and ECS
starts a replacement, whose migrate then finds nothing pending. To keep that race rare, the
worker and clock services also wait, in Pulumi, for the api service to reach a steady state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import pulumi
import pulumi_aws as aws

from ...lago.environment import LagoDeployment, RoleDeployment
from ...lago.roles import Tier
from . import iam
from .containers import MIGRATE_CONTAINER, container, definitions, fargate_size, scratch_volumes
from .edge import LagoEdge
from .security import LagoSecurityGroups
from .settings import Services


@dataclass(frozen=True)
class ServicesArgs:
    settings: Services
    region: str
    subnet_ids: Sequence[pulumi.Input[str]]
    assign_public_ip: bool
    security: LagoSecurityGroups
    edge: LagoEdge
    secret_arns: dict[str, pulumi.Output[str]]
    bucket_arn: pulumi.Input[str]
    #: Created before any service: the NAT routes tasks need to pull images, the secrets.
    prerequisites: Sequence[pulumi.Resource]
    #: Production baseline: the stack's KMS key for the log group, read-only root filesystems.
    kms_key_arn: Optional[pulumi.Input[str]] = None
    read_only_root: bool = False


class LagoServices(pulumi.ComponentResource):
    """Cluster, task definitions, services and autoscaling for every serving role."""

    cluster_name: pulumi.Output[str]
    services: dict[str, aws.ecs.Service]
    """By role name."""
    namespace: str
    """Service Connect namespace: pdf is ``http://pdf:3000`` inside it."""

    def __init__(self, name: str, deployment: LagoDeployment, args: ServicesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:aws:Services", name, None, opts)
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        s = args.settings
        self._logs = aws.cloudwatch.LogGroup(f"{name}-logs", name=f"/lago/{name}", retention_in_days=s.log_retention_days, kms_key_id=args.kms_key_arn, opts=self._child)
        namespace = aws.servicediscovery.HttpNamespace(f"{name}-namespace", name=f"{name}.lago.internal", description="Lago internal services", opts=self._child)
        self._namespace = namespace
        cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            service_connect_defaults=aws.ecs.ClusterServiceConnectDefaultsArgs(namespace=namespace.arn),
            opts=self._child,
        )
        self._cluster = cluster
        self._capacity = aws.ecs.ClusterCapacityProviders(
            f"{name}-capacity",
            cluster_name=cluster.name,
            capacity_providers=["FARGATE", "FARGATE_SPOT"],
            default_capacity_provider_strategies=[aws.ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs(capacity_provider="FARGATE", weight=1)],
            opts=self._child,
        )
        self._task_role = iam.backend_task_role(f"{name}-backend-task", args.bucket_arn, self)
        self.cluster_name = cluster.name
        self.cluster_arn = cluster.arn
        self.namespace = f"{name}.lago.internal"

        migrate = deployment.role("migrate")
        self.services = {}
        # pdf first (api and workers call it), then api, then what waits for the api.
        order = sorted(deployment.serving, key=lambda rd: {"pdf": 0, "api": 1}.get(rd.name, 2))
        for rd in order:
            after: list[pulumi.Resource] = [*args.prerequisites, self._capacity, *args.edge.listeners]
            if rd.role.backend and rd.name != "api":
                after.append(self.services["api"])
            if rd.role.backend:
                after.append(self.services["pdf"])
            self.services[rd.name] = self._service(rd, migrate if rd.role.backend else None, after)
        self.register_outputs({"cluster_name": self.cluster_name})

    # -- one role --------------------------------------------------------------------------------

    def _service(self, rd: RoleDeployment, migrate: Optional[RoleDeployment], after: list[pulumi.Resource]) -> aws.ecs.Service:
        name, a = f"{self._name}-{rd.name}", self._args
        cpu, memory = fargate_size(rd.size.cpu, rd.size.memory)
        log = {"awslogs-group": self._logs.name, "awslogs-region": a.region}
        containers: list[dict[str, Any]] = []
        if migrate is not None:
            containers.append(container(migrate, a.secret_arns, log, name=MIGRATE_CONTAINER, essential=False, read_only_root=a.read_only_root))
        containers.append(container(rd, a.secret_arns, log, depends_on_migrate=migrate is not None, read_only_root=a.read_only_root))
        secret_names = sorted({s for c in containers for s in (e["name"] for e in c["secrets"])})
        execution = iam.execution_role(f"{name}-execution", [a.secret_arns[n] for n in secret_names], self)
        task = aws.ecs.TaskDefinition(
            f"{name}",
            family=name,
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=cpu,
            memory=memory,
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(operating_system_family="LINUX", cpu_architecture=a.settings.cpu_architecture),
            execution_role_arn=execution.arn,
            task_role_arn=self._task_role.arn if rd.role.backend else None,
            container_definitions=definitions(containers),
            volumes=[aws.ecs.TaskDefinitionVolumeArgs(name=v) for v in scratch_volumes(containers)] or None,
            opts=self._child,
        )
        group = _security_group(rd)
        autoscaled = rd.role.autoscaled and rd.max_replicas > rd.min_replicas
        service = aws.ecs.Service(
            f"{name}",
            cluster=self._cluster.arn,
            task_definition=task.arn,
            desired_count=rd.min_replicas,
            capacity_provider_strategies=[aws.ecs.ServiceCapacityProviderStrategyArgs(capacity_provider=self._capacity_provider(rd), weight=1)],
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=list(a.subnet_ids), security_groups=[a.security.groups[group].id], assign_public_ip=a.assign_public_ip
            ),
            load_balancers=self._load_balancers(rd),
            health_check_grace_period_seconds=(rd.role.health.start_period + 60) if rd.role.public else None,
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            # The clock is stopped before its successor starts: two clocks enqueue every job twice.
            deployment_minimum_healthy_percent=0 if rd.role.singleton else 100,
            deployment_maximum_percent=100 if rd.role.singleton else 200,
            service_connect_configuration=self._service_connect(rd),
            propagate_tags="SERVICE",
            enable_execute_command=False,
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
        # Workers only: Sidekiq re-queues a job whose worker was interrupted; a reclaimed clock
        # would skip its schedule and a reclaimed api drops requests.
        spot = self._args.settings.fargate_spot_workers and rd.role.tier is Tier.WORKER
        return "FARGATE_SPOT" if spot else "FARGATE"

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
                namespace=self._namespace.arn,
                services=[
                    aws.ecs.ServiceServiceConnectConfigurationServiceArgs(
                        port_name=rd.name,
                        discovery_name=rd.name,
                        client_alias=[aws.ecs.ServiceServiceConnectConfigurationServiceClientAliasArgs(port=rd.role.port, dns_name=rd.name)],
                    )
                ],
            )
        if rd.role.backend:
            # Client only: resolves pdf through the Service Connect proxy.
            return aws.ecs.ServiceServiceConnectConfigurationArgs(enabled=True, namespace=self._namespace.arn)
        return None

    def _autoscaling(self, name: str, rd: RoleDeployment, service: aws.ecs.Service) -> None:
        target = aws.appautoscaling.Target(
            f"{name}-scaling",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", self._cluster.name, "/", service.name),
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


def _security_group(rd: RoleDeployment) -> str:
    if rd.role.tier is Tier.WORKER:
        return "worker"
    return rd.name
