"""The architecture of a stack as a Mermaid flowchart, derived from its offline plan.

Nodes come from the resource types the plan registers (one table below: which type is the edge,
the database, a Redis, the storage, the secret store, the container runtime) and from the plan's
roles; edges from what each role is handed (its environment: a ``DATABASE_URL`` means it talks
to the database) and from the resources' own links (a local container's volume mounts and
image). Nothing is drawn per target by hand: a new resource type shows once it is in the table.

A reviewer reads it by tier, left to right: the edge, the web roles (what browsers reach), the
background roles, the internal services, the data. Edges are drawn between tiers where every
role of a tier does the same (``web --> data`` when each web role uses every store), and from a
single role only where it differs from its tier, so a prod stack draws about ten edges, not
one per role and store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..lago.roles import DEDICATED_QUEUES, roles_for
from ..plan.monitor import SECRET

#: Resource type → (architecture part, how a reader calls it).
PARTS: dict[str, tuple[str, str]] = {
    "aws:lb/loadBalancer:LoadBalancer": ("edge", "Application Load Balancer"),
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": ("edge", "HTTPS load balancer"),
    "aws:rds/instance:Instance": ("database", "RDS PostgreSQL"),
    "gcp:sql/databaseInstance:DatabaseInstance": ("database", "Cloud SQL"),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("redis", "ElastiCache"),
    "gcp:redis/instance:Instance": ("redis", "Memorystore"),
    "aws:s3/bucket:Bucket": ("storage", "S3 bucket"),
    "gcp:storage/bucket:Bucket": ("storage", "GCS bucket"),
    "aws:secretsmanager/secret:Secret": ("secrets", "Secrets Manager"),
    "aws:ssm/parameter:Parameter": ("secrets", "Parameter Store"),
    "gcp:secretmanager/secret:Secret": ("secrets", "Secret Manager"),
}

#: Resource types that run Lago's roles, and the runtime's name.
RUNTIMES: dict[str, str] = {
    "aws:ecs/service:Service": "ECS Fargate",
    "gcp:cloudrunv2/service:Service": "Cloud Run",
    "gcp:cloudrunv2/workerPool:WorkerPool": "Cloud Run",
    "docker:index/container:Container": "Docker",
}

_DOCKER_CONTAINER = "docker:index/container:Container"
_DOCKER_IMAGE = "docker:index/remoteImage:RemoteImage"
_DOCKER_VOLUME = "docker:index/volume:Volume"

#: What a role's environment variable says it talks to (Lago's names: lago/variables.py).
_TALKS_TO = {
    "DATABASE_URL": "db",
    "REDIS_URL": "queue",
    "LAGO_REDIS_CACHE_URL": "cache",
    # A node only where ActionCable has a Redis of its own (GCP); elsewhere it is the queue's.
    "LAGO_REDIS_CABLE_URL": "cable",
    "LAGO_PDF_URL": "role:pdf",
}
_BUCKET_VARIABLES = ("LAGO_AWS_S3_BUCKET", "LAGO_GCS_BUCKET")

_VERSION_INPUTS = ("engineVersion", "databaseVersion", "redisVersion")


@dataclass
class Node:
    id: str
    label: str
    shape: str = "box"  # box | store | round | hexagon

    def render(self) -> str:
        label = self.label.replace('"', "'")
        left, right = {"box": ("[", "]"), "store": ("[(", ")]"), "round": ("([", "])"), "hexagon": ("{{", "}}")}[self.shape]
        return f'{self.id}{left}"{label}"{right}'


@dataclass
class Chart:
    nodes: dict[str, Node] = field(default_factory=dict)
    roles: list[Node] = field(default_factory=list)
    runtime: str = ""
    edges: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, node: Node) -> None:
        self.nodes.setdefault(node.id, node)

    def link(self, a: str, b: str, dotted: bool = False) -> None:
        edge = (a, b, "-.->" if dotted else "-->")
        if edge not in self.edges:
            self.edges.append(edge)


def flowchart(plan: dict[str, Any]) -> str:
    """The Mermaid source (``flowchart LR``) of a plan document (``Plan.to_json()``)."""
    return _render(build(plan))


def build(plan: dict[str, Any]) -> Chart:
    """The chart's nodes and every edge, one per role and what it uses (before ``_render``
    draws them by tier)."""
    chart = Chart()
    resources = plan["resources"]
    by_urn = {r["urn"]: r for r in resources}
    chart.add(Node("user", "Browser", "round"))
    secrets = 0
    for r in resources:
        part = PARTS.get(r["type"])
        if part is None:
            continue
        kind, what = part
        if kind == "edge":
            chart.add(Node("edge", f"{what}<br/>{r['name']}"))
        elif kind == "database":
            chart.add(Node("db", f"{what} {_version(r)}<br/>{r['name']}".replace("  ", " "), "store"))
        elif kind == "redis":
            use = _redis_use(r["name"])
            chart.add(Node(use, f"{what} {_version(r)} ({use})<br/>{r['name']}".replace("  ", " "), "store"))
        elif kind == "storage" and _holds_lagos_files(r, plan["roles"]):
            chart.add(Node("storage", f"{what}<br/>{r['name']}", "store"))
        elif kind == "secrets":
            secrets += 1
    if secrets:
        chart.add(
            Node(
                "secrets",
                f"{next(w for t, (k, w) in PARTS.items() if k == 'secrets' and any(x['type'] == t for x in resources))}<br/>{secrets} secrets",
                "hexagon",
            )
        )
    runtimes = {RUNTIMES[r["type"]] for r in resources if r["type"] in RUNTIMES}
    chart.runtime = " + ".join(sorted(runtimes)) or "containers"

    role_volumes = _docker_parts(chart, resources, by_urn)
    if "edge" not in chart.nodes:
        published = [r for r in resources if r["type"] == _DOCKER_CONTAINER and r["inputs"].get("ports")]
        if published:
            ports = ", ".join(f"{p.get('ip', '0.0.0.0')}:{p['external']}" for r in published for p in r["inputs"]["ports"])
            chart.add(Node("edge", f"host ports<br/>{ports}"))
        elif runtimes == {"Cloud Run"}:
            chart.add(Node("edge", "Cloud Run HTTPS URLs"))

    known = {role.name: role for role in roles_for(list(DEDICATED_QUEUES))}
    planned = {_role_id(name) for name in plan["roles"]}
    for name, role in plan["roles"].items():
        rid = _role_id(name)
        replicas = role["replicas"]
        count = str(replicas["min"]) if replicas["min"] == replicas["max"] else f"{replicas['min']}–{replicas['max']}"
        spec = known.get(name.rsplit("/", 1)[-1])  # <component>/<role> when a program runs several Lagos
        note = "once per release" if spec is not None and spec.one_shot else f"×{count}"
        chart.roles.append(Node(rid, f"{name} {note}"))
        if spec is not None and spec.public:
            chart.link("edge" if "edge" in chart.nodes else "user", rid)
        env = role["env"]
        for variable, target in _TALKS_TO.items():
            if variable not in env:
                continue
            target = _role_id(target[5:]) if target.startswith("role:") else target
            if target in chart.nodes or target in planned:
                chart.link(rid, target)
        if "storage" in chart.nodes and (any(v in env for v in _BUCKET_VARIABLES) or name in role_volumes):
            chart.link(rid, "storage")
        if "secrets" in chart.nodes and any(v == SECRET for v in env.values()):
            chart.link("secrets", rid, dotted=True)
    if "edge" in chart.nodes:
        chart.edges.insert(0, ("user", "edge", "-->"))
    return chart


def _redis_use(name: str) -> str:
    """Which of Lago's Redis uses an instance serves, by the suffix the targets name it with."""
    return next((use for use in ("cache", "cable") if use in name), "queue")


