"""The ALB in public subnets, and the public URLs that follow from it.

With ``lago:domain``: an ACM certificate for both hosts, HTTPS with host-based routing (app host
-> front, api host -> api; ALBs pass WebSocket upgrades, so ``/cable`` works), HTTP redirected to
HTTPS. Without: plain HTTP on the ALB's DNS name, the front on port 80 and the api on its own
listener port, so front and api stay two origins exactly as with a domain.

With ``lago:aws.edge.existing`` (a platform's ALB and HTTPS listener): only the target groups and
the listener rules (the private-path denials and the two host rules) are created, with priorities
from the given range; a certificate given or created here is added to the listener for SNI, and
the Route 53 records alias the platform's ALB.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from ...config.model import Domain, Protection, Urls
from ...lago import urls
from ...lago.roles import API, FRONT, PRIVATE_API_PATHS, HealthCheck
from . import limits, tags
from .settings import Edge, ExistingListener

#: The roles the ALB routes to, each on its host of ``lago:domain``.
_HOSTED = ("front", "api")
#: Rules this target puts on an HTTPS listener: one denial per private api path, one per host.
LISTENER_RULES = len(PRIVATE_API_PATHS) + len(_HOSTED)


@dataclass(frozen=True)
class EdgeArgs:
    settings: Edge
    domain: Optional[Domain]
    urls: Urls
    protection: Protection
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    #: Production baseline: where the ALB writes its access logs.
    access_logs: Optional[aws.lb.LoadBalancerAccessLogsArgs] = None
    #: What the ALB waits for: the VPC's gateway and public routes (AWS refuses an
    #: internet-facing load balancer before them), the log bucket's policy (ELB writes a test
    #: object as soon as access logs are on).
    after: Sequence[pulumi.Resource] = ()


class LagoEdge(pulumi.ComponentResource):
    """Load balancer, target groups, listeners, and (with a domain) certificate and DNS."""

    front_url: pulumi.Output[str]
    """The browser's origin: LAGO_FRONT_URL."""
    api_url: pulumi.Output[str]
    """The api as the browser calls it: LAGO_API_URL and the front's API_URL."""
    dns_name: pulumi.Output[str]
    """The ALB's DNS name (the platform's with a brought listener)."""
    zone_id: pulumi.Output[str]
    """The ALB's canonical hosted zone id, for alias records."""
    load_balancer_arn: Optional[pulumi.Output[str]]
    """The ALB's ARN; None for a brought listener given without ``loadBalancerArn``."""
    arn_suffix: Optional[pulumi.Output[str]]
    """``app/<name>/<id>``: the ALB's CloudWatch dimension; None when its ARN is unknown."""
    alb: Optional[aws.lb.LoadBalancer] = None
    """The ALB this component created (None with a brought listener)."""
    created: bool
    """Whether this component created the ALB (and so owns its WAF and access logs)."""
    target_groups: dict[str, aws.lb.TargetGroup]
    """By role: api, front."""
    listeners: list[aws.lb.Listener]
    attachments: dict[str, list[pulumi.Resource]]
    """By role: the listeners and rules that put its target group behind the ALB. Its service
    waits on them: ECS refuses a target group that no listener or rule uses."""
    validation_records: Optional[pulumi.Output[list]] = None
    """With a domain but no Route 53 zone: the CNAMEs to create for the certificate."""
    certificate_arn: Optional[pulumi.Input[str]] = None
    """The HTTPS listener's certificate (with a domain)."""

    def __init__(self, name: str, args: EdgeArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:aws:Edge", name, None, opts)
        self._name = name
        self._child = pulumi.ResourceOptions(parent=self)
        s = args.settings
        self.target_groups = {role.name: self._target_group(role.name, role.port, role.liveness, args.vpc_id) for role in (API, FRONT)}
        self.attachments = {"api": [], "front": []}
        if s.existing is not None:
            self._on_listener(args, s.existing)
        else:
            self._own_alb(args)
        # Something in front (a CDN) may decide the public URLs; they then win.
        self.front_url = pulumi.Output.from_input(args.urls.front) if args.urls.front else self._front
        self.api_url = pulumi.Output.from_input(args.urls.api) if args.urls.api else self._api
        self.register_outputs({"front_url": self.front_url, "api_url": self.api_url, "dns_name": self.dns_name})

    def _on_listener(self, args: EdgeArgs, brought: ExistingListener) -> None:
        """The platform's listener: rules, an SNI certificate and DNS records, nothing else."""
        domain, s = args.domain, args.settings
        assert domain is not None, "checks.py requires lago:domain with a brought listener"
        self.created = False
        self.dns_name = pulumi.Output.from_input(brought.dns_name)
        self.zone_id = pulumi.Output.from_input(brought.zone_id)
        self.load_balancer_arn = pulumi.Output.from_input(brought.load_balancer_arn) if brought.load_balancer_arn is not None else None
        # ELB CloudWatch dimension "LoadBalancer": the ARN's tail after "loadbalancer/".
        self.arn_suffix = (
            self.load_balancer_arn.apply(lambda arn: arn.split(":loadbalancer/", 1)[1]) if self.load_balancer_arn is not None else None
        )
        self.listeners = []
        priorities = iter(range(brought.rule_priorities.from_, brought.rule_priorities.to + 1))
        self._rules(brought.listener_arn, "listener", domain, priorities, priorities, self)
        if s.certificate_arn is not None or s.route53_zone_id is not None:
            # The listener's default certificate stays the platform's; ALBs pick this one by SNI.
            self.certificate_arn = s.certificate_arn if s.certificate_arn is not None else self._certificate(domain, s.route53_zone_id)
            aws.lb.ListenerCertificate(
                f"{self._name}-certificate", listener_arn=brought.listener_arn, certificate_arn=self.certificate_arn, opts=self._child
            )
        if s.route53_zone_id is not None:
            self._records(s.route53_zone_id, domain)
        self._front = pulumi.Output.from_input(urls.http_url("https", domain.app))
        self._api = pulumi.Output.from_input(urls.http_url("https", domain.api))

    def _own_alb(self, args: EdgeArgs) -> None:
        name, s = self._name, args.settings
        self.created = True
        self.alb = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            subnets=list(args.subnet_ids),
            security_groups=[args.security_group_id],
            # Requests with malformed headers are dropped rather than passed to Rails.
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.protection.deletion_protection,
            # Shorter than the targets' keep-alive, or the ALB reuses connections they closed (502s).
            idle_timeout=limits.ALB_IDLE_TIMEOUT_SECONDS,
            access_logs=args.access_logs,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.after)),
        )
        self.dns_name = self.alb.dns_name
        self.zone_id = self.alb.zone_id
        self.load_balancer_arn = self.alb.arn
        self.arn_suffix = self.alb.arn_suffix
        if args.domain is None:
            front_listener = self._forward_listener("http", 80, "front")
            api_listener = self._forward_listener("api", s.api_port, "api")
            self.listeners = [front_listener, api_listener]
            self.attachments["front"].append(front_listener)
            self.attachments["api"].append(api_listener)
            self._deny_private_paths(api_listener.arn, "api", None, iter(range(1, LISTENER_RULES + 1)), api_listener)
            self._front = self.alb.dns_name.apply(lambda h: urls.http_url("http", h))
            self._api = self.alb.dns_name.apply(lambda h: urls.http_url("http", h, s.api_port))
        else:
            if self.certificate_pending(args):
                # Phase one: the certificate and its records, nothing that waits for them.
                self._certificate(args.domain, None, wait=False)
                self.listeners = [self._pending_listener()]
                pulumi.log.warn(
                    "The ACM certificate for lago:domain awaits DNS validation: add the records in the "
                    "certificate_validation_records output to your DNS, wait until ACM shows the certificate as Issued, "
                    "then set lago:aws.edge.certificateValidated to true and run pulumi up again. "
                    "Until then the ALB answers 503 and the api and front services are not created.",
                    resource=self,
                )
            else:
                self.listeners = self._https(args)
            self._front = pulumi.Output.from_input(urls.http_url("https", args.domain.app))
            self._api = pulumi.Output.from_input(urls.http_url("https", args.domain.api))

    @staticmethod
    def certificate_pending(args: EdgeArgs) -> bool:
        """A new certificate with no Route 53 zone to validate it, not yet marked validated."""
        s = args.settings
        return (
            args.domain is not None
            and s.existing is None
            and s.certificate_arn is None
            and s.route53_zone_id is None
            and not s.certificate_validated
        )

    @property
    def serving(self) -> bool:
        """Whether the target groups are behind a listener (not while the certificate is pending)."""
        return all(self.attachments.values())

    def _pending_listener(self) -> aws.lb.Listener:
        return self._port_80(
            aws.lb.ListenerDefaultActionArgs(
                type="fixed-response",
                fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                    content_type="text/plain", status_code="503", message_body="Lago is waiting for its TLS certificate"
                ),
            )
        )

    def _port_80(self, action: aws.lb.ListenerDefaultActionArgs) -> aws.lb.Listener:
        """Port 80 with a domain: 503 while the certificate is pending, then a redirect to HTTPS
        (one resource, so phase two updates it in place)."""
        return aws.lb.Listener(
            f"{self._name}-http", load_balancer_arn=self.alb.arn, port=80, protocol="HTTP", default_actions=[action], opts=self._child
        )

    def _target_group(self, role: str, port: int, health: HealthCheck, vpc_id) -> aws.lb.TargetGroup:
        """Probes the role's liveness: ECS replaces a task whose target health fails, so the api's
        ``/health`` (which runs SQL) would replace every api on a database failover."""
        return aws.lb.TargetGroup(
            f"{self._name}-{role}",
            port=port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=vpc_id,
            # Puma finishes in-flight requests well within this; the default 300 s slows deploys.
            deregistration_delay=30,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                path=health.path,
                port="traffic-port",
                matcher="200",
                interval=15,
                timeout=5,
                healthy_threshold=2,
                unhealthy_threshold=min(limits.ALB_UNHEALTHY_THRESHOLD_MAX, max(3, health.failure_window // 15)),
            ),
            tags=tags.role(role),
            opts=self._child,
        )

    def _forward_listener(self, label: str, port: int, role: str) -> aws.lb.Listener:
        return aws.lb.Listener(
            f"{self._name}-{label}",
            load_balancer_arn=self.alb.arn,
            port=port,
            protocol="HTTP",
            default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=self.target_groups[role].arn)],
            opts=self._child,
        )

    def _https(self, args: EdgeArgs) -> list[aws.lb.Listener]:
        name, s, domain = self._name, args.settings, args.domain
        certificate_arn = s.certificate_arn if s.certificate_arn is not None else self._certificate(domain, s.route53_zone_id)
        self.certificate_arn = certificate_arn
        https = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.alb.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=s.ssl_policy,
            certificate_arn=certificate_arn,
            # A request for any other host gets nothing.
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="fixed-response",
                    fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                        content_type="text/plain", status_code="404", message_body="Not found"
                    ),
                )
            ],
            opts=self._child,
        )
        # The denials from 1, before the host rules at 10 and 11 (a lower number is evaluated first).
        self._rules(https.arn, "https", domain, iter(range(1, 10)), iter(range(10, 10 + len(_HOSTED))), https)
        for role in _HOSTED:
            self.attachments[role].insert(0, https)
        redirect = self._port_80(
            aws.lb.ListenerDefaultActionArgs(
                type="redirect",
                redirect=aws.lb.ListenerDefaultActionRedirectArgs(protocol="HTTPS", port="443", status_code="HTTP_301"),
            )
        )
        if s.route53_zone_id is not None:
            self._records(s.route53_zone_id, domain)
        return [https, redirect]

    def _records(self, zone_id: pulumi.Input[str], domain: Domain) -> None:
        """The two hosts as alias A records of the ALB, in the given (never a created) zone."""
        for role, host in (("front", domain.app), ("api", domain.api)):
            aws.route53.Record(
                f"{self._name}-{role}-dns",
                zone_id=zone_id,
                name=host,
                type="A",
                aliases=[aws.route53.RecordAliasArgs(name=self.dns_name, zone_id=self.zone_id, evaluate_target_health=True)],
                opts=self._child,
            )

    def _rules(
        self, listener_arn: pulumi.Input[str], label: str, domain: Domain, deny_priorities, host_priorities, parent: pulumi.Resource
    ) -> None:
        """The private-path denials, then a host-header rule per hosted role (``LISTENER_RULES`` in all)."""
        self._deny_private_paths(listener_arn, label, domain.api, deny_priorities, parent)
        for role, host in zip(_HOSTED, (domain.app, domain.api)):
            rule = aws.lb.ListenerRule(
                f"{self._name}-{role}-host",
                listener_arn=listener_arn,
                priority=next(host_priorities),
                conditions=[aws.lb.ListenerRuleConditionArgs(host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=[host]))],
                actions=[aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=self.target_groups[role].arn)],
                opts=pulumi.ResourceOptions(parent=parent),
            )
            self.attachments[role].append(rule)

    def _deny_private_paths(
        self, listener_arn: pulumi.Input[str], label: str, host: Optional[str], priorities, parent: pulumi.Resource
    ) -> None:
        """Lago's private paths (an unauthenticated Prometheus exporter at /metrics, …) answer 404
        at the edge. One rule per path keeps each within the ALB's five match values per rule.
        Scrape /metrics from inside the VPC (the api's security group), not through the ALB.
        Their priorities come before the host rules' (a lower number is evaluated first)."""
        for path in PRIVATE_API_PATHS:
            conditions = [
                aws.lb.ListenerRuleConditionArgs(path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(values=[path, f"{path}/*"]))
            ]
            if host:
                conditions.append(aws.lb.ListenerRuleConditionArgs(host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=[host])))
            rule = aws.lb.ListenerRule(
                f"{self._name}-{label}-private-{path.strip('/').replace('/', '-')}",
                listener_arn=listener_arn,
                priority=next(priorities),
                conditions=conditions,
                actions=[
                    aws.lb.ListenerRuleActionArgs(
                        type="fixed-response",
                        fixed_response=aws.lb.ListenerRuleActionFixedResponseArgs(
                            content_type="text/plain", status_code="404", message_body="Not found"
                        ),
                    )
                ],
                opts=pulumi.ResourceOptions(parent=parent),
            )
            # The api serves once its private paths are closed at the edge.
            self.attachments["api"].append(rule)

    def _certificate(self, domain: Domain, zone_id: Optional[str], wait: bool = True) -> pulumi.Output[str]:
        name = self._name
        cert = aws.acm.Certificate(
            f"{name}-certificate",
            domain_name=domain.app,
            subject_alternative_names=[domain.api],
            validation_method="DNS",
            opts=self._child,
        )
        fqdns = None
        if zone_id:
            fqdns = []
            for role, host in (("front", domain.app), ("api", domain.api)):
                option = cert.domain_validation_options.apply(lambda opts, h=host: next(o for o in opts if o.domain_name == h))
                record = aws.route53.Record(
                    f"{name}-{role}-validation",
                    zone_id=zone_id,
                    name=option.resource_record_name,
                    type=option.resource_record_type,
                    records=[option.resource_record_value],
                    ttl=300,
                    # Both hosts may share one validation record under a common parent domain.
                    allow_overwrite=True,
                    opts=pulumi.ResourceOptions(parent=cert),
                )
                fqdns.append(record.fqdn)
        else:
            self.validation_records = cert.domain_validation_options.apply(
                lambda opts: [f"{o.resource_record_name} {o.resource_record_type} {o.resource_record_value}" for o in opts]
            )
        if not wait:
            return cert.arn
        # Waits until ACM has issued the certificate: at once when phase one's records are in DNS.
        validation = aws.acm.CertificateValidation(
            f"{name}-certificate",
            certificate_arn=cert.arn,
            validation_record_fqdns=fqdns,
            opts=pulumi.ResourceOptions(parent=cert),
        )
        return validation.certificate_arn
