"""Keys outside ``lago:`` in a stack file: the provider namespaces the program uses, ``pulumi:``,
and anything else (most likely a typo, ``lgo:features`` or ``aws:regin``).

A provider's keys are read from its pinned SDK (``pulumi_<provider>/config/vars.py``: one
``__config__.get('key')`` per key the provider reads), so the list follows the SDK version and is
never copied by hand. The file is parsed, not imported: importing a cloud SDK takes a second.
"""

from __future__ import annotations

import ast
import difflib
import functools
import importlib.util
from pathlib import Path
from typing import Any, Iterable

from ..targets.registry import SHARED_PROVIDERS, TARGETS
from .errors import Problem

NAMESPACE = "lago"
#: The provider namespace each target configures (``aws:region``, ``gcp:project``, ``docker:host``).
TARGET_PROVIDER = {name: spec.provider for name, spec in TARGETS.items()}
#: Every provider the program creates resources with, whatever the target.
PROVIDERS = tuple(dict.fromkeys([*TARGET_PROVIDER.values(), *SHARED_PROVIDERS]))
#: The engine's own namespace (``pulumi:disable-default-providers``, ``pulumi:tags``): never checked.
ENGINE = "pulumi"


@functools.lru_cache(maxsize=None)
def provider_keys(provider: str) -> frozenset[str]:
    """The config keys ``provider`` reads, from its SDK's ``config/vars.py`` (empty when the SDK
    has no provider config, as pulumi-random)."""
    spec = importlib.util.find_spec(f"pulumi_{provider}")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "config" / "vars.py"
    if not path.exists():
        return frozenset()
    keys = set()
    for node in ast.walk(ast.parse(path.read_text())):
        # __config__.get('accessKey'), __config__.get_bool('insecure'), __config__.get_object(...)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr.startswith("get")
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "__config__"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            keys.add(node.args[0].value)
    return frozenset(keys)


def check(keys: Iterable[str], target: Any) -> tuple[list[Problem], list[Problem]]:
    """Problems and warnings for the stack keys outside ``lago:`` (full keys, ``aws:region``).

    An unknown key in the namespace of the provider the target uses is an error: the provider
    would ignore it and the stack would deploy somewhere or somehow else than intended. Anything
    else unknown (a namespace no provider reads, a key of a provider this target does not use)
    is a warning that names it."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    own = TARGET_PROVIDER.get(target) if isinstance(target, str) else None
    for given in sorted(keys):
        namespace, _, key = given.partition(":")
        full = f"{namespace}:{key}" if key and ":" not in key and key.isprintable() else f"{namespace}:{key!r}"
        if namespace in (NAMESPACE, ENGINE):
            continue
        if namespace not in PROVIDERS:
            close = difflib.get_close_matches(namespace, [NAMESPACE, ENGINE, *PROVIDERS], n=1)
            hint = f"did you mean '{close[0]}:{key}'? " if close else ""
            warnings.append(
                Problem(
                    full,
                    f"'{namespace}:' is not a namespace this program or its providers read, so the key is ignored",
                    f"{hint}rename it or remove it",
                )
            )
            continue
        known = provider_keys(namespace)
        if key in known or not known and namespace != own:
            continue
        close = difflib.get_close_matches(key, sorted(known), n=1)
        hint = f"did you mean '{namespace}:{close[0]}'? " if close else ""
        problem = Problem(full, f"unknown key: the {namespace} provider reads no '{key}'", f"{hint}rename it or remove it")
        (problems if namespace == own else warnings).append(problem)
    return problems, warnings
