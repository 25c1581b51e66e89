"""lago-infra: Pulumi components that deploy Lago on AWS, GCP and a local Docker host.

    from lago_infra import LagoLocal, LagoSecrets, LagoSettings

Components are imported on first use, so importing the package never loads a cloud SDK it does
not need. The target components and their names come from the list of targets
(``lago_infra.targets.registry``).
"""

from __future__ import annotations

import importlib
from typing import Any

from .targets.registry import TARGETS as _TARGETS

_EXPORTS = {
    "LagoSettings": "lago_infra.config.model",
    "LagoSecrets": "lago_infra.app_secrets",
    "LagoDeployment": "lago_infra.lago.environment",
    "Endpoints": "lago_infra.lago.environment",
    # Each target's component, under its name and the names it had before (``LagoDocker``).
    **{name: spec.module for spec in _TARGETS.values() for name in (spec.class_name, *spec.aliases)},
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'lago_infra' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
