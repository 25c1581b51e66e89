"""Builds the chosen target from validated settings. Each target is imported only when chosen,
so a local plan never loads the AWS or GCP SDKs."""

from __future__ import annotations

import importlib


from .config.model import LagoSettings
from .targets.base import LagoTarget

#: target name -> "module:Component"
TARGETS: dict[str, str] = {
    "local": "lago_infra.targets.local.component:LagoDocker",
    "aws": "lago_infra.targets.aws.component:LagoAws",
    "gcp": "lago_infra.targets.gcp.component:LagoGcp",
}


def component_class(target: str) -> type[LagoTarget]:
    """The component class of ``target``, its module imported now."""
    module_name, _, class_name = TARGETS[target].partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def deploy(settings: LagoSettings) -> LagoTarget:
    return component_class(settings.target)(settings.name, settings)
