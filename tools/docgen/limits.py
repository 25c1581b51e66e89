"""The AWS target's name budgets and checked values (docs/targets/aws.md), generated from the
constraints in ``lago_infra/targets/aws/limits.py``, which hold each limit once with its source."""

from __future__ import annotations

from lago_infra.targets.aws.limits import (
    ELASTICACHE_FAMILIES,
    LISTENER_RULE_PRIORITIES,
    LOG_RETENTION_DAYS,
    NAME_LIMITS,
    TAG_KEY_MAX,
    TAG_VALUE_MAX,
    USER_TAGS_MAX,
    VPC_PREFIX_MAX,
    VPC_PREFIX_RANGE,
    lago_name_budget,
)

from . import generator


@generator("aws-limits")
def aws_limits() -> str:
    budget, token = lago_name_budget()
    rows = [
        "| resource | AWS limit | longest name this target gives it | room for `lago:name` |",
        "|---|---|---|---|",
    ]
    for type_token, limit in sorted(NAME_LIMITS.items(), key=lambda kv: kv[1].budget()):
        suffix = " + 8 (engine suffix)" if limit.autonamed else ""
        rows.append(f"| `{type_token.rsplit(':', 1)[-1]}` | {limit.max_length} | `<name>{limit.longest_tail}`{suffix} | {limit.budget()} |")
    rows += [
        "",
        f"So `lago:name` (in a program of one's own, the component's name, which names the children) holds at most "
        f"**{budget}** characters on AWS (set by `{token.rsplit(':', 1)[-1]}`), "
        "without `--` or a trailing `-`. Other values checked before anything is created: "
        f"`services.logRetentionDays` in {', '.join(map(str, LOG_RETENTION_DAYS))}; "
        f"Fargate CPU/memory pairs; Spot only with `X86_64`; ElastiCache versions "
        + "; ".join(f"{engine} {', '.join(v)}" for engine, v in ELASTICACHE_FAMILIES.items())
        + f"; a VPC between /{VPC_PREFIX_RANGE[0]} and /{VPC_PREFIX_MAX}; the formats of `certificateArn`, `route53ZoneId`, "
        "`sslPolicy`, `instanceClass`, `nodeType`, `aws:region`, and of the pieces you bring (cluster, namespace, listener, "
        f"load balancer, security group, DNS name; rule priorities {LISTENER_RULE_PRIORITIES[0]}-{LISTENER_RULE_PRIORITIES[1]}); and `lago:tags` "
        f"(at most {USER_TAGS_MAX}, keys ≤ {TAG_KEY_MAX} and values ≤ {TAG_VALUE_MAX} characters, no `aws:` prefix).",
    ]
    return "\n".join(rows) + "\n"
