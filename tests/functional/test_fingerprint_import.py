"""Fingerprint machines during the rollout through the API: PINs, ATTLOG/CSV import, cut-over, and recaps that
count punches like app check-ins (moto in-process)."""

from __future__ import annotations

import gzip
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from chalice.test import Client

from chalicelib import runtime
from chalicelib.domain.people import Employee, Principal
from chalicelib.settings import load_settings
from chalicelib.store.people import DynamoPeopleRepository
from chalicelib.usecases import fingerprint, rejudge
from chalicelib.usecases.schemas.rollout import ImportQuery
from tests.functional.conftest import Api, handed_over
from tests.functional.test_recaps import WIB, recap, seed_event
from tools.attlog_sample import generate

PEOPLE = DynamoPeopleRepository()
MONDAY, TUESDAY = date(2026, 11, 2), date(2026, 11, 3)
A, B, C = "198501012010011001", "199002022015032002", "197803032005011003"
D = "196001012000011004"  # in unit U2
ATTLOG = "text/plain"
IMPORT = "/v1/admin/fingerprint/import"


def utc(local: datetime) -> str:
    return local.replace(tzinfo=WIB).astimezone(UTC).isoformat()


def stored_events(nip: str) -> list[object]:
    return list(
        runtime.events().events_between(nip, datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    )


@pytest.fixture()
def units(api: Api) -> None:
    PEOPLE.upsert_unit("U1", "SDN 1 Ngamprah")
    PEOPLE.upsert_unit("U2", "Puskesmas Batujajar")
    for nip, nama in ((A, "Asep"), (B, "Budi"), (C, "Cucu")):
        PEOPLE.put_employee(Employee(nip=nip, nama=nama, unor_id="U1"))
    PEOPLE.put_employee(Employee(nip=D, nama="Dadang", unor_id="U2"))


def attlog(*lines: str, bom: bool = True) -> bytes:
    """Lines as a machine writes them: CRLF, a BOM, PINs right-aligned."""
    return (("\ufeff" if bom else "") + "".join(f"{line}\r\n" for line in lines)).encode()


def punch(pin: str, day: date, hhmmss: str, state: str = "0") -> str:
    return f"{pin:>9}\t{day.isoformat()} {hhmmss}\t1\t{state}\t0\t0"


def import_file(api: Api, token: str, data: bytes, content_type: str = ATTLOG, query: str = "") -> dict[str, object]:
    answer = api.call("POST", f"{IMPORT}{query}", raw=data, content_type=content_type, token=token)
    assert answer.status == 200, answer.body
    return dict(answer.body)


def map_pins(api: Api, token: str, pins: dict[str, str]) -> dict[str, object]:
    body = {"pins": [{"pin": pin, "nip": nip} for pin, nip in pins.items()]}
    answer = api.call("PUT", "/v1/admin/fingerprint/pins", body, token=token)
    assert answer.status == 200, answer.body
    return dict(answer.body)


def codes(result: dict[str, object]) -> dict[int, str]:
    return {e["line"]: e["code"] for e in result["errors"]}  # type: ignore[attr-defined,index]


def test_a_machine_log_is_imported_once_and_recapped_like_app_check_ins(api: Api, units: None) -> None:
    admin = api.admin_token()
    assert map_pins(api, admin, {"1": A, "0002": B}) == {"mapped": 2, "errors": []}
    data = attlog(
        punch("1", MONDAY, "07:20:00"),
        punch("1", MONDAY, "07:20:05"),  # pressed twice: a punch of its own, the day counts the first press
        punch("1", MONDAY, "16:10:00", "1"),
        "",
        punch("2", MONDAY, "08:10:00"),  # late, never punched out
        punch(C, MONDAY, "07:25:00"),  # the PIN is the NIP: no mapping needed
        punch(C, MONDAY, "12:01:00"),
        punch(C, MONDAY, "12:01:00"),  # the same line twice (two USB copies merged): a duplicate
        punch(C, MONDAY, "16:30:00", "1"),
        punch("99", MONDAY, "07:00:00"),
        "garbage",
        punch("1", MONDAY, "7 o'clock"),
    )
    first = import_file(api, admin, data)
    assert (first["imported"], first["duplicates"], first["unknown_pins"]) == (7, 1, ["99"])
    assert codes(first) == {11: "INVALID_LINE", 12: "INVALID_TIME"}
    again = import_file(api, admin, data)
    assert (again["imported"], again["duplicates"]) == (0, 8)

    days = recap(api, admin, MONDAY)
    assert days[A]["status"] == "H"
    assert days[A]["check_in"] == utc(datetime(2026, 11, 2, 7, 20))  # the first press of the arrival
    assert days[B]["status"] == "TL2+PSW4"  # 40 minutes late, no check-out
    assert days[C]["status"] == "H"
    assert days[C]["check_in"] == utc(datetime(2026, 11, 2, 7, 25))
    assert days[C]["check_out"] == utc(datetime(2026, 11, 2, 16, 30))
    stored = runtime.events().events_between(C, datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC))
    assert [(e.source, e.type) for e in stored] == [
        ("fingerprint", "in"),
        ("fingerprint", "out"),
        ("fingerprint", "out"),
    ]
    audit = [e for e in runtime.audit().entries_of_day(datetime.now(UTC).date()) if e.action == "fingerprint.import"]
    assert sorted((e.detail or {})["imported"] for e in audit) == [0, 7]


