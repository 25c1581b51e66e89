"""The Google APIs the GCP target calls, enabled by the program itself (``lago:gcp.enableApis``),
and which API each kind of resource needs.

A fresh project has almost no API enabled: a call to a disabled API fails with
``SERVICE_DISABLED`` (https://cloud.google.com/service-usage/docs/enable-disable). So every
resource waits on the enablement of its API; the ordering table (``ordering.RULES``) holds every
plan, a platform's own resources included, to that.
"""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_gcp as gcp

#: The resource type of an API's enablement.
SERVICE = "gcp:projects/service:Service"

#: The API each pulumi-gcp module calls (``gcp:<module>/<resource>:<Name>``), from each
#: resource's "API documentation" link in the pulumi-gcp 10.2.0 docstrings.
API_BY_MODULE: dict[str, str] = {
    "artifactregistry": "artifactregistry.googleapis.com",
    "cloudrunv2": "run.googleapis.com",
    "compute": "compute.googleapis.com",
    "dns": "dns.googleapis.com",
    "kms": "cloudkms.googleapis.com",
    "logging": "logging.googleapis.com",
    "monitoring": "monitoring.googleapis.com",
    "redis": "redis.googleapis.com",
    "secretmanager": "secretmanager.googleapis.com",
    "serviceaccount": "iam.googleapis.com",
    "servicenetworking": "servicenetworking.googleapis.com",
    "sql": "sqladmin.googleapis.com",
    "storage": "storage.googleapis.com",
}
#: Resources of a module whose members call different APIs: a project's IAM policy and audit
#: configuration are Resource Manager's (``projects.setIamPolicy``).
API_BY_TYPE: dict[str, str] = {
    "gcp:projects/iAMAuditConfig:IAMAuditConfig": "cloudresourcemanager.googleapis.com",
    "gcp:projects/iAMMember:IAMMember": "cloudresourcemanager.googleapis.com",
    "gcp:projects/iAMBinding:IAMBinding": "cloudresourcemanager.googleapis.com",
}
#: Resources that need no API of their own beyond Service Usage, which every project has
#: enabled: the enablement itself; a service identity is generated for the API it names (its
#: own rule in the ordering table).
SERVICE_USAGE = frozenset({SERVICE, "gcp:projects/serviceIdentity:ServiceIdentity"})


def api_of(type_token: str) -> Optional[str]:
    """The API a ``gcp:`` resource type calls, or None for one this table does not know."""
    if type_token in API_BY_TYPE:
        return API_BY_TYPE[type_token]
    module = type_token.partition(":")[2].partition("/")[0]
    return API_BY_MODULE.get(module)


#: What the resources the target creates need enabled in the project.
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
    "artifactregistry.googleapis.com",  # the remote repository of Docker Hub (lago:gcp.images)
    # Production baseline: the CMEK key, alert policies and dashboards, log retention.
    "cloudkms.googleapis.com",
    "monitoring.googleapis.com",
    "logging.googleapis.com",
)


#: Cloud DNS: the private ``run.app`` zone of a stack without Cloud NAT (``lago:gcp.network.nat``).
DNS_API = "dns.googleapis.com"


def enable(name: str, project: str, parent: pulumi.Resource, apis: tuple[str, ...] = REQUIRED_APIS) -> list[pulumi.Resource]:
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
        for api in apis
    ]
