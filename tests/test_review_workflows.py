"""The GitHub workflows: valid for actionlint with shellcheck, clean for zizmor, every action
pinned by commit SHA, and pull-request code never holding credentials that can change
infrastructure."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SCRIPTS = sorted((ROOT / ".github" / "scripts").glob("*.sh"))
PULL_REQUEST = ROOT / ".github" / "workflows" / "pull-request.yml"
DEPLOY = ROOT / ".github" / "workflows" / "deploy.yml"
BIN = Path(sys.executable).parent


def _tool(name: str, how: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: {how}")
    return found


def _shellcheck() -> str:
    # GitHub's ubuntu-24.04 image ships it, so CI lints the workflows' shell there: so must we.
    return _tool("shellcheck", "make deps (Debian's package, as on GitHub's ubuntu-24.04 image)")


def _workflow(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as True
    return doc


def _steps(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    return [(name, job, step) for name, job in doc["jobs"].items() for step in job.get("steps", [])]


def test_workflows_pass_actionlint_with_shellcheck():
    assert WORKFLOWS
    actionlint = _tool("actionlint", "make install (it is in the test extra)")
    result = subprocess.run(
        [actionlint, "-no-color", f"-shellcheck={_shellcheck()}", *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_really_runs_shellcheck(tmp_path):
    """The check above means nothing if actionlint skips shellcheck: a script shellcheck
    rejects (SC2086, an unquoted variable) must fail it."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo $HOME\n")
    actionlint = _tool("actionlint", "make install")
    result = subprocess.run([actionlint, "-no-color", f"-shellcheck={_shellcheck()}", str(bad)], capture_output=True, text=True)
    assert result.returncode != 0 and "SC2086" in result.stdout


