"""The offline plan of a Pulumi YAML program that uses the component package (``runtime: yaml``).

Pulumi YAML programs run in Pulumi's YAML language host, which the offline plan does not have. What
this module runs instead, under the same mock monitor: the program's ``config`` read from the stack
file as Pulumi YAML reads it (its type, default and secrecy), each ``lago-infra:index:*`` resource
constructed through the package's provider exactly as the engine would hand it over
(``LagoProvider().construct``), and the program's ``outputs``. ``${name}`` and ``${resource.output}``
are resolved, inside longer strings too.

Anything else (resources of other packages, ``variables``, ``fn::`` functions, resource options) is
refused with one message naming it: the plan would otherwise leave it out without a word. Plan such
a program with ``pulumi preview``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.errors import InputPropertiesError

#: The package's resource types (``lago-infra:index:LagoAws`` ...).
PACKAGE_PREFIX = "lago-infra:index:"

_REFERENCE = re.compile(r"\$\{([^}]+)\}")


class Unsupported(pulumi.RunError):
    """The program uses something the offline plan of a YAML program does not run."""


def run(manifest: Path) -> None:
    doc = yaml.safe_load(Path(manifest).read_text()) or {}
    where = str(manifest)
    for key in ("variables",):
        if doc.get(key):
            raise Unsupported(f"{where}: `{key}:` is not run by the offline plan of a YAML program. Fix: plan it with `pulumi preview`")
    values: dict[str, Any] = {name: _config(name, spec or {}, where) for name, spec in (doc.get("config") or {}).items()}
    resources: dict[str, dict[str, Any]] = doc.get("resources") or {}
    for name, resource in resources.items():
        kind = str((resource or {}).get("type", ""))
        if not kind.startswith(PACKAGE_PREFIX):
            raise Unsupported(
                f"{where}: resource '{name}' is a {kind or 'resource without a type'}: the offline plan of a YAML program "
                f"runs the lago-infra components only ({PACKAGE_PREFIX}...). Fix: plan the program with `pulumi preview`, "
                "or keep the platform's resources in another program and pass their ids as config"
            )
        if resource.get("options"):
            raise Unsupported(
                f"{where}: resource '{name}' sets options, which the offline plan of a YAML program does not apply. "
                "Fix: plan it with `pulumi preview`"
            )
    built: dict[str, dict[str, Any]] = {}
    for name in _in_order(resources, where):
        resource = resources[name]
        inputs = _resolved(resource.get("properties") or {}, values, built, where)
        from ..package.provider import LagoProvider

        try:
            result = LagoProvider().construct(name, resource["type"], inputs, None)
        except InputPropertiesError as error:
            raise pulumi.RunError(error.message) from None
        built[name] = dict(result.state)
    for name, value in (doc.get("outputs") or {}).items():
        pulumi.export(name, _resolved(value, values, built, where))


def _config(name: str, spec: dict[str, Any], where: str) -> Any:
    """A config value as Pulumi YAML reads it: ``NAME`` in the project's namespace (or
    ``NAMESPACE:NAME``), of its declared type, its default when unset, a secret when declared one."""
    namespace, _, key = name.rpartition(":")
    config = pulumi.Config(namespace or None)
    kind = spec.get("type", "string")
    getters = {
        "string": config.get,
        "integer": config.get_int,
        "number": config.get_float,
        "boolean": config.get_bool,
        "array": config.get_object,
        "object": config.get_object,
    }
    if kind not in getters:
        raise Unsupported(f"{where}: config '{name}' has type '{kind}', which Pulumi YAML does not know")
    value = getters[kind](key)
    if value is None:
        if "default" not in spec:
            raise pulumi.RunError(
                f"{where}: config '{name}' is required and the stack sets no value. Fix: pulumi config set {name} VALUE"
                + (" --secret" if spec.get("secret") else "")
            )
        value = spec["default"]
    return pulumi.Output.secret(value) if spec.get("secret") else value


def _references(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {r for v in value.values() for r in _references(v)}
    if isinstance(value, list):
        return {r for v in value for r in _references(v)}
    if isinstance(value, str):
        return {m.split(".")[0] for m in _REFERENCE.findall(value)}
    return set()


def _in_order(resources: dict[str, dict[str, Any]], where: str) -> list[str]:
    """Resources after every resource their properties read, as the YAML host orders them."""
    order: list[str] = []
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting:
            raise pulumi.RunError(f"{where}: resources read each other's outputs in a cycle: {' -> '.join([*visiting, name])}")
        visiting.append(name)
        for other in sorted(_references(resources[name].get("properties")) & set(resources)):
            visit(other)
        visiting.pop()
        order.append(name)

    for name in resources:
        visit(name)
    return order


def _lookup(expression: str, values: dict[str, Any], built: dict[str, dict[str, Any]], where: str) -> Any:
    head, *path = expression.strip().split(".")
    if head in built:
        if not path:
            raise Unsupported(f"{where}: ${{{expression}}} names a whole resource; give one of its outputs (${{{head}.frontUrl}})")
        state = built[head]
        if path[0] not in state:
            raise pulumi.RunError(f"{where}: ${{{expression}}}: {head} has no output '{path[0]}' (it has {', '.join(sorted(state))})")
        value: Any = state[path[0]]
        for part in path[1:]:
            value = pulumi.Output.from_input(value).apply(lambda v, p=part: v[p])
        return value
    if head in values and not path:
        return values[head]
    raise Unsupported(f"{where}: ${{{expression}}} is neither a config value nor a lago-infra resource's output of the program")


def _resolved(value: Any, values: dict[str, Any], built: dict[str, dict[str, Any]], where: str) -> Any:
    if isinstance(value, dict):
        if any(str(k).startswith("fn::") for k in value):
            raise Unsupported(f"{where}: {', '.join(k for k in value if str(k).startswith('fn::'))} is not run by the offline plan")
        return {k: _resolved(v, values, built, where) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v, values, built, where) for v in value]
    if not isinstance(value, str) or "${" not in value:
        return value
    whole = _REFERENCE.fullmatch(value)
    if whole:
        return _lookup(whole[1], values, built, where)
    pieces: list[Any] = []
    last = 0
    for match in _REFERENCE.finditer(value):
        pieces += [value[last : match.start()], _lookup(match[1], values, built, where)]
        last = match.end()
    pieces.append(value[last:])
    return pulumi.Output.concat(*(p if isinstance(p, pulumi.Output) else str(p) for p in pieces))
