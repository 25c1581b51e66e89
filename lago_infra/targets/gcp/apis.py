"""The Google APIs the GCP target calls, enabled by the program itself (``lago:gcp.enableApis``)."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

#: What each resource kind the target creates needs enabled in the project.
REQUIRED_APIS = (
    "cloudresourcemanager.googleapis.com",  # the project number behind Cloud Run's URLs
    "compute.googleapis.com",  # VPC, subnet, NAT, load balancer
    "servicenetworking.googleapis.com",  # private services access for Cloud SQL and Memorystore
    "sqladmin.googleapis.com",
    "redis.googleapis.com",
    "secretmanager.googleapis.com",
    "iam.googleapis.com",  # service accounts
    "iamcredentials.googleapis.com",  # Lago signs download URLs through signBlob
    "storage.googleapis.com",
    "run.googleapis.com",
    # Production baseline: the CMEK key, alert policies and dashboards, log retention.
    "cloudkms.googleapis.com",
    "monitoring.googleapis.com",
    "logging.googleapis.com",
)


def enable(name: str, project: str, parent: pulumi.Resource) -> list[pulumi.Resource]:
    """One ``projects.Service`` per API. Never disabled on destroy: other workloads in the
    project may use them, and disabling an API can delete what depends on it."""
    return [
        gcp.projects.Service(
            f"{name}-api-{api.split('.')[0]}",
            project=project,
            service=api,
            disable_on_destroy=False,
            disable_dependent_services=False,
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for api in REQUIRED_APIS
    ]
