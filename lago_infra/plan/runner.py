"""Runs the project's real ``__main__.py`` against a stack file under the mock monitor."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import runpy
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import pulumi
import yaml
from pulumi.runtime import config as runtime_config
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.mocks import MockEngine, MockSettings
from pulumi.runtime.stack import run_in_stack

from .. import config
from ..config.base import deep_merge
from ..config.errors import SettingError
from ..config.source import (
    NAMESPACE,
    PROVIDER_KEYS,
    STACK_FILE_ENV,
    RawConfig,
    StackFileError,
    environment_error,
    parse_value,
    read_resolved_config,
    read_stack_file,
    stack_environments,
)
from ..lago import handoff
from .mocks import LagoMocks
from .monitor import SECRET, Registration, RecordingMonitor

if TYPE_CHECKING:
    from ..lago.environment import LagoDeployment


class ProjectNotFound(StackFileError):
    """No Pulumi project (a directory with ``Pulumi.yaml``) where the plan was asked for."""


class ProgramFailed(Exception):
    """The program stopped itself with a clean error (as ``pulumi up`` would report it): a
    ``pulumi.RunError``, such as the ``ConfigError`` a component raises for bad input (``error``)."""

    def __init__(self, message: str, registrations: list[Registration], error: Optional[BaseException] = None):
        super().__init__(message)
        self.registrations = registrations
        self.error = error


class ProgramRefused(ProgramFailed, config.ConfigError):
    """The program refused its input: a ``ConfigError`` raised inside it (by the ready program
    from the stack file, by a component from its args, by settings built in Python). Both a
    failed program (what it had registered) and the ``ConfigError`` (its problems)."""

    def __init__(self, error: config.ConfigError, registrations: list[Registration]):
        config.ConfigError.__init__(self, error.source, error.problems, error.warnings)
        self.registrations = registrations
        self.error = error


#: lago-infra's own project (its ``Pulumi.yaml`` and stack program), in a checkout.
_OWN_PROJECT = Path(__file__).resolve().parents[2]


@dataclass
class Plan:
    project: str
    stack: str
    target: str
    resources: list[Registration]
    outputs: dict[str, Any]
    roles: dict[str, dict[str, Any]]
    settings: Any = field(repr=False, default=None)
    #: Each Lago component by name: its URN, type token, target, preset, and its roles as
    #: role name -> key in ``roles`` (the role's name, prefixed ``<component>/`` when the program
    #: runs more than one Lago).
    components: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: What the mocks returned per URN, secret outputs included: for tests that prove those
    #: values never reach the printed plan. Not part of any output.
    states: dict[str, dict[str, Any]] = field(repr=False, default_factory=dict)
    #: What each component registered with ``register_outputs``, by URN (plain values).
    registered_outputs: dict[str, dict[str, Any]] = field(repr=False, default_factory=dict)
    #: The Lago deployments the program built, in order (what each role was handed): for tests
    #: that read a deployment's own endpoints. Not part of any output.
    deployments: list["LagoDeployment"] = field(repr=False, default_factory=list)

    def by_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name_suffix: str = "") -> Registration:
        found = [r for r in self.by_type(type_) if r.name.endswith(name_suffix)]
        if len(found) != 1:
            raise LookupError(f"expected one {type_} named *{name_suffix}, found {[r.name for r in found]}")
        return found[0]

    def to_json(self) -> dict[str, Any]:
        return {
            # Keys other tools read: project, stack, target, resources[].urn/type/name/parent/
            # dependencies/protect/inputs, outputs, roles. New keys may be added, none renamed.
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
            "components": self.components,
        }


@dataclass(frozen=True)
class Project:
    """A Pulumi project on disk: its ``Pulumi.yaml``, where its stack files live
    (``stackConfigDir``, as the engine reads it) and its program (``main``, or ``__main__.py``; a
    YAML program is ``Pulumi.yaml`` itself)."""

    dir: Path
    name: str
    stacks_dir: Path
    program: Path
    runtime: str = "python"

    @classmethod
    def at(cls, directory: Path) -> "Project":
        manifest = directory / "Pulumi.yaml"
        try:
            doc = yaml.safe_load(manifest.read_text())
        except (OSError, yaml.YAMLError) as exc:
            raise ProjectNotFound(f"{manifest}: cannot be read as a Pulumi project file ({exc})") from None
        if not isinstance(doc, dict) or not doc.get("name"):
            raise ProjectNotFound(f"{manifest}: has no 'name:', so it is not a Pulumi project file")
        runtime = doc.get("runtime")
        runtime = str((runtime.get("name") if isinstance(runtime, dict) else runtime) or "python")
        main = directory / str(doc.get("main") or ".")
        program = manifest if runtime == "yaml" else main / "__main__.py" if main.is_dir() else main
        return cls(directory, str(doc["name"]), directory / str(doc.get("stackConfigDir") or "."), program, runtime)

    def stack_file(self, stack: str) -> Path:
        return self.stacks_dir / f"Pulumi.{stack}.yaml"

    def stacks(self) -> list[str]:
        return sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in self.stacks_dir.glob("Pulumi.*.yaml"))


def find_project(*starts: Path) -> Project:
    """The nearest directory holding ``Pulumi.yaml``, from each of ``starts`` upward in turn (as
    the Pulumi CLI finds its project from the working directory)."""
    for start in starts:
        for directory in (start.resolve(), *start.resolve().parents):
            if (directory / "Pulumi.yaml").is_file():
                return Project.at(directory)
    raise ProjectNotFound(
        f"no Pulumi.yaml in {starts[0]} or any directory above it. Fix: run from inside a Pulumi project, or pass --project-dir DIR"
    )


def stack_file(stack: str, project_dir: Optional[Path] = None) -> Path:
    project = Project.at(project_dir) if project_dir else find_project(Path.cwd())
    return project.stack_file(stack)


def run_plan(
    stack: Optional[str] = None,
    config_file: Optional[Path] = None,
    project_dir: Optional[Path] = None,
    prevalidate: bool = True,
    resolved_config: Optional[Path] = None,
) -> Plan:
    """Plan one stack offline. Raises ``ConfigError`` (nothing registered) on bad config.

    The project is ``project_dir``, else the nearest ``Pulumi.yaml`` above the working directory
    (else above ``config_file``); ``stack`` names ``<stackConfigDir>/Pulumi.<stack>.yaml`` there.
    ``prevalidate=False`` skips the check before the program runs, leaving it to the program
    itself, as under a real engine (tests use it to show the program stops cleanly too).

    A stack file that imports Pulumi ESC environments is refused unless ``resolved_config`` (the
    stack's ``pulumi config --open --json``) gives the values they set."""
    if project_dir is not None:
        if not (Path(project_dir) / "Pulumi.yaml").is_file():
            raise ProjectNotFound(
                f"{project_dir}: no Pulumi.yaml there. Fix: give --project-dir the directory of the program's Pulumi.yaml"
            )
        proj = Project.at(Path(project_dir))
    else:
        proj = find_project(Path.cwd(), *([Path(config_file).parent] if config_file else []))
    project_dir = proj.dir
    if config_file is None and stack is None:
        stack = _default_stack(proj)
    path = Path(config_file) if config_file else proj.stack_file(stack or "local")
    # A program of one's own may have no stack file yet (``pulumi stack init dev`` then ``up``).
    fresh = config_file is None and not path.exists() and not proj.stacks() and project_dir.resolve() != _OWN_PROJECT
    if config_file is None and not path.exists() and not fresh:
        known = proj.stacks()
        raise StackFileError(
            f"no stack '{stack or 'local'}' in {proj.dir}: {_display(path, proj.dir)} does not exist. "
            + (f"Fix: use one of {', '.join(known)}" if known else f"Fix: create {_display(path, proj.dir)}")
        )
    if stack is None:
        stack = path.name.removeprefix("Pulumi.").removesuffix(".yaml") if path.name.startswith("Pulumi.") else path.stem
    source = _display(path, project_dir)
    project = proj.name
    values, secret_keys = read_stack_file(path, project) if not fresh else ({}, set())
    environments = stack_environments(path) if not fresh else []
    if resolved_config is not None:
        values, secret_keys = read_resolved_config(Path(resolved_config), values, list(secret_keys))
    elif environments:
        raise environment_error(path, stack, environments)

    # Validate before the program runs, so bad config registers nothing, not even the stack.
    prefix = f"{NAMESPACE}:"
    raw = RawConfig(
        {k[len(prefix) :]: parse_value(v) for k, v in values.items() if k.startswith(prefix)},
        {k[len(prefix) :] for k in secret_keys if k.startswith(prefix)},
        source,
        {k for k in values if not k.startswith(prefix)},
        {k: parse_value(values[k]) for k in PROVIDER_KEYS if k in values},
    )
    # A program of one's own that builds its settings in code has no lago: keys to check here;
    # it validates them itself as it builds its components.
    builds_its_own = not raw.values and project_dir.resolve() != _OWN_PROJECT
    # This project's own program deploys with the stack's default providers: its brought pieces
    # are compared with their region and project in this round too.
    own = project_dir.resolve() == _OWN_PROJECT
    settings = config.validate(raw, default_providers=own) if prevalidate and not builds_its_own else None

    monitor = RecordingMonitor(LagoMocks())
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    previous_env = os.environ.get(STACK_FILE_ENV)
    os.environ[STACK_FILE_ENV] = source
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
                # The SDK keeps the outputs still pending in the settings: a program that stopped
                # (ProgramFailed) leaves some behind, bound to its closed loop.
                outputs=set(),
            )
        )
        runtime_settings.ROOT.set(None)
        runtime_config.set_all_config(values, secret_keys)
        main = proj.program
        if proj.runtime == "yaml":
            from . import yaml_program

            program = lambda: yaml_program.run(main)  # noqa: E731
        else:
            program = lambda: runpy.run_path(str(main), run_name="__main__")  # noqa: E731
        sys.path.insert(0, str(project_dir))
        try:
            # Every Lago deployment the program builds, recorded for this run alone.
            with _without_source_positions(), handoff.recording() as deployments:
                loop.run_until_complete(run_in_stack(program))
        except config.ConfigError as error:
            _settle(loop)
            raise ProgramRefused(error, monitor.registrations) from None
        except SettingError as error:  # raised outside a component, by a program of one's own
            _settle(loop)
            raise ProgramRefused(error.as_config_error(source), monitor.registrations) from None
        except pulumi.RunError as error:
            _settle(loop)
            raise ProgramFailed(str(error), monitor.registrations, error) from None
        finally:
            sys.path.remove(str(project_dir))
        roles, components = loop.run_until_complete(_resolve_roles(deployments))
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
        target=settings.target if settings else _target_of(components, raw.values.get("target")),
        # Registration order follows output resolution, which varies run to run: sort, so two
        # plans of the same program diff cleanly.
        resources=sorted(monitor.registrations, key=lambda r: r.urn),
        outputs=monitor.outputs.get(stack_urn, {}),
        roles=roles,
        settings=settings,
        components=components,
        states={urn: reg.state for urn, reg in monitor.resources.items()},
        registered_outputs=dict(monitor.outputs),
        deployments=list(deployments),
    )


