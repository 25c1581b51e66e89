"""The VPC: a new one across two or three zones (public, private and isolated subnets, a NAT
strategy), or the user's own VPC and subnets."""

from __future__ import annotations

import ipaddress
from typing import Optional

import pulumi
import pulumi_aws as aws

from ...config.errors import SettingError

from .settings import Network

_TIERS = ("public", "private", "isolated")


class LagoNetwork(pulumi.ComponentResource):
    """Where everything runs. Nothing in it is reachable from outside but the ALB's subnets."""

    vpc_id: pulumi.Output[str]
    """The VPC every security group belongs to."""
    public_subnet_ids: list[pulumi.Output[str]]
    """For the ALB (and the tasks when there is no NAT)."""
    private_subnet_ids: list[pulumi.Output[str]]
    """For the tasks: outbound through NAT, nothing inbound from the internet."""
    isolated_subnet_ids: list[pulumi.Output[str]]
    """For the database and Redis: no route out at all."""
    tasks_need_public_ip: bool
    """True when tasks must run in public subnets to reach image registries (no NAT)."""
    internet: list[pulumi.Resource]
    """What makes the public subnets public (the gateway, the default route, the subnets'
    route table associations): an internet-facing load balancer waits for them. Empty for a
    brought VPC, which is public already."""

    def __init__(self, name: str, settings: Network, region: str, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:aws:Network", name, None, opts)
        self._name = name
        self._child = pulumi.ResourceOptions(parent=self)
        if settings.existing is not None:
            ex = settings.existing
            self.vpc_id = pulumi.Output.from_input(ex.vpc_id)
            self.public_subnet_ids = [pulumi.Output.from_input(s) for s in ex.public_subnet_ids]
            self.private_subnet_ids = [pulumi.Output.from_input(s) for s in ex.private_subnet_ids]
            self.isolated_subnet_ids = [pulumi.Output.from_input(s) for s in (ex.isolated_subnet_ids or ex.private_subnet_ids)]
            self.tasks_need_public_ip = False
            self.internet = []
        else:
            self._build(settings, region)
        self.register_outputs({"vpc_id": self.vpc_id})

    def _build(self, settings: Network, region: str) -> None:
        name = self._name
        # Through this component's provider: an embedding program's region and account.
        zones = aws.get_availability_zones(state="available", opts=pulumi.InvokeOptions(parent=self)).names[: settings.az_count]
        if len(zones) < settings.az_count:
            raise SettingError(
                "lago:aws.network.azCount",
                f"the region offers {len(zones)} availability zones, fewer than the {settings.az_count} asked for",
                f"set lago:aws.network.azCount to {len(zones)} or deploy to a region with more zones",
            )
        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=settings.cidr,
            # Both on: RDS and ElastiCache endpoints and Service Connect resolve through VPC DNS.
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": f"{name}-vpc"},
            opts=self._child,
        )
        cidrs = _subnet_cidrs(settings.cidr, len(_TIERS), len(zones))
        subnets: dict[str, list[aws.ec2.Subnet]] = {}
        for t, tier in enumerate(_TIERS):
            subnets[tier] = [
                aws.ec2.Subnet(
                    f"{name}-{tier}-{zone}",
                    vpc_id=vpc.id,
                    cidr_block=cidrs[t][z],
                    availability_zone=zone,
                    # Public addresses only where the ALB (or, without NAT, the tasks) live.
                    map_public_ip_on_launch=False,
                    tags={"Name": f"{name}-{tier}-{zone}", "lago:tier": tier},
                    opts=self._child,
                )
                for z, zone in enumerate(zones)
            ]

        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags={"Name": f"{name}-igw"}, opts=self._child)
        public_rt = self._route_table("public", vpc, list(zip(zones, subnets["public"])))
        public_default = aws.ec2.Route(
            f"{name}-public-default", route_table_id=public_rt.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id, opts=self._child
        )
        self.internet = [igw, public_default, *self._associations]

        nat_count = {"none": 0, "single": 1, "perAz": len(zones)}[settings.nat]
        nats = []
        for i in range(nat_count):
            eip = aws.ec2.Eip(f"{name}-nat-ip-{zones[i]}", domain="vpc", tags={"Name": f"{name}-nat-{zones[i]}"}, opts=self._child)
            nats.append(
                aws.ec2.NatGateway(
                    f"{name}-nat-{zones[i]}",
                    allocation_id=eip.id,
                    subnet_id=subnets["public"][i].id,
                    tags={"Name": f"{name}-nat-{zones[i]}"},
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
                )
            )
        private_tables = []
        for z, zone in enumerate(zones):
            rt = self._route_table(f"private-{zone}", vpc, [(zone, subnets["private"][z])])
            private_tables.append(rt)
            if nats:
                # perAz: each zone leaves through its own NAT; single: all through the first.
                nat = nats[z % len(nats)]
                aws.ec2.Route(
                    f"{name}-private-{zone}-default",
                    route_table_id=rt.id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=nat.id,
                    opts=self._child,
                )
        isolated_rt = self._route_table("isolated", vpc, list(zip(zones, subnets["isolated"])))

        # Free gateway endpoint: S3 traffic (Lago's files) skips the NAT and its per-GB charge.
        aws.ec2.VpcEndpoint(
            f"{name}-s3-endpoint",
            vpc_id=vpc.id,
            service_name=f"com.amazonaws.{region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[public_rt.id, *[rt.id for rt in private_tables], isolated_rt.id],
            opts=self._child,
        )

        self.vpc_id = vpc.id
        self.public_subnet_ids = [s.id for s in subnets["public"]]
        self.isolated_subnet_ids = [s.id for s in subnets["isolated"]]
        # Without NAT the private subnets have no way out: tasks then run in the public ones.
        self.tasks_need_public_ip = not nats
        self.private_subnet_ids = [s.id for s in subnets["private"]] if nats else self.public_subnet_ids

    def _route_table(self, label: str, vpc: aws.ec2.Vpc, subnets: list[tuple[str, aws.ec2.Subnet]]) -> aws.ec2.RouteTable:
        rt = aws.ec2.RouteTable(f"{self._name}-{label}", vpc_id=vpc.id, tags={"Name": f"{self._name}-{label}"}, opts=self._child)
        self._associations = [
            aws.ec2.RouteTableAssociation(f"{self._name}-{label}-{zone}", route_table_id=rt.id, subnet_id=subnet.id, opts=self._child)
            for zone, subnet in subnets
        ]
        return rt


def _subnet_cidrs(cidr: str, tiers: int, zones: int) -> list[list[str]]:
    """Tier-major blocks four prefix bits smaller than the VPC: room for three zones per tier."""
    net = ipaddress.ip_network(cidr)
    blocks = list(net.subnets(prefixlen_diff=4))
    return [[str(blocks[t * 4 + z]) for z in range(zones)] for t in range(tiers)]
