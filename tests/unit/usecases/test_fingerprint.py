"""Fingerprint imports against the in-memory twins: a button pressed twice, and retries after a failure half-way."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.domain.attendance import Event
from chalicelib.domain.people import Employee, Principal
from chalicelib.domain.schedule import WorkHours
from chalicelib.errors import UnavailableError
from chalicelib.settings import build_settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import fingerprint, recaps
from chalicelib.usecases.schemas.rollout import Cutover, CutoverBody, ImportQuery, ImportResult

from .admin_fixtures import AuditTrail, audited

__all__ = ["audited"]

SETTINGS = build_settings({})
MONDAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # a Friday, 10:00 in Jakarta
A = "198501012010011001"
N = "199002022015032002"  # a nurse on night shifts
SUPER = Principal("bkpsdm", "super_admin")


@pytest.fixture()
def unit(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> Repositories:
    """Unit U1 of Asep (office hours) and Nina (a nurse), recapped on Monday and Tuesday before any punch."""
    repos.people.upsert_unit("U1", "Puskesmas Ngamprah")
    repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U1"))
    repos.people.put_employee(Employee(nip=N, nama="Nina", unor_id="U1"))
    repos.calendar.put_shifts(N, "U1", {MONDAY: WorkHours(time(21, 0), time(7, 0))}, "admin")
    for offset in range(2):
        recaps.run_daily_recap(MONDAY + timedelta(days=offset), SETTINGS, ["U1"])
    monkeypatch.setattr(runtime, "start_rejudge", lambda *a: pytest.fail("no hand-over expected"))
    return repos


def attlog(*lines: tuple[str, str]) -> bytes:
    return "".join(f"{nip}\t{at}\t1\t0\t0\t0\r\n" for nip, at in lines).encode()


def stored(nip: str, day: date) -> tuple[str, int | None] | None:
    found = runtime.statuses().employee_status(nip, day)
    return (found[1].status.status, found[1].status.early_minutes) if found else None


def import_file(raw: bytes, offset_minutes: str = "0") -> ImportResult:
    """BKPSDM imports `raw` as ATTLOG text, every time corrected by `offset_minutes` (the query parameter)."""
    query = ImportQuery.model_validate({"offset_minutes": offset_minutes})
    return fingerprint.import_punches(SUPER, raw, "text/plain", query, settings=SETTINGS, now=NOW)


def machine_punches(nip: str) -> list[Event]:
    """The employee's stored punches of a machine (imported, not checked in), of the 30 days before NOW."""
    return [e for e in runtime.events().events_between(nip, NOW - timedelta(days=30), NOW) if e.source]


def test_a_departure_pressed_twice_counts_its_last_press(unit: Repositories) -> None:
    # GIVEN Asep's machine log of Monday: in at 07:25, out pressed twice across 16:00 (15:59:40, 16:00:10)
    # AND Nina's night: in at 20:55, out pressed twice across 07:00 the next morning (06:59:50, 07:00:10)
    raw = attlog(
        (A, "2026-11-02 07:25:00"),
        (A, "2026-11-02 15:59:40"),
        (A, "2026-11-02 16:00:10"),
        (N, "2026-11-02 20:55:00"),
        (N, "2026-11-03 06:59:50"),
        (N, "2026-11-03 07:00:10"),
    )
    # WHEN the file is imported
    result = import_file(raw)
    # THEN both days are on time: H, not PSW1 (0.5 %); every press is stored (none is a duplicate)
    assert stored(A, MONDAY) == ("H", 0)
    assert stored(N, MONDAY) == ("H", 0)
    assert (result.imported, result.duplicates) == (6, 0)
    # AND importing the same file again (a merged copy with a line twice) imports nothing and counts them all
    again = import_file(raw + attlog((A, "2026-11-02 16:00:10")))
    assert (again.imported, again.duplicates) == (0, 7)


