"""Plan values as flat ``path -> leaf`` maps, so two plans compare path by path.

Strings that hold JSON (ECS container definitions, IAM policy documents) are parsed and
flattened like any other structure: a reviewer reads ``containerDefinitions.api.image``, not two
blobs. A list whose items are objects each carrying a distinct ``name`` is keyed by that name
(containers, environment variables), so inserting one item does not shift every later index.
Lists of plain values (a command, security group ids) stay one leaf.
"""

from __future__ import annotations

import json
from typing import Any


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    _walk(_parsed(value), prefix, out)
    return out


def _parsed(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("{", "[") and value[-1:] in ("}", "]"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _walk(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        if not value:
            out[prefix] = {}
        for key in sorted(value):
            _walk(_parsed(value[key]), _join(prefix, str(key)), out)
        return
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        names = [v.get("name") for v in value]
        keyed = all(isinstance(n, str) and n for n in names) and len(set(names)) == len(names)
        for index, item in enumerate(value):
            if keyed:
                rest = {k: v for k, v in item.items() if k != "name"}
                # An environment variable {"name": N, "value": V} reads best as ``environment.N: V``.
                if not rest:
                    out[_join(prefix, item["name"])] = {}
                    continue
                if set(rest) == {"value"}:
                    out[_join(prefix, item["name"])] = _parsed(rest["value"])
                    continue
                _walk(rest, _join(prefix, item["name"]), out)
            else:
                _walk(item, f"{prefix}[{index}]", out)
        return
    out[prefix] = value
