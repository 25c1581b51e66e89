"""Lago's roles on Cloud Run v2: a job for migrations, services for HTTP roles, worker pools for
Sidekiq workers and the clock.

Services, worker pools and jobs take the same container shape under different class names
(``ServiceTemplateContainerArgs``, ``WorkerPoolTemplateContainerArgs``,
``JobTemplateTemplateContainerArgs``); ``_Kind`` names the prefix once and every builder below
serves all three.
"""

from __future__ import annotations

import asyncio
import hashlib
import posixpath
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random

from ...lago import together
from ...lago.environment import RoleDeployment
from ...lago.migrate import DATABASE_WAIT_S
from ...lago.roles import HealthCheck
from . import limits
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
# Worker pools are GA; BETA admits GA features too and covers a probe or volume still in
# preview, and IGNORED_CHANGES keeps the stage read back from causing a diff.
WORKER_POOL = _Kind("WorkerPoolTemplate", "BETA")
JOB = _Kind("JobTemplateTemplate", "GA")


@dataclass(frozen=True)
class RunContext:
    """What every role shares."""

    project: str
    region: str
    #: Identity per role class: "backend" (every role running Lago's Rails code), "front", "pdf".
    service_accounts: Mapping[str, pulumi.Input[str]]
    network_id: pulumi.Input[str]
    subnetwork_id: pulumi.Input[str]
    secrets: Mapping[str, SecretRef]
    labels: Mapping[str, str]
    #: The roles' files (``RoleDeployment.files``) by path: the secret holding each.
    files: Mapping[str, SecretRef] = field(default_factory=dict)
    #: Each role's image reference (Docker Hub's, or the remote repository's; pinned or not).
    image: Callable[[RoleDeployment], pulumi.Input[str]] = lambda rd: rd.image
    #: IAM grants, database and network the roles need before their first instance starts.
    depends_on: Sequence[pulumi.Resource] = field(default_factory=tuple)
    #: Direct VPC egress (``limits.RUN_EGRESS``): all traffic through the VPC and its NAT, or private
    #: ranges only (``lago:gcp.network.nat`` off).
    egress: str = limits.RUN_EGRESS[True]


def role_files(deployment) -> dict[str, tuple[str, pulumi.Input[str]]]:
    """Every file a role reads, by the Secret Manager key that holds it: (path, content)."""
    files: dict[str, tuple[str, pulumi.Input[str]]] = {}
    for rd in deployment.roles:
        for path, content in rd.files.items():
            key = "FILE_" + re.sub(r"[^A-Z0-9]", "_", posixpath.basename(path).upper())
            files.setdefault(key, (path, content))
    return files


def _file_volumes(kind: _Kind, rd: RoleDeployment, ctx: RunContext) -> tuple[Optional[list[Any]], Optional[list[Any]]]:
    """``rd``'s files as Secret Manager volumes: one per directory (Cloud Run mounts a volume
    whole, hiding what the image has there), each file an item at its pinned version; and the
    container's mounts of them. (None, None) for a role that reads no file."""
    if not rd.files:
        return None, None
    volumes, mounts = [], []
    for directory in sorted({posixpath.dirname(p) for p in rd.files}):
        name = "files" + directory.replace("/", "-")
        inside = sorted(p for p in rd.files if posixpath.dirname(p) == directory)
        secrets = {ctx.files[p].secret_id for p in inside}
        assert len(secrets) == 1, "one secret per directory: Cloud Run mounts one secret a volume"
        ref = ctx.files[inside[0]]
        items = [kind.args("VolumeSecretItem", path=posixpath.basename(p), version=ctx.files[p].version) for p in inside]
        volumes.append(kind.args("Volume", name=name, secret=kind.args("VolumeSecret", secret=ref.secret_id, items=items)))
        mounts.append(kind.args("ContainerVolumeMount", name=name, mount_path=directory))
    return volumes, mounts


def cloud_run_size(cpu: float, memory: int) -> dict[str, str]:
    """Resource limits for a role; the target's pre-flight has refused pairs Cloud Run rejects
    (``limits.run_size_problem``)."""
    return {"cpu": str(limits.run_vcpu(cpu)), "memory": f"{memory}Mi"}


def account_class(rd: RoleDeployment) -> str:
    """Which service account a role runs as: every Rails role shares the backend's (secrets and
    the bucket); front and pdf each have their own with no grant at all."""
    return "backend" if rd.role.backend else rd.name


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


_PROBE_PERIOD_S = 10


