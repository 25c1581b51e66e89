"""What every target component is to the program and to a platform that embeds it."""

from __future__ import annotations

import pulumi

from ..config.model import LagoSettings
from ..lago.environment import LagoDeployment


def component_props(settings: LagoSettings) -> dict[str, str]:
    """What a target component records about itself as its inputs: the guardrails (offline and in
    a policy pack) read the preset from here, whichever program built the component."""
    return {"preset": settings.preset}


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
