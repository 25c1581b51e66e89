"""Deterministic stand-ins for what providers would return: hosts, ports, ids, ARNs, key material.

Each provider's fakes live in their own module and register here by resource type token; a type
without fakes gets its inputs back plus an id. Everything derives from the resource's name, so
two runs of the same program agree byte for byte.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable

import pulumi

ResourceFake = Callable[[pulumi.runtime.MockResourceArgs], dict[str, Any]]
CallFake = Callable[[pulumi.runtime.MockCallArgs], dict[str, Any]]

RESOURCES: dict[str, ResourceFake] = {}
CALLS: dict[str, CallFake] = {}
#: What this plan registered so far, by type token then name: each resource's state, for a fake
#: that reads back what the program created (as the cloud's read API would). Emptied per plan.
REGISTERED: dict[str, dict[str, dict[str, Any]]] = {}


def resource(*types: str):
    def register(fn: ResourceFake) -> ResourceFake:
        for t in types:
            RESOURCES[t] = fn
        return fn

    return register


def call(*tokens: str):
    def register(fn: CallFake) -> CallFake:
        for t in tokens:
            CALLS[t] = fn
        return fn

    return register


def digest(*parts: Any, length: int = 12) -> str:
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:length]


class LagoMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        REGISTERED.clear()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        state = dict(args.inputs)
        fake = RESOURCES.get(args.typ)
        if fake is not None:
            state.update(fake(args))
        resource_id = state.pop("__id", None) or f"{args.name}-{digest(args.typ, args.name, length=8)}"
        REGISTERED.setdefault(args.typ, {})[args.name] = state
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs):
        fake = CALLS.get(args.token)
        return fake(args) if fake is not None else {}


# Provider fakes register themselves on import.
from . import aws, baseline, brought, common, docker, gcp  # noqa: E402,F401
