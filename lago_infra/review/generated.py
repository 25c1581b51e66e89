"""What is lost when a generated value (pulumi-random, pulumi-tls) changes: a danger when it is
one of Lago's secrets, a password or a key (``danger.py``); only a name otherwise (``effects.py``)."""

from __future__ import annotations

from typing import Optional

from ..app_secrets import LOST_WHEN_REGENERATED
from .diff import PlanDiff, ResourceChange

_LAGO_SECRETS = "lago:index:LagoSecrets"
#: What stores a value in a secret store (an SSM parameter holds its value itself).
_STORED_VALUES = (
    "aws:secretsmanager/secretVersion:SecretVersion",
    "gcp:secretmanager/secretVersion:SecretVersion",
    "aws:ssm/parameter:Parameter",
)


def generated_purpose(r: ResourceChange, d: PlanDiff) -> Optional[str]:
    """What stops working when a generated value changes; None for a value that only names
    something (a random suffix), which loses nothing by itself."""
    if f"{_LAGO_SECRETS}$" in r.urn:
        suffix = next((s for s in LOST_WHEN_REGENERATED if r.name.endswith(f"-{s}")), None)
        if suffix is not None:
            return LOST_WHEN_REGENERATED[suffix]
        return "a secret Lago reads changes; what stops working is not known to this review (add it to lago_infra/app_secrets.py)"
    if r.type == "random:index/randomPassword:RandomPassword":
        readers = _readers(r, d)
        return (
            f"a new password for {', '.join(readers) or 'what reads it'}: every role keeps the old one until it restarts, "
            "so connections fail in between"
        )
    if r.type == "tls:index/privateKey:PrivateKey":
        return f"a new key for {', '.join(_readers(r, d)) or 'what reads it'}: what was signed or encrypted with the old one no longer verifies"
    return None


def _readers(r: ResourceChange, d: PlanDiff) -> list[str]:
    """Resources that read a generated value: its siblings and the secret versions (or parameters)
    that store it."""
    doc = d.head if r.kind != "remove" else d.base
    parent = next((x.get("parent") for x in doc["resources"] if x["urn"] == r.urn), None)
    return sorted(
        x["name"]
        for x in doc["resources"]
        if r.urn in x.get("dependencies", []) and (x.get("parent") == parent or x["type"] in _STORED_VALUES)
    )
