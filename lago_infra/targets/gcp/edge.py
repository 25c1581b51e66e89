"""The global external HTTPS load balancer in front of api and front, used when a domain is set."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_gcp as gcp

from ...config.model import Domain
from ...lago.roles import PRIVATE_API_PATHS
from .settings import Edge


@dataclass(frozen=True)
class EdgeArgs:
    project: str
    region: str
    domain: Domain
    #: Cloud Run service names behind the app and api hosts.
    front_service: pulumi.Input[str]
    api_service: pulumi.Input[str]
    labels: Mapping[str, str]
    settings: Edge
    depends_on: Sequence[pulumi.Resource] = ()
    #: Production baseline: a Cloud Armor policy on both backends.
    security_policy: Optional[pulumi.Input[str]] = None


class LagoEdge(pulumi.ComponentResource):
    """One IP, one Google-managed certificate for both hosts, app host -> front, api host -> api,
    and plain HTTP redirected to HTTPS. Serverless NEGs pass WebSockets (the api's /cable)."""

    ip_address: pulumi.Output[str]
    """Point both hosts' A records here; the certificate turns ACTIVE once they resolve to it."""

    def __init__(self, name: str, args: EdgeArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:gcp:Edge", name, None, opts)
        # Everything here hangs off the Cloud Run services or waits for the APIs itself.
        child = pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on))
        p, d = args.project, args.domain
        address = gcp.compute.GlobalAddress(f"{name}-ip", name=f"{name}-ip", project=p, labels=dict(args.labels), opts=child)
        self._labels = dict(args.labels)

        def backend(role: str, service: pulumi.Input[str]) -> gcp.compute.BackendService:
            neg = gcp.compute.RegionNetworkEndpointGroup(
                f"{name}-{role}-neg",
                name=f"{name}-{role}-neg",
                project=p,
                region=args.region,
                network_endpoint_type="SERVERLESS",
                cloud_run=gcp.compute.RegionNetworkEndpointGroupCloudRunArgs(service=service),
                opts=child,
            )
            return gcp.compute.BackendService(
                f"{name}-{role}-backend",
                name=f"{name}-{role}-backend",
                project=p,
                load_balancing_scheme="EXTERNAL_MANAGED",
                protocol="HTTPS",
                backends=[gcp.compute.BackendServiceBackendArgs(group=neg.id)],
                security_policy=args.security_policy,
                # Access logs in Cloud Logging: who called what, for audits and incident reviews.
                log_config=gcp.compute.BackendServiceLogConfigArgs(
                    enable=args.settings.log_sample_rate > 0, sample_rate=args.settings.log_sample_rate
                ),
                opts=child,
            )

        front, api = backend("front", args.front_service), backend("api", args.api_service)
        url_map = gcp.compute.URLMap(
            f"{name}-urls",
            name=f"{name}-urls",
            project=p,
            # Any other Host header gets the front, which serves nothing sensitive.
            default_service=front.id,
            host_rules=[
                gcp.compute.URLMapHostRuleArgs(hosts=[d.app], path_matcher="front"),
                gcp.compute.URLMapHostRuleArgs(hosts=[d.api], path_matcher="api"),
            ],
            path_matchers=[
                gcp.compute.URLMapPathMatcherArgs(name="front", default_service=front.id),
                gcp.compute.URLMapPathMatcherArgs(
                    name="api",
                    default_service=api.id,
                    # The load balancer answers 403 itself: an abort fault on every request to a
                    # private path (advanced traffic management of EXTERNAL_MANAGED balancers).
                    route_rules=[
                        gcp.compute.URLMapPathMatcherRouteRuleArgs(
                            priority=1,
                            match_rules=[
                                gcp.compute.URLMapPathMatcherRouteRuleMatchRuleArgs(prefix_match=path) for path in PRIVATE_API_PATHS
                            ],
                            service=api.id,
                            route_action=gcp.compute.URLMapPathMatcherRouteRuleRouteActionArgs(
                                fault_injection_policy=gcp.compute.URLMapPathMatcherRouteRuleRouteActionFaultInjectionPolicyArgs(
                                    abort=gcp.compute.URLMapPathMatcherRouteRuleRouteActionFaultInjectionPolicyAbortArgs(
                                        http_status=403, percentage=100
                                    )
                                )
                            ),
                        )
                    ],
                ),
            ],
            opts=child,
        )
        # A managed certificate's domains cannot change: new hosts replace it. Named after its hosts,
        # the new one is created and put on the proxy before the old one is deleted (a fixed name
        # would collide with the old certificate, which the proxy still uses).
        hosts = hashlib.sha256(f"{d.app} {d.api}".encode()).hexdigest()[:8]
        certificate = gcp.compute.ManagedSslCertificate(
            f"{name}-cert",
            name=f"{name}-cert-{hosts}",
            project=p,
            managed=gcp.compute.ManagedSslCertificateManagedArgs(domains=[d.app, d.api]),
            opts=child,
        )
        # TLS 1.2 or newer with the MODERN profile's ciphers (Google's recommendation for browsers).
        tls = gcp.compute.SSLPolicy(f"{name}-tls", name=f"{name}-tls", project=p, profile="MODERN", min_tls_version="TLS_1_2", opts=child)
        https_proxy = gcp.compute.TargetHttpsProxy(
            f"{name}-https",
            name=f"{name}-https",
            project=p,
            url_map=url_map.id,
            ssl_certificates=[certificate.id],
            ssl_policy=tls.id,
            opts=child,
        )
        self._rule(name, "https", p, address, https_proxy.id, "443")

        redirect = gcp.compute.URLMap(
            f"{name}-redirect",
            name=f"{name}-redirect",
            project=p,
            default_url_redirect=gcp.compute.URLMapDefaultUrlRedirectArgs(
                https_redirect=True, strip_query=False, redirect_response_code="MOVED_PERMANENTLY_DEFAULT"
            ),
            opts=child,
        )
        http_proxy = gcp.compute.TargetHttpProxy(f"{name}-http", name=f"{name}-http", project=p, url_map=redirect.id, opts=child)
        self._rule(name, "http", p, address, http_proxy.id, "80")

        self.ip_address = address.address
        self.register_outputs({"ip_address": self.ip_address})

    def _rule(self, name: str, scheme: str, project: str, address, target, port: str) -> None:
        gcp.compute.GlobalForwardingRule(
            f"{name}-{scheme}-rule",
            name=f"{name}-{scheme}",
            project=project,
            load_balancing_scheme="EXTERNAL_MANAGED",
            ip_address=address.id,
            ip_protocol="TCP",
            port_range=port,
            target=target,
            labels=self._labels,
            opts=pulumi.ResourceOptions(parent=self),
        )
