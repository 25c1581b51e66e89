"""Usage the plan cannot know (requests, stored GB, log volume), stated once. Every figure that rests
on one of these says so in the estimate's ``assumptions``; change them here, not in the rules."""

from __future__ import annotations

#: Requests reaching the load balancer (AWS LCUs, WAF, Cloud Armor) and Cloud Run, per month.
REQUESTS_MILLIONS = 5.0
#: Average ALB load in Load Balancer Capacity Units: one LCU is 25 new connections/s, 3,000 active
#: connections, 1 GB/hour processed or 1,000 rule evaluations/s; a billing back office stays under one.
ALB_LCU = 1.0
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
#: Cloud Logging: GiB free per project and month.
LOGGING_FREE_GIB = 50.0
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
#: Instances behind a Cloud NAT gateway (Cloud Run instances with direct VPC egress count as VMs).
NAT_INSTANCES = 4
#: Backups stored beyond the free allowance (Cloud SQL), as a fraction of the disk.
SQL_BACKUP_FRACTION = 1.0
