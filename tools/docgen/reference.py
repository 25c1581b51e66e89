"""``docs/reference.md``: the configuration and API reference, generated from the settings models,
the presets and the components, so it cannot drift (``python -m tools.docs --check`` fails while it
is stale).

Every ``lago:`` key is listed with its full path, type, default, the dev and prod preset values
where they differ from the default, and its description; then the Python components (arguments
and output attributes, from their docstrings) and the component package (resource types, inputs,
outputs) that other Pulumi languages use.
"""

from __future__ import annotations

import inspect
import json
from typing import Any, Iterator

from pydantic import BaseModel

from lago_infra.config.base import attribute_docstrings, deep_merge, describe
from lago_infra.config.model import PRESETS, TARGET_SECTIONS, TARGET_SHARED_PRESETS, LagoSettings
from lago_infra.config.shape import model_in
from lago_infra.package.fields import description, field_type, one_line

from . import DOCS, file_generator
from .package import type_name

REFERENCE_FILE = DOCS / "reference.md"


def _target_presets() -> dict[str, dict[str, Any]]:
    from lago_infra.targets.aws.settings import PRESETS as AWS
    from lago_infra.targets.gcp.settings import PRESETS as GCP
    from lago_infra.targets.local.settings import PRESETS as LOCAL

    return {"local": LOCAL, "aws": AWS, "gcp": GCP}


def preset_values(preset: str) -> dict[str, Any]:
    """What ``preset`` sets, target sections included, keyed as the stack file spells them."""
    merged = dict(PRESETS[preset])
    for target, presets in _target_presets().items():
        merged = deep_merge(merged, {target: presets[preset]})
    return merged


def _by_target(preset: str, key: tuple[str, ...]) -> str:
    """What a target's ``preset`` sets for a shared ``key`` over the neutral preset (``aws: 4``)."""
    shown = [f"{target}: {_shown(_at(presets.get(preset, {}), key))}" for target, presets in TARGET_SHARED_PRESETS.items()]
    return "; ".join(s for s in shown if not s.endswith(": "))


def _at(values: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(values, dict) or part not in values:
            return _MISSING
        values = values[part]
    return values


_MISSING = object()


def _shown(value: Any) -> str:
    if value is _MISSING:
        return ""
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=True, exclude_defaults=True)
        if not value:
            return ""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (dict, list)):
        return f"`{json.dumps(value, separators=(', ', ': '))}`" if value else ""
    if hasattr(value, "get_secret_value"):
        return ""
    return f"`{value}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rows(model: type[BaseModel], path: tuple[str, ...], presets: dict[str, dict[str, Any]]) -> Iterator[tuple[str, ...]]:
    for name, f in model.model_fields.items():
        alias = f.alias or name
        key = (*path, alias)
        kind = field_type(f.annotation, f.metadata, type_name)
        default = "required" if f.is_required() else _shown(f.get_default(call_default_factory=True))
        by_preset = [_shown(_at(values, key)) for values in presets.values()]
        by_preset = [v if v and v != default else "" for v in by_preset]
        by_preset = ["; ".join(c for c in (v, _by_target(p, key)) if c) for v, p in zip(by_preset, presets)]
        nested = model_in(f.annotation)
        mapping = str(f.annotation).startswith("dict[") and nested is not None
        if nested is not None and not mapping:
            yield (".".join(key), kind.text, "", "", "", description(f, ""))
            yield from _rows(nested, key, presets)
            continue
        yield (".".join(key), kind.text, default, *by_preset, description(f, ""))
        if mapping:
            yield from _rows(nested, (*key, "<name>"), presets)


