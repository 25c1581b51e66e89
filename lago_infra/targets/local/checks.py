"""Checks of the whole settings for the Docker host target, run by ``LagoSettings`` as it
validates, so they are listed with every other bad key of the stack in one message."""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from ...config.errors import Problem
from ...config.model import LagoSettings, image_tag

#: Docker's own networks: ``bridge`` (the default bridge), ``host`` and ``none``. Only a
#: user-defined network gives containers the aliases other containers reach them by ("network-
#: scoped alias is supported only for containers in user defined networks", Docker Engine API,
#: NetworkConnect; Docker docs, "Bridge network driver": the default bridge has no DNS between
#: containers), and ``host`` / ``none`` take no alias at all.
DOCKER_DEFAULT_NETWORKS = ("bridge", "host", "none")


def settings_problems(settings: LagoSettings, provider: Mapping[str, Any] = {}) -> list[Problem]:
    """Every problem Docker would have with these settings."""
    return [*_network(settings), *_images(settings)]


def _network(settings: LagoSettings) -> Iterator[Problem]:
    network = settings.local.existing_network
    if network in DOCKER_DEFAULT_NETWORKS:
        yield Problem(
            "lago:local.existingNetwork",
            f"is Docker's own '{network}' network, where containers take no aliases: Lago's containers find the database, "
            "Redis and pdf by the aliases they get on the network they join",
            "give a network you created (docker network create NAME), or remove the key to let the stack create one",
        )


def _images(settings: LagoSettings) -> Iterator[Problem]:
    local = settings.local
    version = settings.database.version
    for key, image in (("postgresImage", local.postgres_image), ("redisImage", local.redis_image)):
        if image is not None and image_tag(image) is None:
            yield Problem(
                f"lago:local.{key}",
                f"'{image}' has no tag, so it would pull :latest, which moves",
                f"give the tag, e.g. {image}:{version}-alpine" if key == "postgresImage" else f"give the tag, e.g. {image}:7-alpine",
            )
    if local.postgres_image is None:
        return
    tag = image_tag(local.postgres_image)
    if tag is None or tag.startswith("sha256:"):
        return  # no tag (said above), or a digest: nothing to read the version from
    major = re.search(r"\d+", tag)
    if major is None:
        yield Problem(
            "lago:local.postgresImage",
            f"'{local.postgres_image}' names no PostgreSQL major version, and lago:database.version is {version}",
            f"use a tag of PostgreSQL {version}, e.g. postgres:{version}-alpine",
        )
    elif int(major.group()) != version:
        other = f", or set lago:database.version to {major.group()}" if 15 <= int(major.group()) <= 17 else ""
        yield Problem(
            "lago:local.postgresImage",
            f"'{local.postgres_image}' runs PostgreSQL {major.group()}, but lago:database.version is {version}: "
            "Lago's migrations and the data directory follow lago:database.version",
            f"use the image of PostgreSQL {version} (e.g. postgres:{version}-alpine){other}",
        )
