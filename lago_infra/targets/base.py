"""What every target component is to the program and to a platform that embeds it."""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Mapping, Optional, TypeVar

import pulumi

from ..config.errors import SettingError
from ..config.model import LagoSettings
from ..lago.environment import LagoDeployment, RoleDeployment


def component_props(settings: LagoSettings) -> dict[str, str]:
    """What a target component records about itself as its inputs: the guardrails (offline and in
    a policy pack) read the preset from here, whichever program built the component."""
    return {"preset": settings.preset}


def shared_secrets(deployment: LagoDeployment) -> dict[str, pulumi.Output[str]]:
    """Every secret variable of every role, once: the value is the same wherever a name recurs
    (DATABASE_URL reaches api, every worker, clock and migrate), so the store keeps it once."""
    values: dict[str, pulumi.Output[str]] = {}
    for rd in deployment.roles:
        for variable, value in rd.env.secret.items():
            values.setdefault(variable, value)
    return values


#: Seconds a target's kill grace keeps beyond a role's shutdown need, where the target can set it:
#: signal delivery and the container's own teardown.
GRACE_MARGIN_S = 5


def kill_grace(rd: RoleDeployment, default: int, maximum: Optional[int] = None) -> Optional[int]:
    """The seconds between SIGTERM and SIGKILL a target gives ``rd``: its runtime's ``default``
    unless the role's shutdown need (``LagoDeployment.shutdown_need``) and a margin ask for more,
    never above the runtime's ``maximum`` (the deployment fitted Sidekiq's timeout under it). None
    for a role that holds no job: the runtime's default stands."""
    if rd.shutdown_need is None:
        return None
    grace = max(default, rd.shutdown_need + GRACE_MARGIN_S)
    return grace if maximum is None else min(grace, maximum)


def role_environments(deployment: LagoDeployment, references: Mapping[str, pulumi.Input[str]]) -> pulumi.Output[dict[str, Any]]:
    """What a runtime needs to run each role, by role name: ``image``, ``command`` (empty: the
    image's own), ``plain`` variables and ``secrets`` as ``{VARIABLE: reference}``, where a
    reference is what the cloud's secret store hands a container (a Secrets Manager ARN, a Secret
    Manager version name), never the value; a secret the platform's store holds keeps its own
    reference (``RoleEnvironment.held``); ``files`` as ``{absolute path: content}``, what the
    container must find on disk (the database's CA bundle, public: a ConfigMap will do)."""
    return pulumi.Output.from_input(
        {
            rd.name: {
                "image": rd.image,
                "command": list(rd.command),
                "plain": dict(sorted(rd.env.plain.items())),
                "secrets": {variable: rd.env.held.get(variable) or references[variable] for variable in rd.env.secret_names},
                "files": dict(sorted(rd.files.items())),
            }
            for rd in deployment.roles
        }
    )


_Init = TypeVar("_Init", bound=Callable)

_SHARED_ARGS = """Args:
    name: the component's name; every child's name derives from it (``{name}-api``,
        ``{name}-db`` …) and must never change after the first ``pulumi up``.
    settings: a validated :class:`~lago_infra.config.LagoSettings` whose ``target`` is
        ``{target}``, built from a mapping (``LagoSettings.model_validate({...})``) or with the
        classes; the preset fills every key not set.
    opts: resource options for the component (``parent``, ``providers`` …); every child
        is parented to it and so inherits its providers.

Raises:
    SettingError: a setting the target cannot honour, or settings for another target, before
        any resource is registered.

Outputs:
"""


def target_init(where: str, target: str, outputs: str) -> Callable[[_Init], _Init]:
    """A target component's ``__init__``, given its docstring (what ``help()`` shows: the
    arguments every target takes alike, then ``outputs``, one ``name: meaning`` entry a line,
    continuation lines indented) and refusing settings for another target before anything runs:
    they would leave this target's own section at its class defaults, silently."""

    def document(init: _Init) -> _Init:
        @functools.wraps(init)
        def checked(self, name: str, settings: LagoSettings, *args: Any, **kwargs: Any) -> None:
            if settings.target != target:
                raise SettingError(
                    "lago:target",
                    f"is {settings.target}, but {type(self).__name__} deploys to {target}",
                    f"build the settings with target '{target}' (and its lago:{target} section), or use the {settings.target} component",
                )
            init(self, name, settings, *args, **kwargs)

        own = "\n".join(f"    {line}" for line in inspect.cleandoc(outputs).splitlines())
        checked.__doc__ = f"Lago on {where}, as one component of the calling program.\n\n" + _SHARED_ARGS.replace("{target}", target) + own
        return checked  # type: ignore[return-value]

    return document


class LagoTarget(pulumi.ComponentResource):
    """A complete Lago deployment on one kind of infrastructure."""

    front_url: pulumi.Output[str]
    """Where the browser opens Lago."""
    api_url: pulumi.Output[str]
    """The api as the browser and API clients reach it."""
    deployment: LagoDeployment
    """Every role with its image, command and environment."""
    role_environments: Optional[pulumi.Output[dict[str, Any]]]
    """Each role's image, command and Lago environment for a runtime of one's own (see
    :func:`role_environments`); with ``lago:runtime: external`` the only way the roles run. None
    on the local target, which has no secret store to refer to."""

    def exports(self) -> dict[str, pulumi.Input]:
        """The stack outputs the program exports: names and endpoints, never a secret value."""
        raise NotImplementedError
