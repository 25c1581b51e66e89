"""lago-infra: Pulumi components that deploy Lago on AWS, GCP and a local Docker host.

    from lago_infra import LagoDocker, LagoSecrets, LagoSettings

Components are imported on first use, so importing the package never loads a cloud SDK it does
not need.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "LagoSettings": "lago_infra.config.model",
    "LagoSecrets": "lago_infra.secrets",
    "LagoDeployment": "lago_infra.lago.environment",
    "Endpoints": "lago_infra.lago.environment",
    "LagoDocker": "lago_infra.targets.local.component",
    "LagoAws": "lago_infra.targets.aws.component",
    "LagoGcp": "lago_infra.targets.gcp.component",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'lago_infra' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
