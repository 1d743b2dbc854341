"""CloudWatch alarms on what the regency would otherwise hear about from angry employees first:
function errors and throttles, API 5xx answers, DynamoDB throttling, and on the app's own metrics
(chalicelib/observability.py, namespace SMART): a spike in refused check-ins, 5xx answers, slow requests
(p95) and a failed SIMPEG run. They notify an SNS topic; an e-mail subscription is added when the
``AlarmEmail`` parameter is set.

The app's metric names and dimensions come from chalicelib.observability, the module that emits them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.observability import NAMESPACE, Metric, dimensions

from .cfn import Json, checkov_skip, get_att, ref

TOPIC_ID = "AlarmTopic"
_PERIOD_S = 300
# A refusal spike: over 5 minutes with at least REFUSAL_MIN_ATTEMPTS recorded check-ins, at least
# REFUSAL_SHARE_PERCENT of them refused (a broken zone, a bad model, GPS trouble, an attack). The volume floor
# keeps a quiet hour's two refusals out of it.
REFUSAL_SHARE_PERCENT = 30
REFUSAL_MIN_ATTEMPTS = 20
APP_5XX_PER_PERIOD = 5
LATENCY_P95_MS = 2000  # the check-in's target is well under a second (bench/, docs); 2 s is trouble


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
) -> dict[str, Json]:
    """The alarm topic, its optional e-mail subscription and every alarm (`stage`: the SMART_STAGE;
    `dead_letter_queues`: function id → its dead-letter queue id)."""
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
    resources.update(app_alarms(stage))
    return resources
