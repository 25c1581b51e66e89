"""Danger flags: the changes a reviewer must not approve without meaning to. Each names what is
really lost or what really happens.

- a replacement or removal of anything that holds data or identity (database, Redis, bucket,
  data volume, secret, encryption key, network): its contents or its identity are gone;
- a generated value generated anew: what stops working depends on what it is (Lago's own secrets
  say it in ``lago_infra/app_secrets.py``; a password is a new credential for what reads it);
- a change that turns protection off (Pulumi ``protect`` / ``retainOnDelete``, the cloud's
  deletion protection, a bucket's ``forceDestroy``);
- a database major version change: refused by RDS while ``allowMajorVersionUpgrade`` is off,
  otherwise an upgrade that cannot be rolled back;
- a Lago downgrade: Lago's migrations do not roll back;
- a change of a resource that holds data which the replacement table does not know: it may be
  replaced (``replacements.py``);
- a ``lago:name`` change (every resource is renamed, so deleted and created anew).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .diff import ABSENT, PlanDiff, ResourceChange
from .effects import major, one_shot_roles, refused_major, version
from .generated import generated_purpose

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
    "aws:ssm/parameter:Parameter": "secret",
    "gcp:secretmanager/secret:Secret": "secret",
    "aws:kms/key:Key": "encryption key",
    "gcp:kms/cryptoKey:CryptoKey": "encryption key",
    "aws:ec2/vpc:Vpc": "network",
    "aws:ec2/subnet:Subnet": "network",
    "gcp:compute/network:Network": "network",
    "gcp:compute/subnetwork:Subnetwork": "network",
    "docker:index/network:Network": "network",
}

#: Generated values (pulumi-random, pulumi-tls).
GENERATED = {
    "random:index/randomPassword:RandomPassword",
    "random:index/randomString:RandomString",
    "random:index/randomId:RandomId",
    "tls:index/privateKey:PrivateKey",
}

#: What is lost when a resource of each kind is replaced or removed.
_CONSEQUENCE = {
    "database": "its data is lost unless restored from a backup",
    "Redis": "its data (queued jobs, cache) is lost",
    "bucket": "its files are lost unless restored from a backup",
    "data volume": "its data is lost unless restored from a backup",
    "secret": "a new secret with a new ARN or name takes its place and its value is written again from the stack; "
    "anything outside the stack that reads the old one breaks",
    "encryption key": "what it encrypts stays readable only while the old key exists, and the old key is scheduled for deletion",
    "network": "everything inside it is recreated",
}

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

_RDS = "aws:rds/instance:Instance"
_CLOUD_SQL = "gcp:sql/databaseInstance:DatabaseInstance"


@dataclass(frozen=True)
class Danger:
    kind: str  # data-loss | secret-regenerated | protection-off | engine-major | refused | downgrade | maybe-replaced | renamed
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
    found += _downgrade(d)
    for r in d.resources:
        what = HOLDS_DATA.get(r.type)
        if what and r.kind in ("replace", "remove"):
            verb = "replaced" if r.kind == "replace" else "removed"
            why = f" (changed: {', '.join(r.replaced_by)})" if r.replaced_by else ""
            readers = f" Read by: {', '.join(r.dependents)}." if what == "encryption key" and r.dependents else ""
            guard = " It is protected: `pulumi up` stops before deleting it until protection is lifted." if _protected(r, d) else ""
            found.append(Danger("data-loss", r.name, f"{what} {r.name} is {verb}{why}: {_CONSEQUENCE[what]}.{readers}{guard}"))
        if what and r.kind == "unknown":
            found.append(
                Danger(
                    "maybe-replaced",
                    r.name,
                    f"{what} {r.name}: whether {', '.join(f'`{p}`' for p in r.unknown)} changes in place is not known offline; "
                    f"if the provider replaces it, {_CONSEQUENCE[what]}. Check the real preview.",
                )
            )
        if r.type in GENERATED and r.kind in ("replace", "remove") and not _is_trigger(r, d):
            purpose = generated_purpose(r, d)
            if purpose is not None:
                verb = "generated anew" if r.kind == "replace" else "removed"
                why = f" (changed: {', '.join(r.replaced_by)})" if r.replaced_by else ""
                guard = " It is protected: `pulumi up` stops before deleting it until protection is lifted." if _protected(r, d) else ""
                found.append(Danger("secret-regenerated", r.name, f"{r.name} is {verb}{why}: {purpose}.{guard}"))
        found += _protection_off(r)
        found += _engine_major(r, d)
    found += _local_postgres_major(d)
    return found


def _is_trigger(r: ResourceChange, d: PlanDiff) -> bool:
    """A generated value with ``keepers`` is a trigger, not a secret: the keepers exist to
    regenerate it when they change (e.g. to run a job once per release)."""
    doc = next((x for x in (d.head if r.kind != "remove" else d.base)["resources"] if x["urn"] == r.urn), {})
    return bool(doc.get("inputs", {}).get("keepers"))


def _protected(r: ResourceChange, d: PlanDiff) -> bool:
    return any(x["urn"] == r.urn and x.get("protect") for x in d.base["resources"])


# -- versions -----------------------------------------------------------------------------------


def _downgrade(d: PlanDiff) -> list[Danger]:
    """Lago's release, from the image of the role that runs its migrations."""
    roles = one_shot_roles(d.head) or [n for n in d.head.get("roles", {}) if n.rsplit("/", 1)[-1] == "api"]
    for change in d.roles:
        if change.path not in {f"{role}.image" for role in roles}:
            continue
        old, new = version(change.old), version(change.new)
        if old is None or new is None:
            if ABSENT not in (change.old, change.new):
                return [
                    Danger(
                        "downgrade",
                        change.path,
                        f"Lago's image {change.old} → {change.new}: the tags are not versions, so this review cannot tell an "
                        "upgrade from a downgrade, and Lago's migrations do not roll back. Check the release before approving.",
                    )
                ]
            return []
        if new < old:
            return [
                Danger(
                    "downgrade",
                    change.path,
                    f"Lago {_tag(change.old)} → {_tag(change.new)} is a downgrade: Lago's migrations do not roll back, so "
                    f"{_tag(change.new)} would run against a database migrated for {_tag(change.old)}. Going back means "
                    "restoring the backup taken before the upgrade (docs/runbooks/upgrade-lago.md).",
                )
            ]
        return []
    return []


