"""Typed, validated stack config. ``load()`` is what a program calls first: it returns the settings
or raises ``ConfigError`` listing every bad key, before any resource exists.

The package holds two layers. Below the targets' settings: the vocabulary they are written in
(``base``, ``errors``, ``shape``, ``alerts``) and how a stack file is read (``source``,
``namespaces``). Above them: the settings model (``model``), which is built from every target's
settings, and ``load`` / ``validate`` here. A target's settings module imports the lower layer,
which loads this package first: so this package imports ``model`` only when it is used
(``LagoSettings`` on first access, ``load`` and ``validate`` when called), and any module may be
imported first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

from pydantic import ValidationError

from . import namespaces, shape
from .base import _looks_secret, raw_errors, secret_paths
from .errors import ConfigError, Problem, key_of, problems_from
from .source import RawConfig, from_runtime

if TYPE_CHECKING:
    from .model import LagoSettings

__all__ = ["ConfigError", "LagoSettings", "RawConfig", "load", "validate"]


def __getattr__(name: str) -> Any:
    if name == "LagoSettings":
        from .model import LagoSettings

        return LagoSettings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load(default_providers: bool = False) -> LagoSettings:
    """Settings of the running stack (real engine or offline plan). ``default_providers``: the
    program deploys them with the stack's default providers (the ready program does), so the
    pieces they bring are compared with the stack's ``aws:region`` / ``gcp:project`` in the same
    round as every other key; otherwise the component compares them with its own provider."""
    import pulumi

    return validate(from_runtime(), warn=pulumi.log.warn, default_providers=default_providers)


def validate(raw: RawConfig, warn: Optional[Callable[[str], Any]] = None, default_providers: bool = False) -> LagoSettings:
    """The settings, or one ``ConfigError`` with every problem found (keys, values, plain-text
    secrets, provider keys) in one round. ``warn`` receives each warning's text (keys that are
    probably typos but would not stop a deployment); ``default_providers`` as for :func:`load`."""
    from .model import LagoSettings

    values, problems = shape.normalise(raw.values, LagoSettings) if isinstance(raw.values, dict) else (raw.values, [])
    target = values.get("target") if isinstance(values, dict) else None
    provider_problems, warnings = namespaces.check(raw.others, target)
    problems += provider_problems
    if isinstance(values, dict):
        values, wrong = _without_other_targets_sections(values, target)
        problems += wrong
        problems += [_plain_secret_problem(p) for p in shape.plain_secrets(values, LagoSettings, raw.secret_keys)]
    settings = None
    try:
        with raw_errors():
            # The provider's region and project, for the target's checks of brought pieces.
            settings = LagoSettings.model_validate(values, context={"provider": raw.provider if default_providers else {}})
    except ValidationError as exc:
        problems += problems_from(
            exc,
            lambda loc: shape.siblings_of(LagoSettings, loc),
            lambda loc: bool(loc) and str(loc[0]) in raw.secret_keys or _looks_secret(loc),
            lambda loc: shape.bounds_of(LagoSettings, loc),
        )
    except Exception as exc:  # noqa: BLE001 - a validator that failed otherwise than by design
        problems.append(
            Problem(
                key_of(()),
                f"could not be read ({type(exc).__name__}: {exc})",
                "check the values against the configuration reference, docs/reference.md",
            )
        )
    if settings is not None:
        # The model's own view of its secrets, in case a shape escaped the raw walk.
        problems += [_plain_secret_problem(p) for p in secret_paths(settings) if p[0] not in raw.secret_keys]
    problems = list(dict.fromkeys(problems))  # the same key found by both walks: once
    if problems:
        raise ConfigError(raw.source, problems, warnings)
    for w in warnings:
        (warn or (lambda _: None))(f"{raw.source}: {w.key}: {w.what}. Fix: {w.fix}")
    # What a target's own checks name when they refuse these settings later (a region, a name).
    settings.came_from(raw.source)
    return settings


def _without_other_targets_sections(values: dict[str, Any], target: Any) -> tuple[dict[str, Any], list[Problem]]:
    """A target section for another target (``lago:gcp`` on an AWS stack) says so, and is set
    aside so its own contents do not bury that under errors of a section that is not read."""
    from .model import TARGET_SECTIONS, wrong_target_section

    if not isinstance(target, str) or target not in TARGET_SECTIONS:
        return values, []
    problems = []
    for other in TARGET_SECTIONS:
        if other != target and values.get(other) is not None:
            problems.append(Problem(f"lago:{other}", *wrong_target_section(other, target)))
    return {k: v for k, v in values.items() if k == target or k not in TARGET_SECTIONS}, problems


def _plain_secret_problem(path: tuple[str, ...]) -> Problem:
    key = key_of(path)
    return Problem(
        key,
        "is a secret but is written in plain text in the stack file",
        f"run `pulumi config set --secret --path {key} VALUE` so it is stored encrypted",
    )
