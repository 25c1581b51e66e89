"""The one list of targets: what each is called, where its parts live and what it deploys with.

Everything that needs to know the targets reads this list: the settings model (each target's
``lago:<target>`` section, presets and checks), the ready program and the component package (the
component to build), the stack-key checks (each target's provider namespace), the package's
exports, and the tooling (the guardrails' part of each target, the policy pack's component
types). A new runtime is a folder under ``targets/`` and one entry below (plus its typed section
in ``LagoSettings``, which the model checks against this list when it is imported).

Parts are named ``"module:attribute"`` and imported only when asked for, so this module imports
nothing: the settings model reads it before any deploy code is loaded, and the guardrails' parts
it names (tooling) are imported by the tooling alone, never by deploy code.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass(frozen=True)
class TargetSpec:
    """One target. Every ``"module:attribute"`` part is imported by :meth:`load`."""

    #: ``lago:target``'s value, and the name of the target's own section (``lago:aws``).
    name: str
    #: What it runs Lago on, in a phrase (docstrings and the docs).
    where: str
    #: The Pulumi provider its resources come from: the ``pulumi_<provider>`` package, the stack
    #: keys' namespace (``aws:region``) and the prefix of its resource types (``aws:``).
    provider: str
    #: The component class that deploys it.
    component: str
    #: The component's Pulumi type token. Never changes: every deployed stack's state holds it.
    type_token: str
    #: The component package's name for the component (``lago-infra:index:<name>``), which its
    #: type token fixes for good.
    package_component: str
    #: The section model of ``lago:<name>``.
    settings: str
    #: What each preset sets in the section: ``{"dev": {...}, "prod": {...}}``.
    presets: str
    #: The target's checks of the whole settings, in the same round as every key:
    #: ``(settings, provider keys) -> list[Problem]``.
    checks: str
    #: The target's part of the guardrails (``TargetPolicy``): tooling, imported by the tooling.
    policy: str
    #: What each preset changes among the keys every target shares (a worker sized to the
    #: target's database), when it changes any.
    shared_presets: Optional[str] = None
    #: Other names the component class is importable under (the one it had before).
    aliases: tuple[str, ...] = field(default_factory=tuple)

    def load(self, part: str) -> Any:
        """The object a part names (``spec.load("component")``), its module imported now."""
        module, _, attribute = getattr(self, part).partition(":")
        return getattr(importlib.import_module(module), attribute)

    @property
    def class_name(self) -> str:
        """The component class's name (``LagoAws``)."""
        return self.component.partition(":")[2]

    @property
    def module(self) -> str:
        """The module of the component class."""
        return self.component.partition(":")[0]


TARGETS: dict[str, TargetSpec] = {
    spec.name: spec
    for spec in (
        TargetSpec(
            name="local",
            where="one Docker host (Lago's compose layout)",
            provider="docker",
            component="lago_infra.targets.local.component:LagoLocal",
            type_token="lago:local:LagoDocker",
            package_component="LagoDocker",
            aliases=("LagoDocker",),
            settings="lago_infra.targets.local.settings:LocalSettings",
            presets="lago_infra.targets.local.settings:PRESETS",
            checks="lago_infra.targets.local.checks:settings_problems",
            policy="lago_infra.policy.target_rules.local:TARGET",
        ),
        TargetSpec(
            name="aws",
            where="AWS (ECS Fargate behind an ALB, RDS, ElastiCache, S3, Secrets Manager)",
            provider="aws",
            component="lago_infra.targets.aws.component:LagoAws",
            type_token="lago:aws:LagoAws",
            package_component="LagoAws",
            settings="lago_infra.targets.aws.settings:AwsSettings",
            presets="lago_infra.targets.aws.settings:PRESETS",
            shared_presets="lago_infra.targets.aws.settings:SHARED_PRESETS",
            checks="lago_infra.targets.aws.checks:settings_problems",
            policy="lago_infra.policy.target_rules.aws:TARGET",
        ),
        TargetSpec(
            name="gcp",
            where="GCP (Cloud Run, Cloud SQL, Memorystore, GCS, Secret Manager)",
            provider="gcp",
            component="lago_infra.targets.gcp.component:LagoGcp",
            type_token="lago:gcp:LagoGcp",
            package_component="LagoGcp",
            settings="lago_infra.targets.gcp.settings:GcpSettings",
            presets="lago_infra.targets.gcp.settings:PRESETS",
            shared_presets="lago_infra.targets.gcp.settings:SHARED_PRESETS",
            checks="lago_infra.targets.gcp.preflight:settings_problems",
            policy="lago_infra.policy.target_rules.gcp:TARGET",
        ),
    )
}

#: Providers every target uses besides its own: Lago's secrets are generated with these.
SHARED_PROVIDERS = ("random", "tls")


def spec_of(target: str) -> TargetSpec:
    """The spec of ``target`` (a ``lago:target`` value)."""
    return TARGETS[target]


def by_type_token(type_token: str) -> Optional[TargetSpec]:
    """The target whose component has ``type_token``, if any."""
    return next((spec for spec in TARGETS.values() if spec.type_token == type_token), None)
