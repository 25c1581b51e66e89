"""What every command prints through."""

from __future__ import annotations

import os
import sys


def emit(text: str) -> None:
    """Print to stdout; a reader that went away (``plan | head``) is not an error."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at nothing so the interpreter's own final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
