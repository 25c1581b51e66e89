"""The production baseline's tables (docs/production-baseline.md), generated from the settings
classes themselves: each row is a field, its description, and its value in the dev and prod
presets, so the page cannot drift from the code."""

from __future__ import annotations

import json
from typing import Any, Optional

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from lago_infra.config.alerts import Thresholds
from lago_infra.config.base import describe
from lago_infra.targets.aws.settings import PRESETS as AWS_PRESETS
from lago_infra.targets.aws.settings import Baseline as AwsBaseline
from lago_infra.targets.gcp.settings import PRESETS as GCP_PRESETS
from lago_infra.targets.gcp.settings import Baseline as GcpBaseline

from . import generator


def field_docs(cls: type[BaseModel]) -> dict[str, str]:
    """Each field's description (the docstring under it), on one line."""
    describe(cls)
    missing = sorted(n for n, f in cls.model_fields.items() if not f.description)
    if missing:
        raise ValueError(f"{cls.__qualname__}: fields without a description: {', '.join(missing)}")
    return {n: " ".join(str(f.description).split()) for n, f in cls.model_fields.items()}


def _shown(value: Any) -> str:
    return f"`{json.dumps(value)}`"


def settings_table(cls: type[BaseModel], prefix: str, presets: Optional[dict[str, dict[str, Any]]]) -> str:
    docs_ = field_docs(cls)
    if presets is None:
        rows = ["| key | default | what it governs |", "|---|---|---|"]
    else:
        rows = ["| key | dev | prod | what it governs |", "|---|---|---|---|"]
    for name, field in cls.model_fields.items():
        key = to_camel(name)
        text = docs_[name].replace("|", "\\|")
        if presets is None:
            rows.append(f"| `{prefix}.{key}` | {_shown(field.default)} | {text} |")
        else:
            dev, prod = (presets[p].get(key, field.default) for p in ("dev", "prod"))
            rows.append(f"| `{prefix}.{key}` | {_shown(dev)} | {_shown(prod)} | {text} |")
    return "\n".join(rows) + "\n"


@generator("baseline-aws")
def _aws() -> str:
    return settings_table(AwsBaseline, "lago:aws.baseline", {p: AWS_PRESETS[p].get("baseline", {}) for p in ("dev", "prod")})


@generator("baseline-gcp")
def _gcp() -> str:
    return settings_table(GcpBaseline, "lago:gcp.baseline", {p: GCP_PRESETS[p].get("baseline", {}) for p in ("dev", "prod")})


@generator("alerts-thresholds")
def _thresholds() -> str:
    return settings_table(Thresholds, "lago:alerts.thresholds", None)
