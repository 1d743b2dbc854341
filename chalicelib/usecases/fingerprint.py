"""Fingerprint machines during the rollout: PIN maps, punch imports and a unit's cut-over to the app.

Punches become events with ``source = "fingerprint"`` whose ids are fixed by (NIP, punch time), so importing a
file again writes nothing new, even when two imports of it run at once (each punch is a conditional write).
Recaps count them like app check-ins, typed within the working day they fall in when a day is judged (the
first is the check-in, the last the check-out; a lone punch the nearer of the two: `attendance.classify`).
Every distinct punch is stored, a button pressed twice too: the day counts a burst's first press as its arrival
and its last as its departure. Punches of a working day from a unit's cut-over date on are refused at import
(AFTER_CUTOVER) and ignored by recaps (those imported before the date was set): by the day a punch belongs to,
not its date (`classify.before_cutover`), so a night shift begun the day before keeps its morning check-out.
A unit admin maps and imports only their units' employees; any other line is reported (OUT_OF_SCOPE).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import TypeVar

from chalicelib import runtime
from chalicelib.attendance.calendar import DayPlan, plan_day
from chalicelib.attendance.classify import before_cutover, punch_day
from chalicelib.attendance.punches import (
    FINGERPRINT,
    PIN,
    REPEAT_WINDOW,
    LineProblem,
    RawPunch,
    canonical_pin,
    csv_delimiter,
    is_csv_header,
    new_punches,
    parse_punch_file,
    punch_kinds,
    unpack,
)
from chalicelib.attendance.rules import RuleTable
from chalicelib.domain.attendance import Event
from chalicelib.domain.decisions import Decided
from chalicelib.domain.files import csv_cells
from chalicelib.domain.people import NIP_PATTERN, AttemptClaim, Employee, Principal, recorded_day
from chalicelib.errors import ConflictError, ForbiddenError, UnsupportedMediaTypeError, ValidationError
from chalicelib.settings import Settings
from chalicelib.store.base import ConditionFailed, iso
from chalicelib.store.events import punch_event_id
from chalicelib.store.timeclock import CutoverChange, CutoverState
from chalicelib.usecases import access, directory, recaps, rejudge, turns
from chalicelib.usecases.schemas.common import load_json
from chalicelib.usecases.schemas.rollout import (
    MAX_OFFSET_MINUTES,
    Cutover,
    CutoverBody,
    ImportQuery,
    ImportResult,
    LineError,
    PinsResult,
)

# A gzip body may inflate to this much: a year of a 300-person machine is ~6 MB of ATTLOG (bench/rollout_RESULTS.md).
MAX_INFLATED_BYTES = 48 * 1024 * 1024
MAX_ERRORS = 1000
MAX_AUDITED_PINS = 50  # the PIN changes one employee's audit entry lists (a DynamoDB item holds 400 KB)
FUTURE_TOLERANCE = timedelta(minutes=2)
READERS = 8
ATTLOG_TYPES = ("text/plain", "")
CSV_TYPES = ("text/csv", "application/csv")
GZIP_TYPES = ("application/gzip", "application/x-gzip", "application/octet-stream")
T = TypeVar("T")
R = TypeVar("R")


def _parallel(work: Callable[[T], R], items: Sequence[T]) -> list[R]:
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        return list(pool.map(work, items))


MAX_SKEW = timedelta(minutes=MAX_OFFSET_MINUTES)  # the most an import's clock correction moves a punch


def _line_error(problem: LineProblem) -> LineError:
    return LineError(line=problem.line, code=problem.code, message=problem.message)


def _employees(nips: Iterable[str]) -> dict[str, Employee]:
    wanted = sorted(set(nips))
    found = _parallel(runtime.people().get_employee, wanted)
    return {e.nip: e for e in found if e is not None}


def _scope_problem(principal: Principal, employee: Employee) -> str | None:
    """Why a line of this employee is not the admin's to apply: another unit, or the admin's own record (an
    operator's own punches and PIN are uploaded by another admin: `access.require_not_own`)."""
    if not access.visible(principal, employee.unor_id):
        return "OUT_OF_SCOPE"
    return "OWN_RECORD" if access.is_own(principal, employee.nip) else None


# --- PINs ----------------------------------------------------------------------------------------------

_PinLine = tuple[int, str, str] | LineProblem  # (line, pin, nip) of a body, or why its line cannot be read


def put_pins(principal: Principal, raw: bytes, content_type: str, now: datetime) -> PinsResult:
    access.require_admin(principal)
    entries = _csv_pins(raw) if content_type in CSV_TYPES else _json_pins(raw)
    problems: list[LineProblem] = []
    wanted: dict[str, tuple[int, str]] = {}  # canonical pin -> (line, nip)
    for entry in entries:
        if isinstance(entry, LineProblem):
            problems.append(entry)
            continue
        line, pin, nip = entry
        problem = _pin_problem(pin, nip)
        if problem is None and canonical_pin(pin) in wanted and wanted[canonical_pin(pin)][1] != nip:
            problem = "DUPLICATE_PIN"
        if problem is not None:
            problems.append(LineProblem(line, problem))
        else:
            wanted[canonical_pin(pin)] = (line, nip)
    employees = _employees(nip for _, nip in wanted.values())
    by_unit: dict[str, dict[str, str]] = {}
    for pin, (line, nip) in wanted.items():
        employee = employees.get(nip)
        scope = None if employee is None else _scope_problem(principal, employee)
        if employee is None:
            problems.append(LineProblem(line, "UNKNOWN_EMPLOYEE"))
        elif scope is not None:
            problems.append(LineProblem(line, scope))
        else:
            by_unit.setdefault(employee.unor_id, {})[pin] = nip
    for unor_id, pins in sorted(by_unit.items()):
        with turns.held(PIN_TURN.format(unor_id=unor_id), PIN_TURN_HOLD_S, wait_s=PIN_TURN_WAIT_S, refused=_pins_busy):
            _audit_pin_changes(principal, unor_id, pins)
            runtime.timeclock().put_pins(unor_id, pins, principal.subject, now)
    mapped = sum(len(pins) for pins in by_unit.values())
    detail = {"mapped": mapped, "errors": len(problems), "units": sorted(by_unit)}
    runtime.audit().record(principal.subject, "fingerprint.pins", ",".join(sorted(by_unit)) or "-", detail)
    return PinsResult(mapped=mapped, errors=[_line_error(p) for p in sorted(problems, key=lambda p: p.line)])


# The login-guard scope whose one slot is the turn to map a unit's PINs: two admins mapping one PIN at once each
# read it free, and the audit said both took a free PIN while the last write won (decision 563).
PIN_TURN = "pins#{unor_id}"
PIN_TURN_HOLD_S = 60  # the longest a turn is held (by a function cut off holding it)
PIN_TURN_WAIT_S = 10.0  # how long a map waits for the unit's turn before its 409 (thousands of PINs take seconds)


def _pins_busy(claim: AttemptClaim) -> None:
    raise ConflictError(
        "PIN mesin unit ini sedang dipetakan admin lain; coba lagi sebentar.", {"retry_after_s": claim.retry_after_s}
    )


def _audit_pin_changes(principal: Principal, unor_id: str, pins: Mapping[str, str]) -> None:
    """One `fingerprint.pin` entry per employee whose PINs this map changes in the unit (target the NIP: the one a
    PIN is given to and the one it is taken from), each change as the unit, the PIN and its owner before and after.
    A PIN moved to another employee books the first one's presses as the second's, and the map keeps no history:
    the summary entry's counts alone left a PIN lent for a week and given back without a trace. Written before
    the map (as the punches' entries, decision 215), under the unit's turn, so a failure after it leaves an entry
    the retry repeats, never a change unaudited, and `before` is what the last map wrote; a PIN mapped as it was
    changes nothing and names no one."""
    changes: dict[str, list[dict[str, object]]] = {}
    held = runtime.timeclock().pins_of_unit(unor_id)
    for pin, nip in sorted(pins.items()):
        before = held.get(pin)
        if before == nip:
            continue
        change: dict[str, object] = {"unor_id": unor_id, "pin": pin, "before": before, "after": nip}
        for owner in {nip} if before is None else {nip, before}:
            changes.setdefault(owner, []).append(change)
    details: dict[str, Mapping[str, object] | None] = {
        nip: _pins_audited(found) for nip, found in sorted(changes.items())
    }
    if details:
        runtime.audit().stamped(principal.subject, "fingerprint.pin", details).write()


def _pins_audited(changes: list[dict[str, object]]) -> dict[str, object]:
    """One employee's PIN changes as their entry keeps them: the first MAX_AUDITED_PINS, and how many there were
    when there were more (a file mapping thousands of PINs to one NIP is a mistake, or worse, either way)."""
    if len(changes) <= MAX_AUDITED_PINS:
        return {"pins": changes}
    return {"pins": changes[:MAX_AUDITED_PINS], "changed": len(changes)}


def _pin_problem(pin: str, nip: str) -> str | None:
    if not PIN.match(pin):
        return "INVALID_PIN"
    if not NIP_PATTERN.match(nip):
        return "INVALID_NIP"
    if NIP_PATTERN.match(pin) and pin != nip:
        return "INVALID_PIN"  # a PIN that is an 18-digit NIP always means that NIP
    return None


def _json_pins(raw: bytes) -> list[_PinLine]:
    data = load_json(raw) if raw.strip() else None
    items = data.get("pins") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValidationError("Badan permintaan harus berisi daftar 'pins'.", {"pins": "a list is required"})
    entries: list[_PinLine] = []
    for number, item in enumerate(items, start=1):
        pin = item.get("pin") if isinstance(item, dict) else None
        nip = item.get("nip") if isinstance(item, dict) else None
        entries.append(
            (
                number,
                str(pin).strip() if isinstance(pin, str | int) else "",
                nip.strip() if isinstance(nip, str) else "",
            )
        )
    return entries


def _csv_pins(raw: bytes) -> list[_PinLine]:
    """The lines of a `pin,nip` CSV, each read on its own (`domain.files.csv_cells`: a quote left open spoils its line
    only); one that cannot be read is its line's INVALID_LINE."""
    lines = raw.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
    if not lines or not is_csv_header(lines[0], ("pin", "nip")):
        raise ValidationError("Berkas CSV harus berkolom 'pin,nip'.", {"body": "header pin,nip required"})
    delimiter = csv_delimiter(lines[0])
    entries: list[_PinLine] = []
    for number, line in enumerate(lines[1:], start=2):
        cells = csv_cells(line, delimiter)
        if cells is None:
            entries.append(LineProblem(number, "INVALID_LINE"))
        elif any(cell.strip() for cell in cells):
            entries.append((number, cells[0].strip(), cells[1].strip() if len(cells) > 1 else ""))
    return entries


# --- punches -------------------------------------------------------------------------------------------


@dataclass
class _Batch:
    """One import's punches once their PINs are resolved, grouped per employee."""

    per_nip: dict[str, list[tuple[int, datetime, str]]]  # nip -> (line, instant, unit the employee was in then)
    employees: dict[str, Employee]
    unknown_pins: set[str]
    problems: list[LineProblem]


def import_punches(
    principal: Principal, raw: bytes, content_type: str, query: ImportQuery, *, settings: Settings, now: datetime
) -> ImportResult:
    access.require_admin(principal)
    units = access.units_of(principal, query.unor_id)
    file = parse_punch_file(*_file_body(raw, content_type), settings.tz, today=now.astimezone(settings.tz).date())
    batch = _resolve(principal, file.punches, units, query, settings=settings, now=now)
    batch.problems.extend(file.problems)
    planned, repeated = _plan(batch, timedelta(minutes=query.offset_minutes), settings, now)
    # Whose days the punches change is recorded before they are written: a retry after any later failure (the
    # write, the re-run) finds them stored and would have nothing left to name (the log takes an entry twice).
    _audit_days(principal, planned)
    written, duplicates = _write(planned, repeated)
    imported = len(written)
    problems = sorted(batch.problems, key=lambda p: p.line)
    recapped, recapping = rejudge.unit_days(_unit_days(batch), settings, now)
    result = ImportResult(
        imported=imported,
        duplicates=duplicates,
        unknown_pins=sorted(batch.unknown_pins),
        errors=[_line_error(p) for p in problems[:MAX_ERRORS]],
        error_count=len(problems),
        recapped=recapped,
        recapping=recapping,
    )
    detail = {
        "imported": imported,
        "duplicates": duplicates,
        "unknown_pins": len(batch.unknown_pins),
        "errors": len(problems),
        "offset_minutes": query.offset_minutes,
        "recapped": len(recapped),
        "recapping": recapping,
        "units": sorted({unit for punches in batch.per_nip.values() for _, _, unit in punches}),
    }
    runtime.audit().record(principal.subject, "fingerprint.import", query.unor_id or "-", detail)
    return result


def _audit_days(principal: Principal, punches: Sequence[Event]) -> None:
    """One audit entry per employee whose days the import gives new punches (`fingerprint.punches`, target the
    NIP, the local dates): whose attendance an import changed reads from the log as a decision's does. Written
    for the punches not stored yet, before they are written (a punch stored once by a call that failed after it
    is named by that call; a parallel import of the same file may name it too)."""
    dates: dict[str, set[str]] = {}
    for punch in punches:
        dates.setdefault(punch.nip, set()).add(str(punch.local_date))
    details: dict[str, Mapping[str, object] | None] = {nip: {"dates": sorted(d)} for nip, d in sorted(dates.items())}
    if details:
        runtime.audit().stamped(principal.subject, "fingerprint.punches", details).write()


def _unit_days(batch: _Batch) -> set[tuple[str, date]]:
    """The unit-days of the file's accepted punches, new or imported before, and the days either side of each (a
    night shift's morning punch ends the shift of the evening before; a punch at 23:50 begins a shift from
    midnight, the day after's, decision 294): a file imported again re-runs its recapped days too (a retry after
    a failure half-way re-judges what the first attempt did not)."""
    return {
        (unit, at.date() + timedelta(days=shift))  # `at` is in the regency's zone
        for punches in batch.per_nip.values()
        for _, at, unit in punches
        for shift in (-1, 0, 1)
    }


def _file_body(raw: bytes, content_type: str) -> tuple[bytes, bool]:
    """The file's bytes and whether it is CSV (else ATTLOG)."""
    if content_type not in (*ATTLOG_TYPES, *CSV_TYPES, *GZIP_TYPES):
        raise UnsupportedMediaTypeError(
            details={"content_type": content_type, "expected": "text/plain, text/csv or application/gzip"}
        )
    data = unpack(raw, MAX_INFLATED_BYTES)
    if not data.strip():
        raise ValidationError("Berkas kosong.", {"body": "a punch file is required"})
    if content_type in CSV_TYPES:
        return data, True
    if content_type in GZIP_TYPES:
        return data, _starts_as_csv(data)
    return data, False


def _starts_as_csv(data: bytes) -> bool:
    """Whether a file whose type its content tells (gzip) is a CSV: its first line's first cell, read as CSV,
    begins with `pin` (an ATTLOG's begins with a PIN). Read as bytes, a spreadsheet's quoted header
    (`"pin","timestamp"`) made the file an ATTLOG and every line an error."""
    text = data[:4096].decode("utf-8", errors="replace").lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    cells = csv_cells(first, csv_delimiter(first)) or [""]
    return cells[0].strip().casefold().startswith("pin")


def _pin_directory(units: Sequence[str]) -> dict[str, set[str]]:
    """PIN -> NIPs it is mapped to in these units."""
    directory_: dict[str, set[str]] = {}
    for pins in _parallel(runtime.timeclock().pins_of_unit, list(units)):
        for pin, nip in pins.items():
            directory_.setdefault(pin, set()).add(nip)
    return directory_


def _resolve(
    principal: Principal,
    punches: Sequence[RawPunch],
    units: Sequence[str],
    query: ImportQuery,
    *,
    settings: Settings,
    now: datetime,
) -> _Batch:
    """The punches' employees (an 18-digit PIN is the NIP; another PIN is looked up in `units`' maps), each punch
    under the unit its employee was in that day, and the lines refused (`_punch_problem`; MOVED_EMPLOYEE when the
    import names the machine's unit and a PIN it maps was someone in another unit that day)."""
    pins = _pin_directory(units) if any(not NIP_PATTERN.match(p.pin) for p in punches) else {}
    problems: list[LineProblem] = []
    unknown: set[str] = set()
    resolved: list[tuple[RawPunch, str]] = []
    for punch in punches:
        if NIP_PATTERN.match(punch.pin):
            resolved.append((punch, punch.pin))
        elif len(pins.get(punch.pin, ())) == 1:
            resolved.append((punch, next(iter(pins[punch.pin]))))
        elif punch.pin in pins:
            problems.append(LineProblem(punch.line, "AMBIGUOUS_PIN", punch.pin))
        else:
            unknown.add(punch.pin)
    employees = _employees(nip for _, nip in resolved)
    skew = timedelta(minutes=query.offset_minutes)
    timed = [(punch, nip, (punch.local_time + skew).replace(tzinfo=settings.tz)) for punch, nip in resolved]
    then = _units_then(employees, {(nip, at.date()) for _, nip, at in timed}, settings)
    unit_ids = sorted({*(e.unor_id for e in employees.values()), *then.values()})
    cutovers = dict(zip(unit_ids, _parallel(runtime.timeclock().cutover_of, unit_ids), strict=True))
    days = _cutover_days(timed, employees, then, cutovers, settings)
    per_nip: dict[str, list[tuple[int, datetime, str]]] = {}
    for punch, nip, at in timed:
        current = employees.get(nip)
        employee = None if current is None else replace(current, unor_id=then.get((nip, at.date()), current.unor_id))
        moved = _moved_problem(punch, current, employee, at.date(), machine_unit=query.unor_id, tz=settings.tz)
        day = days.get((nip, at), at.date())  # `at` is in the regency's zone
        code = moved or _punch_problem(principal, employee, at, cutovers, now, day=day)
        if code is not None:
            problems.append(LineProblem(punch.line, code, punch.pin))
        elif employee is not None:
            per_nip.setdefault(nip, []).append((punch.line, at, employee.unor_id))
    return _Batch(per_nip, employees, unknown, problems)


def _cutover_days(
    timed: Sequence[tuple[RawPunch, str, datetime]],
    employees: Mapping[str, Employee],
    then: Mapping[tuple[str, date], str],
    cutovers: Mapping[str, date | None],
    settings: Settings,
) -> dict[tuple[str, datetime], date]:
    """The working day (by NIP and instant) of each punch dated the day before its unit's cut-over or on it, as
    the recap gives it (`classify.punch_day`): whether it counts turns on that day (`classify.before_cutover`). A
    night shift's 07:05 check-out of the cut-over date ends the day before (it counts); a 23:50 arrival the day
    before begins a shift from midnight of the cut-over date (it does not). A punch dated earlier can only belong
    to a day before the cut-over, one dated later only to a day after it: their date stands for it, unread."""
    rules = runtime.rule_table(settings)
    near: dict[tuple[str, str], tuple[Employee, date]] = {}  # (NIP, unit then) -> (employee then, cut-over)
    wanted: list[tuple[str, str, datetime]] = []
    for _, nip, at in timed:
        if nip not in employees:
            continue
        unit = then.get((nip, at.date()), employees[nip].unor_id)
        cutover = cutovers.get(unit)
        if cutover is not None and cutover - timedelta(days=1) <= at.date() <= cutover:
            near[(nip, unit)] = (replace(employees[nip], unor_id=unit), cutover)
            wanted.append((nip, unit, at))
    keys = sorted(near)
    plans = dict(zip(keys, _parallel(lambda key: _plans_around(*near[key], rules), keys), strict=True))
    return {(nip, at): punch_day(at, plans[(nip, unit)], rules) for nip, unit, at in wanted}


def _plans_around(employee: Employee, cutover: date, rules: RuleTable) -> list[DayPlan]:
    """The employee's plans of the two days before the cut-over, of the cut-over date and of the day after: every
    day a punch of the day before or of the cut-over date may belong to (one read, as a check-in's answer reads
    them: `recaps.counted_answer`). Field duties are left out: they excuse a day, not move its window."""
    first, last = cutover - timedelta(days=2), cutover + timedelta(days=1)
    plan = runtime.calendar().employee_plan(employee, first, last, ())
    calendar = runtime.calendar().cached_regency_calendar({first.year, last.year})
    return [plan_day(first + timedelta(days=offset), calendar, plan, rules) for offset in range(4)]


def _units_then(
    employees: dict[str, Employee], days: set[tuple[str, date]], settings: Settings
) -> dict[tuple[str, date], str]:
    """The unit each punch's day belongs to, for the employees who moved (`recaps.unit_on`; the others' days are
    their current unit's)."""
    movers = sorted((nip, day) for nip, day in days if nip in employees and employees[nip].unit_since is not None)
    units = _parallel(lambda key: recaps.unit_on(employees[key[0]], key[1], settings), movers)
    return dict(zip(movers, units, strict=True))


def _moved_problem(
    punch: RawPunch, current: Employee | None, then: Employee | None, day: date, *, machine_unit: str | None, tz: tzinfo
) -> str | None:
    """MOVED_EMPLOYEE when a PIN mapped by the machine's unit (`machine_unit`, the import's `unor_id`) was someone
    surely in another unit on `day` (`current`: the employee now; `then`: as of that day, `recaps.unit_on`). PIN
    maps carry no dates: after a move the old unit's PIN stays mapped until an admin maps it again, and a newcomer
    given it had their punches booked to the one who left, in the new unit (absent there, present). Sure from the
    move on, or before it when a stored day names another unit and the machine is not the new unit's (SIMPEG
    records a move days late); before the move without one, `unit_on` answers the current unit for want of the
    old: let through. An 18-digit PIN is the employee's own NIP, pressed wherever they were, and is not asked (a
    machine shared by two units: decision 280); nor is an import naming no unit."""
    if machine_unit is None or current is None or then is None or NIP_PATTERN.match(punch.pin):
        return None
    if then.unor_id == machine_unit:
        return None
    moved = recorded_day(current.unit_since, tz)
    if moved is None or day >= moved:
        return "MOVED_EMPLOYEE"
    # Before the recorded move: a third unit's machine is a stale PIN when a stored day names the old unit; the
    # new unit's own machine is not (its mapping was made after the move, and SIMPEG records a move days after
    # the employee began there: those punches are booked to the days as the unit that judged them has them)
    stale = current.unor_id not in (then.unor_id, machine_unit)
    return "MOVED_EMPLOYEE" if stale else None


def _punch_problem(
    principal: Principal,
    employee: Employee | None,
    at: datetime,
    cutovers: dict[str, date | None],
    now: datetime,
    *,
    day: date,
) -> str | None:
    """Why a punch is not applied (`employee`: as of the punch's day; `day`: the working day it belongs to as far
    as the cut-over goes, `_cutover_days`), or None."""
    if employee is None:
        return "UNKNOWN_EMPLOYEE"
    scope = _scope_problem(principal, employee)
    if scope is not None:
        return scope
    if at > now + FUTURE_TOLERANCE:
        return "FUTURE_PUNCH"
    if at.tzinfo is not None and employee.as_member().deactivated_by(at.date(), at.tzinfo):
        return "INACTIVE_EMPLOYEE"  # a PIN given to a newcomer still mapped to the one who left (line message)
    if not before_cutover(day, cutovers.get(employee.unor_id)):
        return "AFTER_CUTOVER"
    return None


def _plan(batch: _Batch, skew: timedelta, settings: Settings, now: datetime) -> tuple[list[Event], int]:
    """Each employee's punches not stored yet, as events; and how many of the file's were not (the same instant
    twice in the file, or stored already by an earlier import). A punch stored already under another clock
    correction (`skew`, kept on the event) is refused per line (`OFFSET_CONFLICT`, added to `batch.problems`):
    the same file imported again with the correction it lacked gave every day a second set of punches, and the
    earliest arrival and latest departure of the two counted (a 07:38 arrival judged 07:30). The stored punches
    are read as far as two corrections can set one machine time apart (-1440 then +1440: two days; with one
    day's reach a file imported at both stored a second set), plus a margin past the read's open end."""
    reach = 2 * MAX_SKEW + REPEAT_WINDOW

    def one(nip: str) -> tuple[list[Event], int, list[LineProblem]]:
        punches = batch.per_nip[nip]
        times = [at for _, at, _ in punches]
        found = runtime.events().events_between(nip, min(times) - reach, max(times) + reach)
        corrected = {
            datetime.fromisoformat(str(e.attendance_time)): timedelta(seconds=e.clock_correction_s or 0)
            for e in found
            if e.source == FINGERPRINT
        }
        by_machine = {at - correction: correction for at, correction in corrected.items()}
        clash = [(line, at) for line, at, _ in punches if by_machine.get(at - skew, skew) != skew]
        taken = {at for _, at in clash}
        kept, repeats = new_punches([at for at in times if at not in taken], corrected)
        units = {at: unit for _, at, unit in punches}
        events = _punch_events(batch.employees[nip], kept, list(corrected), units, skew, settings=settings, now=now)
        return events, repeats, [LineProblem(line, "OFFSET_CONFLICT") for line, _ in clash]

    planned = _parallel(one, sorted(batch.per_nip))
    batch.problems.extend(problem for _, _, conflicts in planned for problem in conflicts)
    return [event for events, _, _ in planned for event in events], sum(r for _, r, _ in planned)


def _write(events: list[Event], repeated: int) -> tuple[list[Event], int]:
    """Write the planned punches; (the punches written now, duplicates: `repeated` and those a parallel import
    of the same punches wrote first)."""
    written = runtime.events().put_punches(events)
    new = [event for event, now_written in zip(events, written, strict=True) if now_written]
    return new, repeated + len(written) - len(new)


def _punch_events(
    employee: Employee,
    kept: list[datetime],
    stored: list[datetime],
    units: dict[datetime, str],
    skew: timedelta,
    *,
    settings: Settings,
    now: datetime,
) -> list[Event]:
    """The new punches as events, each under the unit the employee was in that day (`units`). Their `type` is a
    hint for listings (the first burst of its date among those stored and new is `in`, any later punch `out`:
    `punch_kinds`); recaps type punches within the working day they fall in."""
    every = [*stored, *kept]
    kinds = punch_kinds(every, settings.tz)[len(stored) :]
    return [
        Event(
            event_id=punch_event_id(employee.nip, at),
            nip=employee.nip,
            type="in" if kind == "in" else "out",
            status="accepted",
            attendance_time=iso(at),
            received_at=iso(now),
            local_date=at.astimezone(settings.tz).date().isoformat(),
            unor_id=units.get(at, employee.unor_id),
            warnings=(),
            reasons=(),
            source=FINGERPRINT,
            clock_correction_s=int(skew.total_seconds()),  # the machine's clock as corrected at import (0: as kept)
        )
        for at, kind in zip(kept, kinds, strict=True)
    ]


# --- cut-over ------------------------------------------------------------------------------------------


def set_cutover(principal: Principal, unor_id: str, body: CutoverBody, settings: Settings, now: datetime) -> Cutover:
    """Set the unit's cut-over date and re-run the recapped days it moves. Those days are stored with the date
    until their re-run is done (`TimeclockRepository.rerun_done`): a retry after a failed re-run (the same date
    again, which moves nothing) judges them, and a change made meanwhile judges them with its own. Written only
    over the cut-over its rules and days were worked out from, with its audit entry naming the date it replaced
    (`before`) in the same write: a parallel change of the date in between is a 409 (a re-run finishing meanwhile
    is not), and a failed entry leaves the date as it was (a retry after it names the date that really stood)."""
    directory.unit_in_scope(principal, unor_id)
    clock = runtime.timeclock()
    stood = clock.cutover_state(unor_id)
    old = stood.day
    if old is not None and body.date > old and principal.role != "super_admin":
        raise ForbiddenError(
            "Tanggal peralihan hanya dapat diundur oleh super admin.", {"date": old.isoformat(), "reason": "later"}
        )
    today = now.astimezone(settings.tz).date()
    if body.date < today and body.date != old and principal.role != "super_admin":
        # A date already past voids the machine's punches of every day since: one mistyped date made a school's
        # week TK (pay cut) at once. A super admin, who sees the whole rollout, sets such a date. The date already
        # set, sent again (a retry finishing its re-run, decision 216), changes nothing and goes through.
        raise ForbiddenError(
            "Tanggal peralihan yang sudah lewat hanya dapat ditetapkan super admin: absen mesin sejak tanggal itu "
            "tidak akan dihitung lagi.",
            {"date": body.date.isoformat(), "reason": "past"},
        )
    moved = _moved_days(old, body.date, today)

    def written(state: CutoverState) -> tuple[date, date] | None:
        """Write the date over `state` with its entry; the days it keeps to re-run (`moved` and those `state` kept)."""
        rerun = _span(state.rerun, moved)
        detail = {"date": body.date.isoformat(), "before": old.isoformat() if old else None}
        audit = runtime.audit().stamped(principal.subject, "unit.cutover", {unor_id: detail})
        change, by = CutoverChange(body.date, rerun, state), Decided(principal.subject, None, now)
        clock.set_cutover(unor_id, change, by, audit)
        return rerun

    try:
        try:
            rerun = written(stood)
        except ConditionFailed:
            fresh = clock.cutover_state(unor_id)
            if fresh.day != old:
                raise
            # Only its days to re-run changed (a re-run that finished meanwhile forgot them): the date the rules
            # were checked against still stands, so the change is written once more over the cut-over as it is.
            rerun = written(fresh)
    except ConditionFailed as exc:  # another admin changed the cut-over between its read and the write
        raise ConflictError("Tanggal peralihan unit ini berubah bersamaan; coba lagi.", {"unor_id": unor_id}) from exc
    recaps.frames_changed([unor_id])
    # Punches an import refused under the earlier date (AFTER_CUTOVER) were never stored: they count now only if
    # the machine's files are imported again from that date.
    again = old.isoformat() if old is not None and body.date > old else None
    if rerun is None:
        return Cutover(unor_id=unor_id, date=body.date.isoformat(), recapped=[], recapping=0, import_again_from=again)
    recapped, recapping = rejudge.cutover_days(unor_id, *rerun, settings, now)
    clock.rerun_done(unor_id, rerun)
    date_ = body.date.isoformat()
    return Cutover(unor_id=unor_id, date=date_, recapped=recapped, recapping=recapping, import_again_from=again)


def _moved_days(old: date | None, new: date, today: date) -> tuple[date, date] | None:
    """The days [first, last) whose punches a cut-over moved from `old` to `new` counts or ignores now (from the
    earlier of the two dates to the later; to today when there was none), or None when it moves none. Punches
    count by working day (`classify.before_cutover`), so the day before the earlier date is not among them: its
    night's 07:05 check-out of that date counts under either."""
    first, last = (new, today) if old is None else (min(old, new), max(old, new))
    return (first, last) if first < last else None


def _span(*spans: tuple[date, date] | None) -> tuple[date, date] | None:
    """The days from the first of these ranges to the last (re-running a day between them changes nothing)."""
    given = [span for span in spans if span is not None]
    return (min(s[0] for s in given), max(s[1] for s in given)) if given else None
