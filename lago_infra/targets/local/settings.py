"""``lago:local``: the Docker host target."""

from __future__ import annotations

import ipaddress
from typing import Any, Literal, Optional

from pydantic import Field, field_validator

from ...config.base import NonEmpty, Section


class LocalSettings(Section):
    front_port: int = Field(80, ge=1, le=65535)
    """Host port of the front (the browser's origin is http://localhost:<frontPort>)."""
    api_port: int = Field(3000, ge=1, le=65535)
    """Host port of the api."""
    bind_address: NonEmpty = "127.0.0.1"
    """Host address the two ports bind to. Loopback only: Docker publishes the api port with every path on
    it, including the unauthenticated /metrics (and /sidekiq when enabled) that no edge may serve
    (roles.PRIVATE_API_PATHS); there is no proxy here to deny them.
    """
    storage: Literal["volume", "minio"] = "volume"
    """Where Lago's files go: ``volume``, a named volume at /app/storage shared by api and workers
    (Lago's disk storage); ``minio``, an S3-compatible MinIO container of the stack's own, with its
    bucket and generated credentials, so Lago stores files as it does on the clouds. A store of
    your own is ``lago:storage`` instead."""
    minio_image: NonEmpty = "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z"
    """MinIO's image with tag (``storage: minio``); it must ship ``mc``, which creates the bucket and
    checks MinIO's health (MinIO's own images ship it)."""
    minio_port: int = Field(9000, ge=1, le=65535)
    """Port MinIO listens on, inside the network and on the host's loopback alike (``storage: minio``):
    download links send the browser to http://minio.localhost:<minioPort>, the name the
    containers use too."""
    postgres_image: Optional[str] = None
    """Defaults to the official image of ``lago:database.version``."""
    redis_image: NonEmpty = "redis:7-alpine"
    """Redis image with tag, of the queue Redis (which also holds the Rails cache on its own database)
    and, with ``lago:redis.separateCache``, of the cache Redis."""
    existing_network: Optional[NonEmpty] = None
    """A Docker network the containers join instead of a new one (its name or id), e.g. the one a
    reverse proxy of the platform already serves. lago-infra then creates no network and never
    removes it; every alias Lago's containers answer to there is prefixed with the component name
    (``lago-db``, ``lago-redis``, ``lago-pdf`` ...) so none shadows a platform container's name."""

    @field_validator("bind_address")
    @classmethod
    def _loopback(cls, v: str) -> str:
        try:
            loopback = v == "localhost" or ipaddress.ip_address(v).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ValueError(
                f"'{v}' would publish the api's unauthenticated /metrics (and /sidekiq) beyond this machine. "
                "Fix: keep 127.0.0.1; to share Lago, put a reverse proxy in front that denies /metrics and /sidekiq"
            )
        return v


PRESETS: dict[str, dict[str, Any]] = {"dev": {}, "prod": {}}
