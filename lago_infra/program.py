"""Builds the chosen target from validated settings. Each target is imported only when chosen,
so a local plan never loads the AWS or GCP SDKs."""

from __future__ import annotations

from .config.model import LagoSettings
from .targets.base import LagoTarget
from .targets.registry import TARGETS as _SPECS

#: target name -> "module:Component", the component by the name the component package hosts it
#: under (``LagoDocker`` for ``local``, whose class is now ``LagoLocal``; both names import it).
TARGETS: dict[str, str] = {name: f"{spec.module}:{spec.package_component}" for name, spec in _SPECS.items()}


def component_class(target: str) -> type[LagoTarget]:
    """The component class of ``target``, its module imported now."""
    return _SPECS[target].load("component")


def deploy(settings: LagoSettings) -> LagoTarget:
    return component_class(settings.target)(settings.name, settings)
