"""Lago's roles on Cloud Run v2: a job for migrations, services for HTTP roles, worker pools for
Sidekiq workers and the clock.

Services, worker pools and jobs take the same container shape under different class names
(``ServiceTemplateContainerArgs``, ``WorkerPoolTemplateContainerArgs``,
``JobTemplateTemplateContainerArgs``); ``_Kind`` names the prefix once and every builder below
serves all three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random

from ...lago.environment import RoleDeployment
from .secrets_store import SecretRef

#: Cloud Run sets PORT itself (to the container port) and refuses it as a user variable.
_PLATFORM_VARIABLES = frozenset({"PORT"})

#: Cloud Run fills or rewrites these after every deploy made with another client (gcloud, the
#: console) or when a resource graduates from a preview stage; left to the provider they would
#: show a change on every ``pulumi up``.
IGNORED_CHANGES = ["client", "clientVersion", "launchStage"]


@dataclass(frozen=True)
class _Kind:
    prefix: str
    #: Preview stage the resource kind needs at create time.
    launch_stage: str

    def args(self, suffix: str, **kwargs: Any) -> Any:
        return getattr(gcp.cloudrunv2, f"{self.prefix}{suffix}Args")(**kwargs)


SERVICE = _Kind("ServiceTemplate", "GA")
# Worker pools are a preview API in the provider's version; BETA is accepted for GA features
# too, and IGNORED_CHANGES keeps the stage read back from causing a diff.
WORKER_POOL = _Kind("WorkerPoolTemplate", "BETA")
JOB = _Kind("JobTemplateTemplate", "GA")


@dataclass(frozen=True)
class RunContext:
    """What every role shares."""

    project: str
    region: str
    service_account_email: pulumi.Input[str]
    network_id: pulumi.Input[str]
    subnetwork_id: pulumi.Input[str]
    secrets: Mapping[str, SecretRef]
    labels: Mapping[str, str]
    #: IAM grants, database and network the roles need before their first instance starts.
    depends_on: Sequence[pulumi.Resource] = field(default_factory=tuple)


def cloud_run_size(cpu: float, memory: int) -> dict[str, str]:
    """Resource limits Cloud Run accepts for an always-on container. Below one vCPU Cloud Run
    demands request-only CPU and a concurrency of 1, which no Lago role can live with, so
    fractional sizes round up to 1 vCPU; 4 and 8 vCPU need 2 and 4 GiB at least."""
    vcpu = max(1, int(cpu))
    floor = {4: 2048, 8: 4096}.get(vcpu, 0)
    return {"cpu": str(vcpu), "memory": f"{max(memory, floor)}Mi"}


def _env(kind: _Kind, rd: RoleDeployment, refs: Mapping[str, SecretRef], port: Optional[int]) -> list[Any]:
    env = []
    for name, value in sorted(rd.env.plain.items()):
        if name in _PLATFORM_VARIABLES:
            if port is None or str(value) != str(port):
                raise ValueError(f"{rd.name}: {name}={value} differs from the port Cloud Run gives the container ({port})")
            continue
        env.append(kind.args("ContainerEnv", name=name, value=value))
    for name in sorted(rd.env.secret):
        ref = refs[name]
        source = kind.args(
            "ContainerEnvValueSource",
            secret_key_ref=kind.args("ContainerEnvValueSourceSecretKeyRef", secret=ref.secret_id, version=ref.version),
        )
        env.append(kind.args("ContainerEnv", name=name, value_source=source))
    return env


def _probe(kind: _Kind, rd: RoleDeployment, which: str) -> Any:
    health = rd.role.health
    if health is None:
        return None
    # Cloud Run caps a startup probe at 240 s; the catalogue's start period is the grace needed.
    return kind.args(
        which,
        http_get=kind.args(f"{which}HttpGet", path=health.path, port=health.port),
        initial_delay_seconds=0,
        period_seconds=10,
        timeout_seconds=5,
        failure_threshold=max(3, health.start_period // 10 + 3),
    )


def _vpc(kind: _Kind, ctx: RunContext) -> Any:
    # Direct VPC egress, all traffic: Cloud SQL and Memorystore are private, and the internal-only
    # pdf service accepts only requests that arrive through the VPC.
    return kind.args(
        "VpcAccess",
        egress="ALL_TRAFFIC",
        network_interfaces=[kind.args("VpcAccessNetworkInterface", network=ctx.network_id, subnetwork=ctx.subnetwork_id)],
    )


def _container(kind: _Kind, rd: RoleDeployment, ctx: RunContext, **extra: Any) -> Any:
    port = rd.role.port if kind is SERVICE else None
    return kind.args(
        "Container",
        name=rd.name,
        image=rd.image,
        # The catalogue's command is the full argv: Cloud Run's `commands` replaces the entrypoint.
        commands=rd.command or None,
        envs=_env(kind, rd, ctx.secrets, port),
        resources=kind.args("ContainerResources", limits=cloud_run_size(rd.size.cpu, rd.size.memory), **extra.pop("resources", {})),
        **extra,
    )


def _opts(parent: pulumi.Resource, depends_on: Sequence[pulumi.Resource]) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on), ignore_changes=IGNORED_CHANGES)


def _labels(ctx: RunContext, rd: RoleDeployment) -> dict[str, str]:
    return {**ctx.labels, "lago-role": rd.name}


def _common(kind: _Kind, name: str, rd: RoleDeployment, ctx: RunContext) -> dict[str, Any]:
    """Arguments every Cloud Run resource takes alike. Stateless, so no deletion protection
    (the provider's default of true would fail every destroy)."""
    return dict(
        name=name,
        project=ctx.project,
        location=ctx.region,
        launch_stage=kind.launch_stage,
        deletion_protection=False,
        labels=_labels(ctx, rd),
    )


def migration_job(name: str, parent: pulumi.Resource, rd: RoleDeployment, ctx: RunContext) -> gcp.cloudrunv2.Job:
    """A job that runs once per release and must succeed before anything that depends on it.

    ``run_execution_token`` makes the provider start an execution when the job is created or the
    token changes, and wait until it completes: a failed migration fails the update there, and
    no service or worker pool (all of which depend on the job) rolls to the new release. The
    token is regenerated whenever the image changes, i.e. once per release."""
    token = random.RandomId(
        f"{name}-token",
        byte_length=4,
        keepers={"image": rd.image, "command": " ".join(rd.command)},
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return gcp.cloudrunv2.Job(
        name,
        **_common(JOB, name, rd, ctx),
        run_execution_token=token.hex,
        template=gcp.cloudrunv2.JobTemplateArgs(
            # One task, never in parallel: two migrations never race (and Rails holds a
            # PostgreSQL advisory lock around db:migrate besides).
            task_count=1,
            parallelism=1,
            labels=_labels(ctx, rd),
            template=gcp.cloudrunv2.JobTemplateTemplateArgs(
                service_account=ctx.service_account_email,
                # A failed migration is for a human to read, not to retry blindly.
                max_retries=0,
                timeout="1800s",
                vpc_access=_vpc(JOB, ctx),
                containers=[_container(JOB, rd, ctx)],
            ),
        ),
        opts=_opts(parent, ctx.depends_on),
    )


def http_service(
    name: str,
    parent: pulumi.Resource,
    rd: RoleDeployment,
    ctx: RunContext,
    *,
    ingress: str,
    min_instances: int,
    depends_on: Sequence[pulumi.Resource],
) -> gcp.cloudrunv2.Service:
    """api, front or pdf: a request-driven service that autoscales between its bounds."""
    return gcp.cloudrunv2.Service(
        name,
        **_common(SERVICE, name, rd, ctx),
        ingress=ingress,
        # No IAM check on calls: browsers and Lago's backend send no Google identity token.
        # Who may reach the service is decided by `ingress` instead.
        invoker_iam_disabled=True,
        template=gcp.cloudrunv2.ServiceTemplateArgs(
            labels=_labels(ctx, rd),
            service_account=ctx.service_account_email,
            execution_environment="EXECUTION_ENVIRONMENT_GEN2",
            # Lago's api streams ActionCable WebSockets; they live at most this long per request.
            timeout="3600s",
            scaling=gcp.cloudrunv2.ServiceTemplateScalingArgs(min_instance_count=min_instances, max_instance_count=rd.max_replicas),
            vpc_access=_vpc(SERVICE, ctx),
            containers=[
                _container(
                    SERVICE,
                    rd,
                    ctx,
                    ports=gcp.cloudrunv2.ServiceTemplateContainerPortsArgs(container_port=rd.role.port),
                    startup_probe=_probe(SERVICE, rd, "ContainerStartupProbe"),
                    resources={"startup_cpu_boost": True},
                )
            ],
        ),
        opts=_opts(parent, depends_on),
    )


def worker_pool(name: str, parent: pulumi.Resource, rd: RoleDeployment, ctx: RunContext, depends_on: Sequence[pulumi.Resource]):
    """A Sidekiq worker or the clock: no HTTP traffic, a fixed number of always-on instances
    (``min_replicas``: exactly one for the clock)."""
    return gcp.cloudrunv2.WorkerPool(
        name,
        **_common(WORKER_POOL, name, rd, ctx),
        scaling=gcp.cloudrunv2.WorkerPoolScalingArgs(scaling_mode="MANUAL", manual_instance_count=rd.min_replicas),
        template=gcp.cloudrunv2.WorkerPoolTemplateArgs(
            labels=_labels(ctx, rd),
            service_account=ctx.service_account_email,
            vpc_access=_vpc(WORKER_POOL, ctx),
            containers=[
                _container(
                    WORKER_POOL,
                    rd,
                    ctx,
                    startup_probe=_probe(WORKER_POOL, rd, "ContainerStartupProbe"),
                    liveness_probe=_probe(WORKER_POOL, rd, "ContainerLivenessProbe"),
                )
            ],
        ),
        opts=_opts(parent, depends_on),
    )
