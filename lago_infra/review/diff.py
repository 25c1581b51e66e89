"""The difference between two offline plans of one stack (as written by ``plan --format json``).

Resources are matched by URN. A URN present only in the head is *added*, only in the base
*removed* (a renamed resource is both: Pulumi deletes and creates it unless an alias says
otherwise). A resource in both whose inputs changed is *replaced* when one of the changed inputs
forces it (``replacements.TABLE``), *updated* when the table says every changed input updates in
place, and *unknown* when the table does not know one of them (never guessed). Role
environments, images, commands and replica ranges are diffed too, and stack outputs. Values are those of the plan files: a secret is
``[secret]`` there and stays so here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .flatten import flatten
from .replacements import classify

ABSENT = "(absent)"

#: Resource options a reviewer must see change, shown as pseudo-inputs.
_OPTIONS = {"protect": "(protect)", "retain_on_delete": "(retainOnDelete)", "ignore_changes": "(ignoreChanges)"}

_PLAN_KEYS = ("project", "stack", "target", "resources", "outputs", "roles")


class PlanFileError(Exception):
    """A file that is not an offline plan: one message, no traceback."""


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "old": self.old, "new": self.new}


@dataclass
class ResourceChange:
    kind: str  # add | remove | replace | update | unknown
    urn: str
    type: str
    name: str
    changes: list[Change] = field(default_factory=list)
    #: The changed inputs that force the replacement (kind == "replace").
    replaced_by: list[str] = field(default_factory=list)
    #: Resources of the head that read this one's outputs: they change too under a real engine
    #: when it is replaced (new ids), which the offline mocks cannot show.
    dependents: list[str] = field(default_factory=list)
    #: Changed input paths the replacement table does not know (kind == "unknown").
    unknown: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "changes": [c.to_json() for c in self.changes],
            "replaced_by": self.replaced_by,
            "dependents": self.dependents,
            "unknown": self.unknown,
        }


@dataclass
class PlanDiff:
    stack: str
    target: str
    base: dict[str, Any]
    head: dict[str, Any]
    resources: list[ResourceChange]
    roles: list[Change]
    outputs: list[Change]

    @property
    def empty(self) -> bool:
        return not (self.resources or self.roles or self.outputs)

    def of_kind(self, kind: str) -> list[ResourceChange]:
        return [r for r in self.resources if r.kind == kind]

    def counts(self) -> dict[str, int]:
        return {k: len(self.of_kind(k)) for k in ("add", "replace", "update", "unknown", "remove")}


def load(path: Path | str) -> dict[str, Any]:
    """A plan file, checked to be one."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text())
    except OSError as error:
        raise PlanFileError(
            f"{path}: cannot read it ({error.strerror}). Write it with `python -m lago_infra plan --stack NAME --format json > {path.name}`"
        ) from None
    except ValueError as error:
        raise PlanFileError(f"{path}: not JSON ({error}). Write it with `python -m lago_infra plan --stack NAME --format json`") from None
    missing = [k for k in _PLAN_KEYS if not isinstance(doc, dict) or k not in doc]
    if missing:
        raise PlanFileError(
            f"{path}: not an offline plan (missing {', '.join(missing)}). Write it with `python -m lago_infra plan --stack NAME --format json`"
        )
    return doc


def diff(base: dict[str, Any], head: dict[str, Any]) -> PlanDiff:
    if base.get("stack") != head.get("stack"):
        raise PlanFileError(
            f"the plans are of two stacks ('{base.get('stack')}' and '{head.get('stack')}'): compare two plans of one stack"
        )
    old = {r["urn"]: r for r in base["resources"]}
    new = {r["urn"]: r for r in head["resources"]}
    dependents: dict[str, list[str]] = {}
    for r in head["resources"]:
        for d in r.get("dependencies", []):
            dependents.setdefault(d, []).append(r["name"])

    resources: list[ResourceChange] = []
    for urn in sorted(old.keys() | new.keys()):
        before, after = old.get(urn), new.get(urn)
        if before is None:
            resources.append(ResourceChange("add", urn, after["type"], after["name"], _changes({}, _state(after, every_option=False))))
        elif after is None:
            resources.append(
                ResourceChange("remove", urn, before["type"], before["name"], _changes(_state(before, every_option=False), {}))
            )
        else:
            changes = _changes(_state(before), _state(after))
            if not changes:
                continue
            # Resource options (the "(protect)" pseudo-inputs) never replace anything.
            verdict = classify(after["type"], [(c.path, c.old, c.new) for c in changes if not c.path.startswith("(")], after.get("inputs"))
            forced = verdict.replacing
            resources.append(
                ResourceChange(
                    verdict.kind,
                    urn,
                    after["type"],
                    after["name"],
                    changes,
                    forced,
                    sorted(dependents.get(urn, [])) if forced else [],
                    verdict.unknown,
                )
            )
    return PlanDiff(
        stack=head["stack"],
        target=head["target"],
        base=base,
        head=head,
        resources=resources,
        roles=_changes(flatten(base.get("roles", {})), flatten(head.get("roles", {}))),
        outputs=_changes(flatten(base.get("outputs", {})), flatten(head.get("outputs", {}))),
    )


def _state(resource: dict[str, Any], every_option: bool = True) -> dict[str, Any]:
    """A resource's inputs, flattened, plus its options as pseudo-inputs (an added or removed
    resource lists only the options it sets)."""
    state = flatten(resource.get("inputs", {}))
    for key, label in _OPTIONS.items():
        value = resource.get(key)
        if value or every_option:
            state[label] = value if value is not None else False
    return state


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    out = []
    for path in sorted(old.keys() | new.keys()):
        a, b = old.get(path, ABSENT), new.get(path, ABSENT)
        if a != b:
            out.append(Change(path, a, b))
    return out
