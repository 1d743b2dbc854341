"""A day's sheet (and a month's, through its last day) is final on stored evidence: the recap run that last judged
the unit's day did so once every shift of it had ended (the next morning's run time), not merely because the
clock passed the time that run should have ended. A morning run that failed or never ran leaves the night shifts
stored without their check-out: the sheet stays SEMENTARA until a run judges the day whole."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain.people import Principal
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import recaps, reports
from chalicelib.usecases.schemas.reports import DailyRecap, DailyRecapQuery, MonthlyQuery, MonthlyReport, RecapRequest

from .test_recaps import (
    MONDAY_NIGHT_RUN,
    SETTINGS,
    SUPER,
    TUESDAY_MORNING_RUN,
    U1_ADMIN,
    C,
    check,
    local,
    night_shift,
    unit,
)
from .test_reports import _day_files, _month_pdf_text

__all__ = ["unit"]  # the shared fixture this module uses

TUESDAY_ELEVEN = local(11, 0) + timedelta(days=1)  # after the morning run's time and its longest run (10:45)
TUESDAY_ONE_PM = local(13, 0) + timedelta(days=1)


def _signed(text: str, title: str) -> bool:
    """Whether the day's PDF text and XLSX title are the final sheet: signature block, no SEMENTARA."""
    return "SEMENTARA" not in text and "SEMENTARA" not in title and "Mengetahui," in text


def _nightly_only(repos: Repositories) -> None:
    """Cucu's night shift on Monday (21:00-07:00), her 20:55 check-in, and Monday's 23:30 run, which stored her day
    as it stood (decision 141: on time, her check-out not due yet); she never checks out."""
    night_shift(C)
    check(repos, C, "in", local(20, 55))
    recaps.run_nightly_recap(MONDAY_NIGHT_RUN, SETTINGS)


def test_a_day_judged_only_by_its_nightly_run_stays_provisional_when_the_morning_run_never_ran(
    unit: Repositories,
) -> None:
    # GIVEN Monday judged by its 23:30 run only, Cucu's night shift stored without its check-out, and Tuesday's
    # 10:30 run failed (or never fired)
    _nightly_only(unit)
    # AND an admin's "Hitung Ulang" of Monday at 23:45, judged as scheduled then (her shift still running)
    as_scheduled = RecapRequest.model_validate({"date": "2026-11-02", "unor_id": "U1", "as_scheduled": True})
    reports.run_recap(U1_ADMIN, as_scheduled, SETTINGS, local(23, 45))
    # WHEN U1's admin downloads Monday's PDF and XLSX at 11:00 on Tuesday, and again that evening
    for printed in (TUESDAY_ELEVEN, local(20, 0) + timedelta(days=1)):
        text, title = _day_files(printed)
        # THEN both are SEMENTARA, unsigned: signed now, Cucu's night would be paid without its check-out
        assert "SEMENTARA" in text and "SEMENTARA" in title and "Mengetahui," not in text, printed


RERUNS: dict[str, Callable[[], object]] = {
    "the morning run": lambda: recaps.run_daily_recap(date(2026, 11, 2), SETTINGS, scheduled_at=TUESDAY_MORNING_RUN),
    "an admin's run as scheduled": lambda: reports.run_recap(
        U1_ADMIN,
        RecapRequest.model_validate({"date": "2026-11-02", "unor_id": "U1", "as_scheduled": True}),
        SETTINGS,
        TUESDAY_ONE_PM,
    ),
    "an admin's plain run": lambda: reports.run_recap(
        U1_ADMIN, RecapRequest.model_validate({"date": "2026-11-02", "unor_id": "U1"}), SETTINGS, TUESDAY_ONE_PM
    ),
}


@pytest.mark.parametrize("rerun", RERUNS)
def test_a_day_judged_again_once_its_shifts_ended_is_final(unit: Repositories, rerun: str) -> None:
    # GIVEN Monday judged by its 23:30 run only, Cucu's night shift stored without its check-out
    _nightly_only(unit)
    # WHEN Monday is judged again after Tuesday's 10:30: by the morning run, or by an admin's run made up for it
    RERUNS[rerun]()
    # THEN the sheet printed afterwards is final, signed, with Cucu's missing check-out charged
    text, title = _day_files(TUESDAY_ONE_PM + timedelta(minutes=5))
    assert _signed(text, title) and "PSW4" in text


