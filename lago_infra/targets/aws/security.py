"""Security groups of least privilege: each rule names its peer group and one port.

ALB -> api and front only; api, workers and clock -> database 5432 and Redis 6379; pdf reachable
from api and workers only. The database and Redis groups have no egress at all.
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


class LagoSecurityGroups(pulumi.ComponentResource):
    """One group per kind of peer, so every rule is peer-to-peer."""

    groups: dict[str, aws.ec2.SecurityGroup]
    """By kind: alb, front, api, worker, clock, pdf, database, redis."""

    def __init__(self, name: str, vpc_id: pulumi.Input[str], public_ports: list[int], opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:aws:SecurityGroups", name, None, opts)
        self._name = name
        self._child = pulumi.ResourceOptions(parent=self)
        self.groups = {
            kind: aws.ec2.SecurityGroup(
                f"{name}-{kind}",
                vpc_id=vpc_id,
                description=f"Lago {kind}",
                # Inline rules off: every rule is its own resource below, and nothing else is open.
                tags={"Name": f"{name}-{kind}"},
                opts=self._child,
            )
            for kind in ("alb", "front", "api", "worker", "clock", "pdf", "database", "redis")
        }
        g = self.groups
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
        self._allow("alb", "front", FRONT_PORT)
        self._allow("alb", "api", API_PORT)
        for source in ("api", "worker"):
            self._allow(source, "pdf", PDF_PORT)
        for source in BACKEND_GROUPS:
            self._allow(source, "database", POSTGRES_PORT)
            self._allow(source, "redis", REDIS_PORT)
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
        self.register_outputs({})

    def _allow(self, source: str, target: str, port: int) -> None:
        """``source`` may open ``port`` on ``target``: an egress rule on one, an ingress on the other."""
        g = self.groups
        rules = [(aws.vpc.SecurityGroupIngressRule, f"{target}-in-from-{source}", target, source)]
        if source == "alb":
            # The ALB is the one group whose egress is limited to its targets.
            rules.append((aws.vpc.SecurityGroupEgressRule, f"alb-out-to-{target}", "alb", target))
        for rule, label, own, peer in rules:
            rule(
                f"{self._name}-{label}",
                security_group_id=g[own].id,
                referenced_security_group_id=g[peer].id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                description=f"{source} to {target}",
                opts=self._child,
            )

    def ids(self, *kinds: str) -> list[pulumi.Output[str]]:
        return [self.groups[k].id for k in kinds]
