"""``lago:local``: the Docker host target."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field

from ...config.base import NonEmpty, Section


class LocalSettings(Section):
    #: Host port of the front (the browser's origin is http://localhost:<frontPort>).
    front_port: int = Field(80, ge=1, le=65535)
    #: Host port of the api.
    api_port: int = Field(3000, ge=1, le=65535)
    #: Host address the two ports bind to; loopback keeps Lago off the LAN.
    bind_address: NonEmpty = "127.0.0.1"
    #: ``volume``: a named volume at /app/storage shared by api and workers.
    storage: Literal["volume"] = "volume"
    #: Defaults to the official image of ``lago:database.version``.
    postgres_image: Optional[str] = None
    redis_image: NonEmpty = "redis:7-alpine"


PRESETS: dict[str, dict[str, Any]] = {"dev": {}, "prod": {}}