def _settle(loop: asyncio.AbstractEventLoop) -> None:
    """A program that stopped (ProgramFailed) leaves work behind: registrations waiting on what
    failed, and futures holding its error that nobody awaited. End the first and retrieve the
    errors of the second here. Left to the garbage collector, each is logged with its traceback
    whenever a collection runs, and Python 3.11 formats a traceback with ``ast.parse``: run inside
    another ``ast.parse`` (pytest rewriting a module), that corrupts the outer parse's state."""
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    for stray in gc.get_objects():
        if isinstance(stray, asyncio.Future) and stray.get_loop() is loop and stray.done() and not stray.cancelled():
            stray.exception()


def run_plan_with(path: Path, changes: dict[str, Any]) -> Plan:
    """The plan of the stack file ``path`` with ``changes`` merged into its ``config:`` keys
    (mappings key by key, as presets merge), planned from a temporary copy under the same stack
    name: what a pull request or a release would do, planned before it is made."""
    doc = yaml.safe_load(Path(path).read_text()) or {}
    changed = {**doc, "config": deep_merge(doc.get("config") or {}, changes)}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / Path(path).name
        copy.write_text(yaml.safe_dump(changed))
        return run_plan(config_file=copy)


def _default_stack(proj: Project) -> str:
    """The stack planned when none is named: ``local`` in this project; in a program of one's own,
    its only stack file, or ``dev`` (a stack with no config yet) when it has none."""
    if proj.dir.resolve() == _OWN_PROJECT:
        return "local"
    known = proj.stacks()
    if len(known) > 1:
        raise StackFileError(f"{proj.dir} has several stacks ({', '.join(known)}). Fix: name one with --stack NAME")
    return known[0] if known else "dev"


