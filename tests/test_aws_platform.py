"""Issue 12 on AWS: a platform brings its own cluster, listener, zone and namespace, or runs Lago's
roles itself (``lago:runtime: external``); the typed outputs of ``LagoAws``; examples/platform-aws."""

from __future__ import annotations

import json

import pytest

from lago_infra.cost import estimate
from lago_infra.lago.roles import PRIVATE_API_PATHS
from lago_infra.plan import run_plan
from lago_infra.policy import evaluate, view_of_plan
from lago_infra.targets.aws.component import _OUTPUTS, LagoAws
from lago_infra.targets.aws.edge import LISTENER_RULES

from .conftest import PROJECT_DIR
from .test_aws_limits import BASE, refused

EXAMPLE = PROJECT_DIR / "examples" / "platform-aws"

LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/platform/50dc6c495c0c9188/f2f7dc8efc522ab2"
ALB = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/platform/50dc6c495c0c9188"
ALB_GROUP = "sg-0123456789abcdef0"
CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/platform"
NAMESPACE = "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-abcdefghij123456"
ZONE = "Z0123456789ABCDEFGHIJ"
DOMAIN = {"app": "lago.example.com", "api": "api.lago.example.com"}
VPC = {
    "vpcId": "vpc-0123456789abcdef0",
    "publicSubnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    "privateSubnetIds": ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"],
}


def brought(priorities=(100, 119), **edge):
    return {
        **BASE,
        "lago:domain": DOMAIN,
        "lago:roles": {"api": {"maxReplicas": 3}},
        "lago:aws": {
            # Six api tasks during a rollout hold more connections than db.t4g.micro's default
            # (the `connections` policy rule): the dev preset's micro is for one api.
            "database": {"instanceClass": "db.t4g.small"},
            "network": {"existing": VPC},
            "services": {"existingCluster": CLUSTER, "existingNamespaceArn": NAMESPACE},
            "edge": {
                "route53ZoneId": ZONE,
                "existing": {
                    "listenerArn": LISTENER,
                    "securityGroupId": ALB_GROUP,
                    "dnsName": "platform-1234567890.eu-west-1.elb.amazonaws.com",
                    "zoneId": "Z32O12XQLNTSW2",
                    "loadBalancerArn": ALB,
                    "rulePriorities": {"from": priorities[0], "to": priorities[1]},
                },
                **edge,
            },
        },
    }


@pytest.fixture
def platform(plan_config):
    return plan_config(brought(), stack="platform")


def types(plan) -> set[str]:
    return {r.type for r in plan.resources}


# -- bring your own cluster, listener, zone, namespace ------------------------------------------------


def test_brought_pieces_are_not_created(platform):
    created = types(platform)
    for kind in (
        "aws:ec2/vpc:Vpc",
        "aws:ec2/subnet:Subnet",
        "aws:ecs/cluster:Cluster",
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        "aws:servicediscovery/httpNamespace:HttpNamespace",
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:lb/listener:Listener",
        "aws:route53/zone:Zone",
        "aws:wafv2/webAcl:WebAcl",
    ):
        assert kind not in created, kind
    groups = {g.name for g in platform.by_type("aws:ec2/securityGroup:SecurityGroup")}
    assert "lago-sg-alb" not in groups and "lago-sg-api" in groups


def test_host_rules_land_on_the_given_listener_within_the_range(platform):
    rules = platform.by_type("aws:lb/listenerRule:ListenerRule")
    assert len(rules) == LISTENER_RULES == len(PRIVATE_API_PATHS) + 2
    assert {r.inputs["listenerArn"] for r in rules} == {LISTENER}
    priorities = [r.inputs["priority"] for r in rules]
    assert len(set(priorities)) == len(priorities) and all(100 <= p <= 119 for p in priorities)
    groups = {g.name: g for g in platform.by_type("aws:lb/targetGroup:TargetGroup")}
    hosts = {}
    for rule in rules:
        [condition] = [c for c in rule.inputs["conditions"] if "hostHeader" in c]
        if rule.inputs["actions"][0]["type"] == "forward":
            hosts[condition["hostHeader"]["values"][0]] = rule
    assert set(hosts) == {DOMAIN["app"], DOMAIN["api"]}
    # The private paths are denied before (a lower priority than) the api's host rule.
    denials = [r for r in rules if r.inputs["actions"][0]["type"] == "fixed-response"]
    assert max(r.inputs["priority"] for r in denials) < hosts[DOMAIN["api"]].inputs["priority"]
    assert groups["lago-edge-api"].urn in hosts[DOMAIN["api"]].dependencies


