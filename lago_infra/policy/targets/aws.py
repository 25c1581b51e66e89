"""Moved to :mod:`lago_infra.policy.target_rules.aws`; this path works for one release."""

from ..._moved import moved

moved(__name__, "lago_infra.policy.target_rules.aws")