def test_a_punch_before_midnight_imported_late_re_judges_the_shift_from_midnight_it_begins(
    unit: Repositories,
) -> None:
    # GIVEN Nina rostered on Tuesday 00:00-08:00; Tuesday's file (her 08:05 departure) imported and recapped: her
    # arrival missing (TL4)
    unit.calendar.put_shifts(N, "U1", {MONDAY + timedelta(days=1): WorkHours(time(0, 0), time(8, 0))}, "admin")
    import_file(attlog((N, "2026-11-03 08:05:00")))
    tuesday = runtime.statuses().employee_status(N, MONDAY + timedelta(days=1))
    assert tuesday is not None and tuesday[1].status.status.startswith("TL")
    # WHEN Monday's file comes later, with her 23:50 arrival (Tuesday's shift: decision 294)
    result = import_file(attlog((N, "2026-11-02 23:50:00")))
    # THEN Tuesday is judged again with it: present, no deduction (it was left TL4 at 1.5 %)
    assert "2026-11-03" in result.recapped
    assert stored(N, MONDAY + timedelta(days=1)) == ("H", 0)


def test_an_arrival_pressed_twice_counts_its_first_press_and_is_not_a_departure(unit: Repositories) -> None:
    # GIVEN Asep presses twice on arrival (07:29:50, 07:31:10) and once on leaving (16:05)
    raw = attlog((A, "2026-11-02 07:29:50"), (A, "2026-11-02 07:31:10"), (A, "2026-11-02 16:05:00"))
    # WHEN the file is imported THEN the day is on time (the first press), not TL1
    import_file(raw)
    assert stored(A, MONDAY) == ("H", 0)
    # AND on Tuesday an arrival burst alone (07:25:00, 07:26:00) is an arrival without departure (PSW4), as one
    # press would be: 07:26 is not a check-out
    import_file(attlog((A, "2026-11-03 07:25:00"), (A, "2026-11-03 07:26:00")))
    alone = runtime.statuses().employee_status(A, MONDAY + timedelta(days=1))
    assert alone is not None and alone[1].status.status == "PSW4" and alone[1].status.check_out is None


def test_a_second_press_imported_after_the_first_is_stored_and_re_judges_the_day(unit: Repositories) -> None:
    # GIVEN a file that ended with 15:59:40 (PSW1), then the next export, which holds the 16:00:10 press too
    import_file(attlog((A, "2026-11-02 07:25:00"), (A, "2026-11-02 15:59:40")))
    assert stored(A, MONDAY) == ("PSW1", 1)
    # WHEN the later export is imported THEN the second press is new, and the day is H
    later = import_file(attlog((A, "2026-11-02 15:59:40"), (A, "2026-11-02 16:00:10")))
    assert (later.imported, later.duplicates) == (1, 1)
    assert stored(A, MONDAY) == ("H", 0)


@pytest.mark.parametrize(
    ("log", "first", "then"),
    [
        # a machine 8 minutes slow whose file was first imported without a correction (07:38 arrives 07:30: H),
        # then with the correction it lacked
        (attlog((A, "2026-11-02 07:30:00"), (A, "2026-11-02 15:55:00")), "0", "8"),
        # Asep's Wednesday on a machine whose date was taken a day ahead, imported with -1440 (stored Tuesday),
        # then with the opposite correction: two days from the stored punches (decision 278; Thursday gets none)
        (attlog((A, "2026-11-04 07:30:00"), (A, "2026-11-04 16:00:00")), "-1440", "1440"),
    ],
    ids=["a correction it lacked", "opposite one-day corrections"],
)
def test_a_file_imported_again_with_another_clock_correction_adds_no_second_set_of_punches(
    log: bytes, first: str, then: str, unit: Repositories
) -> None:
    # GIVEN a machine's file imported under one correction
    assert import_file(log, first).imported == 2
    # WHEN the same file is imported again under another
    again = import_file(log, then)
    # THEN the punches are known by the machine's own time, however far the two corrections lie apart: nothing is
    # added (the earliest arrival of two sets would count), and every line says it was imported already under
    # another correction
    assert (again.imported, [(e.line, e.code) for e in again.errors]) == (
        0,
        [(1, "OFFSET_CONFLICT"), (2, "OFFSET_CONFLICT")],
    )
    assert len(machine_punches(A)) == 2
    # AND the same file under the first correction is a duplicate, as before
    same = import_file(log, first)
    assert (same.imported, same.duplicates, same.errors) == (0, 2, [])


def test_a_gzipped_csv_with_a_quoted_header_is_read_as_the_csv_it_is(unit: Repositories) -> None:
    # GIVEN a CSV saved by a spreadsheet that quotes every cell, header too, gzipped as the console sends files
    data = f'"pin","timestamp"\r\n"{A}","2026-11-02 07:30:00"\r\n"{A}","2026-11-02 16:05:00"\r\n'.encode()
    # WHEN it is imported
    result = fingerprint.import_punches(
        SUPER, gzip.compress(data), "application/gzip", ImportQuery(), settings=SETTINGS, now=NOW
    )
    # THEN it is read as a CSV, as it is when sent uncompressed: not taken for an ATTLOG and refused line by line
    assert (result.imported, result.errors) == (2, [])
    assert stored(A, MONDAY) == ("H", 0)


