"""What every target component is to the program and to a platform that embeds it."""

from __future__ import annotations

import pulumi

from ..lago.environment import LagoDeployment


class LagoTarget(pulumi.ComponentResource):
    """A complete Lago deployment on one kind of infrastructure."""

    front_url: pulumi.Output[str]
    """Where the browser opens Lago."""
    api_url: pulumi.Output[str]
    """The api as the browser and API clients reach it."""
    deployment: LagoDeployment
    """Every role with its image, command and environment."""

    def exports(self) -> dict[str, pulumi.Input]:
        """The stack outputs the program exports: names and endpoints, never a secret value."""
        raise NotImplementedError
