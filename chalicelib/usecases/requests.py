"""Employees' requests (pengajuan) and their decisions (API.md "Employee self-service", "Admin views").

An employee files a leave (CUTI, IZIN, SAKIT), a field duty (DL) or a correction of a missing check-in or
check-out (KOREKSI), optionally with a PDF or JPEG letter kept in the private bucket. An admin of the
employee's unit approves or rejects it once: the status moves out of `pending` by a conditional write, so of
two deciders (or a decider and the employee cancelling) exactly one wins and the other gets 409. An approval
then creates what the request asked for through the same code the admin routes use (a leave, a field-duty
letter, an event marked as a correction) and re-runs the recaps of the past days already recapped.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from chalicelib import runtime
from chalicelib.attendance.calendar import DayPlan
from chalicelib.attendance.classify import DayInputs, classify_day, excuse_of
from chalicelib.attendance.export import day_label, month_label
from chalicelib.domain.attendance import REVOKE, Event
from chalicelib.domain.audit import VIEW_ATTACHMENTS
from chalicelib.domain.calendar import DateRange
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee, Principal, recorded_day
from chalicelib.domain.requests import APPROVED, CANCELLED, LEAVE_TYPES, PENDING, REVOKED, EmployeeRequest
from chalicelib.domain.status import DL, LIBUR
from chalicelib.domain.zones import Assignment
from chalicelib.errors import (
    AccountInactiveError,
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    RateLimitedError,
    SmartError,
    UnavailableError,
    ValidationError,
)
from chalicelib.settings import Settings
from chalicelib.store.audit import AuditBatch, AuditOf
from chalicelib.store.base import ConditionFailed, decode_cursor, encode_cursor, iso, parse_iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, derived_event_id
from chalicelib.store.photos import REQUEST_PREFIX
from chalicelib.store.requests import REQUEST_ID, Quota, QuotaFull, new_request_id, unit_key
from chalicelib.usecases import access, directory, disclosure, movers, recaps, rejudge, zones
from chalicelib.usecases import calendar as cal
from chalicelib.usecases.access import employee_of
from chalicelib.usecases.auth import epoch
from chalicelib.usecases.directory import with_names
from chalicelib.usecases.disclosure import evidence_ttl_s
from chalicelib.usecases.paging import across_units, then_whole
from chalicelib.usecases.schemas.calendar import LeaveRequest
from chalicelib.usecases.schemas.requests import (
    AdminRequestsQuery,
    Cancelled,
    CorrectionAllowance,
    EmployeeInactive,
    MonthCorrections,
    MyCorrectionsQuery,
    MyRequestsQuery,
    NewRequest,
    RequestCreated,
    RequestDecision,
    RequestDecisionRequest,
    RequestItem,
    RequestPage,
    RevocationRequest,
    SetAside,
)

MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
MAX_REQUEST_DAYS = 366  # days from the first to the last day (a leave's MAX_LEAVE_DAYS): 367 dates at most
MAX_PENDING = 20  # an employee's open requests; more answers 409 (a flood fills no admin's queue)
# Letters filed by an employee a day (each kept by Object Lock for `PhotoRetentionDays`, even once withdrawn): more
# answer 429, so filing and withdrawing in a loop cannot fill the locked bucket. A slot of that day stays taken two
# days (it frees by its TTL), as the refused check-ins' evidence slots do.
ATTACHMENTS_PER_DAY = 10
ATTACHMENT_SLOT_S = 2 * 86400
MAX_SET_ASIDE = 5  # a KOREKSI's day: the checks of its kind that do not count, shown to the deciding admin
PAGE = 50
# What an attachment may be, told by its first bytes (the name or a declared type proves nothing).
ATTACHMENT_KINDS = ((b"%PDF-", "application/pdf", "pdf"), (b"\xff\xd8\xff", "image/jpeg", "jpg"))
CORRECTION = "CORRECTION"  # the warning that marks an event an approved KOREKSI created
UNFINISHED_AFTER = timedelta(seconds=60)  # longer than any request runs (API Gateway ends one at 29 s)


# --- the employee ------------------------------------------------------------------------------------


def _caller(principal: Principal) -> Employee:
    employee = employee_of(principal)
    if employee is None or not employee.active:
        raise AccountInactiveError()
    return employee


def submit(principal: Principal, body: NewRequest, settings: Settings, now: datetime) -> RequestCreated:
    """File a request; 400 for bad dates or a KOREKSI without `time` or at a time still to come, 413 for an
    attachment over 2 MB. A correction of today's arrival is filed at once (the employee tells it while it is
    fresh), but approved only once the day's attendance window has closed (`_arrival_open`).

    The same request sent again while the first is pending (a double tap, a retry after a lost answer, also
    in parallel) answers the first one's id and records nothing new: its id is derived from its content (and,
    for the same content filed again after a decision or a withdrawal, from the id before it: `_filing_id`).
    """
    employee = _caller(principal)
    _check_dates(body, now.astimezone(settings.tz).date())
    if body.type == "KOREKSI":
        of_day, at, window = _correction_at(employee, body.start_date, str(body.time), settings)
        if at > now:
            raise ValidationError("Jam koreksi belum lewat.", {"time": "not later than now"})
        if not window[0] <= at < window[1]:
            raise ValidationError(*_outside_window(window, settings))
        excused = _excused_day(of_day, body.start_date, body.event_type or "in", at, settings)
        if excused is not None:
            raise ValidationError(*excused)
    attachment = read_attachment(body.attachment) if body.attachment is not None else None
    request_id, existing = _filing_id(content_request_id(employee.nip, body, attachment[0] if attachment else None))
    if existing is not None:
        return RequestCreated(request_id=request_id, status=PENDING)
    pending = runtime.requests().of_employee_in(employee.nip, PENDING)
    if len(pending) >= MAX_PENDING:
        raise ConflictError("Terlalu banyak pengajuan yang belum diputuskan.", {"pending": len(pending)})
    day = body.start_date.isoformat()
    quota = correction_quota(employee.nip, body.type, day, settings)
    if quota is not None:  # the month's approved corrections, and those waiting, leave room for this one
        approved, waiting = _quota_places(quota, pending, settings)
        if len(approved | waiting) >= quota.limit:
            raise _quota_full(quota, day, len(approved | waiting))
    place = _attachment_place(employee.nip, settings, now) if attachment else contextlib.nullcontext()
    # ConditionFailed: the same request, sent in parallel, was filed first
    with place, contextlib.suppress(ConditionFailed):
        _file(employee, body, request_id, attachment=attachment, settings=settings, now=now)
    return RequestCreated(request_id=request_id, status=PENDING)


@contextlib.contextmanager
def _attachment_place(nip: str, settings: Settings, now: datetime) -> Iterator[None]:
    """Hold one of the employee's ATTACHMENTS_PER_DAY places of today for a letter while it is filed (the
    login-guard table's atomic claim: letters sent at once cannot pass the cap); 429 RATE_LIMITED when none is
    left, until the next day. Storage failing meanwhile (503) gives the place back: the retry takes it again, and
    an outage spends none of the day's places. Copies of one request sent at once each keep theirs (each may have
    stored its locked letter)."""
    today = now.astimezone(settings.tz)
    scope = f"attachment#{nip}#{today.date().isoformat()}"
    claim = runtime.people().claim_login_attempt(scope, ATTACHMENTS_PER_DAY, ATTACHMENT_SLOT_S, epoch(now))
    if claim.slot is None:
        tomorrow = datetime.combine(today.date() + timedelta(days=1), time.min, settings.tz)
        message = f"Sudah {ATTACHMENTS_PER_DAY} lampiran dikirim hari ini; kirim lagi besok."
        raise RateLimitedError(max(1, int((tomorrow - now).total_seconds())), message)
    try:
        yield
    except UnavailableError:
        with contextlib.suppress(UnavailableError):  # the first error is the one to answer
            runtime.people().release_login_attempt(scope, claim.slot, claim.claim_id)
        raise


def correction_quota(nip: str, request_type: str, day: str, settings: Settings) -> Quota | None:
    """The cap on the employee's approved time corrections (KOREKSI) of the month of `day` (the rule table's
    `corrections_per_month`); None for another type, or when the rule table sets no cap."""
    limit = runtime.rule_table(settings).corrections_per_month
    if request_type != "KOREKSI" or limit is None:
        return None
    return Quota(_correction_quota_key(nip, day), limit)


def _correction_quota_key(nip: str, day: str) -> str:
    """The quota item of the employee's corrections of the month of `day`."""
    return f"KOREKSI#{nip}#{day[:7]}"