def test_a_corrected_import_keeps_its_correction_and_is_known_by_the_machine_s_own_time(unit: Repositories) -> None:
    # GIVEN a file imported with +8 (07:30 on the machine stored as 07:38)
    log = attlog((A, "2026-11-02 07:30:00"))
    assert import_file(log, "8").imported == 1
    [punch] = machine_punches(A)
    assert (punch.attendance_time, punch.clock_correction_s) == ("2026-11-02T00:38:00+00:00", 480)
    # WHEN it is imported again without the correction THEN it is refused, not stored as a 07:30 arrival
    plain = import_file(log)
    assert (plain.imported, [e.code for e in plain.errors]) == (0, ["OFFSET_CONFLICT"])
    assert stored(A, MONDAY) is not None and stored(A, MONDAY)[0].startswith("TL1")


def test_a_punch_after_its_employee_left_is_refused_not_stored_on_them(
    unit: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep deactivated on Tuesday (retired), his PIN on the machine now pressed by a newcomer
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 11, 3, 3, 0, tzinfo=UTC))
    unit.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U1", active=False))
    # WHEN the machine's file holds his Monday (his last day) and Wednesday
    result = import_file(attlog((A, "2026-11-02 07:20:00"), (A, "2026-11-04 07:21:00")))
    # THEN Monday's punch counts, and Wednesday's is refused by line: not stored on someone who had left
    assert (result.imported, [(e.line, e.code) for e in result.errors]) == (1, [(2, "INACTIVE_EMPLOYEE")])


def test_a_stale_pin_of_an_employee_who_moved_is_not_booked_to_their_new_unit(
    unit: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN PIN 7 of U1's machine mapped to Asep, who moved to U2 on Thursday 5 November
    unit.people.upsert_unit("U2", "Pustu Cilame")
    assert fingerprint.put_pins(SUPER, f"pin,nip\n7,{A}\n".encode(), "text/csv", NOW).mapped == 1
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 11, 5, 3, 0, tzinfo=UTC))
    unit.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U2"))
    # WHEN a super admin imports U1's machine log (its unit named), in which U1's newcomer now presses PIN 7 on
    # Monday 9 November, beside Asep's own Monday 2 November; and Asep once pressed his NIP there on the 10th
    log = attlog(("7", "2026-11-02 07:20:00"), ("7", "2026-11-09 07:20:00"), ("7", "2026-11-09 16:05:00"))
    query = ImportQuery.model_validate({"unor_id": "U1"})
    result = fingerprint.import_punches(
        SUPER, log + attlog((A, "2026-11-10 07:25:00")), "text/plain", query, settings=SETTINGS, now=NOW
    )
    # THEN the 9th is refused by line (Asep was in U2 by then: the newcomer's punches would make him present
    # there), while his 2nd counts in U1, and a punch by his own NIP is his wherever he pressed it
    assert (result.imported, [(e.line, e.code) for e in result.errors]) == (
        2,
        [(2, "MOVED_EMPLOYEE"), (3, "MOVED_EMPLOYEE")],
    )
    booked = [(e.unor_id, e.local_date) for e in runtime.events().events_between(A, NOW - timedelta(days=30), NOW)]
    assert booked == [("U1", "2026-11-02"), ("U2", "2026-11-10")]
    assert "unit lain" in result.errors[0].message


def test_punches_at_the_new_unit_before_sapk_recorded_the_move_are_still_booked(
    unit: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep, recapped in U1 on Monday 2 November, already working at U2 that week; SIMPEG records his move on
    # Thursday 5 November, and U2's admin then maps PIN 9 of U2's machine to him
    unit.people.upsert_unit("U2", "Pustu Cilame")
    recaps.run_daily_recap(date(2026, 11, 2), SETTINGS, ["U1"])
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 11, 5, 3, 0, tzinfo=UTC))
    unit.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U2"))
    assert fingerprint.put_pins(SUPER, f"pin,nip\n9,{A}\n".encode(), "text/csv", NOW).mapped == 1
    # WHEN U2's machine log is imported, naming U2, with his Monday there
    query = ImportQuery.model_validate({"unor_id": "U2"})
    log = attlog(("9", "2026-11-02 07:20:00"), ("9", "2026-11-02 16:05:00"))
    result = fingerprint.import_punches(SUPER, log, "text/plain", query, settings=SETTINGS, now=NOW)
    # THEN his punches count (the new unit's own fresh mapping, before SIMPEG caught up: not a stale PIN), for the
    # day as the unit that judged it holds it
    assert (result.imported, result.errors) == (2, [])


