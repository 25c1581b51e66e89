"""What Lago does with the value of each variable ``lago:env`` may set, where it parses it.

A value Lago cannot parse stops the roles that read it at boot (a log level Rails does not know,
a sentinel port that is no number) or quietly means something else (``"abc".to_i`` is 0, so an
interval of 0 seconds; ``ENV["X"].present?`` turns a flag on for any value, ``false``
included). Each rule below cites where lago-api v1.51.0 reads the variable; a variable without
a rule is free text to Lago (a key, a name, a version string).
"""

from __future__ import annotations

import re
from typing import Callable, Optional
from urllib.parse import urlsplit

#: ``config.log_level`` takes a Logger severity (ActiveSupport::Logger; anything else raises
#: "Invalid log level" as Rails boots). Lago downcases the value (config/environments/production.rb:28).
LOG_LEVELS = ("debug", "info", "warn", "error", "fatal", "unknown")

#: What reads as "off" to a human but is a value all the same.
_OFF_WORDS = {"false", "0", "no", "off", "f", "n", "disabled"}

Check = Callable[[str], Optional[tuple[str, str]]]


def _integer(minimum: int, why: str) -> Check:
    def check(value: str) -> Optional[tuple[str, str]]:
        text = value.strip()
        if not re.fullmatch(r"[+-]?\d+", text) or int(text) < minimum:
            return (f"'{value}' is not a whole number of at least {minimum}: {why}", f"give a whole number, at least {minimum}")
        return None

    return check


def _number(minimum: float, maximum: Optional[float], why: str) -> Check:
    def check(value: str) -> Optional[tuple[str, str]]:
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is None or number != number or number < minimum or (maximum is not None and number > maximum):
            bounds = f"from {minimum:g} to {maximum:g}" if maximum is not None else f"at least {minimum:g}"
            return (f"'{value}' is not a number {bounds}: {why}", f"give a number {bounds}")
        return None

    return check


def _true_or_false(why: str) -> Check:
    def check(value: str) -> Optional[tuple[str, str]]:
        if value not in ("true", "false"):
            return (f"'{value}' is neither true nor false: {why}", "give true or false")
        return None

    return check


def _presence(why: str) -> Check:
    """A flag Lago turns on when the variable holds anything at all (``ENV[...].present?``)."""

    def check(value: str) -> Optional[tuple[str, str]]:
        if value.strip().lower() in _OFF_WORDS or not value.strip():
            return (
                f"'{value}' turns it on: Lago checks only that the variable is set ({why})",
                "remove the variable to leave it off, or give true to turn it on",
            )
        return None

    return check


def _url(why: str) -> Check:
    def check(value: str) -> Optional[tuple[str, str]]:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return (f"'{value}' is not an http(s) URL: {why}", "give the full URL with its scheme, e.g. https://host.example.com")
        return None

    return check


def _host_ports(why: str, port_required: bool) -> Check:
    def check(value: str) -> Optional[tuple[str, str]]:
        for item in value.split(","):
            host, _, port = item.strip().partition(":")
            if not host or (port_required and not port) or (port and not port.isdigit()):
                form = "host:port" if port_required else "host[:port]"
                return (f"'{item.strip()}' in '{value}' is not {form}: {why}", f"give {form}, several separated by commas")
        return None

    return check


def _days(why: str) -> Check:
    def check(value: str) -> Optional[tuple[str, str]]:
        if not all(re.fullmatch(r"\s*\d+\s*", part) for part in value.split(",")):
            return (f"'{value}' is not a list of whole numbers of days: {why}", "give days separated by commas, e.g. 15,45")
        return None

    return check


def _log_level(value: str) -> Optional[tuple[str, str]]:
    if value.strip().lower() not in LOG_LEVELS:
        return (
            f"'{value}' is not a log level Rails knows: every backend role stops as it boots",
            f"use one of {', '.join(LOG_LEVELS)}",
        )
    return None


_INTERVAL = "the clock schedules the job every that many seconds, and a value that is no number reads as 0 (clock.rb)"