def test_the_tasks_admit_the_platforms_load_balancer(platform):
    ingress = platform.by_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    from_alb = {r.name for r in ingress if r.inputs.get("referencedSecurityGroupId") == ALB_GROUP}
    assert from_alb == {"lago-sg-front-in-from-alb", "lago-sg-api-in-from-alb"}
    # Nothing is opened to the internet: that is the platform's listener's business.
    assert not [r.name for r in ingress if r.inputs.get("cidrIpv4") == "0.0.0.0/0"]
    # No rule is added to a group lago-infra does not own.
    egress = platform.by_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert not [r.name for r in egress if r.inputs["securityGroupId"] == ALB_GROUP]


def test_services_run_on_the_given_cluster_and_namespace(platform):
    services = platform.by_type("aws:ecs/service:Service")
    assert services and {s.inputs["cluster"] for s in services} == {CLUSTER}
    connected = [s for s in services if "serviceConnectConfiguration" in s.inputs]
    assert connected and {s.inputs["serviceConnectConfiguration"]["namespace"] for s in connected} == {NAMESPACE}
    scaling = platform.by_type("aws:appautoscaling/target:Target")
    assert scaling and all(t.inputs["resourceId"].startswith("service/platform/") for t in scaling)
    [run] = platform.by_type("aws:lambda/invocation:Invocation")
    assert json.loads(run.inputs["input"])["cluster"] == "platform"


def test_a_cluster_given_by_name_gets_its_arn_from_the_providers_account(plan_config):
    config = brought()
    config["lago:aws"]["services"]["existingCluster"] = "platform"
    plan = plan_config(config, stack="byname")
    assert {s.inputs["cluster"] for s in plan.by_type("aws:ecs/service:Service")} == {CLUSTER}


def test_records_and_certificate_land_in_the_brought_zone_and_listener(platform):
    records = platform.by_type("aws:route53/record:Record")
    assert records and {r.inputs["zoneId"] for r in records} == {ZONE}
    aliases = [r for r in records if r.inputs.get("aliases")]
    assert {r.inputs["name"] for r in aliases} == set(DOMAIN.values())
    assert {a.inputs["aliases"][0]["name"] for a in aliases} == {"platform-1234567890.eu-west-1.elb.amazonaws.com"}
    [sni] = platform.by_type("aws:lb/listenerCertificate:ListenerCertificate")
    assert sni.inputs["listenerArn"] == LISTENER


def test_without_a_zone_or_certificate_the_listener_serves_its_own(plan_config):
    config = brought()
    del config["lago:aws"]["edge"]["route53ZoneId"]
    plan = plan_config(config, stack="nozone")
    assert not plan.by_type("aws:lb/listenerCertificate:ListenerCertificate")
    assert not plan.by_type("aws:acm/certificate:Certificate")
    assert not plan.by_type("aws:route53/record:Record")
    assert plan.roles["api"]["env"]["LAGO_API_URL"] == "https://api.lago.example.com"


def test_a_range_too_small_for_the_rules_is_refused(plan_config):
    config = _without_base(brought(priorities=(100, 100 + LISTENER_RULES - 2)))
    refused(
        plan_config,
        config,
        "lago:aws.edge.existing.rulePriorities",
        f"needs {LISTENER_RULES} rules",
        f"from 100 to {100 + LISTENER_RULES - 1}",
    )


