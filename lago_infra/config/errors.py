"""One clear message for every bad key: where the input came from (a stack file, the args of a
component, settings built in Python), the key, what is wrong, how to fix it.

Both exceptions are ``pulumi.RunError``s: the Pulumi engine reports a ``RunError`` that escapes a
program as its message alone, without a traceback, so a program of one's own that builds a
component with bad input fails as cleanly as the ready program does."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterable, Union

from pulumi import Output
from pulumi.errors import RunError
from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    key: str
    what: str
    fix: str

    def render(self) -> str:
        return f"  - {self.key}: {self.what}. Fix: {self.fix}"

    def as_arg(self) -> "Problem":
        """The problem said of a component's arguments rather than of a stack file: the key without
        ``lago:`` (``smtp.port``), and a fix that names the input to set instead of a
        ``pulumi config set`` command."""
        return Problem(self.key.removeprefix("lago:"), for_args(self.what), for_args(self.fix))


@dataclass(frozen=True)
class ArgsOf:
    """Input given to a component by a program: ``LagoAws('billing', settings)``, or a component
    of the package built from another language."""

    component: str
    name: str

    def __str__(self) -> str:
        return f"the args of {self.component} '{self.name}'"


@dataclass(frozen=True)
class BuiltInPython:
    """Settings a program builds with the classes (``LagoSettings(...)``, ``ExistingVpc(...)``),
    before any component has them."""

    model: str

    def __str__(self) -> str:
        return f"{self.model} built in Python"


#: Where a ``ConfigError``'s input came from: a stack file (its path), or one of the above.
Source = Union[str, ArgsOf, BuiltInPython]


class ConfigError(RunError, ValueError):
    """Input that cannot be deployed. Nothing of Lago has been registered when it is raised.

    ``source`` says where the input came from, and so how the message reads: a stack file's keys
    (``lago:smtp.port``, fixed with ``pulumi config set``), or a program's arguments (``smtp.port``,
    fixed by setting the input). ``warnings`` are keys that are probably mistakes but would not
    stop a deployment (a namespace no provider reads); they are listed after the problems.

    A ``ValueError`` too, as pydantic's own errors are, for programs that catch those."""

    def __init__(self, source: Source, problems: Iterable[Problem], warnings: Iterable[Problem] = ()):
        self.source = source
        self.problems = list(dict.fromkeys(problems))
        self.warnings = list(warnings)
        super().__init__(self.render())

    @property
    def from_program(self) -> bool:
        """The input came from a program's code, not from a stack file."""
        return isinstance(self.source, (ArgsOf, BuiltInPython))

    def shown(self) -> list[Problem]:
        """The problems as this message words them (see :meth:`Problem.as_arg`)."""
        return [p.as_arg() for p in self.problems] if self.from_program else self.problems

    def render(self) -> str:
        n = len(self.problems)
        count = f"{n} problem{'s' if n != 1 else ''}"
        if isinstance(self.source, ArgsOf):
            head = f"Invalid args of {self.source.component} '{self.source.name}' ({count}); nothing was created:"
        elif isinstance(self.source, BuiltInPython):
            head = f"Invalid {self.source.model} built in Python ({count}); nothing of Lago was created:"
        else:
            head = f"Invalid stack configuration in {self.source} ({count}); nothing was created:"
        lines = [head, *(p.render() for p in self.shown())]
        if self.warnings:
            warnings = [w.as_arg() for w in self.warnings] if self.from_program else self.warnings
            lines += ["Also (warnings):", *(w.render() for w in warnings)]
        return "\n".join(lines)


#: A stack file's fix (``pulumi config set --secret --path lago:smtp.password VALUE``), which
#: for a program is an input to set.
_CONFIG_SET = re.compile(
    r"(?:run )?`?pulumi config set (?P<secret>--secret )?(?:--path )?'?lago:(?P<key>[\w.]+)'?(?: (?P<value>[^`)]*))?`?"
)


def _input_to_set(m: re.Match) -> str:
    value = m["value"] or ""
    example = f" to {value}" if value and not value.isupper() else ""  # not a placeholder (VALUE)
    return f"set the input {m['key']}{example}" + (" (a secret)" if m["secret"] else "")


