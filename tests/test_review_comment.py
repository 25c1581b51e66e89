"""The pull-request comment: golden sample, one marker, stacks that fail or are new, the cost
delta from the project's estimate."""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace

from lago_infra.__main__ import main
from lago_infra.review.comment import GITHUB_LIMIT, MARKER, as_markdown, length, review
from lago_infra.review.cost import cost_delta
from lago_infra.review.danger import EXIT_BAD_INPUT, EXIT_DANGER
from tools.docgen.pr_comment import sample_comment

from .review_fixtures import planned, plans

GOLDEN = Path(__file__).parent / "golden" / "pr-comment.md"


def test_sample_comment_matches_the_golden_file():
    """Regenerate after a reviewed change: UPDATE_GOLDEN=1 make test (then `make generate`)."""
    text = sample_comment()
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text()


def test_comment_starts_with_its_marker_and_flags_danger_first():
    text = sample_comment()
    assert text.startswith(MARKER + "\n")
    assert text.count(MARKER) == 1
    assert text.index("### 🛑") < text.index("### 📝")
    assert "> [!CAUTION]" in text and "postgres:16-alpine → postgres:17-alpine" in text
    assert "```mermaid" in text


def _write(directory: Path, docs: dict[str, dict]) -> Path:
    directory.mkdir()
    for stack, doc in docs.items():
        (directory / f"{stack}.json").write_text(json.dumps(doc))
    return directory


def test_directories_a_failed_head_plan_and_a_new_stack(tmp_path, capsys):
    local = planned("local", {})
    base = _write(tmp_path / "base", {})
    head = _write(tmp_path / "head", {"local": local})
    (head / "gcp-dev.error").write_text("Invalid stack configuration in stacks/Pulumi.gcp-dev.yaml")
    code = main(["plan", "diff", str(base), str(head), "--format", "markdown"])
    out = capsys.readouterr().out
    assert code == EXIT_BAD_INPUT
    assert "❌ `gcp-dev`: the offline plan failed" in out and "Invalid stack configuration" in out
    assert "`local` (local, new stack)" in out


def test_dangerous_directory_exit_code(tmp_path, capsys):
    base, head = plans("local", {"lago:database": {"version": 17}})
    code = main(["plan", "diff", str(_write(tmp_path / "b", {"local": base})), str(_write(tmp_path / "h", {"local": head}))])
    assert code == EXIT_DANGER
    assert "DANGER" in capsys.readouterr().out


def test_oversized_comment_drops_diagrams_first(monkeypatch):
    reviews = [review(*plans("local", {"lago:database": {"version": 17}}))]
    whole = as_markdown(reviews)
    smaller = as_markdown(reviews, limit=length(whole) - 1)
    assert "```mermaid" in whole and "```mermaid" not in smaller
    assert "[!CAUTION]" in smaller and "the architecture diagrams are left out" in smaller


def test_a_renamed_stack_on_two_stacks_fits_github_and_points_at_the_whole_diff(tmp_path, capsys):
    """A lago:name change lists every resource twice: on two stacks the comment is past GitHub's
    limit. It still posts: every stack keeps its heading and danger flags, the longest tables
    are shortened, and the comment says where the whole diff is (--full writes it)."""
    base = _write(tmp_path / "base", {s: planned(s, {}) for s in ("aws-prod", "gcp-prod")})
    head = _write(tmp_path / "head", {s: planned(s, {"lago:name": "billing"}) for s in ("aws-prod", "gcp-prod")})
    full = tmp_path / "full.md"
    code = main(
        [
            "plan",
            "diff",
            str(base),
            str(head),
            "--format",
            "markdown",
            "--full",
            str(full),
            "--details",
            "[the job summary](https://x/runs/1)",
        ]
    )
    text = capsys.readouterr().out
    assert code == EXIT_DANGER
    assert length(text) <= GITHUB_LIMIT
    for stack in ("aws-prod", "gcp-prod"):
        assert f"### 🛑 `{stack}`" in text
        assert "the resource name prefix (lago:name) changed" in text.split(f"`{stack}`", 1)[1]
    assert "shortened to fit GitHub's limit" in text and "[the job summary](https://x/runs/1)" in text
    assert text.count("```") % 2 == 0 and text.count("<details>") == text.count("</details>")
    whole = full.read_text()
    assert length(whole) > GITHUB_LIMIT and "```mermaid" in whole and "shortened" not in whole


