"""The day-off watch (`jobs.day_off_watch`): on a weekday the regency has off, it tells NoAcceptedCheckinsAlarm
not to watch (the `DayOff` metric, infra/alarms.py); on a working day, or when it cannot tell, it says nothing, and
the alarm watches as it always did."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib import jobs
from chalicelib import observability as obs
from chalicelib.domain.calendar import DateRange
from chalicelib.errors import UnavailableError
from chalicelib.observability import Metric
from chalicelib.settings import load_settings
from chalicelib.store.repositories import Repositories

CHRISTMAS = date(2026, 12, 25)  # a Friday
WIB_0705_ON_CHRISTMAS = datetime(2026, 12, 25, 0, 5, tzinfo=UTC)  # 07:05 WIB
WIB_0705_ON_THE_24TH = datetime(2026, 12, 24, 0, 5, tzinfo=UTC)  # a Thursday
WIB_0705_ON_THE_26TH = datetime(2026, 12, 26, 0, 5, tzinfo=UTC)  # a Saturday


@pytest.fixture(autouse=True)
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A WIB stage unless a test says otherwise; no metric left over from another test."""
    monkeypatch.setenv("SMART_TIMEZONE", "Asia/Jakarta")
    load_settings.cache_clear()
    obs.metrics.clear_metrics()
    yield
    load_settings.cache_clear()


