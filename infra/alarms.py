"""CloudWatch alarms on what the regency would otherwise hear about from angry employees first:
function errors and throttles, API 5xx answers, DynamoDB throttling, and on the app's own metrics
(chalicelib/observability.py, namespace SMART): a spike in refused check-ins, 5xx answers, slow requests
(p95) and a failed SIMPEG run. They notify an SNS topic; an e-mail subscription is added when the
``AlarmEmail`` parameter is set.

Two more listen for requests that never reach the app, where every alarm above stays silent: the WAF refusing
requests that lack the distribution's secret (an origin secret out of step locks every user out at the door),
and a working morning or afternoon without one accepted check-in (``NoAcceptedCheckinsAlarm``, stages whose
``CheckinsExpected`` is ``yes``), which keeps quiet on a weekday the regency has off while the day-off watch
(chalicelib.jobs.day_off_watch) says so.

The app's metric names and dimensions come from chalicelib.observability, the module that emits them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from chalicelib.observability import NAMESPACE, Metric, dimensions

from .cfn import Json, checkov_skip, get_att, ref
from .errors import ScheduleError
from .protection import ORIGIN_RULE, web_acl_name
from .schedules import CHECKIN_WINDOWS, fixed_utc_offset, runs

TOPIC_ID = "AlarmTopic"
_PERIOD_S = 300
# A refusal spike: over 5 minutes with at least REFUSAL_MIN_ATTEMPTS recorded check-ins, at least
# REFUSAL_SHARE_PERCENT of them refused (a broken zone, a bad model, GPS trouble, an attack). The volume floor
# keeps a quiet hour's two refusals out of it.
REFUSAL_SHARE_PERCENT = 30
REFUSAL_MIN_ATTEMPTS = 20
APP_5XX_PER_PERIOD = 5
LATENCY_P95_MS = 2000  # the check-in's target is well under a second (bench/, docs); 2 s is trouble
# Requests the WAF refused for want of the distribution's secret, in 5 minutes: a scanner that found the API's own
# address makes a few; an origin secret out of step refuses every user, hundreds in a morning's 5 minutes.
BLOCKED_AT_THE_DOOR_PER_PERIOD = 20
WAF_ALARM = "RequestsWithoutTheDistributionAlarm"
# The alarm watches CHECKIN_WINDOWS (infra/schedules.py: the day-off watch's schedule runs through them too) of
# these days.
WORKDAYS = (1, 2, 3, 4, 5)  # metric math's DAY(): 1 Monday ... 7 Sunday
QUIET_PERIODS = 3  # 15 minutes without one accepted check-in in those hours
NO_CHECKIN_ALARM = "NoAcceptedCheckinsAlarm"
CHECKINS_EXPECTED = "CheckinsExpected"  # parameter: yes | no (a stage nobody uses, dev, would alarm every day)
EXPECTS_CHECKINS = "ExpectsCheckins"  # its condition


def _alarm(description: str, metric: Json, threshold: int) -> Json:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "EvaluationPeriods": 1,
            "Threshold": threshold,
            "TreatMissingData": "notBreaching",
            "AlarmActions": [ref(TOPIC_ID)],
            "OKActions": [ref(TOPIC_ID)],
            **metric,
        },
    }


def _metric(namespace: str, name: str, dimensions: list[Json]) -> Json:
    return {
        "Namespace": namespace,
        "MetricName": name,
        "Dimensions": dimensions,
        "Statistic": "Sum",
        "Period": _PERIOD_S,
    }


def function_alarms(function_id: str) -> dict[str, Json]:
    dimensions = [{"Name": "FunctionName", "Value": ref(function_id)}]
    return {
        f"{function_id}ErrorsAlarm": _alarm(
            f"{function_id}: unhandled errors", _metric("AWS/Lambda", "Errors", dimensions), 1
        ),
        f"{function_id}ThrottlesAlarm": _alarm(
            f"{function_id}: invocations throttled (concurrency limit)",
            _metric("AWS/Lambda", "Throttles", dimensions),
            1,
        ),
    }


def dead_letter_alarm(function_id: str, queue_id: str) -> dict[str, Json]:
    """A failed scheduled run waits in its dead-letter queue: say so at once."""
    metric = _metric(
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        [{"Name": "QueueName", "Value": get_att(queue_id, "QueueName")}],
    )
    metric["Statistic"] = "Maximum"
    return {
        f"{function_id}DeadLetterAlarm": _alarm(
            f"{function_id}: a scheduled run failed every attempt and waits in {queue_id} (run it on demand, or let"
            " the next scheduled run catch up, as face retention does; then purge: docs/deployment.md)",
            metric,
            1,
        )
    }


def api_alarm(api_name: str, stage: str) -> dict[str, Json]:
    dimensions = [{"Name": "ApiName", "Value": api_name}, {"Name": "Stage", "Value": stage}]
    return {
        "Api5xxAlarm": _alarm(
            "API answered 5xx (server errors or dependency outages) at least 5 times in 5 minutes",
            _metric("AWS/ApiGateway", "5XXError", dimensions),
            5,
        )
    }


def _app_metric(name: Metric, stage: str) -> Json:
    return {
        "Namespace": NAMESPACE,
        "MetricName": str(name),
        "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions(stage).items()],
    }


def _app_query(query_id: str, name: Metric, stage: str) -> Json:
    metric = {"Metric": _app_metric(name, stage), "Period": _PERIOD_S, "Stat": "Sum"}
    return {"Id": query_id, "ReturnData": False, "MetricStat": metric}


def app_alarms(stage: str) -> dict[str, Json]:
    """Alarms on the metrics the app emits for its SMART_STAGE `stage`."""
    refusals: Json = {
        "Metrics": [
            _app_query("accepted", Metric.CHECKIN_ACCEPTED, stage),
            _app_query("review", Metric.CHECKIN_REVIEW, stage),
            _app_query("refused", Metric.CHECKIN_REFUSED, stage),
            {
                "Id": "attempts",
                "Expression": "FILL(accepted, 0) + FILL(review, 0) + FILL(refused, 0)",
                "Label": "recorded check-ins",
                "ReturnData": False,
            },
            {
                "Id": "share",
                "Expression": f"IF(attempts >= {REFUSAL_MIN_ATTEMPTS}, 100 * FILL(refused, 0) / attempts, 0)",
                "Label": "refused check-ins (%)",
                "ReturnData": True,
            },
        ]
    }
    latency = _alarm(
        f"p95 request latency above {LATENCY_P95_MS} ms in 2 of 3 periods of 5 minutes",
        {**_app_metric(Metric.REQUEST_LATENCY, stage), "ExtendedStatistic": "p95", "Period": _PERIOD_S},
        LATENCY_P95_MS,
    )
    # Not one slow period (a cold start at night is the only request of its 5 minutes): two out of three.
    latency["Properties"].update(ComparisonOperator="GreaterThanThreshold", EvaluationPeriods=3, DatapointsToAlarm=2)
    return {
        "CheckinRefusalSpikeAlarm": _alarm(
            f"At least {REFUSAL_SHARE_PERCENT} % of at least {REFUSAL_MIN_ATTEMPTS} check-ins in 5 minutes refused "
            "(zone, GPS, face model or an attack: see the Refused_<CODE> metrics)",
            refusals,
            REFUSAL_SHARE_PERCENT,
        ),
        "App5xxAlarm": _alarm(
            f"The app answered 5xx (INTERNAL, UNAVAILABLE) at least {APP_5XX_PER_PERIOD} times in 5 minutes",
            {**_app_metric(Metric.HTTP_5XX, stage), "Statistic": "Sum", "Period": _PERIOD_S},
            APP_5XX_PER_PERIOD,
        ),
        "RequestLatencyP95Alarm": latency,
        "DigestWriteFailedAlarm": _alarm(
            "A recorded check-in missed its unit-day digest: the live monitor undercounts that day until "
            "`python -m tools.backfill_digests` rebuilds it (decision 93)",
            {**_app_metric(Metric.DIGEST_WRITE_FAILED, stage), "Statistic": "Sum", "Period": _PERIOD_S},
            1,
        ),
        "SimpegRunFailedAlarm": _alarm(
            "A SIMPEG sync or import failed (upstream unreachable or the write failed): employees are not updated",
            {**_app_metric(Metric.SIMPEG_FAILED, stage), "Statistic": "Sum", "Period": _PERIOD_S},
            1,
        ),
    }


def waf_alarm(gateway_stage: str) -> dict[str, Json]:
    """Requests the web ACL of the API's stage refused because they lack the distribution's secret
    (infra/protection.py): never counted by API Gateway or the app. WAF keys a rule's metrics on the ACL's and the
    rule's metric names."""
    dimensions: list[Json] = [
        {"Name": "WebACL", "Value": web_acl_name(gateway_stage)},
        {"Name": "Rule", "Value": ORIGIN_RULE},
        {"Name": "Region", "Value": ref("AWS::Region")},
    ]
    return {
        WAF_ALARM: _alarm(
            f"The WAF refused at least {BLOCKED_AT_THE_DOOR_PER_PERIOD} requests in 5 minutes for lacking the "
            "distribution's secret: a scanner on the API's own address, or the origin secret out of step (every "
            "user answered 403; docs/deployment.md, the WAF log tells which)",
            _metric("AWS/WAFV2", "BlockedRequests", dimensions),
            BLOCKED_AT_THE_DOOR_PER_PERIOD,
        )
    }


