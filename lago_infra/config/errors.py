"""One clear message for every bad key: the stack file, the key, what is wrong, how to fix it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterable

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    key: str
    what: str
    fix: str

    def render(self) -> str:
        return f"  - {self.key}: {self.what}. Fix: {self.fix}"


class ConfigError(Exception):
    """Stack config that cannot be deployed. Nothing has been registered when it is raised.

    ``warnings`` are keys that are probably mistakes but would not stop a deployment (a namespace
    no provider reads); they are listed after the problems."""

    def __init__(self, source: str, problems: Iterable[Problem], warnings: Iterable[Problem] = ()):
        self.source = source
        self.problems = list(problems)
        self.warnings = list(warnings)
        super().__init__(self.render())

    def render(self) -> str:
        n = len(self.problems)
        head = f"Invalid stack configuration in {self.source} ({n} problem{'s' if n != 1 else ''}); nothing was created:"
        lines = [head, *(p.render() for p in self.problems)]
        if self.warnings:
            lines += ["Also (warnings):", *(w.render() for w in self.warnings)]
        return "\n".join(lines)


class Invalid(ValueError):
    """Raised inside a validator for one or more keys below the model being validated, so each
    problem names its own key (``protection.protect``) rather than the section that checked it.
    Paths are alias paths relative to the validated model; ``()`` is the model itself."""

    def __init__(self, *problems: tuple[tuple[str, ...], str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{'.'.join(path) or '(section)'}: {what}. Fix: {fix}" for path, what, fix in problems))


def key_of(loc: tuple[Any, ...], namespace: str = "lago") -> str:
    """``("roles", "api", "replicas")`` -> ``lago:roles.api.replicas``. A part that is empty or
    holds ``:``, ``.`` or spaces is quoted (``lago:tags.'cost center'``), so the key stays readable."""
    parts = [str(p) for p in loc if p not in ("__root__", "[key]")]
    if not parts:
        return f"{namespace}"  # the namespace as a whole, e.g. a stack with no lago:target
    head, *rest = parts
    return f"{namespace}:{_part(head)}" + "".join(f".{_part(p)}" if not p.isdigit() else f"[{p}]" for p in rest)


def _part(text: str) -> str:
    return text if text and not any(c in text for c in ":. '\"") and text.isprintable() else repr(text)


RANGE_ERRORS = ("greater_than_equal", "less_than_equal", "greater_than", "less_than")


def _range_text(bounds: dict[str, Any]) -> str:
    """``from 1 to 100``, ``at least 1``, ``above 0 and at most 1``."""
    if "ge" in bounds and "le" in bounds:
        return f"from {bounds['ge']} to {bounds['le']}"
    words = {"ge": "at least", "gt": "above", "le": "at most", "lt": "below"}
    return " and ".join(f"{words[k]} {bounds[k]}" for k in ("ge", "gt", "le", "lt") if k in bounds)


def _example(bounds: dict[str, Any]) -> Any:
    """A value inside the range: the field's default when it is one, else the lowest allowed."""
    default = bounds.get("default")
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        return default
    if "ge" in bounds:
        return bounds["ge"]
    if "gt" in bounds:
        return bounds["gt"] + 1
    return bounds.get("le", bounds.get("lt", 1))


def _fix_for(err: dict[str, Any], key: str, siblings: list[str], bounds: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"add {key} to the stack file (pulumi config set {key} VALUE)"
    if kind == "extra_forbidden":
        leaf = str(err["loc"][-1])
        close = difflib.get_close_matches(leaf, siblings, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        known = f"known keys here: {', '.join(sorted(siblings))}" if siblings else "remove it"
        return f"{hint}remove or rename it ({known})"
    if kind in ("literal_error", "enum"):
        return f"use one of {ctx.get('expected', 'the listed values')}"
    if kind.startswith(("int_", "float_")) or kind in RANGE_ERRORS:
        allowed = f" {_range_text(bounds)}" if _range_text(bounds) else ""
        return f"give a number{allowed}, e.g. `pulumi config set --path {key} {_example(bounds)}`"
    if kind.startswith("bool"):
        return "use true or false"
    if kind.startswith("string") or kind == "str_type":
        return "give a string in the expected form"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"give {key} as a mapping of keys (see the configuration reference in the README)"
    return "see the configuration reference in the README"


def problems_from(exc: ValidationError, siblings_of, hide_input, bounds_of=lambda loc: {}) -> list[Problem]:
    """Translate pydantic's errors into ``Problem``s. ``siblings_of(loc)`` lists the keys allowed
    next to an unknown key, for the did-you-mean hint; ``hide_input(loc)`` is true where the value
    given may be a secret and must not be echoed; ``bounds_of(loc)`` gives a number field's
    ``ge``/``le``/``gt``/``lt`` and ``default``, so a range error states the range."""
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        key = key_of(loc)
        msg = err["msg"]
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, Invalid):
            problems += [Problem(key_of((*loc, *path)), what.rstrip("."), fix) for path, what, fix in cause.problems]
            continue
        if err["type"] == "value_error":
            msg = msg.removeprefix("Value error, ")
            what, _, fix = msg.partition(" Fix: ")
            problems.append(Problem(key, what.rstrip("."), fix or "see the configuration reference in the README"))
            continue
        if err["type"] == "extra_forbidden":
            what = "unknown key"
        else:
            got = err.get("input")
            plain = not (isinstance(got, (dict, list)) or got is None or hide_input(loc))
            shown = f" (got {_short(got)})" if plain else ""
            what = f"{msg[0].lower()}{msg[1:]}{shown}"
            if err["type"] in RANGE_ERRORS and _range_text(bounds_of(loc)):
                what = f"must be {_range_text(bounds_of(loc))}{shown}"
        problems.append(Problem(key, what, _fix_for(err, key, siblings_of(loc), bounds_of(loc))))
    return problems


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class SettingError(Exception):
    """A setting the config model accepted but a target cannot honour, found while the program
    builds resources (a size the cloud has no shape for, a provider setting that is missing).

    ``key`` is the full stack key (``lago:roles.api.memory``, ``gcp:project``). The program and
    the CLI turn it into the same one-message ``ConfigError`` a bad key gets, naming the stack
    file; raise it before registering anything that depends on the setting."""

    def __init__(self, key: str, what: str, fix: str):
        self.problem = Problem(key, what, fix)
        super().__init__(self.problem.render())

    def as_config_error(self, source: str) -> ConfigError:
        return ConfigError(source, [self.problem])