def _quota_places(quota: Quota, pending: list[EmployeeRequest], settings: Settings) -> tuple[frozenset[str], set[str]]:
    """The ids holding a place in `quota`: the approved corrections, and the `pending` ones of its month."""
    waiting = {r.request_id for r in pending if correction_quota(r.nip, r.type, r.start_date, settings) == quota}
    return runtime.requests().quota_holders(quota.key), waiting


def my_corrections(principal: Principal, query: MyCorrectionsQuery, settings: Settings) -> CorrectionAllowance:
    """How many time corrections (KOREKSI) of `query.month` the employee may still file: the app tells it
    before the form is filled, the way filing counts it (approved and pending ones take a place)."""
    employee = _caller(principal)
    quota = correction_quota(employee.nip, "KOREKSI", f"{query.month}-01", settings)
    if quota is None:
        return CorrectionAllowance(month=query.month, limit=None, approved=None, pending=None, remaining=None)
    pending = runtime.requests().of_employee_in(employee.nip, PENDING)
    approved, waiting = _quota_places(quota, pending, settings)
    remaining = max(quota.limit - len(approved | waiting), 0)
    return CorrectionAllowance(
        month=query.month, limit=quota.limit, approved=len(approved), pending=len(waiting), remaining=remaining
    )


def _quota_full(quota: Quota, day: str, used: int) -> ConflictError:
    """409 for a correction of `day` whose month's quota is full (`used` places taken)."""
    month = day[:7]
    message = (
        f"Batas koreksi absen bulan {month_label(month)} sudah tercapai ({quota.limit} kali sebulan)."
        if quota.limit
        else "Koreksi absen tidak diizinkan: aturan yang berlaku tidak memberi jatah koreksi."
    )
    return ConflictError(message, {"limit": quota.limit, "month": month, "used": used})


def content_request_id(nip: str, body: NewRequest, attachment: bytes | None) -> str:
    """The id of a request with this content (the same shape as a random one, `r-` and 12 hex digits)."""
    parts = (nip, body.type, body.start_date.isoformat(), body.end_date.isoformat(), body.reason, body.time or "")
    digest = hashlib.sha256("\x1f".join((*parts, body.event_type or "")).encode())
    digest.update(hashlib.sha256(attachment).digest() if attachment is not None else b"")
    return f"r-{digest.hexdigest()[:12]}"


def _filing_id(first: str) -> tuple[str, EmployeeRequest | None]:
    """The id this content is filed under, and the pending request already filed under it (None: file it). The
    same content filed again after a decision or a withdrawal takes the next id of a chain derived from the
    first (`zones.first_open_id`), so a retry of the new filing finds it too."""
    found: dict[str, EmployeeRequest] = {}

    def decided(request_id: str) -> bool | None:
        stored = runtime.requests().get(request_id)
        if stored is not None:
            found[request_id] = stored
        return None if stored is None else stored.status != PENDING

    def new_id(source: str | None) -> str:
        return first if source == first else new_request_id(source)

    request_id = zones.first_open_id(new_id, first, decided)
    return request_id, found.get(request_id)


def _file(
    employee: Employee,
    body: NewRequest,
    request_id: str,
    *,
    attachment: tuple[bytes, str, str] | None,
    settings: Settings,
    now: datetime,
) -> None:
    """Store the attachment (if any), then the request (ConditionFailed: that id exists already)."""
    attachment_key = attachment_type = None
    if attachment is not None:
        data, attachment_type, extension = attachment
        attachment_key = f"{REQUEST_PREFIX}{employee.nip}/{request_id}.{extension}"
        runtime.photos(settings).put(attachment_key, data, attachment_type)
    correction = body.type == "KOREKSI"
    runtime.requests().add(
        EmployeeRequest(
            request_id=request_id,
            nip=employee.nip,
            unor_id=movers.entered_under(employee, body.start_date, settings).unit,
            type=body.type,
            start_date=body.start_date.isoformat(),
            end_date=body.end_date.isoformat(),
            reason=body.reason,
            created_at=iso(now),
            attachment_key=attachment_key,
            attachment_type=attachment_type,
            time=body.time if correction else None,
            event_type=(body.event_type or "in") if correction else None,
        )
    )


def _check_dates(body: NewRequest, today: date) -> None:
    start, end = body.start_date, body.end_date
    if end < start or (end - start).days > MAX_REQUEST_DAYS:
        raise ValidationError(
            f"Tanggal selesai harus sama dengan atau sesudah tanggal mulai, paling lama {MAX_REQUEST_DAYS} hari "
            "sesudahnya.",
            {"end_date": f"on/after start_date, at most {MAX_REQUEST_DAYS} days later"},
        )
    if body.type != "KOREKSI":
        return
    if body.time is None:
        raise ValidationError("Jam koreksi wajib diisi.", {"time": "required for KOREKSI (HH:MM)"})
    if end != start or start > today:
        problem = {"end_date": "same day"} if end != start else {"start_date": "today or earlier"}
        raise ValidationError("Koreksi hanya untuk satu hari yang sudah lewat atau hari ini.", problem)