def _probe(kind: _Kind, which: str, check: HealthCheck, seconds: int) -> Any:
    """An HTTP probe that acts after ``seconds`` of consecutive failure."""
    return kind.args(
        f"Container{which}Probe",
        http_get=kind.args(f"Container{which}ProbeHttpGet", path=check.path, port=check.port),
        initial_delay_seconds=0,
        period_seconds=_PROBE_PERIOD_S,
        timeout_seconds=5,
        failure_threshold=max(1, seconds // _PROBE_PERIOD_S),
    )


def _startup_probe(kind: _Kind, rd: RoleDeployment) -> Any:
    """Readiness: the instance takes traffic once it answers (the api's /health runs SQL, which
    is what "ready" means). Cloud Run caps the whole startup probe at 240 s."""
    check = rd.role.readiness or rd.role.liveness
    if check is None:
        return None
    return _probe(kind, "Startup", check, min(limits.RUN_STARTUP_PROBE_MAX_S, check.start_period + check.failure_window))


def _liveness_probe(kind: _Kind, rd: RoleDeployment) -> Any:
    """Liveness: restart the instance only when the process itself is stuck. It never touches
    the database, so a Cloud SQL or Memorystore failover does not restart every instance."""
    check = rd.role.liveness
    return None if check is None else _probe(kind, "Liveness", check, check.failure_window)


def _vpc(kind: _Kind, ctx: RunContext) -> Any:
    # Direct VPC egress: Cloud SQL and Memorystore are private, and the internal-only pdf service
    # accepts only requests that arrive through the VPC (all traffic, or private ranges with the
    # run.app zone that routes run.app hosts through it, network.LagoNetwork).
    return kind.args(
        "VpcAccess",
        egress=ctx.egress,
        network_interfaces=[kind.args("VpcAccessNetworkInterface", network=ctx.network_id, subnetwork=ctx.subnetwork_id)],
    )


def _container(
    kind: _Kind,
    rd: RoleDeployment,
    ctx: RunContext,
    args: Optional[pulumi.Input[list[str]]] = None,
    size: Optional[dict] = None,
    **extra: Any,
) -> Any:
    """``rd``'s container; ``args`` and ``size`` replace its command and limits (two roles in one)."""
    port = rd.role.port if kind is SERVICE else None
    _, mounts = _file_volumes(kind, rd, ctx)
    return kind.args(
        "Container",
        name=rd.name,
        image=ctx.image(rd),
        # The catalogue's command is what `docker run IMAGE COMMAND` takes: it replaces the image's
        # CMD and keeps its ENTRYPOINT (Gotenberg's tini, which reaps Chromium's orphans). On
        # Cloud Run that is `args`; `commands` would replace the entrypoint.
        args=args if args is not None else (list(rd.command) or None),
        envs=_env(kind, rd, ctx.secrets, port),
        resources=kind.args("ContainerResources", limits=size or cloud_run_size(rd.size.cpu, rd.size.memory), **extra.pop("resources", {})),
        volume_mounts=mounts,
        **extra,
    )


def _opts(parent: pulumi.Resource, depends_on: Sequence[pulumi.Input[pulumi.Resource]], **more: Any) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on), ignore_changes=IGNORED_CHANGES, **more)


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


# -- migrations ------------------------------------------------------------------------------------

#: The migration task's timeout, and how often a failed attempt is tried again.
MIGRATION_TASK_TIMEOUT_S = 1800
MIGRATION_RETRIES = 1
#: The provider waits for the execution `run_execution_token` starts; its default create/update
#: timeout is 20 minutes. Every attempt, each waiting for the database first (the migrate role's
#: wrapper, ``lago.migrate``), plus a margin.
MIGRATION_PROVIDER_TIMEOUT_S = (MIGRATION_RETRIES + 1) * (MIGRATION_TASK_TIMEOUT_S + DATABASE_WAIT_S) + 600
#: How often the migration gate reads the job while an execution still runs.
GATE_POLL_S = 15

SUCCEEDED, RUNNING, FAILED = "succeeded", "running", "failed"


def migration_outcome(job: Any, token: str) -> tuple[str, str]:
    """What a ``cloudrunv2.get_job`` result says of the execution ``token`` started: SUCCEEDED,
    RUNNING or FAILED, and why. With ``run_execution_token`` the job is Ready once that execution
    succeeded (the API's Job.runExecutionToken); a failed one leaves it not Ready."""
    live_token = getattr(job, "run_execution_token", None) or ""
    if live_token != token:
        return FAILED, f"the live job carries the token {live_token!r}, not this release's {token!r} (changed outside Pulumi?)"
    ready = next((c for c in getattr(job, "terminal_conditions", None) or [] if c.type == "Ready"), None)
    execution = next((e for e in getattr(job, "latest_created_executions", None) or [] if (e.name or "").endswith(f"-{token}")), None)
    if getattr(job, "reconciling", False) or ready is None or ready.state in ("CONDITION_PENDING", "CONDITION_RECONCILING"):
        return RUNNING, "the job is still reconciling"
    if execution is not None and not execution.completion_time:
        return RUNNING, f"execution {execution.name} has not finished"
    if ready.state == "CONDITION_SUCCEEDED":
        return SUCCEEDED, ""
    which = f"execution {execution.name}" if execution is not None else "the execution"
    return FAILED, f"{which} did not succeed ({ready.reason or ready.state}: {ready.message or 'no message'})"


