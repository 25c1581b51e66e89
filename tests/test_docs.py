"""The documentation: the README, the site under docs/ built with warnings as errors, the parts
generated from the code (tools/docgen), and the commands the docs give for each example."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lago_infra.__main__ import main as cli_main
from tools import docgen

from .conftest import PROJECT_DIR

README = PROJECT_DIR / "README.md"
DOCS = PROJECT_DIR / "docs"


def _mkdocs(config: Path, site: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site)],
        cwd=config.parent,
        capture_output=True,
        text=True,
        env=env,
    )


# -- generated parts ------------------------------------------------------------------------------


def test_every_generated_part_and_file_is_current_and_every_generator_is_used():
    texts = []
    stale = []
    for page in docgen.pages():
        text = page.read_text()
        texts.append(text)
        stale += [f"{docgen.shown(page)}: {name}" for name in docgen.render(text, docgen.shown(page))[1]]
    stale += [docgen.shown(path) for path in docgen.stale_files()]
    assert stale == [], f"stale generated parts or files {stale}: run `make generate`"
    assert docgen.unused(texts) == [], "a generated part reaches no page"


def test_a_stale_part_is_rewritten_and_an_unknown_one_refused(monkeypatch):
    monkeypatch.setitem(docgen.GENERATORS, "sample", lambda: "| a | b |")
    text = "before\n<!-- generated:sample -->\nold\n<!-- /generated:sample -->\nafter\n"
    new, changed = docgen.render(text)
    assert changed == ["sample"]
    assert new == "before\n<!-- generated:sample -->\n| a | b |\n<!-- /generated:sample -->\nafter\n"
    assert docgen.render(new)[1] == []
    with pytest.raises(KeyError, match="no generator"):
        docgen.render("<!-- generated:nobody -->\nx\n<!-- /generated:nobody -->\n")


def test_a_generator_whose_part_is_in_no_page_is_reported(monkeypatch):
    monkeypatch.setitem(docgen.GENERATORS, "orphan", lambda: "x")
    assert "orphan" in docgen.unused([README.read_text()])


def test_generated_tables_are_only_in_generated_parts():
    """A table the code generates appears nowhere else: no hand-written copy to drift."""
    outside = []
    generated_rows = set()
    pages = {page: page.read_text() for page in docgen.pages()}
    for text in pages.values():
        for match in re.finditer(r"<!-- generated:[\w.-]+ -->\n(.*?)<!-- /generated:", text, re.S):
            generated_rows |= {line for line in match[1].splitlines() if line.startswith("| `")}
    for page, text in pages.items():
        bare = re.sub(r"<!-- generated:([\w.-]+) -->\n.*?<!-- /generated:\1 -->", "", text, flags=re.S)
        outside += [f"{docgen.shown(page)}: {line}" for line in bare.splitlines() if line in generated_rows]
    assert outside == []


# -- the site ---------------------------------------------------------------------------------------


def test_the_site_builds_with_warnings_as_errors(tmp_path):
    done = _mkdocs(PROJECT_DIR / "mkdocs.yml", tmp_path / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "site" / "reference" / "index.html").is_file()
    # Every page is in the navigation (an omitted one is a warning, so the build above failed).
    built = {p.relative_to(tmp_path / "site") for p in (tmp_path / "site").rglob("index.html")}
    assert len(built) == len(list(DOCS.rglob("*.md")))


def test_a_broken_link_or_anchor_fails_the_build(tmp_path):
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copy(PROJECT_DIR / "mkdocs.yml", tmp_path / "mkdocs.yml")
    page = tmp_path / "docs" / "index.md"
    page.write_text(page.read_text() + "\n[a](reference.md#no-such-anchor)\n")
    done = _mkdocs(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert done.returncode != 0 and "no-such-anchor" in done.stderr


def test_the_site_fetches_nothing_when_it_builds():
    """No plugin that downloads at build time (Material's social and privacy plugins fetch fonts)."""
    config = (PROJECT_DIR / "mkdocs.yml").read_text()
    assert "plugins:" not in config
    assert re.search(r"^\s+font: false$", config, re.M)


# -- the README ------------------------------------------------------------------------------------


def test_the_readme_is_short_and_its_quick_start_is_two_commands():
    text = README.read_text()
    assert len(text.splitlines()) <= 250
    start = text.index("## Quick start")
    block = re.search(r"```sh\n(.*?)```", text[start:], re.S)[1]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make plan", "make test"]


def test_every_relative_link_of_the_readme_and_the_site_leads_to_a_file():
    missing = []
    for page in [README, *DOCS.rglob("*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if re.match(r"[a-z]+:", target):
                continue
            if not (page.parent / target).exists():
                missing.append(f"{docgen.shown(page)} -> {target}")
    assert missing == []


def test_the_license_is_the_mit_text_pyproject_names():
    text = (PROJECT_DIR / "LICENSE").read_text()
    assert text.startswith("MIT License") and "lago-infra contributors" in text
    assert 'license = { text = "MIT" }' in (PROJECT_DIR / "pyproject.toml").read_text()


def test_no_doc_tells_a_user_to_run_a_command_that_is_gone():
    for page in [README, *DOCS.rglob("*.md")]:
        assert "lago_infra docs" not in page.read_text(), page


# -- the generators are out of the package and its CLI ----------------------------------------------


def test_the_package_imports_no_development_tool():
    found = [
        str(path.relative_to(PROJECT_DIR))
        for path in (PROJECT_DIR / "lago_infra").rglob("*.py")
        if re.search(r"^\s*(from|import) tools\b", path.read_text(), re.M)
    ]
    assert found == []


def test_docs_is_no_command_of_the_installed_cli_and_says_where_it_went(capsys):
    assert cli_main(["docs", "--check"]) == 2
    said = capsys.readouterr().err
    assert "make generate" in said and "checkout" in said and "Traceback" not in said


# -- every example plans with the command its docs give ----------------------------------------------

#: The offline plan command of an example, as the docs (in backticks) and the examples' own headers
#: (on a line of its own) give it.
_EXAMPLE_COMMAND = re.compile(
    r"`(python -m lago_infra plan --project-dir examples/[^`]+)`|^[#\s]*(python -m lago_infra plan --project-dir examples/.+)$", re.M
)


def documented_example_commands() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    sources = [
        *DOCS.rglob("*.md"),
        README,
        *(PROJECT_DIR / "examples").glob("*/__main__.py"),
        *(PROJECT_DIR / "examples").glob("*/Pulumi.yaml"),
    ]
    for page in sources:
        for command in (a or b for a, b in _EXAMPLE_COMMAND.findall(page.read_text())):
            command = command.strip()
            example = command.split("--project-dir ")[1].split()[0].removeprefix("examples/").strip("/")
            found.setdefault(example, [])
            if command not in found[example]:
                found[example].append(command)
    return found


def test_every_example_has_a_documented_plan_command():
    examples = {p.name for p in (PROJECT_DIR / "examples").iterdir() if (p / "Pulumi.yaml").is_file()}
    assert set(documented_example_commands()) == examples


@pytest.mark.parametrize(
    "command", [c for commands in documented_example_commands().values() for c in commands], ids=lambda c: c.split("examples/")[1]
)
def test_each_example_plans_with_its_documented_command(command, capsys, monkeypatch):
    monkeypatch.chdir(PROJECT_DIR)
    argv = shlex.split(command)
    assert argv[:3] == ["python", "-m", "lago_infra"]
    code = cli_main(argv[3:])
    out, err = capsys.readouterr()
    assert code == 0, err[-2000:]
    assert out.startswith(("Offline plan of stack", "Policy of stack")), out[:200]
