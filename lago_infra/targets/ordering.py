"""The vocabulary of the clouds' creation-order tables (``targets/<cloud>/ordering.py``):
"A must exist before B", each pair with the cloud's source. Data only; the plan tooling checks
plans against the tables (``lago_infra.plan.ordering``), and deploy code makes each resource wait
on what its table says it needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Protocol


class Registered(Protocol):
    """What a rule reads of a resource: its type token and its inputs."""

    type: str
    inputs: dict[str, Any]


#: A predicate over a registration's recorded inputs; ``None`` matches every resource of the type.
Where = Optional[Callable[[dict[str, Any]], bool]]


@dataclass(frozen=True)
class Selector:
    """Resources of ``type`` (a Pulumi type token) whose inputs satisfy ``where``. A type ending in
    ``/*`` (``gcp:compute/*``) selects every resource of that provider module."""

    type: str
    where: Where = None
    #: Says what ``where`` selects, for messages (``"internet-facing"``).
    described: str = ""

    def matches(self, r: Registered) -> bool:
        of_type = r.type.startswith(self.type[:-1]) if self.type.endswith("/*") else r.type == self.type
        return of_type and (self.where is None or bool(self.where(r.inputs)))

    def __str__(self) -> str:
        short = self.type.split(":")[-1]
        return f"{short} ({self.described})" if self.described else short


@dataclass(frozen=True)
class MustExistBefore:
    """``first`` must exist before ``then`` is created: the cloud refuses, or races, otherwise."""

    first: Selector
    then: Selector
    #: Why, in one sentence a reviewer understands.
    why: str
    #: Where the cloud says so (a documentation URL, or the provider's source).
    source: str
    #: Relate each ``then`` to the ``first`` resources that reach the same resource of this type
    #: (see the module's docstring); ``None``: to every ``first`` of the same provider.
    via: Optional[str] = None
    #: With ``via``: the input of ``first`` that places it (a role policy is the policy of its
    #: ``role``, whatever other roles its document names); ``None``: all its dependencies.
    first_through: Optional[str] = None
    #: The same for ``then``: the input that places it (server access logging is delivered to
    #: its ``targetBucket``, not to the bucket it logs).
    then_through: Optional[str] = None
    #: Waiting on one related ``first`` is enough (the same API enabled by the platform and by
    #: Lago: each resource needs one enablement, not both); False: on every one.
    any_first: bool = False