@dataclass(frozen=True)
class LiveMigration:
    """What the live job says about the last migration (None from ``live_migration``: no job yet)."""

    #: The token the live job was last given.
    token: str
    #: The job is Ready: its last execution succeeded.
    succeeded: bool
    #: Name of the last execution that finished, if any.
    last_execution: Optional[str]


def live_migration(project: str, region: str, name: str, parent: pulumi.Resource) -> Optional[LiveMigration]:
    try:
        # Through the component's provider, as every invoke of the target.
        job = gcp.cloudrunv2.get_job(name=name, project=project, location=region, opts=pulumi.InvokeOptions(parent=parent))
    except Exception:  # not created yet (or not readable): nothing to compare with
        return None
    if not job.run_execution_token:
        return None
    finished = [e.name for e in (job.latest_created_executions or []) if e.completion_time]
    succeeded = migration_outcome(job, job.run_execution_token)[0] == SUCCEEDED
    return LiveMigration(job.run_execution_token, succeeded, finished[0] if finished else None)


def execution_token(release_token: pulumi.Output[str], live: Optional[LiveMigration]) -> pulumi.Output[str]:
    """The token that starts an execution exactly when one is due.

    ``release_token`` changes once per release (image or command). With ``run_execution_token`` the
    job is Ready only once its execution succeeded; after a failed migration the release token is
    unchanged, so on its own the next ``pulumi up`` would start no execution and roll every service
    forward onto an unmigrated database. So: after a failed execution, the release token plus a
    suffix naming that execution (a new execution runs first); once a retry of this release has
    succeeded, the live token as it is (nothing runs twice)."""

    def choose(release: str) -> str:
        if live is None or not live.token.startswith(release):
            return release
        if not live.succeeded and live.last_execution:
            return f"{release}-{hashlib.sha256(live.last_execution.encode()).hexdigest()[:6]}"
        return live.token

    return release_token.apply(choose)


class MigrationGate:
    """The job, once the program has read that its execution of this token succeeded: what every
    role that runs the new release waits for (``wait()`` goes into its ``depends_on``).

    The provider (terraform-provider-google, ``resource_cloud_run_v2_job.go``,
    ``resourceCloudRunV2JobCreate`` / ``resourceCloudRunV2JobUpdate``) sends the token with the job
    and waits on the long-running operation the API returns (``CloudRunV2OperationWaitTime``,
    ``tpgresource.OperationWait``), failing only if that operation carries an error. It never
    reads the execution itself, and Google documents only that the job "will become ready when
    the execution is successfully completed". So the outcome is not left to the operation: after
    the job's create or update, the program reads the job (``cloudrunv2.get_job``) until the
    execution has finished, and stops ``pulumi up`` with the execution's name unless it succeeded.
    A preview reads nothing (nothing ran)."""

    def __init__(self, job: gcp.cloudrunv2.Job, name: str, ctx: RunContext, parent: pulumi.Resource):
        self._job = job
        self._name, self._ctx = name, ctx

        async def read(token: str) -> Optional[str]:
            """None once the execution succeeded, else why not (read once for every role)."""
            if pulumi.runtime.is_dry_run():
                return None
            deadline = time.monotonic() + MIGRATION_PROVIDER_TIMEOUT_S
            while True:
                live = await pulumi.runtime.invoke_async(
                    "gcp:cloudrunv2/getJob:getJob",
                    {"name": name, "project": ctx.project, "location": ctx.region},
                    # Through the component's provider, as every invoke of the target.
                    opts=pulumi.InvokeOptions(parent=parent),
                    typ=gcp.cloudrunv2.GetJobResult,
                )
                state, why = migration_outcome(live, token)
                if state == SUCCEEDED:
                    return None
                if state == FAILED or time.monotonic() > deadline:
                    return why
                await asyncio.sleep(GATE_POLL_S)

        self._outcome = job.run_execution_token.apply(read)

    def wait(self) -> pulumi.Output[gcp.cloudrunv2.Job]:
        """For one role's ``depends_on``: the job, or the program stops with why. Each role gets
        its own error (one error object raised for every role would be chained to itself)."""

        def passed(why: Optional[str]) -> gcp.cloudrunv2.Job:
            if why is None:
                return self._job
            raise pulumi.RunError(
                f"Lago's migrations did not succeed, so no role rolls to this release: {why}. See its logs with "
                f"`gcloud run jobs executions list --job {self._name} --region {self._ctx.region} --project {self._ctx.project}`; "
                "fix the cause and run `pulumi up` again (a new execution runs first)."
            )

        return self._outcome.apply(passed)


