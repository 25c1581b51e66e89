"""The workflows' scripts, run here: which stacks get a real preview or a deploy and as whom
(stack-matrix.sh), and how comments are created or edited (post_comments.py, against a local
fake of GitHub's REST API)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from lago_infra.review.comment import MARKER

ROOT = Path(__file__).resolve().parents[1]
MATRIX = ROOT / ".github" / "scripts" / "stack-matrix.sh"
POSTER = ROOT / ".github" / "scripts" / "post_comments.py"

ROLE = "arn:aws:iam::123456789012:role/lago-preview"
PROVIDER = "projects/123456789/locations/global/workloadIdentityPools/github/providers/github"
ACCOUNT = "lago-preview@lago-prod-example.iam.gserviceaccount.com"
CONFIGURED = {
    "PULUMI_BACKEND_URL": "s3://lago-state",
    "AWS_PREVIEW_ROLE_ARN": ROLE,
    "GCP_WORKLOAD_IDENTITY_PROVIDER": PROVIDER,
    "GCP_PREVIEW_SERVICE_ACCOUNT": ACCOUNT,
}


def matrix(mode: str, env: dict[str, str], tmp_path: Path) -> tuple[int, Any, str, str]:
    note = tmp_path / "note.md"
    result = subprocess.run(
        ["bash", str(MATRIX), mode, str(note)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )
    out = json.loads(result.stdout) if result.returncode == 0 else None
    return result.returncode, out, note.read_text() if note.exists() else "", result.stderr


def test_nothing_is_previewed_until_configured(tmp_path):
    code, stacks, note, _ = matrix("preview", {}, tmp_path)
    assert code == 0 and stacks == []
    assert "`aws-prod`: skipped, not configured: set a state backend" in note and "AWS_PREVIEW_ROLE_ARN" in note
    assert "`local`" not in note  # a Docker host is never previewed


def test_each_cloud_stack_previews_as_its_read_only_identity(tmp_path):
    code, stacks, note, _ = matrix("preview", CONFIGURED, tmp_path)
    assert code == 0
    by = {s["stack"]: s for s in stacks}
    assert set(by) == {"aws-dev", "aws-prod", "gcp-dev", "gcp-prod"}
    assert by["aws-prod"] == {"stack": "aws-prod", "cloud": "aws", "region": "eu-west-1", "ref": "aws-prod", "role": ROLE, "provider": ""}
    assert by["gcp-prod"]["role"] == ACCOUNT and by["gcp-prod"]["provider"] == PROVIDER
    assert note.count("runs as the read-only preview identity") == 4


def test_a_fork_gets_no_preview(tmp_path):
    code, stacks, note, _ = matrix("preview", {**CONFIGURED, "FORK": "true"}, tmp_path)
    assert code == 0 and stacks == []
    assert note.count("a pull request from a fork gets no OIDC token") == 4


def test_stacks_in_several_accounts_name_one_identity_each(tmp_path):
    other = "arn:aws:iam::210987654321:role/lago-preview"
    code, stacks, note, _ = matrix("preview", {**CONFIGURED, "AWS_PREVIEW_ROLE_ARN": f"aws-dev={other} aws-prod={ROLE}"}, tmp_path)
    by = {s["stack"]: s for s in stacks}
    assert by["aws-dev"]["role"] == other and by["aws-prod"]["role"] == ROLE


def test_pulumi_cloud_previews_need_the_read_only_team(tmp_path):
    env = {**CONFIGURED, "PULUMI_BACKEND_URL": "", "PULUMI_ORGANIZATION": "acme"}
    code, stacks, note, _ = matrix("preview", env, tmp_path)
    assert stacks == [] and "PULUMI_PREVIEW_TEAM" in note
    code, stacks, _, _ = matrix("preview", {**env, "PULUMI_PREVIEW_TEAM": "lago-preview"}, tmp_path)
    assert {s["ref"] for s in stacks} == {"acme/aws-dev", "acme/aws-prod", "acme/gcp-dev", "acme/gcp-prod"}


def test_a_malformed_identity_never_reaches_the_matrix(tmp_path):
    code, stacks, note, _ = matrix("preview", {**CONFIGURED, "AWS_PREVIEW_ROLE_ARN": 'arn:aws:iam::1:role/x","cloud":"gcp'}, tmp_path)
    assert code == 0 and {s["cloud"] for s in stacks} == {"gcp"}
    assert "`aws-prod`: skipped" in note


def test_deploy_lists_the_named_cloud_stacks(tmp_path):
    code, stacks, _, _ = matrix("deploy", {"DEPLOY_STACKS": "aws-prod, gcp-dev"}, tmp_path)
    assert code == 0 and [s["stack"] for s in stacks] == ["aws-prod", "gcp-dev"]
    assert all("role" not in s for s in stacks)  # deploys take their identity from their environment
    assert matrix("deploy", {"DEPLOY_STACKS": ""}, tmp_path)[1] == []


@pytest.mark.parametrize("stacks, message", [("local", "a local stack"), ("aws-staging", "no stacks/Pulumi.aws-staging.yaml")])
def test_deploy_refuses_what_it_cannot_deploy(tmp_path, stacks, message):
    code, _, _, err = matrix("deploy", {"DEPLOY_STACKS": stacks}, tmp_path)
    assert code == 2 and message in err


# -- post_comments.py against a fake GitHub ---------------------------------------------------


class FakeGitHub(BaseHTTPRequestHandler):
    comments: list[dict[str, Any]] = []
    calls: list[tuple[str, str]] = []

    def _send(self, body: Any, link: str = "") -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if link:
            self.send_header("Link", link)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 (http.server's names)
        self.calls.append(("GET", self.path))
        assert self.headers["Authorization"] == "Bearer t0ken"
        page = 2 if "page=2" in self.path else 1
        items = self.comments[:2] if page == 1 else self.comments[2:]
        base = f"http://127.0.0.1:{self.server.server_port}"
        self._send(items, f'<{base}/repos/o/r/issues/7/comments?per_page=100&page=2>; rel="next"' if page == 1 else "")

    def _body(self) -> dict[str, Any]:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def do_PATCH(self):  # noqa: N802
        self.calls.append(("PATCH", self.path))
        comment_id = int(self.path.rsplit("/", 1)[1])
        next(c for c in self.comments if c["id"] == comment_id)["body"] = self._body()["body"]
        self._send({"id": comment_id})

    def do_POST(self):  # noqa: N802
        self.calls.append(("POST", self.path))
        self.comments.append({"id": 100 + len(self.comments), "user": {"login": "github-actions[bot]"}, "body": self._body()["body"]})
        self._send({"id": self.comments[-1]["id"]})

    def log_message(self, *args):
        pass


@pytest.fixture
def github():
    FakeGitHub.comments, FakeGitHub.calls = [], []
    server = HTTPServer(("127.0.0.1", 0), FakeGitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def post(server: HTTPServer, directory: Path) -> subprocess.CompletedProcess:
    env = {
        "GITHUB_TOKEN": "t0ken",
        "GITHUB_REPOSITORY": "o/r",
        "PR_NUMBER": "7",
        "GITHUB_API_URL": f"http://127.0.0.1:{server.server_port}",
        "PATH": "/usr/bin:/bin",
    }
    python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
    return subprocess.run([python, str(POSTER), str(directory)], capture_output=True, text=True, env=env)


def test_the_poster_edits_its_own_comment_and_creates_the_missing_one(github, tmp_path):
    others = {"id": 1, "user": {"login": "someone"}, "body": f"{MARKER}\nquoted by a person"}
    mine = {"id": 2, "user": {"login": "github-actions[bot]"}, "body": f"{MARKER}\nold"}
    unrelated = {"id": 3, "user": {"login": "github-actions[bot]"}, "body": "<!-- other -->\n"}
    FakeGitHub.comments = [others, unrelated, mine]  # mine is on the second page
    (tmp_path / "plan.md").write_text(f"{MARKER}\nnew")
    (tmp_path / "preview-aws-prod.md").write_text("<!-- lago-infra:preview:aws-prod -->\nfirst")
    result = post(github, tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert mine["body"] == f"{MARKER}\nnew" and others["body"].endswith("quoted by a person")
    assert [c["body"] for c in FakeGitHub.comments[3:]] == ["<!-- lago-infra:preview:aws-prod -->\nfirst"]
    assert ("PATCH", "/repos/o/r/issues/comments/2") in FakeGitHub.calls


def test_the_poster_refuses_a_file_without_its_marker_and_cuts_an_oversized_one(github, tmp_path):
    (tmp_path / "a.md").write_text("no marker\n")
    (tmp_path / "b.md").write_text("<!-- big -->\n```\n" + "x" * 100 + "\n" + ("y" * 999 + "\n") * 80 + "```\n")
    result = post(github, tmp_path)
    assert result.returncode == 1 and "a.md: its first line is not a hidden marker" in result.stdout
    [big] = FakeGitHub.comments
    assert len(big["body"].encode("utf-16-le")) // 2 <= 65_536
    assert big["body"].count("```") % 2 == 0 and "longer than GitHub accepts" in big["body"]
