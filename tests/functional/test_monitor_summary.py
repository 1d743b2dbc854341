"""The regency monitor summary follows every way an event enters a day, through the API on moto: fingerprint
machine imports, approved KOREKSI requests, review decisions, and days stored before digests were kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.domain.attendance import Event
from chalicelib.domain.people import Employee
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.store.models import EmployeeModel
from chalicelib.store.people import DynamoPeopleRepository
from tests.functional.conftest import Api
from tests.functional.test_fingerprint_import import attlog, import_file, map_pins, punch
from tests.functional.test_recaps import WIB, seed_event
from tests.functional.test_requests import Office, office, past_weekday
from tools import backfill_digests

__all__ = ["office"]  # the shared fixture this module uses

PEOPLE = DynamoPeopleRepository()
MONDAY = date(2026, 11, 2)
A, B, C = "198501012010011001", "199002022015032002", "197803032005011003"


def summary_of(api: Api, token: str, day: date) -> dict[str, dict[str, int]]:
    """Each unit's counts in the summary of `day`, checked against the unit's own monitor of that day."""
    answer = api.call("GET", f"/v1/admin/monitor/summary?date={day.isoformat()}", token=token)
    assert answer.status == 200, answer.body
    units = {u["unor_id"]: u["counts"] for u in answer.body["units"]}
    for unit, counts in units.items():
        monitor = api.call("GET", f"/v1/admin/monitor?unor_id={unit}&date={day.isoformat()}", token=token)
        assert counts == monitor.body["counts"], (unit, counts, monitor.body["counts"])
    return units


def states(counts: dict[str, int]) -> dict[str, int]:
    return {state: n for state, n in counts.items() if n}


def followed_since_october(*nips: str) -> None:
    """The employees followed by SMART since before the past days judged here, as real records are (a day over
    counts absent only whom SMART followed by then: decision 134)."""
    for nip in nips:
        EmployeeModel(nip).update(actions=[EmployeeModel.followed_since.set("2026-10-01T00:00:00+00:00")])


def test_imported_machine_punches_reach_the_summary_at_once(api: Api) -> None:
    # GIVEN U1 with three employees, none seen on Monday, and the summary of that day read once
    PEOPLE.upsert_unit("U1", "SDN 1 Ngamprah")
    for nip, nama in ((A, "Asep"), (B, "Budi"), (C, "Cucu")):
        PEOPLE.put_employee(Employee(nip=nip, nama=nama, unor_id="U1"))
    followed_since_october(A, B, C)
    admin = api.admin_token()
    assert states(summary_of(api, admin, MONDAY)["U1"]) == {"absent": 3}
    # WHEN a machine's log of that day is imported (Asep on time, Budi late)
    map_pins(api, admin, {"1": A, "2": B})
    data = attlog(punch("1", MONDAY, "07:20:00"), punch("1", MONDAY, "16:10:00"), punch("2", MONDAY, "08:30:00"))
    assert import_file(api, admin, data)["imported"] == 3
    # THEN the next summary counts them, as the unit's monitor does
    assert states(summary_of(api, admin, MONDAY)["U1"]) == {"present": 1, "late": 1, "absent": 1}


def test_approved_corrections_and_review_decisions_reach_the_summary_at_once(office: Office) -> None:
    api, day = office.api, past_weekday(3)
    followed_since_october(A, B, C)
    # GIVEN a past day with a check-in of Budi awaiting review, the summary read once
    event_id = seed_event(B, "U1", "in", datetime.combine(day, datetime.min.time()).replace(hour=7, minute=5),
                          status="review")  # fmt: skip
    before = states(summary_of(api, office.admin, day)["U1"])
    # WHEN Asep's missing arrival is corrected by an approved KOREKSI request
    fix = {"type": "KOREKSI", "start_date": day.isoformat(), "end_date": day.isoformat(), "time": "07:20"}
    filed = office.file(A, {**fix, "event_type": "in"})
    assert office.decide(office.admin, filed.body["request_id"], {"decision": "approve"}).status == 200
    # THEN the next summary counts him
    after_fix = states(summary_of(api, office.admin, day)["U1"])
    assert after_fix.get("absent", 0) == before.get("absent", 0) - 1
    # WHEN Budi's check-in is rejected, THEN the next summary no longer counts it
    decided = api.call("POST", f"/v1/admin/reviews/{event_id}", {"decision": "reject"}, token=office.admin)
    assert decided.status == 200, decided.body
    assert states(summary_of(api, office.admin, day)["U1"]) == {"present": 1, "absent": 1}


def test_a_day_stored_before_digests_were_kept_is_counted(office: Office) -> None:
    # GIVEN a past day whose check-ins were stored the way they were before digests existed (no digest item)
    api, day = office.api, past_weekday(10)
    at: Any = datetime.combine(day, datetime.min.time())
    seed_event(A, "U1", "in", at.replace(hour=7, minute=10))
    seed_event(B, "U1", "in", at.replace(hour=8, minute=40))
    seed_event(C, "U2", "in", at.replace(hour=7, minute=0))
    # WHEN the summary of that day is read (twice: the second from what the first rebuilt)
    first = summary_of(api, office.admin, day)
    # THEN it counts them like each unit's monitor
    assert states(first["U1"]) == {"present": 1, "late": 1} and states(first["U2"]) == {"present": 1}
    assert summary_of(api, office.admin, day) == first


def test_a_day_whose_digest_holds_part_of_its_events_is_right_after_the_backfill(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a past day with an arrival stored before digests were kept and one stored with its digest token
    api, day = office.api, past_weekday(17)
    at: Any = datetime.combine(day, datetime.min.time())
    seed_event(A, "U1", "in", at.replace(hour=7, minute=10))
    arrival = at.replace(hour=7, minute=15, tzinfo=WIB).astimezone(UTC)
    event = Event(new_event_id(B, arrival), B, "in", "accepted", iso(arrival), iso(arrival), day.isoformat(), "U1",
                  warnings=())  # fmt: skip
    runtime.events().write_checkin(CheckinWrite(event, f"{B}#r-1", "body", StoredAnswer(201, {}), arrival))
    partial = api.call("GET", f"/v1/admin/monitor/summary?date={day.isoformat()}", token=office.admin).body
    assert [u["counts"]["present"] for u in partial["units"] if u["unor_id"] == "U1"] == [1]  # Asep not seen
    # WHEN the one-off backfill runs over that week
    assert backfill_digests.main(["--from", (day - timedelta(days=3)).isoformat(), "--to", day.isoformat()]) == 0
    # THEN that unit-day was rebuilt, and the summary counts both arrivals like the unit's monitor
    assert "rebuilt 1 unit-day digests" in capsys.readouterr().out
    assert states(summary_of(api, office.admin, day)["U1"]) == {"present": 2}
    # AND bad ranges are refused before anything is read
    with pytest.raises(SystemExit):
        backfill_digests.main(["--from", day.isoformat(), "--to", (day - timedelta(days=1)).isoformat()])