def migration_job(name: str, parent: pulumi.Resource, rd: RoleDeployment, ctx: RunContext) -> gcp.cloudrunv2.Job:
    """A job that runs once per release and must succeed before anything that depends on it.

    ``run_execution_token`` makes the provider start an execution when the job is created or the
    token changes; ``MigrationGate`` then holds every role until that execution succeeded. The
    token is ``execution_token``'s: new per release and after a failed execution."""
    release = random.RandomId(
        f"{name}-token",
        byte_length=4,
        keepers={"image": rd.image, "command": " ".join(rd.command)},
        opts=pulumi.ResourceOptions(parent=parent),
    )
    timeout = f"{MIGRATION_PROVIDER_TIMEOUT_S}s"
    return gcp.cloudrunv2.Job(
        name,
        **_common(JOB, name, rd, ctx),
        run_execution_token=execution_token(release.hex, live_migration(ctx.project, ctx.region, name, parent)),
        template=gcp.cloudrunv2.JobTemplateArgs(
            # One task, never in parallel, attempts one after another: two migrations never run
            # at once (and Rails holds a PostgreSQL advisory lock around db:migrate besides, so
            # even a stray manual execution waits or fails instead of racing).
            task_count=1,
            parallelism=1,
            labels=_labels(ctx, rd),
            template=gcp.cloudrunv2.JobTemplateTemplateArgs(
                service_account=ctx.service_accounts[account_class(rd)],
                # One more attempt for a connection dropped mid-way; each Rails migration runs
                # in its own transaction, so an attempt resumes where the last one stopped.
                max_retries=MIGRATION_RETRIES,
                timeout=f"{MIGRATION_TASK_TIMEOUT_S}s",
                vpc_access=_vpc(JOB, ctx),
                volumes=_file_volumes(JOB, rd, ctx)[0],
                # The role's command: the wrapper that waits for the database, migrates and
                # schedules pg_partman's maintenance (lago.migrate), as on every runtime.
                containers=[_container(JOB, rd, ctx)],
            ),
        ),
        opts=_opts(parent, ctx.depends_on, custom_timeouts=pulumi.CustomTimeouts(create=timeout, update=timeout)),
    )


# -- services and worker pools ---------------------------------------------------------------------


@dataclass(frozen=True)
class HttpShape:
    """How Cloud Run bills and scales one HTTP role."""

    ingress: str
    min_instances: int
    #: Requests one instance serves at once.
    concurrency: int
    #: Request-based billing: CPU only while a request is in flight.
    cpu_idle: bool


def http_service(
    name: str,
    parent: pulumi.Resource,
    rd: RoleDeployment,
    ctx: RunContext,
    shape: HttpShape,
    depends_on: Sequence[pulumi.Input[pulumi.Resource]],
) -> gcp.cloudrunv2.Service:
    """api, front or pdf: a request-driven service that autoscales between its bounds."""
    return gcp.cloudrunv2.Service(
        name,
        **_common(SERVICE, name, rd, ctx),
        ingress=shape.ingress,
        # No IAM check on calls: browsers and Lago's backend send no Google identity token.
        # Who may reach the service is decided by `ingress` instead.
        invoker_iam_disabled=True,
        template=gcp.cloudrunv2.ServiceTemplateArgs(
            labels=_labels(ctx, rd),
            service_account=ctx.service_accounts[account_class(rd)],
            execution_environment="EXECUTION_ENVIRONMENT_GEN2",
            # Lago's api streams ActionCable WebSockets; they live at most this long per request.
            timeout=f"{limits.RUN_REQUEST_TIMEOUT_S}s",
            max_instance_request_concurrency=shape.concurrency,
            scaling=gcp.cloudrunv2.ServiceTemplateScalingArgs(min_instance_count=shape.min_instances, max_instance_count=rd.max_replicas),
            vpc_access=_vpc(SERVICE, ctx),
            volumes=_file_volumes(SERVICE, rd, ctx)[0],
            containers=[
                _container(
                    SERVICE,
                    rd,
                    ctx,
                    ports=gcp.cloudrunv2.ServiceTemplateContainerPortsArgs(container_port=rd.role.port),
                    startup_probe=_startup_probe(SERVICE, rd),
                    liveness_probe=_liveness_probe(SERVICE, rd),
                    # Setting `resources` switches Cloud Run to instance-based billing unless
                    # cpu_idle is given (provider docstring): always say which.
                    resources={"startup_cpu_boost": True, "cpu_idle": shape.cpu_idle},
                )
            ],
        ),
        opts=_opts(parent, depends_on),
    )


