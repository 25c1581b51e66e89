"""Docker names are unique on the engine, so every container, network and volume the local target
names is replaced by deleting it first. A container is replaced at every release (a new image)
and every change of a variable; created beside the old one, Docker would refuse it ("Conflict.
The container name ... is already in use")."""

from __future__ import annotations

import pytest

#: The Docker objects the target gives a name of its own (a RemoteImage's ``name`` is the image
#: reference, which any number of resources may share).
NAMED = ("docker:index/container:Container", "docker:index/network:Network", "docker:index/volume:Volume")
ORG = {"lago:organization": {"name": "A", "email": "a@a.test", "password": {"secure": "v1:p"}}, "lago:features": {"signup": False}}


@pytest.mark.parametrize(
    "config",
    [
        {"lago:target": "local"},
        {"lago:target": "local", "lago:preset": "prod", **ORG, "lago:local": {"storage": "minio"}},
        {"lago:target": "local", "lago:redis": {"separateCache": True}, "lago:workers": {"dedicated": {"pdfs": {"replicas": 2}}}},
    ],
    ids=["dev", "prod-minio", "cache-and-dedicated"],
)
def test_every_named_docker_object_is_deleted_before_its_replacement(plan_config, config):
    plan = plan_config(config)
    named = [r for r in plan.resources if r.type in NAMED]
    assert {r.type for r in named} == set(NAMED)
    for r in named:
        assert r.inputs["name"] == r.name, f"{r.name}: a fixed Docker name"
        assert r.delete_before_replace, f"{r.name} would be created beside its predecessor of the same name"
    # Volumes hold data: protected in prod, so a replacement stops at them instead of emptying them.
    if config.get("lago:preset") == "prod":
        assert all(r.protect for r in named if r.type == NAMED[2])
