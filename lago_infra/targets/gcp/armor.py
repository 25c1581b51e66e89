"""Cloud Armor in front of the load balancer's backends: Google's preconfigured WAF rules
(ModSecurity CRS 3.3) at the lowest sensitivity, then a per-address rate limit.

Sensitivity 1 is Google's recommendation for a first deployment (fewest false positives; Cloud
Armor docs, "Tune preconfigured WAF rules"). Lago's api takes JSON and GraphQL bodies that
stricter levels flag. The rate limit answers 429 rather than banning, so a misbehaving
integration recovers on its own.

Order matters: Cloud Armor evaluates rules by priority, lowest number first, and the first rule
that matches decides (https://cloud.google.com/armor/docs/security-policy-overview, "Rule
evaluation order").
A throttle rule matching every address *allows* each request under its limit, so it must come
after every deny rule, or no request under the limit ever reaches the WAF rules. The guardrails
hold every security policy of a plan to that (``policy.targets.gcp.armor_order_problems``).
"""

from __future__ import annotations

from typing import Optional, Sequence

import pulumi
import pulumi_gcp as gcp

#: (priority, preconfigured rule set). Not ``methodenforcement``: its CRS default allows only
#: GET, HEAD, POST and OPTIONS, and Lago's REST api uses PUT and DELETE.
WAF_RULES: tuple[tuple[int, str], ...] = (
    (1000, "sqli-v33-stable"),
    (1010, "xss-v33-stable"),
    (1020, "lfi-v33-stable"),
    (1030, "rfi-v33-stable"),
    (1040, "rce-v33-stable"),
    (1060, "scannerdetection-v33-stable"),
    (1070, "protocolattack-v33-stable"),
    (1080, "sessionfixation-v33-stable"),
)

#: The per-address rate limit: after every WAF rule, before the default rule.
RATE_LIMIT_PRIORITY = 2000
#: The default rule's priority: the lowest there is.
DEFAULT_PRIORITY = 2147483647


def _expr(expression: str) -> gcp.compute.SecurityPolicyRuleMatchArgs:
    return gcp.compute.SecurityPolicyRuleMatchArgs(expr=gcp.compute.SecurityPolicyRuleMatchExprArgs(expression=expression))


class LagoArmor(pulumi.ComponentResource):
    policy_id: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        project: str,
        rate_limit_per_minute: int,
        after: Sequence[pulumi.Resource] = (),
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        super().__init__("lago:gcp:Armor", name, None, opts)
        rules = [
            *[
                gcp.compute.SecurityPolicyRuleArgs(
                    priority=priority,
                    action="deny(403)",
                    description=rule_set,
                    match=_expr(f"evaluatePreconfiguredWaf('{rule_set}', {{'sensitivity': 1}})"),
                )
                for priority, rule_set in WAF_RULES
            ],
            gcp.compute.SecurityPolicyRuleArgs(
                priority=RATE_LIMIT_PRIORITY,
                action="throttle",
                description="per-address rate limit",
                match=gcp.compute.SecurityPolicyRuleMatchArgs(
                    versioned_expr="SRC_IPS_V1", config=gcp.compute.SecurityPolicyRuleMatchConfigArgs(src_ip_ranges=["*"])
                ),
                rate_limit_options=gcp.compute.SecurityPolicyRuleRateLimitOptionsArgs(
                    conform_action="allow",
                    exceed_action="deny(429)",
                    enforce_on_key="IP",
                    rate_limit_threshold=gcp.compute.SecurityPolicyRuleRateLimitOptionsRateLimitThresholdArgs(
                        count=rate_limit_per_minute, interval_sec=60
                    ),
                ),
            ),
            gcp.compute.SecurityPolicyRuleArgs(
                priority=DEFAULT_PRIORITY,
                action="allow",
                description="default: allow",
                match=gcp.compute.SecurityPolicyRuleMatchArgs(
                    versioned_expr="SRC_IPS_V1", config=gcp.compute.SecurityPolicyRuleMatchConfigArgs(src_ip_ranges=["*"])
                ),
            ),
        ]
        policy = gcp.compute.SecurityPolicy(
            f"{name}",
            name=name,
            project=project,
            type="CLOUD_ARMOR",
            description="Lago: preconfigured WAF rules and a rate limit",
            rules=rules,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(after)),
        )
        self.policy_id = policy.self_link
        self.register_outputs({"policy": self.policy_id})
