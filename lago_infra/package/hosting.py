"""What every component of the package does (:mod:`lago_infra.package.hosted`, generated):
take the typed args, validate them with the same model, presets and messages as a stack file,
and build the Python component of its target as its only child, under the same name, so
resource names are those a Python program would get."""

from __future__ import annotations

import inspect
from typing import Any, Optional, get_origin

import pulumi
from pulumi.provider.experimental.util import camel_case
from pydantic import BaseModel, SecretStr
from pydantic.alias_generators import to_camel

from .. import config
from ..config.errors import ArgsOf
from ..config.model import LagoSettings
from ..config.shape import model_in
from ..targets.base import LagoTarget
from .fields import is_secret

#: The package's name: resource types are ``lago-infra:index:<Component>``.
PACKAGE = "lago-infra"


class OutputSecret(SecretStr):
    """A secret the caller passed as an Output (a secret config value, another resource's
    output). Everything that reads a setting's secret wraps it with ``pulumi.Output.secret``, which
    takes an Output as well as text, so the value stays unknown to the program and encrypted."""

    def __init__(self, value: pulumi.Output[str]):
        self._secret_value = value  # type: ignore[assignment]

    def __len__(self) -> int:
        return 0


def _secrets_kept(value: Any, model: Optional[type[BaseModel]], secret: bool = False) -> Any:
    """``value`` with every secret field given as an Output wrapped as :class:`OutputSecret`."""
    if secret and isinstance(value, pulumi.Output):
        return OutputSecret(value)
    if model is None or not isinstance(value, dict):
        return value
    out = {}
    # Either spelling of a key: the field name (what the typed args use) or the stack file's.
    fields = {key: f for n, f in model.model_fields.items() for key in (n, f.alias or n)}
    for key, item in value.items():
        if key not in fields:
            out[key] = item  # the model reports the unknown key
            continue
        annotation = fields[key].annotation
        nested, secret_field = model_in(annotation), is_secret(annotation)
        if isinstance(item, dict) and get_origin(annotation) is dict:
            out[key] = {k: _secrets_kept(v, nested, secret_field) for k, v in item.items()}
        else:
            out[key] = _secrets_kept(item, nested, secret_field)
    return out


def settings_from_args(target: str, component: str, name: str, args: Any) -> LagoSettings:
    """The validated settings for ``args`` (snake_case or camelCase keys), or one ``ConfigError``
    naming every bad key, before anything is registered."""
    values = _secrets_kept(dict(args or {}), LagoSettings)
    values["target"] = target
    # Every value reaches the component from a program, never in clear text from a stack file:
    # there is no plain-text secret to refuse, and the secrets are wrapped as secrets on the way.
    # Either spelling of each key (the typed args give snake_case, the model reads camelCase).
    raw = config.RawConfig(values, secret_keys={*values, *map(to_camel, values)}, source=ArgsOf(component, name))
    return config.validate(raw, warn=pulumi.log.warn)


def host(component: pulumi.ComponentResource, target: str, name: str, args: Any, opts: Optional[pulumi.ResourceOptions]) -> None:
    """Build ``component`` (a hosted component, :mod:`lago_infra.package.hosted`): validate its
    args first (bad args register nothing, not even the component), register it, build the
    Python component of ``target`` as its only child under the same name, and copy every output
    attribute the hosted class declares from that child."""
    from ..program import component_class

    kind = type(component).__name__
    settings = settings_from_args(target, kind, name, args)
    pulumi.ComponentResource.__init__(component, f"{PACKAGE}:index:{kind}", name, {}, opts)
    lago: LagoTarget = component_class(target)(name, settings, pulumi.ResourceOptions(parent=component))
    outputs = {}
    for attribute in inspect.get_annotations(type(component)):
        value = getattr(lago, attribute, None)
        setattr(component, attribute, value)
        outputs[camel_case(attribute)] = value
    component.register_outputs(outputs)
