"""What every target component is to the program and to a platform that embeds it."""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Mapping, Optional, TypeVar

import pulumi

from ..config.errors import ArgsOf, ConfigError, Problem, SettingError, Source
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
    ConfigError: every setting the target cannot honour (a size, a brought piece in another
        region, a name too long), settings for another target, or arguments of the wrong
        kind, in one message, before any resource is registered. A ``pulumi.RunError``: the
        engine reports it without a traceback.

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
            component = type(self).__name__
            args_of = ArgsOf(component, str(name))
            wrong = _wrong_arguments(name, settings, target, component, kwargs.get("opts", args[0] if args else None))
            if wrong:
                raise ConfigError(args_of, wrong)
            try:
                init(self, name, settings, *args, **kwargs)
            except SettingError as error:
                raise error.as_config_error(input_source(settings, component, name)) from None

        own = "\n".join(f"    {line}" for line in inspect.cleandoc(outputs).splitlines())
        checked.__doc__ = f"Lago on {where}, as one component of the calling program.\n\n" + _SHARED_ARGS.replace("{target}", target) + own
        return checked  # type: ignore[return-value]

    return document


def provider_of(opts: Optional[pulumi.ResourceOptions], package: str) -> Optional[pulumi.ProviderResource]:
    """The ``package`` provider a component is given (``provider``, ``providers``, or its
    parent's), if any: what it deploys with instead of the stack's default provider."""
    if opts is None:
        return None
    if opts.provider is not None and opts.provider.package == package:
        return opts.provider
    providers = opts.providers
    found = providers.get(package) if isinstance(providers, Mapping) else next((p for p in providers or [] if p.package == package), None)
    if found is None and opts.parent is not None:
        found = opts.parent.get_provider(f"{package}::")
    return found


def input_source(settings: LagoSettings, component: str, name: str) -> Source:
    """What a component's refusal names: the stack file its settings were read from when the
    ready program built it (named after ``lago:name``), else the component's args."""
    read_from = settings.read_from
    if isinstance(read_from, str) and name == settings.name:
        return read_from
    return read_from if isinstance(read_from, ArgsOf) else ArgsOf(component, name)


def name_key(settings: LagoSettings, name: str) -> str:
    """The key a problem with the component's name names: ``lago:name`` where the ready
    program named the component after it, else the component's ``name`` argument."""
    return "lago:name" if isinstance(settings.read_from, str) and name == settings.name else "name"


def _wrong_arguments(name: Any, settings: Any, target: str, component: str, opts: Any) -> list[Problem]:
    """Arguments of the wrong kind, said of the argument (a mapping where settings go, a
    resource's options as a mapping), and settings for another target."""
    wrong: list[Problem] = []
    if not isinstance(name, str) or not name.strip():
        wrong.append(Problem("name", f"is {name!r}, not a name", f"give the component a name, e.g. {component}('billing', settings)"))
    if not isinstance(settings, LagoSettings):
        kind = "a mapping" if isinstance(settings, Mapping) else f"a {type(settings).__name__}"
        wrong.append(
            Problem(
                "settings",
                f"is {kind}, not LagoSettings",
                "build them with LagoSettings.model_validate({...}) from the keys of a stack file's lago: namespace "
                f"(target '{target}'), or with the classes: LagoSettings(target='{target}', ...)",
            )
        )
    elif settings.target != target:
        wrong.append(
            Problem(
                "lago:target",
                f"is {settings.target}, but {component} deploys to {target}",
                f"build the settings with target '{target}' (and its lago:{target} section), or use the {settings.target} component",
            )
        )
    if opts is not None and not isinstance(opts, pulumi.ResourceOptions):
        wrong.append(
            Problem("opts", f"is {type(opts).__name__}, not pulumi.ResourceOptions", "pass pulumi.ResourceOptions(...) (or nothing)")
        )
    return wrong


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
