"""A deliberate pause after IAM grants, so the roles that use them start after Google applies them.

Cloud Run checks a revision's secret access when the revision starts ("Permission denied on
secret"), seconds after the grants are created. Google documents that an IAM change usually takes
effect within 2 minutes and sometimes 7 minutes or more
(https://cloud.google.com/iam/docs/access-change-propagation). Without a wait, a first ``pulumi up``
fails part-way and succeeds only when run again.

The pause is a dynamic resource (it runs in the program's own process, no provider plugin to
install). It waits on create, and again whenever the set of grants it follows changes (a new role,
a new secret), and never otherwise: an update that changes no grant costs nothing.
"""

from __future__ import annotations

import time
from typing import Any, Optional, Sequence

import pulumi
import pulumi.dynamic as dynamic

#: Seconds to wait after the grants change: the documented usual propagation time.
IAM_PROPAGATION_SECONDS = 120


class _Pause(dynamic.ResourceProvider):
    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        time.sleep(int(props["seconds"]))
        return dynamic.CreateResult(id_="iam-propagation", outs=props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.DiffResult:
        changed = olds.get("grants") != news.get("grants")
        return dynamic.DiffResult(changes=changed, replaces=[], delete_before_replace=False)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> dynamic.UpdateResult:
        time.sleep(int(news["seconds"]))
        return dynamic.UpdateResult(outs=news)


class IamPropagation(dynamic.Resource):
    """Depend on this instead of on the grants themselves."""

    def __init__(
        self,
        name: str,
        grants: Sequence[pulumi.CustomResource],
        seconds: int = IAM_PROPAGATION_SECONDS,
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        # The grants' ids are the inputs: a grant added, removed or replaced changes them.
        ids = pulumi.Output.all(*[g.id for g in grants]).apply(lambda xs: sorted(str(x) for x in xs))
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=list(grants)))
        super().__init__(_Pause(), name, {"grants": ids, "seconds": seconds}, opts)
