"""ECS container definitions from Lago's role deployments.

Only non-secret parts go into the JSON: plain variables as ``environment``, every secret as a
``secrets`` entry whose ``valueFrom`` is a Secrets Manager ARN. The definition is therefore not a
secret output, and a reviewer reads it whole in the plan.
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi

from ...lago.environment import RoleDeployment
from ...lago.roles import Image

#: Name of the migrate container inside each backend task, and what the main container awaits.
MIGRATE_CONTAINER = "migrate"


def fargate_size(cpu: float, memory: int) -> tuple[str, str]:
    """Task ``cpu`` units and ``memory`` MiB, refused early when Fargate has no such size."""
    units = int(cpu * 1024)
    ranges = {256: (512, 2048, 512), 512: (1024, 4096, 1024), 1024: (2048, 8192, 1024), 2048: (4096, 16384, 1024), 4096: (8192, 30720, 1024), 8192: (16384, 61440, 4096)}
    low, high, step = ranges[units]
    if not (low <= memory <= high and (memory - low) % step == 0):
        allowed = ", ".join(str(m) for m in range(low, high + 1, step))
        raise ValueError(f"Fargate has no {cpu} vCPU task with {memory} MiB. Fix: set the role's memory to one of {allowed}")
    return str(units), str(memory)


def container(
    rd: RoleDeployment,
    secret_arns: dict[str, pulumi.Input[str]],
    log: dict[str, Any],
    *,
    name: Optional[str] = None,
    essential: bool = True,
    depends_on_migrate: bool = False,
    read_only_root: bool = False,
) -> dict[str, Any]:
    """One container of ``rd``; ``log`` is the awslogs group and region. With ``read_only_root``,
    roles that say where they write get a read-only root and a scratch volume per such path."""
    c: dict[str, Any] = {
        "name": name or rd.name,
        "image": rd.image,
        "essential": essential,
        "environment": [{"name": k, "value": v} for k, v in sorted(rd.env.plain.items())],
        "secrets": [{"name": k, "valueFrom": secret_arns[k]} for k in sorted(rd.env.secret)],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {**log, "awslogs-stream-prefix": name or rd.name},
        },
    }
    if rd.command:
        c["command"] = rd.command
    if rd.role.port is not None:
        # Named: Service Connect publishes a port by this name.
        c["portMappings"] = [{"name": rd.name, "containerPort": rd.role.port, "protocol": "tcp", "appProtocol": "http"}]
    health = rd.role.health
    if health is not None and essential and rd.role.image is not Image.FRONT:
        # curl ships in the api and Gotenberg images; the front is checked by the ALB only.
        c["healthCheck"] = {
            "command": ["CMD-SHELL", f"curl -fsS -o /dev/null http://localhost:{health.port}{health.path} || exit 1"],
            "interval": 15,
            "timeout": 5,
            "retries": 3,
            "startPeriod": health.start_period,
        }
    if rd.role.queue is not None or rd.name == "worker":
        # Sidekiq needs time to hand unfinished jobs back to Redis on SIGTERM.
        c["stopTimeout"] = 60
    if depends_on_migrate:
        c["dependsOn"] = [{"containerName": MIGRATE_CONTAINER, "condition": "SUCCESS"}]
    if read_only_root and rd.role.writable_paths is not None:
        c["readonlyRootFilesystem"] = True
        # Fargate task storage (bind mounts without a host path): empty at start, root-owned 0755
        # (Lago's image runs as root), gone with the task (ECS developer guide, "Bind mounts").
        c["mountPoints"] = [
            {"sourceVolume": f"{c['name']}{path.replace('/', '-')}", "containerPath": path, "readOnly": False} for path in rd.role.writable_paths
        ]
    return c


def scratch_volumes(containers: list[dict[str, Any]]) -> list[str]:
    """Names of the task volumes the containers' mount points use."""
    return sorted({m["sourceVolume"] for c in containers for m in c.get("mountPoints", [])})


def definitions(containers: list[dict[str, Any]]) -> pulumi.Output[str]:
    """The JSON ECS takes; ARNs and URLs inside are resolved outputs, none of them secret."""
    return pulumi.Output.json_dumps(containers)
