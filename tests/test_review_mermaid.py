"""plan --format mermaid: a flowchart Mermaid can parse, drawn from the plan, grouped by tier,
with the few edges a reviewer reads, and none of what talks to what lost."""

from __future__ import annotations

import re

import pytest

from lago_infra.__main__ import main
from lago_infra.review.mermaid import build, flowchart

from .conftest import STACKS

_ID = r"[A-Za-z_][\w]*"
_LABEL = r'"[^"\n]*"'
_NODE = re.compile(rf"^\s*({_ID})(\[{_LABEL}\]|\[\({_LABEL}\)\]|\(\[{_LABEL}\]\)|\{{\{{{_LABEL}\}}\}})$")
_EDGE = re.compile(rf"^\s*({_ID}) (-->|-\.->) ({_ID})$")
_SUBGRAPH = re.compile(rf"^\s*subgraph ({_ID})\[{_LABEL}\]$")


class Chart:
    def __init__(self) -> None:
        self.nodes: dict[str, str] = {}
        self.edges: list[tuple[str, str]] = []
        #: subgraph id -> the nodes declared inside it
        self.groups: dict[str, list[str]] = {}


def parse(source: str) -> Chart:
    """Nodes, subgraphs and edges of a flowchart in the subset of Mermaid's grammar the project
    writes; anything else is a syntax error. An edge may name a subgraph (Mermaid links them)."""
    lines = source.split("\n")
    assert lines[0] == "flowchart LR"
    chart = Chart()
    open_groups: list[str] = []
    for number, line in enumerate(lines[1:], 2):
        if m := _NODE.match(line):
            assert m[1] not in chart.nodes and m[1] not in chart.groups, f"line {number}: {m[1]} declared twice"
            chart.nodes[m[1]] = m[2]
            if open_groups:
                chart.groups[open_groups[-1]].append(m[1])
        elif m := _EDGE.match(line):
            chart.edges.append((m[1], m[3]))
        elif m := _SUBGRAPH.match(line):
            assert m[1] not in chart.nodes and m[1] not in chart.groups, f"line {number}: {m[1]} declared twice"
            chart.groups[m[1]] = []
            open_groups.append(m[1])
        elif line.strip() == "end":
            assert open_groups, f"line {number}: end without subgraph"
            open_groups.pop()
        else:
            raise AssertionError(f"line {number} is not flowchart syntax: {line!r}")
    assert not open_groups, "unclosed subgraph"
    for a, b in chart.edges:
        assert (a in chart.nodes or a in chart.groups) and (b in chart.nodes or b in chart.groups), (
            f"edge {a} --> {b} names an undeclared node"
        )
    return chart


def expanded(chart: Chart) -> set[tuple[str, str]]:
    """Every node-to-node relation the drawing states: an edge from or to a subgraph stands for
    each node inside it."""

    def nodes(x: str) -> list[str]:
        return chart.groups.get(x, [x])

    return {(a, b) for x, y in chart.edges for a in nodes(x) for b in nodes(y)}


def plan_chart(plan_of, stack):
    plan = plan_of(stack).to_json()
    return plan, parse(flowchart(plan))


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_draws_a_parseable_flowchart_that_loses_nothing(plan_of, stack):
    """The drawing states exactly the relations the plan gives (what each role is handed), no
    more, no fewer: grouping only draws them with fewer arrows."""
    plan, chart = plan_chart(plan_of, stack)
    for role in plan_of(stack).roles:
        assert f"role_{role.replace('-', '_')}" in chart.nodes
    assert expanded(chart) == {(a, b) for a, b, _ in build(plan).edges}
    # What talks to what: the api reaches the database and the queue, browsers reach the api
    # and the front through the edge.
    assert {("role_api", "db"), ("role_api", "queue"), ("user", "edge"), ("edge", "role_api"), ("edge", "role_front")} <= expanded(chart)


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod"])
def test_prod_diagrams_are_grouped_by_tier_with_few_edges(plan_of, stack):
    """The prod stacks have seven roles and up to five stores: one arrow per role and store
    (about 45) crossed every way. By tier, a reviewer reads about ten."""
    _, chart = plan_chart(plan_of, stack)
    assert len(chart.edges) <= 10, chart.edges
    assert chart.groups["web"] == ["role_api", "role_front"]
    assert set(chart.groups["background"]) == {"role_migrate", "role_worker", "role_worker_pdfs", "role_worker_webhook", "role_clock"}
    assert chart.groups["internal"] == ["role_pdf"]
    assert {"db", "queue", "cache", "storage"} <= set(chart.groups["data"])
    assert ("background", "data") in chart.edges and ("edge", "web") in chart.edges


def test_a_role_that_differs_from_its_tier_gets_its_own_arrow(plan_of):
    """Locally the migrate container mounts no storage volume: its tier shares the database and
    the queue, and only the roles that mount the volume draw an arrow to it."""
    _, chart = plan_chart(plan_of, "local")
    assert ("background", "db") in chart.edges and ("role_worker", "storage") in chart.edges
    assert ("role_migrate", "storage") not in expanded(chart)


def test_prod_draws_its_cache_and_secret_store(plan_of):
    _, chart = plan_chart(plan_of, "aws-prod")
    assert {"cache", "secrets", "storage"} <= set(chart.nodes)
    assert ("role_worker", "cache") in expanded(chart) and ("secrets", "role_api") in expanded(chart)
    assert ("secrets", "role_front") not in expanded(chart)
    assert "ElastiCache" in chart.nodes["cache"] and "Secrets Manager" in chart.nodes["secrets"]


def test_the_chart_follows_the_plan_not_the_target(plan_of):
    """A node exists because the plan has the resource: no cache Redis in aws-dev."""
    _, chart = plan_chart(plan_of, "aws-dev")
    assert "cache" not in chart.nodes


def test_cli_prints_the_chart(capsys):
    assert main(["plan", "--stack", "local", "--format", "mermaid"]) == 0
    parse(capsys.readouterr().out.rstrip("\n"))


def test_the_parser_rejects_what_mermaid_would():
    with pytest.raises(AssertionError):
        parse('flowchart LR\n  a["x"]\n  a --> b')
    with pytest.raises(AssertionError):
        parse('flowchart LR\n  a["x"] b')
    with pytest.raises(AssertionError):
        parse('flowchart LR\n  subgraph g["G"]\n  a["x"]')


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod"])
def test_each_store_is_the_one_lago_uses(plan_of, stack):
    """Beside Lago's bucket and Redis instances stand log buckets and, on GCP, ActionCable's own
    Redis: the chart names the ones the roles' variables point at."""
    _, chart = plan_chart(plan_of, stack)
    assert "lago-files" in chart.nodes["storage"] and "logs" not in chart.nodes["storage"]
    assert "cable" not in chart.nodes["queue"] and "cache" not in chart.nodes["queue"]
    if stack == "gcp-prod":
        assert "(cable)" in chart.nodes["cable"] and ("role_api", "cable") in expanded(chart)
