"""Alarms for requests that never reach the app: the WAF refusing them at the door, or a working morning or
afternoon without one accepted check-in. Every other alarm listens to the app or the gateway, and both are
silent when nothing arrives."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chalicelib.observability import NAMESPACE, Metric, dimensions
from chalicelib.store.models import ALL_MODELS
from infra.alarms import CHECKIN_WINDOWS, NO_CHECKIN_ALARM, working_windows
from infra.errors import ScheduleError
from infra.merge import MergeResult, merge
from infra.protection import ORIGIN_RULE, WEB_ACL_ID

from .conftest import of_type
from .test_infra_template import _as_stage

WAF_ALARM = "RequestsWithoutTheDistributionAlarm"
MONDAY = datetime(2026, 11, 30, tzinfo=UTC)


def test_requests_refused_for_want_of_the_distribution_s_secret_raise_an_alarm(resources: dict[str, Any]) -> None:
    # GIVEN the distribution's origin secret out of step with the WAF's (rotated in SSM, one side not deployed):
    # every request of every user answered 403 by the WAF, before API Gateway and the app count anything
    acl = resources[WEB_ACL_ID]["Properties"]
    [rule] = [r for r in acl["Rules"] if r["Name"] == ORIGIN_RULE]
    assert "Block" in rule["Action"]
    # THEN an alarm counts that rule's blocked requests in this stack's web ACL (WAF keys its metrics on the
    # ACL's metric name, here the same as its name) and tells the topic
    alarm = resources[WAF_ALARM]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == ("AWS/WAFV2", "BlockedRequests", "Sum")
    assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == {
        "WebACL": acl["VisibilityConfig"]["MetricName"],
        "Rule": rule["VisibilityConfig"]["MetricName"],
        "Region": {"Ref": "AWS::Region"},
    }
    assert acl["VisibilityConfig"]["MetricName"] == acl["Name"]
    assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": "AlarmTopic"}]
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold" and alarm["Threshold"] >= 1


def _choose(value: Any, zone: str, conditions: dict[str, Any]) -> Any:
    """`value` with its Fn::If resolved for a stack whose Timezone is `zone`."""
    if isinstance(value, dict) and "Fn::If" in value:
        name, then, otherwise = value["Fn::If"]
        equals = conditions[name]["Fn::Equals"]
        assert equals[0] == {"Ref": "Timezone"}
        return _choose(then if equals[1] == zone else otherwise, zone, conditions)
    return value


def _evaluate(queries: list[dict[str, Any]], instant: datetime, accepted: float | None) -> float | None:
    """The value the alarm watches for the 5 minutes starting at `instant` (UTC), with `accepted` check-ins
    counted (None: the metric sent nothing), computed from the alarm's own metric-math text."""
    values: dict[str, Any] = {}
    functions = {
        "FILL": lambda series, fill: fill if series is None else series,
        "IF": lambda condition, then, otherwise: then if condition else otherwise,
        "DAY": lambda _series: instant.isoweekday(),  # CloudWatch: 1 Monday ... 7 Sunday
        "HOUR": lambda _series: instant.hour,  # UTC
    }
    for query in queries:
        if "MetricStat" in query:
            values[query["Id"]] = accepted
            continue
        python = re.sub(r"\bAND\b", "and", re.sub(r"\bOR\b", "or", query["Expression"]))
        values[query["Id"]] = eval(python, {"__builtins__": {}}, {**functions, **values})
    [watched] = [q for q in queries if q["ReturnData"]]
    result = values[watched["Id"]]
    return None if result is None else float(result)


def _breaches(alarm: dict[str, Any], value: float | None) -> bool:
    if value is None:
        return bool(alarm["TreatMissingData"] == "breaching")
    assert alarm["ComparisonOperator"] == "LessThanThreshold"
    return value < alarm["Threshold"]


def test_a_working_morning_or_afternoon_without_an_accepted_check_in_raises_an_alarm(merged: MergeResult) -> None:
    template = merged.template
    alarm = template["Resources"][NO_CHECKIN_ALARM]
    props = alarm["Properties"]
    # GIVEN the prod template THEN the alarm reads the accepted check-ins the app counts, and tells the topic
    [metric] = [q["MetricStat"] for q in props["Metrics"] if "MetricStat" in q]
    assert metric["Metric"] == {
        "Namespace": NAMESPACE,
        "MetricName": Metric.CHECKIN_ACCEPTED,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions("prod").items()],
    }
    assert (metric["Period"], metric["Stat"]) == (300, "Sum")
    assert props["AlarmActions"] == props["OKActions"] == [{"Ref": "AlarmTopic"}]
    assert props["TreatMissingData"] == "breaching"
    assert props["EvaluationPeriods"] == props["DatapointsToAlarm"] >= 2  # not one quiet period
    # AND in every zone the stack may be given, for each 5 minutes of a week
    zones = template["Parameters"]["Timezone"]["AllowedValues"]
    assert {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"} <= set(zones)
    for zone in zones:
        queries = [
            {**q, "Expression": _choose(q.get("Expression"), zone, template["Conditions"])} for q in props["Metrics"]
        ]
        for step in range(7 * 24 * 12):
            instant = MONDAY + timedelta(minutes=5 * step)
            local = instant.astimezone(ZoneInfo(zone))
            working = local.isoweekday() <= 5 and any(start <= local.hour < end for start, end in CHECKIN_WINDOWS)
            # THEN no check-in breaches exactly in the working windows (Monday to Friday, local time), whether
            # the metric sent nothing or a zero
            assert _breaches(props, _evaluate(queries, instant, None)) is working, (zone, local)
            assert _breaches(props, _evaluate(queries, instant, 0.0)) is working, (zone, local)
            # AND a check-in accepted never does
            assert _breaches(props, _evaluate(queries, instant, 3.0)) is False, (zone, local)
    assert [start for start, _ in CHECKIN_WINDOWS] == [7, 16]  # the arrivals from 07:00, the departures from 16:00


def test_a_zone_the_working_windows_cannot_follow_stops_the_build() -> None:
    # GIVEN a zone half an hour off a whole hour from UTC THEN the build says why instead of watching wrong hours
    with pytest.raises(ScheduleError, match="whole number of hours"):
        working_windows("Asia/Kolkata", "filled")


def test_a_stage_nobody_checks_in_to_has_the_alarm_off(chalice_template: dict[str, Any]) -> None:
    # GIVEN dev (no users) and prod THEN only prod expects check-ins by default; dev can be told to
    for stage, expected in (("dev", "no"), ("prod", "yes")):
        template = merge(_as_stage(copy.deepcopy(chalice_template), stage), ALL_MODELS).template
        parameter = template["Parameters"]["CheckinsExpected"]
        assert (parameter["Default"], parameter["AllowedValues"]) == (expected, ["yes", "no"])
        alarm = template["Resources"][NO_CHECKIN_ALARM]
        assert template["Conditions"][alarm["Condition"]] == {"Fn::Equals": [{"Ref": "CheckinsExpected"}, "yes"]}
    # AND the WAF alarm stays in every stage (a dev distribution out of step is worth knowing too)
    assert "Condition" not in template["Resources"][WAF_ALARM]
    assert len(of_type(template["Resources"], "AWS::CloudWatch::Alarm")) > 2
