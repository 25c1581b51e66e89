"""Old import paths that keep working for one release after a module moved.

A module left at its old path calls :func:`moved`: importing it warns (``DeprecationWarning``,
attributed to the line that imported it) and gives the module at its new path, the same object,
so everything defined there (and anything patched on it) is shared."""

from __future__ import annotations

import importlib
import sys
import warnings
from types import ModuleType


def moved(old: str, new: str) -> ModuleType:
    """Make ``old`` (the calling module, ``__name__``) the module ``new``, with a warning."""
    module = importlib.import_module(new)
    # 3: the line that imported the old path (the warnings module skips the import machinery).
    warnings.warn(notice(old, new), DeprecationWarning, stacklevel=3)
    sys.modules[old] = module
    return module


def notice(old: str, new: str) -> str:
    return f"{old} is now {new}: import it from there; the old path goes in the next release"
