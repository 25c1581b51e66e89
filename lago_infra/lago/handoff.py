"""A record of what the program handed each role, for the offline plan and its reviewers.

Providers often force a whole input secret when one value in it is (a Docker ``envs`` list, an
ECS container definition), which would hide every variable name from a reviewer. Each
``LagoDeployment`` records itself here as it is built, so the plan can show every role's
variables with each secret masked on its own. Under a real engine nothing reads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .environment import LagoDeployment

_deployments: list["LagoDeployment"] = []


def record(deployment: "LagoDeployment") -> None:
    _deployments.append(deployment)


def recorded() -> list["LagoDeployment"]:
    return list(_deployments)


def reset() -> None:
    _deployments.clear()