def configuration() -> str:
    describe(LagoSettings)
    presets = {p: preset_values(p) for p in PRESETS}
    lines = [
        "## Configuration (`lago:` keys)",
        "",
        "Each key as a stack file spells it (`pulumi config set --path lago:KEY VALUE`; a Python program",
        "may also use snake_case). *dev* and *prod* show what each preset sets where it differs from the",
        "default; a key a stack file sets wins over its preset. `lago:local`, `lago:aws` and `lago:gcp` are",
        "read only by their own target.",
        "",
    ]
    sections: dict[str, list[tuple[str, ...]]] = {}
    for row in _rows(LagoSettings, (), presets):
        head = row[0].split(".")[0]
        group = head if head in TARGET_SECTIONS else "shared"
        sections.setdefault(group, []).append(row)
    titles = {"shared": "Every target", "local": "`lago:local` (Docker)", "aws": "`lago:aws`", "gcp": "`lago:gcp`"}
    for group in ("shared", *TARGET_SECTIONS):
        lines += [f"### {titles[group]}", "", "| key | type | default | dev | prod | description |", "|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join(_cell(c) for c in (f"`{row[0]}`", *row[1:])) + " |" for row in sections.get(group, [])]
        lines.append("")
    return "\n".join(lines)


def attribute_docs(cls: type) -> dict[str, tuple[str, str]]:
    """Annotated attributes of ``cls`` and its bases (nearest first), each with its annotation
    text and the docstring written under it; private and Pulumi's own attributes left out."""
    found: dict[str, tuple[str, str]] = {}
    for klass in cls.__mro__:
        if klass.__module__.startswith(("pulumi.", "builtins")) or klass is object:
            continue
        for name, (annotation, doc) in attribute_docstrings(klass).items():
            if not name.startswith("_"):
                found.setdefault(name, (annotation, one_line(doc)))
    return found


def _python_components() -> list[str]:
    from lago_infra.program import TARGETS, component_class

    lines = [
        "## Python components",
        "",
        "Import them into a Pulumi program of your own (install the package from the repository or a wheel:",
        "[Getting started](getting-started.md#install)). Each takes a name, a validated `LagoSettings` and",
        "`ResourceOptions`; every child is parented to it.",
        "",
    ]
    for target, where in TARGETS.items():
        cls = component_class(target)
        lines += [f"### `{where.replace(':', '.')}` (target `{target}`)", "", one_line(cls.__doc__), "", "```text"]
        lines += [inspect.cleandoc(cls.__init__.__doc__ or ""), "```", "", "| output attribute | type | description |", "|---|---|---|"]
        for attr, (annotation, doc) in attribute_docs(cls).items():
            lines.append(f"| `{attr}` | `{_cell(annotation)}` | {_cell(doc)} |")
        lines.append("")
    return lines


def _package_components() -> list[str]:
    from lago_infra.package.hosting import PACKAGE

    from .package import COMPONENTS, outputs_of

    lines = [
        "## Component package (TypeScript, Go, C#, Java, YAML)",
        "",
        f"Package `{PACKAGE}`, served by the plugin directory `provider/`. Each component's inputs are the",
        "keys above (camelCase), without `target` and without the other targets' sections; object inputs",
        "are plain values, ids a platform brings and secrets accept outputs.",
        "",
    ]
    for component, (target, where) in COMPONENTS.items():
        lines += [
            f"### `{PACKAGE}:index:{component}` (target `{target}`)",
            "",
            f"Lago on {where}.",
            "",
            "| output | type | description |",
            "|---|---|---|",
        ]
        for attr, (annotation, doc) in outputs_of(component).items():
            camel = attr.split("_")[0] + "".join(w.title() for w in attr.split("_")[1:])
            lines.append(f"| `{camel}` | `{_cell(annotation)}` | {_cell(doc)} |")
        lines.append("")
    return lines


@file_generator(REFERENCE_FILE)
def reference() -> str:
    lines = [
        "# lago-infra reference",
        "",
        "Generated by `make generate` from the settings models, the presets and the components; do not edit",
        "(the test suite fails while it is stale).",
        "",
        configuration(),
        *_python_components(),
        *_package_components(),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"
