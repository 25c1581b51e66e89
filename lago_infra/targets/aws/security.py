"""Security groups of least privilege: each rule names its peer group and one port.

ALB -> api and front only; api, workers and clock -> database 5432 and Redis 6379; pdf reachable
from api and workers only. The database and Redis groups have no egress at all.

With a brought ALB, its security group takes the place of ``alb`` (no rule is added to it: its
owner's egress must reach the tasks). With ``lago:runtime: external`` there are no task groups:
a ``clients`` group, which the platform attaches to its nodes or pods, reaches the database and
Redis.
"""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from ...lago.roles import API_PORT, FRONT_PORT, PDF_PORT

POSTGRES_PORT = 5432
REDIS_PORT = 6379

#: Groups of tasks that talk to the database and Redis.
BACKEND_GROUPS = ("api", "worker", "clock")
#: The data tier's groups, for the pieces lago-infra runs itself (none for a brought server).
DATA_GROUPS = ("database", "redis")
TASK_GROUPS = ("front", "api", "worker", "clock", "pdf")


class LagoSecurityGroups(pulumi.ComponentResource):
    """One group per kind of peer, so every rule is peer-to-peer."""

    groups: dict[str, aws.ec2.SecurityGroup]
    """By kind: alb (unless brought), front, api, worker, clock, pdf, database, redis; with an
    external runtime only clients, database, redis. No database or redis group where the
    platform runs that piece (its own groups admit the tasks)."""
    alb_id: Optional[pulumi.Output[str]]
    """The ALB's group (created or brought); None with an external runtime."""

    def __init__(
        self,
        name: str,
        vpc_id: pulumi.Input[str],
        public_ports: list[int],
        opts: Optional[pulumi.ResourceOptions] = None,
        *,
        brought_alb: Optional[pulumi.Input[str]] = None,
        external_runtime: bool = False,
        data_groups: tuple[str, ...] = DATA_GROUPS,
    ):
        super().__init__("lago:aws:SecurityGroups", name, None, opts)
        self._name = name
        self._child = pulumi.ResourceOptions(parent=self)
        if external_runtime:
            kinds: tuple[str, ...] = ("clients", *data_groups)
        else:
            kinds = (*(() if brought_alb is not None else ("alb",)), *TASK_GROUPS, *data_groups)
        self.groups = {
            kind: aws.ec2.SecurityGroup(
                f"{name}-{kind}",
                vpc_id=vpc_id,
                description=f"Lago {kind}",
                # Inline rules off: every rule is its own resource below, and nothing else is open.
                tags={"Name": f"{name}-{kind}"},
                opts=self._child,
            )
            for kind in kinds
        }
        if external_runtime:
            self.alb_id = None
            for target, port in (("database", POSTGRES_PORT), ("redis", REDIS_PORT)):
                if target in self.groups:
                    self._allow("clients", target, port, egress=True)
            self.register_outputs({})
            return
        self.alb_id = pulumi.Output.from_input(brought_alb) if brought_alb is not None else self.groups["alb"].id
        self._managed(public_ports if brought_alb is None else [])
        self.register_outputs({})

    def _managed(self, public_ports: list[int]) -> None:
        name, g = self._name, self.groups
        for port in public_ports:
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-alb-in-{port}",
                security_group_id=g["alb"].id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4="0.0.0.0/0",
                description="browsers and API clients",
                opts=self._child,
            )
        # A brought ALB's group is its owner's: only our side of the rule is added.
        self._allow("alb", "front", FRONT_PORT, egress="alb" in g)
        self._allow("alb", "api", API_PORT, egress="alb" in g)
        for source in ("api", "worker"):
            self._allow(source, "pdf", PDF_PORT)
        for source in BACKEND_GROUPS:
            for target, port in (("database", POSTGRES_PORT), ("redis", REDIS_PORT)):
                if target in g:
                    self._allow(source, target, port)
        # Tasks reach image registries, Secrets Manager, S3, SMTP and webhook endpoints anywhere.
        for kind in ("front", "api", "worker", "clock", "pdf"):
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-{kind}-out",
                security_group_id=g[kind].id,
                ip_protocol="-1",
                cidr_ipv4="0.0.0.0/0",
                description="outbound to registries, AWS APIs, SMTP and webhooks",
                opts=self._child,
            )

    def _allow(self, source: str, target: str, port: int, egress: bool = False) -> None:
        """``source`` may open ``port`` on ``target``: an ingress rule on the target and, for the
        groups whose egress is limited to their peers (the ALB's, the clients'), an egress rule on
        the source."""
        ids = {kind: group.id for kind, group in self.groups.items()}
        if self.alb_id is not None:
            ids["alb"] = self.alb_id
        rules = [(aws.vpc.SecurityGroupIngressRule, f"{target}-in-from-{source}", target, source)]
        if egress:
            rules.append((aws.vpc.SecurityGroupEgressRule, f"{source}-out-to-{target}", source, target))
        for rule, label, own, peer in rules:
            rule(
                f"{self._name}-{label}",
                security_group_id=ids[own],
                referenced_security_group_id=ids[peer],
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                description=f"{source} to {target}",
                opts=self._child,
            )

    def ids(self, *kinds: str) -> list[pulumi.Output[str]]:
        """The ids of the groups of these kinds that exist in this mode."""
        return [self.groups[k].id for k in kinds]
