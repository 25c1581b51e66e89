"""The command line: help that documents it, where it finds the project and its stacks, exit
codes, warnings, and no traceback on any input."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
import yaml

from lago_infra.__main__ import COMMANDS, main, parser

from .conftest import PROJECT_DIR, STACKS


def cli(*args, cwd=PROJECT_DIR):
    return subprocess.run([sys.executable, "-m", "lago_infra", *map(str, args)], cwd=cwd, capture_output=True, text=True)


def stack(tmp_path, config, name="Pulumi.t.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"config": config}))
    return path


def test_plan_help_documents_every_flag_the_exit_codes_and_where_the_stack_is_found():
    run = cli("plan", "--help")
    assert run.returncode == 0
    plan_parser = next(a for a in parser()._actions if a.dest == "command").choices["plan"]
    flags = [o for a in plan_parser._actions for o in a.option_strings if o.startswith("--")]
    assert {"--stack", "--config", "--project-dir", "--format", "--detail", "--policy"} <= set(flags)
    for flag in flags:
        assert flag in run.stdout
    for code in ("0", "1", "2"):
        assert re.search(rf"^  {code}  ", run.stdout, re.M), f"exit code {code} undocumented"
    assert "Pulumi.yaml" in run.stdout and "stackConfigDir" in run.stdout


def test_make_help_lists_every_target():
    run = subprocess.run(["make", "-s", "help"], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert run.returncode == 0
    targets = re.findall(r"^([a-z][a-z-]*):.*## ", (PROJECT_DIR / "Makefile").read_text(), re.M)
    assert {"plan", "test", "help"} <= set(targets)
    for target in targets:
        assert f"make {target} " in run.stdout


def test_an_unknown_stack_lists_the_stacks_that_exist():
    run = cli("plan", "--stack", "nope")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "Pulumi.nope.yaml" in run.stderr
    assert ", ".join(STACKS) in run.stderr


def test_plan_runs_from_any_directory_with_project_dir(tmp_path):
    run = cli("plan", "--project-dir", PROJECT_DIR, "--stack", "local", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Offline plan of stack 'local'" in run.stdout


def test_plan_finds_the_project_from_the_working_directory_not_the_package(tmp_path):
    """An installed package plans the program of the directory it is run in (here a copy of the
    project holding only its program and one stack: no source of lago_infra next to it)."""
    shutil.copy(PROJECT_DIR / "__main__.py", tmp_path)
    (tmp_path / "Pulumi.yaml").write_text("name: billing\nruntime: python\nstackConfigDir: envs\n")
    (tmp_path / "envs").mkdir()
    stack(tmp_path / "envs", {"lago:target": "local", "lago:version": "v1.50.0"}, "Pulumi.dev.yaml")
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    run = cli("plan", "--stack", "dev", "--format", "json", cwd=sub)
    assert run.returncode == 0, run.stderr
    doc = yaml.safe_load(run.stdout)
    assert (doc["project"], doc["stack"]) == ("billing", "dev")
    assert doc["roles"]["api"]["image"] == "getlago/api:v1.50.0"


def test_a_program_of_ones_own_plans_its_only_stack_or_a_fresh_one(tmp_path):
    """Without --stack, a project other than this one is planned with its one stack file, or as a
    stack with no config yet (``pulumi stack init dev && pulumi up``); several need a name."""
    fresh = cli("plan", "--project-dir", PROJECT_DIR / "examples" / "embedded", "--format", "json", cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert yaml.safe_load(fresh.stdout)["stack"] == "dev"
    shutil.copytree(PROJECT_DIR / "examples" / "embedded", tmp_path / "own")
    stack(tmp_path / "own", {"billing-platform:team": "payments"}, "Pulumi.staging.yaml")
    only = cli("plan", "--project-dir", tmp_path / "own", "--format", "json", cwd=tmp_path)
    assert only.returncode == 0, only.stderr
    assert yaml.safe_load(only.stdout)["stack"] == "staging"
    stack(tmp_path / "own", {}, "Pulumi.prod.yaml")
    several = cli("plan", "--project-dir", tmp_path / "own", cwd=tmp_path)
    assert several.returncode == 2 and "prod, staging" in several.stderr and "--stack" in several.stderr


def test_no_project_is_a_clear_message(tmp_path):
    run = cli("plan", "--stack", "local", cwd=tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "no Pulumi.yaml" in run.stderr and "--project-dir" in run.stderr
    run = cli("plan", "--project-dir", tmp_path)
    assert run.returncode == 2 and "no Pulumi.yaml" in run.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_closed_pipe_ends_quietly(fmt):
    proc = subprocess.Popen(
        [sys.executable, "-m", "lago_infra", "plan", "--stack", "aws-prod", "--format", fmt, "--detail"],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout.readline()
    proc.stdout.close()  # as `| head -n 1` does
    err = proc.stderr.read().decode()
    assert proc.wait() == 0 and err == ""


def test_a_failure_no_check_covers_is_one_message_not_a_traceback(monkeypatch, capsys):
    from lago_infra import program

    def broken(settings):
        raise KeyError("oops")

    monkeypatch.setattr(program, "deploy", broken)
    assert main(["plan", "--stack", "local"]) == 1
    err = capsys.readouterr().err
    assert "KeyError" in err and "no check of the stack covers" in err and "--traceback" in err
    with pytest.raises(KeyError):
        main(["plan", "--stack", "local", "--traceback"])


def test_an_invalid_cidr_never_ends_in_a_traceback(tmp_path):
    for cidr in ("banana", "10.0.0.0/33", "10.0.0.1/16"):
        path = stack(tmp_path, {"aws:region": "eu-west-1", "lago:target": "aws", "lago:aws": {"network": {"cidr": cidr}}})
        run = cli("plan", "--config", path)
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
        assert "lago:aws.network.cidr" in run.stderr and cidr in run.stderr


def test_duplicate_keys_are_refused_with_their_lines(tmp_path):
    path = tmp_path / "Pulumi.dup.yaml"
    path.write_text("config:\n  lago:target: local\n  lago:roles:\n    api:\n      replicas: 1\n      replicas: 3\n")
    run = cli("plan", "--config", path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "line 6: key 'replicas' is given twice in one mapping (first on line 5)" in run.stderr


def test_misspelt_namespaces_and_provider_keys(tmp_path):
    # A namespace nothing reads, and a key of a provider this target does not use: warnings.
    path = stack(
        tmp_path,
        {"lago:target": "local", "lgo:features": {"signup": False}, "gcp:projet": "x", "pulumi:disable-default-providers": ["aws"]},
    )
    run = cli("plan", "--config", path)
    assert run.returncode == 0, run.stderr
    assert "lgo:features" in run.stderr and "did you mean 'lago:features'" in run.stderr
    assert "gcp:projet" in run.stderr and "pulumi:" not in run.stderr
    # A misspelt key of the provider the target uses: an error, with the other problems.
    path = stack(tmp_path, {"lago:target": "local", "docker:hots": "unix:///var/run/docker.sock", "lago:webhookAttempts": 0})
    run = cli("plan", "--config", path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "docker:hots: unknown key" in run.stderr and "did you mean 'docker:host'" in run.stderr
    assert "lago:webhookAttempts" in run.stderr


def test_every_registered_command_is_listed_in_the_help():
    run = cli("--help")
    assert run.returncode == 0
    listed = re.findall(r"^    (\S+(?: \S+)?)  ", run.stdout, re.M)
    assert {"plan", "plan diff", "cost"} <= set(listed) and set(COMMANDS) <= set(listed), listed
    # `plan diff` has its own help, reached as the top level's listing says.
    assert "exit status" in cli("plan", "diff", "--help").stdout
