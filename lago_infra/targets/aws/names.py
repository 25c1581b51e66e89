"""Physical names AWS wants unique per account and region (or per account), for two stacks of one
project, or two components in one program, never to share: the one rule is ``account_wide``.

Other names are auto-named by the engine (a random suffix) and need nothing: IAM roles, load
balancers, target groups, security groups, alarms, rules, topics, functions, parameter groups.
The names built here are the ones AWS takes as given: a KMS alias, a WAF web ACL, an ECR
pull-through cache prefix, a CloudWatch dashboard (PutDashboard overwrites a dashboard of the
same name without a word), the WAF's log group.
"""

from __future__ import annotations

import hashlib
import re

import pulumi


def unique_scope(project: str, stack: str) -> str:
    """``project-stack`` in the characters task families, log groups and namespaces all accept."""
    return re.sub(r"[^A-Za-z0-9-]", "-", f"{project}-{stack}")


def account_wide(name: str, max_length: int = 255, *, lower: bool = False) -> str:
    """``name`` (a component's child name: unique within one program) followed by the project
    and stack (unique within one account), at most ``max_length`` characters: a longer one keeps
    its head and ends in a digest of the whole, so it stays unique."""
    full = f"{name}-{unique_scope(pulumi.get_project(), pulumi.get_stack())}"
    if lower:
        full = full.lower()
    if len(full) <= max_length:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:8]
    return f"{full[: max_length - len(digest) - 1].rstrip('-_.')}-{digest}"
