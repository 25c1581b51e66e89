"""Walks raw stack values alongside the settings models, before pydantic sees them: one spelling
per key, the secrets written in plain text, and what a field allows (for the messages)."""

from __future__ import annotations

from typing import Any, Optional, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from .errors import Problem, key_of


def model_in(annotation: Any) -> Optional[type[BaseModel]]:
    """The settings model inside ``Optional[X]`` / ``X``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = model_in(arg)
        if found is not None:
            return found
    return None


def _mapping_of(annotation: Any) -> Any:
    """``V`` for ``dict[str, V]`` (possibly inside Optional), else None."""
    if get_origin(annotation) is dict:
        return get_args(annotation)[1]
    if get_origin(annotation) is Union:
        for arg in get_args(annotation):
            found = _mapping_of(arg)
            if found is not None:
                return found
    return None


def _is_secret(annotation: Any) -> bool:
    if annotation is SecretStr:
        return True
    return any(_is_secret(a) for a in get_args(annotation))


def _fields_by_key(model: type[BaseModel]) -> dict[str, tuple[str, FieldInfo]]:
    """Both spellings of every field (``maxReplicas`` and ``max_replicas``) -> (stack-file key, field)."""
    out: dict[str, tuple[str, FieldInfo]] = {}
    for name, f in model.model_fields.items():
        alias = f.alias or name
        out[name] = (alias, f)
        out[alias] = (alias, f)
    return out


def normalise(data: Any, model: type[BaseModel], path: tuple[str, ...] = ()) -> tuple[Any, list[Problem]]:
    """``data`` with every key the model knows written as the stack file spells it
    (``max_replicas`` -> ``maxReplicas``), so presets (camelCase) and a user's snake_case key
    merge as the one key they are. Both spellings at once is a problem."""
    if not isinstance(data, dict):
        return data, []
    fields = _fields_by_key(model)
    out: dict[Any, Any] = {}
    spelt: dict[Any, Any] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        alias, f = fields.get(key, (key, None)) if isinstance(key, str) else (key, None)
        if alias in out:
            problems.append(Problem(key_of((*path, alias)), f"is given twice, as '{spelt[alias]}' and '{key}'", f"keep only '{alias}'"))
            continue
        spelt[alias] = key
        if f is not None:
            value, inner = _normalise_value(value, f.annotation, (*path, alias))
            problems += inner
        out[alias] = value
    return out, problems


def _normalise_value(value: Any, annotation: Any, path: tuple[str, ...]) -> tuple[Any, list[Problem]]:
    sub = model_in(annotation)
    mapped = _mapping_of(annotation)
    if mapped is not None and isinstance(value, dict):
        inner_model = model_in(mapped)
        if inner_model is None:
            return value, []
        out, problems = {}, []
        for k, v in value.items():
            out[k], p = normalise(v, inner_model, (*path, str(k)))
            problems += p
        return out, problems
    if sub is not None:
        return normalise(value, sub, path)
    return value, []


def plain_secrets(data: Any, model: type[BaseModel], secret_keys: set[str], path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Paths of values given where the model wants a secret, in a top-level key the stack file
    does not hold as ``secure:``. Read from the raw values, so it is reported in the same round as
    every other problem, even when the model cannot be built."""
    if not isinstance(data, dict):
        return []
    fields = _fields_by_key(model)
    found: list[tuple[str, ...]] = []
    for key, value in data.items():
        if not isinstance(key, str) or key not in fields or value is None:
            continue
        alias, f = fields[key]
        here = (*path, alias)
        if here[0] in secret_keys:
            continue
        mapped = _mapping_of(f.annotation)
        if _is_secret(f.annotation) and mapped is None:
            found.append(here)
        elif mapped is not None and isinstance(value, dict):
            inner = model_in(mapped)
            for k, v in value.items():
                if v is None:
                    continue
                if _is_secret(mapped):
                    found.append((*here, str(k)))
                elif inner is not None:
                    found += plain_secrets(v, inner, secret_keys, (*here, str(k)))
        elif model_in(f.annotation) is not None:
            found += plain_secrets(value, model_in(f.annotation), secret_keys, here)
    return found


def model_at(root: type[BaseModel], path: tuple[Any, ...]) -> Optional[type[BaseModel]]:
    """The settings model found at ``path`` (a mapping of models, as ``workers.dedicated``,
    takes one more key: the entry's name)."""
    model: Optional[type[BaseModel]] = root
    i = 0
    while i < len(path) and model is not None:
        entry = _fields_by_key(model).get(path[i]) if isinstance(path[i], str) else None
        if entry is None:
            return None
        annotation = entry[1].annotation
        i += 1
        mapped = _mapping_of(annotation)
        if mapped is not None and i < len(path):
            i += 1
            model = model_in(mapped)
        else:
            model = model_in(annotation)
    return model


def field_at(root: type[BaseModel], loc: tuple[Any, ...]) -> Optional[FieldInfo]:
    model = model_at(root, loc[:-1]) if loc else None
    entry = _fields_by_key(model).get(loc[-1]) if model is not None and isinstance(loc[-1], str) else None
    return entry[1] if entry else None


def siblings_of(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed where ``loc``'s last key was found (for "did you mean")."""
    model = model_at(root, loc[:-1])
    return [f.alias or n for n, f in model.model_fields.items()] if model is not None else []


def bounds_of(root: type[BaseModel], loc: tuple[Any, ...]) -> dict[str, Any]:
    """``ge``/``gt``/``le``/``lt`` and ``default`` of the number field at ``loc``."""
    f = field_at(root, loc)
    if f is None:
        return {}
    out: dict[str, Any] = {}
    for m in f.metadata:
        for cls, name in ((Ge, "ge"), (Gt, "gt"), (Le, "le"), (Lt, "lt")):
            if isinstance(m, cls):
                out[name] = getattr(m, name)
    if out and f.default is not None and not callable(f.default):
        out["default"] = f.default
    return out
