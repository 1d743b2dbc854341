"""An admin's daily recap of several units within a request's time (usecases/reports.run_recap): the units
judged until a deadline (forced tiny here) are finished in the request, the others handed whole to the report
worker in a `recap_rejudge` run (kept in a list, as Lambda queues an asynchronous invocation, and run when the
test says); and the monthly report's files of too many employees refused for the export."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.domain.attendance import Event
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import UnavailableError, ValidationError
from chalicelib.settings import build_settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.store.job_runs import JobRun
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import recaps, rejudge, reports
from chalicelib.usecases.schemas.reports import MonthlyQuery, MonthScope, RecapAccepted, RecapRequest, RecapRun

from .admin_fixtures import AuditTrail, audited

__all__ = ["audited"]  # the shared fixture this module uses

SETTINGS = build_settings({})
MONDAY = date(2026, 11, 2)
AFTER = datetime(2026, 11, 3, 1, 0, tzinfo=UTC)  # Tuesday morning in Jakarta: Monday has ended
SUPER = Principal("bkpsdm", "super_admin")
UNITS = ("U1", "U2", "U3")
# (nip, name, unit, arrival on Monday or None); everyone leaves at 16:05
STAFF = (
    ("198501012010011001", "Asep", "U1", (7, 2)),
    ("199002022015032002", "Budi", "U2", (8, 10)),
    ("197803032005011003", "Cucu", "U2", None),
    ("196912122000121004", "Dedi", "U3", (7, 20)),
)
Handed = list[tuple[str, Callable[[], object]]]


def local(hour: int, minute: int, day: date = MONDAY) -> datetime:
    """An instant of `day` in Jakarta (UTC+7)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SETTINGS.tz).astimezone(UTC)


def check(repos: Repositories, nip: str, unit: str, kind: str, at: datetime) -> None:
    """A check-in or check-out stored as a check-in stores it."""
    day = at.astimezone(SETTINGS.tz).date().isoformat()
    event = Event(new_event_id(nip, at), nip, kind, "accepted", iso(at), iso(at), day, unit, warnings=())
    claim = f"{nip}#{kind}-{at.timestamp()}"
    repos.events.write_checkin(
        CheckinWrite(event, claim, "body", StoredAnswer(201, {}), at, first_arrival=kind == "in")
    )


