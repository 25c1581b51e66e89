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
    """Stack config that cannot be deployed. Nothing has been registered when it is raised."""

    def __init__(self, source: str, problems: Iterable[Problem]):
        self.source = source
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        n = len(self.problems)
        head = f"Invalid stack configuration in {self.source} ({n} problem{'s' if n != 1 else ''}); nothing was created:"
        return "\n".join([head, *(p.render() for p in self.problems)])


def key_of(loc: tuple[Any, ...], namespace: str = "lago") -> str:
    """``("roles", "api", "replicas")`` -> ``lago:roles.api.replicas``."""
    parts = [str(p) for p in loc if p not in ("__root__", "[key]")]
    if not parts:
        return f"{namespace}:"
    head, *rest = parts
    return f"{namespace}:{head}" + "".join(f".{p}" if not p.isdigit() else f"[{p}]" for p in rest)


def _fix_for(err: dict[str, Any], key: str, siblings: list[str]) -> str:
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
    if kind.startswith(("int_", "float_")) or kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return "give a number in the allowed range"
    if kind.startswith("bool"):
        return "use true or false"
    if kind.startswith("string") or kind == "str_type":
        return "give a string in the expected form"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"give {key} as a mapping of keys (see the configuration reference in the README)"
    return "see the configuration reference in the README"


def problems_from(exc: ValidationError, siblings_of, hide_input) -> list[Problem]:
    """Translate pydantic's errors into ``Problem``s. ``siblings_of(loc)`` lists the keys allowed
    next to an unknown key, for the did-you-mean hint; ``hide_input(loc)`` is true where the value
    given may be a secret and must not be echoed."""
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        key = key_of(loc)
        msg = err["msg"]
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
        problems.append(Problem(key, what, _fix_for(err, key, siblings_of(loc))))
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
