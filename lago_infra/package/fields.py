"""What a settings field is to other Pulumi languages: a type the component package's schema can
state, and the description a user reads in their editor.

Pulumi's Python component analyzer (``pulumi.provider.experimental.analyzer``) infers the schema
from annotations and supports ``str``, ``int``, ``float``, ``bool``, ``list[T]``,
``dict[str, T]``, nested ``TypedDict``s, ``Any``, ``pulumi.Input[T]`` and Python enums; it refuses
unions (other than ``Optional``) and knows nothing of pydantic. The settings models say more than
that, so each field is mapped here, once, for the generated args module and the reference:

- ``Literal[...]`` -> the values' type, with the allowed values appended to the description (the
  model still checks them: one place decides what is allowed);
- ``SecretStr`` -> ``pulumi.Input[str]``, marked secret in the description; the hosted component
  wraps the value (known text or an Output) as a secret;
- an id a platform brings (:func:`lago_infra.config.base.brought_id`) -> ``pulumi.Input[str]``,
  so another resource's output or a stack reference's value can be passed;
- constrained and validated strings/numbers -> their base type (the model checks the rest).
"""

from __future__ import annotations

import inspect
import re
import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional, Union, get_args, get_origin

from pydantic import BaseModel, PlainValidator, SecretStr
from pydantic.fields import FieldInfo

_SIMPLE = {str: "str", int: "int", float: "float", bool: "bool"}


@dataclass(frozen=True)
class FieldType:
    """A field's type as Python source for a ``TypedDict`` and as reference text."""

    source: str
    """The annotation in the generated module, e.g. ``dict[str, RoleSize]``."""
    text: str
    """The type as the reference shows it, e.g. ``map of RoleSize``."""
    models: tuple[type[BaseModel], ...] = ()
    """Settings models the type refers to (each becomes a nested type)."""
    note: str = ""
    """What the description must add because the schema cannot say it (allowed values, secret)."""


def is_brought_id(metadata: list[Any]) -> bool:
    """True for the ``Annotated`` metadata :func:`~lago_infra.config.base.brought_id` makes."""
    return any(isinstance(m, PlainValidator) and "brought_id" in getattr(m.func, "__qualname__", "") for m in metadata)


def is_secret(annotation: Any) -> bool:
    return annotation is SecretStr or any(is_secret(a) for a in get_args(annotation))


def field_type(annotation: Any, metadata: list[Any], name_of) -> FieldType:
    """The schema-side type of ``annotation`` (pydantic keeps a field's own ``Annotated`` metadata
    apart, in ``metadata``). ``name_of(model)`` names a nested settings model's type."""
    if is_brought_id(metadata):
        return FieldType("pulumi.Input[str]", "id (text or Output)")
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        return field_type(base, list(extra), name_of)
    if origin in (Union, types.UnionType):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"{annotation} is a union the component schema cannot state")
        return field_type(inner[0], metadata, name_of)
    if annotation is SecretStr:
        return FieldType("pulumi.Input[str]", "secret string", note="Secret: the component stores it encrypted.")
    if origin is Literal:
        values = get_args(annotation)
        kinds = {type(v) for v in values}
        if len(kinds) != 1 or next(iter(kinds)) not in _SIMPLE:
            raise TypeError(f"{annotation} mixes value types the component schema cannot state")
        allowed = ", ".join(f"`{v}`" for v in values)
        return FieldType(_SIMPLE[next(iter(kinds))], f"one of {allowed}", note=f"One of {allowed}.")
    if origin is list:
        item = field_type(get_args(annotation)[0], [], name_of)
        return FieldType(f"list[{item.source}]", f"list of {item.text}", item.models, item.note)
    if origin is dict:
        value = field_type(get_args(annotation)[1], [], name_of)
        return FieldType(f"dict[str, {value.source}]", f"map of {value.text}", value.models, value.note)
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return FieldType(name_of(annotation), name_of(annotation), (annotation,))
    if annotation in _SIMPLE:
        return FieldType(_SIMPLE[annotation], _SIMPLE[annotation].replace("str", "string"))
    raise TypeError(f"{annotation} has no type in the component schema")


def one_line(text: Optional[str]) -> str:
    """A docstring as one line (the analyzer keeps a docstring's raw text, indentation included)."""
    return re.sub(r"\s+", " ", text or "").strip()


def description(field: FieldInfo, annotation_note: str) -> str:
    """The field's description (its docstring), then whatever the schema type cannot say."""
    return " ".join(p for p in (one_line(field.description), annotation_note) if p)
