"""``lago:gcp``: the GCP target's own keys."""

from __future__ import annotations

from typing import Any

from ...config.base import Section


class GcpSettings(Section):
    """Placeholder until the GCP target lands; accepts no keys."""


PRESETS: dict[str, dict[str, Any]] = {"dev": {}, "prod": {}}