def read_attachment(text: str) -> tuple[bytes, str, str]:
    """The attachment's bytes, content type and file extension: base64 of a PDF or JPEG of at most 2 MB.

    The base64 length is checked before decoding (nothing longer is decoded), and the bytes after it: base64
    without padding of 2 MB and one byte is as long as that of exactly 2 MB."""
    if len(text) > (MAX_ATTACHMENT_BYTES + 2) // 3 * 4:
        raise _too_large()
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError("Lampiran bukan base64 yang valid.", {"attachment": "invalid base64"}) from exc
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise _too_large()
    for magic, content_type, extension in ATTACHMENT_KINDS:
        if data.startswith(magic):
            return data, content_type, extension
    raise ValidationError("Lampiran harus berupa PDF atau JPEG.", {"attachment": "PDF or JPEG"})


def _too_large() -> PayloadTooLargeError:
    """413 for an attachment over 2 MB."""
    return PayloadTooLargeError(
        "Lampiran melebihi 2 MB.", {"attachment": "at most 2 MB", "max_bytes": MAX_ATTACHMENT_BYTES}
    )


def my_requests(principal: Principal, query: MyRequestsQuery, settings: Settings) -> RequestPage:
    """The employee's own requests, newest first, 50 per page, in API.md's statuses: an approval an admin took
    back (`revoked` in admin lists) is `cancelled`, decided by that admin, with their note."""
    employee = _caller(principal)
    rows, last = runtime.requests().of_employee(employee.nip, PAGE, decode_cursor(query.next))
    return RequestPage(items=[_as_employee_sees(request_item(r)) for r in rows], next=encode_cursor(last))


# Who decided, as the employee reads it: an admin's username is half of their login, and five wrong passwords in
# 15 minutes lock that account (API.md), so a rejected employee could keep the admin who rejected them locked out.
# Not a valid username (`admin_users.USERNAME_PATTERN`: lower case), so it names no account either.
DECIDED_BY_ADMIN = "ADMIN"


def _as_employee_sees(item: RequestItem) -> RequestItem:
    """`item` as its employee reads it: in API.md's statuses (`_employee_status`), and naming no admin: who decided
    or had approved is `DECIDED_BY_ADMIN`, or the employee's own NIP for their withdrawal (the app tells by it that
    a cancelled request was withdrawn by them, not taken back by an admin)."""
    unnamed = {key: _unnamed(getattr(item, key), item.nip) for key in ("decided_by", "approved_by")}
    return item.model_copy(update={"status": _employee_status(item.status), **unnamed})


def _unnamed(actor: str | None, nip: str) -> str | None:
    """An actor as the employee `nip` reads it: nobody, themselves, or an admin not named."""
    return actor if actor is None or actor == nip else DECIDED_BY_ADMIN


def _employee_status(status: str) -> str:
    """A request's status as its employee reads it (API.md's four): a revoked approval is cancelled."""
    return CANCELLED if status == REVOKED else status


def _stored(request_id: str) -> EmployeeRequest | None:
    """The request, or None (also for an id this deployment never makes: nothing to read)."""
    return runtime.requests().get(request_id) if REQUEST_ID.match(request_id) else None


def cancel_mine(principal: Principal, request_id: str, settings: Settings, now: datetime) -> RequestItem:
    """Withdraw one's own pending request (404 for another's, 409 once decided).

    What an earlier approval of it stored before it failed and was undone (the request pending again) is taken
    back with it, as a rejection takes it back (`_undo_leftover`): a withdrawn request changes no day. The
    withdrawal sent again (its take-back failed: 503) takes it back before its 409."""
    employee = _caller(principal)
    found = _stored(request_id)
    if found is None or found.nip != employee.nip:
        raise NotFoundError("Pengajuan tidak ditemukan.", {"request_id": request_id})
    try:
        cancelled = runtime.requests().decide(request_id, CANCELLED, Decided(employee.nip, None, now), nip=employee.nip)
    except ConditionFailed as exc:
        current = runtime.requests().get(request_id) or found
        if current.status == CANCELLED:
            _withdraw_leftover(current, settings, now)
        raise _not_pending(found, to_employee=True) from exc
    _withdraw_leftover(cancelled, settings, now)
    return _as_employee_sees(request_item(cancelled))


WITHDRAWN = "pengajuan dibatalkan pegawai"


def _withdraw_leftover(r: EmployeeRequest, settings: Settings, now: datetime) -> None:
    """After the employee withdrew `r`: take back, in their name, what an earlier approval of it stored before
    it failed (a leave or letter cancelled and audited as their own lists do, a corrected event kept as evidence
    that no longer counts), and re-run the recapped days; nothing when there is none, as for almost every
    request. Not through the admin use cases `_undo` calls: the employee is no admin of any unit."""
    made = _effect_id(r, settings)
    if made is not None and _withdrawn(r, made, now):
        _rerun_days_of(r, settings, now)


def _withdrawn(r: EmployeeRequest, made: str, now: datetime) -> bool:
    """Take back `made` (what approving `r` stored) in the employee's name, once, named in the same write (a retry
    of theirs finds it taken back); whether it exists."""
    actor = Decided(r.nip, None, now)
    if r.type in LEAVE_TYPES:
        leave = runtime.calendar().get_leave(made)
        if leave is not None and leave.cancelled_by in (None, r.nip):
            with contextlib.suppress(ConditionFailed):  # taken back by an earlier try of this withdrawal
                runtime.calendar().cancel_leave(made, actor, cal.leave_cancelled(r.nip, leave))
            recaps.frames_changed([leave.unor_id])
        return leave is not None
    if r.type == "DL":
        letter = runtime.zones().get_assignment(made)
        if letter is not None and letter.cancelled_by in (None, r.nip):
            with contextlib.suppress(ConditionFailed):
                runtime.zones().cancel_assignment(made, actor, zones.letter_cancelled(r.nip, letter))
            recaps.frames_changed(runtime.zones().duty_units(letter).values())
        return letter is not None
    event = runtime.events().get_event(made)
    if event is not None and event.decision is None:
        with contextlib.suppress(ConditionFailed):
            runtime.events().revoke_accepted(made, Decided(r.nip, WITHDRAWN, now))
    return event is not None


def _not_pending(r: EmployeeRequest, *, to_employee: bool = False) -> ConflictError:
    current = runtime.requests().get(r.request_id) or r
    status = _employee_status(current.status) if to_employee else current.status
    return ConflictError("Pengajuan ini sudah tidak menunggu keputusan.", {"status": status})


class CorrectionDay(NamedTuple):
    """What a pending KOREKSI's day holds so far, shown to the deciding admin (`_correction_day`)."""

    recorded_time: str | None = None
    set_aside: list[SetAside] | None = None


NOTHING_YET = CorrectionDay()


def request_item(
    r: EmployeeRequest,
    attachment_url: str | None = None,
    month_corrections: MonthCorrections | None = None,
    day: CorrectionDay = NOTHING_YET,
) -> RequestItem:
    return RequestItem(
        request_id=r.request_id,
        nip=r.nip,
        unor_id=r.unor_id,
        type=r.type,
        start_date=r.start_date,
        end_date=r.end_date,
        reason=r.reason,
        time=r.time,
        event_type=r.event_type,
        attachment=r.attachment_key is not None,
        attachment_url=attachment_url,
        status=r.status,
        created_at=r.created_at,
        decided_by=r.decided_by,
        decided_at=r.decided_at,
        note=r.note,
        result_id=r.result_id,
        approved_by=r.approved_by,
        approved_at=r.approved_at,
        month_corrections=month_corrections,
        recorded_time=day.recorded_time,
        set_aside=day.set_aside,
    )


