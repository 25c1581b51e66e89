"""The documentation's generated parts, so they cannot drift from the code.

A generated part sits between two markers in the README or any page under ``docs/``::

    <!-- generated:NAME -->
    ...whatever GENERATORS[NAME]() returns...
    <!-- /generated:NAME -->

A whole file can be generated too (the configuration reference, the component package's typed
args): ``@file_generator(PATH)`` registers what the file must hold.

``python -m tools.docs`` (``make generate``) rewrites every part and file; ``--check`` only reports
the stale ones (exit 1), which is what the test suite runs. A module that owns a generated part
registers it with ``@generator("NAME")``; ``MODULES`` lists those modules so a check imports them
all. A marker naming no generator, or a generator no page uses, is an error: a renamed generator
must not leave a part frozen, and a generated table must reach the documentation.

These generators read the library (its settings models, limits, cost rules, policy rules) and
the checkout's stacks; the library never imports them.
"""

from __future__ import annotations

import functools
import importlib
import re
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
#: The command that regenerates everything, as messages name it.
REGENERATE = "make generate"

#: Modules that register generators; imported before any rewrite or check.
MODULES: tuple[str, ...] = (
    "tools.docgen.costs",
    "tools.docgen.diagrams",
    "tools.docgen.limits",
    "tools.docgen.package",
    "tools.docgen.policy",
    "tools.docgen.pr_comment",
    "tools.docgen.reference",
    "tools.docgen.settings_tables",
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


@functools.lru_cache(maxsize=None)
def plan_of(stack: str):
    """The offline plan of a shipped stack (``stacks/Pulumi.<stack>.yaml``), planned once per run."""
    from lago_infra.plan import run_plan

    return run_plan(stack=stack, project_dir=ROOT)


def load() -> None:
    for module in MODULES:
        importlib.import_module(module)


def pages() -> list[Path]:
    """Every page that may hold generated parts: the README and the site's pages, the whole
    generated files left out."""
    load()
    whole = set(FILE_GENERATORS)
    return [README, *(p for p in sorted(DOCS.rglob("*.md")) if p.resolve() not in whole)]


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def parts_in(text: str) -> list[str]:
    return [m["name"] for m in _PART.finditer(text)]


def render(text: str, where: str = "page") -> tuple[str, list[str]]:
    """``text`` with every generated part regenerated, and the names of the parts that changed.
    A marker naming no generator is an error."""
    load()
    changed: list[str] = []

    def fill(match: re.Match) -> str:
        name = match["name"]
        if name not in GENERATORS:
            raise KeyError(f"{where}: part '{name}' has no generator (known: {', '.join(sorted(GENERATORS)) or 'none'})")
        body = GENERATORS[name]().rstrip("\n") + "\n"
        if body != match["body"]:
            changed.append(name)
        return f"{match.group(1)}{body}{match.group(4)}"

    return _PART.sub(fill, text), changed


def stale_files() -> dict[Path, str]:
    """Each generated file whose content differs from what its generator makes, with that content."""
    load()
    stale = {}
    for path, fn in FILE_GENERATORS.items():
        content = fn()
        if not path.exists() or path.read_text() != content:
            stale[path] = content
    return stale


def unused(texts: list[str]) -> list[str]:
    """Generators whose part no page holds: their output would reach nobody."""
    used = {name for text in texts for name in parts_in(text)}
    return sorted(set(GENERATORS) - used)


def main(check: bool) -> int:
    problems: list[str] = []
    rewritten: dict[Path, str] = {}
    texts = []
    for page in pages():
        text = page.read_text()
        texts.append(text)
        new, changed = render(text, shown(page))
        for name in changed:
            problems.append(f"{shown(page)}: generated part '{name}' is stale: run `{REGENERATE}`")
        if new != text:
            rewritten[page] = new
    files = stale_files()
    problems += [f"{shown(path)} is stale: run `{REGENERATE}`" for path in files]
    orphans = unused(texts)
    for name in orphans:
        print(f"generated part '{name}' is in no page: add `<!-- generated:{name} -->` markers where it belongs")
    if check:
        for problem in problems:
            print(problem)
        return 1 if problems or orphans else 0
    for page, text in rewritten.items():
        page.write_text(text)
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    written = [shown(p) for p in (*rewritten, *files)]
    print(f"{len(written)} file(s) rewritten" + (f": {', '.join(written)}" if written else ""))
    return 1 if orphans else 0
