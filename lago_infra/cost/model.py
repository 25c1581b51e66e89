"""What an estimate is made of: a price (with its source), a line (one billable thing of the plan)
and the estimate itself (lines, totals, what could not be priced, the assumptions used)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Hours in an average month (365 * 24 / 12), the convention of both clouds' pricing pages.
HOURS_PER_MONTH = 730

TIERS = ("compute", "data", "network", "edge", "secrets/observability")


@dataclass(frozen=True)
class Price:
    """A list price in USD per ``unit`` in the cloud's reference region, and where it comes from."""

    amount: float
    unit: str
    source: str
    #: Set when the figure could not be confirmed against the pricing page when the table was dated.
    unconfirmed: str = ""

    def text(self, factor: float = 1.0) -> str:
        return f"${_figure(self.amount * factor)}/{self.unit}"


@dataclass(frozen=True)
class Factor:
    """A service's price in one region divided by its price in the table's reference region, read
    from the regional table of the service's pricing page (``source``)."""

    value: float
    source: str
    #: Set when the regional figure could not be checked against the page when the table was dated.
    unconfirmed: str = ""


@dataclass
class Line:
    urn: str
    name: str
    type: str
    role: str | None
    tier: str
    quantity: str
    unit_price: str
    #: USD per month at the minimum and at the maximum replica counts.
    monthly: tuple[float, float]
    source: str
    #: The assumption or caveat behind the figure, when there is one.
    note: str = ""


@dataclass
class Estimate:
    stack: str
    cloud: str
    region: str
    #: Multiplier applied to the reference region's prices, per service (price-key prefix) used by
    #: the lines: 1.0 everywhere in the reference region.
    region_factors: dict[str, float]
    prices_dated: str
    lines: list[Line] = field(default_factory=list)
    #: URNs of resources that bill but have no price rule: never counted as zero silently.
    unpriced: list[str] = field(default_factory=list)
    #: Usage assumptions the figures rest on (requests, storage, log volume...), as sentences.
    assumptions: list[str] = field(default_factory=list)
    #: Things in the plan the cloud would not run as written, found while pricing.
    warnings: list[str] = field(default_factory=list)

    @property
    def monthly(self) -> tuple[float, float]:
        return (round(sum(l.monthly[0] for l in self.lines), 2), round(sum(l.monthly[1] for l in self.lines), 2))

    def by(self, key: str) -> dict[str, tuple[float, float]]:
        """Totals per ``tier`` or per ``role`` (lines with no role under "shared")."""
        totals: dict[str, list[float]] = {}
        for line in self.lines:
            group = getattr(line, key) or "shared"
            t = totals.setdefault(group, [0.0, 0.0])
            t[0] += line.monthly[0]
            t[1] += line.monthly[1]
        order = list(TIERS) if key == "tier" else sorted(totals, key=lambda g: (g == "shared", g))
        return {g: (round(totals[g][0], 2), round(totals[g][1], 2)) for g in order if g in totals}

    def to_json(self) -> dict[str, Any]:
        lo, hi = self.monthly
        return {
            "stack": self.stack,
            "cloud": self.cloud,
            "region": self.region,
            "region_factors": dict(self.region_factors),
            "prices_dated": self.prices_dated,
            "currency": "USD",
            "monthly": {"min": lo, "max": hi},
            "by_tier": {k: {"min": v[0], "max": v[1]} for k, v in self.by("tier").items()},
            "by_role": {k: {"min": v[0], "max": v[1]} for k, v in self.by("role").items()},
            "lines": [{**asdict(l), "monthly": {"min": round(l.monthly[0], 2), "max": round(l.monthly[1], 2)}} for l in self.lines],
            "unpriced": list(self.unpriced),
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
        }


def _figure(x: float) -> str:
    """A unit price with the digits it needs: 0.000018, 0.0252, 5."""
    if x == 0:
        return "0"
    if x >= 1:
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:.8f}".rstrip("0")