@contextmanager
def failing(owner: object, name: str) -> Iterator[None]:
    """Every call of `owner.name` answers 503 (DynamoDB throttled) while inside."""

    def down(self: object, *args: Any, **kwargs: Any) -> Any:
        raise UnavailableError()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(owner), name, down)
        yield


def punch_audit(trail: AuditTrail) -> list[tuple[str, object]]:
    return [(e.target, (e.detail or {}).get("dates")) for e in trail.entries() if e.action == "fingerprint.punches"]


MONDAY_LOG = attlog((A, "2026-11-02 07:20:00"), (A, "2026-11-02 16:05:00"))


def test_a_retry_after_a_failed_re_run_judges_the_days_and_the_audit_names_whose_days_changed(
    unit: Repositories, audited: AuditTrail
) -> None:
    # GIVEN Asep's Monday, recapped before the machine's log arrived (TK)
    assert stored(A, MONDAY) == ("TK", None)
    # WHEN his punches are stored but the re-run of Monday is throttled (503)
    with failing(runtime.statuses(), "save_day"), pytest.raises(UnavailableError):
        import_file(MONDAY_LOG)
    assert stored(A, MONDAY) == ("TK", None)
    # AND the admin uploads the same file again
    again = import_file(MONDAY_LOG)
    # THEN the retry imports nothing new, judges Monday again (H), and Tuesday (recapped already: a punch late on
    # Monday could begin a shift from midnight), and the log names Asep and the date
    assert (again.imported, again.duplicates, again.recapped) == (0, 2, ["2026-11-02", "2026-11-03"])
    assert stored(A, MONDAY) == ("H", 0)
    assert punch_audit(audited) == [(A, ["2026-11-02"])]


def test_a_retry_after_the_audit_write_failed_names_whose_days_changed(unit: Repositories, audited: AuditTrail) -> None:
    # WHEN the entry naming Asep cannot be written (503)
    with failing(runtime.audit(), "_append"), pytest.raises(UnavailableError):
        import_file(MONDAY_LOG)
    # THEN no punch was stored without it, and the retry writes both
    assert runtime.events().events_between(A, NOW - timedelta(days=30), NOW) == []
    again = import_file(MONDAY_LOG)
    assert (again.imported, punch_audit(audited)) == (2, [(A, ["2026-11-02"])])
    assert stored(A, MONDAY) == ("H", 0)
    # AND a plain re-import names no one again (nothing new)
    import_file(MONDAY_LOG)
    assert punch_audit(audited) == [(A, ["2026-11-02"])]


TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture()
def punched(unit: Repositories) -> Repositories:
    """Asep's machine punches of Monday and Tuesday imported and judged: both days H."""
    import_file(MONDAY_LOG + attlog((A, "2026-11-03 07:20:00"), (A, "2026-11-03 16:05:00")))
    assert [stored(A, MONDAY), stored(A, TUESDAY)] == [("H", 0), ("H", 0)]
    return unit


def cut_over(day: date) -> Cutover:
    return fingerprint.set_cutover(SUPER, "U1", CutoverBody(date=day), SETTINGS, NOW)


def test_a_retried_cut_over_judges_the_days_its_failed_re_run_left(punched: Repositories) -> None:
    # WHEN U1 cuts over to the app on Monday, but the re-run of the days it moves is throttled (503)
    with failing(runtime.statuses(), "save_day"), pytest.raises(UnavailableError):
        cut_over(MONDAY)
    assert runtime.timeclock().cutover_of("U1") == MONDAY
    # AND the admin sends the same date again
    again = cut_over(MONDAY)
    # THEN the retry re-runs the days the first call moved: the machine's punches no longer count from Monday
    assert again.recapped == ["2026-11-02", "2026-11-03"]
    assert [stored(A, MONDAY), stored(A, TUESDAY)] == [("TK", None), ("TK", None)]
    # AND once done, the same date again re-runs nothing
    assert cut_over(MONDAY).recapped == []


