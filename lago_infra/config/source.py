"""Where stack config comes from: the Pulumi runtime (a real ``pulumi up``) or a stack file read
directly (the offline plan). Both end in the same shape: what the engine hands a program."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

NAMESPACE = "lago"
#: Set by the offline plan to the file it read, so messages name it; a real run derives it.
STACK_FILE_ENV = "LAGO_STACK_FILE"


@dataclass
class RawConfig:
    """The ``lago:`` keys of one stack, values parsed, with which top-level keys are secret."""

    values: dict[str, Any]
    secret_keys: set[str] = field(default_factory=set)
    #: The stack file read (its path), or ``errors.ArgsOf`` for a component's args.
    source: Any = "stack config"
    #: Every other key of the stack, in full (``aws:region``, ``pulumi:tags``), for the checks of
    #: provider keys and namespaces.
    others: set[str] = field(default_factory=set)
    #: The values of the provider keys the targets' checks compare brought pieces with
    #: (``aws:region``, ``gcp:project`` ...: :data:`PROVIDER_KEYS`), parsed.
    provider: dict[str, Any] = field(default_factory=dict)


#: Provider keys whose values the targets' checks read: where the stack deploys, and the
#: accounts the AWS provider is pinned to.
PROVIDER_KEYS = ("aws:region", "aws:allowedAccountIds", "aws:forbiddenAccountIds", "gcp:project", "gcp:region")


def parse_value(text: Any) -> Any:
    """The engine hands structured values as JSON text and scalars as strings."""
    if isinstance(text, str) and text[:1] in "{[":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def from_runtime() -> RawConfig:
    """The ``lago:`` keys the Pulumi engine gave this program (or the mocks, offline)."""
    from pulumi.runtime import config as runtime_config

    prefix = f"{NAMESPACE}:"
    keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
    values, secret = {}, set()
    for full in sorted(k for k in keys if k.startswith(prefix)):
        key = full[len(prefix) :]
        values[key] = parse_value(runtime_config.get_config(full))
        if runtime_config.is_config_secret(full):
            secret.add(key)
    provider = {k: parse_value(runtime_config.get_config(k)) for k in PROVIDER_KEYS if k in keys}
    return RawConfig(values, secret, stack_file_name(), {k for k in keys if not k.startswith(prefix)}, provider)


def stack_file_name() -> str:
    if os.environ.get(STACK_FILE_ENV):
        return os.environ[STACK_FILE_ENV]
    import pulumi

    return f"stacks/Pulumi.{pulumi.get_stack()}.yaml"


class StackFileError(Exception):
    pass


class DuplicateKey(yaml.YAMLError):
    pass


class UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a key given twice in one mapping is an error (PyYAML and
    the YAML 1.1 spec it follows keep the last one silently; YAML 1.2 forbids duplicates)."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: let PyYAML report it
                continue
            line = key_node.start_mark.line + 1
            if first is not None:
                raise DuplicateKey(
                    f"line {line}: key '{key}' is given twice in one mapping (first on line {first}); "
                    "only one would be used. Fix: keep one of them"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, UniqueKeyLoader.construct_mapping)


def read_stack_file(path: Path, project: str) -> tuple[dict[str, str], list[str]]:
    """A stack file as the engine would hand it to ``project``'s program: every key (a bare key
    takes the project's namespace, as the engine does) with its value as text, ``secure:`` values
    replaced by a stable placeholder and listed as secret.

    Offline there is no passphrase or KMS key to decrypt ``secure:`` values; the placeholder is
    derived from the ciphertext so two runs agree."""
    try:
        doc = yaml.load(path.read_text(), Loader=UniqueKeyLoader) or {}
    except FileNotFoundError:
        raise StackFileError(f"{path}: no such stack file") from None
    except DuplicateKey as exc:
        raise StackFileError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise StackFileError(f"{path}: not valid YAML: {exc}") from None
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as exc:
        raise StackFileError(f"{path}: cannot be read as a text file ({exc})") from None
    if not isinstance(doc, dict):
        raise StackFileError(f"{path}: expected a mapping with a 'config:' key")
    config = doc.get("config") or {}
    if not isinstance(config, dict):
        raise StackFileError(f"{path}: 'config:' must be a mapping of keys to values")
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in config.items():
        key = str(key)
        if ":" not in key:
            key = f"{project}:{key}"
        decoded, is_secret = _decode(value)
        if is_secret:
            secret_keys.append(key)
        values[key] = decoded if isinstance(decoded, str) else _as_text(decoded)
    return values, secret_keys


def stack_environments(path: Path) -> list[str]:
    """The Pulumi ESC environments a stack file imports (``environment:``, a list of names or an
    inline definition with ``imports:``); ``["(inline)"]`` for an inline one without imports."""
    try:
        doc = yaml.load(path.read_text(), Loader=UniqueKeyLoader) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return []  # read_stack_file says what is wrong with the file
    environment = doc.get("environment") if isinstance(doc, dict) else None
    if not environment:
        return []
    if isinstance(environment, dict):
        imports = environment.get("imports") or []
        names = [str(i if not isinstance(i, dict) else next(iter(i), "")) for i in imports] if isinstance(imports, list) else []
        return names or ["(inline)"]
    return [str(e) for e in environment] if isinstance(environment, list) else [str(environment)]


def environment_error(path: Path, stack: str, environments: list[str]) -> StackFileError:
    """What a plan says of a stack file whose values come partly from ESC environments it cannot open."""
    names = ", ".join(environments)
    return StackFileError(
        f"{path}: imports the Pulumi ESC environment{'s' if len(environments) > 1 else ''} {names} (environment:), which "
        "an offline plan cannot open: the keys they set (pulumiConfig) would be missing, so the plan would not be this "
        f"stack's. Fix: write the stack's resolved config with `pulumi config --stack {stack} --open --json > {stack}.config.json` "
        f"(secret values stay out of it) and plan with `--resolved-config {stack}.config.json`"
    )


def read_resolved_config(path: Path, values: dict[str, str], secret_keys: list[str]) -> tuple[dict[str, str], list[str]]:
    """The stack file's ``values`` completed with a stack's resolved config, as ``pulumi config
    --open --json`` prints it: every key of the stack file and of its ESC environments, each
    ``{"value": ..., "objectValue": ..., "secret": bool}``, secret values left out.

    A key the stack file holds keeps the stack file's value (its ``secure:`` values are already
    placeholders); another non-secret key takes the resolved value; a secret scalar takes a
    stable placeholder, as ``secure:`` values do. A secret structured value cannot be planned
    without its keys: said, with the fix."""
    try:
        resolved = json.loads(path.read_text())
    except FileNotFoundError:
        raise StackFileError(f"{path}: no such file. Fix: write it with `pulumi config --stack NAME --open --json > {path}`") from None
    except (ValueError, OSError) as exc:
        raise StackFileError(f"{path}: not the JSON `pulumi config --open --json` prints ({exc})") from None
    if not isinstance(resolved, dict) or not all(isinstance(v, dict) for v in resolved.values()):
        raise StackFileError(
            f'{path}: expected the JSON `pulumi config --stack NAME --open --json` prints, a mapping of keys to {{"value", "secret"}}'
        )
    merged, secret = dict(values), list(secret_keys)
    for key, entry in resolved.items():
        if key in merged:
            continue
        if entry.get("secret"):
            if "objectValue" in entry or str(entry.get("value", "")).startswith(("{", "[")):
                raise StackFileError(
                    f"{path}: {key} is a secret structured value, which `pulumi config --json` leaves out, so the plan cannot read its keys. "
                    f"Fix: keep {key} in the stack file, each secret under it as a secure: value"
                )
            digest = hashlib.sha256(key.encode()).hexdigest()[:16]
            merged[key], _ = f"offline-secret-{digest}", secret.append(key)
        elif "objectValue" in entry:
            merged[key] = _as_text(entry["objectValue"])
        elif "value" in entry:
            merged[key] = str(entry["value"])
    return merged, secret


def _decode(value: Any) -> tuple[Any, bool]:
    if isinstance(value, dict) and set(value) == {"secure"}:
        digest = hashlib.sha256(str(value["secure"]).encode()).hexdigest()[:16]
        return f"offline-secret-{digest}", True
    if isinstance(value, dict):
        out, secret = {}, False
        for k, v in value.items():
            out[k], s = _decode(v)
            secret |= s
        return out, secret
    if isinstance(value, list):
        items = [_decode(v) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    return value, False


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)
