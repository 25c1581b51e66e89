"""``lago:aws``: the AWS target's own keys."""

from __future__ import annotations

from typing import Any

from ...config.base import Section


class AwsSettings(Section):
    """Placeholder until the AWS target lands; accepts no keys."""


PRESETS: dict[str, dict[str, Any]] = {"dev": {}, "prod": {}}
