"""AWS list prices, on-demand, USD, for eu-west-1 (Ireland): the region the AWS presets use.

One table, dated. Every price names the public pricing page it comes from. A figure marked
``unconfirmed`` is the best figure known when the table was dated that could not be checked
against the page offline (the estimate says so next to the line). Other regions: prices times a
documented factor (``REGION_FACTORS``), an approximation the output flags.

Checked when dated, against copies of the pricing pages: Fargate's Linux x86 and ARM rates, RDS
t4g and gp3 rates and ElastiCache's Valkey discount (20% below Redis OSS, node-based) in their
us-east-1 form; NAT gateway and public IPv4 rates for Europe (Ireland). The eu-west-1 premiums on
RDS and ElastiCache instance hours are the regional tables' figures as known, not re-checked: those
prices carry ``unconfirmed``. The other figures (ALB, CloudWatch, Secrets Manager, S3, KMS, WAF,
ECR) are the pages' eu-west-1 figures as known when dated, not re-checked offline."""

from __future__ import annotations

from .model import Price

DATED = "2026-11-21"
REFERENCE_REGION = "eu-west-1"

#: Other regions relative to eu-west-1, from comparing the same pages' regional tables: the US
#: regions are a little cheaper, Frankfurt a little dearer. Any region not listed uses DEFAULT_FACTOR
#: (a deliberately pessimistic figure) and the estimate warns.
REGION_FACTORS = {"eu-west-1": 1.0, "us-east-1": 0.92, "us-east-2": 0.92, "us-west-2": 0.92, "eu-central-1": 1.08}
DEFAULT_FACTOR = 1.15

FARGATE = "https://aws.amazon.com/fargate/pricing/"
RDS = "https://aws.amazon.com/rds/postgresql/pricing/"
ELASTICACHE = "https://aws.amazon.com/elasticache/pricing/"
VPC = "https://aws.amazon.com/vpc/pricing/"
ELB = "https://aws.amazon.com/elasticloadbalancing/pricing/"
SECRETS = "https://aws.amazon.com/secrets-manager/pricing/"
CLOUDWATCH = "https://aws.amazon.com/cloudwatch/pricing/"
S3 = "https://aws.amazon.com/s3/pricing/"
KMS = "https://aws.amazon.com/kms/pricing/"
WAF = "https://aws.amazon.com/waf/pricing/"
SNS = "https://aws.amazon.com/sns/pricing/"
LAMBDA = "https://aws.amazon.com/lambda/pricing/"
ECR = "https://aws.amazon.com/ecr/pricing/"
ROUTE53 = "https://aws.amazon.com/route53/pricing/"

_EU = "eu-west-1 premium over the confirmed us-east-1 rate not re-checked"
_SPOT = (
    "Fargate Spot prices move with spare capacity; AWS advertises up to 70% off on-demand and the "
    "table assumes that discount"
)