def test_scripts_pass_shellcheck():
    assert SCRIPTS
    result = subprocess.run([_shellcheck(), *map(str, SCRIPTS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _zizmor(persona: str) -> list[dict[str, Any]]:
    """zizmor's findings, offline (no GitHub API: the online audits, such as impostor commits
    and tag/SHA mismatches, are skipped; the README says how the SHAs were checked)."""
    zizmor = _tool("zizmor", "make install (it is in the test extra)")
    result = subprocess.run(
        [zizmor, "--offline", "--no-config", f"--persona={persona}", "--format=json", ".github/workflows"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def test_zizmor_finds_nothing_at_its_default_persona():
    assert _zizmor("regular") == []


def test_zizmor_auditor_findings_are_fixed_or_explained():
    """Every finding of the auditor persona is fixed; one that cannot be is silenced beside its
    line with the reason (``# zizmor: ignore[rule] -- why``), which zizmor then counts as ignored."""
    findings = _zizmor("auditor")
    assert findings == [], [(f["ident"], f["locations"][0]["symbolic"]["annotation"]) for f in findings]
    for workflow in WORKFLOWS:
        for line in workflow.read_text().splitlines():
            if "zizmor: ignore" in line:
                assert re.search(r"# zizmor: ignore\[[\w,-]+\] -- \S.{10,}", line), (
                    f"{workflow.name}: an ignore without its reason: {line.strip()}"
                )


def test_every_action_is_pinned_by_commit_sha_with_its_tag():
    for workflow in WORKFLOWS:
        for line in workflow.read_text().splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), f"{workflow.name}: {line.strip()}"


def test_every_checkout_drops_its_credentials():
    for workflow in WORKFLOWS:
        for job, _, step in _steps(_workflow(workflow)):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, f"{workflow.name}: {job}"


def test_no_long_lived_credentials_and_no_privileged_triggers():
    """Every cloud and Pulumi credential comes from OIDC; repository secrets are not read at all,
    and nothing runs the pull request's code on a trigger that carries write tokens."""
    for workflow in WORKFLOWS:
        text = workflow.read_text()
        assert "secrets." not in text, f"{workflow.name} reads a repository secret"
        for key in (
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "GOOGLE_CREDENTIALS",
            "PULUMI_ACCESS_TOKEN",
            "PULUMI_CONFIG_PASSPHRASE",
            "credentials_json",
        ):
            assert key not in text, f"{workflow.name} names {key}"
        triggers = _workflow(workflow)["on"]
        assert not {"pull_request_target", "workflow_run"} & set(triggers), workflow.name
    assert set(_workflow(PULL_REQUEST)["on"]) == {"pull_request"}


def test_every_job_names_its_permissions_and_nothing_is_granted_by_default():
    for workflow in WORKFLOWS:
        doc = _workflow(workflow)
        assert doc["permissions"] == {}, workflow.name
        for name, job in doc["jobs"].items():
            assert "permissions" in job, f"{workflow.name}: {name}"


def _runs_project_code(job: dict[str, Any]) -> bool:
    runs = " ".join(str(step.get("run", "")) for step in job.get("steps", []))
    uses = " ".join(str(step.get("uses", "")) for step in job.get("steps", []))
    return bool(re.search(r"\bmake\b|\.venv|\.ci/run|lago_infra", runs)) or "pulumi/actions@" in uses


def test_pull_request_code_never_meets_a_write_token():
    """In the pull-request workflow, a job that runs the pull request's code may hold the
    read-only preview identity (id-token) and nothing that writes; a job that writes to the
    pull request runs only the comment poster."""
    for name, job in _workflow(PULL_REQUEST)["jobs"].items():
        writes = {k for k, v in job["permissions"].items() if v == "write"}
        if _runs_project_code(job):
            assert writes <= {"id-token"}, f"{name} runs the pull request's code with {writes}"
        if "pull-requests" in writes:
            runs = [step["run"] for step in job["steps"] if "run" in step]
            assert runs and all(r.startswith("python3 .github/scripts/post_comments.py ") for r in runs), name


def test_previews_use_read_only_identities_and_deploys_their_environment():
    pr, deploy = PULL_REQUEST.read_text(), DEPLOY.read_text()
    for identity in ("AWS_DEPLOY_ROLE_ARN", "GCP_DEPLOY_SERVICE_ACCOUNT", "PULUMI_DEPLOY_TEAM"):
        assert identity not in pr and identity in deploy
    # Previews get a team token (a team with Read on the stacks), never an organization token.
    assert "access_token:team" in pr and "access_token:organization" not in pr
    preview = _workflow(PULL_REQUEST)["jobs"]["preview"]
    assert preview["permissions"] == {"contents": "read", "id-token": "write"}
    roles = {
        step["with"].get("role-to-assume")
        for _, _, step in _steps({"jobs": {"preview": preview}})
        if "configure-aws-credentials" in str(step.get("uses"))
    }
    assert roles == {"${{ matrix.role }}"}
    for name, job in _workflow(DEPLOY)["jobs"].items():
        if job["permissions"].get("id-token") == "write":
            assert job["environment"] == "${{ matrix.stack }}", name


def test_prod_deploys_wait_in_an_environment():
    up = _workflow(DEPLOY)["jobs"]["up"]
    assert up["environment"] == "${{ matrix.stack }}"
    assert up["concurrency"]["cancel-in-progress"] is False


def test_pulumi_actions_show_the_diff_with_the_pinned_cli():
    """pulumi/actions with `diff: true` and the Pulumi CLI of the Python SDK in requirements.lock."""
    lock = re.search(r"^pulumi==([\d.]+)$", (ROOT / "requirements.lock").read_text(), re.M)
    assert lock
    steps = [
        step
        for workflow in WORKFLOWS
        for _, _, step in _steps(_workflow(workflow))
        if str(step.get("uses", "")).startswith("pulumi/actions@")
    ]
    assert len(steps) == 2
    for step in steps:
        assert step["with"]["diff"] is True
        assert str(step["with"]["pulumi-version"]) == lock.group(1)
        assert step["with"]["policyPacks"] == "policy"
