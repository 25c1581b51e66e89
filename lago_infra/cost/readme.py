"""The README's cost and deploy-time tables, generated from the shipped stacks' plans."""

from __future__ import annotations

import functools

import yaml

from .. import docs
from ..plan.runner import PROJECT_DIR
from . import critical_path, estimate
from .critical_path import minutes
from .model import TIERS, Estimate
from .render import span


def shipped_stacks() -> list[str]:
    return sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (PROJECT_DIR / "stacks").glob("Pulumi.*.yaml"))


@functools.lru_cache(maxsize=None)
def _plan(stack: str):
    from ..plan import run_plan

    return run_plan(stack=stack)


def _stacks_of(target: str) -> list[str]:
    """Stacks whose file names ``target`` (read from the file: planning every stack to learn its
    target would double the time of a docs check)."""
    from ..plan.runner import stack_file

    return [s for s in shipped_stacks() if (yaml.safe_load(stack_file(s).read_text()) or {}).get("config", {}).get("lago:target") == target]


def cost_table(target: str) -> str:
    stacks = _stacks_of(target)
    ests: dict[str, Estimate] = {s: estimate(_plan(s).to_json()) for s in stacks}
    head = "| per month (USD) | " + " | ".join(f"`{s}`" for s in stacks) + " |"
    out = [head, "|---" * (len(stacks) + 1) + "|"]
    for tier in TIERS:
        out.append(f"| {tier} | " + " | ".join(_cell(ests[s].by("tier").get(tier)) for s in stacks) + " |")
    roles = sorted({r for e in ests.values() for r in e.by("role")}, key=lambda r: (r == "shared", r))
    for role in roles:
        out.append(f"| role: {role} | " + " | ".join(_cell(ests[s].by("role").get(role)) for s in stacks) + " |")
    out.append("| **total** | " + " | ".join(f"**{span(ests[s].monthly)}**" for s in stacks) + " |")
    first = next(iter(ests.values()))
    out += [
        "",
        f"Minimum – maximum replica counts; list prices for {first.region} dated {first.prices_dated}, before tax, free tiers "
        "and discounts. Generated from the plans: `python -m lago_infra cost --stack NAME` itemizes every line with its "
        "quantity, unit price and pricing page (`--format markdown|json`).",
    ]
    unpriced = [f"`{s}`: {len(e.unpriced)} unpriced resources" for s, e in ests.items() if e.unpriced]
    warnings = sorted({f"`{s}`: {w}" for s, e in ests.items() for w in e.warnings})
    assumptions = list(dict.fromkeys(a for e in ests.values() for a in e.assumptions))
    if unpriced or warnings:
        out += [""] + [f"- **{x}**" for x in unpriced + warnings]
    out += ["", "Usage assumed (the plan cannot know it):", ""] + [f"- {a}" for a in assumptions]
    return "\n".join(out)


def _cell(pair: tuple[float, float] | None) -> str:
    return "—" if pair is None else span(pair)


def deploy_table(target: str) -> str:
    from .cli import bumped_plan, with_property_dependencies

    out = ["| stack | first `pulumi up` | version bump | critical path of the first `pulumi up` |", "|---|---|---|---|"]
    for s in _stacks_of(target):
        before = with_property_dependencies(_plan(s))
        up = critical_path.first_up(before)
        bump = critical_path.update(before, bumped_plan(s, None))
        chain = " → ".join(f"{step.name} ({minutes(step.seconds)})" for step in up.path if step.seconds >= 30)
        out.append(f"| `{s}` | ≈ {minutes(up.wall)} | ≈ {minutes(bump.wall)} ({bump.changed} resources) | {chain} |")
    out += [
        "",
        "Typical durations per resource type, not measurements (steps under 30 s left out of the chain). A resource "
        "starts when its dependencies finish, a component finishes when its last child does, and independent steps run "
        "in parallel; the version bump plans the same stack with the next patch version and times only what changes. "
        "`python -m lago_infra plan --stack NAME --critical-path` prints each step with its source, and every "
        "ordering-only edge on the path (a dependency none of the inputs use) with the time it costs.",
    ]
    return "\n".join(out)


@docs.generator("cost-aws")
def _cost_aws() -> str:
    return cost_table("aws")


@docs.generator("cost-gcp")
def _cost_gcp() -> str:
    return cost_table("gcp")


@docs.generator("deploy-time-aws")
def _deploy_aws() -> str:
    return deploy_table("aws")


@docs.generator("deploy-time-gcp")
def _deploy_gcp() -> str:
    return deploy_table("gcp")


