"""Google Cloud's "must exist before" pairs: what Google Cloud refuses, or races, when it is created first.

Data only, each pair with Google's source; ``lago_infra.plan.ordering`` checks every plan (shipped
stacks, examples, a platform's own program) against this table. Deploy code does not read it: it
makes each resource wait on what the table says it needs.
"""

from __future__ import annotations

from ..ordering import MustExistBefore, Selector  # noqa: F401  (the table's vocabulary)

RULES: list[MustExistBefore] = []
