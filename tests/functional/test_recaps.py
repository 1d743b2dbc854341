"""Daily recap, monitor, monthly report and calendar administration through the API, on stored events."""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlparse
from zoneinfo import ZoneInfo

import openpyxl
import pypdf
import pytest
from chalice.test import Client

from chalicelib import runtime
from chalicelib.domain.people import Employee
from chalicelib.errors import UnavailableError
from chalicelib.settings import load_settings
from chalicelib.store import events as events_store
from chalicelib.store.aws import s3_client
from chalicelib.store.base import iso
from chalicelib.store.models import DailyStatusModel, EventModel
from chalicelib.store.people import DynamoPeopleRepository
from chalicelib.store.schema import create_tables
from chalicelib.usecases import recaps
from tests.functional.conftest import Answer, Api, finished_export, handed_over
from tests.functional.dynamo_reads import lagging_indexes

PEOPLE = DynamoPeopleRepository()

WIB = ZoneInfo("Asia/Jakarta")
MONDAY = date(2026, 11, 2)
A, B, C = "198501012010011001", "199002022015032002", "197803032005011003"


def seed_event(nip: str, unit: str, kind: str, local: datetime, status: str = "accepted") -> str:
    """An event exactly as the check-in stores it (attendance time in UTC, unit and local date indexed)."""
    at = local.replace(tzinfo=WIB).astimezone(UTC)
    event_id = events_store.new_event_id(nip, at)
    _, key = events_store.event_keys(event_id)
    day = local.date().isoformat()
    EventModel(
        nip,
        key,
        event_id=event_id,
        type=kind,
        status=status,
        attendance_time=iso(at),
        local_date=day,
        unor_id=unit,
        unit_date=f"{unit}#{day}",
        review_unit=unit if status == "review" else None,
        latitude=-6.8468,
        longitude=107.4857,
        answer={},
    ).save()
    return event_id


@pytest.fixture()
def unit(api: Api) -> str:
    PEOPLE.upsert_unit("U1", "SDN 1 Ngamprah")
    for nip, nama in ((A, "Asep"), (B, "Budi"), (C, "Cucu")):
        PEOPLE.put_employee(Employee(nip=nip, nama=nama, unor_id="U1"))
    return "U1"


def recap(api: Api, token: str, day: date) -> dict[str, dict[str, object]]:
    assert api.call("POST", "/v1/admin/recaps/daily", {"date": day.isoformat()}, token=token).status == 200
    answer = api.call("GET", f"/v1/admin/recaps/daily?date={day.isoformat()}&unor_id=U1", token=token)
    assert answer.status == 200, answer.body
    return {item["nip"]: item for item in answer.body["items"]}


def seen_on(api: Api, token: str, day: date, unit: str = "U1") -> tuple[dict[str, str], dict[str, int]]:
    """What an admin's views show of a unit's `day`: the monitor's state of each NIP, the summary's counts."""
    monitor = api.call("GET", f"/v1/admin/monitor?date={day.isoformat()}&unor_id={unit}", token=token)
    summary = api.call("GET", f"/v1/admin/monitor/summary?date={day.isoformat()}", token=token)
    assert (monitor.status, summary.status) == (200, 200), (monitor.body, summary.body)
    counts = next(u["counts"] for u in summary.body["units"] if u["unor_id"] == unit)
    return {i["nip"]: i["state"] for i in monitor.body["items"]}, {k: n for k, n in counts.items() if n}


def test_daily_recap_classifies_each_employee(api: Api, unit: str) -> None:
    admin = api.admin_token()
    seed_event(A, unit, "in", datetime.combine(MONDAY, datetime.min.time()).replace(hour=7, minute=45))
    seed_event(A, unit, "out", datetime.combine(MONDAY, datetime.min.time()).replace(hour=16, minute=5))
    leave = api.call(
        "POST",
        "/v1/admin/leaves",
        {
            "nip": C,
            "type": "SAKIT",
            "start_date": MONDAY.isoformat(),
            "end_date": MONDAY.isoformat(),
            "reason": "demam",
        },
        token=admin,
    )
    assert leave.status == 201, leave.body
    items = recap(api, admin, MONDAY)
    assert items[A]["status"] == "TL1" and items[A]["late_minutes"] == 15
    assert items[B]["status"] == "TK"
    assert items[C]["status"] == "S"
    rerun = api.call("POST", "/v1/admin/recaps/daily", {"date": MONDAY.isoformat()}, token=admin)
    assert rerun.body["written"] == 0 and rerun.body["unchanged"] == 3


def test_daily_recap_downloads_over_http_only_in_the_admin_s_units(api: Api, unit: str) -> None:
    # GIVEN Monday recapped: Asep arrived at 07.45 and never checked out, Budi did not come
    admin = api.admin_token()
    seed_event(A, unit, "in", datetime.combine(MONDAY, datetime.min.time()).replace(hour=7, minute=45))
    recap(api, admin, MONDAY)
    path = f"/v1/admin/recaps/daily?date={MONDAY.isoformat()}&unor_id=U1&format="
    # WHEN its unit admin downloads it as CSV, THEN the whole day comes inline as text/csv
    ops = api.unit_admin_token(admin, "U1")
    inline = api.call("GET", path + "csv", token=ops)
    assert inline.status == 200 and inline.headers["Content-Type"].startswith("text/csv"), inline.body
    # named for the browser that saves it, by the unit's name
    assert inline.headers["Content-Disposition"] == 'attachment; filename="rekap-harian-sdn-1-ngamprah-2026-11-02.csv"'
    assert '2;Asep;"=""198501012010011001""";TL1+PSW4;07.45;;15;;' in inline.body
    assert '3;Budi;"=""199002022015032002""";TK;;;;;' in inline.body
    # AND as XLSX and PDF, short-lived links to files that hold the same day
    links = {fmt: api.call("GET", path + fmt, token=ops) for fmt in ("xlsx", "pdf")}
    assert all(a.status == 200 and 0 < a.body["expires_in_s"] <= 900 for a in links.values()), links
    sheet = openpyxl.load_workbook(io.BytesIO(_stored(links["xlsx"].body["download_url"]))).worksheets[0]
    assert [(r[2].value, r[3].value) for r in sheet.iter_rows(min_row=2)] == [(C, "TK"), (A, "TL1+PSW4"), (B, "TK")]
    pdf = pypdf.PdfReader(io.BytesIO(_stored(links["pdf"].body["download_url"])))
    assert "Unit: SDN 1 Ngamprah" in pdf.pages[0].extract_text() and A in pdf.pages[0].extract_text()
    # AND another unit's admin gets none of it, and an unknown format is a 400
    PEOPLE.upsert_unit("U2", "SDN 2 Ngamprah")
    other = api.unit_admin_token(admin, "U2")
    for fmt in ("csv", "xlsx", "pdf"):
        assert api.call("GET", path + fmt, token=other).status == 403
    refused = api.call("GET", path + "docx", token=ops)
    assert (refused.status, refused.body["error"]["code"]) == (400, "VALIDATION_ERROR")
    # AND each file handed out is in the audit log's views: who took which unit's day, in which format
    views = api.call("GET", "/v1/admin/audit?action=view.reports", token=admin).body["items"]
    assert sorted((v["actor"], v["role"], v["target"], v["details"]["format"]) for v in views) == [
        ("ops-u1", "unit_admin", "U1", fmt) for fmt in ("csv", "pdf", "xlsx")
    ]
    assert {(v["details"]["report"], v["details"]["date"]) for v in views} == {("daily", MONDAY.isoformat())}