def _correction_day(r: EmployeeRequest, settings: Settings, now: datetime) -> CorrectionDay:
    """A pending KOREKSI's check as its working day records it so far (the day's arrival or departure as the
    recap judges it: the night shift a 07:00 check-out belongs to, machine punches typed), shown to the deciding
    admin: a correction asked for a day that has its arrival already (at 09:10, say) would stand as the earlier
    one, so the admin sees what it replaces. And the checks of its kind that day that do not count (`SetAside`):
    a stand-in's check-in an admin rejected, a correction approved then revoked, came back unseen as a
    correction of the same minute, approved by another admin."""
    employee = runtime.people().get_employee(r.nip) if r.type == "KOREKSI" and r.status == PENDING else None
    if employee is None or r.time is None:
        return NOTHING_YET
    day, kind = date.fromisoformat(r.start_date), r.event_type or "in"
    employee, at, _ = _correction_at(employee, day, r.time, settings)
    plan = recaps.counted_on(employee, day, kind, at, settings)
    if plan is None:
        return NOTHING_YET
    rules = runtime.rule_table(settings)
    found = runtime.events().events_between(r.nip, *plan.window(rules))
    judged = classify_day(DayInputs(plan, recaps.judged_so_far(employee, found, now, settings)), rules)
    mark = judged.check_in if kind == "in" else judged.check_out
    return CorrectionDay(iso(mark) if mark else None, _set_aside(found, kind) or None)


def _set_aside(events: Sequence[Event], kind: str) -> list[SetAside]:
    """The day's checks of `kind` that do not count, newest first, at most MAX_SET_ASIDE (SetAside)."""
    aside = [e for e in events if e.type == kind and e.attendance_time and (e.status == "refused" or e.voided)]
    newest = sorted(aside, key=lambda e: str(e.attendance_time), reverse=True)[:MAX_SET_ASIDE]
    return [
        SetAside(
            time=str(e.attendance_time),
            how="refused" if e.status == "refused" else "revoked" if e.decision == REVOKE else "rejected",
            code=(e.reasons or (None,))[0] if e.status == "refused" else None,
            by=None if e.status == "refused" else e.decided_by,
            note=None if e.status == "refused" else e.decision_note,
        )
        for e in newest
    ]


# --- the admin ---------------------------------------------------------------------------------------


def list_requests(principal: Principal, query: AdminRequestsQuery, settings: Settings, now: datetime) -> RequestPage:
    """Requests of the caller's units (or one unit), of one status or all, newest first within a status;
    attachments as short-lived links, recorded as handed to the caller; a KOREKSI under a cap with the
    employee's approved corrections of its month. A unit's list holds the requests whose days are its
    (`movers`): those filed in it, but not those of an employee who moved away before their first day, and,
    after them, those of the employees who moved in that cover days after the move (listed under this unit)."""
    store = runtime.photos(settings)
    approved: dict[str, int] = {}  # quota key -> approved corrections, read once a page

    def item(r: EmployeeRequest) -> RequestItem:
        link = store.presign(r.attachment_key, evidence_ttl_s(settings)) if r.attachment_key else None
        quota = correction_quota(r.nip, r.type, r.start_date, settings)
        day = _correction_day(r, settings, now)
        if quota is None:
            return request_item(r, link, day=day)
        if quota.key not in approved:
            approved[quota.key] = len(runtime.requests().quota_holders(quota.key))
        counted = MonthCorrections(month=r.start_date[:7], limit=quota.limit, approved=approved[quota.key])
        return request_item(r, link, counted, day)

    def own_rows(unor_id: str, limit: int, after: dict[str, Any] | None) -> tuple[list[RequestItem], Any]:
        rows, last = runtime.requests().of_unit(unor_id, query.status, limit, after)
        return [item(r) for r in movers.owned(unor_id, rows, settings.tz)], last

    def followed_rows(unor_id: str) -> list[RequestItem]:
        since = movers.followed_since(now.astimezone(settings.tz).date())
        found = movers.followed(unor_id, since, lambda nip: _requests_of(nip, query.status), settings.tz)
        return [item(replace(r, unor_id=unor_id)) for r in sorted(found, key=unit_key, reverse=True)]

    units = access.units_of(principal, query.unor_id)
    items, cursor = across_units(units, query.next, then_whole(own_rows, followed_rows))
    linked = (i.nip for i in items if i.attachment_url)
    disclosure.record_links(principal, VIEW_ATTACHMENTS, "requests", linked, settings)
    return RequestPage(items=_with_employees(items, settings), next=cursor)


def _with_employees(items: list[RequestItem], settings: Settings) -> list[RequestItem]:
    """Admin items named (`with_names`) and, of an employee SIMPEG deactivated, marked since when and whether the
    approval's rule (`directory.judges`) still lets the request through: the admin sees it in the queue instead of
    a 403 after clicking Setujui. One batch read of the page's employees."""
    employees = directory.employees_of(items)
    named = with_names(items, employees)
    return [i.model_copy(update={"employee_inactive": _inactive(i, employees.get(i.nip), settings)}) for i in named]


def _inactive(item: RequestItem, employee: Employee | None, settings: Settings) -> EmployeeInactive | None:
    """The word on `item` of an employee SIMPEG deactivated; None while active (or no longer stored: `_effect`)."""
    if employee is None or employee.active:
        return None
    left = recorded_day(employee.deactivated_at, settings.tz)
    approvable = directory.judges(employee, date.fromisoformat(item.end_date), settings.tz)
    return EmployeeInactive(deactivated_on=left.isoformat() if left else None, approvable=approvable)


def _requests_of(nip: str, status: str | None) -> list[EmployeeRequest]:
    """The employee's requests of one status, or all of them."""
    if status is not None:
        return runtime.requests().of_employee_in(nip, status)
    found: list[EmployeeRequest] = []
    cursor = None
    while True:
        rows, cursor = runtime.requests().of_employee(nip, PAGE, cursor)
        found += rows
        if cursor is None:
            return found


def _decidable(principal: Principal, request_id: str, settings: Settings) -> EmployeeRequest:
    """The request an admin may decide on or take back: its days in units of their scope (`movers`: after a
    move, the new unit's from the move on; 404 when none is theirs, 403 when some are another unit's), never
    their own."""
    access.require_admin(principal)
    missing = NotFoundError("Pengajuan tidak ditemukan.", {"request_id": request_id})
    found = _stored(request_id)
    if found is None:
        raise missing
    movers.require_owner(principal, movers.record_owners(found, settings.tz), missing)
    access.require_not_own(principal, found.nip)
    return found


