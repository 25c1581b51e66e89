"""Each rule as a pulumi-policy ``StackValidationPolicy`` (needs the ``policy`` extra). The pack
under ``policy/`` only hands these to ``PolicyPack``."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, StackValidationPolicy

from .engine import findings_of
from .from_pack import views_of_pack
from .model import Rule
from .rules import RULES

PACK_NAME = "lago-infra"


def stack_policy(rule: Rule) -> StackValidationPolicy:
    def validate(args, report_violation) -> None:
        # No view: not a lago-infra stack. Several: a program running several Lagos.
        for view in views_of_pack(args.resources, prod=args.get_config().get("prod")):
            urns = {r.name: r.urn for r in view.resources}
            for finding in findings_of(rule, view):
                report_violation(f"{finding.resource}: {finding.message}", urns.get(finding.resource))

    return StackValidationPolicy(
        name=rule.id,
        description=rule.checks,
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY if rule.mandatory else EnforcementLevel.ADVISORY,
        # {"prod": true|false} forces the prod-only rules; unset, each component's preset decides
        # (a stack named *prod* is prod where no component is recorded).
        config_schema=PolicyConfigSchema(properties={"prod": {"type": "boolean"}}),
        remediation_steps=rule.fix,
    )


def policies() -> list[StackValidationPolicy]:
    return [stack_policy(rule) for rule in RULES]
