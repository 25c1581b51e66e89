"""Parts of the README that commands generate, so they cannot drift from the code.

A generated part sits between two markers in README.md::

    <!-- generated:NAME -->
    ...whatever GENERATORS[NAME]() returns...
    <!-- /generated:NAME -->

``python -m lago_infra docs`` rewrites every part; ``--check`` only reports the stale ones (exit
1), which is what the test suite runs. A module that owns a generated part registers it with
``@generator("NAME")``; ``_MODULES`` lists those modules so a check imports them all.

A whole file can be generated too (the configuration reference, the component package's typed
args): ``@file_generator(PATH)`` registers what the file must hold, and the same rewrite and
``--check`` cover it.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

#: Modules that register generators; imported before any rewrite or check.
_MODULES: tuple[str, ...] = (
    "lago_infra.cost.readme",
    "lago_infra.package.generate",
    "lago_infra.package.reference",
    "lago_infra.review.mermaid",
    "lago_infra.review.sample",
    "lago_infra.targets.aws.limits",
    "lago_infra.targets.baseline_docs",
)

GENERATORS: dict[str, Callable[[], str]] = {}
#: Whole generated files by path, and what each must hold.
FILE_GENERATORS: dict[Path, Callable[[], str]] = {}

_PART = re.compile(r"(<!-- generated:(?P<name>[\w.-]+) -->\n)(?P<body>.*?)(<!-- /generated:(?P=name) -->)", re.S)


def generator(name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    def register(fn: Callable[[], str]) -> Callable[[], str]:
        GENERATORS[name] = fn
        return fn

    return register


def file_generator(path: Path) -> Callable[[Callable[[], str]], Callable[[], str]]:
    def register(fn: Callable[[], str]) -> Callable[[], str]:
        FILE_GENERATORS[Path(path).resolve()] = fn
        return fn

    return register


def stale_files() -> dict[Path, str]:
    """Each generated file whose content differs from what its generator makes, with that content."""
    _load()
    stale = {}
    for path, fn in FILE_GENERATORS.items():
        content = fn()
        if not path.exists() or path.read_text() != content:
            stale[path] = content
    return stale


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _load() -> None:
    for module in _MODULES:
        importlib.import_module(module)


def render(text: str) -> tuple[str, list[str]]:
    """``text`` with every generated part regenerated, and the names of the parts that changed.
    A marker naming no generator is an error: a renamed generator must not leave a part frozen."""
    _load()
    changed: list[str] = []

    def fill(match: re.Match) -> str:
        name = match["name"]
        if name not in GENERATORS:
            raise KeyError(f"README part '{name}' has no generator (known: {', '.join(sorted(GENERATORS)) or 'none'})")
        body = GENERATORS[name]().rstrip("\n") + "\n"
        if body != match["body"]:
            changed.append(name)
        return f"{match.group(1)}{body}{match.group(4)}"

    return _PART.sub(fill, text), changed


def main(check: bool, readme: Path = README) -> int:
    text = readme.read_text()
    new, changed = render(text)
    files = stale_files()
    if check:
        for name in changed:
            print(f"README part '{name}' is stale: run `python -m lago_infra docs`")
        for path in files:
            print(f"{_shown(path)} is stale: run `python -m lago_infra docs`")
        return 1 if changed or files else 0
    if new != text:
        readme.write_text(new)
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    print(f"README: {len(changed)} generated part(s) rewritten" + (f" ({', '.join(changed)})" if changed else ""))
    if files:
        print(f"{len(files)} generated file(s) rewritten ({', '.join(_shown(p) for p in files)})")
    return 0