def test_csv_exports_and_gzip_bodies_are_read_too(api: Api, units: None) -> None:
    admin = api.admin_token()
    map_pins(api, admin, {"7": A})
    csv_body = f"pin,timestamp\r\n7,{MONDAY} 07:15:00\r\n{C},{MONDAY} 07:16:00\r\n".encode()
    assert import_file(api, admin, csv_body, "text/csv")["imported"] == 2
    zipped = gzip.compress(attlog(punch("7", MONDAY, "16:20:00", "1")))
    assert import_file(api, admin, zipped, "application/gzip")["imported"] == 1
    days = recap(api, admin, MONDAY)
    assert days[A]["status"] == "H"
    broken = api.call("POST", IMPORT, raw=b"\x1f\x8bnot gzip", content_type="application/gzip", token=admin)
    assert (broken.status, broken.body["error"]["code"]) == (400, "VALIDATION_ERROR")
    wrong = api.call("POST", IMPORT, raw=b"{}", content_type="application/json", token=admin)
    assert wrong.status == 415
    headerless = api.call("POST", IMPORT, raw=b"1,2,3\r\n", content_type="text/csv", token=admin)
    assert (headerless.status, headerless.body["error"]["code"]) == (400, "VALIDATION_ERROR")


def test_instants_with_fractions_of_a_second_are_whole_seconds_and_one_punch_per_second(api: Api, units: None) -> None:
    # GIVEN an export whose instants carry milliseconds, two of them within one second
    admin = api.admin_token()
    body = (
        f"pin,timestamp\r\n{C},{MONDAY}T07:15:00.300+07:00\r\n{C},{MONDAY}T07:15:00.700+07:00\r\n"
        f"{C},{MONDAY}T16:05:00.250+07:00\r\n"
    ).encode()
    # WHEN it is imported, THEN the two of one second are one punch (not a 503 on every try), stored at 07:15:00
    result = import_file(api, admin, body, "text/csv")
    assert (result["imported"], result["duplicates"]) == (2, 1), result
    assert recap(api, admin, MONDAY)[C]["status"] == "H"