def for_args(text: str) -> str:
    """A message written for stack files, said of a component's inputs."""
    said = _CONFIG_SET.sub(_input_to_set, text).replace("add it: set the input", "set the input")
    return re.sub(r"\blago:(?=[A-Za-z])", "", said)


class Invalid(ValueError):
    """Raised inside a validator for one or more keys below the model being validated, so each
    problem names its own key (``protection.protect``) rather than the section that checked it.
    Paths are alias paths relative to the validated model; ``()`` is the model itself. A
    ``Problem`` (a full key, from the checks a target runs on the whole settings) is taken as it is."""

    def __init__(self, *problems: "tuple[tuple[str, ...], str, str] | Problem"):
        self.problems = tuple(p if isinstance(p, Problem) else Problem(".".join(p[0]), p[1], p[2]) for p in problems)
        self._paths = tuple(None if isinstance(p, Problem) else tuple(p[0]) for p in problems)
        super().__init__("; ".join(f"{p.key or '(section)'}: {p.what}. Fix: {p.fix}" for p in self.problems))

    def below(self, loc: tuple[Any, ...]) -> list[Problem]:
        """The problems, keyed from the root of a validation that found them at ``loc``."""
        return [
            p if path is None else Problem(key_of((*loc, *path)), p.what.rstrip("."), p.fix) for p, path in zip(self.problems, self._paths)
        ]


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
        return f"add it: `pulumi config set --path {key} VALUE`"
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
        return f"give {key} as a mapping of keys (see the configuration reference, docs/reference.md)"
    return "see the configuration reference, docs/reference.md"


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
            problems += cause.below(loc)
            continue
        if err["type"] == "value_error":
            msg = msg.removeprefix("Value error, ")
            what, _, fix = msg.partition(" Fix: ")
            problems.append(Problem(key, what.rstrip("."), fix or "see the configuration reference, docs/reference.md"))
            continue
        if err["type"] == "extra_forbidden":
            what = "unknown key"
        elif isinstance(err.get("input"), Output):
            # Only the ids of brought pieces take Outputs; every other key decides what the
            # program creates, so its value must be known while the program runs.
            problems.append(
                Problem(
                    key,
                    "is a pulumi.Output, whose value is known only during the deployment; this key decides what the program creates",
                    "give it as a plain value (only the ids and ARNs of pieces you bring take Outputs)",
                )
            )
            continue
        else:
            got = err.get("input")
            plain = not (isinstance(got, (dict, list)) or got is None or hide_input(loc))
            shown = f" (got {_short(got)})" if plain else ""
            what = f"{msg[0].lower()}{msg[1:]}{shown}"
            if err["type"] in RANGE_ERRORS and _range_text(bounds_of(loc)):
                what = f"must be {_range_text(bounds_of(loc))}{shown}"
        fix = _fix_for(err, key, siblings_of(loc), bounds_of(loc))
        if err["type"] == "missing" and hide_input(loc):
            fix = fix.replace("pulumi config set --path", "pulumi config set --secret --path")
        problems.append(Problem(key, what, fix))
    return problems


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class SettingError(RunError):
    """Settings the config model accepted but a target cannot honour, found while the program
    builds resources (a size the cloud has no shape for, a provider setting that is missing, a
    brought piece in another region than the provider's).

    Each problem's key is the full stack key (``lago:roles.api.memory``, ``gcp:project``). The
    target component turns it into the one-message ``ConfigError`` a bad key gets, naming the
    stack file its settings came from or the component's args; raise it before registering
    anything that depends on the setting. ``SettingError.of(problems)`` carries several found in
    one round."""

    def __init__(self, key: str, what: str, fix: str):
        self.problems = [Problem(key, what, fix)]
        super().__init__(self.problems[0].render())

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> "SettingError":
        found = list(dict.fromkeys(problems))
        if not found:
            raise ValueError("SettingError.of needs at least one problem")
        error = cls(found[0].key, found[0].what, found[0].fix)
        error.problems = found
        error.args = ("\n".join(p.render() for p in found),)
        return error

    @property
    def problem(self) -> Problem:
        """The first problem (for callers that report one)."""
        return self.problems[0]

    def as_config_error(self, source: Source) -> ConfigError:
        return ConfigError(source, self.problems)
