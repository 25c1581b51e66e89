"""plan --format mermaid: a flowchart Mermaid can parse, drawn from the plan."""

from __future__ import annotations

import re

import pytest

from lago_infra.__main__ import main
from lago_infra.review.mermaid import flowchart

from .conftest import STACKS

_ID = r"[A-Za-z_][\w]*"
_LABEL = r'"[^"\n]*"'
_NODE = re.compile(rf"^\s*({_ID})(\[{_LABEL}\]|\[\({_LABEL}\)\]|\(\[{_LABEL}\]\)|\{{\{{{_LABEL}\}}\}})$")
_EDGE = re.compile(rf"^\s*({_ID}) (-->|-\.->) ({_ID})$")
_SUBGRAPH = re.compile(rf"^\s*subgraph ({_ID})\[{_LABEL}\]$")


def parse(source: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Nodes and edges of a flowchart in the subset of Mermaid's grammar the project writes;
    anything else is a syntax error."""
    lines = source.split("\n")
    assert lines[0] == "flowchart LR"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str]] = []
    depth = 0
    for number, line in enumerate(lines[1:], 2):
        if m := _NODE.match(line):
            assert m[1] not in nodes, f"line {number}: node {m[1]} declared twice"
            nodes[m[1]] = m[2]
        elif m := _EDGE.match(line):
            edges.append((m[1], m[3]))
        elif _SUBGRAPH.match(line):
            depth += 1
        elif line.strip() == "end":
            depth -= 1
            assert depth >= 0, f"line {number}: end without subgraph"
        else:
            raise AssertionError(f"line {number} is not flowchart syntax: {line!r}")
    assert depth == 0, "unclosed subgraph"
    for a, b in edges:
        assert a in nodes and b in nodes, f"edge {a} --> {b} names an undeclared node"
    return nodes, edges


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_draws_a_parseable_flowchart(plan_of, stack):
    plan = plan_of(stack)
    nodes, edges = parse(flowchart(plan.to_json()))
    for role in plan.roles:
        assert f"role_{role.replace('-', '_')}" in nodes
    # What talks to what: the api reaches the database and the queue, browsers reach the api
    # and the front through the edge.
    assert {("role_api", "db"), ("role_api", "queue"), ("user", "edge"), ("edge", "role_api"), ("edge", "role_front")} <= set(edges)


def test_prod_draws_its_cache_and_secret_store(plan_of):
    nodes, edges = parse(flowchart(plan_of("aws-prod").to_json()))
    assert {"cache", "secrets", "storage"} <= set(nodes)
    assert ("role_worker", "cache") in edges and ("secrets", "role_api") in edges
    assert "ElastiCache" in nodes["cache"] and "Secrets Manager" in nodes["secrets"]


def test_the_chart_follows_the_plan_not_the_target(plan_of):
    """A node exists because the plan has the resource: no cache Redis in aws-dev."""
    nodes, _ = parse(flowchart(plan_of("aws-dev").to_json()))
    assert "cache" not in nodes


def test_cli_prints_the_chart(capsys):
    assert main(["plan", "--stack", "local", "--format", "mermaid"]) == 0
    parse(capsys.readouterr().out.rstrip("\n"))


def test_the_parser_rejects_what_mermaid_would():
    with pytest.raises(AssertionError):
        parse('flowchart LR\n  a["x"]\n  a --> b')
    with pytest.raises(AssertionError):
        parse('flowchart LR\n  a["x"] b')


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod"])
def test_each_store_is_the_one_lago_uses(plan_of, stack):
    """Beside Lago's bucket and Redis instances stand log buckets and, on GCP, ActionCable's own
    Redis: the chart names the ones the roles' variables point at."""
    plan = plan_of(stack).to_json()
    nodes, edges = parse(flowchart(plan))
    assert "lago-files" in nodes["storage"] and "logs" not in nodes["storage"]
    assert "cable" not in nodes["queue"] and "cache" not in nodes["queue"]
    if stack == "gcp-prod":
        assert "(cable)" in nodes["cable"] and ("role_api", "cable") in edges
