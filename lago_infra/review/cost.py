"""The monthly cost delta of a change, from the project's cost estimate of each plan.

``lago_infra.cost.estimate(plan_doc)`` prices one plan: ``.monthly`` is a (min, max) range in
USD, ``.lines`` one priced resource each (``urn``, ``name``, ``type``, ``role``, ``monthly``),
``.unpriced`` what it could not price. This module only compares two estimates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

Range = tuple[float, float]


@dataclass(frozen=True)
class LineDelta:
    name: str
    type: str
    before: Optional[Range]
    after: Optional[Range]


@dataclass
class CostDelta:
    before: Optional[Range]
    after: Range
    changed: list[LineDelta] = field(default_factory=list)
    unpriced: list[str] = field(default_factory=list)

    def headline(self) -> str:
        if not any(self.after) and not any(self.before or ()):
            return "$0 (nothing billed by a cloud)"
        if self.before is None:
            return f"{money(self.after)} (new stack)"
        low, high = self.after[0] - self.before[0], self.after[1] - self.before[1]
        delta = "no change" if (round(low), round(high)) == (0, 0) else _signed(low, high)
        return f"{money(self.before)} → {money(self.after)} ({delta})"

    def lines(self) -> list[str]:
        out = [
            f"{c.name} ({c.type}): {money(c.before) if c.before else 'new'} → {money(c.after) if c.after else 'removed'}"
            for c in self.changed
        ]
        if self.unpriced:
            out.append(f"not priced: {', '.join(self.unpriced)}")
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "before": self.before,
            "after": self.after,
            "changed": [c.__dict__ for c in self.changed],
            "unpriced": self.unpriced,
        }


def money(r: Range) -> str:
    low, high = round(r[0]), round(r[1])
    return f"${low:,}" if low == high else f"${low:,}–${high:,}"


def _signed(low: float, high: float) -> str:
    def one(v: float) -> str:
        return f"{'+' if v >= 0 else '-'}${abs(round(v)):,}"

    return one(low) if round(low) == round(high) else f"{one(low)} to {one(high)}"


def _default_estimate() -> Optional[Callable[[dict[str, Any]], Any]]:
    try:
        from ..cost import estimate
    except ImportError:
        return None
    return estimate


def cost_delta(
    base: Optional[dict[str, Any]], head: dict[str, Any], estimate: Optional[Callable[[dict[str, Any]], Any]] = None
) -> Optional[CostDelta]:
    """The delta from ``base`` (None: a new stack) to ``head``; None when no estimate is available."""
    estimate = estimate or _default_estimate()
    if estimate is None:
        return None
    after = estimate(head)
    before = estimate(base) if base is not None else None
    # By resource and line: one resource may bill on several lines (a service's tasks and their
    # public addresses, a database's instance and its storage).
    old = {(line.urn, line.name): line for line in before.lines} if before is not None else {}
    new = {(line.urn, line.name): line for line in after.lines}
    changed = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        ma, mb = (tuple(a.monthly) if a else None), (tuple(b.monthly) if b else None)
        # Changes below a dollar (a log estimate following a replica count) are noise here.
        if before is not None and _shown(ma) != _shown(mb):
            line = b or a
            changed.append(LineDelta(line.name, line.type, ma, mb))
    return CostDelta(
        before=tuple(before.monthly) if before is not None else None,
        after=tuple(after.monthly),
        changed=changed,
        unpriced=sorted({_label(u) for u in after.unpriced}),
    )


def _shown(r: Optional[Range]) -> Optional[str]:
    return money(r) if r is not None else None


def _label(unpriced: Any) -> str:
    """An unpriced entry (a URN) by its resource name."""
    return str(getattr(unpriced, "name", unpriced)).rsplit("::", 1)[-1]
