"""The neutral view every rule reads, whichever runner built it (the offline plan or the pack)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

#: How a secret value shows in the view: the offline plan masks each secret with this marker
#: (the same marker as ``lago_infra.plan.monitor.SECRET``); extractors use it for secret references.
SECRET = "[secret]"


@dataclass
class Resource:
    urn: str
    type: str
    name: str
    parent: Optional[str] = None
    dependencies: list[str] = field(default_factory=list)
    protect: bool = False
    #: camelCase inputs as registered (offline) or the resource's properties (pack).
    inputs: dict[str, Any] = field(default_factory=dict)

    def get(self, path: str, default: Any = None) -> Any:
        """``inputs`` at a dotted path (``settings.ipConfiguration.ipv4Enabled``); lists step
        into their first element, as single-block settings are lists in some providers."""
        value: Any = self.inputs
        for part in path.split("."):
            if isinstance(value, list):
                value = value[0] if value else None
            if not isinstance(value, dict):
                return default
            value = value.get(part)
        return default if value is None else value


@dataclass
class RoleView:
    """What one Lago role runs with: its environment (secrets as ``SECRET``) and how many run."""

    name: str
    env: dict[str, Any]
    min_replicas: int = 1
    max_replicas: int = 1
    #: The image reference it runs (its tag is Lago's version); empty when unknown.
    image: str = ""


@dataclass
class StackView:
    target: str
    resources: list[Resource]
    outputs: dict[str, Any]
    roles: dict[str, RoleView]
    #: True when the data-survival rules apply (a prod stack).
    prod: bool = False
    #: True when secret values are masked (offline). Pulumi hands policy packs every secret in
    #: plain text with no mark, so there the rules can only judge where a value sits.
    secrets_masked: bool = True
    #: In a program running several Lago components, the resources none of them holds (a
    #: platform's own), on the first view only: the rules about what a cloud refuses of any
    #: resource read them too, once.
    unowned: list[Resource] = field(default_factory=list)

    def every(self, *types: str) -> list[Resource]:
        """Resources of ``types`` in the view and among the ``unowned``."""
        return [r for r in (*self.resources, *self.unowned) if r.type in types]

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]

    def depending_on(self, resource: Resource, *types: str) -> list[Resource]:
        """Resources of ``types`` that reference ``resource`` (a bucket's encryption block, a
        security group's rules): Pulumi records the reference as a dependency either way."""
        return [r for r in self.of_type(*types) if resource.urn in r.dependencies]


@dataclass(frozen=True)
class Violation:
    resource: str
    what: str
    #: Specific fix; the rule's own fix when None.
    fix: Optional[str] = None


@dataclass(frozen=True)
class Rule:
    id: str
    mandatory: bool
    #: What it checks, one sentence (the docs table and the pack's description).
    checks: str
    fix: str
    run: Callable[[StackView], Iterable[Violation]]


@dataclass(frozen=True)
class Finding:
    rule: str
    mandatory: bool
    resource: str
    message: str

    def render(self) -> str:
        level = "MANDATORY" if self.mandatory else "advisory"
        return f"[{level}] {self.rule} {self.resource}: {self.message}"