def test_a_cut_over_changed_after_a_failed_re_run_judges_the_days_of_both_changes(punched: Repositories) -> None:
    # GIVEN a cut-over to Monday whose re-run failed
    with failing(runtime.statuses(), "save_day"), pytest.raises(UnavailableError):
        cut_over(MONDAY)
    # WHEN it is moved to Tuesday (Monday to Tuesday is all this move changes by itself)
    moved = cut_over(TUESDAY)
    # THEN Tuesday, which the failed change left, is judged too: Monday's punches count, Tuesday's do not
    assert moved.recapped == ["2026-11-02", "2026-11-03"]
    assert [stored(A, MONDAY), stored(A, TUESDAY)] == [("H", 0), ("TK", None)]


def test_a_night_shift_ending_on_the_cut_over_date_keeps_its_machine_check_out(unit: Repositories) -> None:
    # GIVEN U1 switched to the app on Tuesday; Nina on Monday's 21:00-07:00 night (Tuesday: office hours), and
    # Asep rostered on Tuesday 00:00-08:00 (a shift from midnight)
    cut_over(TUESDAY)
    unit.calendar.put_shifts(A, "U1", {TUESDAY: WorkHours(time(0, 0), time(8, 0))}, "admin")
    # WHEN the machine's log is imported: Nina's 20:55, her 07:05 on the cut-over date and her 16:05 that day; and
    # Asep's 23:50 on Monday, the arrival of his Tuesday shift
    result = import_file(
        attlog(
            (N, "2026-11-02 20:55:00"),
            (N, "2026-11-03 07:05:00"),
            (N, "2026-11-03 16:05:00"),
            (A, "2026-11-02 23:50:00"),
        )
    )
    # THEN the 07:05 ends Monday's night, a working day before the cut-over: imported, and Monday is H (it was
    # PSW4, 1.5 %); the punches of Tuesday's working day are refused, the one dated Monday too
    assert (result.imported, {e.line: e.code for e in result.errors}) == (2, {3: "AFTER_CUTOVER", 4: "AFTER_CUTOVER"})
    assert stored(N, MONDAY) == ("H", 0)
    assert machine_punches(A) == []


def test_a_cut_over_set_after_the_import_leaves_the_night_before_it_whole(unit: Repositories) -> None:
    # GIVEN the machine's log of Nina's Monday night (20:55, 07:05 on Tuesday) and of Asep's Tuesday, imported
    import_file(
        attlog(
            (N, "2026-11-02 20:55:00"),
            (N, "2026-11-03 07:05:00"),
            (A, "2026-11-03 07:20:00"),
            (A, "2026-11-03 16:05:00"),
        )
    )
    assert [stored(N, MONDAY), stored(A, TUESDAY)] == [("H", 0), ("H", 0)]
    # WHEN U1 switches to the app on Tuesday
    moved = cut_over(TUESDAY)
    # THEN the days from Tuesday on are judged again (Monday's punches count as they did): Asep's Tuesday is TK
    assert moved.recapped == [TUESDAY.isoformat()]
    assert stored(A, TUESDAY) == ("TK", None)
    # AND Monday judged again (a nightly run, a later import) stays H: the 07:05 of the cut-over date ends its night
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1"])
    assert stored(N, MONDAY) == ("H", 0)


def test_an_unmatched_quote_in_a_pin_file_spoils_no_other_line(unit: Repositories) -> None:
    # GIVEN a PIN map whose second line opens a quote it never closes, and Nina's line after it
    pins = f'pin,nip\n7,"{A}\n8,{N}\n'.encode()
    # WHEN it is uploaded THEN both PINs are mapped: Nina's line is not swallowed into Asep's NIP
    result = fingerprint.put_pins(SUPER, pins, "text/csv", NOW)
    assert (result.mapped, result.errors) == (2, [])
    assert runtime.timeclock().pins_of_unit("U1") == {"7": A, "8": N}
    # AND a quote opened before 8,000 lines (one field over the CSV reader's limit when read together), or a cell
    # of 200,000 characters, is an error of its line, not a 500
    opened = f'pin,nip\n9,"{A}\n'.encode() + b"".join(b"%d,%s\n" % (i, A.encode()) for i in range(10, 8010))
    assert fingerprint.put_pins(SUPER, opened, "text/csv", NOW).mapped == 8001
    huge = fingerprint.put_pins(SUPER, f"pin,nip\n7,{'x' * 200_000}\n8,{N}\n".encode(), "text/csv", NOW)
    assert (huge.mapped, [(e.line, e.code) for e in huge.errors]) == (1, [(2, "INVALID_LINE")])


