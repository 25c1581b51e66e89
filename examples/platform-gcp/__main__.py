"""A platform program that already runs a network and a Cloud SQL instance, and adds Lago to them.

The first half stands in for what a platform team owns: the APIs its pieces call, enabled first (a
fresh project refuses a call to a disabled API), a VPC with private services access (the
peering Cloud SQL and Memorystore take private addresses through), a subnet with Cloud NAT for
Cloud Run's Direct VPC egress, and a PostgreSQL instance reachable only on its private IP. The
second half hands those to ``LagoGcp`` as Outputs. lago-infra then creates no network and no
database instance: on the platform's instance it adds only Lago's database and user (a generated
password, kept in Secret Manager), and around them Memorystore, the bucket, the secrets and the
Cloud Run roles.

Every Google resource and lookup goes through ``platform``, the program's own ``gcp.Provider``
(the stack disables the default one): Lago's project and region are that provider's.

    cd examples/platform-gcp && pulumi stack init dev && pulumi up

Offline, from the repository's root (no account needed), with the guardrails:

    python -m lago_infra plan --project-dir examples/platform-gcp --policy
"""

import pulumi
import pulumi_gcp as gcp

from lago_infra import LagoGcp, LagoSettings
from lago_infra.targets.gcp.settings import CloudSql, ExistingCloudSql, ExistingNetwork, GcpSettings, Network

config = pulumi.Config()
project, region = config.require("project"), config.require("region")
platform = gcp.Provider("platform", project=project, region=region)

# -- what the platform already runs ---------------------------------------------------------------

# A fresh project has these APIs off: every resource below waits for its API (a call to a disabled
# API fails with SERVICE_DISABLED). Lago enables the APIs of its own pieces itself.
apis = [
    gcp.projects.Service(f"api-{api.split('.')[0]}", service=api, disable_on_destroy=False, opts=pulumi.ResourceOptions(provider=platform))
    for api in ("compute.googleapis.com", "servicenetworking.googleapis.com", "sqladmin.googleapis.com")
]
on_platform = pulumi.ResourceOptions(provider=platform, depends_on=apis)

vpc = gcp.compute.Network("core", name="core", auto_create_subnetworks=False, routing_mode="REGIONAL", opts=on_platform)
# Cloud Run's Direct VPC egress takes addresses here: a /26 or larger, Private Google Access on.
run_subnet = gcp.compute.Subnetwork(
    "core-run",
    name="core-run",
    region=region,
    network=vpc.id,
    ip_cidr_range="10.30.0.0/24",
    private_ip_google_access=True,
    opts=on_platform,
)
router = gcp.compute.Router("core-router", name="core-router", region=region, network=vpc.id, opts=on_platform)
gcp.compute.RouterNat(
    "core-nat",
    name="core-nat",
    region=region,
    router=router.name,
    nat_ip_allocate_option="AUTO_ONLY",
    source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
    opts=on_platform,
)
# Private services access: the range and peering Cloud SQL and Memorystore draw addresses from.
services_range = gcp.compute.GlobalAddress(
    "core-private-services",
    name="core-private-services",
    network=vpc.id,
    purpose="VPC_PEERING",
    address_type="INTERNAL",
    prefix_length=20,
    opts=on_platform,
)
peering = gcp.servicenetworking.Connection(
    "core-private-services",
    network=vpc.id,
    service="servicenetworking.googleapis.com",
    reserved_peering_ranges=[services_range.name],
    opts=on_platform,
)
postgres = gcp.sql.DatabaseInstance(
    "shared-pg",
    name="shared-pg",
    region=region,
    database_version="POSTGRES_16",
    deletion_protection=True,
    settings=gcp.sql.DatabaseInstanceSettingsArgs(
        # POSTGRES_16 defaults to ENTERPRISE_PLUS, which refuses custom tiers: say the edition.
        edition="ENTERPRISE",
        tier="db-custom-2-7680",
        availability_type="REGIONAL",
        deletion_protection_enabled=True,
        ip_configuration=gcp.sql.DatabaseInstanceSettingsIpConfigurationArgs(
            ipv4_enabled=False, private_network=vpc.id, ssl_mode="ENCRYPTED_ONLY"
        ),
        backup_configuration=gcp.sql.DatabaseInstanceSettingsBackupConfigurationArgs(enabled=True, point_in_time_recovery_enabled=True),
        # Lago's migrations schedule pg_partman's maintenance with pg_cron in Lago's database.
        database_flags=[
            gcp.sql.DatabaseInstanceSettingsDatabaseFlagArgs(name="cloudsql.enable_pg_cron", value="on"),
            gcp.sql.DatabaseInstanceSettingsDatabaseFlagArgs(name="cron.database_name", value="lago"),
        ],
    ),
    opts=pulumi.ResourceOptions(provider=platform, depends_on=[*apis, peering]),
)

# -- Lago, on what the platform runs ---------------------------------------------------------------

settings = LagoSettings(
    target="gcp",
    name="billing",
    version="v1.51.0",
    gcp=GcpSettings(
        network=Network(existing=ExistingNetwork(network=vpc.id, subnetwork=run_subnet.id)),
        database=CloudSql(existing=ExistingCloudSql(instance=postgres.name, private_ip=postgres.private_ip_address)),
    ),
)
lago = LagoGcp("billing", settings, opts=pulumi.ResourceOptions(providers={"gcp": platform}, depends_on=[peering]))

pulumi.export("lago_url", lago.front_url)
pulumi.export("lago_api_url", lago.api_url)
pulumi.export("lago_database", lago.database_connection_name)
pulumi.export("lago_runtime_service_account", lago.runtime_service_account)
