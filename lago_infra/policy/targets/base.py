"""Moved to :mod:`lago_infra.policy.target_rules.base`; this path works for one release."""

from ..._moved import moved

moved(__name__, "lago_infra.policy.target_rules.base")
