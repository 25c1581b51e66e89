"""Writes ``lago_infra/package/args.py`` and ``hosted.py``, which the wheel ships (this generator
it does not): the component package's typed args, generated from the settings models, and its components, whose outputs are the Python components'
annotated output attributes; so the schema other languages see cannot drift from the library.

Each settings model becomes a ``TypedDict`` (its keys in snake_case, which the analyzer turns
back into the stack file's camelCase), each field's description becomes the docstring under it
(the analyzer reads those from source). Each target component takes the whole ``lago:``
namespace but ``target`` (the component decides it) and the other targets' sections. Pulumi puts
every type of a package in one ``index`` module, so a model named like another (``Database`` in
the shared settings and in the AWS ones) is named after its target (``AwsDatabase``).

Each hosted component declares, with its docstring, every output attribute of the Python
component of its target whose annotation the schema can state (``pulumi.Output[T]``, optionally
``Optional``, of text, numbers, booleans, lists and string-keyed maps); anything else (the
``deployment`` object) stays a Python-only attribute.

``make generate`` rewrites the files; ``python -m tools.docs --check`` (and the test suite) fails
while one is stale.
"""

from __future__ import annotations

import ast
import importlib
import keyword
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from pydantic import BaseModel
from pulumi.provider.experimental.util import camel_case

from lago_infra.config.base import describe
from lago_infra.config.model import PRESETS, TARGET_SECTIONS, LagoSettings
from lago_infra.package.fields import FieldType, description, field_type, one_line

from . import ROOT, file_generator

ARGS_FILE = ROOT / "lago_infra" / "package" / "args.py"
HOSTED_FILE = ROOT / "lago_infra" / "package" / "hosted.py"

#: Each hosted component: its class name, its target and where it runs (for its docstring).
COMPONENTS: dict[str, tuple[str, str]] = {
    "LagoAws": ("aws", "AWS (ECS Fargate behind an ALB, RDS, ElastiCache, S3, Secrets Manager)"),
    "LagoGcp": ("gcp", "GCP (Cloud Run, Cloud SQL, Memorystore, GCS, Secret Manager)"),
    "LagoDocker": ("local", "one Docker host (Lago's compose layout)"),
}


class UndocumentedFields(ValueError):
    """Settings fields without a description: the schema and the reference would show nothing."""

    def __init__(self, keys: list[str]):
        self.keys = keys
        super().__init__(
            f"{len(keys)} settings field(s) have no description: {', '.join(keys)}. Fix: write a docstring "
            'on the line after each field ("""What it is and when to change it.""")'
        )


def type_name(model: type[BaseModel]) -> str:
    """A model's type name in the package: a target's own model is prefixed with the target
    (``AwsDatabase``) unless its name already says it (``AwsSettings``)."""
    parts = model.__module__.split(".")
    if "targets" in parts:
        target = parts[parts.index("targets") + 1].capitalize()
        if not model.__name__.startswith(target):
            return target + model.__name__
    return model.__name__


@dataclass
class Key:
    """One key of a section as the package states it."""

    python: str
    """The TypedDict key: the model's field name (the schema shows it camelCased)."""
    alias: str
    """The stack file's spelling."""
    type: FieldType
    required: bool
    description: str
    default: object = None


@dataclass
class Section:
    """A settings model (or a component's top-level args) as a TypedDict."""

    name: str
    doc: str
    keys: list[Key] = field(default_factory=list)


def _preset_keys() -> set[tuple[str, ...]]:
    """Every key path some preset sets: such a key is never required of the user."""
    from lago_infra.targets.aws.settings import PRESETS as AWS
    from lago_infra.targets.gcp.settings import PRESETS as GCP
    from lago_infra.targets.local.settings import PRESETS as LOCAL

    paths: set[tuple[str, ...]] = set()

    def walk(value: object, path: tuple[str, ...]) -> None:
        paths.add(path)
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*path, str(k)))

    for name, presets in (("", PRESETS), ("local", LOCAL), ("aws", AWS), ("gcp", GCP)):
        for preset in presets.values():
            walk(preset, (name,) if name else ())
    return paths


