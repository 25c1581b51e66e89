"""Checks of the whole settings for the Docker host target, run by ``LagoSettings`` as it
validates, so they are listed with every other bad key of the stack in one message."""

from __future__ import annotations

from typing import Any, Mapping

from ...config.errors import Problem
from ...config.model import LagoSettings


def settings_problems(settings: LagoSettings, provider: Mapping[str, Any] = {}) -> list[Problem]:
    """Every problem Docker would have with these settings."""
    return []
