"""Runs the project's real ``__main__.py`` against a stack file under the mock monitor."""

from __future__ import annotations

import asyncio
import logging
import os
import runpy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pulumi
import yaml
from pulumi.runtime import config as runtime_config
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.mocks import MockEngine, MockSettings
from pulumi.runtime.stack import run_in_stack

from .. import config
from ..config.source import NAMESPACE, STACK_FILE_ENV, RawConfig, parse_value, read_stack_file
from ..lago import handoff
from .mocks import LagoMocks
from .monitor import SECRET, Registration, RecordingMonitor

PROJECT_DIR = Path(__file__).resolve().parents[2]


class ProgramFailed(Exception):
    """The program stopped itself with a clean error (as ``pulumi up`` would report it)."""

    def __init__(self, message: str, registrations: list[Registration]):
        super().__init__(message)
        self.registrations = registrations


@dataclass
class Plan:
    project: str
    stack: str
    target: str
    resources: list[Registration]
    outputs: dict[str, Any]
    roles: dict[str, dict[str, Any]]
    settings: Any = field(repr=False, default=None)
    #: What the mocks returned per URN, secret outputs included: for tests that prove those
    #: values never reach the printed plan. Not part of any output.
    states: dict[str, dict[str, Any]] = field(repr=False, default_factory=dict)

    def by_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name_suffix: str = "") -> Registration:
        found = [r for r in self.by_type(type_) if r.name.endswith(name_suffix)]
        if len(found) != 1:
            raise LookupError(f"expected one {type_} named *{name_suffix}, found {[r.name for r in found]}")
        return found[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "stack": self.stack,
            "target": self.target,
            "resources": [
                {
                    "urn": r.urn,
                    "type": r.type,
                    "name": r.name,
                    "parent": r.parent,
                    "dependencies": r.dependencies,
                    "protect": r.protect,
                    "retain_on_delete": r.retain_on_delete,
                    "ignore_changes": r.ignore_changes,
                    "inputs": r.inputs,
                }
                for r in self.resources
            ],
            "outputs": self.outputs,
            "roles": self.roles,
        }


def stack_file(stack: str, project_dir: Path = PROJECT_DIR) -> Path:
    return project_dir / "stacks" / f"Pulumi.{stack}.yaml"


def run_plan(
    stack: Optional[str] = None,
    config_file: Optional[Path] = None,
    project_dir: Path = PROJECT_DIR,
    prevalidate: bool = True,
) -> Plan:
    """Plan one stack offline. Raises ``ConfigError`` (nothing registered) on bad config.

    ``prevalidate=False`` skips the check before the program runs, leaving it to the program
    itself, as under a real engine (tests use it to show the program stops cleanly too)."""
    path = Path(config_file) if config_file else stack_file(stack or "local", project_dir)
    if stack is None:
        stack = path.name.removeprefix("Pulumi.").removesuffix(".yaml") if path.name.startswith("Pulumi.") else path.stem
    source = _display(path, project_dir)
    project = _project_name(project_dir)
    values, secret_keys = read_stack_file(path, project)

    # Validate before the program runs, so bad config registers nothing, not even the stack.
    prefix = f"{NAMESPACE}:"
    raw = RawConfig(
        {k[len(prefix) :]: parse_value(v) for k, v in values.items() if k.startswith(prefix)},
        {k[len(prefix) :] for k in secret_keys if k.startswith(prefix)},
        source,
    )
    settings = config.validate(raw) if prevalidate else None

    monitor = RecordingMonitor(LagoMocks())
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    previous_env = os.environ.get(STACK_FILE_ENV)
    os.environ[STACK_FILE_ENV] = source
    handoff.reset()
    try:
        runtime_settings.configure(
            MockSettings(
                monitor=monitor,
                monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
                engine=MockEngine(_quiet_logger()),
                project=project,
                stack=stack,
                dry_run=False,
                organization="organization",
                callbacks=None,
            )
        )
        runtime_settings.ROOT.set(None)
        runtime_config.set_all_config(values, secret_keys)
        main = project_dir / "__main__.py"
        sys.path.insert(0, str(project_dir))
        try:
            loop.run_until_complete(run_in_stack(lambda: runpy.run_path(str(main), run_name="__main__")))
        except pulumi.RunError as error:
            raise ProgramFailed(str(error), monitor.registrations) from None
        finally:
            sys.path.remove(str(project_dir))
        roles = loop.run_until_complete(_resolve_roles())
    finally:
        if previous_env is None:
            os.environ.pop(STACK_FILE_ENV, None)
        else:
            os.environ[STACK_FILE_ENV] = previous_env
        asyncio.set_event_loop(None)
        loop.close()

    stack_urn = next(r.urn for r in monitor.registrations if r.type == "pulumi:pulumi:Stack")
    return Plan(
        project=project,
        stack=stack,
        target=settings.target if settings else str(raw.values.get("target")),
        # Registration order follows output resolution, which varies run to run: sort, so two
        # plans of the same program diff cleanly.
        resources=sorted(monitor.registrations, key=lambda r: r.urn),
        outputs=monitor.outputs.get(stack_urn, {}),
        roles=roles,
        settings=settings,
        states={urn: reg.state for urn, reg in monitor.resources.items()},
    )


async def _resolve_roles() -> dict[str, dict[str, Any]]:
    roles: dict[str, dict[str, Any]] = {}
    for deployment in handoff.recorded():
        for rd in deployment.roles:
            env: dict[str, Any] = {}
            for name, value in rd.env.plain.items():
                env[name] = await _shown(value)
            for name in rd.env.secret:
                env[name] = SECRET
            roles[rd.name] = {
                "image": rd.image,
                "command": rd.command,
                "replicas": {"min": rd.min_replicas, "max": rd.max_replicas},
                "env": dict(sorted(env.items())),
            }
    return roles


async def _shown(value: Any) -> Any:
    if isinstance(value, pulumi.Output):
        if await value.is_secret():
            return SECRET
        return await value.future()
    return value


def _project_name(project_dir: Path) -> str:
    return str(yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["name"])


def _display(path: Path, project_dir: Path) -> str:
    try:
        return str(path.resolve().relative_to(project_dir.resolve()))
    except ValueError:
        return str(path)


def _quiet_logger() -> logging.Logger:
    logger = logging.getLogger("lago_infra.plan.engine")
    logger.propagate = False
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
        logger.addHandler(handler)
    return logger
