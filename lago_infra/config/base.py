"""What every config section shares: camelCase keys, unknown keys rejected, secrets masked."""

from __future__ import annotations

import ast
import contextlib
import contextvars
import functools
import inspect
import ipaddress
import re
from typing import Annotated, Any, Callable, Iterator

import pulumi
from pydantic import AfterValidator, BaseModel, ConfigDict, PlainValidator, SecretStr, StringConstraints, ValidationError, WithJsonSchema
from pydantic.alias_generators import to_camel

from .errors import BuiltInPython, ConfigError, Problem, key_of, problems_from
from .shape import bounds_of, model_in, siblings_of

#: Set while a reader that words pydantic's errors itself validates (``config.validate``).
_RAW_ERRORS: contextvars.ContextVar[bool] = contextvars.ContextVar("lago_raw_errors", default=False)


@contextlib.contextmanager
def raw_errors() -> Iterator[None]:
    """Validation inside this block raises pydantic's own ``ValidationError``: for readers that
    word the problems themselves (``config.validate`` names the stack file and hides secrets)."""
    token = _RAW_ERRORS.set(True)
    try:
        yield
    finally:
        _RAW_ERRORS.reset(token)


def _looks_secret(loc: tuple[Any, ...]) -> bool:
    leaf = str(loc[-1]).lower() if loc else ""
    return any(word in leaf for word in ("password", "secret", "key", "token", "license", "auth"))


def invalid_in_python(model: type[BaseModel], exc: Exception) -> ConfigError:
    """What settings built with the classes get instead of pydantic's error: the stack file's
    treatment (each key, what is wrong, the fix), said of the program's input."""
    source = BuiltInPython(model.__name__)
    if isinstance(exc, ValidationError):
        problems = problems_from(exc, lambda loc: siblings_of(model, loc), _looks_secret, lambda loc: bounds_of(model, loc))
    else:  # a validator that failed otherwise than by design
        problems = [
            Problem(
                key_of(()),
                f"could not be read ({type(exc).__name__}: {exc})",
                "check the values against the configuration reference, docs/reference.md",
            )
        ]
    return ConfigError(source, problems)


#: The errors a validator may raise besides pydantic's own (a validator that failed otherwise
#: than by design still names the model, not a traceback).
_BUILD_ERRORS = (ValidationError, TypeError, AttributeError, KeyError)


class _Built(type(BaseModel)):  # pydantic's model metaclass
    """Turns a construction's errors into one ``ConfigError``. A program calls the class
    (``ExistingVpc(...)``); pydantic builds nested models without calling it, so their errors
    still gather into the outermost one's, in one round."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if _RAW_ERRORS.get():
            return super().__call__(*args, **kwargs)
        try:
            return super().__call__(*args, **kwargs)
        except _BUILD_ERRORS as exc:
            raise invalid_in_python(cls, exc) from None


class Section(BaseModel, metaclass=_Built):
    """A block of stack config. Keys are camelCase in the stack file (``maxReplicas``); Python code
    may use either spelling. The docstring under each field is its description (see
    :func:`describe`).

    Built in Python (``ExistingVpc(...)``, ``LagoSettings.model_validate({...})``), bad input
    raises one :class:`~lago_infra.config.errors.ConfigError` naming each key, what is wrong and
    the fix, as a stack file gets; being a ``pulumi.RunError``, it stops a program without a
    traceback."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        validate_default=True,
    )

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Any:
        if _RAW_ERRORS.get():
            return super().model_validate(obj, *args, **kwargs)
        try:
            return super().model_validate(obj, *args, **kwargs)
        except _BUILD_ERRORS as exc:
            raise invalid_in_python(cls, exc) from None


#: A value that must come from a ``secure:`` stack value; masked in reprs and logs.
Secret = Annotated[SecretStr, "secret"]

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _cidr(value: str) -> str:
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"'{value}' is not an address range. Fix: give an IPv4 CIDR block, e.g. 10.0.0.0/16") from None
    if network.version != 4:
        raise ValueError(f"'{value}' is an IPv6 range. Fix: give an IPv4 CIDR block, e.g. 10.0.0.0/16")
    if str(network) != value:
        raise ValueError(f"'{value}' has host bits set. Fix: use the network address, {network}")
    return value


#: An IPv4 CIDR block written as its network address (``10.0.0.0/16``, not ``10.0.0.1/16``).
Cidr = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_cidr)]

#: An e-mail address as mail servers and Lago's User model take it: one ``@``, a dotted domain.
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def _email(value: str) -> str:
    if not EMAIL.match(value):
        raise ValueError(f"'{value}' is not an e-mail address. Fix: give an address such as billing@example.com")
    return value


