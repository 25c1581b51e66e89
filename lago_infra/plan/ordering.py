"""Creation order: the clouds' "A must exist before B" pairs, checked on a recorded plan.

The offline plan cannot show the order the engine creates things in, and the mocks accept a load
balancer before its VPC has a gateway, a task before its role has its policies. What the engine
does follow is the dependency graph: a resource is created only once every resource it depends on
(its inputs' resources, ``depends_on``, and, through its parent's URN, whatever its parent
component waits on) exists. So each cloud's pairs are a table of ``MustExistBefore`` rules (in
the target's ``ordering`` module, each with the cloud's source), and this module checks that, in a
plan, every resource a rule names waits on the resources it must come after.

A rule relates a ``first`` resource to a ``then`` resource in one of two ways:

* ``via`` unset: every ``then`` of the plan waits on every ``first`` of the plan that shares its
  provider (an API's enablement before every resource of that API in the same project);
* ``via`` a type token: a ``first`` is related to a ``then`` when both reach one resource of type
  ``via`` through their dependencies (a VPC's gateway attachment and a load balancer whose
  subnets are in that VPC; a role's policy attachment and a task definition that uses that role).
  A piece the platform brings (an id, not a resource of the plan) relates nothing: it already
  exists.

A rule with ``any_first`` is kept when ``then`` waits on one of its related ``first`` resources
(an API enabled twice in one project, by the platform and by Lago). A ``Selector`` whose type ends
in ``/*`` selects every resource of a provider module.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from ..targets.ordering import MustExistBefore, Selector
from .monitor import Registration

__all__ = ["MustExistBefore", "Selector", "Violation", "violations", "report", "rules_for"]


@dataclass(frozen=True)
class Violation:
    rule: MustExistBefore
    first: Registration
    then: Registration

    def __str__(self) -> str:
        return (
            f"{self.then.name} ({self.then.type}) does not wait for {self.first.name} ({self.first.type}): "
            f"{self.rule.why} ({self.rule.source})"
        )


#: The modules holding each cloud's table (``RULES``), by the type-token prefix of its resources.
TABLES: dict[str, str] = {
    "aws:": "lago_infra.targets.aws.ordering",
    "gcp:": "lago_infra.targets.gcp.ordering",
}


def rules_for(resources: Iterable[Registration]) -> list[MustExistBefore]:
    """The rules of every cloud that has a resource in ``resources``."""
    prefixes = {prefix for prefix in TABLES for r in resources if r.type.startswith(prefix)}
    return [rule for prefix in sorted(prefixes) for rule in importlib.import_module(TABLES[prefix]).RULES]


class _Graph:
    def __init__(self, resources: Sequence[Registration]):
        self.by_urn = {r.urn: r for r in resources}
        self._waits: dict[str, frozenset[str]] = {}

    def waits_on(self, urn: str) -> frozenset[str]:
        """Every URN ``urn`` is created after: its dependencies and its parents', transitively."""
        cached = self._waits.get(urn)
        if cached is not None:
            return cached
        seen: set[str] = set()
        todo = [urn]
        while todo:
            r = self.by_urn.get(todo.pop())
            if r is None:
                continue
            for d in (*r.dependencies, *((r.parent,) if r.parent else ())):
                if d not in seen:
                    seen.add(d)
                    todo.append(d)
        result = frozenset(seen)
        self._waits[urn] = result
        return result

    def reached(self, urn: str, type_: str, through: Optional[str] = None) -> set[str]:
        """The resources of ``type_`` that ``urn`` is or depends on (not through its parents:
        a parent component is not what a resource is placed in); with ``through``, only by way
        of the resources that input of ``urn`` uses."""
        seen: set[str] = set()
        todo = [urn]
        found: set[str] = set()
        start = self.by_urn.get(urn)
        if through is not None and start is not None:
            todo = list(start.property_dependencies.get(through, ()))
        while todo:
            u = todo.pop()
            r = self.by_urn.get(u)
            if r is None:
                continue
            if r.type == type_:
                found.add(u)
            for d in r.dependencies:
                if d not in seen:
                    seen.add(d)
                    todo.append(d)
        return found


def violations(resources: Sequence[Registration], rules: Optional[Sequence[MustExistBefore]] = None) -> list[Violation]:
    """Every pair of ``rules`` (default: the tables of the clouds present) the plan breaks."""
    graph = _Graph(resources)
    found: list[Violation] = []
    for rule in rules_for(resources) if rules is None else rules:
        firsts = [r for r in resources if rule.first.matches(r)]
        if not firsts:
            continue
        for then in (r for r in resources if rule.then.matches(r)):
            waits = graph.waits_on(then.urn)
            if rule.via is None:
                related = [f for f in firsts if f.provider == then.provider]
            else:
                placed = graph.reached(then.urn, rule.via, rule.then_through)
                related = [f for f in firsts if placed & graph.reached(f.urn, rule.via, rule.first_through)]
            missing = [f for f in related if f.urn != then.urn and f.urn not in waits]
            if rule.any_first and len(missing) < len(related):
                continue
            found.extend(Violation(rule, f, then) for f in missing)
    return found


def report(found: Sequence[Violation]) -> str:
    lines = [f"The plan creates {len(found)} resource(s) before what they need (the cloud refuses or races it):"]
    lines += [f"  - {v}" for v in found]
    lines.append("Fix: make each wait on what it needs (an input from it, or depends_on).")
    return "\n".join(lines)