def test_a_skewed_clock_is_corrected_and_future_punches_are_refused(api: Api, units: None) -> None:
    admin = api.admin_token()
    future = (datetime.now(WIB) + timedelta(days=2)).date()
    data = attlog(punch(A, MONDAY, "07:37:00"), punch(A, future, "07:30:00"))  # the machine runs 8 minutes fast
    result = import_file(api, admin, data, query="?offset_minutes=-8")
    assert (result["imported"], codes(result)) == (1, {2: "FUTURE_PUNCH"})
    assert (
        recap(api, admin, MONDAY)[A]["check_in"] == datetime(2026, 11, 2, 7, 29, tzinfo=WIB).astimezone(UTC).isoformat()
    )
    bad = api.call(
        "POST", "/v1/admin/fingerprint/import?offset_minutes=abc", raw=data, content_type=ATTLOG, token=admin
    )
    assert (bad.status, bad.body["error"]["code"]) == (400, "VALIDATION_ERROR")


def test_punches_of_a_machine_whose_clock_went_back_to_its_factory_date_are_named_not_stored(
    api: Api, units: None
) -> None:
    # GIVEN a machine whose clock battery ran down: Monday's first punch had the right time, then the clock restarted
    # at 2000-01-01 and dated the next punches from there
    admin = api.admin_token()
    data = attlog(
        punch(A, MONDAY, "07:28:00"), punch(B, date(2000, 1, 1), "00:41:00"), punch(C, date(2000, 1, 1), "08:02:00")
    )
    # WHEN the file is imported, THEN the reset punches are named line by line, with what to do, and only Monday's
    # is stored (before, they were stored under 1 January 2000 without a word, counted for no day)
    result = import_file(api, admin, data)
    assert (result["imported"], codes(result)) == (1, {2: "CLOCK_RESET", 3: "CLOCK_RESET"})
    message = next(e["message"] for e in result["errors"] if e["line"] == 2)
    assert "jam mesin" in message and "Atur jam mesin" in message
    assert recap(api, admin, MONDAY)[A]["check_in"] is not None


def test_cutover_switches_a_unit_to_the_app_and_a_day_is_never_counted_twice(api: Api, units: None) -> None:
    admin = api.admin_token()
    # Monday: both sources. The app check-in arrives late; the machine has the on-time punch and the departure.
    seed_event(A, "U1", "in", datetime(2026, 11, 2, 7, 50))
    import_file(api, admin, attlog(punch(A, MONDAY, "07:28:00"), punch(A, MONDAY, "16:05:00", "1")))
    monday = recap(api, admin, MONDAY)
    assert monday[A]["status"] == "H"  # the first arrival of either source, the last departure
    assert monday[A]["check_in"] == utc(datetime(2026, 11, 2, 7, 28))
    # Punches of Tuesday are imported, then the unit cuts over on Tuesday: they no longer count.
    import_file(api, admin, attlog(punch(B, TUESDAY, "07:10:00"), punch(B, TUESDAY, "16:10:00", "1")))
    assert recap(api, admin, TUESDAY)[B]["status"] == "H"
    cut = api.call("PUT", "/v1/admin/units/U1/cutover", {"date": TUESDAY.isoformat()}, token=admin)
    expected = {"unor_id": "U1", "date": TUESDAY.isoformat(), "recapped": [TUESDAY.isoformat()], "recapping": 0}
    assert (cut.status, cut.body) == (200, expected)  # the recapped Tuesday is judged again at once
    assert api.recapped_statuses(admin, TUESDAY)[B] == "TK"
    seed_event(A, "U1", "in", datetime(2026, 11, 3, 7, 20))
    seed_event(A, "U1", "out", datetime(2026, 11, 3, 16, 20))
    tuesday = recap(api, admin, TUESDAY)
    assert (tuesday[A]["status"], tuesday[B]["status"]) == ("H", "TK")
    assert recap(api, admin, MONDAY)[A]["status"] == "H"  # days before the cut-over keep their punches
    late = import_file(api, admin, attlog(punch(C, MONDAY, "07:00:00"), punch(C, TUESDAY, "07:00:00")))
    assert (late["imported"], codes(late)) == (1, {2: "AFTER_CUTOVER"})
    # WHEN BKPSDM moves the cut-over a day later, THEN it says the punches refused since Tuesday were never stored:
    # the machine's files are to be imported again from then
    later = api.call("PUT", "/v1/admin/units/U1/cutover", {"date": "2026-11-04"}, token=admin)
    assert (later.status, later.body["import_again_from"]) == (200, TUESDAY.isoformat()), later.body
    again = import_file(api, admin, attlog(punch(C, TUESDAY, "07:00:00")))
    assert (again["imported"], codes(again)) == (1, {})
    # The other unit is untouched by U1's cut-over.
    assert import_file(api, admin, attlog(punch(D, TUESDAY, "07:00:00")))["imported"] == 1


