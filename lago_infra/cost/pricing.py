"""What a price rule is: a function of one resource and the :class:`Context` it sees (the whole
plan, the price table, the region's factors), registered for the resource types it prices with
``@rule(TYPE, ...)``; and the helpers the rules share. ``rules_aws`` and ``rules_gcp`` register
into ``RULES`` and ``STACK_RULES`` here; ``estimate`` imports them and runs what they registered."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from . import regions
from .model import HOURS_PER_MONTH, Factor, Line, Price

Resource = dict[str, Any]
Rule = Callable[[Resource, "Context"], Iterable[Line]]

#: Price rules by resource type, registered by rules_aws and rules_gcp.
RULES: dict[str, Rule] = {}


def rule(*types: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        for t in types:
            RULES[t] = fn
        return fn

    return register


@dataclass
class Context:
    """What a rule sees: the whole plan (to follow references), the price table and the region's
    factors per service."""

    plan: dict[str, Any]
    prices: dict[str, Price]
    #: The region's factors by service (price key or key prefix); ``default`` for anything else.
    factors: dict[str, Factor] = field(default_factory=dict)
    default: float = 1.0
    #: Factors the lines used, by service: what the estimate reports.
    used: dict[str, float] = field(default_factory=dict)
    by_urn: dict[str, Resource] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unpriced_urns: list[str] = field(default_factory=list)

    def unpriced(self, res: Resource, why: str) -> None:
        """A resource (or part of one) that bills and has no price: listed, never zero."""
        if res["urn"] not in self.unpriced_urns:
            self.unpriced_urns.append(res["urn"])
        self.warnings.append(f"{res['name']}: {why} (unpriced)")

    def __post_init__(self) -> None:
        self.by_urn = {r["urn"]: r for r in self.plan["resources"]}
        self.roles = sorted(self.plan.get("roles", {}), key=len, reverse=True)

    def of_type(self, type_: str) -> list[Resource]:
        return [r for r in self.plan["resources"] if r["type"] == type_]

    def children(self, res: Resource, type_: str | None = None) -> list[Resource]:
        return [r for r in self.plan["resources"] if r.get("parent") == res["urn"] and (type_ is None or r["type"] == type_)]

    def dependencies(self, res: Resource, type_: str) -> list[Resource]:
        return [self.by_urn[u] for u in res.get("dependencies", []) if u in self.by_urn and self.by_urn[u]["type"] == type_]

    def referrers(self, res: Resource, type_: str) -> list[Resource]:
        """Resources of ``type_`` that depend on ``res`` or are its children."""
        return [r for r in self.of_type(type_) if res["urn"] in r.get("dependencies", []) or r.get("parent") == res["urn"]]

    def factor(self, key: str) -> float:
        """The regional factor of the service a price key belongs to."""
        service = regions.service_of(key, self.factors)
        found = self.factors.get(service)
        value = found.value if found else self.default
        self.used[service] = value
        return value

    def rate(self, key: str) -> float:
        """The price per unit in this region."""
        return self.prices[key].amount * self.factor(key)

    def price_text(self, *keys: str) -> str:
        return " + ".join(self.prices[k].text(self.factor(k)) for k in keys)

    def sources(self, *keys: str) -> str:
        return " ".join(dict.fromkeys(self.prices[k].source for k in keys))

    def note(self, *keys: str, extra: str = "") -> str:
        parts = [extra] if extra else []
        parts += [f"unconfirmed: {self.prices[k].unconfirmed}" for k in keys if self.prices[k].unconfirmed]
        for k in keys:
            found = self.factors.get(regions.service_of(k, self.factors))
            if found and found.value != 1.0 and found.unconfirmed:
                parts.append(f"regional factor ×{found.value:g} unconfirmed: {found.unconfirmed}")
        return "; ".join(dict.fromkeys(parts))

    def assume(self, sentence: str) -> None:
        if sentence not in self.assumptions:
            self.assumptions.append(sentence)

    def role_of(self, res: Resource) -> str | None:
        """The Lago role a resource serves: its ``lago-role`` label, else the role its name ends with."""
        inputs = res.get("inputs", {})
        for labels in (inputs.get("labels"), (inputs.get("template") or {}).get("labels")):
            if isinstance(labels, dict) and labels.get("lago-role"):
                return str(labels["lago-role"])
        for role in self.roles:
            if res["name"].endswith(f"-{role}") or res["name"] == role:
                return role
        return None

    def line(
        self,
        res: Resource,
        tier: str,
        quantity: str,
        keys: tuple[str, ...],
        monthly: tuple[float, float],
        note: str = "",
        role: str | None | bool = True,
        name: str | None = None,
        unit_price: str | None = None,
    ) -> Line:
        return Line(
            urn=res["urn"],
            name=name or res["name"],
            type=res["type"],
            role=self.role_of(res) if role is True else (role or None),
            tier=tier,
            quantity=quantity,
            unit_price=unit_price or self.price_text(*keys),
            monthly=(round(monthly[0], 4), round(monthly[1], 4)),
            source=self.sources(*keys),
            note=self.note(*keys, extra=note),
        )


def hourly(rate: float, count: tuple[float, float] = (1, 1)) -> tuple[float, float]:
    """Monthly figures of something billed ``rate`` per hour, ``count`` of them at min and max."""
    return (rate * HOURS_PER_MONTH * count[0], rate * HOURS_PER_MONTH * count[1])


def count_range(lo: float, hi: float) -> str:
    """``2`` or ``2–6``."""
    return f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}"


def plural(lo: float, hi: float) -> str:
    return "" if lo == hi == 1 else "s"


def same(x: float) -> tuple[float, float]:
    return (x, x)


def mentions(res: Resource, name: str) -> bool:
    """Whether any input of ``res`` refers to ``name`` (physical names and ARNs derive from it)."""
    return name in json.dumps(res.get("inputs", {}), default=str)


#: Lines that belong to no single resource (a project's log ingestion), registered per cloud.
STACK_RULES: list[Callable[[Context], Iterable[Line]]] = []