def _holds_lagos_files(bucket: dict[str, Any], roles: dict[str, Any]) -> bool:
    """The bucket the roles' storage variables name (not a log bucket beside it)."""
    inputs = bucket["inputs"]
    names = {str(v) for role in roles.values() for k, v in role["env"].items() if k in _BUCKET_VARIABLES}
    exact = {inputs.get("bucket"), inputs.get("name")} - {None}
    prefix = inputs.get("bucketPrefix")
    return bool(exact & names) or (prefix is not None and any(n.startswith(prefix) for n in names))


def _docker_parts(chart: Chart, resources: list[dict[str, Any]], by_urn: dict[str, Any]) -> set[str]:
    """A Docker host's database and Redis are containers (told apart by the image they run),
    its storage a volume mounted by the roles. Returns the roles that mount the storage."""
    data_volumes: set[str] = set()
    for r in resources:
        if r["type"] != _DOCKER_CONTAINER:
            continue
        image = next((by_urn[d]["inputs"].get("name", "") for d in r["dependencies"] if by_urn.get(d, {}).get("type") == _DOCKER_IMAGE), "")
        engine = image.split(":", 1)[0].rsplit("/", 1)[-1]
        if engine in ("postgres", "redis"):
            nid = "db" if engine == "postgres" else ("cache" if "cache" in r["name"] else "queue")
            what = "PostgreSQL" if engine == "postgres" else f"Redis ({nid})"
            chart.add(Node(nid, f"{what} container {image.split(':', 1)[-1]}<br/>{r['name']}", "store"))
            data_volumes |= {v.get("volumeName") for v in r["inputs"].get("volumes") or []}
    mounts: dict[str, set[str]] = {}
    for r in resources:
        if r["type"] != _DOCKER_CONTAINER:
            continue
        aliases = [a for n in r["inputs"].get("networksAdvanced") or [] for a in n.get("aliases") or []]
        for v in r["inputs"].get("volumes") or []:
            if v.get("volumeName") not in data_volumes:
                mounts.setdefault(v["volumeName"], set()).update(aliases)
    for volume, roles in mounts.items():
        chart.add(Node("storage", f"Docker volume<br/>{volume}", "store"))
        return roles
    return set()


