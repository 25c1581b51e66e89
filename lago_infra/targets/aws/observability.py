"""Alarms, crash events and a dashboard for one Lago stack on AWS, sent to ``lago:alerts``.

What each alarm watches and why (thresholds are ``lago:alerts.thresholds.*``):
- api: share of 5xx answers (the api's own and the ALB's) and p99 latency at the ALB; targets
  unhealthy for 10 minutes, or no healthy target at all (api, front).
- tasks: every task of the stack's services whose essential container exits (a crash; a crash
  loop sends one message per restart), and every deployment of them the circuit breaker rolls
  back, as EventBridge events.
- clock: no running clock task for 5 minutes (Container Insights ``RunningTaskCount``).
- worker backlog: Sidekiq's queue length and latency are not observable without changing Lago
  (ElastiCache exports no list lengths; Lago's Sidekiq exporter is mounted only with
  LAGO_SIDEKIQ_WEB, which a public api must not set). Observable proxies are alarmed instead:
  workers pinned at their autoscaling ceiling, and the queue Redis' memory.
- database: CPU, free storage, connections against max_connections. RDS Multi-AZ has a
  synchronous standby, not a read replica, so there is no replica lag to watch.
- Redis (queue and cache, every node): memory, connections, replica lag; evictions on the queue
  (``noeviction``: any eviction is a lost job).
- certificate: ACM ``DaysToExpiry`` of the edge's certificate.
Each group of alarms needs what it watches: none for the ALB when its ARN is unknown (a brought
listener without ``loadBalancerArn``), none for ECS with an external runtime.
ElastiCache reports per node (``CacheClusterId``); a replication group's nodes are named
``<group id>-001``, ``-002``, ... (ElastiCache user guide, "Replication: Redis OSS and Valkey").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import pulumi
import pulumi_aws as aws

from ...config.alerts import Alerts, Thresholds
from . import limits, names

GIB = 1024**3


@dataclass(frozen=True)
class RedisGroup:
    """One replication group: its id and how many nodes it has."""

    label: str
    group_id: pulumi.Input[str]
    nodes: int
    #: The Sidekiq queue: evictions there lose jobs.
    queue: bool


@dataclass(frozen=True)
class AwsSignals:
    """Where the signals come from: ids of what the stack created (or was given). The ALB and ECS
    ones are None when there is no such thing to watch."""

    #: None where the platform runs the database: no database alarms.
    database_id: Optional[pulumi.Input[str]]
    database_storage_gib: int
    database_max_connections: Optional[int]
    redis: Sequence[RedisGroup]
    alb_arn_suffix: Optional[pulumi.Input[str]] = None
    #: Target-group ARN suffixes by role (api, front).
    target_groups: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    cluster_name: Optional[pulumi.Input[str]] = None
    cluster_arn: Optional[pulumi.Input[str]] = None
    #: ECS service names and ARNs by role, and the worker roles' (min, max) replicas.
    services: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    service_arns: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    worker_ceilings: dict[str, int] = field(default_factory=dict)
    certificate_arn: Optional[pulumi.Input[str]] = None
    kms_key_arn: Optional[pulumi.Input[str]] = None


@dataclass
class _Alarm:
    label: str
    description: str
    namespace: str
    metric: str
    dimensions: dict[str, pulumi.Input[str]]
    stat: str
    comparison: str
    threshold: float
    periods: int = 3
    period: int = 60
    missing: str = "notBreaching"
    extra: dict[str, Any] = field(default_factory=dict)


class LagoAlarms(pulumi.ComponentResource):
    """SNS topic (or the user's), alarms and ECS crash events; a dashboard of the same signals."""

    topic_arns: list[pulumi.Output[str]]
    alarms: dict[str, aws.cloudwatch.MetricAlarm]

    def __init__(
        self,
        name: str,
        alerts: Alerts,
        signals: AwsSignals,
        *,
        account: str,
        region: str,
        alarms: bool,
        dashboard: bool,
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        super().__init__("lago:aws:Alarms", name, None, opts)
        self._name = name
        self._account = account
        self._child = pulumi.ResourceOptions(parent=self)
        specs = self._specs(alerts, signals)
        self.topic_arns, self.alarms = [], {}
        if alarms:
            self.topic_arns = self._topics(alerts, signals.kms_key_arn)
            self.alarms = {s.label: self._alarm(s) for s in specs}
            if signals.alb_arn_suffix is not None and "api" in signals.target_groups:
                self.alarms["api-5xx-rate"] = self._error_rate(signals, alerts.thresholds.api_error_percent)
            if signals.cluster_arn is not None and signals.services:
                self._crash_events(signals)
        if dashboard:
            self._dashboard(specs, region)
        self.register_outputs({"topic_arns": self.topic_arns})

    # -- where alarms go -------------------------------------------------------------------------

    def _topics(self, alerts: Alerts, kms_key_arn) -> list[pulumi.Output[str]]:
        arns: list[pulumi.Output[str]] = []
        if alerts.emails:
            topic = aws.sns.Topic(f"{self._name}-topic", kms_master_key_id=kms_key_arn, opts=self._child)
            # CloudWatch alarms and EventBridge publish to it; nobody else.
            aws.sns.TopicPolicy(
                f"{self._name}-topic",
                arn=topic.arn,
                policy=topic.arn.apply(lambda arn: _topic_policy(arn, self._account)),
                opts=pulumi.ResourceOptions(parent=topic),
            )
            for i, email in enumerate(alerts.emails):
                # Each address gets a confirmation mail; alarms reach it once confirmed.
                aws.sns.TopicSubscription(
                    f"{self._name}-email-{i}", topic=topic.arn, protocol="email", endpoint=email, opts=pulumi.ResourceOptions(parent=topic)
                )
            arns.append(topic.arn)
        if alerts.sns_topic_arn:
            arns.append(pulumi.Output.from_input(alerts.sns_topic_arn))
        return arns

    # -- alarms ----------------------------------------------------------------------------------

    def _specs(self, alerts: Alerts, s: AwsSignals) -> list[_Alarm]:
        t = alerts.thresholds
        alb = s.alb_arn_suffix
        specs: list[_Alarm] = []
        if alb is not None and "api" in s.target_groups:
            specs.append(
                _Alarm(
                    "api-latency-p99",
                    f"p99 api response time above {t.api_latency_p99_seconds} s for 5 minutes (lago:alerts.thresholds.apiLatencyP99Seconds)",
                    "AWS/ApplicationELB",
                    "TargetResponseTime",
                    {"LoadBalancer": alb, "TargetGroup": s.target_groups["api"]},
                    "p99",
                    "GreaterThanThreshold",
                    t.api_latency_p99_seconds,
                    periods=5,
                )
            )
        for role, tg in s.target_groups.items() if alb is not None else ():
            dims = {"LoadBalancer": alb, "TargetGroup": tg}
            specs.append(
                _Alarm(
                    f"{role}-unhealthy-targets",
                    f"{role} targets failing the ALB health check for 10 minutes",
                    "AWS/ApplicationELB",
                    "UnHealthyHostCount",
                    dims,
                    "Maximum",
                    "GreaterThanOrEqualToThreshold",
                    1,
                    periods=10,
                )
            )
            specs.append(
                _Alarm(
                    f"{role}-no-healthy-target",
                    f"no healthy {role} target for 3 minutes: {role} is down",
                    "AWS/ApplicationELB",
                    "HealthyHostCount",
                    dims,
                    "Minimum",
                    "LessThanThreshold",
                    1,
                    missing="breaching",
                )
            )
        ecs = {"ClusterName": s.cluster_name}
        if "clock" in s.services:
            specs.append(
                _Alarm(
                    "clock-not-running",
                    "no clock task running for 5 minutes: billing and other scheduled jobs stop",
                    "ECS/ContainerInsights",
                    "RunningTaskCount",
                    {**ecs, "ServiceName": s.services["clock"]},
                    "Maximum",
                    "LessThanThreshold",
                    1,
                    periods=5,
                    missing="breaching",
                )
            )
        for role, ceiling in s.worker_ceilings.items():
            minutes = t.workers_at_ceiling_minutes
            specs.append(
                _Alarm(
                    f"{role}-at-ceiling",
                    f"{role} at its autoscaling ceiling ({ceiling}) for {minutes} minutes: the queue is likely growing (lago:alerts.thresholds.workersAtCeilingMinutes)",
                    "ECS/ContainerInsights",
                    "RunningTaskCount",
                    {**ecs, "ServiceName": s.services[role]},
                    "Minimum",
                    "GreaterThanOrEqualToThreshold",
                    ceiling,
                    periods=max(1, minutes // 5),
                    period=300,
                )
            )
        if s.database_id is not None:
            specs += self._database(s, t)
        for g in s.redis:
            for n in range(1, g.nodes + 1):
                node = pulumi.Output.format("{0}-{1:03d}", g.group_id, n)
                dims = {"CacheClusterId": node}
                label = f"redis-{g.label}-{n:03d}"
                specs += [
                    _Alarm(
                        f"{label}-memory",
                        f"Redis {g.label} node {n} memory above {t.redis_memory_percent:g} % of maxmemory"
                        + (" (the Sidekiq queue is backing up)" if g.queue else ""),
                        "AWS/ElastiCache",
                        "DatabaseMemoryUsagePercentage",
                        dims,
                        "Maximum",
                        "GreaterThanThreshold",
                        t.redis_memory_percent,
                        periods=5,
                    ),
                    _Alarm(
                        f"{label}-connections",
                        f"Redis {g.label} node {n} above {t.redis_connections} client connections",
                        "AWS/ElastiCache",
                        "CurrConnections",
                        dims,
                        "Maximum",
                        "GreaterThanThreshold",
                        t.redis_connections,
                        periods=5,
                    ),
                ]
                if g.queue:
                    specs.append(
                        _Alarm(
                            f"{label}-evictions",
                            f"the Sidekiq queue Redis (node {n}) evicted keys: jobs are being lost",
                            "AWS/ElastiCache",
                            "Evictions",
                            dims,
                            "Sum",
                            "GreaterThanThreshold",
                            0,
                            periods=1,
                        )
                    )
                if n > 1:
                    specs.append(
                        _Alarm(
                            f"{label}-replica-lag",
                            f"Redis {g.label} replica {n} more than {t.redis_replica_lag_seconds:g} s behind its primary",
                            "AWS/ElastiCache",
                            "ReplicationLag",
                            dims,
                            "Maximum",
                            "GreaterThanThreshold",
                            t.redis_replica_lag_seconds,
                            periods=5,
                        )
                    )
        if s.certificate_arn is not None:
            specs.append(
                _Alarm(
                    "certificate-expiry",
                    f"the edge certificate expires in fewer than {t.certificate_days} days (ACM renews DNS-validated certificates itself: renewal is failing)",
                    "AWS/CertificateManager",
                    "DaysToExpiry",
                    {"CertificateArn": s.certificate_arn},
                    "Minimum",
                    "LessThanThreshold",
                    t.certificate_days,
                    periods=1,
                    period=86400,
                )
            )
        return specs

    def _database(self, s: AwsSignals, t: Thresholds) -> list[_Alarm]:
        """The RDS instance's alarms (none where the platform runs the database)."""
        db = {"DBInstanceIdentifier": s.database_id}
        free_bytes = s.database_storage_gib * GIB * t.database_free_storage_percent / 100
        specs = [
            _Alarm(
                "database-cpu",
                f"database CPU above {t.database_cpu_percent:g} % for 15 minutes",
                "AWS/RDS",
                "CPUUtilization",
                db,
                "Average",
                "GreaterThanThreshold",
                t.database_cpu_percent,
                periods=3,
                period=300,
            ),
            _Alarm(
                "database-free-storage",
                f"database free storage below {t.database_free_storage_percent:g} % of the {s.database_storage_gib} GiB allocated at creation",
                "AWS/RDS",
                "FreeStorageSpace",
                db,
                "Minimum",
                "LessThanThreshold",
                free_bytes,
                periods=2,
                period=300,
            ),
        ]
        if s.database_max_connections:
            limit = s.database_max_connections * t.database_connections_percent / 100
            specs.append(
                _Alarm(
                    "database-connections",
                    f"database connections above {t.database_connections_percent:g} % of max_connections ({s.database_max_connections})",
                    "AWS/RDS",
                    "DatabaseConnections",
                    db,
                    "Maximum",
                    "GreaterThanThreshold",
                    round(limit),
                    periods=5,
                )
            )
        return specs

    def _alarm(self, a: _Alarm) -> aws.cloudwatch.MetricAlarm:
        percentile = a.stat.startswith("p")
        return aws.cloudwatch.MetricAlarm(
            f"{self._name}-{a.label}",
            alarm_description=a.description,
            namespace=a.namespace,
            metric_name=a.metric,
            dimensions=a.dimensions,
            statistic=None if percentile else a.stat,
            extended_statistic=a.stat if percentile else None,
            comparison_operator=a.comparison,
            threshold=a.threshold,
            period=a.period,
            evaluation_periods=a.periods,
            treat_missing_data=a.missing,
            alarm_actions=self.topic_arns,
            ok_actions=self.topic_arns,
            opts=self._child,
        )

    def _error_rate(self, s: AwsSignals, percent: float) -> aws.cloudwatch.MetricAlarm:
        tg = {"LoadBalancer": s.alb_arn_suffix, "TargetGroup": s.target_groups["api"]}

        def metric(id_: str, name: str, dims) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
            return aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id=id_,
                return_data=False,
                metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                    namespace="AWS/ApplicationELB", metric_name=name, dimensions=dims, stat="Sum", period=300
                ),
            )

        return aws.cloudwatch.MetricAlarm(
            f"{self._name}-api-5xx-rate",
            alarm_description=f"more than {percent:g} % of api requests answered 5xx over 5 minutes (lago:alerts.thresholds.apiErrorPercent)",
            metric_queries=[
                metric("errors", "HTTPCode_Target_5XX_Count", tg),
                # The ALB's own 5xx (no healthy target, timeouts) count too; they are load-balancer wide.
                metric("edge", "HTTPCode_ELB_5XX_Count", {"LoadBalancer": s.alb_arn_suffix}),
                metric("requests", "RequestCount", tg),
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id="rate",
                    label="api 5xx %",
                    return_data=True,
                    expression="IF(FILL(requests, 0) > 0, 100 * (FILL(errors, 0) + FILL(edge, 0)) / requests, IF(FILL(edge, 0) > 0, 100, 0))",
                ),
            ],
            comparison_operator="GreaterThanThreshold",
            threshold=percent,
            evaluation_periods=1,
            treat_missing_data="notBreaching",
            alarm_actions=self.topic_arns,
            ok_actions=self.topic_arns,
            opts=self._child,
        )

    # -- events ----------------------------------------------------------------------------------

    def _crash_events(self, s: AwsSignals) -> None:
        roles = sorted(s.services)
        patterns = {
            # A stopped task of one of the stack's services whose essential container exited on
            # its own: a crash. By service (the task's group, "service:<name>"): the migrate task
            # also stops with EssentialContainerExited, exit 0 or not (a failed migration fails
            # the pulumi up instead), and a brought cluster runs the platform's tasks too.
            "task-crashed": {
                "source": ["aws.ecs"],
                "detail-type": ["ECS Task State Change"],
                "detail": {
                    "clusterArn": [s.cluster_arn],
                    "group": [pulumi.Output.concat("service:", s.services[r]) for r in roles],
                    "lastStatus": ["STOPPED"],
                    "stopCode": ["EssentialContainerExited"],
                },
            },
            # The circuit breaker gave up on a deployment (and rolled it back). The event's
            # resources hold the service's ARN, not the cluster's (ECS Developer Guide, "Amazon
            # ECS service deployment state change events").
            "deployment-failed": {
                "source": ["aws.ecs"],
                "detail-type": ["ECS Deployment State Change"],
                "resources": [s.service_arns[r] for r in roles],
                "detail": {"eventName": ["SERVICE_DEPLOYMENT_FAILED"]},
            },
        }
        for label, pattern in patterns.items():
            rule = aws.cloudwatch.EventRule(
                f"{self._name}-{label}", description=f"Lago: {label.replace('-', ' ')}", event_pattern=_json(pattern), opts=self._child
            )
            for i, arn in enumerate(self.topic_arns):
                aws.cloudwatch.EventTarget(f"{self._name}-{label}-{i}", rule=rule.name, arn=arn, opts=pulumi.ResourceOptions(parent=rule))

    # -- dashboard -------------------------------------------------------------------------------

    def _dashboard(self, specs: list[_Alarm], region: str) -> None:
        """One graph per signal. With alarms, each graph shows its alarm (threshold and state) by
        reference, so moving a threshold changes the alarm only; without, the bare metric."""

        def tile(i: int, title: str, properties: dict[str, Any]) -> dict[str, Any]:
            return {
                "type": "metric",
                "x": (i % 3) * 8,
                "y": (i // 3) * 6,
                "width": 8,
                "height": 6,
                "properties": {"title": title, "region": region, "view": "timeSeries", **properties},
            }

        if self.alarms:
            labels = sorted(self.alarms)
            body = pulumi.Output.all(*[self.alarms[k].arn for k in labels]).apply(
                lambda arns: json.dumps(
                    {"widgets": [tile(i, k, {"annotations": {"alarms": [a]}}) for i, (k, a) in enumerate(zip(labels, arns))]}
                )
            )
        else:

            def metrics(resolved: list[Any]) -> str:
                return json.dumps(
                    {
                        "widgets": [
                            tile(
                                i,
                                spec.label,
                                {
                                    "stat": spec.stat,
                                    "period": spec.period,
                                    "metrics": [[spec.namespace, spec.metric, *[x for k, v in dims.items() for x in (k, v)]]],
                                },
                            )
                            for i, (spec, dims) in enumerate(zip(specs, resolved))
                        ]
                    }
                )

            body = pulumi.Output.all(*[pulumi.Output.all(**spec.dimensions) for spec in specs]).apply(metrics)
        # Unique per project and stack: PutDashboard overwrites a dashboard of the same name.
        aws.cloudwatch.Dashboard(
            f"{self._name}-dashboard",
            dashboard_name=names.account_wide(self._name, limits.DASHBOARD_NAME_MAX),
            dashboard_body=body,
            opts=self._child,
        )


def _json(value: Any) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps(value)


def _topic_policy(arn: str, account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                # Only this account's alarms and rules (no confused deputy).
                {
                    "Sid": "AlarmsAndEvents",
                    "Effect": "Allow",
                    "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
                    "Action": "sns:Publish",
                    "Resource": arn,
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                },
                {
                    "Sid": "TlsOnly",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sns:Publish",
                    "Resource": arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        }
    )
