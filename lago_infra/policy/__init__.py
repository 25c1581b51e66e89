"""Guardrails: one rule set, run by the offline plan (``plan --policy``) and by the Pulumi policy
pack under ``policy/``.

    from lago_infra.policy import RULES, evaluate, view_of_plan
"""

from __future__ import annotations

from .engine import evaluate, findings_of, report
from .from_pack import view_of_pack, views_of_pack
from .from_plan import view_of_plan, views_of_plan
from .model import Finding, Resource, RoleView, Rule, StackView, Violation
from .rules import PROD_ONLY, RULES
from .target_rules import TARGETS

__all__ = [
    "Finding",
    "PROD_ONLY",
    "RULES",
    "Resource",
    "RoleView",
    "Rule",
    "StackView",
    "TARGETS",
    "Violation",
    "evaluate",
    "findings_of",
    "report",
    "view_of_pack",
    "view_of_plan",
    "views_of_pack",
    "views_of_plan",
]
