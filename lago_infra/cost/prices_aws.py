"""AWS list prices, on-demand, USD, for eu-west-1 (Ireland): the region the AWS presets use.

One table, dated. Every price names the public pricing page it comes from. A figure marked
``unconfirmed`` is the best figure known when the table was dated that could not be checked
against the page offline (the estimate says so next to the line). Other regions: prices times a
factor per service and region (``REGION_FACTORS``), each from the service's regional table.

Checked when dated, against copies of the pricing pages: Fargate's Linux x86 and ARM rates, RDS
t4g and gp3 rates and ElastiCache's Valkey discount (20% below Redis OSS, node-based) in their
us-east-1 form; NAT gateway and public IPv4 rates for Europe (Ireland). The eu-west-1 premiums on
RDS and ElastiCache instance hours are the regional tables' figures as known, not re-checked: those
prices carry ``unconfirmed``. The other figures (ALB, CloudWatch, Secrets Manager, Parameter Store,
S3, KMS, WAF, ECR) are the pages' eu-west-1 figures as known when dated, not re-checked offline."""

from __future__ import annotations

from .model import Factor, Price

DATED = "2026-11-21"
REFERENCE_REGION = "eu-west-1"

FARGATE = "https://aws.amazon.com/fargate/pricing/"
RDS = "https://aws.amazon.com/rds/postgresql/pricing/"
ELASTICACHE = "https://aws.amazon.com/elasticache/pricing/"
VPC = "https://aws.amazon.com/vpc/pricing/"
ELB = "https://aws.amazon.com/elasticloadbalancing/pricing/"
SECRETS = "https://aws.amazon.com/secrets-manager/pricing/"
SSM = "https://aws.amazon.com/systems-manager/pricing/"
CLOUDWATCH = "https://aws.amazon.com/cloudwatch/pricing/"
S3 = "https://aws.amazon.com/s3/pricing/"
KMS = "https://aws.amazon.com/kms/pricing/"
WAF = "https://aws.amazon.com/waf/pricing/"
SNS = "https://aws.amazon.com/sns/pricing/"
LAMBDA = "https://aws.amazon.com/lambda/pricing/"
ECR = "https://aws.amazon.com/ecr/pricing/"
ROUTE53 = "https://aws.amazon.com/route53/pricing/"
EC2 = "https://aws.amazon.com/ec2/pricing/on-demand/"
EBS = "https://aws.amazon.com/ebs/pricing/"
#: The AWS Pricing Calculator's CloudWatch Logs estimate: "log volume archived is estimated to be
#: 15% of ingested log volume (due to compression)".
CALCULATOR = "https://calculator.aws/#/createCalculator/CloudWatch"

_EU = "eu-west-1 premium over the confirmed us-east-1 rate not re-checked"
_SPOT = "Fargate Spot prices move with spare capacity; AWS advertises up to 70% off on-demand and the table assumes that discount"

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
    # Parameter Store: standard parameters and standard throughput have no charge.
    "ssm.standard": Price(0.0, "standard parameter-month", SSM),
    "ssm.advanced": Price(0.05, "advanced parameter-month", SSM),
    "kms.key": Price(1.00, "key-month", KMS),
    # "If you enable automatic key rotation, each newly generated backing key costs an additional
    # $1/month"; since April 2024 the increase stops after the second rotation.
    "kms.rotation": Price(
        1.00,
        "rotated key material-month (first two rotations)",
        KMS,
        unconfirmed="the cap at two rotations (announced April 2024) not re-checked on the page",
    ),
    "logs.ingest": Price(0.57, "GB ingested", CLOUDWATCH),
    # Storage is billed on the compressed size of what the retention keeps.
    "logs.store": Price(0.03, "GB-month stored (compressed)", CLOUDWATCH),
    "logs.vended": Price(0.57, "GB ingested (vended logs)", CLOUDWATCH),
    "logs.vended_s3": Price(0.25, "GB delivered to S3 (vended logs)", CLOUDWATCH),
    "metric.month": Price(0.30, "metric-month", CLOUDWATCH),
    "insights.metric": Price(
        0.30,
        "metric-month",
        CLOUDWATCH,
        unconfirmed="Container Insights metrics counted as custom metrics; the count per service is an assumption",
    ),
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
    # What a user would otherwise pick: one VM running Lago's compose file (the docs' comparison).
    "ec2.t3.medium": Price(0.0456, "instance-hour", EC2, unconfirmed="eu-west-1 rate as known, not re-checked"),
    "ebs.gp3": Price(0.088, "GB-month", EBS, unconfirmed="eu-west-1 rate as known, not re-checked"),
}

#: Regions the factors below cover; any other region uses DEFAULT_FACTOR and the estimate warns.
REGIONS = ("eu-west-1", "us-east-1", "us-east-2", "us-west-2", "eu-central-1")
DEFAULT_FACTOR = 1.15

