"""The components the package hosts for other Pulumi languages (TypeScript, Go, C#, Java, YAML).

Each takes the generated typed args (:mod:`lago_infra.package.args`), validates them with the same
model, presets and messages as a stack file, and builds the Python target component as its only
child, under the same name, so resource names are those a Python program would get. The schema
comes from these classes: their docstrings, their ``args`` annotation and the annotated outputs
below (the analyzer reads each output's docstring from this file).

No ``from __future__ import annotations``: the analyzer reads real annotations.
"""

from typing import Any, Optional

import pulumi
from pydantic import BaseModel, SecretStr

from .. import config
from ..config.model import LagoSettings
from ..config.shape import model_in
from ..targets.base import LagoTarget
from .args import LagoAwsArgs, LagoDockerArgs, LagoGcpArgs
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
    fields = {**{f.alias: (n, f) for n, f in model.model_fields.items() if f.alias}, **{n: (n, f) for n, f in model.model_fields.items()}}
    for key, item in value.items():
        found = fields.get(key)
        if found is None:
            out[key] = item  # the model reports the unknown key
            continue
        annotation = found[1].annotation
        nested, secret_field = model_in(annotation), is_secret(annotation)
        if isinstance(item, dict) and getattr(annotation, "__origin__", None) is dict:
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
    raw = config.RawConfig(values, secret_keys=set(values), source=f"the args of {component} '{name}'")
    return config.validate(raw, warn=pulumi.log.warn)


def _build(host: pulumi.ComponentResource, settings: LagoSettings, name: str) -> LagoTarget:
    """The Python component of ``settings.target``, under the same name, as ``host``'s child."""
    from ..program import component_class

    return component_class(settings.target)(name, settings, pulumi.ResourceOptions(parent=host))


class LagoAws(pulumi.ComponentResource):
    """Lago on AWS: ECS Fargate behind an Application Load Balancer, RDS PostgreSQL, ElastiCache,
    S3 and Secrets Manager; with ``runtime: external``, the data tier only. Inputs are the keys of a
    stack file's ``lago:`` namespace (without ``target``); keys left out take the preset's value."""

    front_url: pulumi.Output[str]
    """Where the browser opens Lago."""
    api_url: pulumi.Output[str]
    """The api as the browser and API clients reach it."""
    role_environments: pulumi.Output[dict[str, Any]]
    """Each role's image, command, plain variables and secrets (as Secrets Manager ARNs), by role
    name, for a runtime of one's own (Lago's Helm chart on EKS, say)."""

    def __init__(self, name: str, args: LagoAwsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        # Validated first: bad args register nothing, not even this component.
        settings = settings_from_args("aws", "LagoAws", name, args)
        super().__init__(f"{PACKAGE}:index:LagoAws", name, {}, opts)
        lago = _build(self, settings, name)
        self.front_url, self.api_url = lago.front_url, lago.api_url
        self.role_environments = lago.role_environments
        self.register_outputs({"frontUrl": self.front_url, "apiUrl": self.api_url, "roleEnvironments": self.role_environments})


class LagoGcp(pulumi.ComponentResource):
    """Lago on GCP: Cloud Run behind a global HTTPS load balancer, Cloud SQL, Memorystore, Cloud
    Storage and Secret Manager; with ``runtime: external``, the data tier only. Inputs are the keys
    of a stack file's ``lago:`` namespace (without ``target``); keys left out take the preset's value."""

    front_url: pulumi.Output[str]
    """Where the browser opens Lago."""
    api_url: pulumi.Output[str]
    """The api as the browser and API clients reach it."""
    role_environments: Optional[pulumi.Output[dict[str, Any]]]
    """Each role's image, command, plain variables and secrets (as Secret Manager version names),
    by role name, for a runtime of one's own (Lago's Helm chart on GKE, say)."""

    def __init__(self, name: str, args: LagoGcpArgs, opts: Optional[pulumi.ResourceOptions] = None):
        # Validated first: bad args register nothing, not even this component.
        settings = settings_from_args("gcp", "LagoGcp", name, args)
        super().__init__(f"{PACKAGE}:index:LagoGcp", name, {}, opts)
        lago = _build(self, settings, name)
        self.front_url, self.api_url = lago.front_url, lago.api_url
        self.role_environments = getattr(lago, "role_environments", None)
        self.register_outputs({"frontUrl": self.front_url, "apiUrl": self.api_url, "roleEnvironments": self.role_environments})


class LagoDocker(pulumi.ComponentResource):
    """Lago on one Docker host, the way Lago's own compose file runs it: PostgreSQL and Redis
    containers, every role, storage on a volume, migrations before anything serves. Inputs are
    the keys of a stack file's ``lago:`` namespace (without ``target``)."""

    front_url: pulumi.Output[str]
    """Where the browser opens Lago (``http://localhost:<frontPort>``)."""
    api_url: pulumi.Output[str]
    """The api (``http://localhost:<apiPort>``)."""

    def __init__(self, name: str, args: LagoDockerArgs, opts: Optional[pulumi.ResourceOptions] = None):
        # Validated first: bad args register nothing, not even this component.
        settings = settings_from_args("local", "LagoDocker", name, args)
        super().__init__(f"{PACKAGE}:index:LagoDocker", name, {}, opts)
        lago = _build(self, settings, name)
        self.front_url, self.api_url = lago.front_url, lago.api_url
        self.register_outputs({"frontUrl": self.front_url, "apiUrl": self.api_url})


#: What the package hosts, in schema order.
COMPONENTS: list[type[pulumi.ComponentResource]] = [LagoAws, LagoGcp, LagoDocker]