def _within(function: str, values: Iterable[int]) -> str:
    """A metric-math condition: `function` (`DAY(filled)`) takes one of `values`."""
    terms = [f"{function} == {a}" if a == b else f"({function} >= {a} AND {function} <= {b})" for a, b in runs(values)]
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def working_windows(timezone: str, series: str) -> str:
    """A metric-math condition, true for the 5 minutes of `series` that fall in CHECKIN_WINDOWS of WORKDAYS in the
    zone: DAY() and HOUR() answer in UTC, so the local hours are shifted by the zone's offset (a WIT morning at
    07:00 is 22:00 UTC of the day before)."""
    offset, rest = divmod(int(fixed_utc_offset(timezone).total_seconds()), 3600)
    if rest:
        raise ScheduleError(
            f"{timezone} is not a whole number of hours from UTC: metric math's HOUR() cannot follow it"
        )
    days_by_hour: dict[int, set[int]] = defaultdict(set)
    for day in WORKDAYS:
        for start, end in CHECKIN_WINDOWS:
            for hour in range(start, end):
                shifted = day * 24 + hour - offset  # hours since the start of "day 0" (Sunday), in UTC
                days_by_hour[shifted % 24].add((shifted // 24 - 1) % 7 + 1)
    hours_by_days: dict[frozenset[int], set[int]] = defaultdict(set)
    for hour, days in days_by_hour.items():
        hours_by_days[frozenset(days)].add(hour)
    terms = [
        f"({_within(f'DAY({series})', days)} AND {_within(f'HOUR({series})', hours)})"
        for days, hours in sorted(hours_by_days.items(), key=lambda item: min(item[1]))
    ]
    return " OR ".join(terms)


def _zone_condition(timezone: str) -> str:
    return "TimezoneIs" + "".join(ch for ch in timezone if ch.isalnum())


def _by_zone(zones: Sequence[str], value: Mapping[str, str]) -> object:
    """`value[zone]` for the stack's Timezone parameter: nested Fn::If over the zones it allows."""
    chosen: object = value[zones[-1]]
    for zone in reversed(zones[:-1]):
        chosen = {"Fn::If": [_zone_condition(zone), value[zone], chosen]}
    return chosen


def no_checkin_alarm(stage: str, zones: Sequence[str]) -> dict[str, Json]:
    """No accepted check-in for QUIET_PERIODS periods of 5 minutes in the working windows of the stack's zone: the
    requests do not reach the app (an address, a certificate, the distribution or the phones' app broken), which
    no alarm on the app's own errors can see. Outside the windows the watched value is 1 (quiet nights, weekends),
    and so is it in a period the day-off watch sent `DayOff` for (a weekday holiday or cuti bersama of the regency's
    calendar, which metric math cannot know). FILL turns a period the app sent nothing for into 0, and a period
    without `DayOff` into a working one: a watch that failed or never ran leaves the alarm as it was before the
    watch. Missing data still counts as breaching."""
    watched = {zone: f"IF(FILL(dayoff, 0) == 0 AND ({working_windows(zone, 'filled')}), filled, 1)" for zone in zones}
    metrics: Json = {
        "Metrics": [
            _app_query("accepted", Metric.CHECKIN_ACCEPTED, stage),
            _app_query("dayoff", Metric.DAY_OFF, stage),
            {"Id": "filled", "Expression": "FILL(accepted, 0)", "Label": "accepted check-ins", "ReturnData": False},
            {
                "Id": "watched",
                "Expression": _by_zone(zones, watched),
                "Label": "accepted check-ins in working windows of working days (1 otherwise)",
                "ReturnData": True,
            },
        ]
    }
    hours = ", ".join(f"{start:02d}:00-{end:02d}:00" for start, end in CHECKIN_WINDOWS)
    alarm = _alarm(
        f"No accepted check-in for {QUIET_PERIODS * _PERIOD_S // 60} minutes on a working day ({hours} local): "
        "requests are not reaching the app, or every check-in is refused. Quiet on a weekday holiday or cuti "
        f"bersama while the day-off watch sends {Metric.DAY_OFF} (a failed watch lets it sound: see "
        "DayOffWatchErrorsAlarm)",
        metrics,
        1,
    )
    alarm["Condition"] = EXPECTS_CHECKINS
    alarm["Properties"].update(
        ComparisonOperator="LessThanThreshold",
        EvaluationPeriods=QUIET_PERIODS,
        DatapointsToAlarm=QUIET_PERIODS,
        TreatMissingData="breaching",
    )
    return {NO_CHECKIN_ALARM: alarm}


def alarm_conditions(zones: Sequence[str]) -> Json:
    """The conditions the alarms use: the stack's zone (the working windows) and whether it expects check-ins."""
    conditions: Json = {_zone_condition(zone): {"Fn::Equals": [ref("Timezone"), zone]} for zone in zones[:-1]}
    conditions[EXPECTS_CHECKINS] = {"Fn::Equals": [ref(CHECKINS_EXPECTED), "yes"]}
    return conditions


def alarm_parameters(stage: str) -> Json:
    """`CheckinsExpected`: yes for prod, no for any other stage (dev has no users: the alarm would sound daily)."""
    return {
        CHECKINS_EXPECTED: {
            "Type": "String",
            "Default": "yes" if stage == "prod" else "no",
            "AllowedValues": ["yes", "no"],
            "Description": "Alarm when a working morning or afternoon passes without an accepted check-in",
        }
    }


def table_throttle_alarm(table_id: str) -> dict[str, Json]:
    """Read and write throttle events of one table, summed by metric math (one alarm per table)."""

    def query(query_id: str, name: str) -> Json:
        return {
            "Id": query_id,
            "ReturnData": False,
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/DynamoDB",
                    "MetricName": name,
                    "Dimensions": [{"Name": "TableName", "Value": ref(table_id)}],
                },
                "Period": _PERIOD_S,
                "Stat": "Sum",
            },
        }

    metrics: Json = {
        "Metrics": [
            query("reads", "ReadThrottleEvents"),
            query("writes", "WriteThrottleEvents"),
            {"Id": "throttles", "Expression": "reads + writes", "Label": "throttle events", "ReturnData": True},
        ]
    }
    return {f"{table_id}ThrottleAlarm": _alarm(f"{table_id}: DynamoDB throttled requests", metrics, 1)}