def pin_audit(trail: AuditTrail) -> list[tuple[str, object]]:
    return [(e.target, (e.detail or {}).get("pins")) for e in trail.entries() if e.action == "fingerprint.pin"]


def test_a_pin_handed_to_another_employee_names_both_and_what_it_was(unit: Repositories, audited: AuditTrail) -> None:
    # GIVEN PIN 7 of U1's machine, the finger Asep presses every morning, mapped to him
    assert fingerprint.put_pins(SUPER, f"pin,nip\n7,{A}\n".encode(), "text/csv", NOW).mapped == 1
    first = {"unor_id": "U1", "pin": "7", "before": None, "after": A}
    assert pin_audit(audited) == [(A, [first])]
    # WHEN an admin maps PIN 7 to Nina instead (Asep's punches would make absent Nina present, and Asep absent)
    fingerprint.put_pins(SUPER, f"pin,nip\n7,{N}\n".encode(), "text/csv", NOW)
    # THEN the log names both employees (a search by either NIP finds it) with the PIN's owner before and after
    moved = {"unor_id": "U1", "pin": "7", "before": A, "after": N}
    assert sorted(pin_audit(audited)[1:]) == [(A, [moved]), (N, [moved])]
    # AND the same map uploaded again, which changes nothing, names no one again
    fingerprint.put_pins(SUPER, f"pin,nip\n7,{N}\n".encode(), "text/csv", NOW)
    assert len(pin_audit(audited)) == 3


def test_two_maps_of_one_pin_at_once_are_audited_one_after_the_other(
    unit: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a map of PIN 7 to Asep whose read of the unit's PINs is slow to be followed by its write
    read, go = threading.Event(), threading.Event()
    pins_of_unit = unit.timeclock.pins_of_unit

    def slow_first(unor_id: str) -> dict[str, str]:
        held = pins_of_unit(unor_id)
        if not read.is_set():
            read.set()
            go.wait(2)  # the other map runs meanwhile, unless it waits for this one's turn
        return held

    monkeypatch.setattr(unit.timeclock, "pins_of_unit", slow_first)
    asep = threading.Thread(target=fingerprint.put_pins, args=(SUPER, f"pin,nip\n7,{A}\n".encode(), "text/csv", NOW))
    asep.start()
    assert read.wait(5)
    # WHEN another admin maps PIN 7 to Nina at that moment
    nina = threading.Thread(target=fingerprint.put_pins, args=(SUPER, f"pin,nip\n7,{N}\n".encode(), "text/csv", NOW))
    nina.start()
    nina.join(1)
    go.set()
    asep.join(30)
    nina.join(30)
    # THEN the second map's entry says it took PIN 7 from Asep (both said they took a free PIN, and Asep's entry
    # named no one losing it, while Nina's write won)
    first = {"unor_id": "U1", "pin": "7", "before": None, "after": A}
    moved = {"unor_id": "U1", "pin": "7", "before": A, "after": N}
    entries = pin_audit(audited)
    assert entries[0] == (A, [first])
    assert sorted(entries[1:]) == [(A, [moved]), (N, [moved])]  # one entry per employee, in either order
    assert runtime.timeclock().pins_of_unit("U1") == {"7": N}


def test_a_pin_map_whose_audit_write_failed_changes_nothing_and_its_retry_names_whom(
    unit: Repositories, audited: AuditTrail
) -> None:
    # WHEN the entry naming Asep cannot be written (503)
    with failing(runtime.audit(), "_append"), pytest.raises(UnavailableError):
        fingerprint.put_pins(SUPER, f"pin,nip\n7,{A}\n".encode(), "text/csv", NOW)
    # THEN the PIN was not mapped unaudited, and the retry maps it and names him
    assert runtime.timeclock().pins_of_unit("U1") == {}
    assert fingerprint.put_pins(SUPER, f"pin,nip\n7,{A}\n".encode(), "text/csv", NOW).mapped == 1
    assert pin_audit(audited) == [(A, [{"unor_id": "U1", "pin": "7", "before": None, "after": A}])]
