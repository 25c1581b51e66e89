"""The component provider the plugin directory runs: Pulumi's Python component host, with one
change, so a bad argument reaches the user as the one clear message a stack file gets.

Pulumi's host wraps any exception a component raises while it is built in an error that appends
the Python traceback. A ``ConfigError`` or ``SettingError`` is the user's input, not a crash: it
is turned into ``InputPropertiesError``, which the engine reports per property, without a
traceback."""

from __future__ import annotations

import sys
from importlib.metadata import version
from typing import Optional

import pulumi
from pulumi.errors import InputPropertiesError
from pulumi.provider import main
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.provider import ConstructResult
from pulumi.provider.server import ComponentInitError

from ..config.errors import ArgsOf, ConfigError, SettingError
from .hosted import COMPONENTS
from .hosting import PACKAGE


def _as_property_errors(error: ConfigError, component: str, name: str) -> InputPropertiesError:
    """Each problem as a property error: ``lago:smtp.port`` is the ``smtp.port`` argument."""
    said = ConfigError(ArgsOf(component, name), error.problems, error.warnings)
    return InputPropertiesError(
        said.render(),
        [{"property_path": p.key, "reason": f"{p.what}. Fix: {p.fix}"} for p in said.shown()],
    )


class LagoProvider(ComponentProvider):
    """Hosts :data:`~lago_infra.package.components.COMPONENTS`; the schema is inferred from them."""

    def __init__(self) -> None:
        # The schema's version is the library's: an SDK generated from it names the release it wraps.
        super().__init__(COMPONENTS, PACKAGE, None, version("lago-infra"))

    def construct(
        self, name: str, resource_type: str, inputs: pulumi.Inputs, options: Optional[pulumi.ResourceOptions] = None
    ) -> ConstructResult:
        try:
            return super().construct(name, resource_type, inputs, options)
        except ComponentInitError as error:
            inner, component = error.inner, resource_type.rsplit(":", 1)[-1]
            if isinstance(inner, SettingError):
                inner = inner.as_config_error(component)
            if isinstance(inner, ConfigError):
                raise _as_property_errors(inner, component, name) from None
            raise


def serve(args: list[str]) -> None:
    """Run the provider: ``args`` are what the engine passes the plugin (its engine address…)."""
    main(LagoProvider(), args)


if __name__ == "__main__":
    serve(sys.argv[1:])
