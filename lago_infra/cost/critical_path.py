"""The deploy-time estimate: the longest chain of the plan's dependency graph, weighted by how long
each resource typically takes (``durations``).

The graph. A resource starts when every resource in its ``dependencies`` has finished (what the
engine does). A component resource has no provider call: it finishes when its last child does,
so an edge runs from each child to its component (a resource that depends on a component waits
for all of the component's children; the plan lists those dependencies already expanded). A
custom resource's children (a certificate's validation) only follow their own dependencies.
Unbounded parallelism is assumed: the engine runs independent steps concurrently.

An edge is *ordering-only* when the dependent's inputs never refer to the resource it waits for:
it came from ``depends_on``, not from data. Those on the critical path are reported with the time
they cost, for the owner of the target to keep (with its reason) or remove."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .durations import Duration, duration, is_component

Resource = dict[str, Any]

#: Types a change replaces rather than updates: what consumes their outputs changes with them.
REPLACED_ON_CHANGE = {"aws:ecs/taskDefinition:TaskDefinition", "random:index/randomId:RandomId"}


@dataclass
class Step:
    urn: str
    name: str
    type: str
    seconds: int
    finish: int
    why: str
    source: str


@dataclass
class Edge:
    before: str
    after: str
    seconds_saved: int
    #: Why the order is needed when no data flows, if the edge is a known one; empty: a candidate to remove.
    reason: str = ""


#: Ordering-only edges that are needed, by (type waited for, type waiting): the reason and its source.
NEEDED: dict[tuple[str, str], str] = {
    (
        "gcp:servicenetworking/connection:Connection",
        "gcp:sql/databaseInstance:DatabaseInstance",
    ): "a private-IP instance needs the private services access peering first "
    "(https://cloud.google.com/sql/docs/postgres/configure-private-services-access)",
    (
        "gcp:servicenetworking/connection:Connection",
        "gcp:redis/instance:Instance",
    ): "PRIVATE_SERVICE_ACCESS mode needs the peering first (https://cloud.google.com/memorystore/docs/redis/networking)",
    ("gcp:cloudrunv2/job:Job", "gcp:cloudrunv2/service:Service"): "the release's migrations must succeed before it serves",
    ("gcp:cloudrunv2/job:Job", "gcp:cloudrunv2/workerPool:WorkerPool"): "the release's migrations must succeed before workers run it",
    ("aws:lambda/invocation:Invocation", "aws:ecs/service:Service"): "the release's migrations must succeed before it serves",
    (
        "aws:ecs/service:Service",
        "aws:ecs/service:Service",
    ): "a Service Connect client only reaches endpoints registered before its tasks start, so the "
    "backend services start after pdf "
    "(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html)",
    (
        "gcp:projects/service:Service",
        "*",
    ): "a project creates a service's resources only once its API is enabled (https://cloud.google.com/service-usage/docs/enable-disable)",
    (
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/natGateway:NatGateway",
    ): "a public NAT gateway needs the VPC's internet gateway (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html)",
}


@dataclass
class Settling:
    """A resource that keeps working after the engine is done with it (a managed certificate)."""

    name: str
    type: str
    #: When it starts (the last resource that uses it is up) and how long it may take after that.
    start: int
    seconds: int
    why: str
    source: str


@dataclass
class Timeline:
    kind: str  # "first up" or "version bump"
    #: When `pulumi up` finishes.
    wall: int
    path: list[Step]
    ordering_only: list[Edge] = field(default_factory=list)
    changed: int = 0
    #: What still settles after `pulumi up` finishes, and when everything works (HTTPS included).
    settling: list[Settling] = field(default_factory=list)

    @property
    def ready(self) -> int:
        return max([self.wall] + [s.start + s.seconds for s in self.settling])


def _graph(plan: dict[str, Any]) -> tuple[dict[str, Resource], dict[str, set[str]]]:
    """Resources by URN and, per URN, what must finish before it does."""
    by_urn = {r["urn"]: r for r in plan["resources"]}
    preds: dict[str, set[str]] = {u: set() for u in by_urn}
    ancestors = {u: _ancestors(u, by_urn) for u in by_urn}
    for r in plan["resources"]:
        for d in r.get("dependencies") or []:
            # A resource waiting on one of its own ancestor components would wait on itself.
            if d in by_urn and d not in ancestors[r["urn"]]:
                preds[r["urn"]].add(d)
        parent = r.get("parent")
        if parent in by_urn and is_component(by_urn[parent]["type"]):
            preds[parent].add(r["urn"])
    return by_urn, preds


def _ancestors(urn: str, by_urn: dict[str, Resource]) -> set[str]:
    out, parent = set(), by_urn[urn].get("parent")
    while parent in by_urn and parent not in out:
        out.add(parent)
        parent = by_urn[parent].get("parent")
    return out


def _longest(
    by_urn: dict[str, Resource], preds: dict[str, set[str]], weight: dict[str, int]
) -> tuple[dict[str, int], dict[str, str | None]]:
    finish: dict[str, int] = {}
    via: dict[str, str | None] = {}
    state: dict[str, int] = {}

    def visit(u: str) -> int:
        # Iterative depth-first search: plans are deep enough to trouble recursion limits.
        stack = [(u, iter(sorted(preds[u])))]
        state[u] = 1
        while stack:
            node, it = stack[-1]
            nxt = next((p for p in it if state.get(p) != 2 and state.get(p) != 1), None)
            if nxt is not None:
                state[nxt] = 1
                stack.append((nxt, iter(sorted(preds[nxt]))))
                continue
            stack.pop()
            done = [p for p in preds[node] if p in finish]
            best = max(done, key=lambda p: (finish[p], p), default=None)
            finish[node] = weight[node] + (finish[best] if best else 0)
            via[node] = best
            state[node] = 2
        return finish[u]

    for u in sorted(by_urn):
        if u not in finish:
            visit(u)
    return finish, via


def _timeline(plan: dict[str, Any], weight: dict[str, int], kind: str, info: dict[str, Duration], changed: int = 0) -> Timeline:
    by_urn, preds = _graph(plan)
    finish, via = _longest(by_urn, preds, weight)
    end = max(finish, key=lambda u: (finish[u], u)) if finish else None
    chain: list[str] = []
    while end is not None:
        chain.append(end)
        end = via[end]
    chain.reverse()
    wall = max(finish.values(), default=0)
    path = [
        Step(u, by_urn[u]["name"], by_urn[u]["type"], weight[u], finish[u], info[u].why, info[u].source) for u in chain if weight[u] > 0
    ]
    timeline = Timeline(kind, wall, path, changed=changed, settling=_settling(by_urn, preds, finish, weight, info))
    # Ordering-only edges on the path: what removing each one would save.
    for before, after in zip(chain, chain[1:]):
        if weight[before] == 0 or before not in by_urn[after].get("dependencies", []):
            continue  # waiting on something that takes no time costs nothing
        if _refers(by_urn[after], by_urn[before], by_urn):
            continue
        cut = {u: set(p) for u, p in preds.items()}
        cut[after].discard(before)
        shorter = max(_longest(by_urn, cut, weight)[0].values(), default=0)
        pair = (by_urn[before]["type"], by_urn[after]["type"])
        reason = NEEDED.get(pair) or NEEDED.get((pair[0], "*"), "")
        timeline.ordering_only.append(Edge(by_urn[before]["name"], by_urn[after]["name"], wall - shorter, reason))
    return timeline


def _settling(
    by_urn: dict[str, Resource], preds: dict[str, set[str]], finish: dict[str, int], weight: dict[str, int], info: dict[str, Duration]
) -> list[Settling]:
    """Resources that settle after the engine is done with them, each starting once the last
    resource that depends on it (directly or not) has finished: a certificate provisions once the
    proxy and forwarding rule that serve it exist."""
    users: dict[str, set[str]] = {u: set() for u in by_urn}
    for u, ps in preds.items():
        for p in ps:
            users[p].add(u)
    out = []
    for u, d in info.items():
        if not d.settles or weight.get(u, 0) == 0:
            continue
        seen, todo = set(), [u]
        while todo:
            for v in users[todo.pop()] - seen:
                seen.add(v)
                todo.append(v)
        start = max([finish[u]] + [finish[v] for v in seen if not is_component(by_urn[v]["type"])])
        out.append(Settling(by_urn[u]["name"], by_urn[u]["type"], start, d.settles, d.why, d.source))
    return out


def _refers(res: Resource, other: Resource, by_urn: dict[str, Resource]) -> bool:
    """Whether an input of ``res`` uses an output of ``other`` (or of a resource inside it). Plans
    recorded with ``property_dependencies`` say so exactly; older plan files fall back to names
    (the mocks derive physical names, ids and ARNs from the logical name)."""
    if "property_dependencies" in res:
        used = {u for urns in res["property_dependencies"].values() for u in urns}
        inside = {u for u in by_urn if other["urn"] in _ancestors(u, by_urn)}
        return bool(used & ({other["urn"]} | inside))
    return other["name"] in json.dumps(res.get("inputs", {}), default=str)


def first_up(plan: dict[str, Any]) -> Timeline:
    info = {r["urn"]: duration(r) for r in plan["resources"]}
    return _timeline(plan, {u: d.create for u, d in info.items()}, "first `pulumi up`", info)


def changed_by(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """URNs a move from plan ``before`` to plan ``after`` creates or updates: changed inputs, new
    resources, and the dependents of replaced resources (whose outputs the mocks keep stable)."""
    old = {r["urn"]: r for r in before["resources"]}
    new = {r["urn"]: r for r in after["resources"]}
    changed = {u for u, r in new.items() if u not in old or _inputs(old[u]) != _inputs(r)}
    grew = True
    while grew:
        grew = False
        for r in new.values():
            if r["urn"] in changed:
                continue
            if any(d in changed and new[d]["type"] in REPLACED_ON_CHANGE for d in r.get("dependencies") or [] if d in new):
                changed.add(r["urn"])
                grew = True
    return {u for u in changed if not is_component(new[u]["type"])}


def _inputs(r: Resource) -> str:
    return json.dumps(r.get("inputs", {}), sort_keys=True, default=str)


def update(before: dict[str, Any], after: dict[str, Any]) -> Timeline:
    info = {r["urn"]: duration(r) for r in after["resources"]}
    changed = changed_by(before, after)
    weight = {u: (d.update if u in changed else 0) for u, d in info.items()}
    return _timeline(after, weight, "version bump", info, changed=len(changed))


def minutes(seconds: int) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m} min {s:02d} s" if m else f"{s} s"


def as_text(stack: str, timelines: list[Timeline]) -> str:
    out = [f"Deploy-time estimate of stack '{stack}' (typical durations per resource type; unbounded parallelism):"]
    for t in timelines:
        extra = f", {t.changed} resources change" if t.kind == "version bump" else ""
        out += ["", f"{t.kind}: `pulumi up` finishes in about {minutes(t.wall)}{extra}."]
        for s in t.settling:
            out.append(f"  {s.name} ({s.type}) settles after that: up to {minutes(s.seconds)} from {minutes(s.start)} ({s.why}).")
        if t.settling:
            out.append(f"  Everything works (HTTPS included) after up to {minutes(t.ready)}.")
        out.append("  Critical path:")
        if not t.path:
            out.append("  (nothing waits)")
        for step in t.path:
            why = f"  ({step.why})" if step.why else ""
            out.append(f"  {minutes(step.finish):>13}  +{minutes(step.seconds):<10} {step.type}  {step.name}{why}")
        if t.ordering_only:
            out.append("  Ordering-only edges on this path (depends_on, no data flows):")
            for e in t.ordering_only:
                verdict = f"needed: {e.reason}" if e.reason else "no known reason: a candidate to run in parallel"
                out.append(f"    {e.before} -> {e.after} ({verdict}); removing it would save {minutes(e.seconds_saved)}")
    sources = sorted({s.source for t in timelines for s in [*t.path, *t.settling] if s.source.startswith("http")})
    if sources:
        out += ["", "Durations from:"] + [f"  {s}" for s in sources]
    return "\n".join(out)
