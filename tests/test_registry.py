"""One list of targets (``lago_infra/targets/registry.py``) that everything reads: a new runtime is
a folder and one entry, and no other module spells the list out again."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from typing import get_args

import pytest

import lago_infra
from lago_infra.config import model, namespaces
from lago_infra.policy import TARGETS as POLICIES
from lago_infra.policy.from_pack import COMPONENT_TYPES
from lago_infra.program import component_class
from lago_infra.targets import registry
from lago_infra.targets.registry import TARGETS

PACKAGE = Path(lago_infra.__file__).parent

#: Modules that may still spell the targets out, and why.
SPELLED_OUT = {
    # The typed values of lago:target, checked against the list when the model is imported.
    "config/model.py",
    # README and reference generators: they leave the wheel; they will read the list then.
    "package/generate.py",
    "package/reference.py",
    "review/mermaid.py",
}


def _lists_every_target(node: ast.AST) -> bool:
    if isinstance(node, ast.Dict):
        items = node.keys
    elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items = node.elts
    else:
        return False
    names = {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}
    return set(TARGETS) <= names


def test_no_module_but_the_list_spells_out_every_target():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = str(path.relative_to(PACKAGE))
        if where == "targets/registry.py" or where in SPELLED_OUT:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if _lists_every_target(node):
                found.append(f"{where}:{node.lineno}")
    assert not found, f"read the list of targets (lago_infra.targets.registry) instead: {found}"


@pytest.mark.parametrize("name", list(TARGETS))
def test_every_part_of_each_target_loads_and_agrees_with_the_rest(name):
    spec = TARGETS[name]
    for part in ("component", "settings", "presets", "checks", "policy"):
        assert spec.load(part) is not None, part
    assert component_class(name) is spec.load("component")
    assert set(spec.load("presets")) == set(model.PRESETS)
    assert model.LagoSettings.model_fields[name].annotation is not None
    assert namespaces.TARGET_PROVIDER[name] == spec.provider
    assert POLICIES[name].name == name and POLICIES[name].provider == f"{spec.provider}:"
    assert COMPONENT_TYPES[spec.type_token] == name
    for exported in (spec.class_name, *spec.aliases):
        assert getattr(lago_infra, exported) is spec.load("component") and exported in lago_infra.__all__


@pytest.mark.parametrize("stack, name", [("local", "local"), ("aws-dev", "aws"), ("gcp-dev", "gcp")])
def test_each_component_registers_the_type_token_its_entry_gives(plan_of, stack, name):
    """The entry's token is what the policy pack recognises the component by."""
    (component,) = plan_of(stack).components.values()
    assert component["type"] == TARGETS[name].type_token


def test_the_typed_settings_say_what_the_list_says():
    assert get_args(model.Target) == tuple(TARGETS) == model.TARGET_SECTIONS


def test_a_target_listed_without_its_typed_section_stops_the_model_at_import(monkeypatch):
    fourth = dataclasses.replace(TARGETS["local"], name="nomad", component="lago_infra.targets.nomad.component:LagoNomad")
    monkeypatch.setattr(registry, "TARGETS", {**TARGETS, "nomad": fourth})
    monkeypatch.setattr(model, "TARGETS", registry.TARGETS)
    with pytest.raises(TypeError) as error:
        model._sections_follow_the_list_of_targets()
    message = str(error.value)
    assert "'nomad'" in message and "Target" in message and "Fix:" in message


def test_local_is_lago_local_and_keeps_its_first_name():
    from lago_infra.targets.local.component import LagoDocker, LagoLocal

    assert LagoDocker is LagoLocal is lago_infra.LagoLocal is lago_infra.LagoDocker
    assert TARGETS["local"].type_token == "lago:local:LagoDocker"
