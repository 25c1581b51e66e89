"""ECS container definitions from Lago's role deployments.

Only non-secret parts go into the JSON: plain variables as ``environment``, every secret as a
``secrets`` entry whose ``valueFrom`` is a Secrets Manager ARN pinned to the secret's current
version (``arn:::version-id``), or an SSM parameter's ARN with the parameter versions as a label
(``secrets_store.version_label``). The definition is therefore not a secret output, a reviewer
reads it whole in the plan, and a changed secret value changes the definition, so ECS rolls every
service that reads it (ECS resolves secrets only when a task starts).
"""

from __future__ import annotations

import posixpath
import shlex
from typing import Any, Optional

import pulumi

from ...lago.environment import RoleDeployment
from ...lago.roles import HealthCheck
from ..base import kill_grace
from . import limits

#: Seconds between container health checks.
HEALTH_INTERVAL = 15
#: The container that writes a role's files (``RoleDeployment.files``: the database's CA bundle)
#: into task volumes before anything else in the task starts. Fargate mounts no config file, and a
#: custom image is what this avoids: the role's own image (already pulled for the task, nothing
#: new to trust) runs ``sh`` once, and the containers that read the files wait for it to exit 0
#: (``dependsOn`` SUCCESS, which ECS allows on a non-essential container only).
FILES_CONTAINER = "files"


def file_volumes(rd: RoleDeployment) -> dict[str, str]:
    """The task volume of each directory holding one of ``rd``'s files, by directory."""
    return {d: f"files{d.replace('/', '-')}" for d in sorted({posixpath.dirname(p) for p in rd.files})}


def file_mounts(rd: RoleDeployment, read_only: bool = True) -> list[dict[str, Any]]:
    """Mount points of ``rd``'s file directories: read-only for whoever reads them."""
    return [{"sourceVolume": v, "containerPath": d, "readOnly": read_only} for d, v in file_volumes(rd).items()]


def after_files(rd: RoleDeployment) -> list[dict[str, str]]:
    """``dependsOn`` of a container that reads ``rd``'s files."""
    return [{"containerName": FILES_CONTAINER, "condition": "SUCCESS"}] if rd.files else []


def files_container(
    rd: RoleDeployment, log: dict[str, Any], *, image: str, repository_credentials: Optional[str] = None, read_only_root: bool = False
) -> Optional[dict[str, Any]]:
    """The container writing ``rd``'s files, each from a variable of its own (their text is no
    secret: a reviewer reads it in the task definition); None when the role reads none."""
    if not rd.files:
        return None
    variables = {path: f"LAGO_FILE_{i}" for i, path in enumerate(sorted(rd.files))}
    script = " && ".join(f'printf %s "${var}" > {shlex.quote(path)}' for path, var in variables.items())
    c: dict[str, Any] = {
        "name": FILES_CONTAINER,
        "image": image,
        "essential": False,
        "entryPoint": ["sh", "-c"],
        "command": [script],
        "environment": [{"name": var, "value": rd.files[path]} for path, var in variables.items()],
        "mountPoints": file_mounts(rd, read_only=False),
        "logConfiguration": {"logDriver": "awslogs", "options": {**log, "awslogs-stream-prefix": f"{rd.name}-{FILES_CONTAINER}"}},
    }
    if repository_credentials:
        c["repositoryCredentials"] = {"credentialsParameter": repository_credentials}
    if read_only_root:
        # It writes only to its volumes.
        c["readonlyRootFilesystem"] = True
    return c


def fargate_size(cpu: float, memory: int) -> tuple[str, str]:
    """Task ``cpu`` units and ``memory`` MiB (checked in config against ``limits.FARGATE_SIZES``)."""
    units = int(cpu * 1024)
    assert memory in limits.fargate_memories(units), "checks.py refuses sizes Fargate does not offer"
    return str(units), str(memory)


def container(
    rd: RoleDeployment,
    secret_refs: dict[str, pulumi.Input[str]],
    log: dict[str, Any],
    *,
    image: str,
    repository_credentials: Optional[str] = None,
    read_only_root: bool = False,
) -> dict[str, Any]:
    """The one container of ``rd``'s task; ``log`` is the awslogs group and region. With
    ``read_only_root``, a role that says where it writes gets a read-only root and a scratch
    volume per such path."""
    c: dict[str, Any] = {
        "name": rd.name,
        "image": image,
        "essential": True,
        "environment": [{"name": k, "value": v} for k, v in sorted(rd.env.plain.items())],
        "secrets": [{"name": k, "valueFrom": secret_refs[k]} for k in rd.env.secret_names],
        "logConfiguration": {"logDriver": "awslogs", "options": {**log, "awslogs-stream-prefix": rd.name}},
    }
    if repository_credentials:
        c["repositoryCredentials"] = {"credentialsParameter": repository_credentials}
    if rd.command:
        c["command"] = rd.command
    if rd.role.port is not None:
        # Named: Service Connect publishes a port by this name.
        c["portMappings"] = [{"name": rd.name, "containerPort": rd.role.port, "protocol": "tcp", "appProtocol": "http"}]
    if rd.role.liveness is not None:
        c["healthCheck"] = health_check(rd.role.liveness)
    grace = kill_grace(rd, limits.ECS_STOP_TIMEOUT_DEFAULT, limits.ECS_STOP_TIMEOUT_MAX)
    if grace is not None:
        # SIGTERM to SIGKILL: long enough for the role's shutdown (Sidekiq hands unfinished jobs
        # back to Redis only when its timeout ends).
        c["stopTimeout"] = grace
    mounts = file_mounts(rd)
    if read_only_root and rd.role.writable_paths is not None:
        c["readonlyRootFilesystem"] = True
        # Fargate task storage (bind mounts without a host path): empty at start, root-owned 0755
        # (Lago's image runs as root), gone with the task (ECS developer guide, "Bind mounts").
        mounts = [
            {"sourceVolume": f"{c['name']}{path.replace('/', '-')}", "containerPath": path, "readOnly": False}
            for path in rd.role.writable_paths
        ] + mounts
    if mounts:
        c["mountPoints"] = mounts
    if rd.files:
        c["dependsOn"] = after_files(rd)
    return c


def health_check(liveness: HealthCheck) -> dict[str, Any]:
    """ECS restarts a container whose check fails ``retries`` times in a row: the liveness probe
    (never the database), retried across the role's failure window so a Redis failover passes."""
    low, high = limits.ECS_HEALTH_RETRIES
    retries = min(high, max(low, liveness.failure_window // HEALTH_INTERVAL))
    return {
        # Exec form, with the HTTP client the role's own image ships (lago.roles.Probe): no shell.
        "command": ["CMD", *liveness.exec_command()],
        # Longer than the default where retries alone cannot span the failure window.
        "interval": max(HEALTH_INTERVAL, -(-liveness.failure_window // retries)),
        "timeout": 5,
        "retries": retries,
        "startPeriod": min(limits.ECS_HEALTH_START_PERIOD_MAX, liveness.start_period),
    }


def definitions(containers: list[dict[str, Any]]) -> pulumi.Output[str]:
    """The JSON ECS takes; ARNs and URLs inside are resolved outputs, none of them secret."""
    return pulumi.Output.json_dumps(containers)


def scratch_volumes(containers: list[dict[str, Any]]) -> list[str]:
    """Names of the task volumes the containers' mount points use."""
    return sorted({m["sourceVolume"] for c in containers for m in c.get("mountPoints", [])})