#: The rule of each variable whose value Lago parses.
RULES: dict[str, Check] = {
    "LAGO_LOG_LEVEL": _log_level,
    # app/services/webhooks/send_http_service.rb:54 ("...".to_i: a word reads as 0 seconds).
    "LAGO_WEBHOOK_TIMEOUT_SECONDS": _integer(1, "webhooks time out after that many seconds, and a word reads as 0"),
    # app/services/events/create_batch_service.rb:5.
    "LAGO_EVENTS_BATCH_MAX_LENGTH": _integer(1, "the largest events batch the api takes, and a word reads as 0"),
    # config/initializers/sidekiq.rb:69 and :71.
    "LAGO_SIDEKIQ_AVERAGE_SCHEDULED_POLL_INTERVAL": _number(
        0.1, None, "Sidekiq polls its scheduled jobs every that many seconds, and a word reads as 0"
    ),
    "LAGO_SIDEKIQ_MAX_DEAD_JOBS": _integer(0, "dead jobs Sidekiq keeps, and a word reads as 0"),
    # config/initializers/sidekiq.rb:38 (Sidekiq Pro metrics are not reported otherwise).
    "LAGO_SIDEKIQ_STATSD_ENDPOINT": _host_ports("Lago splits it at ':' and reports no metrics otherwise", port_required=True),
    # config/initializers/sidekiq.rb:6 (== "true").
    "LAGO_SIDEKIQ_PRO_REQUIRED": _true_or_false('Lago compares it with "true" and reads anything else as false'),
    # app/services/daily_usages/compute_all_service.rb:155 (Integer(..., exception: false)).
    "LAGO_DAILY_USAGE_SCHEDULING_JITTER_SECONDS": _integer(1, "anything else is ignored for the default of 30 minutes"),
    # app/services/utils/dedicated_worker_config.rb:11.
    "LAGO_DEDICATED_REFRESH_INTERVAL_SECONDS": _integer(1, "anything else is ignored for the default of 5 seconds"),
    # clock.rb:33, :46, :57 (.to_i.seconds, handed to the scheduler).
    "LAGO_SUBSCRIPTION_ACTIVITY_PROCESSING_INTERVAL_SECONDS": _integer(1, _INTERVAL),
    "LAGO_LIFETIME_USAGE_REFRESH_INTERVAL_SECONDS": _integer(1, _INTERVAL),
    "LAGO_WALLET_ONGOING_BALANCE_REFRESH_INTERVAL_SECONDS": _integer(1, _INTERVAL),
    # app/jobs/clock/subscriptions_to_be_terminated_job.rb:38.
    "LAGO_SUBSCRIPTION_TERMINATION_ALERT_SENT_AT_DAYS": _days("each reads as a number of days before the termination, a word as 0"),
    # app/services/invoices/payments/create_service.rb:11.
    "LAGO_CHECKOUT_AUTO_PAYMENT_DELAY_SECONDS": _integer(0, "the delay before an automatic payment, and a word reads as 0"),
    # lib/lago/redis_config_builder.rb:162 (Float(window) raises as the roles boot).
    "LAGO_REDIS_SIDEKIQ_RETRY_WINDOW_SECONDS": _number(0, None, "every backend role stops as it boots otherwise"),
    # lib/lago/redis_config_builder.rb:168 (Integer(port) raises as the roles boot).
    "LAGO_REDIS_SIDEKIQ_SENTINELS": _host_ports("every backend role stops as it boots otherwise", port_required=False),
    "LAGO_REDIS_CACHE_SENTINELS": _host_ports("every backend role stops as it boots otherwise", port_required=False),
    # app/services/subscriptions/consume_subscription_refreshed_queue_service.rb:61-67.
    "LAGO_REDIS_STORE_DB": _integer(0, "the Redis database index of the store"),
    "LAGO_REDIS_STORE_SSL": _presence("consume_subscription_refreshed_queue_service.rb:63"),
    "LAGO_REDIS_STORE_DISABLE_SSL_VERIFY": _presence("consume_subscription_refreshed_queue_service.rb:67"),
    # config/environments/production.rb:54 (split(",")).
    "LAGO_MEMCACHE_SERVERS": _host_ports("the servers of the Rails cache, separated by commas", port_required=False),
    # config/storage.yml:24 (YAML reads true and false; any other word is a string, so true).
    "LAGO_AWS_S3_SSL_VERIFY": _true_or_false("storage.yml reads it as YAML, where any other word is true"),
    # clock.rb:175 (ActiveModel::Type::Boolean: "no" and "yes" both read as true).
    "LAGO_DISABLE_EVENTS_VALIDATION": _true_or_false("Rails casts it, and words such as no read as true"),
    # clock.rb:48 (== "true").
    "LAGO_DISABLE_LIFETIME_USAGE_REFRESH": _true_or_false('Lago compares it with "true" and reads anything else as false'),
    # config/database.yml:42, config/environments/production.rb:14, app/jobs/clock_job.rb:4,
    # config/initializers/open_telemetry.rb:6 (.present?).
    "LAGO_DISABLE_SCHEMA_DUMP": _presence("config/database.yml:42"),
    "RAILS_SERVE_STATIC_FILES": _presence("config/environments/production.rb:14"),
    "SENTRY_ENABLE_CRONS": _presence("app/jobs/clock_job.rb:4"),
    "OTEL_EXPORTER": _presence("config/initializers/open_telemetry.rb:6"),
    # config/initializers/datadog.rb:19 (.to_f).
    "DD_TRACE_SAMPLE_RATE": _number(0, 1, "the share of requests traced, and a word reads as 0"),
    # Joined with paths: app/services/data_api/base_service.rb:29, finance_assistant/*, ai_conversations/stream_service.rb:76.
    "LAGO_DATA_API_URL": _url("Lago joins paths onto it"),
    "LAGO_FINANCE_ASSISTANT_URL": _url("Lago calls it"),
    "LAGO_MCP_SERVER_URL": _url("Lago calls it"),
    "LAGO_LICENSE_URL": _url("Lago calls it"),
}


def value_problem(name: str, value: str) -> Optional[tuple[str, str]]:
    """What is wrong with ``value`` for the variable ``name`` and the fix, or None."""
    rule = RULES.get(name)
    return rule(value) if rule is not None else None
