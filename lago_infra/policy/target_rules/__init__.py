"""Each target's part of the rules: a ``TargetPolicy`` (its role extractor, database
max_connections, public api test and one check per rule id it supports), one module per target,
named by the target's entry in the list of targets (``lago_infra/targets/registry.py``)."""

from __future__ import annotations

from ...targets.registry import TARGETS as _SPECS
from .base import TargetPolicy

TARGETS: dict[str, TargetPolicy] = {name: spec.load("policy") for name, spec in _SPECS.items()}

__all__ = ["TARGETS", "TargetPolicy"]
