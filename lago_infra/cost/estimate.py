"""The monthly estimate of a plan: each resource type with a price rule turns its inputs into lines;
types known to be free add nothing; anything else that bills is listed as unpriced."""

from __future__ import annotations

from typing import Any

from . import free, regions, rules_aws, rules_gcp  # noqa: F401 (rules_* register their rules on import)
from .model import Estimate, Line
from .pricing import RULES, STACK_RULES, Context, Resource

__all__ = ["RULES", "STACK_RULES", "Context", "Resource", "cloud_of", "estimate"]


def cloud_of(plan: dict[str, Any]) -> str:
    types = {r["type"].split(":", 1)[0] for r in plan["resources"]}
    for cloud in ("aws", "gcp", "docker"):
        if cloud in types:
            return cloud
    return str(plan.get("target", "unknown"))


def estimate(plan_doc: dict[str, Any]) -> Estimate:
    """The monthly estimate of a plan (the dict of ``plan --format json``, ``Plan.to_json()``)."""
    cloud = cloud_of(plan_doc)
    table = regions.table(cloud)
    region = regions.region_of(plan_doc, cloud)
    factors, default, region_warning = regions.factors(table, region)
    ctx = Context(plan=plan_doc, prices=table.PRICES if table else {}, factors=factors, default=default)
    if region_warning:
        ctx.warnings.append(region_warning)
    est = Estimate(
        stack=str(plan_doc.get("stack", "")),
        cloud=cloud,
        region=region,
        region_factors={},
        prices_dated=table.DATED if table else "",
    )
    for res in plan_doc["resources"]:
        fn = RULES.get(res["type"])
        if fn is not None:
            est.lines.extend(fn(res, ctx))
        elif not free.is_free(res["type"]):
            est.unpriced.append(res["urn"])
    est.lines.extend(_stack_lines(ctx))
    est.lines.sort(key=lambda l: (_TIER_ORDER.get(l.tier, 9), l.role or "~", l.name))
    est.unpriced.extend(u for u in ctx.unpriced_urns if u not in est.unpriced)
    est.assumptions = ctx.assumptions
    est.warnings = ctx.warnings
    est.region_factors = dict(sorted(ctx.used.items()))
    return est


def _stack_lines(ctx: Context) -> list[Line]:
    return [line for fn in STACK_RULES for line in fn(ctx)]


_TIER_ORDER = {t: i for i, t in enumerate(("compute", "data", "network", "edge", "secrets/observability"))}
