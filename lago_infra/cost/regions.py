"""Which price table and region factor apply to a plan."""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

from . import prices_aws, prices_gcp
from .model import Factor

_TABLES = {"aws": prices_aws, "gcp": prices_gcp}


def table(cloud: str) -> ModuleType | None:
    return _TABLES.get(cloud)


def region_of(plan: dict[str, Any], cloud: str) -> str:
    """The region the plan deploys to, read from what it registers (not from the stack's name):
    GCP resources carry ``region``/``location``; AWS resources carry it in ARNs and zone names."""
    if cloud == "gcp":
        for r in plan["resources"]:
            for key in ("region", "location"):
                value = r.get("inputs", {}).get(key)
                if isinstance(value, str) and re.fullmatch(r"[a-z]+-[a-z]+\d+", value):
                    return value
        return prices_gcp.REFERENCE_REGION
    if cloud == "aws":
        for r in plan["resources"]:
            zone = r.get("inputs", {}).get("availabilityZone")
            if isinstance(zone, str) and re.fullmatch(r"[a-z]{2}-[a-z]+-\d[a-z]", zone):
                return zone[:-1]
        for r in plan["resources"]:
            found = re.search(r"arn:aws:[a-z0-9-]+:([a-z]{2}-[a-z]+-\d):", str(r.get("inputs", {})))
            if found:
                return found.group(1)
        return prices_aws.REFERENCE_REGION
    return ""


def factors(tbl: ModuleType | None, region: str) -> tuple[dict[str, Factor], float, str]:
    """The factors of ``region``'s services (by price key or key prefix), the factor for anything
    they do not cover, and a warning when the region has no table at all (a rough guess then)."""
    if tbl is None:
        return {}, 1.0, ""
    table = {service: by_region[region] for service, by_region in tbl.REGION_FACTORS.items() if region in by_region}
    if table:
        return table, tbl.DEFAULT_FACTOR, ""
    return (
        {},
        tbl.DEFAULT_FACTOR,
        (f"no regional factors for {region}: {tbl.REFERENCE_REGION} prices x{tbl.DEFAULT_FACTOR} (a rough, pessimistic guess)"),
    )


def service_of(key: str, table: dict[str, Factor]) -> str:
    """The entry of the factor table a price key falls under: the whole key, else its prefix."""
    return key if key in table else key.split(".", 1)[0]
