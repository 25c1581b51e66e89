"""Usage the plan cannot know (requests, stored GB, log volume), stated once. Every figure that rests
on one of these says so in the estimate's ``assumptions``; change them here, not in the rules."""

from __future__ import annotations

#: Requests reaching the load balancer (AWS LCUs, WAF, Cloud Armor) and Cloud Run, per month.
REQUESTS_MILLIONS = 5.0
#: What each request through an AWS load balancer moves (request and response), KB: with
#: REQUESTS_MILLIONS it gives the LCUs (the rule derives them; an idle dev ALB uses about none).
ALB_KB_PER_REQUEST = 20.0
#: Share of requests that open a new connection (browsers and API clients keep theirs alive).
ALB_NEW_CONNECTION_SHARE = 0.5
#: Data through each NAT gateway (image pulls, calls to payment providers and webhooks), GB/month.
NAT_GB_PER_GATEWAY = 20.0
#: Data through a Google load balancer, GB/month.
LB_GB = 20.0
#: Files in the object storage bucket (invoices, exports), GB; old versions included.
BUCKET_GB = 10.0
#: Container logs written per running task or instance, GB/month.
LOG_GB_PER_TASK = 1.0
#: Logs written to a log group no task writes to (flow logs, database logs), GB/month.
LOG_GB_OTHER = 1.0
#: A log group with no retention keeps everything: priced at this many months of logs.
LOG_MONTHS_UNBOUNDED = 12
#: CloudWatch Logs stores logs compressed: the stored size as a share of the ingested size (the AWS
#: Pricing Calculator's figure).
LOG_COMPRESSED_SHARE = 0.15
#: Cloud Logging: GiB free per project and month (not for vended network logs).
LOGGING_FREE_GIB = 50.0
#: Cloud Run writes one request log entry per request a service serves, KiB each.
RUN_REQUEST_LOG_KIB = 1.0
#: A load balancer request log entry (request, response, backend, security policy), KiB.
LB_REQUEST_LOG_KIB = 1.5
#: Operations on object storage a month (invoices and exports written, files read), each one Data
#: Access audit log entry when those logs are on, of AUDIT_LOG_KIB.
STORAGE_OPERATIONS = 500_000
AUDIT_LOG_KIB = 2.0
#: Cloud SQL's PostgreSQL log with connection, slow-statement or pgaudit logging on, GiB/month.
SQL_LOG_GIB = 1.0
#: VPC flow logs: flows each instance keeps busy (database, two Redis, egress), one record per flow
#: and aggregation interval at 100 % sampling, of FLOW_RECORD_KIB (half that without metadata).
FLOWS_PER_INSTANCE = 4
FLOW_RECORD_KIB = 1.0
#: Container Insights (standard) publishes cluster metrics plus, per service, service and task
#: family metrics, each billed as a custom metric.
INSIGHTS_CLUSTER_METRICS = 9
INSIGHTS_METRICS_PER_SERVICE = 22
#: Performance log events Container Insights writes per running task, GB/month.
INSIGHTS_LOG_GB_PER_TASK = 0.25
#: Cloud Run job executions per month (one per deployment) and minutes each.
JOB_RUNS_PER_MONTH = 4
JOB_MINUTES = 5.0
#: Active time of a request-billed Cloud Run instance above its minimum, fraction of the month.
REQUEST_BILLED_BUSY = 0.25
#: Cached images behind an ECR pull-through cache rule or an Artifact Registry remote repository, GB.
ECR_CACHE_GB = 3.0
#: Cloud Run's free requests per billing account and month (request-based billing).
RUN_FREE_REQUESTS_MILLIONS = 2.0
#: Key material older than this many months is priced as kept (rotations accumulate versions).
KEY_HORIZON_MONTHS = 12
#: Backups stored beyond the free allowance (Cloud SQL), as a fraction of the disk.
SQL_BACKUP_FRACTION = 1.0
