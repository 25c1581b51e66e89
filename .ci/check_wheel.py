"""Run by .ci/run inside a fresh virtual environment that has only the built wheel (and its
pinned dependencies): the library works without the repository's program, stacks or tests."""

import json
import sys
import tempfile
import textwrap
from pathlib import Path

import lago_infra
from lago_infra.config import LagoSettings

package_dir = Path(lago_infra.__file__).parent
assert "site-packages" in package_dir.parts, f"lago_infra was imported from {package_dir}, not from the wheel"
for shipped in ("py.typed", "targets/aws/migrate_lambda.py", "package/args.py", "package/hosted.py", "lago/migrate.sh", "lago/together.sh"):
    assert (package_dir / shipped).is_file(), f"the wheel lacks lago_infra/{shipped}"
# The documentation's generators are development tools of the repository (tools/), not the package's.
for dev_only in (
    "docs.py",
    "package/generate.py",
    "package/reference.py",
    "cost/readme.py",
    "targets/baseline_docs.py",
    "review/sample.py",
):
    assert not (package_dir / dev_only).exists(), f"the wheel ships the generator lago_infra/{dev_only}"
from importlib.metadata import files  # noqa: E402

assert any(f.name == "LICENSE" for f in files("lago-infra") or ()), "the wheel lacks its LICENSE"
# `docs` is no command of the installed CLI: it says where it went, without a traceback.
import contextlib  # noqa: E402
import io  # noqa: E402

from lago_infra.__main__ import main as cli  # noqa: E402

said = io.StringIO()
with contextlib.redirect_stderr(said):
    assert cli(["docs", "--check"]) == 2
assert "make generate" in said.getvalue(), said.getvalue()
# The migrate role's command carries the shipped wrapper script.
from lago_infra.lago.roles import MIGRATE  # noqa: E402

assert MIGRATE.command[:2] == ("sh", "-c") and "pg_isready" in MIGRATE.command[2], MIGRATE.command[:2]

for target in ("local", "aws", "gcp"):
    settings = LagoSettings.model_validate({"target": target, "preset": "prod", "protection": {"acknowledgeDataLoss": True}})
    assert settings.roles.api.replicas == 2, settings.roles.api

# The component package's provider builds its schema from the installed modules.
from lago_infra.package.provider import LagoProvider  # noqa: E402

schema = json.loads(LagoProvider().schema)
assert len(schema["resources"]) == 3 and schema["version"], schema["version"]

# A program of one's own, planned offline with the installed plan machinery.
from lago_infra.plan import run_plan  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    project = Path(tmp)
    (project / "Pulumi.yaml").write_text("name: wheel-check\nruntime: python\n")
    (project / "__main__.py").write_text(
        textwrap.dedent("""
        import pulumi
        from lago_infra import LagoDocker, LagoSettings
        lago = LagoDocker("billing", LagoSettings.model_validate({"target": "local"}))
        pulumi.export("url", lago.front_url)
    """)
    )
    (project / "Pulumi.dev.yaml").write_text("config: {}\n")
    plan = run_plan(config_file=project / "Pulumi.dev.yaml", project_dir=project, prevalidate=False)
    assert plan.outputs["url"].startswith("http://localhost"), plan.outputs
    print(f"wheel check: lago_infra {schema['version']} from {package_dir}, {len(plan.resources)} resources planned", file=sys.stderr)
