"""Typed, validated stack config. ``load()`` is what a program calls first: it returns the settings
or raises ``ConfigError`` listing every bad key, before any resource exists."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ValidationError

from .base import secret_paths
from .errors import ConfigError, Problem, key_of, problems_from
from .model import LagoSettings
from .source import RawConfig, from_runtime

__all__ = ["ConfigError", "LagoSettings", "RawConfig", "load", "validate"]


def load() -> LagoSettings:
    """Settings of the running stack (real engine or offline plan)."""
    return validate(from_runtime())


def validate(raw: RawConfig) -> LagoSettings:
    try:
        settings = LagoSettings.model_validate(raw.values)
    except ValidationError as exc:
        raise ConfigError(
            raw.source,
            problems_from(exc, _siblings_of, lambda loc: bool(loc) and str(loc[0]) in raw.secret_keys or _looks_secret(loc)),
        ) from None
    plain = [p for p in secret_paths(settings) if p[0] not in raw.secret_keys]
    if plain:
        raise ConfigError(raw.source, [_plain_secret_problem(p) for p in plain])
    return settings


def _plain_secret_problem(path: tuple[str, ...]) -> Problem:
    key = key_of(path)
    return Problem(
        key,
        "is a secret but is written in plain text in the stack file",
        f"run `pulumi config set --secret --path {key} VALUE` so it is stored encrypted",
    )


def _looks_secret(loc: tuple[Any, ...]) -> bool:
    leaf = str(loc[-1]).lower() if loc else ""
    return any(word in leaf for word in ("password", "secret", "key", "token", "license"))


def _siblings_of(loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed where ``loc``'s last element was found."""
    model: Optional[type[BaseModel]] = LagoSettings
    for part in loc[:-1]:
        if model is None:
            return []
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part or n == part), None)
        if field is None:
            return []
        model = _model_in(field.annotation)
    if model is None:
        return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _model_in(annotation: Any) -> Optional[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None
