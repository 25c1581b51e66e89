"""Danger flags: the changes a reviewer must not approve without meaning to.

- a replacement or removal of anything that holds data or identity (database, Redis, bucket,
  secret, generated key or password, network): its contents or its identity are gone;
- a change that turns protection off (Pulumi ``protect`` / ``retainOnDelete``, the cloud's
  deletion protection, a bucket's ``forceDestroy``);
- a changed input of a generated secret (every such input regenerates the value);
- a major engine version change of a database (an in-place upgrade cannot be rolled back);
- a ``lago:name`` change (every resource is renamed, so deleted and created anew).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .diff import ABSENT, PlanDiff, ResourceChange

#: Resource types that hold data or identity, and what a reviewer calls them.
HOLDS_DATA: dict[str, str] = {
    "aws:rds/instance:Instance": "database",
    "gcp:sql/databaseInstance:DatabaseInstance": "database",
    "gcp:sql/database:Database": "database",
    "aws:elasticache/replicationGroup:ReplicationGroup": "Redis",
    "gcp:redis/instance:Instance": "Redis",
    "aws:s3/bucket:Bucket": "bucket",
    "gcp:storage/bucket:Bucket": "bucket",
    "docker:index/volume:Volume": "data volume",
    "aws:secretsmanager/secret:Secret": "secret",
    "gcp:secretmanager/secret:Secret": "secret",
    "random:index/randomPassword:RandomPassword": "generated secret",
    "random:index/randomString:RandomString": "generated secret",
    "random:index/randomId:RandomId": "generated secret",
    "tls:index/privateKey:PrivateKey": "generated key",
    "aws:kms/key:Key": "encryption key",
    "gcp:kms/cryptoKey:CryptoKey": "encryption key",
    "aws:ec2/vpc:Vpc": "network",
    "aws:ec2/subnet:Subnet": "network",
    "gcp:compute/network:Network": "network",
    "gcp:compute/subnetwork:Subnetwork": "network",
    "docker:index/network:Network": "network",
}

GENERATED = {t for t, what in HOLDS_DATA.items() if what.startswith("generated")}

#: Inputs that protect a resource from deletion, and the value that means "off".
_PROTECTION_OFF: dict[str, Any] = {
    "(protect)": False,
    "(retainOnDelete)": False,
    "deletionProtection": False,  # RDS, Cloud SQL (Pulumi-side)
    "settings.deletionProtectionEnabled": False,  # Cloud SQL (cloud-side)
    "enableDeletionProtection": False,  # ALB
    "forceDestroy": True,  # S3 / GCS: delete a bucket with its objects
    "skipFinalSnapshot": True,  # RDS: no snapshot when deleted
}

#: Inputs that carry a database's engine version, per type.
_ENGINE_VERSION = {
    "aws:rds/instance:Instance": "engineVersion",
    "gcp:sql/databaseInstance:DatabaseInstance": "databaseVersion",
    "docker:index/remoteImage:RemoteImage": "name",  # postgres:<major>-alpine locally
}


@dataclass(frozen=True)
class Danger:
    kind: str  # data-loss | protection-off | secret-regenerated | engine-major | renamed
    name: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "message": self.message}


def dangers(d: PlanDiff) -> list[Danger]:
    found: list[Danger] = []
    renamed = _renamed_roots(d)
    if renamed:
        found.append(
            Danger(
                "renamed",
                ", ".join(f"{a} → {b}" for a, b in renamed),
                "the resource name prefix (lago:name) changed: every resource is deleted and created anew under the new names, data included",
            )
        )
    for r in d.resources:
        what = HOLDS_DATA.get(r.type)
        if r.type in GENERATED and _is_trigger(r, d):
            what = None
        if what and r.kind in ("replace", "remove"):
            verb = "replaced" if r.kind == "replace" else "removed"
            why = f" (changed: {', '.join(r.replaced_by)})" if r.replaced_by else ""
            guard = " (it is protected: `pulumi up` stops before deleting it until protection is lifted)" if _protected(r, d) else ""
            found.append(Danger("data-loss", r.name, f"{what} {r.name} is {verb}{why}: {_consequence(what)}{guard}"))
        if what and r.type in GENERATED and r.kind == "replace":
            found.append(Danger("secret-regenerated", r.name, f"{r.name}: its inputs changed ({', '.join(r.replaced_by)}), so a new value is generated and the old one is lost"))
        found += _protection_off(r)
        found += _engine_major(r)
    found += _local_postgres_major(d)
    return found


def _local_postgres_major(d: PlanDiff) -> list[Danger]:
    """Locally the PostgreSQL image is a resource named after its tag: a new major version
    shows as one image removed and another added."""

    def majors(kind: str) -> dict[str, str]:
        images = [r for r in d.of_kind(kind) if r.type == "docker:index/remoteImage:RemoteImage"]
        names = [next((c.old if kind == "remove" else c.new) for c in r.changes if c.path == "name") for r in images]
        return {_major(n): n for n in names if str(n).startswith("postgres:") and _major(n)}

    old, new = majors("remove"), majors("add")
    return [
        Danger("engine-major", "postgres", f"database engine {old[a]} → {new[b]} is a major upgrade: the data volume of {a} does not open under {b}")
        for a in old
        for b in new
        if a != b
    ]


def _protected(r: ResourceChange, d: PlanDiff) -> bool:
    return any(x["urn"] == r.urn and x.get("protect") for x in d.base["resources"])


def _is_trigger(r: ResourceChange, d: PlanDiff) -> bool:
    """A generated value with ``keepers`` is a trigger, not a secret: the keepers exist to
    regenerate it when they change (e.g. to run a job once per release)."""
    doc = next((x for x in (d.head if r.kind != "remove" else d.base)["resources"] if x["urn"] == r.urn), {})
    return bool(doc.get("inputs", {}).get("keepers"))


def _consequence(what: str) -> str:
    if what in ("database", "Redis", "bucket", "data volume"):
        return "its data is lost unless restored from a backup"
    if what in ("network",):
        return "everything inside it is recreated"
    return "everything that used it (sessions, encrypted data, tokens) stops working"


def _protection_off(r: ResourceChange) -> list[Danger]:
    if r.kind not in ("update", "replace"):
        return []
    return [
        Danger("protection-off", r.name, f"{r.name}: {c.path} {_show(c.old)} → {_show(c.new)} turns protection off")
        for c in r.changes
        if c.path in _PROTECTION_OFF and c.new == _PROTECTION_OFF[c.path] and c.old != c.new
    ]


def _engine_major(r: ResourceChange) -> list[Danger]:
    key = _ENGINE_VERSION.get(r.type)
    if key is None or r.kind not in ("update", "replace"):
        return []
    out = []
    for c in r.changes:
        if c.path != key:
            continue
        if r.type.startswith("docker:") and not str(c.new).startswith("postgres:"):
            continue
        old, new = _major(c.old), _major(c.new)
        if old is not None and new is not None and old != new:
            out.append(Danger("engine-major", r.name, f"{r.name}: database engine {c.old} → {c.new} is a major upgrade, which cannot be rolled back"))
    return out


def _major(version: Any) -> str | None:
    """The major version in "16.4", "POSTGRES_16", "postgres:16-alpine"."""
    match = re.search(r"(\d+)", str(version)) if version not in (None, ABSENT) else None
    return match.group(1) if match else None


def _renamed_roots(d: PlanDiff) -> list[tuple[str, str]]:
    """The stack's top-level components, matched by type, whose names differ: what a
    ``lago:name`` change does."""

    def roots(doc: dict[str, Any]) -> dict[str, str]:
        stack = next((r["urn"] for r in doc["resources"] if r["type"] == "pulumi:pulumi:Stack"), None)
        return {r["type"]: r["name"] for r in doc["resources"] if r.get("parent") == stack and r["type"] != "pulumi:pulumi:Stack"}

    before, after = roots(d.base), roots(d.head)
    return [(before[t], after[t]) for t in sorted(before.keys() & after.keys()) if before[t] != after[t]]


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


#: Exit codes of ``plan diff`` (documented in --help and the README).
EXIT_NO_CHANGES = 0
EXIT_BAD_INPUT = 2
EXIT_CHANGES = 10
EXIT_DANGER = 11


def exit_code(d: PlanDiff, flags: list[Danger]) -> int:
    if flags:
        return EXIT_DANGER
    return EXIT_NO_CHANGES if d.empty else EXIT_CHANGES
