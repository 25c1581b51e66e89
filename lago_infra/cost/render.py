"""An estimate as text (a terminal), Markdown (the docs' tables, PR comments) or JSON."""

from __future__ import annotations

import json

from .model import Estimate


def money(x: float) -> str:
    return f"${x:,.0f}" if x >= 100 else f"${x:,.2f}"


def span(pair: tuple[float, float]) -> str:
    lo, hi = pair
    return money(lo) if round(lo, 2) == round(hi, 2) else f"{money(lo)} – {money(hi)}"


def _header(est: Estimate) -> str:
    if est.cloud not in ("aws", "gcp"):
        return f"Monthly estimate of stack '{est.stack}' ({est.cloud}): nothing in this plan bills a cloud account."
    moved = {s: f for s, f in est.region_factors.items() if f != 1}
    factor = "" if not moved else " (regional factors: " + ", ".join(f"{s} ×{f:g}" for s, f in moved.items()) + ")"
    lo, hi = est.monthly
    at = "at every replica count" if round(lo, 2) == round(hi, 2) else "from the minimum to the maximum replica counts"
    return (
        f"Monthly estimate of stack '{est.stack}' ({est.cloud}, {est.region}{factor}): {span(est.monthly)} {at}. "
        f"List prices dated {est.prices_dated}, USD, before tax, credits and discounts (free allowances only where a line says so)."
    )


def as_text(est: Estimate) -> str:
    out = [_header(est), ""]
    for tier, total in est.by("tier").items():
        out.append(f"{tier}: {span(total)}")
        for l in (l for l in est.lines if l.tier == tier):
            role = f" [{l.role}]" if l.role else ""
            out.append(f"  {span(l.monthly):>18}  {l.name}{role}: {l.quantity} @ {l.unit_price}")
            if l.note:
                out.append(f"{'':22}({l.note})")
    if est.lines:
        out += ["", "By role: " + ", ".join(f"{r} {span(t)}" for r, t in est.by("role").items())]
    out += _tail(est, bullet="  - ")
    sources = sorted({s for l in est.lines for s in l.source.split()})
    if sources:
        out += ["", "Prices from:"] + [f"  {s}" for s in sources]
    return "\n".join(out)


def _tail(est: Estimate, bullet: str) -> list[str]:
    out: list[str] = []
    if est.unpriced:
        out += ["", f"UNPRICED (bill, but not in the totals): {len(est.unpriced)}"] + [f"{bullet}{u}" for u in est.unpriced]
    if est.warnings:
        out += ["", "Warnings:"] + [f"{bullet}{w}" for w in est.warnings]
    if est.assumptions:
        out += ["", "Assumptions:"] + [f"{bullet}{a}" for a in est.assumptions]
    return out


def as_markdown(est: Estimate) -> str:
    out = [_header(est), "", "| Tier | Resource | Role | Quantity | Unit price | Per month |", "|---|---|---|---|---|---|"]
    for tier in est.by("tier"):
        for l in (l for l in est.lines if l.tier == tier):
            name = f"[{l.name}]({l.source.split()[0]})" if l.source else l.name
            out.append(f"| {tier} | {name} | {l.role or ''} | {l.quantity} | {l.unit_price} | {span(l.monthly)} |")
    out += ["", "| Tier | Per month |", "|---|---|"] + [f"| {t} | {span(v)} |" for t, v in est.by("tier").items()]
    out.append(f"| **total** | **{span(est.monthly)}** |")
    out += _tail(est, bullet="- ")
    return "\n".join(out)


def as_json(est: Estimate) -> str:
    return json.dumps(est.to_json(), indent=2)


FORMATS = {"text": as_text, "markdown": as_markdown, "json": as_json}
