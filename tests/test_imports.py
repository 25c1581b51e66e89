"""A platform program imports what it needs, in any order: each public module loads on its own.

The import contracts (tests/test_layers.py) read the imports statically; what they cannot see is a
package's ``__init__`` that loads a higher layer whenever a lower module of the package is imported
(``config/__init__`` loading the settings model, which imports the target's settings that were
importing ``config.base`` in the first place). A fresh interpreter per entry point shows it."""

from __future__ import annotations

import subprocess
import sys

import pytest

# What the README and the examples tell a user to import first.
ENTRY_POINTS = [
    "lago_infra.targets.aws.settings",
    "lago_infra.targets.gcp.settings",
    "lago_infra.targets.local.settings",
    "lago_infra.targets.aws.component",
    "lago_infra.targets.gcp.component",
    "lago_infra.targets.local.component",
    "lago_infra.config",
    "lago_infra.lago.environment",
]


@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_the_module_imports_first_in_a_fresh_interpreter(module):
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