class _Builder:
    def __init__(self) -> None:
        self.sections: dict[str, Section] = {}
        self.owners: dict[str, type[BaseModel]] = {}
        self.undocumented: list[str] = []
        self.preset_keys = _preset_keys()

    def name_of(self, model: type[BaseModel]) -> str:
        name = type_name(model)
        owner = self.owners.setdefault(name, model)
        if owner is not model:
            raise ValueError(f"two settings models are both named {name} in the package ({owner} and {model}); rename one")
        return name

    def keys(self, model: type[BaseModel], path: tuple[str, ...], skip: tuple[str, ...] = ()) -> list[Key]:
        keys = []
        for name, f in model.model_fields.items():
            alias = f.alias or name
            if alias in skip:
                continue
            # The model's own field name: the hosted component hands it back to the model, and
            # the analyzer camelCases it into the stack file's spelling.
            python = name
            if camel_case(python) != alias or keyword.iskeyword(python):
                raise ValueError(f"lago:{'.'.join((*path, alias))}: field {python} is not the snake_case of its key; rename it")
            kind = field_type(f.annotation, f.metadata, self.name_of)
            text = description(f, kind.note)
            if not one_line(f.description):
                self.undocumented.append(f"lago:{'.'.join((*path, alias))}")
            for nested in kind.models:
                self.section(nested, (*path, alias))
            required = f.is_required() and (*path, alias) not in self.preset_keys
            keys.append(Key(python, alias, kind, required, text, None if f.is_required() else f.get_default(call_default_factory=True)))
        return keys

    def section(self, model: type[BaseModel], path: tuple[str, ...]) -> None:
        name = self.name_of(model)
        if name in self.sections:
            return
        self.sections[name] = Section(name, one_line(model.__doc__) or f"The lago:{'.'.join(path)} settings.")
        self.sections[name].keys = self.keys(model, path)
        # Nested sections first: the generated module defines a type before using it.
        self.sections[name] = self.sections.pop(name)


def build() -> tuple[dict[str, Section], dict[str, Section]]:
    """Nested types (in definition order) and each component's args; raises
    :class:`UndocumentedFields` naming every key without a description."""
    describe(LagoSettings)
    builder = _Builder()
    components: dict[str, Section] = {}
    for component, (target, where) in COMPONENTS.items():
        others = tuple(t for t in TARGET_SECTIONS if t != target)
        doc = (
            f"Settings of Lago on {where}: the keys of a stack file's lago: namespace (camelCase here too), "
            f"without lago:target and the other targets' sections. Keys left out take the preset's value."
        )
        components[component] = Section(f"{component}Args", doc, builder.keys(LagoSettings, (), skip=("target", *others)))
    # Every key is described: the schema, the reference and help() all show it.
    if builder.undocumented:
        raise UndocumentedFields(sorted(set(builder.undocumented)))
    return builder.sections, components