_AS_KNOWN = "regional rate as known when dated, not re-checked against the page"


def _by_region(source: str, us: float, frankfurt: float, unconfirmed: str = _AS_KNOWN) -> dict[str, Factor]:
    """The reference region, the three US regions (one rate on every page listed here) and Frankfurt."""
    other = {"us-east-1": us, "us-east-2": us, "us-west-2": us, "eu-central-1": frankfurt}
    return {"eu-west-1": Factor(1.0, source), **{r: Factor(v, source, unconfirmed) for r, v in other.items()}}


def _same_everywhere(source: str, unconfirmed: str = _AS_KNOWN) -> dict[str, Factor]:
    """Services whose page lists one price for every region listed here."""
    return {r: Factor(1.0, source, "" if r == REFERENCE_REGION else unconfirmed) for r in REGIONS}


#: Price in the region ÷ price in eu-west-1, per service: the prefix of a price key ("fargate" for
#: "fargate.X86_64.vcpu"), or a whole key where one service's prices move differently ("alb.hour"
#: and "alb.lcu"). Each factor is the ratio of the figures the service's page gives for the two
#: regions (shown in the comments, USD).
REGION_FACTORS: dict[str, dict[str, Factor]] = {
    # Linux x86 vCPU-hour: 0.04048 in eu-west-1 and the US regions, 0.04656 in eu-central-1.
    "fargate": _by_region(FARGATE, 1.0, 1.15),
    "fargate_spot": _by_region(FARGATE, 1.0, 1.15, "Spot moves with spare capacity; the on-demand ratio is assumed"),
    # db.m7g.large: 0.184 eu-west-1, 0.168 us-east-1, about 0.197 eu-central-1 (t4g within 2%).
    "rds": _by_region(RDS, 0.91, 1.07),
    # gp3 GB-month: 0.127 eu-west-1, 0.115 us-east-1, 0.137 eu-central-1.
    "rds.gp3": _by_region(RDS, 0.906, 1.079),
    "rds.gp2": _by_region(RDS, 0.906, 1.079),
    # Node-hours follow RDS's regional spread.
    "elasticache": _by_region(ELASTICACHE, 0.91, 1.07, "assumed to follow the RDS instance ratios"),
    "elasticache.valkey_factor": _same_everywhere(ELASTICACHE),
    # NAT gateway hour and GB: 0.048 eu-west-1, 0.045 US, 0.052 eu-central-1.
    "nat": _by_region(VPC, 0.9375, 1.083),
    "ipv4": _same_everywhere(VPC),
    # Interface endpoint AZ-hour: 0.011 eu-west-1, 0.01 US, 0.012 eu-central-1.
    "endpoint": _by_region(VPC, 0.909, 1.091),
    # ALB/NLB hour: 0.0252 eu-west-1, 0.0225 US, 0.027 eu-central-1; the LCU price is the same.
    "alb.hour": _by_region(ELB, 0.893, 1.071),
    "alb.lcu": _same_everywhere(ELB),
    "nlb.hour": _by_region(ELB, 0.893, 1.071),
    "nlb.lcu": _same_everywhere(ELB),
    "route53": _same_everywhere(ROUTE53),
    "secret": _same_everywhere(SECRETS),
    "ssm": _same_everywhere(SSM),
    "kms": _same_everywhere(KMS, unconfirmed=""),  # one price on the page, no regional table
    # Logs ingested GB: 0.57 eu-west-1, 0.50 US, 0.63 eu-central-1; stored: 0.03, 0.03, 0.0324.
    "logs": _by_region(CLOUDWATCH, 0.877, 1.105),
    "logs.store": _by_region(CLOUDWATCH, 1.0, 1.08),
    "logs.vended_s3": _same_everywhere(CLOUDWATCH),
    "metric": _same_everywhere(CLOUDWATCH),
    "insights": _same_everywhere(CLOUDWATCH),
    "alarm": _same_everywhere(CLOUDWATCH),
    "dashboard": _same_everywhere(CLOUDWATCH),
    "waf": _same_everywhere(WAF),
    "sns": _same_everywhere(SNS),
    "lambda": _same_everywhere(LAMBDA),
    # S3 Standard GB-month: 0.023 eu-west-1 and US, 0.0245 eu-central-1.
    "s3": _by_region(S3, 1.0, 1.065),
    "ecr": _same_everywhere(ECR),
    # t3.medium hour: 0.0456 eu-west-1, 0.0416 US, 0.048 eu-central-1; gp3 GB-month 0.088, 0.08, 0.0952.
    "ec2": _by_region(EC2, 0.912, 1.053),
    "ebs": _by_region(EBS, 0.909, 1.082),
}
