"""Alert policies, uptime checks and a dashboard for one Lago stack on GCP, sent to ``lago:alerts``.

What each policy watches (thresholds are ``lago:alerts.thresholds.*``):
- api: share of 5xx answers and p99 latency, from Cloud Run's request metrics (so they hold
  with or without the load balancer); with a domain, uptime checks of both hosts from outside
  and the certificate's remaining days (``uptime_check/time_until_ssl_cert_expires``).
- crashes: ERROR entries in Cloud Run's system log of the stack's services and worker pools
  (container exits, failed probes).
- clock: no clock instance reported for 10 minutes (``container/instance_count`` of its worker pool).
- worker backlog: not observable without changing Lago (Memorystore exports no list lengths;
  Lago's Sidekiq exporter needs LAGO_SIDEKIQ_WEB, refused on a public api). Worker pools scale on
  CPU, not on queue depth, so the queue Redis' memory is the proxy.
- database: CPU, disk use, connections against max_connections (Cloud SQL REGIONAL keeps a
  synchronous standby, not a replica: there is no replica lag to watch).
- Redis (queue and cache): memory, connections, replica lag (STANDARD_HA); evictions on the queue.
Monitored-resource labels used: cloud_run_revision.service_name, cloud_run_worker_pool.worker_pool_name,
cloudsql_database.database_id (``project:instance``), redis_instance.instance_id (full name).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import pulumi
import pulumi_gcp as gcp

from ...config.alerts import Alerts, Thresholds


@dataclass(frozen=True)
class GcpRedis:
    label: str
    #: ``projects/P/locations/R/instances/N``.
    instance_id: pulumi.Input[str]
    queue: bool
    high_availability: bool


@dataclass(frozen=True)
class GcpSignals:
    project: str
    #: Cloud Run service names by role (api, front, pdf) and worker-pool names (workers, clock).
    services: dict[str, str]
    worker_pools: dict[str, str]
    #: ``project:instance``.
    database_id: pulumi.Input[str]
    database_max_connections: Optional[int]
    redis: Sequence[GcpRedis]
    #: With a load balancer: role -> (host, path) an uptime check requests from outside.
    endpoints: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class _Policy:
    label: str
    description: str
    filter: pulumi.Input[str]
    threshold: float = 0
    comparison: str = "COMPARISON_GT"
    aligner: str = "ALIGN_MEAN"
    reducer: Optional[str] = None
    duration: int = 300
    denominator: Optional[pulumi.Input[str]] = None
    kind: str = "threshold"  # or "absent", "log"
    group_by: Sequence[str] = field(default_factory=tuple)
    #: Seconds per aligned point; uptime checks report every 5 minutes, so they align on 20
    #: (Cloud Monitoring's own default for uptime alert policies).
    alignment: int = 60


def _q(value: str) -> str:
    return json.dumps(value)


def as_returned(value: Any) -> Any:
    """A dashboard body as the Monitoring API returns it: JSON of protocol buffers leaves out every
    field at its default (0, false, "", an empty list or message), so a body that spells one (a
    tile at position 0, a threshold at 0) differs from what the provider reads back, and every
    ``pulumi up`` would show the dashboard changed
    (https://protobuf.dev/programming-guides/json/, "Fields ... with the default value are omitted")."""
    if isinstance(value, dict):
        kept = {k: as_returned(v) for k, v in value.items()}
        # False == 0: one test drops both.
        return {k: v for k, v in kept.items() if v not in (0, "", None, [], {})}
    if isinstance(value, list):
        return [item for item in (as_returned(v) for v in value) if item != {}]
    return value


class LagoMonitoring(pulumi.ComponentResource):
    """E-mail channels (and the user's), alert policies, uptime checks, and a dashboard."""

    channels: list[pulumi.Output[str]]
    policies: dict[str, gcp.monitoring.AlertPolicy]

    def __init__(
        self,
        name: str,
        alerts: Alerts,
        signals: GcpSignals,
        *,
        alarms: bool,
        dashboard: bool,
        after: Sequence[pulumi.Resource] = (),
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        """``after``: what must exist first (the Monitoring API being enabled)."""
        super().__init__("lago:gcp:Monitoring", name, None, opts)
        self._name = name
        self._project = signals.project
        self._child = pulumi.ResourceOptions(parent=self, depends_on=list(after))
        self.channels, self.policies = [], {}
        self._clock_runs = self._clock_metric(signals) if alarms and "clock" in signals.worker_pools else None
        uptime = self._uptime_checks(signals) if alarms and signals.endpoints else {}
        specs = self._specs(alerts, signals, uptime)
        if alarms:
            self.channels = self._channels(alerts)
            self.policies = {p.label: self._policy(p) for p in specs}
        if dashboard:
            self._dashboard([p for p in specs if p.kind == "threshold"])
        self.register_outputs({"channels": self.channels})

    def _channels(self, alerts: Alerts) -> list[pulumi.Output[str]]:
        out = [
            gcp.monitoring.NotificationChannel(
                f"{self._name}-email-{i}",
                project=self._project,
                type="email",
                display_name=f"Lago {self._name}: {email}",
                labels={"email_address": email},
                opts=self._child,
            ).name
            for i, email in enumerate(alerts.emails)
        ]
        return out + [pulumi.Output.from_input(c) for c in alerts.notification_channels]

    def _clock_metric(self, s: GcpSignals) -> gcp.logging.Metric:
        """The clock's heartbeat: lago-api's clock.rb prints ``Running <job> at <time>`` for every
        job it runs, one a minute by default and at least every 5 minutes. Clockwork serves no port,
        and worker-pool probes are HTTP, TCP or gRPC: a stuck clock can be noticed, not probed."""
        return gcp.logging.Metric(
            f"{self._name}-clock-runs",
            name=f"{self._name}-clock-runs",
            project=self._project,
            description="Jobs Lago's clock ran (its 'Running <job>' lines)",
            filter=(
                f'resource.type="cloud_run_worker_pool" AND resource.labels.worker_pool_name={_q(s.worker_pools["clock"])} '
                'AND log_id("run.googleapis.com/stdout") AND textPayload:"Running schedule:"'
            ),
            metric_descriptor=gcp.logging.MetricMetricDescriptorArgs(metric_kind="DELTA", value_type="INT64"),
            opts=self._child,
        )

    def _uptime_checks(self, s: GcpSignals) -> dict[str, tuple[str, pulumi.Output[str]]]:
        checks = {}
        for role, (host, path) in s.endpoints.items():
            check = gcp.monitoring.UptimeCheckConfig(
                f"{self._name}-uptime-{role}",
                project=self._project,
                display_name=f"Lago {host}",
                timeout="10s",
                period="300s",
                http_check=gcp.monitoring.UptimeCheckConfigHttpCheckArgs(path=path, port=443, use_ssl=True, validate_ssl=True),
                monitored_resource=gcp.monitoring.UptimeCheckConfigMonitoredResourceArgs(
                    type="uptime_url", labels={"project_id": self._project, "host": host}
                ),
                opts=self._child,
            )
            checks[role] = (host, check.uptime_check_id)
        return checks

    def _specs(self, alerts: Alerts, s: GcpSignals, uptime: dict[str, tuple[str, pulumi.Output[str]]]) -> list[_Policy]:
        t = alerts.thresholds
        # Cloud Run's signals exist only where the target runs the roles (lago:runtime: managed).
        specs = self._run_specs(t, s) if s.services else []
        db = pulumi.Output.from_input(s.database_id).apply(
            lambda i: f'resource.type="cloudsql_database" AND resource.labels.database_id={_q(i)}'
        )
        specs += [
            _Policy(
                "database-cpu",
                f"database CPU above {t.database_cpu_percent:g} % for 15 minutes",
                db.apply(lambda f: f'metric.type="cloudsql.googleapis.com/database/cpu/utilization" AND {f}'),
                t.database_cpu_percent / 100,
                duration=900,
            ),
            _Policy(
                "database-disk",
                f"database disk more than {100 - t.database_free_storage_percent:g} % full",
                db.apply(lambda f: f'metric.type="cloudsql.googleapis.com/database/disk/utilization" AND {f}'),
                1 - t.database_free_storage_percent / 100,
                duration=600,
            ),
        ]
        if s.database_max_connections:
            limit = round(s.database_max_connections * t.database_connections_percent / 100)
            specs.append(
                _Policy(
                    "database-connections",
                    f"database connections above {t.database_connections_percent:g} % of max_connections ({s.database_max_connections})",
                    db.apply(lambda f: f'metric.type="cloudsql.googleapis.com/database/postgresql/num_backends" AND {f}'),
                    limit,
                    reducer="REDUCE_SUM",
                )
            )
        for r in s.redis:
            inst = pulumi.Output.from_input(r.instance_id).apply(
                lambda i: f'resource.type="redis_instance" AND resource.labels.instance_id={_q(i)}'
            )

            def on(metric: str, inst=inst) -> pulumi.Output[str]:
                return inst.apply(lambda f: f'metric.type="redis.googleapis.com/{metric}" AND {f}')

            specs += [
                _Policy(
                    f"redis-{r.label}-memory",
                    f"Redis {r.label} memory above {t.redis_memory_percent:g} % of maxmemory"
                    + (" (the Sidekiq queue is backing up)" if r.queue else ""),
                    on("stats/memory/usage_ratio"),
                    t.redis_memory_percent / 100,
                ),
                _Policy(
                    f"redis-{r.label}-connections",
                    f"Redis {r.label} above {t.redis_connections} client connections",
                    on("clients/connected"),
                    t.redis_connections,
                ),
            ]
            if r.queue:
                specs.append(
                    _Policy(
                        f"redis-{r.label}-evictions",
                        "the Sidekiq queue Redis evicted keys: jobs are being lost",
                        on("stats/evicted_keys"),
                        0,
                        aligner="ALIGN_DELTA",
                        duration=0,
                    )
                )
            if r.high_availability:
                specs.append(
                    _Policy(
                        f"redis-{r.label}-replica-lag",
                        f"Redis {r.label} replica more than {t.redis_replica_lag_seconds:g} s behind",
                        on("replication/master/slaves/lag"),
                        t.redis_replica_lag_seconds,
                        aligner="ALIGN_MAX",
                    )
                )
        for role, (host, check_id) in uptime.items():
            check = check_id.apply(lambda c: f'resource.type="uptime_url" AND metric.labels.check_id={_q(c)}')
            specs += [
                _Policy(
                    f"{role}-uptime",
                    f"{host} unreachable from outside (two or more checker regions failing)",
                    check.apply(lambda f: f'metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND {f}'),
                    1,
                    aligner="ALIGN_NEXT_OLDER",
                    reducer="REDUCE_COUNT_FALSE",
                    duration=600,
                    group_by=("resource.label.host",),
                    alignment=1200,
                ),
                _Policy(
                    f"{role}-certificate",
                    f"the certificate of {host} expires in fewer than {t.certificate_days} days (Google renews managed certificates itself: renewal is failing)",
                    check.apply(lambda f: f'metric.type="monitoring.googleapis.com/uptime_check/time_until_ssl_cert_expires" AND {f}'),
                    t.certificate_days,
                    comparison="COMPARISON_LT",
                    aligner="ALIGN_NEXT_OLDER",
                    reducer="REDUCE_MIN",
                    duration=600,
                    alignment=1200,
                ),
            ]
        return specs

    def _run_specs(self, t: Thresholds, s: GcpSignals) -> list[_Policy]:
        """The api, crash and clock policies, on Cloud Run's metrics and system log."""
        api = f'resource.type="cloud_run_revision" AND resource.labels.service_name={_q(s.services["api"])}'
        requests = f'metric.type="run.googleapis.com/request_count" AND {api}'
        specs = [
            _Policy(
                "api-5xx-rate",
                f"more than {t.api_error_percent:g} % of api requests answered 5xx, minute after minute for 5 minutes (lago:alerts.thresholds.apiErrorPercent)",
                f'{requests} AND metric.labels.response_code_class="5xx"',
                t.api_error_percent / 100,
                aligner="ALIGN_RATE",
                reducer="REDUCE_SUM",
                denominator=requests,
            ),
            _Policy(
                "api-latency-p99",
                f"p99 api response time above {t.api_latency_p99_seconds:g} s for 5 minutes",
                f'metric.type="run.googleapis.com/request_latencies" AND {api}',
                t.api_latency_p99_seconds * 1000,
                aligner="ALIGN_PERCENTILE_99",
                reducer="REDUCE_MAX",
            ),
        ]
        # One name once: the clock may share the worker's pool (lago:gcp.run.clockInWorker).
        pools = " OR ".join(_q(n) for n in dict.fromkeys(s.worker_pools.values()))
        services = " OR ".join(_q(n) for n in s.services.values())
        specs.append(
            _Policy(
                "crashes",
                "a Lago container exited or failed its probes (Cloud Run system log)",
                f'log_id("run.googleapis.com/varlog/system") AND severity>=ERROR AND ((resource.type="cloud_run_revision" AND resource.labels.service_name=({services})) '
                f'OR (resource.type="cloud_run_worker_pool" AND resource.labels.worker_pool_name=({pools})))',
                kind="log",
            )
        )
        if "clock" in s.worker_pools:
            specs.append(
                _Policy(
                    "clock-not-running",
                    "no clock instance for 10 minutes: billing and other scheduled jobs stop",
                    f'metric.type="run.googleapis.com/container/instance_count" AND resource.type="cloud_run_worker_pool" AND resource.labels.worker_pool_name={_q(s.worker_pools["clock"])}',
                    kind="absent",
                    duration=600,
                    reducer="REDUCE_SUM",
                )
            )
        if self._clock_runs is not None:
            specs.append(
                _Policy(
                    "clock-silent",
                    "the clock ran no job for 15 minutes: it is stuck or stopped, and billing and other scheduled jobs with it",
                    self._clock_runs.name.apply(
                        lambda m: f'metric.type="logging.googleapis.com/user/{m}" AND resource.type="cloud_run_worker_pool"'
                    ),
                    kind="absent",
                    duration=900,
                    reducer="REDUCE_SUM",
                )
            )
        return specs

    def _policy(self, p: _Policy) -> gcp.monitoring.AlertPolicy:
        C = gcp.monitoring
        aggregation = C.AlertPolicyConditionConditionThresholdAggregationArgs(
            alignment_period=f"{p.alignment}s",
            per_series_aligner=p.aligner,
            cross_series_reducer=p.reducer,
            group_by_fields=list(p.group_by) or None,
        )
        strategy = None
        if p.kind == "log":
            condition = C.AlertPolicyConditionArgs(
                display_name=p.label, condition_matched_log=C.AlertPolicyConditionConditionMatchedLogArgs(filter=p.filter)
            )
            # Required for log conditions; a crash loop sends one notification per 5 minutes.
            strategy = C.AlertPolicyAlertStrategyArgs(
                notification_rate_limit=C.AlertPolicyAlertStrategyNotificationRateLimitArgs(period="300s"), auto_close="1800s"
            )
        elif p.kind == "absent":
            condition = C.AlertPolicyConditionArgs(
                display_name=p.label,
                condition_absent=C.AlertPolicyConditionConditionAbsentArgs(
                    filter=p.filter,
                    duration=f"{p.duration}s",
                    aggregations=[
                        C.AlertPolicyConditionConditionAbsentAggregationArgs(
                            alignment_period="60s", per_series_aligner="ALIGN_MEAN", cross_series_reducer=p.reducer
                        )
                    ],
                ),
            )
        else:
            ratio = p.denominator is not None
            condition = C.AlertPolicyConditionArgs(
                display_name=p.label,
                condition_threshold=C.AlertPolicyConditionConditionThresholdArgs(
                    filter=p.filter,
                    comparison=p.comparison,
                    threshold_value=p.threshold,
                    duration=f"{p.duration}s",
                    aggregations=[aggregation],
                    denominator_filter=p.denominator,
                    denominator_aggregations=[
                        C.AlertPolicyConditionConditionThresholdDenominatorAggregationArgs(
                            alignment_period=f"{p.alignment}s", per_series_aligner=p.aligner, cross_series_reducer=p.reducer
                        )
                    ]
                    if ratio
                    else None,
                ),
            )
        return C.AlertPolicy(
            f"{self._name}-{p.label}",
            project=self._project,
            display_name=f"Lago {self._name}: {p.label}",
            combiner="OR",
            conditions=[condition],
            notification_channels=self.channels,
            alert_strategy=strategy,
            documentation=C.AlertPolicyDocumentationArgs(content=p.description, mime_type="text/markdown"),
            opts=self._child,
        )

    def _dashboard(self, specs: list[_Policy]) -> None:
        def tiles(filters: list[str]) -> str:
            out = []
            for i, (p, f) in enumerate(zip(specs, filters)):
                out.append(
                    {
                        "xPos": (i % 3) * 16,
                        "yPos": (i // 3) * 16,
                        "width": 16,
                        "height": 16,
                        "widget": {
                            "title": p.label,
                            "xyChart": {
                                "dataSets": [
                                    {
                                        "timeSeriesQuery": {
                                            "timeSeriesFilter": {
                                                "filter": f,
                                                "aggregation": {
                                                    "alignmentPeriod": f"{p.alignment}s",
                                                    "perSeriesAligner": p.aligner,
                                                    **({"crossSeriesReducer": p.reducer} if p.reducer else {}),
                                                },
                                            }
                                        }
                                    }
                                ],
                                "thresholds": [{"value": p.threshold}],
                            },
                        },
                    }
                )
            return json.dumps(as_returned({"displayName": f"Lago {self._name}", "mosaicLayout": {"columns": 48, "tiles": out}}))

        body = pulumi.Output.all(*[p.filter for p in specs]).apply(tiles)
        gcp.monitoring.Dashboard(f"{self._name}-dashboard", project=self._project, dashboard_json=body, opts=self._child)
