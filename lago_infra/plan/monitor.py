"""A mock monitor that keeps everything the program asked the engine to do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

SECRET = "[secret]"
UNKNOWN = "[unknown]"


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    dependencies: list[str]
    protect: bool
    retain_on_delete: bool
    ignore_changes: list[str]
    delete_before_replace: bool
    provider: str | None
    inputs: dict[str, Any]


def plain(struct) -> dict[str, Any]:
    """A serialized property map as plain JSON, every secret replaced by ``[secret]``."""
    return _unwrap(json_format.MessageToDict(struct, preserving_proto_field_name=True))


def _unwrap(value: Any) -> Any:
    if isinstance(value, dict):
        sig = value.get(rpc._special_sig_key)
        if sig == rpc._special_secret_sig:
            return SECRET
        if sig == rpc._special_resource_sig:
            return value.get("urn")
        if sig is not None:
            return {k: _unwrap(v) for k, v in value.items() if k != rpc._special_sig_key}
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    if value == rpc.UNKNOWN:
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf numbers are doubles; the program registered an int
    return value


def _mark_secret_outputs(struct, names) -> None:
    """Wrap each output in ``names`` as a secret, as the engine does for a resource's
    ``additionalSecretOutputs`` (a generated password's ``result``); the mock monitor does not,
    which would show such values in plain text wherever the program passes them on."""
    for name in names:
        if name in struct.fields:
            value = json_format.MessageToDict(struct.fields[name])
            if isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig:
                continue
            struct[name] = {rpc._special_sig_key: rpc._special_secret_sig, "value": value}


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.outputs: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        _mark_secret_outputs(response.object, request.additionalSecretOutputs)
        self.registrations.append(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                custom=bool(request.custom),
                dependencies=sorted(set(request.dependencies)),
                protect=bool(request.protect) if request.HasField("protect") else False,
                retain_on_delete=bool(request.retainOnDelete) if request.HasField("retainOnDelete") else False,
                ignore_changes=list(request.ignoreChanges),
                delete_before_replace=bool(request.deleteBeforeReplace),
                provider=request.provider or None,
                inputs=plain(request.object),
            )
        )
        return response

    def RegisterResourceOutputs(self, request):
        self.outputs[request.urn] = plain(request.outputs)
        return super().RegisterResourceOutputs(request)
