"""Runs the rules over a view and reports findings."""

from __future__ import annotations

from typing import Iterable, Optional

from .model import Finding, Rule, StackView
from .rules import PROD_ONLY, RULES


def applies(rule: Rule, view: StackView) -> bool:
    return view.prod or rule.id not in PROD_ONLY


def findings_of(rule: Rule, view: StackView) -> list[Finding]:
    if not applies(rule, view):
        return []
    return [Finding(rule.id, rule.mandatory, v.resource, f"{v.what}. Fix: {v.fix or rule.fix}") for v in rule.run(view)]


def evaluate(view: StackView, rules: Iterable[Rule] = RULES) -> list[Finding]:
    return [f for rule in rules for f in findings_of(rule, view)]


def report(findings: list[Finding], stack: Optional[str] = None) -> str:
    mandatory = sum(f.mandatory for f in findings)
    head = f"Policy{f' of stack {stack!r}' if stack else ''}: {mandatory} mandatory violation(s), {len(findings) - mandatory} advisory finding(s)"
    return "\n".join([head, *(f"  {f.render()}" for f in findings)])
