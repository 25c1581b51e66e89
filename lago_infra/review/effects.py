"""What the cloud will actually do with a change, beyond "updated" or "replaced": the notes a
reviewer reads next to the danger flags.

- **Migrations run** when the resource that runs Lago's one-shot migrate role is replaced (the
  AWS Invocation, the local container) or starts a new execution (the Cloud Run job, whose
  once-per-release trigger is a generated value with ``keepers``).
- **Deferred**: RDS and ElastiCache apply some changes at the next maintenance window unless
  ``applyImmediately`` is set (the table below, from botocore's service models). ``pulumi up``
  returns before they happen, and until then every preview shows them again.
- **At once**: an alarm on a deferred resource whose threshold moves with it changes now, so until
  the window it measures the old resource against the new resource's threshold.
- **Only a name**: a generated value without ``keepers`` that is not a secret (a random suffix)
  changes a name; what that name belongs to carries its own row.

The version helpers here serve ``danger.py`` too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from ..lago.roles import DEDICATED_QUEUES, roles_for
from .diff import ABSENT, Change, PlanDiff, ResourceChange
from .generated import generated_purpose

_INVOCATION = "aws:lambda/invocation:Invocation"
_JOB = "gcp:cloudrunv2/job:Job"
_CONTAINER = "docker:index/container:Container"
_RANDOM_ID = "random:index/randomId:RandomId"
_ALARMS = ("aws:cloudwatch/metricAlarm:MetricAlarm", "gcp:monitoring/alertPolicy:AlertPolicy")


@dataclass(frozen=True)
class Deferral:
    #: Inputs whose change waits for the maintenance window.
    inputs: frozenset[str]
    #: The input that would apply them at once, and the input naming the window.
    apply_immediately: str
    window: str
    when: str
    source: str


#: Resource type → what it defers without ``applyImmediately``.
DEFERRED: dict[str, Deferral] = {
    # botocore rds ModifyDBInstance: DBInstanceClass, DBSubnetGroupName, MultiAZ, EngineVersion and
    # Iops say "applied during the next maintenance window, unless ApplyImmediately".
    "aws:rds/instance:Instance": Deferral(
        frozenset({"instanceClass", "dbSubnetGroupName", "multiAz", "engineVersion", "iops"}),
        "applyImmediately",
        "maintenanceWindow",
        "waits for the next maintenance window",
        "botocore rds ModifyDBInstance",
    ),
    # botocore elasticache ModifyReplicationGroup, ApplyImmediately: "If false, changes to the
    # nodes in the replication group are applied on the next maintenance reboot".
    "aws:elasticache/replicationGroup:ReplicationGroup": Deferral(
        frozenset({"nodeType", "engineVersion"}),
        "applyImmediately",
        "maintenanceWindow",
        "waits for the next maintenance reboot",
        "botocore elasticache ModifyReplicationGroup",
    ),
}


@dataclass(frozen=True)
class Notice:
    kind: str  # migrations | deferred | at-once | name-only
    name: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "message": self.message}


def notices(d: PlanDiff) -> list[Notice]:
    found = _migrations(d)
    deferred = {r.urn: r for r in d.resources if _deferred_paths(r, d)}
    for r in deferred.values():
        rule = DEFERRED[r.type]
        inputs = _inputs(d.head, r.urn)
        paths = ", ".join(f"`{c.path}` {_show(c.old)} → {_show(c.new)}" for c in r.changes if c.path in _deferred_paths(r, d))
        window = inputs.get(rule.window)
        found.append(
            Notice(
                "deferred",
                r.name,
                f"{r.name}: {paths} {rule.when}{f' ({window} UTC)' if window else ''}, not at `pulumi up`: "
                f"{rule.apply_immediately} is off. Until then every preview shows this change again ({rule.source}).",
            )
        )
    for r in d.resources:
        if r.type not in _ALARMS or r.kind != "update":
            continue
        on = [deferred[u].name for u in _resource(d.head, r.urn).get("dependencies", []) if u in deferred]
        moved = [c for c in r.changes if c.path.split(".")[0] in ("threshold", "conditions") and "threshold" in c.path.lower()]
        if on and moved:
            c = moved[0]
            found.append(
                Notice(
                    "at-once",
                    r.name,
                    f"{r.name}: {c.path} {_show(c.old)} → {_show(c.new)} changes at once, while {', '.join(on)} changes at the "
                    "maintenance window: until then the alarm measures the old size against the new threshold.",
                )
            )
    found += _name_only(d)
    return found


# -- migrations ---------------------------------------------------------------------------------


def one_shot_roles(plan: dict[str, Any]) -> list[str]:
    """The plan's roles that run once per release (Lago's migrations), as the plan names them."""
    known = {role.name: role for role in roles_for(list(DEDICATED_QUEUES))}
    return [name for name in plan.get("roles", {}) if (spec := known.get(name.rsplit("/", 1)[-1])) is not None and spec.one_shot]


def _migrations(d: PlanDiff) -> list[Notice]:
    roles = one_shot_roles(d.head)
    if not roles:
        return []
    base_names = {r["name"] for r in d.base["resources"]}
    ran: list[str] = []
    for r in d.resources:
        if r.kind == "replace" and r.type == _INVOCATION:
            ran.append(f"{r.name} is replaced, which runs the migrate task again")
        elif r.kind == "replace" and r.type == _CONTAINER and any(r.name.endswith(f"-{role.rsplit('/', 1)[-1]}") for role in roles):
            ran.append(f"{r.name} is replaced, which runs it again")
        elif r.type == _JOB and r.kind in ("update", "replace") and any(c.path == "runExecutionToken" for c in r.changes):
            ran.append(f"{r.name} gets a new runExecutionToken, which starts an execution")
        elif r.kind == "replace" and r.type == _RANDOM_ID and _keepers(d, r):
            jobs = [n for n in r.dependents if _type_of(d.head, n) == _JOB]
            if jobs:
                ran.append(f"{r.name} (the once-per-release trigger) is new, so {', '.join(jobs)} starts an execution")
    if not ran or not base_names:
        return []
    images = [c for c in d.roles if c.path in {f"{role}.image" for role in roles}]
    release = f" for {_show(images[0].new)}" if images else ""
    return [
        Notice(
            "migrations",
            roles[0],
            f"migrations will run{release}: {'; '.join(ran)}. The roles roll after it succeeds. "
            "Lago's migrations do not roll back: back up first (docs/runbooks/upgrade-lago.md).",
        )
    ]


# -- deferred changes ---------------------------------------------------------------------------


def _deferred_paths(r: ResourceChange, d: PlanDiff) -> set[str]:
    rule = DEFERRED.get(r.type)
    if rule is None or r.kind != "update" or _inputs(d.head, r.urn).get(rule.apply_immediately) is True:
        return set()
    # A change RDS refuses is not deferred: danger.py flags it.
    return {c.path for c in r.changes if c.path in rule.inputs and not refused_major(r, c, d)}


def refused_major(r: ResourceChange, c: Change, d: PlanDiff) -> bool:
    """An RDS engine change to another major version while allowMajorVersionUpgrade is off,
    which RDS refuses (botocore rds ModifyDBInstance, AllowMajorVersionUpgrade: "Major version
    upgrades must be allowed when specifying a value for the EngineVersion parameter that's a
    different major version than the DB instance's current version")."""
    return (
        r.type == "aws:rds/instance:Instance"
        and c.path == "engineVersion"
        and major(c.old) is not None
        and major(c.new) is not None
        and major(c.old) != major(c.new)
        and _inputs(d.head, r.urn).get("allowMajorVersionUpgrade") is not True
    )


# -- generated names ----------------------------------------------------------------------------


def _name_only(d: PlanDiff) -> list[Notice]:
    out = []
    for r in d.resources:
        if r.type in (_RANDOM_ID, "random:index/randomString:RandomString") and r.kind == "replace" and not _keepers(d, r):
            purpose = generated_purpose(r, d)
            if purpose is None:
                readers = ", ".join(r.dependents) or "nothing in this stack"
                out.append(
                    Notice("name-only", r.name, f"{r.name}: a new random value for a name read by {readers}; nothing stored is lost.")
                )
    return out


# -- helpers ------------------------------------------------------------------------------------


def _resource(doc: dict[str, Any], urn: str) -> dict[str, Any]:
    return next((x for x in doc["resources"] if x["urn"] == urn), {})


def _inputs(doc: dict[str, Any], urn: str) -> dict[str, Any]:
    return _resource(doc, urn).get("inputs", {})


def _type_of(doc: dict[str, Any], name: str) -> Optional[str]:
    return next((x["type"] for x in doc["resources"] if x["name"] == name), None)


def _keepers(d: PlanDiff, r: ResourceChange) -> bool:
    doc = d.head if r.kind != "remove" else d.base
    return bool(_inputs(doc, r.urn).get("keepers"))


def version(text: Any) -> Optional[tuple[int, ...]]:
    """(1, 52, 0) from "v1.52.0" or "getlago/api:v1.52.0"; None when the tag is not a version."""
    if text in (None, ABSENT) or "@" in str(text):  # a digest says nothing about the release
        return None
    last = str(text).rsplit("/", 1)[-1]
    tag = last.rsplit(":", 1)[-1] if ":" in last else str(text)
    match = re.fullmatch(r"v?(\d+(?:\.\d+)*)", tag)
    return tuple(int(n) for n in match.group(1).split(".")) if match else None


def major(value: Any) -> Optional[str]:
    """The major version in "16.4", "POSTGRES_16", "postgres:16-alpine"."""
    match = re.search(r"(\d+)", str(value)) if value not in (None, ABSENT) else None
    return match.group(1) if match else None


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
