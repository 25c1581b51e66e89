"""AWS WAF in front of the ALB: AWS managed rule groups and a per-address rate limit.

Rule groups (AWS WAF developer guide, "AWS Managed Rules rule groups list"):
- ``AWSManagedRulesCommonRuleSet`` (core rule set, 700 WCU) — with ``SizeRestrictions_BODY`` set
  to count only: it blocks bodies over 8 KB, and Lago's api takes larger ones (``/api/v1/events/batch``
  with up to 100 events, GraphQL mutations, invoice and plan payloads).
- ``AWSManagedRulesKnownBadInputsRuleSet`` (Log4j, Spring4Shell, ... 200 WCU).
- ``AWSManagedRulesAmazonIpReputationList`` (addresses AWS has seen attacking, 25 WCU).
- ``AWSManagedRulesSQLiRuleSet`` (Lago runs on PostgreSQL, 200 WCU).
The total stays under the 1,500 WCU a web ACL includes in its base price.
"""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from . import limits, names

#: (priority, rule group, rules set to count instead of block)
MANAGED_RULE_GROUPS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (10, "AWSManagedRulesAmazonIpReputationList", ()),
    (20, "AWSManagedRulesCommonRuleSet", ("SizeRestrictions_BODY",)),
    (30, "AWSManagedRulesKnownBadInputsRuleSet", ()),
    (40, "AWSManagedRulesSQLiRuleSet", ()),
)


def _visibility(metric: str):
    return dict(cloudwatch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True)


class LagoWaf(pulumi.ComponentResource):
    """A regional web ACL associated with the ALB."""

    web_acl: aws.wafv2.WebAcl

    def __init__(self, name: str, alb_arn: pulumi.Input[str], rate_limit: int, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:aws:Waf", name, None, opts)
        rules = [
            aws.wafv2.WebAclRuleArgs(
                # First: one address flooding the api is cut off before anything else is evaluated.
                name="rate-limit-per-address",
                priority=1,
                action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
                statement=aws.wafv2.WebAclRuleStatementArgs(
                    rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(aggregate_key_type="IP", limit=rate_limit, evaluation_window_sec=300)
                ),
                visibility_config=aws.wafv2.WebAclRuleVisibilityConfigArgs(**_visibility(f"{name}-rate-limit")),
            )
        ]
        for priority, group, counted in MANAGED_RULE_GROUPS:
            rules.append(
                aws.wafv2.WebAclRuleArgs(
                    name=group,
                    priority=priority,
                    # "none": the group's own actions apply (block), except the overrides below.
                    override_action=aws.wafv2.WebAclRuleOverrideActionArgs(none=aws.wafv2.WebAclRuleOverrideActionNoneArgs()),
                    statement=aws.wafv2.WebAclRuleStatementArgs(
                        managed_rule_group_statement=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                            vendor_name="AWS",
                            name=group,
                            rule_action_overrides=[
                                aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs(
                                    name=rule,
                                    action_to_use=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs(
                                        count=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs()
                                    ),
                                )
                                for rule in counted
                            ]
                            or None,
                        )
                    ),
                    visibility_config=aws.wafv2.WebAclRuleVisibilityConfigArgs(**_visibility(f"{name}-{group}")),
                )
            )
        self.web_acl = aws.wafv2.WebAcl(
            f"{name}",
            # Unique per project and stack: a regional web ACL's name is the account's.
            name=names.account_wide(name, limits.WAF_WEB_ACL_NAME_MAX),
            scope="REGIONAL",
            description="Lago: AWS managed rules and a rate limit",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=rules,
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(**_visibility(name)),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.wafv2.WebAclAssociation(
            f"{name}-alb", resource_arn=alb_arn, web_acl_arn=self.web_acl.arn, opts=pulumi.ResourceOptions(parent=self.web_acl)
        )
        self.register_outputs({"arn": self.web_acl.arn})