def test_a_unit_admin_cannot_reopen_the_machine_for_days_switched_to_the_app(api: Api, units: None) -> None:
    # GIVEN U1 switched to the app on Tuesday, and U1's unit admin
    admin = api.admin_token()
    assert api.call("PUT", "/v1/admin/units/U1/cutover", {"date": TUESDAY.isoformat()}, token=admin).status == 200
    ops = api.unit_admin_token(admin, "U1")
    # WHEN the unit admin moves the cut-over later (to import made-up punches of an absent colleague), THEN 403
    later = {"date": "2100-01-01"}
    refused = api.call("PUT", "/v1/admin/units/U1/cutover", later, token=ops)
    assert (refused.status, refused.body["error"]["code"]) == (403, "FORBIDDEN"), refused.body
    assert codes(import_file(api, ops, attlog(punch(B, TUESDAY, "07:20:00")))) == {1: "AFTER_CUTOVER"}
    # AND a date already past is the super admin's too: it voids the punches recorded since (a mistyped date made
    # a school's week TK), so the unit admin's is refused and nothing changes
    past = api.call("PUT", "/v1/admin/units/U1/cutover", {"date": MONDAY.isoformat()}, token=ops)
    assert (past.status, past.body["error"]["details"]) == (403, {"date": MONDAY.isoformat(), "reason": "past"})
    # ... while the date already set, sent again (a retry finishing its re-run), goes through and changes nothing
    assert api.call("PUT", "/v1/admin/units/U1/cutover", {"date": TUESDAY.isoformat()}, token=ops).status == 200
    # AND a super admin moves it earlier and later; each audited with what it replaced
    earlier = api.call("PUT", "/v1/admin/units/U1/cutover", {"date": MONDAY.isoformat()}, token=admin)
    assert earlier.status == 200, earlier.body
    assert api.call("PUT", "/v1/admin/units/U1/cutover", {"date": "2026-11-04"}, token=admin).status == 200
    log = api.call("GET", "/v1/admin/audit?action=unit.cutover", token=admin).body["items"]
    replaced = [(i["details"]["date"], i["details"]["before"] or "") for i in log]
    assert sorted(replaced) == [
        ("2026-11-02", "2026-11-03"),
        ("2026-11-03", ""),
        ("2026-11-03", "2026-11-03"),  # the unit admin's resend, audited as the retry it may be
        ("2026-11-04", "2026-11-02"),
    ]
    # AND an import names in the audit log whose days it gave punches, one entry per employee
    import_file(
        api, ops, attlog(punch(A, TUESDAY, "07:20:00"), punch(A, TUESDAY, "16:05:00"), punch(B, TUESDAY, "07:01:00"))
    )
    named = api.call("GET", "/v1/admin/audit?action=fingerprint.punches", token=admin).body["items"]
    assert sorted((i["actor"], i["target"], i["details"]["dates"]) for i in named) == [
        ("ops-u1", A, ["2026-11-03"]),
        ("ops-u1", B, ["2026-11-03"]),
    ]
    # AND a date still to come stays the unit admin's to bring earlier
    assert api.call("PUT", "/v1/admin/units/U1/cutover", {"date": "2100-01-10"}, token=admin).status == 200
    assert api.call("PUT", "/v1/admin/units/U1/cutover", {"date": "2100-01-05"}, token=ops).status == 200