def decide(
    principal: Principal, request_id: str, body: RequestDecisionRequest, settings: Settings, now: datetime
) -> RequestDecision:
    """Approve or reject a pending request once (409 when it is not pending, or another decision won).

    An approval whose effect was not finished (storage failed, and so did putting the request back to pending)
    is finished by an admin approving it again: the effect is made once (`_effect`), never twice. A rejection
    takes back whatever an earlier, failed approval of the request had left behind. The same decision sent
    again finishes what follows it (the days re-run, a leftover taken back) before its 409: an earlier try may
    have stopped before. The same admin's own decision sent again (a finished one) is answered as its first try
    would have been (decision 218's own-decision path; 409 for anyone else).

    The decision's audit entry is written with it, all or none (decision 463): a rejection's with the request's
    move out of pending, an approval's with the naming of its effect (`_name`), which finishes it."""
    found = _decidable(principal, request_id, settings)
    status = "approved" if body.decision == "approve" else "rejected"
    if _own_finished(found, principal, status):
        return _answered_again(principal, found, settings, now)
    before = _day_status(found)
    quota = correction_quota(found.nip, found.type, found.start_date, settings) if status == "approved" else None
    finishing = status == APPROVED and _unfinished_approval(found, now)
    if found.status == status and not finishing:
        _follow_up(principal, found, settings, now)
        raise _not_pending(found)
    by = Decided(principal.subject, body.note, now)

    def entry(result_id: str | None) -> AuditBatch:
        detail = _audited(found, result_id, body.note, before)
        return runtime.audit().stamped(principal.subject, f"request.{body.decision}", {request_id: detail})

    if status == APPROVED:
        _require_judged(found, settings)
        if not finishing:
            _require_approvable(found, settings, now)
            _settle(found, status, by, quota=quota)
        result_id, recapped = _approve(principal, found, body, settings, now, quota=quota, named=entry)
    else:
        _settle(found, status, by, quota=None, audit=entry(None))
        result_id, recapped = None, _undo_leftover(principal, found, settings, now)
    return RequestDecision(
        request_id=request_id, status=status, decided_at=iso(now), result_id=result_id, recapped=recapped
    )


LEFT = directory.LeftWords(
    "Pegawai ini tidak aktif menurut SIMPEG sejak {day}; pengajuan untuk hari sejak itu tidak dapat disetujui, "
    "hanya ditolak.",
    "Pegawai ini tidak aktif menurut SIMPEG; pengajuannya tidak dapat disetujui, hanya ditolak.",
)


def _require_judged(r: EmployeeRequest, settings: Settings) -> None:
    """`directory.require_judged` for approving `r`, before the request leaves pending: 403 ACCOUNT_INACTIVE when
    a day of it is on or after the employee's deactivation. Rejecting is always allowed (the admin clears the
    queue). An employee removed altogether is `_effect`'s 409."""
    employee = runtime.people().get_employee(r.nip)
    if employee is not None:
        directory.require_judged(employee, date.fromisoformat(r.end_date), settings.tz, LEFT)


def _require_approvable(r: EmployeeRequest, settings: Settings, now: datetime) -> None:
    """A correction's checks of its approval (`_approvable_correction`), before the request leaves pending: a
    correction of today's arrival waits for the day's close many times a day, and is answered without two writes.
    `_correction` checks again (a finished approval's retry, or the day changed in between); an employee removed
    altogether is `_effect`'s 409."""
    employee = runtime.people().get_employee(r.nip) if r.type == "KOREKSI" and r.status == PENDING else None
    if employee is not None:
        _approvable_correction(r, employee, settings, now)


def _day_status(r: EmployeeRequest) -> str | None:
    """The stored status of the day a time correction (KOREKSI) is about, before a decision changes it (one
    read); None for another type, or a day not recapped yet."""
    if r.type != "KOREKSI":
        return None
    stored = runtime.statuses().employee_status(r.nip, date.fromisoformat(r.start_date))
    return stored[1].status.status if stored else None


def _audited(r: EmployeeRequest, result_id: str | None, note: str | None, before: str | None) -> dict[str, object]:
    """An audit entry's details of a decision on `r`: the employee (`nip`, how the log finds it by NIP), what
    was asked (type, dates; a correction's time and which check it is), what the decision made, the admin's
    note, and the corrected day's status before it (`status_before`, when recapped)."""
    detail: dict[str, object] = {"nip": r.nip, "type": r.type, "result_id": result_id}
    detail |= {"start_date": r.start_date, "end_date": r.end_date}
    if r.type == "KOREKSI":
        detail |= {"time": r.time, "event_type": r.event_type}
    if note:
        detail["note"] = note
    if before is not None:
        detail["status_before"] = before
    return detail


def _unfinished_approval(r: EmployeeRequest, now: datetime) -> bool:
    """Whether `r` was approved with nothing named longer ago than any request runs: its approval stopped half
    way (one still running, or a double tap, is not: it gets 409 as before)."""
    if r.status != APPROVED or r.result_id is not None or r.decided_at is None:
        return False
    return parse_iso(r.decided_at) <= now - UNFINISHED_AFTER


def _follow_up(principal: Principal, r: EmployeeRequest, settings: Settings, now: datetime) -> list[str]:
    """What follows a decision, done again (idempotent): an approval's days re-run, a rejection's leftover
    taken back, a revocation's effect found undone and its days re-run; the recapped days re-run. Nothing for
    an approval still running (nothing named yet)."""
    if r.result_id is not None and r.status == REVOKED:
        return _undo(principal, r, r.result_id, settings, now, note=r.note or "", named=True)
    if r.result_id is not None and r.status == APPROVED:
        return _rerun_days_of(r, settings, now)
    if r.status == "rejected":
        return _undo_leftover(principal, r, settings, now)
    return []


def _own_finished(r: EmployeeRequest, principal: Principal, status: str) -> bool:
    """Whether `r` is in `status` by `principal`'s own finished decision (an approval that named its effect, a
    rejection, a revocation): sent again, it is the retry of a try that may have failed on its audit entry."""
    done = r.result_id is not None or status != APPROVED
    return r.status == status and r.decided_by == principal.subject and done


def _answered_again(principal: Principal, r: EmployeeRequest, settings: Settings, now: datetime) -> RequestDecision:
    """The answer of `principal`'s own decision on `r`, stored by an earlier try with its audit entry: what
    follows it done again (`_follow_up`), the entry not written again."""
    recapped = _follow_up(principal, r, settings, now)
    decided_at = r.decided_at or iso(now)
    return RequestDecision(
        request_id=r.request_id, status=r.status, decided_at=decided_at, result_id=r.result_id, recapped=recapped
    )


def _settle(
    r: EmployeeRequest, status: str, by: Decided, *, quota: Quota | None, audit: AuditBatch | None = None
) -> None:
    """Move the pending request to `status` (in `quota`, for an approval that takes a place; with the `audit`
    entries naming it): 409 when it is not pending, when another decision won, or when the quota is full."""
    if r.status != PENDING:
        raise _not_pending(r)
    try:
        if quota is None:
            runtime.requests().decide(r.request_id, status, by, audit=audit)
        else:
            runtime.requests().approve_within(r.request_id, quota, by)
    except ConditionFailed as exc:
        raise _not_pending(r) from exc
    except QuotaFull as exc:
        raise _quota_full(exc.quota, r.start_date, len(runtime.requests().quota_holders(exc.quota.key))) from exc


