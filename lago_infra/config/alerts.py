"""``lago:alerts``: who is told when Lago misbehaves, and when. Both cloud targets read it; the
local target has no alarms.

Every threshold has a default that suits a small production Lago; each alarm names the key that
moves it. The signals behind them (and what cannot be observed without changing Lago) are listed
in docs/production-baseline.md.
"""

from __future__ import annotations

import re
from typing import Optional

from pydantic import Field, field_validator

from .base import EMAIL, NonEmpty, Section


class Thresholds(Section):
    """When an alarm fires. Percentages are 0-100."""

    api_error_percent: float = Field(5, gt=0, le=100)
    """Share of api requests answered 5xx (by the api or by the load balancer), over 5 minutes."""
    api_latency_p99_seconds: float = Field(5, gt=0, le=600)
    """p99 api response time at the load balancer, seconds, over 5 minutes."""
    database_cpu_percent: float = Field(80, gt=0, le=100)
    """Database CPU, averaged over 15 minutes."""
    database_free_storage_percent: float = Field(10, gt=0, lt=100)
    """Free database storage below this share of the storage allocated at creation."""
    database_connections_percent: float = Field(80, gt=0, le=100)
    """Open connections above this share of the database's max_connections."""
    redis_memory_percent: float = Field(80, gt=0, le=100)
    """Redis memory in use (queue and cache), share of the node's maxmemory."""
    redis_connections: int = Field(2000, ge=1)
    """Client connections per Redis node."""
    redis_replica_lag_seconds: float = Field(30, gt=0)
    """Seconds a Redis replica may lag its primary."""
    certificate_days: int = Field(21, ge=1, le=365)
    """Days before the load balancer's certificate expires (it renews itself well before)."""
    workers_at_ceiling_minutes: int = Field(30, ge=5, le=1440)
    """Minutes the workers may sit at their autoscaling ceiling before the backlog alarm fires."""


class Alerts(Section):
    """Where alarms go: e-mail addresses subscribed to a topic / channel the stack creates, and/or
    ones that already exist. With none of them, alarms still exist and show on the dashboard,
    but nobody is told."""

    emails: list[NonEmpty] = []
    """Addresses subscribed to the topic (AWS) or e-mail channels (GCP) the stack creates; each confirms
    its subscription once."""
    sns_topic_arn: Optional[NonEmpty] = None
    """AWS: an existing SNS topic (e.g. wired to PagerDuty or Slack) that receives every alarm."""
    notification_channels: list[NonEmpty] = []
    """GCP: existing Cloud Monitoring notification channels (``projects/P/notificationChannels/N``)."""
    thresholds: Thresholds = Thresholds()
    """When each alarm fires; every default suits a small production Lago."""

    @field_validator("emails")
    @classmethod
    def _emails(cls, emails: list[str]) -> list[str]:
        for e in emails:
            if not EMAIL.match(e):
                raise ValueError(f"'{e}' is not an e-mail address. Fix: give addresses like ops@example.com")
        return emails

    @field_validator("sns_topic_arn")
    @classmethod
    def _topic(cls, arn: Optional[str]) -> Optional[str]:
        # arn:partition:sns:region:account:name
        if arn is not None and not re.match(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$", arn):
            raise ValueError(f"'{arn}' is not an SNS topic ARN. Fix: give arn:aws:sns:REGION:ACCOUNT:TOPIC")
        return arn

    @field_validator("notification_channels")
    @classmethod
    def _channels(cls, channels: list[str]) -> list[str]:
        for c in channels:
            if not re.match(r"^projects/[^/]+/notificationChannels/[^/]+$", c):
                raise ValueError(f"'{c}' is not a notification channel name. Fix: give projects/PROJECT/notificationChannels/ID")
        return channels

    @property
    def notifies(self) -> bool:
        return bool(self.emails or self.sns_topic_arn or self.notification_channels)