def _target_of(components: dict[str, dict[str, Any]], configured: Any) -> str:
    """The plan's target where the program built its settings itself: its components' target
    (``aws,local`` when they run on several)."""
    targets = sorted({c["target"] for c in components.values()})
    return ",".join(targets) if targets else str(configured)


async def _resolve_roles(deployments: list[LagoDeployment]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Every role the program's Lago components run, and the components. One Lago keeps the
    role names as keys; with several, each key is prefixed by its component's name so none
    collapses into another's."""
    roles: dict[str, dict[str, Any]] = {}
    components: dict[str, dict[str, Any]] = {}
    for index, deployment in enumerate(deployments):
        owner = deployment.component
        name = owner.pulumi_resource_name if owner is not None else f"deployment-{index}"
        prefix = f"{name}/" if len(deployments) > 1 else ""
        components[name] = {
            "urn": await owner.urn.future() if owner is not None else None,
            "type": owner.pulumi_resource_type if owner is not None else None,
            "target": deployment.settings.target,
            "preset": deployment.settings.preset,
            "roles": {rd.name: f"{prefix}{rd.name}" for rd in deployment.roles},
        }
        for rd in deployment.roles:
            env: dict[str, Any] = {}
            for name, value in rd.env.plain.items():
                env[name] = await _shown(value)
            for name in rd.env.secret_names:
                env[name] = SECRET
            roles[f"{prefix}{rd.name}"] = {
                "image": rd.image,
                "command": rd.command,
                "replicas": {"min": rd.min_replicas, "max": rd.max_replicas},
                "size": {"cpu": rd.size.cpu, "memory": rd.size.memory},
                "env": dict(sorted(env.items())),
            }
            if rd.files:
                roles[f"{prefix}{rd.name}"]["files"] = {path: await _shown(content) for path, content in sorted(rd.files.items())}
    return roles, components


async def _shown(value: Any) -> Any:
    if isinstance(value, pulumi.Output):
        if await value.is_secret():
            return SECRET
        return await value.future()
    return value


@contextlib.contextmanager
def _without_source_positions():
    """The SDK walks the Python stack for every resource to tell the engine which line created
    it (for the engine's diagnostics); nothing offline reads it, and it is a tenth of a cloud
    plan's time. Replaced by an empty trace for the plan only; restored after."""
    from pulumi.runtime import resource as sdk_resource
    from pulumi.runtime.proto import source_pb2

    original = getattr(sdk_resource, "_get_stack_trace", None)
    if original is None:  # another SDK version: nothing to skip
        yield
        return
    sdk_resource._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original


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