def _approve(
    principal: Principal,
    r: EmployeeRequest,
    body: RequestDecisionRequest,
    settings: Settings,
    now: datetime,
    *,
    quota: Quota | None,
    named: AuditOf[str],
) -> tuple[str, list[str]]:
    """Create what the request asked for and name it on the request, with the approval's audit entry (`named`
    of the effect's id). When either fails the decision is undone
    (the request is pending again, its place in `quota` given back) and the error answered; what the effect
    may have stored meanwhile is found again by the next approval (its id derives from the request) or taken
    back by a rejection. When storage fails to undo the decision too, the request stays approved with nothing
    named until an admin approves it again (`_unfinished_approval`) or it is revoked. A request taken back while
    its approval was finished (revoked meanwhile) takes back what the approval made, and answers 409."""
    try:
        result_id = _effect(principal, r, body, settings, now)
        _name(r, result_id, named(result_id))
    except _TakenBack as taken:
        _undo(principal, r, taken.result_id, settings, now, note="persetujuan dibatalkan")
        raise _not_pending(r) from taken
    except Exception:
        with contextlib.suppress(UnavailableError, ConditionFailed):  # the first error is the one to answer
            runtime.requests().reopen(r.request_id, principal.subject, quota_key=quota.key if quota else None)
        raise
    return result_id, _rerun_days_of(r, settings, now)


class _TakenBack(Exception):
    """The request was no longer approved when its approval named `result_id` (revoked meanwhile)."""

    def __init__(self, result_id: str) -> None:
        super().__init__(result_id)
        self.result_id = result_id


def _name(r: EmployeeRequest, result_id: str, audit: AuditBatch) -> None:
    """Name the approval's effect on the request, with the `audit` entry naming the approval: _TakenBack when
    the request is no longer approved; nothing when that effect is named already (admins finishing one
    approval at the same moment: the one whose write named it wrote the entry), 409 when another is."""
    try:
        runtime.requests().set_result(r.request_id, result_id, audit)
    except ConditionFailed as exc:
        stored = runtime.requests().get(r.request_id) or r
        if stored.status != APPROVED:
            raise _TakenBack(result_id) from exc
        if stored.result_id != result_id:
            raise _not_pending(r) from exc


def _rerun_days_of(r: EmployeeRequest, settings: Settings, now: datetime) -> list[str]:
    """Re-run the recapped days the request's effect changes: its dates, and for a KOREKSI the days either side
    too (a morning check-out may count for the night shift begun the day before; an arrival at 23:45 for a shift
    from midnight counts for the day after, decision 294)."""
    start, end = date.fromisoformat(r.start_date), date.fromisoformat(r.end_date)
    days = DateRange(start, end).days()
    if r.type == "KOREKSI":
        days = [start - timedelta(days=1), *days, end + timedelta(days=1)]
    return rejudge.rerun_recapped(r.nip, days, settings, now)


def revoke(
    principal: Principal, request_id: str, body: RevocationRequest, settings: Settings, now: datetime
) -> RequestDecision:
    """Take back an approved request with the admin's reason: what its approval created is cancelled (a leave,
    a field-duty letter), or no longer counts (a corrected event, kept as evidence; its place in the month's
    quota is free again); the recapped days it changed are re-run; audited in the request's write.

    The effect is undone first (once; a retry, or a leave or letter cancelled already from its own screen, finds
    it undone and goes on), then the request moves from `approved` to `revoked` (once: of admins revoking at
    the same moment, one wins, the others get 409). The same admin's revocation sent again is answered as its
    first try would have been (`_answered_again`).
    """
    found = _decidable(principal, request_id, settings)
    if _own_finished(found, principal, REVOKED):
        return _answered_again(principal, found, settings, now)
    if found.status != APPROVED or (found.result_id is None and not _unfinished_approval(found, now)):
        raise _not_approved(found)  # not approved, or its approval still running
    before = _day_status(found)
    result_id = found.result_id or _effect_id(found, settings)  # an unfinished approval: what it may have made
    named = found.result_id is not None
    recapped = _undo(principal, found, result_id, settings, now, note=body.note, named=named) if result_id else []
    quota_key = _correction_quota_key(found.nip, found.start_date) if found.type == "KOREKSI" else None
    detail = _audited(found, found.result_id, body.note, before)
    entry = runtime.audit().stamped(principal.subject, "request.revoke", {request_id: detail})
    try:
        runtime.requests().revoke(
            request_id, Decided(principal.subject, body.note, now), quota_key=quota_key, audit=entry
        )
    except ConditionFailed as exc:
        raise _not_approved(found) from exc
    return RequestDecision(
        request_id=request_id, status=REVOKED, decided_at=iso(now), result_id=found.result_id, recapped=recapped
    )


def _undo_leftover(principal: Principal, r: EmployeeRequest, settings: Settings, now: datetime) -> list[str]:
    """After a rejection: take back what an earlier approval of `r` stored before it failed and was undone (the
    recapped days it changed re-run); nothing when there is none, as for almost every request."""
    made = _effect_id(r, settings)
    return _undo(principal, r, made, settings, now, note="pengajuan ditolak") if made else []


_NEVER_STORED = "never stored"


def _cancelled(
    r: EmployeeRequest, cancelled_at: str | None, cancel: Callable[[], Cancelled], settings: Settings, now: datetime
) -> list[str]:
    """Cancel the leave or letter `r`'s approval made (`cancelled_at`: when it was cancelled, None while it was
    not, or _NEVER_STORED): the recapped days re-run. Cancelled already, the days re-run anyway (an earlier try
    may have stopped before re-running them); never stored, nothing to do."""
    if cancelled_at == _NEVER_STORED:
        return []
    return cancel().recapped if cancelled_at is None else _rerun_days_of(r, settings, now)


def _undo(
    principal: Principal,
    r: EmployeeRequest,
    result_id: str,
    settings: Settings,
    now: datetime,
    *,
    note: str,
    named: bool = False,
) -> list[str]:
    """Undo what approving `r` created (`result_id`) unless that is undone already, or was never stored; the
    recapped days re-run. A leave or letter is cancelled through its own use case (which audits and re-runs it).
    `named`: the request names `result_id` (its approval finished), so it was stored: a leave not found then is
    one the leaves' id index does not show yet (DynamoDB fills it a moment after the write), answered 503 to be
    sent again, not taken for one never stored (the request would be revoked with its leave still counting)."""
    if r.type in LEAVE_TYPES:
        leave = runtime.calendar().get_leave(result_id)
        if leave is None and named:
            raise UnavailableError(details={"dependency": "dynamodb"})
        cancel = functools.partial(cal.cancel_leave, principal, result_id, settings, now)
        return _cancelled(r, leave.cancelled_at if leave else _NEVER_STORED, cancel, settings, now)
    if r.type == "DL":
        letter = runtime.zones().get_assignment(result_id)
        cancel = functools.partial(zones.cancel_assignment, principal, result_id, settings, now)
        return _cancelled(r, letter.cancelled_at if letter else _NEVER_STORED, cancel, settings, now)
    try:
        runtime.events().revoke_accepted(result_id, Decided(principal.subject, note, now))
    except ConditionFailed as exc:
        stored = runtime.events().get_event(result_id)
        if stored is None:
            return []
        if stored.decision != REVOKE:
            raise _not_approved(r) from exc
    return _rerun_days_of(r, settings, now)


