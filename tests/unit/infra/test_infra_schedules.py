"""Scheduled jobs fire at the regency's local time, and app.py cannot silently disagree with infra."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.runtime import scheduled_job_of
from chalicelib.store.models import ALL_MODELS
from infra.errors import ScheduleError
from infra.merge import MergeConfig, merge
from infra.schedules import SCHEDULES, LocalSchedule, by_function, check_expression, utc_expression

RECAP = LocalSchedule("daily_recap", 23, 30, "recap")
SYNC = LocalSchedule("simpeg_sync", 1, 0, "sync")
WATCH = by_function()["day_off_watch"]


@pytest.mark.parametrize(
    ("schedule", "zone", "expected"),
    [
        (RECAP, "Asia/Jakarta", "cron(30 16 * * ? *)"),  # 23:30 WIB
        (SYNC, "Asia/Jakarta", "cron(0 18 * * ? *)"),  # 01:00 WIB is 18:00 UTC the day before
        (SYNC, "Asia/Makassar", "cron(0 17 * * ? *)"),  # WITA, UTC+8
        (SYNC, "Asia/Jayapura", "cron(0 16 * * ? *)"),  # WIT, UTC+9
    ],
)
def test_utc_translation_of_local_times(schedule: LocalSchedule, zone: str, expected: str) -> None:
    assert utc_expression(schedule, zone) == expected


def test_the_day_off_watch_runs_every_5_minutes_of_the_working_windows_on_weekdays() -> None:
    # GIVEN the watch's local schedule THEN it is written for the windows the alarm watches, Monday to Friday
    assert WATCH.local_expression() == "cron(0/5 7-8,16 ? * MON-FRI *)"
    # AND app.py writes it in UTC for WIB: the same weekdays, the hours 7 earlier
    assert utc_expression(WATCH, "Asia/Jakarta") == "cron(0/5 0-1,9 ? * MON-FRI *)"
    # AND where a UTC cron would move some windows to the day before, it says so instead of naming wrong days
    # (a WITA or WIT stage never needs it: the deployed schedule is the local one)
    with pytest.raises(ScheduleError, match="day before"):
        utc_expression(WATCH, "Asia/Jayapura")


def test_an_app_expression_of_the_watch_that_disagrees_names_the_cron_to_write() -> None:
    with pytest.raises(ScheduleError) as caught:
        check_expression(WATCH, "cron(0/15 0-1,9 ? * MON-FRI *)")  # every 15 minutes: not what infra deploys
    assert 'Cron("0/5", "0-1,9", "?", "*", "MON-FRI", "*")' in str(caught.value)


def test_zones_with_daylight_saving_are_refused() -> None:
    with pytest.raises(ScheduleError, match="daylight saving"):
        utc_expression(SYNC, "Europe/Berlin")


def test_app_expression_that_disagrees_names_the_cron_to_write() -> None:
    with pytest.raises(ScheduleError) as caught:
        check_expression(RECAP, "cron(30 23 * * ? *)", "Asia/Jakarta")  # local time written as UTC
    assert 'Cron(30, 16, "*", "*", "?", "*")' in str(caught.value)


def test_chalice_schedules_become_local_time_scheduler_events(resources: dict[str, Any]) -> None:
    for function_id, schedules in (
        ("DailyRecap", ["cron(30 23 * * ? *)", "cron(30 10 * * ? *)"]),
        ("SimpegSync", ["cron(0 1 * * ? *)"]),
        ("DayOffWatch", ["cron(0/5 7-8,16 ? * MON-FRI *)"]),
    ):
        events = list(resources[function_id]["Properties"]["Events"].values())
        assert [e["Properties"]["ScheduleExpression"] for e in events] == schedules
        assert {e["Type"] for e in events} == {"ScheduleV2"}
        assert all(e["Properties"]["ScheduleExpressionTimezone"] == {"Ref": "Timezone"} for e in events)
        # the function's own schedule sends the scheduler's default event (what app.py's handler was written for)
        assert "Input" not in events[0]["Properties"]


def test_two_stacks_in_one_account_and_region_get_schedules_of_their_own(resources: dict[str, Any]) -> None:
    # GIVEN dev and prod deployed in one account and region (decision 269): SAM names a ScheduleV2 schedule after
    # its logical id unless told not to, in the default schedule group both stacks share
    events = [
        event
        for resource in resources.values()
        if resource["Type"] == "AWS::Serverless::Function"
        for event in resource["Properties"].get("Events", {}).values()
        if event["Type"] == "ScheduleV2"
    ]
    assert len(events) == len(SCHEDULES)
    # THEN no schedule carries a fixed name: CloudFormation names each after its stack, so the second stack's
    # deploy does not fail on "already exists" (nor take over the first stack's schedule)
    assert all(event["Properties"].get("OmitName") is True and "Name" not in event["Properties"] for event in events)


def test_the_recap_function_s_morning_schedule_names_the_day_before_job(resources: dict[str, Any]) -> None:
    morning = resources["DailyRecap"]["Properties"]["Events"]["DayBeforeRecapEvent"]["Properties"]
    event = json.loads(morning["Input"])
    # the scheduled-event shape Chalice's @app.schedule handler reads, naming the job (jobs.recap_event)
    assert {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"} <= set(event)
    assert (scheduled_job_of(event), morning["DeadLetterConfig"]) == (
        "day_before_recap",
        {"Arn": {"Fn::GetAtt": ["DailyRecapDeadLetterQueue", "Arn"]}},
    )


def test_timezone_parameter_defaults_to_the_stage_zone_and_drives_the_app(merged: Any) -> None:
    parameter = merged.template["Parameters"]["Timezone"]
    assert parameter["Default"] == "Asia/Jakarta"
    assert {"Asia/Makassar", "Asia/Jayapura"} <= set(parameter["AllowedValues"])
    variables = merged.template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["SMART_TIMEZONE"] == {"Ref": "Timezone"}


def test_a_wit_regency_sets_only_its_zone_and_gets_local_schedules(chalice_template: dict[str, Any]) -> None:
    """The README and deployment.md tell a WITA/WIT regency to set SMART_TIMEZONE in .chalice/config.json; app.py's
    UTC expressions stay written for WIB and the build does not ask to rewrite them."""
    wit = json.loads(json.dumps(chalice_template).replace('"Asia/Jakarta"', '"Asia/Jayapura"'))
    merged = merge(wit, ALL_MODELS)
    assert merged.template["Parameters"]["Timezone"]["Default"] == "Asia/Jayapura"
    events = merged.template["Resources"]["DailyRecap"]["Properties"]["Events"].values()
    assert [e["Properties"]["ScheduleExpression"] for e in events] == ["cron(30 23 * * ? *)", "cron(30 10 * * ? *)"]
    assert all(e["Properties"]["ScheduleExpressionTimezone"] == {"Ref": "Timezone"} for e in events)
    # AND the day-off watch runs through its working windows in WIT (07:00 WIT, not 07:00 WIB)
    [watch] = merged.template["Resources"]["DayOffWatch"]["Properties"]["Events"].values()
    assert (watch["Properties"]["ScheduleExpression"], watch["Properties"]["ScheduleExpressionTimezone"]) == (
        "cron(0/5 7-8,16 ? * MON-FRI *)",
        {"Ref": "Timezone"},
    )


def test_a_scheduled_function_unknown_to_infra_stops_the_build(chalice_template: dict[str, Any]) -> None:
    config = MergeConfig(schedules=tuple(s for s in SCHEDULES if s.function != "daily_recap"))
    with pytest.raises(ScheduleError, match="DailyRecap"):
        merge(chalice_template, ALL_MODELS, config)


def test_a_schedule_missing_from_app_is_reported(chalice_template: dict[str, Any]) -> None:
    resources = chalice_template["Resources"]
    del resources["DailyRecap"], resources["DailyRecapRole"]
    result = merge(chalice_template, ALL_MODELS)
    assert result.warnings == ["no scheduled function 'daily_recap' in app.py yet: its schedule is not deployed"]