def test_a_leave_duty_or_roster_entered_after_the_recap_changes_the_recapped_day(api: Api, unit: str) -> None:
    # GIVEN a recapped Monday on which nobody checked in, and its monthly report: three TK days
    admin = api.admin_token()
    day = MONDAY.isoformat()
    assert {nip: i["status"] for nip, i in recap(api, admin, MONDAY).items()} == {A: "TK", B: "TK", C: "TK"}
    month = "/v1/admin/recaps/monthly?month=2026-11&unor_id=U1"
    assert {r["deduction_percent"] for r in api.call("GET", month, token=admin).body["items"]} == {5}
    # WHEN a sick note, a field-duty letter and a day off are entered afterwards
    sick = {"nip": B, "type": "SAKIT", "start_date": day, "end_date": day, "reason": "surat dokter"}
    leave = api.call("POST", "/v1/admin/leaves", sick, token=admin)
    letter = {"nips": [C], "start_date": day, "end_date": day, "letter_no": "800/12", "reason": "rapat"}
    duty = api.call("POST", "/v1/admin/assignments", letter, token=admin)
    roster = api.call("PUT", f"/v1/admin/employees/{A}/shifts", {"shifts": {day: None}}, token=admin)
    # THEN each answer names the recapped day it judged again, and the stored day says so at once
    assert [leave.status, duty.status, roster.status] == [201, 201, 200], (leave.body, duty.body, roster.body)
    assert leave.body["recapped"] == duty.body["recapped"] == roster.body["recapped"] == [day]
    stored = api.call("GET", f"/v1/admin/recaps/daily?date={day}&unor_id=U1", token=admin)
    assert {i["nip"]: i["status"] for i in stored.body["items"]} == {A: "LIBUR", B: "S", C: "DL"}
    # AND the month that pay is computed from deducts nothing for that day
    after = api.call("GET", month, token=admin).body["items"]
    assert {r["nip"]: (r["deduction_percent"], r["counts"]["TK"]) for r in after} == {A: (0, 0), B: (0, 0), C: (0, 0)}
    # AND cancelling the letter judges the day again, the employee absent once more
    cancelled = api.call("DELETE", f"/v1/admin/assignments/{duty.body['assignment_id']}", token=admin)
    assert (cancelled.status, cancelled.body["recapped"]) == (200, [day]), cancelled.body
    stored = api.call("GET", f"/v1/admin/recaps/daily?date={day}&unor_id=U1", token=admin)
    assert {i["nip"]: i["status"] for i in stored.body["items"]}[C] == "TK"
    # AND a leave of days never recapped re-runs nothing
    later = {**sick, "start_date": "2026-11-10", "end_date": "2026-11-11"}
    assert api.call("POST", "/v1/admin/leaves", later, token=admin).body["recapped"] == []
    # AND December's report counts the year's TK days as they stand now, not as November's reads stored them
    recap(api, admin, date(2026, 12, 1))
    december = api.call("GET", "/v1/admin/recaps/monthly?month=2026-12&unor_id=U1", token=admin).body["items"]
    assert {r["nip"]: r["year_to_date"]["tk_days"] for r in december} == {A: 1, B: 1, C: 2}


def test_a_simpeg_mutation_leaves_the_days_before_it_with_the_old_unit(api: Api, unit: str) -> None:
    # GIVEN Monday recapped in U1: Asep on time, Cucu absent
    admin = api.admin_token()
    at = datetime.combine(MONDAY, datetime.min.time())
    seed_event(A, unit, "in", at.replace(hour=7, minute=10))
    seed_event(A, unit, "out", at.replace(hour=16, minute=5))
    assert {nip: i["status"] for nip, i in recap(api, admin, MONDAY).items()}[A] == "H"
    # WHEN SIMPEG moves both to U2 (a mutation, imported as the nightly sync writes it)
    rows = [{"nip": nip, "nama": nama, "unor_id": "U2", "unor_nama": "SDN 2 Ngamprah", "status": "aktif"}
            for nip, nama in ((A, "Asep"), (C, "Cucu"))]  # fmt: skip
    moved = api.call("POST", "/v1/admin/simpeg/import", {"employees": rows}, token=admin)
    assert moved.status == 200 and moved.body["moved"] == 2, moved.body
    # AND Cucu's sick note for Monday comes in afterwards
    sick = {"nip": C, "type": "SAKIT", "start_date": MONDAY.isoformat(), "end_date": MONDAY.isoformat()}
    leave = api.call("POST", "/v1/admin/leaves", sick, token=admin)
    # THEN the note judges Cucu's Monday in U1, where it was recapped, and Asep stays on time there
    assert (leave.status, leave.body["recapped"]) == (201, [MONDAY.isoformat()]), leave.body
    assert {nip: i["status"] for nip, i in recap(api, admin, MONDAY).items()} == {A: "H", B: "TK", C: "S"}
    # AND U2's Monday, recapped again, charges neither of them with a day they spent in U1
    assert api.call("POST", "/v1/admin/recaps/daily", {"date": MONDAY.isoformat(), "unor_id": "U2"},
                    token=admin).status == 200  # fmt: skip
    other = api.call("GET", f"/v1/admin/recaps/daily?date={MONDAY.isoformat()}&unor_id=U2", token=admin)
    assert other.body["items"] == []
    # AND the monitor and the summary of Monday show the day where it was judged, as it was judged
    assert seen_on(api, admin, MONDAY) == ({A: "present", B: "absent", C: "leave"}, {"present": 1, "absent": 1,
                                                                                      "leave": 1})  # fmt: skip
    assert seen_on(api, admin, MONDAY, "U2") == ({}, {})


