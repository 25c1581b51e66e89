"""The supervisor that runs the clock beside the worker in one container (``lago/together.sh``,
``lago:gcp.run.clockInWorker``), run for real under dash (Debian's /bin/sh, Lago's image's too)
with stand-ins for Lago's processes: each starts, each gets its own variables, SIGTERM reaches
both at once and the supervisor waits for the slower, and a process that stops on its own takes
the other down with a non-zero status so the runtime starts the container again."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from lago_infra.lago import together

from .conftest import stack_plan

DASH = shutil.which("dash") or "/bin/sh"


def stand_in(directory: Path, name: str, exit_after_term: float = 0.0, exit_by_itself: str = "") -> Path:
    """A process that records its start, arguments and variables, then waits; on SIGTERM it records
    the time, takes ``exit_after_term`` seconds and exits 0. With ``exit_by_itself`` (a status)
    it exits so after a moment, as a crash would."""
    script = directory / name
    script.write_text(
        textwrap.dedent(
            f"""\
            #!{DASH}
            out="{directory}/{name}"
            printf '%s\\n' "$@" > "$out.args"
            env > "$out.env"
            trap 'date +%s.%N > "$out.term"; sleep {exit_after_term}; exit 0' TERM
            date +%s.%N > "$out.started"
            {f"sleep 1; exit {exit_by_itself}" if exit_by_itself else ""}
            while :; do sleep 0.1; done
            """
        )
    )
    script.chmod(0o755)
    return script


def _as_a_runtime_starts_it() -> None:
    """SIGINT and SIGTERM at their defaults and unblocked, as a container's init process gets them:
    a shell cannot trap a signal that was ignored when it started (POSIX, ``trap``), and the test
    process may have inherited one ignored or blocked."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def start(directory: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [DASH, "-c", together.SCRIPT, together.NAME, *args],
        cwd=directory,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_as_a_runtime_starts_it,
    )


