"""A mock monitor that keeps everything the program asked the engine to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor, MockResourceArgs, _ensure_event_loop, _sync_await
from pulumi.runtime.settings import get_project, get_stack
from pulumi.runtime.proto import resource_pb2

SECRET = "[secret]"
UNKNOWN = "[unknown]"
#: The root resource's type: the engine leaves it out of every other resource's URN.
STACK_TYPE = "pulumi:pulumi:Stack"


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
    #: Per input, the resources whose outputs it uses: a dependency in no input's list is ordering only.
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    #: ``create`` / ``update`` / ``delete`` timeouts given with ``CustomTimeouts``, where set.
    custom_timeouts: dict[str, str] = field(default_factory=dict)


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


def _is_secret_value(value) -> bool:
    if value.HasField("struct_value"):
        sig = value.struct_value.fields.get(rpc._special_sig_key)
        return sig is not None and sig.string_value == rpc._special_secret_sig
    return False


def urn(stack: str, project: str, parent: str | None, type_: str, name: str) -> str:
    """A resource's URN as the engine writes it (pulumi/pulumi, sdk/go/common/resource/urn.go,
    ``NewURN``): ``urn:pulumi:STACK::PROJECT::QUALIFIED_TYPE::NAME``, where the qualified type is the
    parent's whole qualified type, ``$``, then the resource's own
    (``lago:aws:LagoAws$lago:aws:Network$aws:ec2/vpc:Vpc``); the stack's own type is never part of
    it. What ``pulumi up --replace`` and ``pulumi state unprotect`` take."""
    qualified = type_
    if parent:
        parent_type = parent.split("::")[2]
        if parent_type != STACK_TYPE:
            qualified = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.outputs: dict[str, dict[str, Any]] = {}

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The engine's URN; the SDK's mock keeps the parent's last type only."""
        return urn(get_stack(), get_project(), parent, type_, name)

    def RegisterResource(self, request):
        response = self._register(request)
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
                property_dependencies={k: sorted(v.urns) for k, v in request.propertyDependencies.items()},
                custom_timeouts={
                    op: getattr(request.customTimeouts, op)
                    for op in ("create", "update", "delete")
                    if request.HasField("customTimeouts") and getattr(request.customTimeouts, op)
                },
            )
        )
        return response

    def _register(self, request):
        """MockMonitor's registration, plus what the engine does with secrets and the mock does
        not: outputs named in ``additionalSecretOutputs`` (a generated password's ``result``), and
        outputs whose input was secret, come back secret."""
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            return resource_pb2.RegisterResourceResponse(urn=urn)
        _ensure_event_loop()
        inputs = rpc.deserialize_properties(request.object)
        resource_id, state = self.mocks.new_resource(
            MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=inputs,
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom or False,
            )
        )
        secret_inputs = {k for k, v in request.object.fields.items() if _is_secret_value(v)}
        secret_outputs = set(request.additionalSecretOutputs) | secret_inputs
        shown = {k: ({rpc._special_sig_key: rpc._special_secret_sig, "value": v} if k in secret_outputs else v) for k, v in state.items()}
        obj = _sync_await(rpc.serialize_properties(shown, {}))
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id, state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=obj)

    def RegisterResourceOutputs(self, request):
        self.outputs[request.urn] = plain(request.outputs)
        return super().RegisterResourceOutputs(request)
