"""The guardrails' rule table (docs/guardrails.md), generated from the rules themselves: each
rule's id, level, the targets that implement it, what it checks and how to fix it."""

from __future__ import annotations

from lago_infra.policy.rules import PROD_ONLY, RULES
from lago_infra.policy.targets import TARGETS

from . import generator

#: Rules whose check reads Lago's roles (every target has them) and rules run on every plan, a
#: platform's own resources too: told apart by the module their check lives in.
_ROLE_RULE_MODULES = ("lago_infra.policy.rules.lago", "lago_infra.policy.rules.secrets")


def _scope(rule) -> str:
    targets = [name for name, target in TARGETS.items() if rule.id in target.checks]
    if targets:
        return ", ".join(targets)
    if rule.run.__module__ in _ROLE_RULE_MODULES:
        return "all"
    return "every plan"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;")


@generator("policy-rules")
def rules_table() -> str:
    rows = ["| id | level | targets | what it checks | how to fix |", "|---|---|---|---|---|"]
    for rule in RULES:
        level = "advisory" if not rule.mandatory else "mandatory (prod)" if rule.id in PROD_ONLY else "mandatory"
        rows.append(f"| `{rule.id}` | {level} | {_scope(rule)} | {_cell(rule.checks)} | {_cell(rule.fix)} |")
    return "\n".join(rows)