def _catches(pid: int, *signals: signal.Signals) -> bool:
    """Whether process ``pid`` has its handlers for ``signals`` in place (``SigCgt`` in /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return all(caught & (1 << (s - 1)) for s in signals)


def started(directory: Path, *names: str, timeout: float = 10, supervisor: subprocess.Popen | None = None) -> None:
    """Until each stand-in has started and, with ``supervisor``, its traps are set: a signal sent
    earlier meets the shell's default action, which no runtime's stop would."""
    deadline = time.monotonic() + timeout
    while not all((directory / f"{n}.started").exists() for n in names) or (
        supervisor is not None and not _catches(supervisor.pid, signal.SIGINT, signal.SIGTERM)
    ):
        assert time.monotonic() < deadline, f"{names} did not start"
        time.sleep(0.05)


def test_the_supervisor_passes_shellcheck():
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.fail("shellcheck is needed: run `make deps` (Debian's shellcheck)")
    script = Path(together.__file__).with_name("together.sh")
    result = subprocess.run([shellcheck, "-s", "sh", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_sigterm_reaches_both_at_once_and_the_supervisor_waits_for_the_slower(tmp_path):
    worker = stand_in(tmp_path, "worker", exit_after_term=2)
    clock = stand_in(tmp_path, "clock")
    proc = start(tmp_path, "2", str(worker), "-t", str(clock), "--once")
    started(tmp_path, "worker", "clock", supervisor=proc)
    sent = time.time()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0, proc.stderr.read()
    done = time.time()
    for name in ("worker", "clock"):
        # Handed on at once: no polling delay eats into the runtime's kill grace.
        assert float((tmp_path / f"{name}.term").read_text()) - sent < 0.5, name
    # Waited for the worker's own shutdown, and not much longer.
    assert 2 <= done - sent < 3.5
    assert (tmp_path / "worker.args").read_text().split() == ["-t"]
    assert (tmp_path / "clock.args").read_text().split() == ["--once"]


def test_sigint_is_handed_on_as_sigterm(tmp_path):
    stand_in(tmp_path, "worker")
    stand_in(tmp_path, "clock")
    proc = start(tmp_path, "1", "./worker", "./clock")
    started(tmp_path, "worker", "clock", supervisor=proc)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0
    assert (tmp_path / "worker.term").exists() and (tmp_path / "clock.term").exists()


@pytest.mark.parametrize(("crashed", "status", "expected"), [("clock", "3", 3), ("clock", "0", 1), ("worker", "5", 5)])
def test_a_process_that_stops_on_its_own_stops_the_other_and_the_container(tmp_path, crashed, status, expected):
    for name in ("worker", "clock"):
        stand_in(tmp_path, name, exit_by_itself=status if name == crashed else "")
    proc = start(tmp_path, "1", "./worker", "./clock")
    assert proc.wait(timeout=10) == expected
    survivor = "worker" if crashed == "clock" else "clock"
    assert (tmp_path / f"{survivor}.term").exists(), "the other process was not stopped"
    assert f"{'the second' if crashed == 'clock' else 'the first'} command exited on its own" in proc.stderr.read()


def test_each_process_reads_its_own_variables(tmp_path):
    worker, clock = stand_in(tmp_path, "worker"), stand_in(tmp_path, "clock")
    first, second = (
        {"DATABASE_POOL": "6", "SIDEKIQ_CONCURRENCY": "4", "RAILS_ENV": "production"},
        {"DATABASE_POOL": "2", "RAILS_ENV": "production"},
    )
    delta = together.environment_delta(first, second)
    assert delta == ("env", "-u", "SIDEKIQ_CONCURRENCY", "DATABASE_POOL=2")
    proc = start(tmp_path, "1", str(worker), *delta, str(clock), env=first)
    started(tmp_path, "worker", "clock", supervisor=proc)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    env = {
        side: dict(line.split("=", 1) for line in (tmp_path / f"{side}.env").read_text().splitlines() if "=" in line)
        for side in ("worker", "clock")
    }
    assert {k: env["worker"].get(k) for k in first} == first
    assert env["clock"]["DATABASE_POOL"] == "2" and "SIDEKIQ_CONCURRENCY" not in env["clock"]
    assert env["clock"]["RAILS_ENV"] == "production"


@pytest.mark.parametrize("args", [[], ["1"], ["x", "a", "b"], ["0", "a", "b"], ["2", "a", "b"]])
def test_a_command_line_without_two_commands_is_refused(tmp_path, args):
    proc = start(tmp_path, *args)
    assert proc.wait(timeout=10) == 64 and "lago-together" in proc.stderr.read()


def test_the_plans_own_command_runs_the_worker_and_the_clock_each_as_lago_does(tmp_path):
    """gcp-dev's worker pool, run as Cloud Run would (its args under the image's shell, its plain
    variables), with stand-ins for Lago's sidekiq and clock: the worker runs the worker role's
    command with the worker's pool, the clock the clock's with its own, and the pair stops within
    Cloud Run's kill grace."""
    plan = stack_plan("gcp-dev")
    [pool] = [r for r in plan.by_type("gcp:cloudrunv2/workerPool:WorkerPool")]
    [c] = pool.inputs["template"]["containers"]
    args = c["args"]
    assert args[:2] == ["sh", "-c"]
    worker, clock = plan.roles["worker"], plan.roles["clock"]
    # Lago's processes, as stand-ins: `bundle` (the worker runs `bundle exec sidekiq ... -t 5`) on
    # PATH, and the clock's start script where the image has it.
    (tmp_path / "bin").mkdir()
    stand_in(tmp_path / "bin", "bundle")
    (tmp_path / "scripts").mkdir()
    stand_in(tmp_path / "scripts", "start.clock.sh")
    env = {k: str(v) for k, v in worker["env"].items() if v != "[secret]"}
    proc = subprocess.Popen(
        [DASH, *args[1:]],
        cwd=tmp_path,
        env={"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", **env},
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_as_a_runtime_starts_it,
    )
    started(tmp_path / "bin", "bundle")
    started(tmp_path / "scripts", "start.clock.sh", supervisor=proc)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0, proc.stderr.read()
    assert (tmp_path / "bin" / "bundle.args").read_text().split() == worker["command"][1:]
    seen = {
        side: dict(line.split("=", 1) for line in (path.with_suffix(path.suffix + ".env")).read_text().splitlines() if "=" in line)
        for side, path in (("worker", tmp_path / "bin" / "bundle"), ("clock", tmp_path / "scripts" / "start.clock.sh"))
    }
    for side, role in (("worker", worker), ("clock", clock)):
        for name, value in role["env"].items():
            if value != "[secret]":
                assert seen[side].get(name) == str(value), (side, name)
    assert "SIDEKIQ_CONCURRENCY" not in seen["clock"]
    assert clock["env"]["DATABASE_POOL"] != worker["env"]["DATABASE_POOL"]