#: The tiers a reviewer reads, left to right: (subgraph id, title).
_TIERS = (("web", "Web"), ("background", "Background"), ("internal", "Internal services"))
_DATA = ("db", "queue", "cache", "cable", "storage")


def _tier(name: str) -> str:
    """A role's tier: what browsers reach, what runs behind, what only other roles call."""
    spec = {role.name: role for role in roles_for(list(DEDICATED_QUEUES))}.get(name.rsplit("/", 1)[-1])
    if spec is not None and spec.public:
        return "web"
    if spec is not None and spec.port is not None and not spec.backend:
        return "internal"
    return "background"


def _render(chart: Chart) -> str:
    roles = {n.id: n for n in chart.roles}
    tiers = {tid: [n for n in chart.roles if _tier(n.label.split(" ", 1)[0]) == tid] for tid, _ in _TIERS}
    data = [nid for nid in _DATA if nid in chart.nodes]
    lines = ["flowchart LR"]
    lines += [f"  {chart.nodes[n].render()}" for n in ("user", "edge") if n in chart.nodes]
    for tid, title in _TIERS:
        if tiers[tid]:
            lines.append(f'  subgraph {tid}["{title} · {chart.runtime}"]')
            lines += [f"    {n.render()}" for n in tiers[tid]]
            lines.append("  end")
    if data:
        lines.append('  subgraph data["Data"]')
        lines += [f"    {chart.nodes[n].render()}" for n in data]
        lines.append("  end")
    lines += [f"  {n.render()}" for nid, n in chart.nodes.items() if nid not in ("user", "edge", *data)]

    # Who uses what, per role, from the chart's edges.
    uses: dict[str, set[str]] = {rid: set() for rid in roles}
    reads_secrets: set[str] = set()
    edges: list[tuple[str, str, str]] = []
    for a, b, arrow in chart.edges:
        if a in roles:
            uses[a].add(b)
        elif a == "secrets" and b in roles:
            reads_secrets.add(b)
        else:
            edges.append((a, b, arrow))
    # The edge reaches every web role: one arrow into the tier.
    web = {n.id for n in tiers["web"]}
    for source in ("edge", "user"):
        if web and all((source, w, "-->") in edges for w in web):
            edges = [e for e in edges if not (e[0] == source and e[1] in web)] + [(source, "web", "-->")]
    for tid, _ in _TIERS:
        members = [n.id for n in tiers[tid]]
        if not members:
            continue
        # What every role of the tier uses is drawn once, from the tier; the rest from each role.
        common = set.intersection(*(uses[m] for m in members)) - set(members)
        edges += [(tid, target, "-->") for target in _collapsed(common, data)]
        for m in members:
            edges += [(m, target, "-->") for target in _collapsed(uses[m] - common, data)]
        if set(members) <= reads_secrets:
            edges.append(("secrets", tid, "-.->"))
        else:
            edges += [("secrets", m, "-.->") for m in members if m in reads_secrets]
    seen: set[tuple[str, str, str]] = set()
    lines += [f"  {a} {arrow} {b}" for a, b, arrow in edges if not ((a, b, arrow) in seen or seen.add((a, b, arrow)))]
    return "\n".join(lines)


def _collapsed(targets: set[str], data: list[str]) -> list[str]:
    """``targets`` in reading order, every data store at once as the ``data`` subgraph."""
    if data and set(data) <= targets:
        targets = (targets - set(data)) | {"data"}
    order = [*_DATA, "data"]
    return sorted(targets, key=lambda t: (order.index(t) if t in order else len(order), t))


def _role_id(name: str) -> str:
    return "role_" + re.sub(r"\W", "_", name)


def _version(r: dict[str, Any]) -> str:
    return next((str(r["inputs"][k]) for k in _VERSION_INPUTS if r["inputs"].get(k)), "")
