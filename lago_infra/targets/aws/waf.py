"""AWS WAF in front of the ALB: AWS managed rule groups and a per-address rate limit.

Rule groups (AWS WAF developer guide, "AWS Managed Rules rule groups list"):
- ``AWSManagedRulesCommonRuleSet`` (core rule set, 700 WCU) — with ``SizeRestrictions_BODY`` set
  to count only: it blocks bodies over 8 KB, and Lago's api takes larger ones (``/api/v1/events/batch``
  with up to 100 events, GraphQL mutations, invoice and plan payloads).
- ``AWSManagedRulesKnownBadInputsRuleSet`` (Log4j, Spring4Shell, ... 200 WCU).
- ``AWSManagedRulesAmazonIpReputationList`` (addresses AWS has seen attacking, 25 WCU).
- ``AWSManagedRulesSQLiRuleSet`` (Lago runs on PostgreSQL, 200 WCU).
The total stays under the 1,500 WCU a web ACL includes in its base price.

The rate limit counts per address only what a browser sends: Lago's api under ``/api/`` is
machine to machine (a customer's backend sends its events from a few addresses, often over 7 a
second), and authenticated by API key; blocking it would drop billing events. Every request is
logged (``WebAclLoggingConfiguration``, to a log group named ``aws-waf-logs-...``), with the
``authorization`` header and cookies redacted, so a false positive can be traced to its rule.
"""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from . import limits, names

#: Paths the per-address rate limit leaves alone: the machine-to-machine api (API keys).
RATE_LIMIT_EXEMPT_PREFIX = "/api/"
#: Headers whose values never reach the WAF log: Lago's API key (Bearer) and session cookies.
REDACTED_HEADERS = ("authorization", "cookie")

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

    def __init__(
        self,
        name: str,
        alb_arn: pulumi.Input[str],
        rate_limit: int,
        opts: Optional[pulumi.ResourceOptions] = None,
        *,
        log_retention_days: int = 30,
        kms_key_arn: Optional[pulumi.Input[str]] = None,
    ):
        super().__init__("lago:aws:Waf", name, None, opts)
        rules = [
            aws.wafv2.WebAclRuleArgs(
                # First: one address flooding the api is cut off before anything else is evaluated.
                name="rate-limit-per-address",
                priority=1,
                action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
                statement=aws.wafv2.WebAclRuleStatementArgs(
                    rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                        aggregate_key_type="IP",
                        limit=rate_limit,
                        evaluation_window_sec=300,
                        # Counted and limited: every request but the machine-to-machine api's.
                        scope_down_statement={
                            "not_statement": {
                                "statement": {
                                    "byte_match_statement": {
                                        "field_to_match": {"uri_path": {}},
                                        "positional_constraint": "STARTS_WITH",
                                        "search_string": RATE_LIMIT_EXEMPT_PREFIX,
                                        "text_transformations": [{"priority": 0, "type": "NONE"}],
                                    }
                                }
                            }
                        },
                    )
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
        logs = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=limits.WAF_LOG_GROUP_PREFIX + names.account_wide(name, limits.LOG_GROUP_NAME_MAX - len(limits.WAF_LOG_GROUP_PREFIX)),
            retention_in_days=log_retention_days,
            kms_key_id=kms_key_arn,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-logging",
            resource_arn=self.web_acl.arn,
            log_destination_configs=[logs.arn],
            redacted_fields=[{"single_header": {"name": header}} for header in REDACTED_HEADERS],
            opts=pulumi.ResourceOptions(parent=self.web_acl),
        )
        self.register_outputs({"arn": self.web_acl.arn})