@pytest.fixture
def regency(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> Repositories:
    """Three units (followed by SMART since October), Monday's check-ins, never recapped."""
    with monkeypatch.context() as clock:
        clock.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 10, 1, tzinfo=UTC))
        for unit in UNITS:
            repos.people.upsert_unit(unit, f"Unit {unit}")
        for nip, nama, unit, _ in STAFF:
            repos.people.put_employee(Employee(nip=nip, nama=nama, unor_id=unit))
    for nip, _, unit, arrival in STAFF:
        if arrival is not None:
            check(repos, nip, unit, "in", local(*arrival))
            check(repos, nip, unit, "out", local(16, 5))
    return repos


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch) -> Handed:
    """The hand-overs to the report worker, kept (not run) until the test runs them."""
    work: Handed = []
    monkeypatch.setattr(runtime, "start_rejudge", lambda _s, ref, here: work.append((ref, here)))
    return work


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every unit whose day is judged (in the request or by the worker), in order."""
    seen: list[str] = []
    real = recaps.judged_unit_day

    def spy(unor_id: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(unor_id)
        return real(unor_id, *args, **kwargs)

    monkeypatch.setattr(recaps, "judged_unit_day", spy)
    return seen


def budget_of(monkeypatch: pytest.MonkeyPatch, units: int) -> None:
    """A request whose time runs out once `units` units have begun: one unit at a time, and a clock that reads 0
    for the deadline and those units, and an hour later after them."""
    monkeypatch.setattr(recaps, "UNIT_WORKERS", 1)
    readings: Iterator[float] = iter([0.0] * (units + 1))
    monkeypatch.setattr(reports, "_clock", lambda: next(readings, 3600.0))


def stored(repos: Repositories, unit: str) -> dict[str, str]:
    return {row.nama: row.status.status for row in repos.statuses.day_page(unit, MONDAY, None)[0]}


def rejudge_runs() -> list[JobRun]:
    return runtime.job_runs().recent_runs([rejudge.JOB], 10)


def body(**fields: object) -> RecapRequest:
    return RecapRequest.model_validate({"date": MONDAY.isoformat(), **fields})


def test_a_small_regency_is_recapped_within_the_request_as_before(
    regency: Repositories, handed: Handed, audited: AuditTrail
) -> None:
    # WHEN the super admin recaps Monday for "Semua unit" with the default budget
    answer = reports.run_recap(SUPER, body(), SETTINGS, AFTER)
    # THEN every unit is judged within the request and answered as ever: nothing is handed over
    assert type(answer) is RecapRun
    assert answer.model_dump(mode="json") == {"date": "2026-11-02", "employees": 4, "written": 4, "unchanged": 0}
    assert handed == [] and rejudge_runs() == []
    assert stored(regency, "U2") == {"Budi": "TL2", "Cucu": "TK"}


def test_units_the_request_has_no_time_for_are_handed_to_the_worker_which_judges_them_once(
    regency: Repositories, handed: Handed, judged: list[str], audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a request whose time runs out after its first unit
    budget_of(monkeypatch, 1)
    # WHEN the super admin recaps Monday for every unit
    answer = reports.run_recap(SUPER, body(), SETTINGS, AFTER)
    # THEN U1 is judged within the request, and the answer says the other two go on in a run of the worker
    assert isinstance(answer, RecapAccepted)
    assert (answer.employees, answer.written, answer.recapping) == (1, 1, 2)
    assert judged == ["U1"] and stored(regency, "U1") == {"Asep": "H"}
    assert stored(regency, "U2") == {} and stored(regency, "U3") == {}
    # AND the run, listed by GET /v1/admin/jobs, names those units' day (never recapped: judged all the same)
    [run] = rejudge_runs()
    assert (run.run_id, run.status, run.trigger) == (answer.run_id, "running", "admin")
    assert run.result == {"unit_days": [["U2", "2026-11-02"], ["U3", "2026-11-02"]], "recap": "finished"}
    # AND the audit log has the hand-over
    [entry] = audited.entries()
    assert entry.detail is not None and (entry.detail["run_id"], entry.detail["recapping"]) == (run.run_id, 2)
    # WHEN the worker runs it, twice (Lambda's retry)
    [(ref, work)] = handed
    done, again = work(), work()
    # THEN it judges U2 and U3 once each, and U1, judged in the request, not again
    assert done == {"run": ref, "status": "succeeded", "unit_days": 2, "dates": ["2026-11-02"], "recap": "finished",
                    "employees": 3, "written": 3, "unchanged": 0}  # fmt: skip
    assert again == {"run": ref, "status": "succeeded"}
    assert judged == ["U1", "U2", "U3"]
    assert stored(regency, "U2") == {"Budi": "TL2", "Cucu": "TK"} and stored(regency, "U3") == {"Dedi": "H"}
    assert rejudge_runs()[0].status == "succeeded"


def test_a_handed_over_run_judges_as_the_console_asked_at_the_instant_it_asked(
    regency: Repositories, handed: Handed, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN no time at all in the request (every unit goes to the worker)
    monkeypatch.setattr(reports, "RECAP_BUDGET_S", 0.0)
    # WHEN "Hitung Ulang" asks at 10:00 on Monday to judge the day as the scheduled runs do
    answer = reports.run_recap(SUPER, body(as_scheduled=True), SETTINGS, local(10, 0))
    assert isinstance(answer, RecapAccepted) and (answer.employees, answer.recapping) == (0, 3)
    [run] = rejudge_runs()
    assert run.result is not None and run.result["recap"] == "as_scheduled"
    assert run.result["scheduled_at"] == "2026-11-02T03:00:00+00:00"
    # AND the worker runs it later
    handed[0][1]()
    # THEN the day stands as it stood at 10:00: Budi late but not yet due home, Cucu who may still come no TK
    assert stored(regency, "U2") == {"Budi": "TL2"}


def test_a_hand_over_that_fails_leaves_the_admin_to_press_again(
    regency: Repositories, judged: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a request whose time runs out after its first unit, and a report worker that cannot be invoked
    budget_of(monkeypatch, 1)

    def down(*_: object) -> None:
        raise UnavailableError(details={"dependency": "lambda"})

    monkeypatch.setattr(runtime, "start_rejudge", down)
    # WHEN the super admin recaps Monday THEN the answer is 503 and the run records what was not judged
    with pytest.raises(UnavailableError):
        reports.run_recap(SUPER, body(), SETTINGS, AFTER)
    [run] = rejudge_runs()
    assert (run.status, run.error) == ("failed", "hand-over failed")
    assert run.result is not None and run.result["unit_days"] == [["U2", "2026-11-02"], ["U3", "2026-11-02"]]
    # WHEN they press again with time enough THEN every unit is judged, U1's day unchanged
    monkeypatch.setattr(reports, "_clock", lambda: 0.0)
    again = reports.run_recap(SUPER, body(), SETTINGS, AFTER)
    assert type(again) is RecapRun and (again.employees, again.written, again.unchanged) == (4, 3, 1)
    assert stored(regency, "U2") == {"Budi": "TL2", "Cucu": "TK"} and stored(regency, "U3") == {"Dedi": "H"}


def test_one_unit_is_always_judged_within_the_request(regency: Repositories, handed: Handed,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(reports, "RECAP_BUDGET_S", 0.0)
    answer = reports.run_recap(SUPER, body(unor_id="U2"), SETTINGS, AFTER)
    assert type(answer) is RecapRun and answer.employees == 2 and handed == []


@pytest.fixture
def file_limit(regency: Repositories, monkeypatch: pytest.MonkeyPatch) -> None:
    """Monday recapped, and monthly files built within a request up to three employees."""
    recaps.run_daily_recap(MONDAY, SETTINGS)
    monkeypatch.setattr(reports, "SYNC_FILE_EMPLOYEES", 3)


def month(fmt: str, unor_id: str | None = None) -> MonthlyQuery:
    return MonthlyQuery.model_validate({"month": "2026-11", "unor_id": unor_id, "format": fmt})


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "pdf"])
def test_a_monthly_file_of_more_employees_than_a_request_builds_is_refused_for_the_export(
    file_limit: None, fmt: str
) -> None:
    # WHEN the super admin asks the regency's (four employees) monthly file synchronously
    with pytest.raises(ValidationError) as refused:
        if fmt == "pdf":
            reports.monthly_pdf(SUPER, MonthScope.model_validate({"month": "2026-11"}), SETTINGS, AFTER)
        else:
            reports.monthly(SUPER, month(fmt), SETTINGS, AFTER)
    # THEN it is refused, pointing to the export that builds it in the background
    assert "POST /v1/admin/recaps/monthly/exports" in refused.value.message
    assert "4 pegawai dari 3 unit" in refused.value.message
    assert list(refused.value.details) == ["format"]


def test_a_monthly_file_within_the_limit_and_the_regency_json_are_answered_as_before(file_limit: None) -> None:
    # a unit's file, and the regency's JSON report (API.md's), are built within the request
    assert reports.monthly(SUPER, month("xlsx", "U2"), SETTINGS, AFTER)
    report: Any = reports.monthly(SUPER, month("json"), SETTINGS, AFTER)
    assert len(report.items) == 4
    # and a file of units with at most that many employees (U1 and U2: three) too
    admin = Principal("ua", "unit_admin", frozenset({"U1", "U2"}))
    assert reports.monthly(admin, month("csv"), SETTINGS, AFTER)
