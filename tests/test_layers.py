"""The import layers hold (the contracts under ``[tool.importlinter]`` in pyproject.toml): deploy
code never imports the tooling, each layer imports only the ones below it, no package's modules
import each other in a circle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    assert LINT_IMPORTS.exists(), "lint-imports is missing: install the lint extra (make install)"
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True)


def test_every_import_contract_is_kept():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    "module, line, contract",
    [
        # Deploy code that would read the guardrails (a target's database reading the policy's figures).
        ("targets/aws/data.py", "from ...policy import RULES", "Deploy code imports no tooling"),
        # A target's settings that would need the model built from them: the old config <-> targets circle.
        ("targets/gcp/settings.py", "from ...config.model import LagoSettings", "Layers point down"),
        # The Lago module that would know a target.
        ("lago/roles.py", "from ..targets.local import component", "Layers point down"),
        # Price rules and the estimate that runs them, importing each other.
        ("cost/pricing.py", "from . import estimate", "No import cycles within a package"),
    ],
)
def test_an_import_that_points_up_breaks_a_contract(tmp_path, module, line, contract):
    """The contracts are not vacuous: one such import in a copy of the package breaks one."""
    shutil.copytree(ROOT / "lago_infra", tmp_path / "lago_infra", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with open(tmp_path / "lago_infra" / module, "a") as f:
        f.write(f"\n{line}  # noqa\n")
    done = lint_imports(tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert done.returncode == 1, done.stdout[-3000:]
    assert f"{contract} BROKEN" in done.stdout, done.stdout[-3000:]
