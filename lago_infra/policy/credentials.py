"""What a credential looks like, by name and by value, for the "never in plain text" rule."""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..lago.variables import is_secret
from .model import SECRET

_URL_WITH_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@", re.IGNORECASE)
#: A private key. A certificate alone is public: the database's CA bundle reaches containers as
#: plain text (``RoleDeployment.files``), as it does any TLS client.
_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
#: base64 of "-----BEGIN": how LAGO_RSA_PRIVATE_KEY carries a PEM.
_PEM_BASE64 = "LS0tLS1CRUdJTi"
_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|_KEY$|^KEY$|PRIVATE_KEY|API_KEY|AUTH_STRING|LICENSE)", re.IGNORECASE)
#: Names that match the pattern but hold no credential.
_NOT_CREDENTIALS = re.compile(r"(_KEY_ID$|KEYFILE|_ARN$|_NAME$|_ID$|VERSION|_PATH$|EXECUTION_TOKEN$|ENFORCE_ON_KEY$)", re.IGNORECASE)
#: A pointer into a secret store (Secrets Manager ARN, SSM parameter ARN, Secret Manager id) or to
#: an encryption key (KMS key ARN, Cloud KMS key name) names a credential without holding it.
_SECRET_REFERENCE = re.compile(
    r"^(arn:aws[a-z-]*:(secretsmanager|kms):|arn:aws[a-z-]*:ssm:[^:]*:[^:]*:parameter/|projects/[^/]+/(secrets/|locations/[^/]+/keyRings/))"
)


def value_looks_like_credential(value: Any) -> str | None:
    """Why ``value`` is a credential whatever it is called, or None."""
    if not isinstance(value, str) or value == SECRET:
        return None
    if _URL_WITH_PASSWORD.search(value):
        return "a URL with a password in it"
    if _PEM.search(value):
        return "a PEM private key"
    if _PEM_BASE64 in value:
        return "a base64-encoded PEM key"
    return None


def name_holds_credential(name: str) -> bool:
    """True for a variable or input named like a password, secret, token or key
    (``authToken`` is read as ``AUTH_TOKEN``)."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()
    return is_secret(name) or (bool(_NAME.search(snake)) and not _NOT_CREDENTIALS.search(snake))


def plain_credential(name: str, value: Any) -> str | None:
    """Why ``name=value`` is a credential in plain text, or None. A value already masked, empty
    or not text (a flag, a number) passes."""
    why = value_looks_like_credential(value)
    if why:
        return why
    if isinstance(value, str) and value not in ("", SECRET) and name_holds_credential(name) and not _SECRET_REFERENCE.match(value):
        return "a credential by its name"
    return None


def walk(value: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """Every leaf of a nested input as (path, leaf name, value). ``NAME=value`` strings (Docker
    envs) and ``{"name", "value"}`` pairs (ECS, Cloud Run, parameter lists) yield NAME as the leaf."""
    if isinstance(value, dict):
        if "secretKeyRef" in value or "valueFrom" in value or ("secret" in value and "items" in value):
            return  # a reference to a secret store (a variable's, a Cloud Run secret volume's), not a value
        if isinstance(value.get("name"), str) and "value" in value:
            yield f"{path}.{value['name']}", value["name"], value["value"]
            return
        for k, v in value.items():
            yield from walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}[{i}]")
    elif isinstance(value, str) and re.match(r"^[A-Z_][A-Z0-9_]*=.", value) and not value_looks_like_credential(value.partition("=")[0]):
        name, _, rest = value.partition("=")
        yield f"{path}.{name}", name, rest
    else:
        yield path, path.rsplit(".", 1)[-1].split("[")[0], value