PRICES: dict[str, Price] = {
    # Fargate, per second with a one-minute minimum, billed on the task's configured vCPU and memory.
    "fargate.X86_64.vcpu": Price(0.04048, "vCPU-hour", FARGATE),
    "fargate.X86_64.gb": Price(0.004445, "GB-hour", FARGATE),
    "fargate.ARM64.vcpu": Price(0.03238, "vCPU-hour", FARGATE),
    "fargate.ARM64.gb": Price(0.00356, "GB-hour", FARGATE),
    "fargate.storage": Price(0.000111, "GB-hour beyond the 20 GB included", FARGATE, unconfirmed=_EU),
    "fargate_spot.X86_64.vcpu": Price(0.012144, "vCPU-hour", FARGATE, unconfirmed=_SPOT),
    "fargate_spot.X86_64.gb": Price(0.0013335, "GB-hour", FARGATE, unconfirmed=_SPOT),
    # RDS for PostgreSQL, Single-AZ instance hours; a Multi-AZ (one standby) deployment bills twice.
    "rds.db.t4g.micro": Price(0.018, "instance-hour", RDS, unconfirmed=_EU),
    "rds.db.t4g.small": Price(0.036, "instance-hour", RDS, unconfirmed=_EU),
    "rds.db.t4g.medium": Price(0.072, "instance-hour", RDS, unconfirmed=_EU),
    "rds.db.t4g.large": Price(0.144, "instance-hour", RDS, unconfirmed=_EU),
    "rds.db.m7g.large": Price(0.184, "instance-hour", RDS, unconfirmed="eu-west-1 rate derived from the us-east-1 rate"),
    "rds.db.m7g.xlarge": Price(0.368, "instance-hour", RDS, unconfirmed="eu-west-1 rate derived from the us-east-1 rate"),
    "rds.db.m7g.2xlarge": Price(0.736, "instance-hour", RDS, unconfirmed="eu-west-1 rate derived from the us-east-1 rate"),
    "rds.db.r7g.large": Price(0.266, "instance-hour", RDS, unconfirmed="eu-west-1 rate derived from the us-east-1 rate"),
    "rds.gp3": Price(0.127, "GB-month", RDS, unconfirmed=_EU),
    "rds.gp2": Price(0.127, "GB-month", RDS, unconfirmed=_EU),
    # ElastiCache node hours (Redis OSS rates; Valkey nodes are 20% cheaper, applied by the rule).
    "elasticache.cache.t4g.micro": Price(0.018, "node-hour", ELASTICACHE, unconfirmed=_EU),
    "elasticache.cache.t4g.small": Price(0.036, "node-hour", ELASTICACHE, unconfirmed=_EU),
    "elasticache.cache.t4g.medium": Price(0.072, "node-hour", ELASTICACHE, unconfirmed=_EU),
    "elasticache.cache.m7g.large": Price(0.176, "node-hour", ELASTICACHE, unconfirmed="eu-west-1 rate derived from the us-east-1 rate"),
    "elasticache.cache.r7g.large": Price(0.243, "node-hour", ELASTICACHE, unconfirmed="eu-west-1 rate derived from the us-east-1 rate"),
    "elasticache.valkey_factor": Price(0.8, "factor", ELASTICACHE),
    # Networking.
    "nat.hour": Price(0.048, "NAT-hour", VPC),
    "nat.gb": Price(0.048, "GB processed", VPC),
    "ipv4.hour": Price(0.005, "IPv4-hour", VPC),
    "endpoint.interface.hour": Price(0.011, "endpoint-AZ-hour", VPC),
    "alb.hour": Price(0.0252, "ALB-hour", ELB),
    "alb.lcu": Price(0.008, "LCU-hour", ELB),
    "nlb.hour": Price(0.0252, "NLB-hour", ELB),
    "nlb.lcu": Price(0.006, "NLCU-hour", ELB),
    "route53.zone": Price(0.50, "hosted zone-month", ROUTE53),
    # Secrets, keys, observability.
    "secret.month": Price(0.40, "secret-month", SECRETS),
    "kms.key": Price(1.00, "key-month", KMS),
    "logs.ingest": Price(0.57, "GB ingested", CLOUDWATCH),
    "logs.store": Price(0.03, "GB-month stored", CLOUDWATCH),
    "logs.vended": Price(0.57, "GB ingested (vended logs)", CLOUDWATCH),
    "logs.vended_s3": Price(0.25, "GB delivered to S3 (vended logs)", CLOUDWATCH),
    "metric.month": Price(0.30, "metric-month", CLOUDWATCH),
    "insights.metric": Price(0.30, "metric-month", CLOUDWATCH, unconfirmed="Container Insights metrics counted as custom metrics; the count per service is an assumption"),
    "alarm.standard": Price(0.10, "alarm metric-month", CLOUDWATCH),
    "alarm.high_resolution": Price(0.30, "alarm metric-month", CLOUDWATCH),
    "dashboard.month": Price(3.00, "dashboard-month", CLOUDWATCH),
    "waf.acl": Price(5.00, "web ACL-month", WAF),
    "waf.rule": Price(1.00, "rule-month", WAF),
    "waf.requests": Price(0.60, "million requests", WAF),
    "sns.publish": Price(0.50, "million publishes (first million free)", SNS),
    "lambda.requests": Price(0.20, "million requests (first million free)", LAMBDA),
    # Storage.
    "s3.standard": Price(0.023, "GB-month", S3),
    "ecr.storage": Price(0.10, "GB-month", ECR),
}