def test_a_brought_listener_needs_a_domain(plan_config):
    config = _without_base(brought())
    del config["lago:domain"]
    refused(plan_config, config, "lago:aws.edge.existing", "lago:domain")


def test_an_inverted_range_is_refused(plan_config):
    refused(plan_config, _without_base(brought(priorities=(120, 100))), "rulePriorities", "below from")


@pytest.mark.parametrize(
    "path, value, fragment",
    [
        (("services", "existingCluster"), "arn:aws:ecs:eu-west-1:1:cluster/x", "ECS cluster"),
        (("services", "existingNamespaceArn"), "ns-123", "Cloud Map namespace ARN"),
        (("edge", "existing", "listenerArn"), ALB, "ALB listener ARN"),
        (("edge", "existing", "securityGroupId"), "sg-xyz", "security group id"),
    ],
)
def test_brought_ids_are_checked_in_awss_form(plan_config, path, value, fragment):
    config = _without_base(brought())
    section = config["lago:aws"]
    for key in path[:-1]:
        section = section[key]
    section[path[-1]] = value
    refused(plan_config, config, fragment, path[-1])


def _without_base(config):
    return {k: v for k, v in config.items() if k not in BASE}


def test_brought_pieces_leave_the_cost_and_guardrails_working(platform, plan_config):
    external = plan_config({**BASE, "lago:runtime": "external", "lago:domain": DOMAIN}, stack="external-cost")
    for plan in (platform, external):
        lines = estimate(plan.to_json()).lines
        assert any(line.type == "aws:rds/instance:Instance" for line in lines)
        # The platform's ALB is the platform's bill.
        assert not [line for line in lines if line.type == "aws:lb/loadBalancer:LoadBalancer"]
        mandatory = [f.render() for f in evaluate(view_of_plan(plan)) if f.mandatory]
        assert not mandatory, mandatory


# -- lago:runtime: external ---------------------------------------------------------------------------

EXTERNAL = {**BASE, "lago:runtime": "external", "lago:domain": DOMAIN}


@pytest.fixture
def external(plan_config):
    return plan_config(EXTERNAL, stack="external")


def test_external_runtime_creates_no_container_runtime(external):
    created = types(external)
    strays = sorted(
        t
        for t in created
        if t.startswith(("aws:ecs/", "aws:lb/", "aws:lambda/", "aws:appautoscaling/", "aws:wafv2/", "aws:servicediscovery/", "aws:ecr/"))
    )
    assert not strays, strays
    # The data tier is all there.
    # (the dev preset keeps Lago's secrets in SSM Parameter Store)
    assert {
        "aws:rds/instance:Instance",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:s3/bucket:Bucket",
        "aws:ssm/parameter:Parameter",
    } <= created