#: The launch stage a worker pool declares with CPU autoscaling (``lago:gcp.run.autoscaleWorkers``).
#: Google's GA API has no worker-pool autoscaling (``limits.RUN_WORKER_POOL_GA_SCALING``); its docs
#: do not name the stage that admits it, so the most permissive one: a resource declaring ALPHA
#: that uses only BETA and GA features reads back as BETA (pulumi-gcp 10.2.0 docstring of
#: ``cloudrunv2.WorkerPool.launch_stage``).
AUTOSCALING_LAUNCH_STAGE = "ALPHA"


def autoscaled(rd: RoleDeployment, autoscale: bool) -> bool:
    return autoscale and rd.max_replicas > rd.min_replicas


def worker_scaling(rd: RoleDeployment, autoscale: bool) -> Any:
    """A fixed count (``replicas``): ``manualInstanceCount``, the one scaling field of the GA API,
    and nothing else. With ``autoscale`` (pre-GA), CPU autoscaling between ``replicas`` and
    ``maxReplicas`` (https://cloud.google.com/run/docs/configuring/workerpools/cpu-autoscaling).
    The provider never reads ``scalingMode`` back (``flattenCloudRunV2WorkerPoolScalingScalingMode``
    returns the configured value), so leaving it out shows no diff."""
    if autoscaled(rd, autoscale):
        return gcp.cloudrunv2.WorkerPoolScalingArgs(
            scaling_mode="AUTOMATIC", min_instance_count=rd.min_replicas, max_instance_count=rd.max_replicas
        )
    return gcp.cloudrunv2.WorkerPoolScalingArgs(manual_instance_count=rd.min_replicas)


def worker_pool(
    name: str,
    parent: pulumi.Resource,
    rd: RoleDeployment,
    ctx: RunContext,
    depends_on: Sequence[pulumi.Input[pulumi.Resource]],
    autoscale: bool,
    beside: Optional[RoleDeployment] = None,
):
    """A Sidekiq worker or the clock: no HTTP traffic, always-on instances (exactly one clock).

    Nothing here stands between Cloud Run's SIGTERM and the role's own shutdown (Lago's start
    scripts ``exec`` Sidekiq, so it receives the signal): the container runs the role's command as
    ``args`` under the image's entrypoint, and a fixed count scales nothing in, so instances stop
    only on a rollout. An I/O-bound queue (webhooks, payment providers) barely uses CPU while it
    waits: CPU is no signal for its backlog, and the throughput of a fixed count is
    ``lago:workers.concurrency`` threads per instance.

    ``beside``: a role that runs in the same container (the clock, ``lago:gcp.run.clockInWorker``),
    under ``together``'s supervisor, which hands SIGTERM to both at once; the container gets both
    roles' CPU and memory (on at least ``limits.RUN_WORKER_POOL_MIN_VCPU``)."""
    common = _common(WORKER_POOL, name, rd, ctx)
    if autoscaled(rd, autoscale):
        common["launch_stage"] = AUTOSCALING_LAUNCH_STAGE
    shared: dict[str, Any] = {}
    if beside is not None:
        shared = dict(
            args=together.command(rd, beside),
            size=cloud_run_size(rd.size.cpu + beside.size.cpu, rd.size.memory + beside.size.memory),
        )
    return gcp.cloudrunv2.WorkerPool(
        name,
        **common,
        scaling=worker_scaling(rd, autoscale),
        template=gcp.cloudrunv2.WorkerPoolTemplateArgs(
            labels=_labels(ctx, rd),
            service_account=ctx.service_accounts[account_class(rd)],
            vpc_access=_vpc(WORKER_POOL, ctx),
            volumes=_file_volumes(WORKER_POOL, rd, ctx)[0],
            containers=[
                _container(
                    WORKER_POOL,
                    rd,
                    ctx,
                    startup_probe=_startup_probe(WORKER_POOL, rd),
                    liveness_probe=_liveness_probe(WORKER_POOL, rd),
                    **shared,
                )
            ],
        ),
        opts=_opts(parent, depends_on),
    )
