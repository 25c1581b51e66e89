"""Fakes for what a platform brings and lago-infra only reads: the value of a secret it names."""

from __future__ import annotations

from . import call, digest


@call("aws:secretsmanager/getSecretVersion:getSecretVersion")
def _secret_version(args):
    # A stand-in value derived from the ARN: the plan shows where it goes, never a real secret.
    arn = args.args.get("secretId", "")
    return {
        "arn": arn,
        "id": arn,
        "secretId": arn,
        "secretString": f"plan-{digest(arn, length=24)}",
        "versionId": digest(arn, "v"),
        "versionStages": ["AWSCURRENT"],
    }