#: An e-mail address (``billing@example.com``).
Email = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_email)]


def brought_id(check: Callable[[str], str], attribute: str = "id") -> Any:
    """The type of an id a user brings (a VPC, a subnet, a zone, a certificate, a network). In a
    stack file it is a string, checked by ``check`` (which returns it or raises ``ValueError``); in
    a program of one's own it may also be a ``pulumi.Output`` (another resource's id, a stack
    reference's value), passed through: its value is known only during the deployment, so the
    cloud checks it then. Every reader takes it as a ``pulumi.Input[str]``.

    ``attribute`` is the output of the resource that holds the value (``id``, ``arn``,
    ``zone_id`` ...): a program that passes the resource itself is told to pass that."""

    def validate(value: Any) -> Any:
        if isinstance(value, pulumi.Output):
            return value
        if isinstance(value, pulumi.Resource):
            kind = type(value).__name__
            name = getattr(value, "_name", None) or "the resource"
            raise ValueError(
                f"is the {kind} resource {name!r} itself, not its {attribute}. "
                f"Fix: pass its .{attribute} (a pulumi.Output), e.g. {kind.lower()}.{attribute}"
            )
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{_short(value)} is not an id. Fix: give the id as text (or, from Python, a pulumi.Output)")
        return check(value.strip())

    # Typed Any for pydantic (it cannot build a schema of pulumi.Input's forward-referenced
    # Output); the validator above admits exactly a str or a pulumi.Output.
    return Annotated[Any, PlainValidator(validate), WithJsonSchema({"type": "string", "minLength": 1})]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def set_fields(value: Any) -> Any:
    """A settings model as the stack-file mapping of the fields its author set (``model_fields_set``),
    nested models and mappings of models included; anything else as it is. Settings built with
    the Python classes then take the preset exactly as the same keys given as a mapping do: a
    field left unset is the preset's, not the class default."""
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return {fields[n].alias or n: set_fields(getattr(value, n)) for n in value.model_fields_set if n in fields}
    if isinstance(value, dict):
        return {k: set_fields(v) for k, v in value.items()}
    if isinstance(value, list):
        return [set_fields(v) for v in value]
    return value


def keep_unset(model: BaseModel, name: str) -> None:
    """Mark ``name`` as not set by the author after a validator filled it in from the other fields,
    so :func:`set_fields` leaves it to the preset."""
    model.model_fields_set.discard(name)


def deep_merge(defaults: Any, overrides: Any) -> Any:
    """``overrides`` laid over ``defaults``; mappings merge key by key, anything else replaces."""
    if isinstance(defaults, dict) and isinstance(overrides, dict):
        merged = dict(defaults)
        for key, value in overrides.items():
            merged[key] = deep_merge(defaults.get(key), value) if key in defaults else value
        return merged
    return overrides if overrides is not None else defaults


def secret_paths(model: BaseModel, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Alias paths of every secret value set in ``model``, e.g. ``("smtp", "password")``."""
    found: list[tuple[str, ...]] = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        key = field.alias or name
        if isinstance(value, SecretStr):
            found.append((*prefix, key))
        elif isinstance(value, BaseModel):
            found.extend(secret_paths(value, (*prefix, key)))
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, SecretStr):
                    found.append((*prefix, key, str(k)))
                elif isinstance(v, BaseModel):
                    found.extend(secret_paths(v, (*prefix, key, str(k))))
    return found


def describe(model: type[BaseModel]) -> type[BaseModel]:
    """``model`` and every settings model below it, with each field's description taken from the
    docstring under the field, for the readers of descriptions (the generated reference, the
    component package's schema, the docs' tables). Done on demand rather than by pydantic's
    ``use_attribute_docstrings``, which parses a module once per class as it is imported: a tenth
    of a second that every plan would pay for text it never shows."""
    for name, field in model.model_fields.items():
        if field.description is None:
            field.description = attribute_docstrings(model).get(name, ("", ""))[1] or None
        nested = model_in(field.annotation)
        if nested is not None:
            describe(nested)
    return model


@functools.cache
def attribute_docstrings(cls: type) -> dict[str, tuple[str, str]]:
    """The annotated attributes of ``cls``'s own body, each with its annotation as written and the
    docstring under it ("" without one). Docstrings of attributes exist only in the source."""
    try:
        tree = ast.parse(inspect.getsource(cls).lstrip())
    except (OSError, TypeError, IndentationError):
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    found: dict[str, tuple[str, str]] = {}
    for node, after in zip(body, [*body[1:], None]):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            text = after.value.value if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) else ""
            found[node.target.id] = (ast.unparse(node.annotation), inspect.cleandoc(text) if isinstance(text, str) else "")
    return found