def test_an_operator_s_own_pin_and_punches_are_left_to_another_admin(api: Api, units: None) -> None:
    # GIVEN U1's operator, who is employee A
    admin = api.admin_token()
    body = {"username": "operator", "password": "kuat-sekali-1", "role": "unit_admin", "unit_ids": ["U1"], "nip": A}
    assert api.call("POST", "/v1/admin/users", body, token=admin).status == 201
    ops = api.admin_token("operator", "kuat-sekali-1")
    # WHEN they map their own PIN and upload a file with their own punches and a colleague's
    pins = map_pins(api, ops, {"1": A, "2": B})
    result = import_file(api, ops, attlog(punch(A, MONDAY, "07:00:00"), punch(B, MONDAY, "07:05:00")))
    # THEN only the colleague's lines are applied; their own are reported, not written
    assert (pins["mapped"], codes(pins)) == (1, {1: "OWN_RECORD"})
    assert (result["imported"], codes(result)) == (1, {1: "OWN_RECORD"})
    assert stored_events(A) == [] and len(stored_events(B)) == 1
    # AND another admin uploading the same file imports the operator's punch (the colleague's is a duplicate)
    again = import_file(api, admin, attlog(punch(A, MONDAY, "07:00:00"), punch(B, MONDAY, "07:05:00")))
    assert (again["imported"], again["duplicates"]) == (1, 1) and len(stored_events(A)) == 1


def test_a_unit_admin_maps_and_imports_only_their_own_units(api: Api, units: None) -> None:
    admin = api.admin_token()
    ops = api.unit_admin_token(admin, "U1")
    pins = map_pins(api, ops, {"1": A, "4": D, "5": "000000000000000000", "x!": A})
    assert pins["mapped"] == 1
    assert codes(pins) == {2: "OUT_OF_SCOPE", 3: "UNKNOWN_EMPLOYEE", 4: "INVALID_PIN"}
    map_pins(api, admin, {"1": D})  # U2's machine has a PIN 1 too: PINs are per unit
    result = import_file(api, ops, attlog(punch("1", MONDAY, "07:00:00"), punch(D, MONDAY, "07:00:00")))
    assert (result["imported"], codes(result)) == (1, {2: "OUT_OF_SCOPE"})
    assert stored_events(D) == []
    ambiguous = import_file(api, admin, attlog(punch("1", TUESDAY, "07:00:00")))
    assert codes(ambiguous) == {1: "AMBIGUOUS_PIN"}
    assert import_file(api, admin, attlog(punch("1", TUESDAY, "07:00:00")), query="?unor_id=U2")["imported"] == 1
    other = api.call("PUT", "/v1/admin/units/U2/cutover", {"date": TUESDAY.isoformat()}, token=ops)
    assert (other.status, other.body["error"]["code"]) == (403, "FORBIDDEN")
    scoped = api.call("POST", f"{IMPORT}?unor_id=U2", raw=b"x", content_type=ATTLOG, token=ops)
    assert scoped.status == 403
    employee_call = api.call("PUT", "/v1/admin/fingerprint/pins", {"pins": []})
    assert employee_call.status == 401


def test_the_same_file_imported_twice_at_once_is_written_once(api: Api, units: None) -> None:
    sample = generate([A, B, C], MONDAY, 14, seed=3)
    settings = load_settings()
    caller = Principal("admin", "super_admin")
    results: list[object] = [None, None]
    start = threading.Barrier(2)

    def run(i: int) -> None:
        start.wait()
        results[i] = fingerprint.import_punches(
            caller, sample.data, ATTLOG, ImportQuery(), settings=settings, now=datetime.now(UTC)
        )

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    truth = sum(len(times) for times in sample.punches.values()) + sample.repeats  # a second press is stored too
    imported = [r.imported for r in results]  # type: ignore[attr-defined]
    assert sum(imported) == truth
    assert sum(len(stored_events(nip)) for nip in (A, B, C)) == truth