def watched_at(
    now: datetime, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[dict[str, Any], list[str]]:
    """Run the watch as its schedule does at `now`; its result and the names of the metrics it sent."""
    monkeypatch.setattr(jobs, "utc_now", lambda: now)
    capsys.readouterr()
    result = jobs.day_off_watch()
    return result, sent_metrics(capsys)


def sent_metrics(capsys: pytest.CaptureFixture[str]) -> list[str]:
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    blobs = [line for line in lines if "_aws" in line]
    return [m["Name"] for blob in blobs for d in blob["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]]


@pytest.mark.parametrize("kind", ["national", "cuti_bersama", "local"])
def test_a_weekday_holiday_of_the_regency_is_a_day_off_the_alarm_must_not_watch(
    kind: str, repos: Repositories, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the regency's calendar gives Friday 25 December off (a national holiday, cuti bersama or a local one)
    repos.calendar.put_holiday(CHRISTMAS, "Hari Raya Natal", kind)
    # WHEN the watch runs at 07:05 that morning
    result, metrics = watched_at(WIB_0705_ON_CHRISTMAS, monkeypatch, capsys)
    # THEN it sends DayOff (the alarm leaves this 5 minutes unwatched), and says why
    assert metrics.count(Metric.DAY_OFF) == 1, metrics
    assert (result["date"], result["day_off"], result["holiday"]) == ("2026-12-25", kind, "Hari Raya Natal")


def test_a_working_day_sends_nothing_so_the_alarm_watches(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN Christmas in the calendar, and Thursday the 24th a working day
    repos.calendar.put_holiday(CHRISTMAS, "Hari Raya Natal", "national")
    # WHEN the watch runs at 07:05 on the 24th
    result, metrics = watched_at(WIB_0705_ON_THE_24TH, monkeypatch, capsys)
    # THEN no DayOff: the alarm sounds if nobody checks in
    assert Metric.DAY_OFF not in metrics and Metric.DAY_OFF_WATCH_DURATION in metrics, metrics
    assert (result["date"], result["day_off"]) == ("2026-12-24", None)


def test_a_weekend_needs_no_day_off_and_reads_nothing(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a Saturday (the alarm watches Monday to Friday only), even one the calendar marks as a holiday
    repos.calendar.put_holiday(date(2026, 12, 26), "Cuti bersama", "cuti_bersama")

    def unread(year: int) -> list[Any]:
        raise AssertionError("the calendar was read on a weekend")

    monkeypatch.setattr(repos.calendar, "holidays_of_year", unread)
    # WHEN someone fires the watch then (make fire JOB=day-off-watch)
    result, metrics = watched_at(WIB_0705_ON_THE_26TH, monkeypatch, capsys)
    # THEN it says so, and sends no DayOff
    assert Metric.DAY_OFF not in metrics, metrics
    assert (result["date"], result["day_off"]) == ("2026-12-26", "weekend")


def test_the_day_is_the_regency_s_in_its_own_zone(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a WIT regency (UTC+9) with Christmas off: its 07:00 on the 25th is 22:00 UTC on the 24th
    monkeypatch.setenv("SMART_TIMEZONE", "Asia/Jayapura")
    load_settings.cache_clear()
    repos.calendar.put_holiday(CHRISTMAS, "Hari Raya Natal", "national")
    # WHEN the watch runs then
    result, metrics = watched_at(datetime(2026, 12, 24, 22, 0, tzinfo=UTC), monkeypatch, capsys)
    # THEN it is Christmas morning there: a day off
    assert (result["date"], result["day_off"]) == ("2026-12-25", "national")
    assert Metric.DAY_OFF in metrics, metrics
    # AND at 16:00 WIT on the 24th (07:00 UTC, a working afternoon there) it is not
    result, metrics = watched_at(datetime(2026, 12, 24, 7, 0, tzinfo=UTC), monkeypatch, capsys)
    assert (result["date"], result["day_off"]) == ("2026-12-24", None)
    assert Metric.DAY_OFF not in metrics, metrics


RAMADAN_2027 = DateRange(date(2027, 2, 8), date(2027, 3, 9))


@pytest.mark.parametrize(
    ("now", "day_off"),
    [
        (datetime(2027, 2, 15, 0, 5, tzinfo=UTC), None),  # Monday 07:05 WIB: arrivals are expected
        (datetime(2027, 2, 15, 8, 20, tzinfo=UTC), None),  # 15:20: the day's 15:00 end, departures still expected
        (datetime(2027, 2, 15, 9, 5, tzinfo=UTC), "ramadan_after_hours"),  # 16:05: nobody is left to check out
        (datetime(2027, 2, 19, 8, 50, tzinfo=UTC), None),  # Friday 15:50: its hours end at 15:30
        (datetime(2027, 2, 19, 9, 5, tzinfo=UTC), "ramadan_after_hours"),  # Friday 16:05
        (datetime(2027, 3, 15, 9, 5, tzinfo=UTC), None),  # 16:05 on a Monday after Ramadan: a working afternoon
    ],
)
def test_a_ramadan_afternoon_after_its_hours_is_not_watched(
    now: datetime,
    day_off: str | None,
    repos: Repositories,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a Ramadan period, whose weekdays end at 15:00 (Friday 15:30) while the alarm watches 16:00-17:00
    repos.calendar.put_ramadan(RAMADAN_2027, "admin")
    # WHEN the watch runs
    result, metrics = watched_at(now, monkeypatch, capsys)
    # THEN from half an hour after the day's Ramadan hours, the alarm leaves the afternoon unwatched (it sounded
    # every Ramadan weekday at 16:15)
    assert result["day_off"] == day_off, result
    assert (Metric.DAY_OFF in metrics) == (day_off is not None), metrics


def test_a_calendar_that_cannot_be_read_sends_no_day_off_so_the_alarm_still_sounds(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN Christmas in the calendar, but the holidays table unreachable (throttled, an outage, a grant missing)
    repos.calendar.put_holiday(CHRISTMAS, "Hari Raya Natal", "national")

    def unreachable(year: int) -> list[Any]:
        raise UnavailableError("Layanan penyimpanan tidak tersedia.")

    monkeypatch.setattr(repos.calendar, "holidays_of_year", unreachable)
    monkeypatch.setattr(jobs, "utc_now", lambda: WIB_0705_ON_CHRISTMAS)
    capsys.readouterr()
    # WHEN the watch runs THEN it fails (the function's Errors alarm says the watch is broken) ...
    with pytest.raises(UnavailableError):
        jobs.day_off_watch()
    # ... and sends no DayOff: the alarm watches the day as a working day, as it did before the watch existed
    metrics = sent_metrics(capsys)
    assert Metric.DAY_OFF not in metrics and Metric.DAY_OFF_WATCH_DURATION in metrics, metrics
