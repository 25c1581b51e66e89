"""Secrets never in plain text: not in a container's plain environment, a stack output or an
input that is not marked secret."""

from __future__ import annotations

from typing import Iterable

from ..credentials import plain_credential, value_looks_like_credential, walk
from ..model import StackView, Violation

#: Resources whose job is to hold a secret: their inputs are secret by design.
SECRET_HOLDERS = (
    "random:index/randomPassword:RandomPassword",
    "random:index/randomId:RandomId",
    "tls:index/privateKey:PrivateKey",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:ssm/parameter:Parameter",
    "gcp:secretmanager/secretVersion:SecretVersion",
)
#: Inputs that carry a container's environment. In a pack every value in them arrives in clear
#: (Docker's envs has no other channel), so there they are judged through the roles' extractors.
ENVIRONMENT_INPUTS = {"envs", "containerDefinitions", "template"}

FIX = "deliver it as a secret (lago:secretEnv, a secret store reference, or pulumi.Output.secret)"


def plain_text_secrets(view: StackView) -> Iterable[Violation]:
    for role in view.roles.values():
        for name, value in role.env.items():
            why = plain_credential(name, value)
            if why:
                yield Violation(role.name, f"{name} is {why} in the plain environment", FIX)
    # Offline every secret is masked, so a credential-named output or input in clear is a leak.
    # In a policy pack Pulumi unmasks secrets, so only values that look like credentials count.
    judge = plain_credential if view.secrets_masked else (lambda _name, value: value_looks_like_credential(value))
    for name, value in view.outputs.items():
        for path, leaf, leaf_value in walk(value, name):
            why = judge(leaf, leaf_value)
            if why:
                yield Violation("stack output", f"{path} is {why}", "export it with pulumi.Output.secret, or not at all")
    for r in view.resources:
        if r.type in SECRET_HOLDERS or r.type.startswith("pulumi:"):
            continue
        for key, value in r.inputs.items():
            if key in ENVIRONMENT_INPUTS and not view.secrets_masked:
                continue
            for path, leaf, leaf_value in walk(value, key):
                why = judge(leaf, leaf_value)
                if why:
                    yield Violation(r.name, f"input {path} is {why}", FIX)
