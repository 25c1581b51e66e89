"""Renamed modules keep their old import paths for one release: each old path warns
(DeprecationWarning, naming the new path) and gives the very module at the new one."""

from __future__ import annotations

import importlib
import sys

import pytest

MOVED = {
    # Each target's part of the guardrails, apart from the targets that deploy (lago_infra.targets).
    "lago_infra.policy.targets": "lago_infra.policy.target_rules",
    "lago_infra.policy.targets.aws": "lago_infra.policy.target_rules.aws",
    "lago_infra.policy.targets.gcp": "lago_infra.policy.target_rules.gcp",
    "lago_infra.policy.targets.local": "lago_infra.policy.target_rules.local",
    "lago_infra.policy.targets.base": "lago_infra.policy.target_rules.base",
    # Lago's application secrets, apart from secret stores and secret config values.
    "lago_infra.secrets": "lago_infra.app_secrets",
    # The guardrail that no credential travels in plain text.
    "lago_infra.policy.rules.secrets": "lago_infra.policy.rules.plain_text",
}


def _forget(*old: str) -> None:
    """Imported earlier in the session: imported afresh next time."""
    for name in [m for m in sys.modules if any(m == o or m.startswith(f"{o}.") for o in old)]:
        del sys.modules[name]


@pytest.mark.parametrize("old, new", MOVED.items())
def test_an_old_path_warns_and_gives_what_the_new_one_holds(old, new):
    _forget(old)
    with pytest.warns(DeprecationWarning, match=f"{old} is now {new}"):
        module = importlib.import_module(old)
    current = importlib.import_module(new)
    public = getattr(current, "__all__", None) or [n for n in vars(current) if not n.startswith("_")]
    assert public and all(getattr(module, n) is getattr(current, n) for n in public)


def test_from_imports_of_old_paths_still_work():
    _forget("lago_infra.policy.targets", "lago_infra.secrets")
    with pytest.warns(DeprecationWarning):
        from lago_infra.policy.targets.gcp import armor_order_problems  # noqa: F401
        from lago_infra.secrets import LagoSecrets, rsa_variable  # noqa: F401
    from lago_infra.app_secrets import LagoSecrets as Current

    assert LagoSecrets is Current