def test_the_footer_is_kept_within_the_limit(tmp_path, capsys):
    base = _write(tmp_path / "base", {"aws-prod": planned("aws-prod", {})})
    head = _write(tmp_path / "head", {"aws-prod": planned("aws-prod", {"lago:name": "billing"})})
    footer = tmp_path / "note.md"
    footer.write_text("#### Real `pulumi preview --diff` with the policy pack\n\n" + "- `x`: skipped, not configured.\n" * 40)
    main(["plan", "diff", str(base), str(head), "--format", "markdown", "--footer", str(footer)])
    text = capsys.readouterr().out
    assert length(text) <= GITHUB_LIMIT and text.rstrip().endswith("- `x`: skipped, not configured.")


def test_an_enormous_plan_error_is_cut(tmp_path, capsys):
    base = _write(tmp_path / "base", {})
    head = _write(tmp_path / "head", {})
    (head / "aws-prod.error").write_text("boom\n" * 100_000)
    main(["plan", "diff", str(base), str(head), "--format", "markdown"])
    text = capsys.readouterr().out
    assert length(text) < 10_000 and "the job log has the whole message" in text


def test_cost_delta_from_the_project_estimate():
    base, head = plans("aws-dev", {"lago:roles": {"worker": {"replicas": 2, "cpu": 1, "memory": 2048}}})
    delta = cost_delta(base, head)
    assert delta is not None and delta.after[0] > delta.before[0]
    # Each line of the worker's service: its tasks and (no NAT on dev) their public addresses.
    assert [c.name for c in delta.changed] == ["lago-ecs-worker", "lago-ecs-worker (public IPs)"]
    assert "lago-ecs-worker" in "\n".join(delta.lines())


def test_version_bump_costs_nothing_more():
    delta = cost_delta(*plans("aws-dev", {"lago:version": "v1.52.0"}))
    assert delta.changed == [] and "(no change)" in delta.headline()


def test_cost_delta_of_a_new_stack_and_of_unpriced_resources():
    # FAKE estimate, for the shapes the real one may return (a new stack, unpriced URNs); the
    # real estimate is exercised above.
    def fake_estimate(doc):
        line = SimpleNamespace(urn="urn:a", name="a", type="t", role=None, monthly=(1.0, 2.0))
        return SimpleNamespace(monthly=(1.0, 2.0), lines=[line], unpriced=["urn:pulumi:s::p::aws:x/y:Y::thing"])

    delta = cost_delta(None, {"stack": "s"}, fake_estimate)
    assert delta.headline() == "$1–$2 (new stack)"
    assert delta.lines() == ["not priced: thing"]


def test_a_real_preview_comment_fits_and_keeps_its_summary():
    from lago_infra.review.preview import as_markdown as preview_markdown, marker

    lines = [f"    ~ aws:ecs/service:Service lago-ecs-worker-{i} update [diff: ~taskDefinition]" for i in range(3000)]
    output = "\x1b[1mPreviewing update (aws-prod):\x1b[0m\n" + "\n".join(lines) + "\nResources:\n    ~ 3000 to update\n    12 unchanged\n"
    text = preview_markdown("aws-prod", "success", output, "https://github.com/o/r/actions/runs/1")
    assert text.startswith(marker("aws-prod") + "\n") and length(text) <= GITHUB_LIMIT
    assert "~ 3000 to update" in text and "lines left out to fit GitHub's limit" in text and "\x1b" not in text
    assert text.count("```") % 2 == 0
    failed = preview_markdown("aws-dev", "failure", "error: AccessDenied: ```weird``` output", "https://x")
    assert "failed" in failed.split("\n")[1] and "````diff" in failed
