"""Moved to :mod:`lago_infra.policy.rules.plain_text` (the rule that no credential travels in
plain text). This path works for one release."""

from ..._moved import moved

moved(__name__, "lago_infra.policy.rules.plain_text")
