"""Moved to :mod:`lago_infra.policy.target_rules` (each target's part of the rules), so that
``lago_infra.targets`` alone names the targets that deploy. This path works for one release."""

import warnings

from ..._moved import notice
from ..target_rules import TARGETS, TargetPolicy

__all__ = ["TARGETS", "TargetPolicy"]

warnings.warn(notice(__name__, "lago_infra.policy.target_rules"), DeprecationWarning, stacklevel=2)
