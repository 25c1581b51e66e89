"""A platform team's AWS program that adds Lago to what it already runs.

The first half stands in for the platform: a VPC with public and private subnets in two zones,
an ECS cluster with the Fargate capacity providers, a Cloud Map namespace, and an internet-facing
ALB with its HTTPS listener. The second half is Lago: one
``LagoAws`` component handed those pieces as Outputs. It creates none of them; it adds its target
groups and host rules (priorities 100-119) to the listener, its services to the cluster, its
records to the zone, and its own database, Redis, bucket and secrets.

What it needs: an AWS account, and a public Route 53 hosted zone that DNS already delegates to
(the zone your registrar's NS records point at), its name in ``platform-aws:zone``. Both
certificates (the platform's wildcard and Lago's) are validated by DNS records in that zone: in
a zone nothing delegates to, ACM never sees them and each validation fails after 75 minutes.

    cd examples/platform-aws
    pulumi stack init managed
    pulumi config set platform-aws:zone billing.your-domain.com   # your delegated zone
    pulumi up                                    # Lago's roles on the platform's cluster
    pulumi stack init external && pulumi config set platform-aws:zone billing.your-domain.com
    pulumi up                                    # lagoRuntime: external, the data tier only

Offline, from the repository's root (no account needed):

    python -m lago_infra plan --project-dir examples/platform-aws --stack managed
    python -m lago_infra plan --project-dir examples/platform-aws --stack external
"""

import pulumi
import pulumi_aws as aws

from lago_infra.config import LagoSettings
from lago_infra.targets.aws.component import LagoAws

config = pulumi.Config()
# The platform's public hosted zone, delegated already: found, never created (see above).
ZONE = config.require("zone")
runtime = config.get("lagoRuntime") or "managed"

# -- the platform ---------------------------------------------------------------------------------

zones = aws.get_availability_zones(state="available").names[:2]
vpc = aws.ec2.Vpc("platform", cidr_block="10.20.0.0/16", enable_dns_hostnames=True, enable_dns_support=True)
gateway = aws.ec2.InternetGateway("platform", vpc_id=vpc.id)
public_routes = aws.ec2.RouteTable(
    "platform-public", vpc_id=vpc.id, routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=gateway.id)]
)
public, private, public_associations = [], [], []
for i, zone in enumerate(zones):
    subnet = aws.ec2.Subnet(f"platform-public-{zone}", vpc_id=vpc.id, cidr_block=f"10.20.{i}.0/24", availability_zone=zone)
    public_associations.append(
        aws.ec2.RouteTableAssociation(f"platform-public-{zone}", route_table_id=public_routes.id, subnet_id=subnet.id)
    )
    public.append(subnet)
address = aws.ec2.Eip("platform-nat", domain="vpc")
nat = aws.ec2.NatGateway("platform", allocation_id=address.id, subnet_id=public[0].id)
private_routes = aws.ec2.RouteTable(
    "platform-private", vpc_id=vpc.id, routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)]
)
for i, zone in enumerate(zones):
    subnet = aws.ec2.Subnet(f"platform-private-{zone}", vpc_id=vpc.id, cidr_block=f"10.20.{10 + i}.0/24", availability_zone=zone)
    aws.ec2.RouteTableAssociation(f"platform-private-{zone}", route_table_id=private_routes.id, subnet_id=subnet.id)
    private.append(subnet)

namespace = aws.servicediscovery.HttpNamespace("platform", name="platform.internal")
cluster = aws.ecs.Cluster(
    "platform",
    settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
    service_connect_defaults=aws.ecs.ClusterServiceConnectDefaultsArgs(namespace=namespace.arn),
)
aws.ecs.ClusterCapacityProviders("platform", cluster_name=cluster.name, capacity_providers=["FARGATE", "FARGATE_SPOT"])

dns = aws.route53.get_zone_output(name=ZONE, private_zone=False)
alb_group = aws.ec2.SecurityGroup(
    "platform-alb",
    vpc_id=vpc.id,
    description="platform ALB",
    ingress=[aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=443, to_port=443, cidr_blocks=["0.0.0.0/0"])],
    egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
)
# Internet-facing: AWS refuses it until the subnets route to an attached gateway.
alb = aws.lb.LoadBalancer(
    "platform",
    load_balancer_type="application",
    subnets=[s.id for s in public],
    security_groups=[alb_group.id],
    drop_invalid_header_fields=True,
    opts=pulumi.ResourceOptions(depends_on=[gateway, public_routes, *public_associations]),
)
certificate = aws.acm.Certificate("platform", domain_name=f"*.{ZONE}", validation_method="DNS")
validation = certificate.domain_validation_options[0]
record = aws.route53.Record(
    "platform-validation",
    zone_id=dns.zone_id,
    name=validation.resource_record_name,
    type=validation.resource_record_type,
    records=[validation.resource_record_value],
    ttl=300,
)
issued = aws.acm.CertificateValidation("platform", certificate_arn=certificate.arn, validation_record_fqdns=[record.fqdn])
listener = aws.lb.Listener(
    "platform-https",
    load_balancer_arn=alb.arn,
    port=443,
    protocol="HTTPS",
    certificate_arn=issued.certificate_arn,
    default_actions=[
        aws.lb.ListenerDefaultActionArgs(
            type="fixed-response",
            fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(content_type="text/plain", status_code="404"),
        )
    ],
)

# -- Lago -----------------------------------------------------------------------------------------

# The same keys as a stack file's lago: namespace; the platform's ids go in as Outputs.
settings = LagoSettings.model_validate(
    {
        "target": "aws",
        "runtime": runtime,
        # Under the platform's wildcard certificate: the listener already serves both hosts.
        "domain": {"app": f"lago.{ZONE}", "api": f"lago-api.{ZONE}"},
        "aws": {
            "network": {
                "existing": {"vpcId": vpc.id, "publicSubnetIds": [s.id for s in public], "privateSubnetIds": [s.id for s in private]}
            },
            "services": {"existingCluster": cluster.arn, "existingNamespaceArn": namespace.arn},
            "edge": {
                "route53ZoneId": dns.zone_id,
                "existing": {
                    "listenerArn": listener.arn,
                    "securityGroupId": alb_group.id,
                    "dnsName": alb.dns_name,
                    "zoneId": alb.zone_id,
                    "loadBalancerArn": alb.arn,
                    "rulePriorities": {"from": 100, "to": 119},
                },
            },
        },
    }
)
lago = LagoAws("billing", settings)

pulumi.export("lago_url", lago.front_url)
pulumi.export("lago_api_url", lago.api_url)
pulumi.export("lago_database", lago.database_endpoint)
if runtime == "external":
    # What the platform's runtime attaches and reads: a security group for its pods, two policies
    # for their role, and each role's image, command and environment (secrets as ARNs).
    pulumi.export("lago_clients_security_group", lago.clients_security_group_id)
    pulumi.export("lago_bucket_policy", lago.bucket_policy_arn)
    pulumi.export("lago_secrets_policy_arn", lago.secrets_policy_arn)
    pulumi.export("lago_role_environments", lago.role_environments)
else:
    pulumi.export("lago_services", lago.service_names)
