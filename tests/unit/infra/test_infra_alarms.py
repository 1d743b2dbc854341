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
from infra.alarms import NO_CHECKIN_ALARM, working_windows
from infra.errors import ScheduleError
from infra.merge import MergeResult, merge
from infra.protection import ORIGIN_RULE, WEB_ACL_ID
from infra.schedules import CHECKIN_WINDOWS

from .conftest import of_type
from .test_infra_template import _as_stage

WAF_ALARM = "RequestsWithoutTheDistributionAlarm"
DAY_OFF_WATCH = "DayOffWatch"  # the function
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


def _evaluate(
    queries: list[dict[str, Any]], instant: datetime, accepted: float | None, day_off: float | None = None
) -> float | None:
    """The value the alarm watches for the 5 minutes starting at `instant` (UTC), with `accepted` check-ins
    counted and `day_off` sent by the day-off watch (None: the metric sent nothing), computed from the alarm's own
    metric-math text."""
    sent = {Metric.CHECKIN_ACCEPTED: accepted, Metric.DAY_OFF: day_off}
    values: dict[str, Any] = {}
    functions = {
        "FILL": lambda series, fill: fill if series is None else series,
        "IF": lambda condition, then, otherwise: then if condition else otherwise,
        "DAY": lambda _series: instant.isoweekday(),  # CloudWatch: 1 Monday ... 7 Sunday
        "HOUR": lambda _series: instant.hour,  # UTC
    }
    for query in queries:
        if "MetricStat" in query:
            values[query["Id"]] = sent[query["MetricStat"]["Metric"]["MetricName"]]
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
    # GIVEN the prod template THEN the alarm reads the accepted check-ins the app counts and the day-off watch's
    # DayOff (5-minute sums, as the app sends them), and tells the topic
    metrics = {q["MetricStat"]["Metric"]["MetricName"]: q["MetricStat"] for q in props["Metrics"] if "MetricStat" in q}
    assert set(metrics) == {Metric.CHECKIN_ACCEPTED, Metric.DAY_OFF}
    for name, metric in metrics.items():
        assert metric["Metric"] == {
            "Namespace": NAMESPACE,
            "MetricName": name,
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


def _zone_queries(template: dict[str, Any], zone: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The no-check-in alarm's properties, and its queries as a stack in `zone` deploys them."""
    props = template["Resources"][NO_CHECKIN_ALARM]["Properties"]
    queries = [
        {**q, "Expression": _choose(q.get("Expression"), zone, template["Conditions"])} for q in props["Metrics"]
    ]
    return props, queries


def _week(zone: str) -> list[tuple[datetime, datetime]]:
    """Each 5 minutes of a week: its start in UTC and in `zone`."""
    instants = [MONDAY + timedelta(minutes=5 * step) for step in range(7 * 24 * 12)]
    return [(instant, instant.astimezone(ZoneInfo(zone))) for instant in instants]


def test_a_weekday_the_regency_has_off_leaves_the_alarm_quiet_while_the_watch_says_so(merged: MergeResult) -> None:
    template = merged.template
    for zone in template["Parameters"]["Timezone"]["AllowedValues"]:
        props, queries = _zone_queries(template, zone)
        for instant, local in _week(zone):
            working = local.isoweekday() <= 5 and any(start <= local.hour < end for start, end in CHECKIN_WINDOWS)
            # GIVEN a weekday holiday or cuti bersama: nobody checks in, and the day-off watch sent DayOff in these
            # 5 minutes (once, or twice when a run was retried) THEN the alarm does not sound
            for day_off in (1.0, 2.0):
                assert _breaches(props, _evaluate(queries, instant, None, day_off)) is False, (zone, local)
                assert _breaches(props, _evaluate(queries, instant, 0.0, day_off)) is False, (zone, local)
            # AND when the watch sent nothing (a working day, or the watch failed: it fails safe) the windows are
            # watched as before
            assert _breaches(props, _evaluate(queries, instant, None, None)) is working, (zone, local)
    # AND the alarm's description no longer says a holiday sounds it: it names the watch
    description = template["Resources"][NO_CHECKIN_ALARM]["Properties"]["AlarmDescription"]
    assert "holiday also sounds it" not in description and Metric.DAY_OFF in description, description
    assert f"{DAY_OFF_WATCH}ErrorsAlarm" in description and f"{DAY_OFF_WATCH}ErrorsAlarm" in template["Resources"]


def _cron_fires(expression: str, local: datetime) -> bool:
    """Whether an EventBridge cron expression of the forms the schedules use (`cron(0/5 7-8,16 ? * MON-FRI *)`,
    `cron(30 23 * * ? *)`) fires at the local minute `local`."""
    minutes, hours, _, _, weekdays, _ = expression.removeprefix("cron(").removesuffix(")").split(" ")
    start, _, step = minutes.partition("/")
    fires_minute = local.minute >= int(start) and (local.minute - int(start)) % int(step or 60) == 0
    fires_hour = any(
        int(low) <= local.hour <= int(high or low)
        for low, _, high in (part.partition("-") for part in hours.split(","))
    )
    fires_day = weekdays in ("?", "*") or (weekdays == "MON-FRI" and local.isoweekday() <= 5)
    return fires_minute and fires_hour and fires_day


def test_the_day_off_watch_runs_in_every_5_minutes_the_alarm_watches_and_nowhere_else(merged: MergeResult) -> None:
    # GIVEN the day-off watch's schedule as deployed: a local time in the stack's zone
    template = merged.template
    [event] = template["Resources"][DAY_OFF_WATCH]["Properties"]["Events"].values()
    assert (event["Type"], event["Properties"]["ScheduleExpressionTimezone"]) == ("ScheduleV2", {"Ref": "Timezone"})
    expression = event["Properties"]["ScheduleExpression"]
    for zone in template["Parameters"]["Timezone"]["AllowedValues"]:
        props, queries = _zone_queries(template, zone)
        for instant, local in _week(zone):
            # THEN in whichever zone the stack runs, it fires at the start of each 5 minutes the alarm watches (its
            # DayOff lands in that period; the alarm needs 3 quiet periods, so one late or failed run is no alarm),
            # and never when the alarm does not watch (no run for nothing)
            watched = _breaches(props, _evaluate(queries, instant, None, None))
            assert _cron_fires(expression, local) is watched, (zone, local, expression)


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