# --- a leave or letter cancelled from its own list ------------------------------------------------------

LEAVE_CANCELLED = "Cuti/izin ini dibatalkan admin di menu Cuti & Izin."
LETTER_CANCELLED = "Dinas luar ini dibatalkan admin di menu Zona."


def cancel_leave(principal: Principal, leave_id: str, settings: Settings, now: datetime) -> Cancelled:
    """Cancel a leave from the admin's list (`calendar.cancel_leave`) and take back the approval of the request
    that created it, if one did: the employee's "Pengajuan" then says why instead of "approved"."""

    def revoke_creator() -> None:
        leave = runtime.calendar().get_leave(leave_id)
        _revoke_creator(principal, [leave.nip] if leave else [], leave_id, LEAVE_CANCELLED, now)

    return _then(functools.partial(cal.cancel_leave, principal, leave_id, settings, now), revoke_creator)


def cancel_letter(principal: Principal, assignment_id: str, settings: Settings, now: datetime) -> Cancelled:
    """Cancel a field-duty letter from the admin's list (`zones.cancel_assignment`) and take back the approval
    of the request that created it, if one did (a request's letter names its one employee)."""

    def revoke_creator() -> None:
        letter = runtime.zones().get_assignment(assignment_id)
        nips = sorted(letter.nips) if letter and len(letter.nips) == 1 else []
        _revoke_creator(principal, nips, assignment_id, LETTER_CANCELLED, now)

    return _then(functools.partial(zones.cancel_assignment, principal, assignment_id, settings, now), revoke_creator)


def _then(cancel: Callable[[], Cancelled], revoke_creator: Callable[[], None]) -> Cancelled:
    """Run `cancel`, then `revoke_creator`. A retry whose `cancel` finds it cancelled already (409) still runs
    `revoke_creator` before answering 409, so a failure in between is mended by sending the cancellation again."""
    try:
        cancelled = cancel()
    except ConflictError:
        revoke_creator()
        raise
    revoke_creator()
    return cancelled


def _revoke_creator(principal: Principal, nips: list[str], result_id: str, note: str, now: datetime) -> None:
    """Take back the approved request of any of `nips` that created `result_id`, audited in the same write (of
    admins cancelling at the same moment, the one whose write took it back; a retry finds it taken back)."""
    for nip in nips:
        found = _creator(nip, result_id, APPROVED)
        if found is None:
            continue
        entry = runtime.audit().stamped(
            principal.subject, "request.revoke", {found.request_id: _audited(found, result_id, note, None)}
        )
        with contextlib.suppress(ConditionFailed):  # another admin took it back at the same moment
            runtime.requests().revoke(
                found.request_id, Decided(principal.subject, note, now), quota_key=None, audit=entry
            )


def _creator(nip: str, result_id: str, status: str) -> EmployeeRequest | None:
    """The employee's request of `status` whose approval created `result_id`."""
    return next((r for r in runtime.requests().of_employee_in(nip, status) if r.result_id == result_id), None)


def _not_approved(r: EmployeeRequest) -> ConflictError:
    current = runtime.requests().get(r.request_id) or r
    return ConflictError("Hanya pengajuan yang sudah disetujui yang dapat dibatalkan.", {"status": current.status})


def _effect(
    principal: Principal, r: EmployeeRequest, body: RequestDecisionRequest, settings: Settings, now: datetime
) -> str:
    """Create what `r` asks for, under the id `_effect_id` names: made again by a retry, it is found, not doubled."""
    source = _source(r)
    employee = runtime.people().get_employee(r.nip)
    if employee is None:
        raise ConflictError("Pegawai tidak ditemukan lagi.", {"nip": r.nip})
    # A leave or letter is entered under the request's unit: after a move its days before the move stay that
    # unit's, and those from the move on are the new unit's (`movers`, decision 313), as the request's are.
    if r.type in LEAVE_TYPES:
        leave = LeaveRequest.model_validate(
            {"nip": r.nip, "type": r.type, "start_date": r.start_date, "end_date": r.end_date, "reason": r.reason}
        )
        return cal.record_leave(principal, leave, source=source, tz=settings.tz, placed=(employee, r.unor_id))[1]
    if r.type == "DL":
        letter = Assignment("", "", frozenset({r.nip}), r.start_date, r.end_date,
                            body.letter_no or f"PENGAJUAN {r.request_id}", r.reason)  # fmt: skip
        leftover = zones.assignment_id_for(source)
        # a failed try's other letter or area, when this try names its own: one that names neither (the console's
        # "Selesaikan Persetujuan": the decision alone) finishes with the letter and area the first try stored
        if _names_letter(body) and zones.recorded_differently(leftover, letter, body, settings):
            zones.cancel_assignment(principal, leftover, settings, now)  # taken back: this one takes the next id
        units = {r.nip: r.unor_id}
        return zones.record_field_duty(principal, letter, units, body, settings, source=source).assignment_id
    return _correction(principal, r, employee, settings, now)


def _names_letter(body: RequestDecisionRequest) -> bool:
    """Whether a field duty's approval names its letter's number or an area."""
    return body.letter_no is not None or bool(body.shape_spec())


def _source(r: EmployeeRequest) -> str:
    """What the ids of an approval's effect derive from."""
    return f"request#{r.request_id}"


def _effect_id(r: EmployeeRequest, settings: Settings) -> str | None:
    """The id of what approving `r` created (a leave, a letter, a corrected event): the last one stored along its
    id chain, or the id it would take when none was; None for a correction whose day no longer names its time
    (the employee or the day is gone)."""
    if r.type in LEAVE_TYPES:
        return cal.leave_id_for(_source(r), made=True)
    if r.type == "DL":
        return zones.assignment_id_for(_source(r), made=True)
    employee = runtime.people().get_employee(r.nip)
    if employee is None:
        return None
    try:
        _, at, _ = _correction_at(employee, date.fromisoformat(r.start_date), str(r.time), settings)
    except SmartError:
        return None
    return derived_event_id(r.nip, at, _source(r))