def test_after_a_mutation_each_unit_s_admin_has_the_leaves_and_letters_of_its_own_days(
    api: Api, unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN, while Asep is in U1, U1's admin records 38 days of leave for him from Saturday 7 November, and a
    # field-duty letter for Monday 2 November, recapped in U1 as DL
    admin = api.admin_token()
    PEOPLE.upsert_unit("U2", "SDN 2 Ngamprah")
    u1, u2 = api.unit_admin_token(admin, "U1"), api.unit_admin_token(admin, "U2")
    body = {"nip": A, "type": "CUTI", "start_date": "2026-11-07", "end_date": "2026-12-14", "reason": "Cuti"}
    leave = api.call("POST", "/v1/admin/leaves", body, token=u1)
    duty = {"nips": [A], "start_date": MONDAY.isoformat(), "end_date": MONDAY.isoformat(), "letter_no": "ST/1",
            "reason": "Rapat"}  # fmt: skip
    letter = api.call("POST", "/v1/admin/assignments", duty, token=u1)
    assert (leave.status, letter.status) == (201, 201), (leave.body, letter.body)
    assert recap(api, admin, MONDAY)[A]["status"] == "DL"
    # WHEN SIMPEG moves him to U2 on Wednesday 4 November
    monkeypatch.setattr("chalicelib.store.simpeg_repo.utc_now", lambda: datetime(2026, 11, 4, 3, 0, tzinfo=UTC))
    row = {"nip": A, "nama": "Asep", "unor_id": "U2", "unor_nama": "SDN 2 Ngamprah", "status": "aktif"}
    assert api.call("POST", "/v1/admin/simpeg/import", {"employees": [row]}, token=admin).body["moved"] == 1

    def listed(path: str, token: str, unit_id: str) -> list[str]:
        answer = api.call("GET", f"/v1/admin/{path}?unor_id={unit_id}&from=2026-11-01&to=2026-12-31", token=token)
        assert answer.status == 200, answer.body
        return [item["leave_id" if path == "leaves" else "assignment_id"] for item in answer.body["items"]]

    leave_id, letter_id = leave.body["leave_id"], letter.body["assignment_id"]
    # THEN the leave (days after the move) is U2's: listed and cancelled there, not found by U1's admin
    assert (listed("leaves", u1, "U1"), listed("leaves", u2, "U2")) == ([], [leave_id])
    assert api.call("DELETE", f"/v1/admin/leaves/{leave_id}", token=u1).status == 404
    assert api.call("DELETE", f"/v1/admin/leaves/{leave_id}", token=u2).status == 200
    # AND the letter (a day he spent in U1) is U1's: U2's admin neither lists nor cancels it, U1's Monday stays DL
    assert (listed("assignments", u1, "U1"), listed("assignments", u2, "U2")) == ([letter_id], [])
    assert api.call("DELETE", f"/v1/admin/assignments/{letter_id}", token=u2).status == 404
    assert api.recapped_statuses(admin, MONDAY)[A] == "DL"
    cancelled = api.call("DELETE", f"/v1/admin/assignments/{letter_id}", token=u1)
    assert (cancelled.status, cancelled.body["recapped"]) == (200, [MONDAY.isoformat()]), cancelled.body
    assert api.recapped_statuses(admin, MONDAY)[A] == "TK"


def test_a_new_or_reactivated_employee_gets_no_status_on_a_day_judged_without_them(
    api: Api, unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Monday recapped in U1 (Asep, Budi, Cucu), then Cucu deactivated by SIMPEG (she left for study)
    admin = api.admin_token()
    assert set(recap(api, admin, MONDAY)) == {A, B, C}
    row = {"nip": C, "nama": "Cucu", "unor_id": "U1", "unor_nama": "SDN 1 Ngamprah", "status": "tugas belajar"}
    left = api.call("POST", "/v1/admin/simpeg/import", {"employees": [row], "confirm_deactivations": 1}, token=admin)
    assert left.body["deactivated"] == 1, left.body
    # WHEN SIMPEG brings in a new appointee and reactivates Cucu, two days later
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    monkeypatch.setattr("chalicelib.store.simpeg_repo.utc_now", lambda: later)
    new = {"nip": "199505052025032005", "nama": "Dewi", "unor_id": "U1", "unor_nama": "SDN 1 Ngamprah",
           "status": "aktif"}  # fmt: skip
    rows = [new, {**row, "status": "aktif"}]
    imported = api.call("POST", "/v1/admin/simpeg/import", {"employees": rows}, token=admin).body
    assert imported["created"] == 1, imported
    # THEN SMART follows both from then
    for nip in (C, new["nip"]):
        employee = PEOPLE.get_employee(nip)
        assert employee is not None and employee.followed_since == iso(later)
    # AND a re-run of Monday judges the day as it was judged: Cucu still, the appointee not (no TK for a day
    # before SMART knew her)
    assert set(recap(api, admin, MONDAY)) == {A, B, C}
    # AND the monitor and the summary of Monday do not count her absent either
    assert seen_on(api, admin, MONDAY) == ({A: "absent", B: "absent", C: "absent"}, {"absent": 3})
    # AND a day never judged before judges everyone the unit has
    assert set(recap(api, admin, MONDAY + timedelta(days=1))) == {A, B, C, new["nip"]}


@pytest.mark.parametrize("recapped_early", [False, True], ids=["not-recapped-yet", "recapped-at-09"])
def test_a_mutation_imported_during_the_day_keeps_the_day_whole_in_the_new_unit(
    api: Api, unit: str, monkeypatch: pytest.MonkeyPatch, recapped_early: bool
) -> None:
    # GIVEN Cucu's check-in at U1 on Monday 07:10 (and Monday recapped in U1 at 09:00: an admin checking early)
    admin = api.admin_token()
    at = datetime.combine(MONDAY, datetime.min.time())
    seed_event(C, unit, "in", at.replace(hour=7, minute=10))
    if recapped_early:
        assert C in recap(api, admin, MONDAY)
    # WHEN her move to U2 is imported at 10:00, she checks out at U2 at 16:05, and Monday is recapped in every unit
    monkeypatch.setattr("chalicelib.store.simpeg_repo.utc_now", lambda: datetime(2026, 11, 2, 3, 0, tzinfo=UTC))
    row = {"nip": C, "nama": "Cucu", "unor_id": "U2", "unor_nama": "SDN 2 Ngamprah", "status": "aktif"}
    assert api.call("POST", "/v1/admin/simpeg/import", {"employees": [row]}, token=admin).body["moved"] == 1
    seed_event(C, "U2", "out", at.replace(hour=16, minute=5))
    assert api.call("POST", "/v1/admin/recaps/daily", {"date": MONDAY.isoformat()}, token=admin).status == 200
    # THEN the day is U2's alone and counts both: on time, not "no check-in"; U1 keeps no status of hers that her
    # month would count a second time
    other = api.call("GET", f"/v1/admin/recaps/daily?date={MONDAY.isoformat()}&unor_id=U2", token=admin)
    assert [(i["nip"], i["status"]) for i in other.body["items"]] == [(C, "H")], other.body
    assert C not in recap(api, admin, MONDAY)
    months = [api.call("GET", f"/v1/admin/recaps/monthly?month=2026-11&unor_id={u}", token=admin).body["items"]
              for u in ("U1", "U2")]  # fmt: skip
    assert [[(r["nip"], r["counts"].get("H")) for r in rows if r["nip"] == C] for rows in months] == [[], [(C, 1)]]
    # AND the views of Monday show her in U2 only
    assert C not in seen_on(api, admin, MONDAY)[0] and seen_on(api, admin, MONDAY, "U2")[0] == {C: "present"}


def test_holiday_makes_the_day_libur(api: Api, unit: str) -> None:
    admin = api.admin_token()
    assert (
        api.call("PUT", f"/v1/admin/holidays/{MONDAY.isoformat()}", {"name": "Hari Jadi KBB"}, token=admin).status
        == 200
    )
    listed = api.call("GET", "/v1/admin/holidays?year=2026", token=admin)
    assert [h["date"] for h in listed.body["items"]] == [MONDAY.isoformat()]
    assert {i["status"] for i in recap(api, admin, MONDAY).values()} == {"LIBUR"}
    # WHEN the holiday is withdrawn after the day was recapped THEN the day is judged again at once
    deleted = api.call("DELETE", f"/v1/admin/holidays/{MONDAY.isoformat()}", token=admin)
    assert (deleted.status, deleted.body["recapped"], deleted.body["recapping"]) == (200, [MONDAY.isoformat()], 0)
    stored = api.call("GET", f"/v1/admin/recaps/daily?date={MONDAY.isoformat()}&unor_id=U1", token=admin)
    assert {i["status"] for i in stored.body["items"]} == {"TK"}
    # AND declared again, it is a day off at once
    again = api.call("PUT", f"/v1/admin/holidays/{MONDAY.isoformat()}", {"name": "Hari Jadi KBB"}, token=admin)
    assert (again.status, again.body["recapped"]) == (200, [MONDAY.isoformat()])
    stored = api.call("GET", f"/v1/admin/recaps/daily?date={MONDAY.isoformat()}&unor_id=U1", token=admin)
    assert {i["status"] for i in stored.body["items"]} == {"LIBUR"}


def test_a_holiday_deletion_whose_re_run_failed_is_finished_by_the_retried_delete(
    api: Api, unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Monday declared a holiday after it was recapped
    admin = api.admin_token()
    recap(api, admin, MONDAY)
    assert api.call("PUT", f"/v1/admin/holidays/{MONDAY.isoformat()}", {"name": "Berkabung"}, token=admin).status == 200
    # WHEN its deletion is stored and the re-run's daily-status write is throttled, once
    statuses = type(runtime.statuses())
    real, left = statuses.save_day, [1]

    def save_day(self: Any, *args: Any, **kwargs: Any) -> tuple[int, int]:
        if left and left.pop():
            raise UnavailableError(details={"dependency": "dynamodb"})
        return real(self, *args, **kwargs)

    monkeypatch.setattr(statuses, "save_day", save_day)
    path = f"/v1/admin/holidays/{MONDAY.isoformat()}"
    failed = api.call("DELETE", path, token=admin)
    assert (failed.status, failed.body["error"]["code"]) == (503, "UNAVAILABLE")
    # THEN the retried DELETE answers 404 (the holiday is gone) and Monday is judged again all the same
    again = api.call("DELETE", path, token=admin)
    assert (again.status, again.body["error"]["code"]) == (404, "NOT_FOUND")
    stored = api.call("GET", f"/v1/admin/recaps/daily?date={MONDAY.isoformat()}&unor_id=U1", token=admin)
    assert {i["status"] for i in stored.body["items"]} == {"TK"}


def test_a_change_s_re_run_judges_with_it_though_the_indexes_do_not_show_it_yet(api: Api, unit: str) -> None:
    # GIVEN a recapped Monday on which nobody checked in, and DynamoDB's indexes a minute behind every write
    admin = api.admin_token()
    day = MONDAY.isoformat()
    assert {nip: i["status"] for nip, i in recap(api, admin, MONDAY).items()} == {A: "TK", B: "TK", C: "TK"}
    with lagging_indexes(lag_s=60):
        # WHEN a sick note, a field-duty letter and a day off are entered, each re-running the day at once
        # THEN the day stored holds each (its re-run read the changed employee's plans by key, not by the indexes)
        sick = {"nip": B, "type": "SAKIT", "start_date": day, "end_date": day, "reason": "surat dokter"}
        leave = api.call("POST", "/v1/admin/leaves", sick, token=admin)
        assert (leave.body["recapped"], _stored_day(unit, MONDAY)[B]) == ([day], "S"), leave.body
        letter = {"nips": [C], "start_date": day, "end_date": day, "letter_no": "800/12", "reason": "rapat"}
        duty = api.call("POST", "/v1/admin/assignments", letter, token=admin)
        assert (duty.body["recapped"], _stored_day(unit, MONDAY)[C]) == ([day], "DL"), duty.body
        roster = api.call("PUT", f"/v1/admin/employees/{A}/shifts", {"shifts": {day: None}}, token=admin)
        assert (roster.body["recapped"], _stored_day(unit, MONDAY)[A]) == ([day], "LIBUR"), roster.body
    with lagging_indexes(lag_s=60):
        # AND cancelling the sick note or the letter (found by id once indexed) judges the day again without it
        cancelled = api.call("DELETE", f"/v1/admin/leaves/{leave.body['leave_id']}", token=admin)
        assert (cancelled.status, _stored_day(unit, MONDAY)[B]) == (200, "TK"), cancelled.body
        withdrawn = api.call("DELETE", f"/v1/admin/assignments/{duty.body['assignment_id']}", token=admin)
        assert (withdrawn.status, _stored_day(unit, MONDAY)[C]) == (200, "TK"), withdrawn.body


def test_a_review_decision_s_re_run_waits_for_the_index_to_show_it(api: Api, unit: str) -> None:
    # GIVEN a recapped Monday whose only check-in awaits review, and an index of events half a second behind
    admin = api.admin_token()
    at = datetime.combine(MONDAY, datetime.min.time()).replace(hour=7, minute=20)
    event_id = seed_event(B, unit, "in", at, status="review")
    assert recap(api, admin, MONDAY)[B]["status"] == "TK"
    with lagging_indexes(lag_s=0.5):
        # WHEN the review is approved
        decided = api.call("POST", f"/v1/admin/reviews/{event_id}", {"decision": "approve"}, token=admin)
        assert decided.status == 200, decided.body
        # THEN its re-run waited for the index to show the decision, and the day counts the arrival
        assert _stored_day(unit, MONDAY)[B] == "PSW4"


def test_a_summary_frame_built_while_the_indexes_lag_is_built_again_once(
    api: Api, unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the regency summary's frame of U1 today, kept, and indexes a fifth of a second behind every write
    monkeypatch.setattr(recaps, "FRAME_SETTLE_S", 0.4)
    admin, today, settings = api.admin_token(), datetime.now(WIB).date(), load_settings()

    def leave_of_b() -> object:
        [frame] = recaps.cached_frames(["U1"], today, settings)
        return frame.day_plans[B][1].leave

    assert leave_of_b() is None
    with lagging_indexes(lag_s=0.2):
        # WHEN a sick note of Budi's for today is entered, and the summary polled at once
        sick = {"nip": B, "type": "SAKIT", "start_date": today.isoformat(), "end_date": today.isoformat()}
        assert api.call("POST", "/v1/admin/leaves", sick, token=admin).status == 201
        assert leave_of_b() is None  # built from an index that does not show the note yet
        # THEN a poll once the frame has settled builds it again, with the note, and keeps that one
        time.sleep(0.45)
        assert leave_of_b() is not None
        [kept] = recaps.cached_frames(["U1"], today, settings)
        time.sleep(0.45)
        assert recaps.cached_frames(["U1"], today, settings)[0] is kept


def _stored_day(unor_id: str, day: date) -> dict[str, str]:
    """The statuses stored of a unit's day, by NIP, read from the table by key."""
    return {row.nip: row.status.status for row in runtime.statuses().day_page(unor_id, day, None, limit=100)[0]}


def test_a_late_review_decision_changes_the_recapped_day(api: Api, unit: str) -> None:
    admin = api.admin_token()
    event_id = seed_event(
        B, unit, "in", datetime.combine(MONDAY, datetime.min.time()).replace(hour=7, minute=20), status="review"
    )
    assert recap(api, admin, MONDAY)[B]["status"] == "TK"  # pending does not count yet
    decided = api.call("POST", f"/v1/admin/reviews/{event_id}", {"decision": "approve"}, token=admin)
    assert decided.status == 200, decided.body
    answer = api.call("GET", f"/v1/admin/recaps/daily?date={MONDAY.isoformat()}&unor_id=U1", token=admin)
    assert {i["nip"]: i["status"] for i in answer.body["items"]}[B] == "PSW4"  # arrived on time, no check-out


def test_an_event_stored_without_its_receipt_time_is_listed_not_a_500(api: Api, unit: str) -> None:
    # GIVEN an event awaiting review stored without `received_at` (as a hand-written or seeded row is)
    admin = api.admin_token()
    event_id = seed_event(B, unit, "in", datetime.combine(MONDAY, datetime.min.time()).replace(hour=7), "review")
    # WHEN an admin lists the unit's reviews THEN it is there, its receipt time null
    answer = api.call("GET", "/v1/admin/reviews?unor_id=U1", token=admin)
    assert answer.status == 200, answer.body
    assert [(i["event_id"], i["received_at"]) for i in answer.body["items"]] == [(event_id, None)]


def test_monitor_counts_today(api: Api, unit: str) -> None:
    admin = api.admin_token()
    answer = api.call("GET", "/v1/admin/monitor?unor_id=U1", token=admin)
    assert answer.status == 200, answer.body
    assert set(answer.body["counts"]) >= {"present", "late", "not_yet", "absent", "leave", "field_duty"}
    assert sum(answer.body["counts"].values()) == 3
    # without a unit (API.md: optional), every unit the super admin sees, U1's employees among them
    every = api.call("GET", "/v1/admin/monitor", token=admin)
    assert every.status == 200, every.body
    assert {i["nip"] for i in answer.body["items"]} <= {i["nip"] for i in every.body["items"]}


def test_monthly_report_json_and_xlsx(api: Api, unit: str) -> None:
    admin = api.admin_token()
    seed_event(A, unit, "in", datetime.combine(MONDAY, datetime.min.time()).replace(hour=7, minute=25))
    seed_event(A, unit, "out", datetime.combine(MONDAY, datetime.min.time()).replace(hour=16, minute=1))
    recap(api, admin, MONDAY)
    report = api.call("GET", "/v1/admin/recaps/monthly?month=2026-11&unor_id=U1", token=admin)
    assert report.status == 200, report.body
    rows = {r["nip"]: r for r in report.body["items"]}
    assert rows[A]["counts"]["H"] == 1 and rows[A]["deduction_percent"] == 0
    assert rows[B]["counts"]["TK"] == 1 and rows[B]["deduction_percent"] == 5
    xlsx = api.call("GET", "/v1/admin/recaps/monthly?month=2026-11&unor_id=U1&format=xlsx", token=admin)
    assert xlsx.status == 200 and xlsx.body["download_url"].startswith("http")
    settings = load_settings()
    path = unquote(urlparse(xlsx.body["download_url"]).path).lstrip("/")
    key = path.removeprefix(f"{settings.bucket}/")
    data = s3_client(settings.region).get_object(Bucket=settings.bucket, Key=key)["Body"].read()
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[1]
    nips = [row[0].value for row in sheet.iter_rows(min_row=2) if row[0].value]
    assert A in nips and all(isinstance(n, str) for n in nips)
    csv = api.call("GET", "/v1/admin/recaps/monthly?month=2026-11&unor_id=U1&format=csv", token=admin)
    assert csv.status == 200 and "NIP" in csv.body
    assert api.call("GET", "/v1/admin/recaps/monthly?month=11-2026&unor_id=U1", token=admin).status == 400


def _stored(link: str) -> bytes:
    """The object a signed link of the photo bucket points at (read with the stack's own client)."""
    settings = load_settings()
    key = unquote(urlparse(link).path).lstrip("/").removeprefix(f"{settings.bucket}/")
    return bytes(s3_client(settings.region).get_object(Bucket=settings.bucket, Key=key)["Body"].read())


def test_monthly_report_pdf_for_the_units_head_to_sign(api: Api, unit: str) -> None:
    admin = api.admin_token()
    seed_event(A, unit, "in", datetime.combine(MONDAY, datetime.min.time()).replace(hour=7, minute=25))
    recap(api, admin, MONDAY)
    # November recapped to 2 November only: provisional, not to be signed
    early = api.call("GET", "/v1/admin/recaps/monthly/pdf?month=2026-11&unor_id=U1", token=admin)
    assert early.status == 200, early.body
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(_stored(early.body["download_url"]))).pages)
    assert "SEMENTARA" in text and "Kepala SDN 1 Ngamprah" not in text
    # recapped to its last day, the month is the sheet the head signs
    recap(api, admin, date(2026, 11, 30))
    answer = api.call("GET", "/v1/admin/recaps/monthly/pdf?month=2026-11&unor_id=U1", token=admin)
    assert answer.status == 200, answer.body
    assert (
        answer.body["filename"] == "rekap-absensi-sdn-1-ngamprah-2026-11.pdf" and 0 < answer.body["expires_in_s"] <= 900
    )
    data = _stored(answer.body["download_url"])
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert data.startswith(b"%PDF") and "Unit: SDN 1 Ngamprah" in text and "Kepala SDN 1 Ngamprah" in text
    assert all(nip in text for nip in (A, B, C)) and "Bulan November 2026" in text and "SEMENTARA" not in text
    # a unit admin reads their own unit only; a month is required
    PEOPLE.upsert_unit("U2", "SDN 2 Ngamprah")
    other = api.unit_admin_token(admin, "U2")
    refused = api.call("GET", "/v1/admin/recaps/monthly/pdf?month=2026-11&unor_id=U1", token=other)
    assert refused.status == 403 and refused.body["error"]["code"] == "FORBIDDEN"
    missing = api.call("GET", "/v1/admin/recaps/monthly/pdf?unor_id=U1", token=admin)
    assert missing.status == 400 and "month" in missing.body["error"]["details"]


def test_schedules_are_versioned_and_never_retroactive(api: Api, unit: str) -> None:
    admin = api.admin_token()
    today = datetime.now(WIB).date()
    days = {d: {"start": "07:00", "end": "14:00"} for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
    past = api.call(
        "PUT",
        "/v1/admin/units/U1/schedule",
        {"effective_from": (today - timedelta(days=1)).isoformat(), "days": days},
        token=admin,
    )
    assert past.status == 400
    ok = api.call(
        "PUT", "/v1/admin/units/U1/schedule", {"effective_from": today.isoformat(), "days": days}, token=admin
    )
    assert ok.status == 200, ok.body
    later = api.call(
        "PUT",
        "/v1/admin/units/U1/schedule",
        {"effective_from": (today + timedelta(days=7)).isoformat(), "days": days},
        token=admin,
    )
    assert len(later.body["versions"]) == 2
    bad = api.call(
        "PUT",
        "/v1/admin/units/U1/schedule",
        {"effective_from": today.isoformat(), "days": {"mon": {"start": "25:00", "end": "14:00"}}},
        token=admin,
    )
    assert bad.status == 400


def test_saves_and_removals_right_after_a_write_see_it_though_plain_reads_lag(api: Api, unit: str) -> None:
    # GIVEN DynamoDB's eventually consistent reads a minute behind every write
    admin = api.admin_token()
    start = (datetime.now(WIB).date() + timedelta(days=7)).isoformat()
    office = {d: {"start": "07:30", "end": "16:00"} for d in ("mon", "tue", "wed", "thu", "fri")}
    short = {d: {"start": "08:00", "end": "14:00"} for d in ("mon", "tue", "wed", "thu", "fri")}
    path = f"/v1/admin/employees/{A}/shifts"
    with lagging_indexes(lag_s=60, tables=True):
        # WHEN the unit's week is saved, replaced by a short week, and put back a moment later (a second: saves
        # within one are told apart by nothing, `calendar._add_version`)
        def save(week: dict[str, dict[str, str]]) -> Answer:
            return api.call("PUT", "/v1/admin/units/U1/schedule", {"effective_from": start, "days": week}, token=admin)

        saves = [save(office)]
        time.sleep(1.1)
        saves += [save(short), save(office)]
        # THEN the office week put back is a third version, not taken for a retry of the first
        assert [a.status for a in saves] == [200, 200, 200], saves[-1].body
        assert len(saves[-1].body["versions"]) == 3, [
            (v["created_at"], v["days"]["mon"]) for v in saves[-1].body["versions"]
        ]
        # AND a roster date entered by mistake can be removed at once
        assert api.call("PUT", path, {"shifts": {"2026-11-02": None}}, token=admin).status == 200
        removed = api.call("DELETE", f"{path}/2026-11-02", token=admin)
        assert (removed.status, removed.body.get("removed")) == (200, True), removed.body


def test_an_employee_s_own_schedule_is_read_as_it_was_written(api: Api, unit: str) -> None:
    admin = api.admin_token()
    path = f"/v1/admin/employees/{A}/schedule"
    assert api.call("GET", path, token=admin).body == {"nip": A, "versions": []}
    today = datetime.now(WIB).date().isoformat()
    days = {d: {"start": "06:00", "end": "12:00"} for d in ("mon", "tue", "wed")}
    written = api.call("PUT", path, {"effective_from": today, "days": days}, token=admin)
    assert written.status == 200, written.body
    read = api.call("GET", path, token=admin)
    assert (read.status, read.body) == (200, written.body), read.body
    assert [(v["effective_from"], v["days"]) for v in read.body["versions"]] == [(today, days)]


def test_night_shift_roster_and_ramadan_are_accepted(api: Api, unit: str) -> None:
    admin = api.admin_token()
    roster = {"2026-11-02": {"start": "21:00", "end": "07:00"}, "2026-11-03": None}
    assert api.call("PUT", f"/v1/admin/employees/{A}/shifts", {"shifts": roster}, token=admin).status == 200
    read = api.call("GET", f"/v1/admin/employees/{A}/shifts?from=2026-11-01&to=2026-11-30", token=admin)
    assert (read.status, read.body) == (
        200,
        {"nip": A, "from_date": "2026-11-01", "to_date": "2026-11-30", "shifts": roster},
    ), read.body
    bad = api.call("GET", f"/v1/admin/employees/{A}/shifts?from=2026-11-30&to=2026-11-01", token=admin)
    assert (bad.status, bad.body["error"]["code"]) == (400, "VALIDATION_ERROR")
    seed_event(A, unit, "in", datetime(2026, 11, 2, 20, 55))
    seed_event(A, unit, "out", datetime(2026, 11, 3, 7, 2))
    assert recap(api, admin, MONDAY)[A]["status"] == "H"
    unset = api.call("GET", "/v1/admin/ramadan/2027", token=admin)
    assert (unset.status, unset.body) == (200, {"year": 2027, "start_date": None, "end_date": None, "periods": []})
    period = {"start_date": "2027-02-08", "end_date": "2027-03-09"}
    ramadan = api.call("PUT", "/v1/admin/ramadan/2027", period, token=admin)
    assert ramadan.status == 200, ramadan.body
    read = api.call("GET", "/v1/admin/ramadan/2027", token=admin)
    assert (read.status, read.body) == (200, {"year": 2027, **period, "periods": [period]})


def test_a_roster_date_is_removed_over_http_and_the_day_follows_the_schedule_again(api: Api, unit: str) -> None:
    # GIVEN a night shift rostered on Monday, worked, and the day recapped
    admin = api.admin_token()
    path = f"/v1/admin/employees/{A}/shifts"
    roster = {"2026-11-02": {"start": "21:00", "end": "07:00"}, "2026-11-03": None}
    assert api.call("PUT", path, {"shifts": roster}, token=admin).status == 200
    seed_event(A, unit, "in", datetime(2026, 11, 2, 20, 55))
    assert recap(api, admin, MONDAY)[A]["status"] == "PSW4"
    # WHEN the date is removed (it was entered by mistake)
    removed = api.call("DELETE", f"{path}/2026-11-02", token=admin)
    # THEN it is gone, and Monday is judged again under the unit's hours (07:30-16:00): a check-in at 20:55 is a late
    # arrival with no check-out (the test stack keeps check-in open round the clock, decision 298; by default the
    # window closes at 18:00 and the day would be TK)
    assert removed.status == 200, removed.body
    assert removed.body == {"nip": A, "date": "2026-11-02", "removed": True, "recapped": ["2026-11-02"]}
    read = api.call("GET", f"{path}?from=2026-11-01&to=2026-11-30", token=admin)
    assert read.body["shifts"] == {"2026-11-03": None}
    assert recap(api, admin, MONDAY)[A]["status"] == "TL4+PSW4"
    # AND removing it again answers 404, a malformed date 400, each with its code
    again = api.call("DELETE", f"{path}/2026-11-02", token=admin)
    assert (again.status, again.body["error"]["code"]) == (404, "NOT_FOUND"), again.body
    bad = api.call("DELETE", f"{path}/2026-13-01", token=admin)
    assert (bad.status, bad.body["error"]["code"]) == (400, "VALIDATION_ERROR"), bad.body


def test_night_shift_events_count_on_the_day_they_belong_to(api: Api, unit: str) -> None:
    # GIVEN two night shifts in a row: the first ends on the morning of the second's date
    admin = api.admin_token()
    shift = {"start": "21:00", "end": "07:00"}
    roster = {"2026-11-02": shift, "2026-11-03": shift}
    assert api.call("PUT", f"/v1/admin/employees/{A}/shifts", {"shifts": roster}, token=admin).status == 200
    seed_event(A, unit, "in", datetime(2026, 11, 2, 20, 55))
    seed_event(A, unit, "out", datetime(2026, 11, 3, 7, 2))
    seed_event(A, unit, "in", datetime(2026, 11, 3, 21, 10))
    # WHEN both days are recapped, THEN the morning check-out closes the first shift and the second shift
    # starts with its own (late) check-in, its check-out still missing
    first, second = recap(api, admin, MONDAY)[A], recap(api, admin, MONDAY + timedelta(days=1))[A]
    assert (first["status"], first["check_out"]) == ("H", "2026-11-03T00:02:00+00:00")
    started = "2026-11-03T14:10:00+00:00"
    assert (second["status"], second["check_in"], second["check_out"]) == ("TL1+PSW4", started, None)
    # AND the monitor of the second date shows the second shift's check-in, not the first one's
    now = datetime(2026, 11, 3, 22, 0, tzinfo=WIB)
    live = recaps.monitor(unit, MONDAY + timedelta(days=1), now, load_settings())
    mine = next(item for item in live.items if item.nip == A)
    assert (mine.state, mine.check_in) == ("late", started)
    # AND at 02:00 on the second date the first shift is still running: she is on duty with its check-in, not
    # awaited for the second (decision 145)
    night = recaps.monitor(unit, MONDAY + timedelta(days=1), datetime(2026, 11, 3, 2, 0, tzinfo=WIB), load_settings())
    mine = next(item for item in night.items if item.nip == A)
    assert (mine.state, mine.check_in) == ("present", "2026-11-02T13:55:00+00:00")


def test_year_to_date_counts_carry_from_month_to_month(api: Api, unit: str) -> None:
    admin = api.admin_token()
    october, november = date(2026, 10, 5), MONDAY
    recap(api, admin, october)
    recap(api, admin, november)
    # November read first: October's counters are walked from its stored statuses
    walked = api.call("GET", "/v1/admin/recaps/monthly?month=2026-11&unor_id=U1", token=admin)
    assert {r["nip"]: r["year_to_date"]["tk_days"] for r in walked.body["items"]}[B] == 2
    # October's report stores its month-end counters; November then starts from them
    assert api.call("GET", "/v1/admin/recaps/monthly?month=2026-10&unor_id=U1", token=admin).status == 200
    again = api.call("GET", "/v1/admin/recaps/monthly?month=2026-11&unor_id=U1", token=admin)
    assert {r["nip"]: r["year_to_date"]["tk_days"] for r in again.body["items"]}[B] == 2


def test_a_repeated_monthly_report_rewrites_only_counters_that_changed(api: Api, unit: str) -> None:
    # GIVEN a recapped day and the month's report, which stores month-end counters
    admin = api.admin_token()
    seed_event(A, unit, "in", datetime.combine(MONDAY, datetime.min.time()).replace(hour=7, minute=10))
    recap(api, admin, MONDAY)
    report = "/v1/admin/recaps/monthly?month=2026-11&unor_id=U1"
    assert api.call("GET", report, token=admin).status == 200
    _mark_counter_rows("U1", "2026-11")
    first = _counter_rows("U1", "2026-11")
    # WHEN the report is read again, nothing is rewritten (the marks stay)
    assert api.call("GET", report, token=admin).status == 200
    assert _counter_rows("U1", "2026-11") == first
    # AND when B's absence (TK) turns out to be a late-recorded attendance, only B's counters are rewritten
    assert first[B][0]["tk_days"] == 1  # type: ignore[index]
    for kind, hour in (("in", 7), ("out", 16)):
        seed_event(B, unit, kind, datetime.combine(MONDAY, datetime.min.time()).replace(hour=hour, minute=5))
    recap(api, admin, MONDAY)
    assert api.call("GET", report, token=admin).status == 200
    after = _counter_rows("U1", "2026-11")
    assert after[B][0]["tk_days"] == 0  # type: ignore[index]
    assert {n: after[n] for n in (A, C)} == {n: first[n] for n in (A, C)}


def _mark_counter_rows(unor_id: str, month: str) -> None:
    for m in DailyStatusModel.query(f"{unor_id}#{month}", DailyStatusModel.key.startswith("YTD#")):
        m.update(actions=[DailyStatusModel.computed_at.set("marked by the test")])


def _counter_rows(unor_id: str, month: str) -> dict[str, tuple[object, str]]:
    rows = DailyStatusModel.query(f"{unor_id}#{month}", DailyStatusModel.key.startswith("YTD#"))
    return {str(m.nip): (dict(m.data), str(m.computed_at)) for m in rows}


# --- monthly exports built in the background -------------------------------------------------------------


def _export(api: Api, token: str, body: dict[str, Any]) -> dict[str, Any]:
    started = api.call("POST", "/v1/admin/recaps/monthly/exports", body, token=token)
    assert started.status == 202, started.body
    assert started.body["status"] == "running" and started.body["download_url"] is None
    return finished_export(api, token, started.body["export_id"])


def test_a_monthly_export_is_built_in_the_background_and_fetched_only_by_its_admin(api: Api, unit: str) -> None:
    # GIVEN a recapped day of unit U1
    admin = api.admin_token()
    seed_event(A, unit, "in", datetime.combine(MONDAY, datetime.min.time()).replace(hour=7, minute=25))
    recap(api, admin, MONDAY)
    # WHEN the super admin asks for the month's XLSX, CSV and PDF as background exports
    xlsx = _export(api, admin, {"month": "2026-11", "unor_id": "U1"})
    csv = _export(api, admin, {"month": "2026-11", "unor_id": "U1", "format": "csv"})
    pdf = _export(api, admin, {"month": "2026-11", "format": "pdf"})  # every unit the admin sees
    # THEN each is built, with a short-lived link to the same file the synchronous report answers
    for done in (xlsx, csv, pdf):
        assert done["status"] == "succeeded" and done["message"] is None, done
        assert done["finished_at"] and 0 < done["expires_in_s"] <= 900
    book = openpyxl.load_workbook(io.BytesIO(_stored(xlsx["download_url"])))
    assert A in [row[0].value for row in book.worksheets[1].iter_rows(min_row=2)]
    inline = api.call("GET", "/v1/admin/recaps/monthly?month=2026-11&unor_id=U1&format=csv", token=admin)
    assert _stored(csv["download_url"]).decode("utf-8") == inline.body
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(_stored(pdf["download_url"]))).pages)
    assert pdf["unor_id"] is None and "Unit: SDN 1 Ngamprah" in text and A in text
    # AND every file asked for is in the audit log's views (the inline CSV too), "-" for every unit the admin sees
    views = api.call("GET", "/v1/admin/audit?action=view.reports", token=admin).body["items"]
    assert sorted((v["target"], v["details"]["report"], v["details"]["format"]) for v in views) == [
        ("-", "monthly", "pdf"),
        ("U1", "monthly", "csv"),
        ("U1", "monthly", "csv"),
        ("U1", "monthly", "xlsx"),
    ]
    # AND only the admin who asked reads it: another admin of the unit gets 404, as for an unknown id
    ops = api.unit_admin_token(admin, "U1")
    for export_id in (xlsx["export_id"], "20261130090000-0123456789ab", "20261399999999-0123456789ab", "x1", "../jobs"):
        answer = api.call("GET", f"/v1/admin/recaps/monthly/exports/{export_id}", token=ops)
        assert (answer.status, answer.body["error"]["code"]) == (404, "NOT_FOUND"), export_id
    # AND an admin of another unit cannot start one of U1; a bad month or format is refused
    PEOPLE.upsert_unit("U2", "SDN 2 Ngamprah")
    other = api.unit_admin_token(admin, "U2")
    refused = api.call("POST", "/v1/admin/recaps/monthly/exports", {"month": "2026-11", "unor_id": "U1"}, token=other)
    assert (refused.status, refused.body["error"]["code"]) == (403, "FORBIDDEN")
    for bad in ({"unor_id": "U1"}, {"month": "2026-13"}, {"month": "2026-11", "format": "json"}):
        answer = api.call("POST", "/v1/admin/recaps/monthly/exports", bad, token=admin)
        assert (answer.status, answer.body["error"]["code"]) == (400, "VALIDATION_ERROR"), bad
    # AND a unit admin's own export is theirs
    assert _export(api, ops, {"month": "2026-11"})["unor_id"] is None


def test_a_failed_export_says_so_and_frees_its_place(api: Api, unit: str) -> None:
    # GIVEN the statuses table gone while an export is being built
    admin = api.admin_token()
    DailyStatusModel.delete_table()
    try:
        failed = _export(api, admin, {"month": "2026-11", "unor_id": "U1"})
    finally:
        create_tables(load_settings())
    # THEN the export answers failed, in words for the admin, without a link
    assert failed["status"] == "failed" and failed["download_url"] is None
    assert failed["message"] == "Berkas rekap gagal dibuat; coba lagi."
    # AND its place is free again: three more exports at once are accepted
    for _ in range(3):
        assert _export(api, admin, {"month": "2026-11", "unor_id": "U1"})["status"] == "succeeded"


def test_at_most_three_exports_of_one_admin_are_built_at_once(
    api: Api, unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a report worker that has not started yet (deployed: invocations queued in Lambda)
    queued = handed_over(monkeypatch, "start_export", runtime.export_event)
    admin = api.admin_token()
    body = {"month": "2026-11", "unor_id": "U1"}
    # WHEN eight requests of the same admin race
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(lambda _: api.call("POST", "/v1/admin/recaps/monthly/exports", body, token=admin), range(8))
        )
    # THEN three are accepted and five refused with the time to wait
    assert sorted(a.status for a in answers) == [202] * 3 + [429] * 5
    refused = next(a for a in answers if a.status == 429)
    assert refused.body["error"]["code"] == "RATE_LIMITED" and int(refused.headers["Retry-After"]) > 0
    assert len(queued) == 3
    # AND another admin is not held up by them
    ops = api.unit_admin_token(admin, "U1")
    assert api.call("POST", "/v1/admin/recaps/monthly/exports", body, token=ops).status == 202
    # WHEN the ReportWorker function receives the first hand-over (as Lambda delivers it, twice: a retry)
    from app import app

    with Client(app, stage_name="local") as client:
        first = client.lambda_.invoke("report_worker", queued[0]).payload
        again = client.lambda_.invoke("report_worker", queued[0]).payload
        stray = client.lambda_.invoke("report_worker", runtime.worker_event("r1", "ap-southeast-3", "t1")).payload
    # THEN it builds that export once, and its admin may start another
    assert first["status"] == "succeeded" and again["status"] == "succeeded" and "key" not in again
    assert stray == {"status": "ignored"}  # not an export: nothing is built
    export_id = queued[0]["detail"]["export_id"]
    assert finished_export(api, admin, export_id)["status"] == "succeeded"
    assert api.call("POST", "/v1/admin/recaps/monthly/exports", body, token=admin).status == 202


def test_an_export_the_worker_cannot_be_handed_is_503_and_frees_its_place(
    api: Api, unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a deployment whose report worker function cannot be invoked
    monkeypatch.setenv("SMART_REPORT_WORKER_FUNCTION", "smart-dev-NoSuchFunction")
    load_settings.cache_clear()
    admin = api.admin_token()
    body = {"month": "2026-11", "unor_id": "U1"}
    # WHEN exports are asked for THEN each answers 503 and none holds a place
    try:
        for _ in range(4):
            answer = api.call("POST", "/v1/admin/recaps/monthly/exports", body, token=admin)
            assert answer.status == 503 and answer.body["error"]["code"] == "UNAVAILABLE", answer.body
    finally:
        monkeypatch.delenv("SMART_REPORT_WORKER_FUNCTION")
        load_settings.cache_clear()
    runs = runtime.job_runs().recent_runs(["monthly_export"], 10)
    assert [r.status for r in runs] == ["failed"] * 4