def _docstring(text: str, indent: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'{indent}"""{escaped}"""'


def _typed_dict(section: Section) -> list[str]:
    lines = [f"class {section.name}(TypedDict):", _docstring(section.doc, "    "), ""]
    for key in section.keys:
        annotation = key.type.source if key.required else f"NotRequired[{key.type.source}]"
        lines.append(f"    {key.python}: {annotation}")
        if key.description:
            lines.append(_docstring(key.description, "    "))
    return lines + ["", ""]


@file_generator(ARGS_FILE)
def args_module() -> str:
    """The generated module's text."""
    nested, components = build()
    lines = [
        '"""Typed args of the component package (other Pulumi languages), generated from the settings',
        "models by tools/docgen/package.py: do not edit; `make generate` rewrites it.",
        "",
        "No `from __future__ import annotations`: the component analyzer reads real types.",
        '"""',
        "",
        "from typing import TypedDict",
        "",
        "import pulumi",
        "from typing_extensions import NotRequired",
        "",
        "",
    ]
    for section in [*nested.values(), *components.values()]:
        lines += _typed_dict(section)
    return "\n".join(lines).rstrip("\n") + "\n"


def component_target(component: str) -> str:
    return COMPONENTS[component][0]


def find_key(section: Section, alias: str) -> Optional[Key]:
    return next((k for k in section.keys if k.alias == alias), None)


# -- the hosted components ------------------------------------------------------------------------

_OUTPUT_LEAVES = {"str", "int", "float", "bool", "Any"}


def _stateable(node: ast.expr) -> bool:
    """True for a value type the schema can state: text, numbers, booleans, Any, lists and
    string-keyed maps of those."""
    if isinstance(node, ast.Name):
        return node.id in _OUTPUT_LEAVES
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if node.value.id == "list" and len(args) == 1:
            return _stateable(args[0])
        if node.value.id == "dict" and len(args) == 2:
            return isinstance(args[0], ast.Name) and args[0].id == "str" and _stateable(args[1])
    return False


def output_annotation(text: str) -> Optional[str]:
    """``text`` (an attribute's annotation) when it is ``pulumi.Output[T]`` or
    ``Optional[pulumi.Output[T]]`` of a stateable ``T``, else None."""
    node = ast.parse(text, mode="eval").body
    inner = node
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Optional":
        inner = node.slice
    if isinstance(inner, ast.Subscript) and ast.unparse(inner.value) == "pulumi.Output" and _stateable(inner.slice):
        return ast.unparse(node)
    return None


def python_component(component: str) -> type:
    from lago_infra.program import TARGETS

    module_name, _, class_name = TARGETS[COMPONENTS[component][0]].partition(":")
    if class_name != component:
        raise ValueError(f"the package's {component} would host {class_name}: give both the same name")
    return getattr(importlib.import_module(module_name), class_name)


def outputs_of(component: str) -> dict[str, tuple[str, str]]:
    """The Python component's output attributes the schema can state: name -> (annotation, doc)."""
    from .reference import attribute_docs

    found = {}
    for name, (annotation, doc) in attribute_docs(python_component(component)).items():
        stated = output_annotation(annotation)
        if stated is not None:
            found[name] = (stated, doc or f"The component's {name}.")
    return found


@file_generator(HOSTED_FILE)
def hosted_module() -> str:
    lines = [
        '"""The components of the package (other Pulumi languages), generated by',
        "tools/docgen/package.py from the Python components: do not edit; `make generate` rewrites it.",
        "Each builds the Python component of its target as its child (lago_infra.package.hosting).",
        "",
        "No `from __future__ import annotations`: the component analyzer reads real types.",
        '"""',
        "",
        "from typing import Any, Optional",
        "",
        "import pulumi",
        "",
        f"from .args import {', '.join(f'{c}Args' for c in COMPONENTS)}",
        "from .hosting import host",
        "",
        "",
    ]
    for component, (target, where) in COMPONENTS.items():
        inner = python_component(component)
        doc = (
            f"Lago on {where}. {one_line(inner.__doc__)} Inputs are the keys of a stack file's lago: namespace "
            f"(camelCase) without target and the other targets' sections; keys left out take the preset's value."
        )
        lines += [f"class {component}(pulumi.ComponentResource):", _docstring(doc, "    "), ""]
        for name, (annotation, text) in outputs_of(component).items():
            lines += [f"    {name}: {annotation}", _docstring(one_line(text), "    ")]
        lines += [
            "",
            f"    def __init__(self, name: str, args: {component}Args, opts: Optional[pulumi.ResourceOptions] = None):",
            f'        host(self, "{target}", name, args, opts)',
            "",
            "",
        ]
    lines.append(f"COMPONENTS: list[type[pulumi.ComponentResource]] = [{', '.join(COMPONENTS)}]")
    return "\n".join(lines) + "\n"