def _correction(principal: Principal, r: EmployeeRequest, employee: Employee, settings: Settings, now: datetime) -> str:
    """The corrected event: accepted, at the asked local time of the day (of the next morning for a night
    shift's check-out: `DayPlan.at_clock`), flagged CORRECTION, the request named in its answer; written like a
    check-in (one transaction, idempotent per request), under the unit whose day it corrects (`recaps.unit_on`:
    a day before the employee's move stays the old unit's).

    The request is checked again first (`_approvable_correction`): its day may have changed since it was filed."""
    employee, at, kind = _approvable_correction(r, employee, settings, now)
    counted = recaps.counted_answer(employee, kind, at, settings)
    judged = counted.judgement
    event_id = derived_event_id(r.nip, at, _source(r))
    answer = {
        "source": "correction",
        "request_id": r.request_id,
        "late_minutes": judged.minutes if kind == "in" else 0,
        "early_minutes": judged.minutes if kind == "out" else 0,
        "category": judged.category,
    }
    local_date = at.astimezone(settings.tz).date().isoformat()
    event = Event(
        event_id, r.nip, kind, "accepted", iso(at), iso(now), local_date, employee.unor_id,
        reasons=(), warnings=(CORRECTION,), answer=answer, decided_by=principal.subject, decided_at=iso(now),
        decision_note=f"request {r.request_id}", working_day=counted.day.isoformat(),
    )  # fmt: skip
    claim = f"{r.nip}#request-{r.request_id}"
    runtime.events().write_checkin(
        CheckinWrite(event, claim, r.request_id, StoredAnswer(201, {"event_id": event_id}), now)
    )
    return event_id


def _approvable_correction(
    r: EmployeeRequest, employee: Employee, settings: Settings, now: datetime
) -> tuple[Employee, datetime, str]:
    """The employee under the unit of the correction's day, the instant it names and its kind (`in`/`out`), when
    `r` may be approved at `now`; 409 CONFLICT (it stays pending) while its time is still to come, when the day's
    schedule no longer holds it, when the day it counts for became excused (a holiday, leave or field duty
    recorded since), and for an arrival while that day's attendance window is open (`_arrival_open`: the day's
    earliest arrival counts, so one approved then would stand before the employee's real, late arrival made
    after the approval, which the deciding admin never saw)."""
    day = date.fromisoformat(r.start_date)
    employee, at, window = _correction_at(employee, day, str(r.time), settings)
    if at > now:  # filed before its time could be checked, or the day's schedule changed since
        raise ConflictError("Jam koreksi belum lewat; putuskan setelah jam itu.", {"time": r.time, "at": iso(at)})
    if not window[0] <= at < window[1]:  # the day's schedule changed since it was filed
        raise ConflictError(*_outside_window(window, settings))
    kind = r.event_type or "in"
    plan = recaps.counted_on(employee, day, kind, at, settings)
    excused = _excuse_refusal(plan)
    if excused is not None:  # a holiday, leave or field duty recorded since it was filed
        raise ConflictError(*excused)
    still_open = _arrival_open(plan.window(runtime.rule_table(settings)) if plan else window, kind, now, settings)
    if still_open is not None:  # an arrival of a day not over: the real one may still come
        raise ConflictError(*still_open)
    return employee, at, kind


def _correction_at(
    employee: Employee, day: date, clock: str, settings: Settings
) -> tuple[Employee, datetime, tuple[datetime, datetime]]:
    """The employee under the unit whose `day` it is (`recaps.unit_on`: a day before a move stays the old
    unit's), the UTC instant a correction's `clock` names on that day (`DayPlan.at_clock`: the next morning
    for a night shift's check-out), and the day's window: a correction outside it would never count."""
    employee = replace(employee, unor_id=recaps.unit_on(employee, day, settings))
    plan, rules = recaps.day_plan(employee, day, settings), runtime.rule_table(settings)
    return employee, plan.at_clock(time.fromisoformat(clock), rules), plan.window(rules)


EXCUSED_DAYS = {LIBUR: "hari libur", "C": "cuti", "I": "izin", "S": "sakit", DL: "dinas luar"}


def _excused_day(
    employee: Employee, day: date, kind: str, at: datetime, settings: Settings
) -> tuple[str, dict[str, str]] | None:
    """The refusal of a correction whose time counts for a day its recap excuses whatever is recorded on it (a
    day off or holiday, a leave, field duty: `excuse_of`): approved, it would change nothing and use up a place
    of the month's quota. None when the time counts for a working day (a day off's early check-out may count
    for the night shift begun the day before: `recaps.counted_on`)."""
    return _excuse_refusal(recaps.counted_on(employee, day, kind, at, settings))


def _excuse_refusal(plan: DayPlan | None) -> tuple[str, dict[str, str]] | None:
    """`_excused_day` of the plan a correction's time counts for (None: none holds it)."""
    excuse = excuse_of(plan) if plan is not None else None
    if plan is None or excuse is None:
        return None
    label = EXCUSED_DAYS.get(excuse, excuse)
    details = {"start_date": "a working day (not a day off, holiday, leave or field duty)", "status": excuse}
    return f"{day_label(plan.day)} tercatat {label}: koreksi absen tidak diperlukan dan tidak akan dihitung.", details


def _arrival_open(
    window: tuple[datetime, datetime], kind: str, now: datetime, settings: Settings
) -> tuple[str, dict[str, str]] | None:
    """The refusal of approving, at `now`, a corrected arrival (`kind` "in") of a day whose attendance `window`
    has not closed yet; None for a departure, or once it has closed.

    The recap counts a day's earliest arrival: a correction "masuk 07.25" filed at 07.40, before arriving, and
    approved at 07.45 with nothing recorded beside it would stand before the real arrival at 10.30 (TL4 became H),
    which the admin never saw (decision 286 shows it only once it is recorded). After the window's close no app
    check-in can join the day, so the admin's list shows them beside the correction (an offline capture sent
    later, or a machine's punches imported later, still may, as for any past day's correction). A departure needs no
    wait: its time has passed when it is approved (`_correction`), so a real check-out made afterwards is later,
    and the day's latest one counts. Rejecting is never held back (the admin clears the queue)."""
    closes = window[1]
    if kind != "in" or now >= closes:
        return None
    local = closes.astimezone(settings.tz)
    on = f" ({day_label(local.date())})" if local.date() != now.astimezone(settings.tz).date() else ""
    message = (
        f"Koreksi absen masuk ini baru dapat disetujui setelah jam absen hari itu ditutup, pukul {local:%H.%M}{on}: "
        "absen masuk yang tercatat sampai saat itu akan tampil di sampingnya. Menolak dapat dilakukan sekarang."
    )
    return message, {"event_type": "in", "decidable_from": iso(closes)}


def _outside_window(window: tuple[datetime, datetime], settings: Settings) -> tuple[str, dict[str, str]]:
    """The refusal of a correction whose time the day would not count: the day's opening and closing times."""
    opens, closes = (f"{at.astimezone(settings.tz):%H.%M}" for at in window)
    details = {"time": "within the day's attendance window", "from": opens, "to": closes}
    return f"Jam koreksi di luar jam absen hari itu ({opens}–{closes}): koreksi itu tidak akan dihitung.", details


__all__ = [
    "cancel_mine",
    "decide",
    "list_requests",
    "my_corrections",
    "my_requests",
    "read_attachment",
    "revoke",
    "submit",
]
