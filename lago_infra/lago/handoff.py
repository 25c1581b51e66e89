"""What the program handed each role, for a runner that records its run (the offline plan).

Providers often force a whole input secret when one value in it is (a Docker ``envs`` list, an
ECS container definition), which would hide every variable name from a reviewer. A runner that
wants every role's variables, each secret masked on its own, opens :func:`recording` around the
program it runs; each ``LagoDeployment`` built inside records itself there. The record belongs to
that run alone: outside one (under a real engine) nothing is kept, and two runs in one process
never see each other's deployments.
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import TYPE_CHECKING, Iterator, Optional

if TYPE_CHECKING:
    from .environment import LagoDeployment

_recording: contextvars.ContextVar[Optional[list["LagoDeployment"]]] = contextvars.ContextVar("lago_infra_deployments", default=None)


@contextlib.contextmanager
def recording() -> Iterator[list["LagoDeployment"]]:
    """The deployments the program builds while this is open, in the order it builds them."""
    deployments: list["LagoDeployment"] = []
    token = _recording.set(deployments)
    try:
        yield deployments
    finally:
        _recording.reset(token)


def record(deployment: "LagoDeployment") -> None:
    """Called by each ``LagoDeployment`` as it is built: kept when a run is being recorded."""
    deployments = _recording.get()
    if deployments is not None:
        deployments.append(deployment)
