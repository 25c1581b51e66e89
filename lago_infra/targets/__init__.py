"""The targets: each runs Lago's roles on one kind of infrastructure.

Each target's settings module (``targets.aws.settings`` ...) is a part of ``config.model``, which
imports them all: the config package is loaded first, so any of them may be imported on its own.
"""

from .. import config  # noqa: F401
