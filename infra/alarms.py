"""CloudWatch alarms on what the regency would otherwise hear about from angry employees first:
function errors and throttles, API 5xx answers, and DynamoDB throttling. They notify an SNS topic;
an e-mail subscription is added when the ``AlarmEmail`` parameter is set.
"""

from __future__ import annotations

from collections.abc import Iterable

from .cfn import Json, ref

TOPIC_ID = "AlarmTopic"
_PERIOD_S = 300


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


def api_alarm(api_name: str, stage: str) -> dict[str, Json]:
    dimensions = [{"Name": "ApiName", "Value": api_name}, {"Name": "Stage", "Value": stage}]
    return {
        "Api5xxAlarm": _alarm(
            "API answered 5xx (server errors or dependency outages) at least 5 times in 5 minutes",
            _metric("AWS/ApiGateway", "5XXError", dimensions),
            5,
        )
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
    function_ids: Iterable[str], table_ids: Iterable[str], api: tuple[str, str] | None
) -> dict[str, Json]:
    """The alarm topic, its optional e-mail subscription and every alarm."""
    resources: dict[str, Json] = {
        TOPIC_ID: {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "SMART alarms"}},
        f"{TOPIC_ID}Email": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {"TopicArn": ref(TOPIC_ID), "Protocol": "email", "Endpoint": ref("AlarmEmail")},
        },
    }
    for function_id in sorted(function_ids):
        resources.update(function_alarms(function_id))
    for table_id in sorted(table_ids):
        resources.update(table_throttle_alarm(table_id))
    if api is not None:
        resources.update(api_alarm(*api))
    return resources
