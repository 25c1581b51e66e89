"""The VPC Lago's roles egress through, and the private range Cloud SQL and Memorystore live in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
import pulumi_gcp as gcp

from . import limits
from .settings import Network


@dataclass(frozen=True)
class NetworkArgs:
    project: str
    region: str
    settings: Network
    #: What the first resources must wait for (the APIs being enabled).
    depends_on: Sequence[pulumi.Resource] = ()
    #: Production baseline: VPC flow logs on the subnet.
    flow_logs: bool = False
    #: Cloud Run roles use the network (``lago:runtime: managed``): without a NAT they need the
    #: private ``run.app`` zone.
    cloud_run: bool = True


def run_app_zone(settings: Network, cloud_run: bool) -> bool:
    """A network without Cloud NAT that the stack creates for Cloud Run gets the private ``run.app``
    zone (``LagoNetwork._run_app_zone``), whose API the target then enables."""
    return cloud_run and not settings.nat and settings.existing is None


@dataclass(frozen=True)
class Placement:
    """Where a private data service goes: project, region, the VPC it takes an address in, and
    what must exist first (the private services connection)."""

    project: str
    region: str
    network_id: pulumi.Input[str]
    depends_on: Sequence[pulumi.Resource] = field(default_factory=tuple)


class LagoNetwork(pulumi.ComponentResource):
    """A VPC with a Direct VPC egress subnet (Private Google Access on; Cloud NAT for the internet,
    or with ``nat`` off a private ``run.app`` zone instead) and private services access; or the
    user's existing network, used as it is."""

    network_id: pulumi.Output[str]
    """The VPC, as ``projects/P/global/networks/N``."""
    subnetwork_id: pulumi.Output[str]
    """Where Cloud Run instances take their addresses."""
    ready: list[pulumi.Resource]
    """What private-IP services must wait for (the service-networking connection)."""
    egress: str
    """Cloud Run's Direct VPC egress on this network (``limits.RUN_EGRESS``): ``ALL_TRAFFIC``
    through a NAT (the stack's, or a brought network's own), else ``PRIVATE_RANGES_ONLY``."""
    run_ready: list[pulumi.Resource]
    """What Cloud Run roles wait for besides ``ready``: the private ``run.app`` zone through which
    the backend reaches the internal-only pdf service under ``PRIVATE_RANGES_ONLY``."""

    def placement(self, project: str, region: str) -> Placement:
        return Placement(project, region, self.network_id, tuple(self.ready))

    def __init__(self, name: str, args: NetworkArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:gcp:Network", name, None, opts)
        existing = args.settings.existing
        # Private data services wait for the private services connection, or for the APIs.
        self.ready = list(args.depends_on)
        self.run_ready = []
        # A brought network comes with its own NAT (ExistingNetwork): everything goes through it.
        self.egress = limits.RUN_EGRESS[args.settings.nat or existing is not None]
        if existing is not None:
            self.network_id = pulumi.Output.from_input(existing.network)
            self.subnetwork_id = pulumi.Output.from_input(existing.subnetwork)
        else:
            self._create(name, args)
        self.register_outputs({"network_id": self.network_id, "subnetwork_id": self.subnetwork_id})

    def _create(self, name: str, args: NetworkArgs) -> None:
        # Retained on destroy: the service-networking peering and the addresses Cloud Run's
        # Direct VPC egress holds are released by Google hours to days after their users go,
        # and deleting the VPC, subnet or range before that fails the whole destroy. All
        # three are free; remove them later with gcloud (docs/targets/gcp.md, Destroy).
        kept = pulumi.ResourceOptions(parent=self, retain_on_delete=True)
        first = pulumi.ResourceOptions(parent=self, retain_on_delete=True, depends_on=list(args.depends_on))
        child = pulumi.ResourceOptions(parent=self)
        network = gcp.compute.Network(
            f"{name}-vpc",
            name=f"{name}-vpc",
            project=args.project,
            auto_create_subnetworks=False,
            routing_mode="REGIONAL",
            opts=first,
        )
        subnet = gcp.compute.Subnetwork(
            f"{name}-run-subnet",
            name=f"{name}-run",
            project=args.project,
            region=args.region,
            network=network.id,
            ip_cidr_range=args.settings.subnet_cidr,
            # The backend calls the internal-only pdf service at its run.app URL through the VPC.
            private_ip_google_access=True,
            # Production baseline, CIS Google Cloud 3.8: every 5 s, all flows, all metadata.
            log_config=(
                gcp.compute.SubnetworkLogConfigArgs(
                    aggregation_interval="INTERVAL_5_SEC", flow_sampling=1.0, metadata="INCLUDE_ALL_METADATA"
                )
                if args.flow_logs
                else None
            ),
            opts=kept,
        )
        private_range = gcp.compute.GlobalAddress(
            f"{name}-private-services",
            name=f"{name}-private-services",
            project=args.project,
            network=network.id,
            purpose="VPC_PEERING",
            address_type="INTERNAL",
            prefix_length=args.settings.private_services_prefix_length,
            opts=kept,
        )
        connection = gcp.servicenetworking.Connection(
            f"{name}-private-services-connection",
            network=network.id,
            service="servicenetworking.googleapis.com",
            reserved_peering_ranges=[private_range.name],
            # Deleting the connection fails while Cloud SQL or Memorystore still hold it (they
            # do for days after deletion): dropped from state instead of deleted.
            deletion_policy="ABANDON",
            opts=first,
        )
        if args.settings.nat:
            # All egress goes through the VPC (so the pdf service sees internal traffic); the NAT
            # gives webhooks, payment providers and mail their way out.
            router = gcp.compute.Router(
                f"{name}-router", name=f"{name}-router", project=args.project, region=args.region, network=network.id, opts=child
            )
            gcp.compute.RouterNat(
                f"{name}-nat",
                name=f"{name}-nat",
                project=args.project,
                region=args.region,
                router=router.name,
                nat_ip_allocate_option="AUTO_ONLY",
                source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
                opts=child,
            )
        elif run_app_zone(args.settings, args.cloud_run):
            self.run_ready = [self._run_app_zone(name, args, network)]
        self.network_id = network.id
        self.subnetwork_id = subnet.id
        self.ready = [*self.ready, connection]

    def _run_app_zone(self, name: str, args: NetworkArgs, network: gcp.compute.Network) -> gcp.dns.RecordSet:
        """Without a NAT the roles send only private ranges through the VPC, and the internal-only
        pdf service admits only calls that arrive through it (``limits.RUN_APP_ZONE``): every
        ``*.run.app`` host resolves, inside this VPC alone, to Private Google Access's addresses,
        which that egress routes through the VPC. Free to delete with the stack (it holds nothing)."""
        zone = gcp.dns.ManagedZone(
            f"{name}-run-app",
            name=f"{name}-run-app",
            project=args.project,
            dns_name=limits.RUN_APP_ZONE,
            description="run.app through Private Google Access: Cloud Run calls to internal-only services stay in the VPC",
            visibility="private",
            private_visibility_config=gcp.dns.ManagedZonePrivateVisibilityConfigArgs(
                networks=[gcp.dns.ManagedZonePrivateVisibilityConfigNetworkArgs(network_url=network.id)]
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on)),
        )
        return gcp.dns.RecordSet(
            f"{name}-run-app-hosts",
            project=args.project,
            managed_zone=zone.name,
            name=f"*.{limits.RUN_APP_ZONE}",
            type="A",
            ttl=300,
            rrdatas=list(limits.PRIVATE_GOOGLE_ACCESS_ADDRESSES),
            opts=pulumi.ResourceOptions(parent=self),
        )