def test_a_month_whose_last_day_missed_its_morning_run_is_provisional_until_a_run_judges_it_whole(
    unit: Repositories,
) -> None:
    # GIVEN 30 November (the month's last day) judged by its 23:30 run only, and the 10:30 run of 1 December missing
    last, morning = date(2026, 11, 30), datetime(2026, 12, 1, 3, 30, tzinfo=UTC)
    recaps.run_nightly_recap(datetime(2026, 11, 30, 16, 30, tzinfo=UTC), SETTINGS)
    # WHEN U1's head prints November's signing sheet at 11:00 on 1 December
    text = _month_pdf_text(morning + timedelta(minutes=30))
    # THEN it is SEMENTARA, unsigned
    assert "SEMENTARA" in text and "Mengetahui," not in text
    # AND once a run judges 30 November after the morning run's time, the month is final
    recaps.run_daily_recap(last, SETTINGS, scheduled_at=morning + timedelta(minutes=20))
    text = _month_pdf_text(morning + timedelta(minutes=25))
    assert "SEMENTARA" not in text and "Kepala SDN 1 Ngamprah" in text


def test_the_days_json_says_whether_its_sheet_is_provisional_by_the_same_rule(unit: Repositories) -> None:
    # GIVEN Monday judged by its 23:30 run only, and Tuesday's morning run missing
    _nightly_only(unit)
    query = DailyRecapQuery.model_validate({"date": "2026-11-02", "unor_id": "U1"})
    # WHEN U1's admin opens Monday on the Rekap screen at 11:00 on Tuesday
    page = reports.daily_recap(U1_ADMIN, query, SETTINGS, TUESDAY_ELEVEN)
    # THEN the page says its sheet is provisional, as the files say SEMENTARA (not the console's clock)
    assert isinstance(page, DailyRecap) and page.provisional is True
    # AND once the morning run has judged Monday whole, it is not
    RERUNS["the morning run"]()
    page = reports.daily_recap(U1_ADMIN, query, SETTINGS, TUESDAY_ELEVEN)
    assert isinstance(page, DailyRecap) and page.provisional is False
    # AND a page of several units' rows, each with its own sheet, says nothing (null)
    several = reports.daily_recap(SUPER, query.model_copy(update={"unor_id": None}), SETTINGS, TUESDAY_ELEVEN)
    assert isinstance(several, DailyRecap) and several.unor_id is None and several.provisional is None
    # AND a day over that no recap stored is provisional too
    tuesday = query.model_copy(update={"date": date(2026, 11, 3)})
    page = reports.daily_recap(U1_ADMIN, tuesday, SETTINGS, TUESDAY_ELEVEN + timedelta(days=1))
    assert isinstance(page, DailyRecap) and page.items == [] and page.provisional is True


def _month_json(principal: Principal, now: datetime, unor_id: str | None = "U1") -> MonthlyReport:
    """November's monthly report as the Rekap screen reads it (`format=json`) at `now`."""
    query = MonthlyQuery.model_validate({"month": "2026-11", "unor_id": unor_id, "format": "json"})
    answer = reports.monthly(principal, query, SETTINGS, now)
    assert isinstance(answer, MonthlyReport)
    return answer


def test_the_months_json_says_whether_its_sheets_are_provisional_by_the_same_rule(unit: Repositories) -> None:
    # GIVEN 30 November (the month's last day) judged by its 23:30 run only, and the 10:30 run of 1 December missing
    last, morning = date(2026, 11, 30), datetime(2026, 12, 1, 3, 30, tzinfo=UTC)
    recaps.run_nightly_recap(datetime(2026, 11, 30, 16, 30, tzinfo=UTC), SETTINGS)
    # WHEN U1's admin opens November on the Rekap screen at 11:00 on 1 December, past the time the console's clock
    # rule calls the month final
    # THEN the report says its sheets are provisional, as the PDF it downloads says SEMENTARA
    assert _month_json(U1_ADMIN, morning + timedelta(minutes=30)).provisional is True
    assert "SEMENTARA" in _month_pdf_text(morning + timedelta(minutes=30))
    # AND the regency's report says so too while any unit's month is not final
    assert _month_json(SUPER, morning + timedelta(minutes=30), None).provisional is True
    # AND once a run judges 30 November after the morning run's time, the month is final, before 10:45 as after
    recaps.run_daily_recap(last, SETTINGS, scheduled_at=morning + timedelta(minutes=2))
    for read in (morning + timedelta(minutes=5), morning + timedelta(minutes=30)):
        assert _month_json(U1_ADMIN, read).provisional is False, read
        assert _month_json(SUPER, read, None).provisional is False, read
    assert "SEMENTARA" not in _month_pdf_text(morning + timedelta(minutes=5))
