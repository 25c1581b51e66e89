"""Two roles in one container (``together.sh``, shipped beside this module): where a runtime bills
every container at least a whole vCPU, the clock runs beside a Sidekiq worker instead of alone
(Cloud Run's worker pools, ``lago:gcp.run.clockInWorker``).

The container carries the first role's environment; the second role's command runs behind
``env`` with the variables it reads differently (its own ``DATABASE_POOL``, cache pool and
timeouts; none of the worker's ``SIDEKIQ_CONCURRENCY``), so each process opens the connections
the first role's and the second role's own settings say, as the guardrails count them. The script
travels inside the command (``sh -c SCRIPT``), as the migrate wrapper does; the tests run it with
real processes, and through shellcheck.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import pulumi

from .environment import RoleDeployment

#: The script, as shipped in the package (``package-data`` in pyproject.toml).
SCRIPT = files(__package__).joinpath("together.sh").read_text(encoding="utf-8")

#: The name the supervisor runs under (``$0``, in its messages).
NAME = "lago-together"


def wrap(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    """``sh -c SCRIPT lago-together COUNT FIRST... SECOND...``."""
    if not first or not second:
        raise ValueError("each role needs a command of its own to run together (an image default cannot be named)")
    return ("sh", "-c", SCRIPT, NAME, str(len(first)), *first, *second)


def environment_delta(first: dict[str, str], second: dict[str, str]) -> tuple[str, ...]:
    """``env`` arguments that turn ``first``'s plain variables into ``second``'s: ``-u NAME`` for
    each the second does not read, ``NAME=VALUE`` for each it reads differently; () when alike."""
    unset = [arg for name in sorted(set(first) - set(second)) for arg in ("-u", name)]
    changed = [f"{name}={value}" for name, value in sorted(second.items()) if first.get(name) != value]
    return ("env", *unset, *changed) if unset or changed else ()


def command(first: RoleDeployment, second: RoleDeployment) -> pulumi.Output[list[str]]:
    """The container's command running both roles, for a container that carries ``first``'s
    environment and files. The roles must read the same secrets and files: a container has one
    set, and only plain variables can differ behind ``env``."""
    if first.env.secret_names != second.env.secret_names or set(second.files) - set(first.files):
        raise ValueError(
            f"{second.name} reads secrets or files {first.name} does not ({second.env.secret_names}, {sorted(second.files)}): "
            "they cannot share a container"
        )
    names = sorted({*first.env.plain, *second.env.plain})

    def build(values: dict[str, Any]) -> list[str]:
        resolved = {side: {n: str(values[f"{side}:{n}"]) for n in names if f"{side}:{n}" in values} for side in ("first", "second")}
        delta = environment_delta(resolved["first"], resolved["second"])
        return list(wrap(tuple(first.command), (*delta, *second.command)))

    return pulumi.Output.all(
        **{f"first:{n}": v for n, v in first.env.plain.items()}, **{f"second:{n}": v for n, v in second.env.plain.items()}
    ).apply(build)