def test_external_runtime_gives_the_platform_a_group_and_two_policies(external):
    groups = {g.name for g in external.by_type("aws:ec2/securityGroup:SecurityGroup")}
    assert groups == {"lago-sg-clients", "lago-sg-database", "lago-sg-redis"}
    ingress = {r.name for r in external.by_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")}
    assert ingress == {"lago-sg-database-in-from-clients", "lago-sg-redis-in-from-clients"}
    policies = {p.name: json.loads(p.inputs["policy"]) for p in external.by_type("aws:iam/policy:Policy")}
    files, secrets = policies["lago-platform-files"], policies["lago-platform-secrets"]
    bucket = _states(external, "aws:s3/bucket:Bucket")[0]["arn"]
    assert {s["Resource"] for s in files["Statement"]} == {bucket, f"{bucket}/*"}
    readable = set(secrets["Statement"][0]["Resource"])
    assert readable == {s["arn"] for s in _states(external, "aws:ssm/parameter:Parameter")}
    assert secrets["Statement"][0]["Action"] == ["ssm:GetParameter", "ssm:GetParameters"]
    outputs = external.outputs
    assert {"clients_security_group_id", "bucket_policy_arn", "secrets_policy_arn"} <= set(outputs)
    assert "alb_dns_name" not in outputs and "cluster" not in outputs


def _states(plan, type_):
    return [plan.states[r.urn] for r in plan.by_type(type_)]


def test_external_runtime_uses_the_domain_or_the_given_urls(external, plan_config):
    assert external.roles["api"]["env"]["LAGO_FRONT_URL"] == "https://lago.example.com"
    urls = plan_config(
        {
            **BASE,
            "lago:runtime": "external",
            "lago:urls": {"front": "https://billing.example.org", "api": "https://billing-api.example.org"},
        },
        stack="urls",
    )
    assert urls.roles["api"]["env"]["LAGO_API_URL"] == "https://billing-api.example.org"


def test_external_runtime_without_urls_or_domain_is_refused(plan_config):
    refused(plan_config, {"lago:runtime": "external"}, "lago:urls.front", "lago:runtime is external", "lago:domain")


def test_external_runtime_exposes_every_roles_environment_by_reference(external):
    component = next(r for r in external.resources if r.type == "lago:aws:LagoAws")
    environments = external.registered_outputs[component.urn]["role_environments"]
    assert set(environments) == set(external.roles)
    secret_arns = {s["arn"] for s in _states(external, "aws:ssm/parameter:Parameter")}
    for role, environment in environments.items():
        assert environment["image"] and environment["plain"] == {
            k: v for k, v in external.roles[role]["env"].items() if k in environment["plain"]
        }
        for variable, reference in environment["secrets"].items():
            assert reference in secret_arns, (role, variable, reference)
    assert "DATABASE_URL" in environments["migrate"]["secrets"] and "DATABASE_URL" not in environments["migrate"]["plain"]


def test_external_runtime_keeps_the_data_tier_alarms_only(plan_config):
    plan = plan_config({**EXTERNAL, "lago:preset": "prod"}, stack="external-prod")
    alarms = {a.name for a in plan.by_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert any("database-cpu" in a for a in alarms)
    assert not [a for a in alarms if "unhealthy" in a or "clock" in a or "5xx" in a]
    assert not plan.by_type("aws:cloudwatch/eventRule:EventRule")


# -- typed outputs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["managed", "external"])
def test_every_typed_output_is_documented_and_registered(plan_config, mode, plan_of):
    plan = plan_of("aws-dev") if mode == "managed" else plan_config(EXTERNAL, stack="typed")
    component = next(r for r in plan.resources if r.type == "lago:aws:LagoAws")
    registered = plan.registered_outputs[component.urn]
    # A None output (what a mode has not) is not registered at all.
    assert set(registered) <= set(_OUTPUTS)
    always = {
        "front_url",
        "api_url",
        "role_environments",
        "security_group_ids",
        "database_endpoint",
        "database_address",
        "database_port",
        "database_instance_identifier",
        "redis_queue_endpoint",
        "bucket_name",
        "bucket_arn",
        "secret_arns",
        "vpc_id",
        "public_subnet_ids",
        "private_subnet_ids",
        "isolated_subnet_ids",
    }
    assert always <= set(registered)
    assert {
        "cluster_arn",
        "service_names",
        "load_balancer_dns_name",
        "security_group_ids",
        "database_endpoint",
        "vpc_id",
        "role_environments",
    } <= set(_OUTPUTS)
    for name in _OUTPUTS:
        assert LagoAws.__annotations__.get(name) or name in ("front_url", "api_url", "role_environments")
    present = set(registered)
    if mode == "managed":
        assert {"cluster_arn", "service_names", "load_balancer_arn", "task_role_arn"} <= present
        assert set(registered["service_names"]) == {r for r in plan.roles if r != "migrate"}
        assert set(registered["security_group_ids"]) >= {"alb", "api", "database", "redis"}
    else:
        assert not {"cluster_arn", "service_names", "load_balancer_arn", "task_role_arn"} & present
        assert {"clients_security_group_id", "bucket_policy_arn", "secrets_policy_arn"} <= present
    assert registered["database_endpoint"].endswith(":5432")


def test_typed_outputs_have_docstrings():
    import ast
    import inspect

    from lago_infra.targets.aws import component

    tree = ast.parse(inspect.getsource(component.LagoAws))
    body = tree.body[0].body
    documented = {
        node.target.id
        for node, after in zip(body, body[1:])
        if isinstance(node, ast.AnnAssign) and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
    }
    assert set(LagoAws.__annotations__) <= documented


# -- examples/platform-aws ------------------------------------------------------------------------------


def _inside(plan, component_name):
    component = next(r for r in plan.resources if r.name == component_name and r.type.startswith("lago:"))
    parent = {r.urn: r.parent for r in plan.resources}

    def inside(urn):
        while urn is not None and urn != component.urn:
            urn = parent.get(urn)
        return urn == component.urn

    return [r for r in plan.resources if inside(r.urn) and r.urn != component.urn]


def test_platform_example_puts_lago_on_the_platforms_pieces():
    plan = run_plan(config_file=EXAMPLE / "Pulumi.managed.yaml", project_dir=EXAMPLE, prevalidate=False)
    lago = _inside(plan, "billing")
    made = {r.type for r in lago}
    for kind in (
        "aws:ec2/vpc:Vpc",
        "aws:ecs/cluster:Cluster",
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:lb/listener:Listener",
        "aws:servicediscovery/httpNamespace:HttpNamespace",
    ):
        assert kind not in made, kind
        assert plan.by_type(kind), f"the platform half makes its {kind}"
    listener = plan.states[plan.one("aws:lb/listener:Listener", "platform-https").urn]["arn"]
    cluster = plan.states[plan.one("aws:ecs/cluster:Cluster", "platform").urn]["arn"]
    rules = plan.by_type("aws:lb/listenerRule:ListenerRule")
    assert rules and {r.inputs["listenerArn"] for r in rules} == {listener}
    assert all(100 <= r.inputs["priority"] <= 119 for r in rules)
    assert {s.inputs["cluster"] for s in plan.by_type("aws:ecs/service:Service")} == {cluster}
    assert set(plan.outputs["lago_services"]) == {"api", "front", "worker", "clock", "pdf"}


def test_platform_example_validates_its_certificates_in_a_delegated_zone_it_does_not_create():
    """A zone the program created would be delegated to by nothing: ACM would never see the
    validation records and both validations would fail after 75 minutes. The example looks up
    the platform's zone (which its docstring says must be delegated) and creates none."""
    import yaml

    from lago_infra.plan.mocks.aws import _zone

    stack = EXAMPLE / "Pulumi.managed.yaml"
    plan = run_plan(config_file=stack, project_dir=EXAMPLE, prevalidate=False)
    assert not plan.by_type("aws:route53/zone:Zone")
    zone = yaml.safe_load(stack.read_text())["config"]["platform-aws:zone"]
    zone_id = _zone(type("Call", (), {"args": {"name": zone}})())["zoneId"]
    records = plan.by_type("aws:route53/record:Record")
    validations = [r for r in records if r.inputs.get("type") == "CNAME"]
    assert len(validations) >= 2 and {r.inputs["zoneId"] for r in records} == {zone_id}
    assert "delegat" in (EXAMPLE / "__main__.py").read_text()


def test_platform_example_external_stack_is_the_data_tier():
    plan = run_plan(config_file=EXAMPLE / "Pulumi.external.yaml", project_dir=EXAMPLE, prevalidate=False)
    made = {r.type for r in _inside(plan, "billing")}
    assert not [t for t in made if t.startswith(("aws:ecs/", "aws:lb/", "aws:lambda/"))]
    environments = plan.outputs["lago_role_environments"]
    assert {"api", "worker", "clock", "front", "pdf", "migrate"} <= set(environments)
    assert environments["api"]["secrets"]["SECRET_KEY_BASE"].startswith("arn:aws:ssm:eu-west-1:")
    assert plan.outputs["lago_clients_security_group"] and plan.outputs["lago_bucket_policy"].startswith("arn:aws:iam")
