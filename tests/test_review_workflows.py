"""The GitHub workflows: valid for actionlint, every action pinned by commit SHA, one comment
found by its marker."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lago_infra.review.comment import MARKER

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if found is None:
        pytest.fail("actionlint is not installed: make install (it is in the test extra)")
    return found


def test_workflows_pass_actionlint():
    assert WORKFLOWS
    result = subprocess.run([_actionlint(), "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_by_commit_sha_with_its_tag():
    for workflow in WORKFLOWS:
        for line in workflow.read_text().splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), f"{workflow.name}: {line.strip()}"


def test_the_comment_step_finds_its_comment_by_the_marker():
    text = (ROOT / ".github" / "workflows" / "pull-request.yml").read_text()
    assert f"const marker = '{MARKER}';" in text
    assert "updateComment" in text and "createComment" in text


def test_prod_deploys_wait_in_an_environment():
    up = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())["jobs"]["up"]
    assert up["environment"] == "${{ matrix.stack }}"
    assert up["concurrency"]["cancel-in-progress"] is False