def _engine_major(r: ResourceChange, d: PlanDiff) -> list[Danger]:
    key = {_RDS: "engineVersion", _CLOUD_SQL: "databaseVersion"}.get(r.type)
    if key is None or r.kind not in ("update", "replace", "unknown"):
        return []
    out = []
    for c in r.changes:
        if c.path != key or major(c.old) is None or major(c.new) is None or major(c.old) == major(c.new):
            continue
        if refused_major(r, c, d):
            out.append(
                Danger(
                    "refused",
                    r.name,
                    f"{r.name}: engine {c.old} → {c.new} is a major version change with allowMajorVersionUpgrade off: RDS "
                    "refuses it (ModifyDBInstance: major version upgrades must be allowed), so `pulumi up` fails there. "
                    "Upgrade out of band first (docs/runbooks/upgrade-postgresql.md).",
                )
            )
        else:
            out.append(
                Danger(
                    "engine-major",
                    r.name,
                    f"{r.name}: database engine {c.old} → {c.new} is a major upgrade in place, which cannot be rolled back",
                )
            )
    return out


def _local_postgres_major(d: PlanDiff) -> list[Danger]:
    """Locally the PostgreSQL image is a resource named after its tag: a new major version
    shows as one image removed and another added."""

    def majors(kind: str) -> dict[str, str]:
        images = [r for r in d.of_kind(kind) if r.type == "docker:index/remoteImage:RemoteImage"]
        names = [next((c.old if kind == "remove" else c.new) for c in r.changes if c.path == "name") for r in images]
        return {m: n for n in names if str(n).startswith("postgres:") and (m := major(n))}

    old, new = majors("remove"), majors("add")
    return [
        Danger(
            "engine-major",
            "postgres",
            f"database engine {old[a]} → {new[b]} is a major upgrade: the data volume of {a} does not open under {b}",
        )
        for a in old
        for b in new
        if a != b
    ]


# -- protection and names -----------------------------------------------------------------------


def _protection_off(r: ResourceChange) -> list[Danger]:
    if r.kind not in ("update", "replace", "unknown"):
        return []
    return [
        Danger("protection-off", r.name, f"{r.name}: {c.path} {_show(c.old)} → {_show(c.new)} turns protection off")
        for c in r.changes
        if c.path in _PROTECTION_OFF and c.new == _PROTECTION_OFF[c.path] and c.old != c.new
    ]


def _renamed_roots(d: PlanDiff) -> list[tuple[str, str]]:
    """The stack's top-level components, matched by type, whose names differ: what a
    ``lago:name`` change does."""

    def roots(doc: dict[str, Any]) -> dict[str, str]:
        stack = next((r["urn"] for r in doc["resources"] if r["type"] == "pulumi:pulumi:Stack"), None)
        return {r["type"]: r["name"] for r in doc["resources"] if r.get("parent") == stack and r["type"] != "pulumi:pulumi:Stack"}

    before, after = roots(d.base), roots(d.head)
    return [(before[t], after[t]) for t in sorted(before.keys() & after.keys()) if before[t] != after[t]]


def _tag(image: Any) -> str:
    return str(image).rsplit(":", 1)[-1]


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


#: Exit codes of ``plan diff`` (documented in --help and docs/pull-requests.md).
EXIT_NO_CHANGES = 0
EXIT_BAD_INPUT = 2
EXIT_CHANGES = 10
EXIT_DANGER = 11


def exit_code(d: PlanDiff, flags: list[Danger]) -> int:
    if flags:
        return EXIT_DANGER
    return EXIT_NO_CHANGES if d.empty else EXIT_CHANGES