def test_bodies_over_the_limit_are_refused_whole(api: Api, units: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMART_MAX_BODY_BYTES", "2048")
    load_settings.cache_clear()
    admin = api.admin_token()
    data = attlog(*(punch(A, MONDAY, f"07:{m:02d}:00") for m in range(60)))
    answer = api.call("POST", IMPORT, raw=data, content_type=ATTLOG, token=admin)
    assert (answer.status, answer.body["error"]["code"]) == (413, "PAYLOAD_TOO_LARGE")
    bomb = gzip.compress(b"1\t2026-11-02 07:00:00\r\n" * 3_000_000)
    answer = api.call("POST", IMPORT, raw=bomb, content_type="application/gzip", token=admin)
    assert answer.status == 413
    assert stored_events(A) == []


# --- recapped days judged again -------------------------------------------------------------------------


def test_punches_imported_after_the_recap_change_the_recapped_days_at_once(api: Api, units: None) -> None:
    # GIVEN a recapped Monday with nobody checked in (TK, a 5 % deduction each), and a Tuesday never recapped
    admin = api.admin_token()
    recap(api, admin, MONDAY)
    # WHEN the unit's machine log arrives a week later
    data = attlog(punch(A, MONDAY, "07:20:00"), punch(A, MONDAY, "16:10:00"), punch(B, TUESDAY, "07:00:00"))
    first = import_file(api, admin, data)
    # THEN the recapped Monday is judged again within the import, and the monthly report follows
    assert (first["imported"], first["recapped"], first["recapping"]) == (3, [MONDAY.isoformat()], 0)
    assert api.recapped_statuses(admin, MONDAY) == {A: "H", B: "TK", C: "TK"}
    month = api.call("GET", "/v1/admin/recaps/monthly?month=2026-11&unor_id=U1", token=admin)
    assert {r["nip"]: r["deduction_percent"] for r in month.body["items"]}[A] == 0
    # AND Tuesday, never recapped, is left to its own recap
    assert api.recapped_statuses(admin, TUESDAY) == {}
    # AND the same file again imports nothing and re-runs Monday, which writes nothing
    again = import_file(api, admin, data)
    assert (again["imported"], again["recapped"]) == (0, [MONDAY.isoformat()])
    assert api.recapped_statuses(admin, MONDAY) == {A: "H", B: "TK", C: "TK"}


def test_punches_end_a_night_shift_and_complete_an_app_check_in(api: Api, units: None) -> None:
    # GIVEN Asep rostered 21:00-07:00 on Monday night, and Budi who checked in with the app at 07:25 on Monday
    admin = api.admin_token()
    night = {"shifts": {MONDAY.isoformat(): {"start": "21:00", "end": "07:00"}}}
    assert api.call("PUT", f"/v1/admin/employees/{A}/shifts", night, token=admin).status == 200
    seed_event(B, "U1", "in", datetime.combine(MONDAY, datetime.min.time()).replace(hour=7, minute=25))
    # WHEN the machine log holds Asep's 20:55 and 07:05 next morning, and Budi's 16:05 on his way home
    data = attlog(punch(A, MONDAY, "20:55:00"), punch(A, TUESDAY, "07:05:00"), punch(B, MONDAY, "16:05:00"))
    assert import_file(api, admin, data)["imported"] == 3
    recap(api, admin, MONDAY)
    # THEN Asep's night is whole and on time, and so is Budi's day: the punches were typed within the working day
    assert {nip: status for nip, status in api.recapped_statuses(admin, MONDAY).items() if nip in (A, B)} == {
        A: "H",
        B: "H",
    }


def test_a_night_shift_ending_on_the_cut_over_date_keeps_its_machine_check_out(api: Api, units: None) -> None:
    # GIVEN Asep rostered 21:00-07:00 on Monday night, and U1 switched to the app on Tuesday
    admin = api.admin_token()
    night = {"shifts": {MONDAY.isoformat(): {"start": "21:00", "end": "07:00"}}}
    assert api.call("PUT", f"/v1/admin/employees/{A}/shifts", night, token=admin).status == 200
    assert api.call("PUT", "/v1/admin/units/U1/cutover", {"date": TUESDAY.isoformat()}, token=admin).status == 200
    # WHEN the machine's log holds Asep's 20:55 and 07:05 on Tuesday morning, and Budi's arrival at 07:20 on Tuesday
    data = attlog(punch(A, MONDAY, "20:55:00"), punch(A, TUESDAY, "07:05:00"), punch(B, TUESDAY, "07:20:00"))
    result = import_file(api, admin, data)
    # THEN Asep's 07:05 ends Monday's night, a working day before the cut-over: imported, and his Monday is H (it
    # was PSW4, 1.5 %); Budi's belongs to Tuesday: refused
    assert (result["imported"], codes(result)) == (2, {3: "AFTER_CUTOVER"})
    assert recap(api, admin, MONDAY)[A]["status"] == "H"
    assert recap(api, admin, MONDAY)[A]["check_out"] == utc(datetime(2026, 11, 3, 7, 5))


def handed_runs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Re-judge runs handed to the worker, kept as the events Lambda would receive (nothing runs yet)."""
    return handed_over(monkeypatch, "start_rejudge", runtime.rejudge_event)


@pytest.fixture()
def past_limit(api: Api, units: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """Monday and Tuesday recapped, and at most one unit-day judged again within a request: the super admin's
    token."""
    admin = api.admin_token()
    recap(api, admin, MONDAY)
    recap(api, admin, TUESDAY)
    monkeypatch.setattr(rejudge, "SYNC_UNIT_DAYS", 1)
    return admin


def test_an_import_reaching_many_recapped_days_hands_them_to_the_report_worker(
    api: Api, past_limit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN two recapped days, more than a request judges again, one unit-day per worker run, and no look-up of
    # the stored recaps within the request (as for a file of more than LOOKUP_UNIT_DAYS past unit-days)
    admin = past_limit
    monkeypatch.setattr(rejudge, "RUN_UNIT_DAYS", 1)
    monkeypatch.setattr(rejudge, "LOOKUP_UNIT_DAYS", 0)
    sent = handed_runs(monkeypatch)
    # WHEN a log of both days (and of a day never recapped) is imported
    wednesday = TUESDAY + timedelta(days=1)
    data = attlog(punch(A, MONDAY, "07:20:00"), punch(B, TUESDAY, "07:05:00"), punch(D, wednesday, "07:00:00"))
    answer = import_file(api, admin, data)
    # THEN nothing is judged within the request: seven unit-days go to the worker, one run each (each punch's
    # date and the days either side: the day before, whose night shift a morning punch may end, and the day
    # after, whose shift from midnight a late punch may begin: U1's Sunday to Wednesday, U2's Tuesday to Thursday)
    assert (answer["imported"], answer["recapped"], answer["recapping"]) == (3, [], 7)
    assert len(sent) == 7 and api.recapped_statuses(admin, MONDAY)[A] == "TK"
    runs = api.call("GET", "/v1/admin/jobs?job=recap_rejudge", token=admin)
    assert [(r["status"], r["trigger"]) for r in runs.body["items"]] == [("running", "import")] * 7
    # WHEN the ReportWorker function receives each run (the first one twice: Lambda's retry)
    from app import app

    with Client(app, stage_name="local") as client:
        done = [client.lambda_.invoke("report_worker", event).payload for event in sent]
        retried = client.lambda_.invoke("report_worker", sent[0]).payload
    # THEN each recapped unit-day is judged again once (U1's Monday and Tuesday, U2's Tuesday), the days never
    # recapped are left alone
    monday, tuesday = (MONDAY.isoformat(),), (TUESDAY.isoformat(),)
    assert sorted(tuple(d["dates"]) for d in done) == [(), (), (), (), monday, tuesday, tuesday]
    assert retried == {"run": sent[0]["detail"]["run"], "status": "succeeded"}  # type: ignore[index]
    assert (api.recapped_statuses(admin, MONDAY)[A], api.recapped_statuses(admin, TUESDAY)[B]) == (
        "PSW4",
        "PSW4",
    )  # no check-out
    finished = api.call("GET", "/v1/admin/jobs?job=recap_rejudge", token=admin).body["items"]
    assert {r["status"] for r in finished} == {"succeeded"}


def test_a_re_judge_the_worker_cannot_be_handed_is_503_and_kept_for_a_retry(
    api: Api, past_limit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a deployment whose report worker cannot be invoked, and more recapped days than a request re-runs
    admin = past_limit
    monkeypatch.setenv("SMART_REPORT_WORKER_FUNCTION", "smart-dev-NoSuchFunction")
    load_settings.cache_clear()
    data = attlog(punch(A, MONDAY, "07:20:00"), punch(A, TUESDAY, "07:20:00"))
    try:
        # WHEN the log is imported THEN the answer is 503, and the run says what was not judged again
        answer = api.call("POST", IMPORT, raw=data, content_type=ATTLOG, token=admin)
        assert (answer.status, answer.body["error"]["code"]) == (503, "UNAVAILABLE"), answer.body
        runs = api.call("GET", "/v1/admin/jobs?job=recap_rejudge", token=admin).body["items"]
        assert [(r["status"], r["error"], len(r["result"]["unit_days"])) for r in runs] == [
            ("failed", "hand-over failed", 2)
        ]
    finally:
        monkeypatch.delenv("SMART_REPORT_WORKER_FUNCTION")
        load_settings.cache_clear()
    # AND the same file sent again (the punches are stored already) judges both days again
    monkeypatch.setattr(rejudge, "SYNC_UNIT_DAYS", 31)
    again = import_file(api, admin, data)
    assert (again["imported"], again["recapped"]) == (0, [MONDAY.isoformat(), TUESDAY.isoformat()])
    assert (api.recapped_statuses(admin, MONDAY)[A], api.recapped_statuses(admin, TUESDAY)[A]) == ("PSW4", "PSW4")


def test_punches_of_a_day_before_a_move_count_in_the_unit_the_employee_was_in(api: Api, units: None) -> None:
    # GIVEN Monday recapped in U1 (Asep absent: his punches are still on the machine), then Asep moved to U2
    admin = api.admin_token()
    assert recap(api, admin, MONDAY)[A]["status"] == "TK"
    PEOPLE.put_employee(Employee(nip=A, nama="Asep", unor_id="U2"))
    log = attlog(punch(A, MONDAY, "07:05:00"), punch(A, MONDAY, "16:10:00"))
    # WHEN U2's admin uploads U1's machine log, THEN the lines are not theirs: that day was U1's
    refused = import_file(api, api.unit_admin_token(admin, "U2"), log)
    assert refused["imported"] == 0 and set(codes(refused).values()) == {"OUT_OF_SCOPE"}
    # WHEN U1's admin uploads it
    result = import_file(api, api.unit_admin_token(admin, "U1"), log)
    # THEN the punches are stored under U1, which judges Monday again: Asep was there on time
    assert (result["imported"], result["recapped"], result["errors"]) == (2, [MONDAY.isoformat()], [])
    assert {e.unor_id for e in stored_events(A)} == {"U1"}  # type: ignore[attr-defined]
    assert recap(api, admin, MONDAY)[A]["status"] == "H"
    monday = api.call("GET", f"/v1/admin/recaps/daily?date={MONDAY.isoformat()}&unor_id=U2", token=admin)
    assert A not in {i["nip"] for i in monday.body["items"]}
