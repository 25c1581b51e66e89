"""The cost and deploy-time tables (docs/cost.md) and the README's cost ballpark, generated from
the shipped stacks' plans."""

from __future__ import annotations

import yaml

from lago_infra.cost import alternatives, critical_path, estimate
from lago_infra.cost.critical_path import minutes
from lago_infra.cost.model import TIERS, Estimate
from lago_infra.cost.render import span

from . import ROOT, generator, plan_of


def shipped_stacks() -> list[str]:
    return sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


def _config(stack: str) -> dict:
    return (yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text()) or {}).get("config") or {}


def _stacks_of(target: str) -> list[str]:
    """Stacks whose file names ``target`` (read from the file: planning every stack to learn its
    target would double the time of a docs check)."""
    return [s for s in shipped_stacks() if _config(s).get("lago:target") == target]


def cost_table(target: str) -> str:
    stacks = _stacks_of(target)
    ests: dict[str, Estimate] = {s: estimate(plan_of(s).to_json()) for s in stacks}
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
        f"Minimum – maximum replica counts; list prices for {first.region} dated {first.prices_dated}, before tax, credits and "
        "discounts (free allowances only where a line says so). Generated from the plans: `python -m lago_infra cost --stack "
        "NAME` itemizes every line with its quantity, unit price and pricing page (`--format markdown|json`).",
    ]
    out += _compared(target, ests)
    unpriced = [f"`{s}`: {len(e.unpriced)} unpriced resources" for s, e in ests.items() if e.unpriced]
    warnings = sorted({f"`{s}`: {w}" for s, e in ests.items() for w in e.warnings})
    assumptions = list(dict.fromkeys(a for e in ests.values() for a in e.assumptions))
    if unpriced or warnings:
        out += [""] + [f"- **{x}**" for x in unpriced + warnings]
    out += ["", "Usage assumed (the plan cannot know it):", ""] + [f"- {a}" for a in assumptions]
    return "\n".join(out)


def _compared(target: str, ests: dict[str, Estimate]) -> list[str]:
    """Each stack beside what a user would otherwise pick."""
    first = next(iter(ests.values()))
    vm = alternatives.one_vm(target, first.region)
    if vm is None:
        return []
    out = [
        "",
        "Compared with what you would otherwise run Lago on:",
        "",
        f"- {vm.name}: about {span((vm.monthly, vm.monthly))} ({vm.what}).",
        f"- {alternatives.helm_text()}: "
        + "; ".join(f"`{s}`'s data tier is {span(e.by('tier').get('data', (0, 0)))}" for s, e in ests.items())
        + ".",
    ]
    for s, e in ests.items():
        data = e.by("tier").get("data", (0.0, 0.0))
        rest = (e.monthly[0] - data[0], e.monthly[1] - data[1])
        lo, hi = (round(x / vm.monthly) for x in e.monthly)
        times = f"{lo}×" if lo == hi else f"{lo}–{hi}×"
        out.append(
            f"- `{s}`: {span(e.monthly)}, about {times} the VM: {span(data)} for the managed database, Redis and object storage "
            f"(the `data` tier: backups and patching by the cloud), {span(rest)} for everything else."
        )
    return out


def _cell(pair: tuple[float, float] | None) -> str:
    return "—" if pair is None else span(pair)


def deploy_table(target: str) -> str:
    from lago_infra.cost.cli import bumped_plan, with_property_dependencies

    out = [
        "| stack | first `pulumi up` finishes | HTTPS works | version bump | critical path of the first `pulumi up` |",
        "|---|---|---|---|---|",
    ]
    for s in _stacks_of(target):
        before = with_property_dependencies(plan_of(s))
        up = critical_path.first_up(before)
        bump = critical_path.update(before, bumped_plan(None, ROOT / "stacks" / f"Pulumi.{s}.yaml"))
        chain = " → ".join(f"{step.name} ({minutes(step.seconds)})" for step in up.path if step.seconds >= 30)
        https = f"up to {minutes(up.ready)}" if up.ready > up.wall else "when `pulumi up` finishes"
        if target == "aws" and not any(r["type"] == "aws:acm/certificate:Certificate" for r in before["resources"]):
            https = "— (plain HTTP: no certificate)"
        out.append(f"| `{s}` | ≈ {minutes(up.wall)} | {https} | ≈ {minutes(bump.wall)} ({bump.changed} resources) | {chain} |")
    out += [
        "",
        "Typical durations per resource type, not measurements (steps under 30 s left out of the chain). A resource "
        "starts when its dependencies finish, a component finishes when its last child does, and independent steps run "
        "in parallel; the version bump plans the same stack with the next patch version and times only what changes. "
        "HTTPS works when `pulumi up` finishes where the certificate is validated during the deploy (ACM) or Google serves "
        "the service's own URL; a Google-managed "
        "certificate provisions after it, up to 60 minutes once the domain's DNS points at the load balancer (the figure "
        "assumes DNS is pointed as soon as the address exists). "
        "`python -m lago_infra plan --stack NAME --critical-path` prints each step with its source, and every "
        "ordering-only edge on the path (a dependency none of the inputs use) with the time it costs.",
    ]
    return "\n".join(out)


@generator("cost-aws")
def _cost_aws() -> str:
    return cost_table("aws")


@generator("cost-gcp")
def _cost_gcp() -> str:
    return cost_table("gcp")


@generator("deploy-time-aws")
def _deploy_aws() -> str:
    return deploy_table("aws")


@generator("deploy-time-gcp")
def _deploy_gcp() -> str:
    return deploy_table("gcp")


@generator("cost-ballpark")
def _ballpark() -> str:
    """The README's one table of what each shipped stack costs a month."""
    rows = ["| stack | target | preset | per month (USD) |", "|---|---|---|---|"]
    regions: dict[str, str] = {}
    dated = ""
    for s in shipped_stacks():
        config = _config(s)
        target = config.get("lago:target", "")
        est = estimate(plan_of(s).to_json())
        billed = est.monthly != (0, 0)
        if billed:
            regions[target] = est.region
            dated = est.prices_dated
        rows.append(f"| `{s}` | {target} | {config.get('lago:preset', 'dev')} | {span(est.monthly) if billed else 'nothing billed'} |")
    where = " and ".join(f"{region} ({target})" for target, region in sorted(regions.items()))
    rows += [
        "",
        f"List prices for {where} dated {dated}, before tax and discounts; a range runs from the minimum to the maximum "
        "replica counts. Computed from each stack's offline plan, with the usage assumed in "
        "[Cost and deploy time](docs/cost.md).",
    ]
    return "\n".join(rows)
