"""The registry of targets. Adding a target's rules: write ``targets/<name>.py`` building a
``TargetPolicy`` (its role extractor, database max_connections, public api test and one check
per rule id it supports) and list it here."""

from __future__ import annotations

from . import aws, gcp, local
from .base import TargetPolicy

TARGETS: dict[str, TargetPolicy] = {t.name: t for t in (local.TARGET, aws.TARGET, gcp.TARGET)}

__all__ = ["TARGETS", "TargetPolicy"]