def alarm_resources(
    function_ids: Iterable[str],
    table_ids: Iterable[str],
    api: tuple[str, str] | None,
    stage: str,
    dead_letter_queues: Mapping[str, str] | None = None,
    *,
    zones: Sequence[str] = ("Asia/Jakarta",),
) -> dict[str, Json]:
    """The alarm topic, its optional e-mail subscription and every alarm (`stage`: the SMART_STAGE;
    `dead_letter_queues`: function id → its dead-letter queue id; `zones`: those the Timezone parameter allows,
    with `alarm_conditions` of the same zones in the template)."""
    resources: dict[str, Json] = {
        TOPIC_ID: {
            "Type": "AWS::SNS::Topic",
            "Metadata": checkov_skip(
                (
                    "CKV_AWS_26",
                    "alarm notices hold alarm names and numbers only; CloudWatch can publish to an encrypted "
                    "topic only through a customer managed key whose policy admits it, a key kept for no data",
                )
            ),
            "Properties": {"DisplayName": "SMART alarms"},
        },
        f"{TOPIC_ID}Email": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {"TopicArn": ref(TOPIC_ID), "Protocol": "email", "Endpoint": ref("AlarmEmail")},
        },
    }
    for function_id in sorted(function_ids):
        resources.update(function_alarms(function_id))
    for function_id, queue_id in sorted((dead_letter_queues or {}).items()):
        resources.update(dead_letter_alarm(function_id, queue_id))
    for table_id in sorted(table_ids):
        resources.update(table_throttle_alarm(table_id))
    if api is not None:
        resources.update(api_alarm(*api))
        resources.update(waf_alarm(api[1]))
    resources.update(app_alarms(stage))
    resources.update(no_checkin_alarm(stage, zones))
    return resources
