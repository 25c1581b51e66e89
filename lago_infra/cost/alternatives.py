"""What a user would otherwise run Lago on, priced from the same tables: one VM running Lago's
compose file, or Lago's Helm chart on a cluster they already pay for. The docs set each stack
beside them, so paying for managed services is a choice made knowingly."""

from __future__ import annotations

from dataclasses import dataclass

from . import regions
from .model import HOURS_PER_MONTH

#: The VM: 2 vCPU and 4 GB (Lago's compose file runs api, worker, clock, front, pdf, PostgreSQL
#: and Redis on one host), a 30 GB disk and a public address.
VM = {
    "aws": ("ec2.t3.medium", "ebs.gp3", "ipv4.hour", "t3.medium"),
    "gcp": ("gce.e2-medium", "pd.balanced", "ip.external_in_use", "e2-medium"),
}
VM_DISK_GB = 30

#: Resource requests of Lago's Helm chart by default (front 200m/512Mi, api, worker and events
#: worker 1 vCPU/1Gi each, clock 100m/256Mi, pdf 1 vCPU/2Gi), from getlago/lago-helm-charts
#: values.yaml; check the chart version you install.
HELM_VCPU, HELM_GIB = 4.3, 5.75


@dataclass
class Alternative:
    name: str
    what: str
    monthly: float


def one_vm(cloud: str, region: str) -> Alternative | None:
    """One VM running Lago's compose file, with its disk and address, in ``region``."""
    tbl = regions.table(cloud)
    if tbl is None or cloud not in VM:
        return None
    factors, default, _ = regions.factors(tbl, region)

    def rate(key: str) -> float:
        found = factors.get(regions.service_of(key, factors))
        return tbl.PRICES[key].amount * (found.value if found else default)

    vm, disk, ip, shape = VM[cloud]
    monthly = HOURS_PER_MONTH * (rate(vm) + rate(ip)) + VM_DISK_GB * rate(disk)
    return Alternative(
        f"one {shape} VM running Lago's compose file",
        f"2 vCPU, 4 GB, {VM_DISK_GB} GB disk, public IPv4; PostgreSQL and Redis on the same host: no standby, backups and "
        "upgrades are yours",
        monthly,
    )


def helm_text() -> str:
    return (
        f"Lago's Helm chart on a cluster you already pay for: its pods request about {HELM_VCPU:g} vCPU and {HELM_GIB:g} GiB "
        "(chart defaults), nothing new on the bill while the nodes have room; the chart's bundled PostgreSQL and Redis are "
        "for trials, so production adds a managed database and Redis"
    )
