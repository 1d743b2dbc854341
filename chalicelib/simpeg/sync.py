"""Use cases: run a sync from the upstream SIMPEG, apply an admin import, confirm a held-back run.

Every run is recorded in the run log (start, end, counts, errors, trigger). A plan held back by the guard
is not applied: the run ends as `needs_confirmation` with the planned counts.

Confirmation design: **re-fetch on confirm**. Confirming does not replay a stored plan (a plan of
thousands of changes does not fit a run record, and the upstream may have recovered meanwhile); it
runs a fresh sync that is allowed an incomplete listing and at most as many deactivations as the admin
was shown. If the fresh plan would deactivate more, it is held back again. Imports cannot be re-fetched:
an admin confirms one by sending it again with `confirm_deactivations` set to the number shown.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from chalicelib.domain.runs import ABANDONED, ABANDONED_AFTER_S, abandoned
from chalicelib.observability import count_simpeg_run, logger
from chalicelib.simpeg.errors import (
    SimpegConflictError,
    SimpegNotFoundError,
    SimpegUnavailableError,
    SimpegValidationError,
)
from chalicelib.simpeg.importing import ImportRequest
from chalicelib.simpeg.mapping import FieldMapping, map_listing
from chalicelib.simpeg.models import (
    MAX_RUN_ERRORS,
    Confirmation,
    Listing,
    RowError,
    RunStatus,
    SyncPlan,
    SyncRun,
    Trigger,
)
from chalicelib.simpeg.planning import GuardConfig, plan_sync
from chalicelib.simpeg.repository import EmployeeRepository, RunLog
from chalicelib.simpeg.validation import RecordBatch, nip_problem

Clock = Callable[[], datetime]


class ListingSource(Protocol):
    """Anything that lists the upstream employees (SimpegClient, or a fake in tests)."""

    def fetch_all(self) -> Listing:
        """Every upstream record; raises SimpegUnavailableError when the upstream cannot be read."""
        ...


@dataclass(frozen=True)
class SyncConfig:
    """How upstream records are read and how cautious applying them is."""

    mapping: FieldMapping = field(default_factory=FieldMapping)
    guard: GuardConfig = field(default_factory=GuardConfig)


@dataclass(frozen=True)
class Stores:
    """The two stores a run touches, passed together to keep signatures short."""

    employees: EmployeeRepository
    runs: RunLog


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


def apply_plan(plan: SyncPlan, repo: EmployeeRepository) -> None:
    """Write a plan: units first (employees refer to them), then employee changes."""
    if plan.blocked:
        raise SimpegConflictError(
            "Rencana sinkronisasi menunggu konfirmasi admin.", {"blocked_by": list(plan.blocked_by)}
        )
    if plan.units:
        repo.upsert_units(plan.units)
    if plan.changes:
        repo.apply(plan.changes)


def run_sync(
    source: ListingSource,
    stores: Stores,
    *,
    trigger: Trigger,
    config: SyncConfig | None = None,
    clock: Clock = utc_now,
    confirmation: Confirmation | None = None,
    started: SyncRun | None = None,
) -> SyncRun:
    """Fetch everything upstream, plan a full sync and apply it unless the guard holds it back.

    Returns the recorded run; an unreachable upstream ends the run as `failed` (recorded, not raised).
    `started` is a run already recorded as `running` (by `start_run`, before the work was handed to a worker).
    """
    config = config or SyncConfig()
    run = started or _start(stores.runs, trigger, clock)
    try:
        listing = source.fetch_all()
    except SimpegUnavailableError as exc:
        failed = run.with_(message=str(exc), errors=(RowError(0, exc.code, str(exc)),))
        return _finish(stores.runs, failed, "failed", clock)
    batch = map_listing(listing.items, config.mapping)
    complete, problem = _whole(listing, batch)
    run = run.with_(fetched=len(listing.items), announced_total=listing.announced_total, message=problem)
    return _plan_and_apply(
        run, batch, stores, full=True, complete=complete, config=config, clock=clock, confirmation=confirmation
    )


def _whole(listing: Listing, batch: RecordBatch) -> tuple[bool, str | None]:
    """Whether a listing holds every employee, and what is wrong when not. A NIP listed twice marks it incomplete
    too: a page answered again (offset paging over an order that moved) still adds up to the announced total
    while another page's employees are missing, and a full sync would deactivate them (below the deactivation
    share, with no word). So does an item whose employee cannot be told (no usable NIP, not an object): that
    employee would read as absent and be deactivated, where one whose record is wrong under a NIP is kept
    (`RecordBatch.refused`)."""
    if not listing.complete:
        return False, listing.problem
    repeated = len({error.nip for error in batch.errors if error.code == "DUPLICATE_NIP"})
    if repeated:
        return False, f"SIMPEG mengirim {repeated} NIP lebih dari sekali: daftar pegawai tidak utuh (halaman terulang?)"
    nameless = _nameless(batch)
    if nameless:
        return False, f"SIMPEG mengirim {nameless} data pegawai tanpa NIP yang terbaca: daftar pegawai tidak utuh."
    return True, listing.problem


def _nameless(batch: RecordBatch) -> int:
    """Refused rows that name no employee (no NIP, or one that is no plausible NIP: `1,98501E+17`, a digit short, a
    float). In a full run the employee behind each reads as absent and would be deactivated, so the listing or
    file is not whole; a row refused under a plausible NIP keeps its employee (`RecordBatch.refused_nips`)."""
    return sum(1 for error in batch.errors if error.nip is None or nip_problem(error.nip) is not None)


@dataclass(frozen=True)
class ImportResult:
    """An import's run plus every row error (the stored run keeps only the first MAX_RUN_ERRORS)."""

    run: SyncRun
    errors: tuple[RowError, ...]

    def to_response(self) -> dict[str, object]:
        """The body of `POST /v1/admin/simpeg/import` (API.md), plus run_id, status and moved."""
        counts = self.run.counts
        return {
            "run_id": self.run.run_id,
            "status": self.run.status,
            "created": counts.created,
            "updated": counts.updated,
            "moved": counts.moved,
            "deactivated": counts.deactivated,
            "unchanged": counts.unchanged,
            "blocked_by": list(self.run.blocked_by),
            "errors": [e.to_dict() for e in self.errors],
        }


def plan_import(
    request: ImportRequest,
    stores: Stores,
    *,
    config: SyncConfig | None = None,
    clock: Clock = utc_now,
    confirm_deactivations: int | None = None,
) -> SyncPlan:
    """Plan an admin import, refusing it before anything is written (API.md "SIMPEG import guards"):

    - a full import without one valid row: SimpegValidationError (it would deactivate everyone);
    - `confirm_deactivations` other than the exact number of employees the import deactivates:
      SimpegConflictError with that number in `details["deactivated"]`.

    A full import with a row that names no employee (`_nameless`: `1,98501E+17`, a digit short, a float) is held as
    INCOMPLETE_LISTING, as the nightly sync is (decision 499): the employee behind that row reads as absent, and was
    deactivated below the deactivation share with no word.
    """
    if request.full and not request.batch.records:
        raise SimpegValidationError(
            "Impor penuh ditolak: tidak ada satu pun baris yang valid, tidak ada yang diubah.",
            {"employees": "a full import needs at least one valid row", "errors": len(request.batch.errors)},
        )
    confirm = None if confirm_deactivations is None else Confirmation(confirm_deactivations, None)
    complete = not (request.full and _nameless(request.batch))
    plan = _plan(
        request.batch, stores, full=request.full, complete=complete, config=config, clock=clock, confirm=confirm
    )
    if confirm_deactivations is not None and confirm_deactivations != plan.counts.deactivated:
        raise SimpegConflictError(
            f"Impor ini akan menonaktifkan {plan.counts.deactivated} pegawai, bukan {confirm_deactivations}; "
            "tidak ada yang diubah. Kirim ulang dengan confirm_deactivations sejumlah itu.",
            {"deactivated": plan.counts.deactivated, "confirm_deactivations": confirm_deactivations},
        )
    return plan


def start_run(
    runs: RunLog,
    trigger: Trigger,
    *,
    fetched: int | None = None,
    inactive_statuses: Mapping[str, int] | None = None,
    clock: Clock = utc_now,
) -> SyncRun:
    """Record a run as `running` (its work may then go on elsewhere: `run_sync(started=...)`, `apply_import`),
    with an import's rows and the status values it takes as inactive."""
    run = _start(runs, trigger, clock)
    if fetched is None:
        return run
    counted = run.with_(fetched=fetched, inactive_statuses=dict(inactive_statuses or {}))
    runs.save_run(counted)
    return counted


def apply_import(run: SyncRun, plan: SyncPlan, stores: Stores, *, clock: Clock = utc_now) -> SyncRun:
    """Write a planned import under its started run and end the run (held back: `needs_confirmation`)."""
    return _apply(run, plan, stores, clock)


def fail_run(runs: RunLog, run: SyncRun, message: str, *, clock: Clock = utc_now) -> SyncRun:
    """End a `running` run whose work stopped for a reason of its own (a worker's crash or deadline, an import
    no longer valid); SimpegConflictError when it is no longer `running`."""
    return _finish(runs, run.with_(message=message), "failed", clock, expected_status="running")


WORKER_DEADLINE_S = ABANDONED_AFTER_S  # a deployed worker's run still `running` after this was cut off


def settle_abandoned(runs: RunLog, run: SyncRun, now: datetime) -> SyncRun:
    """`run` as it stands: a run still `running` past the worker's deadline is ended `failed` (once: whoever
    lists the runs first records it; a run that ended meanwhile is read back instead)."""
    if not abandoned(run.status, datetime.fromisoformat(run.started_at), now):
        return run
    try:
        return fail_run(runs, run, ABANDONED, clock=lambda: now)
    except SimpegConflictError:
        return runs.get_run(run.run_id) or run


def run_import(
    request: ImportRequest,
    stores: Stores,
    *,
    actor: str | None,
    config: SyncConfig | None = None,
    clock: Clock = utc_now,
    confirm_deactivations: int | None = None,
) -> ImportResult:
    """Apply an admin import (good rows applied, bad rows reported); recorded as an `import` run.

    A held-back import (status `needs_confirmation`) is confirmed by sending it again with
    `confirm_deactivations` = the `deactivated` count the admin was shown (exactly; see `plan_import`).
    """
    plan = plan_import(request, stores, config=config, clock=clock, confirm_deactivations=confirm_deactivations)
    run = start_run(stores.runs, Trigger("import", actor), fetched=_rows(request), clock=clock)
    return ImportResult(apply_import(run, plan, stores, clock=clock), request.batch.errors)


def _rows(request: ImportRequest) -> int:
    return len(request.batch.records) + len(request.batch.errors)


def confirm_run(
    run_id: str,
    source: ListingSource,
    stores: Stores,
    *,
    actor: str,
    config: SyncConfig | None = None,
    clock: Clock = utc_now,
) -> SyncRun:
    """Confirm a sync run held back by the guard: re-fetch and apply within what the admin saw (here, to the
    end; the API hands the work to the worker instead: `start_confirmation`, then `run_sync`)."""
    started = start_confirmation(stores.runs, run_id, actor=actor, clock=clock)
    return run_sync(
        source,
        stores,
        trigger=started.trigger,
        config=config,
        clock=clock,
        confirmation=confirmation_of(stores.runs, started),
        started=started,
    )


def start_confirmation(runs: RunLog, run_id: str, *, actor: str, clock: Clock = utc_now) -> SyncRun:
    """Mark a held-back sync run `confirmed` and record the run that carries its work out as `running`.

    The held run names its follow-up in the same conditional write that confirms it, so no moment shows it
    confirmed without one; if recording the follow-up then fails, the held run waits for a confirmation again
    (nothing of it was applied) instead of staying `confirmed` with no run ever carrying it out."""
    held = runs.get_run(run_id)
    if held is None:
        raise SimpegNotFoundError("Proses sinkronisasi tidak ditemukan.", {"run_id": run_id})
    if held.status != "needs_confirmation" or held.trigger.kind == "import":
        raise SimpegConflictError(
            "Proses sinkronisasi ini tidak sedang menunggu konfirmasi.", {"run_id": run_id, "status": held.status}
        )
    follow_up = _new_run(Trigger("confirm", actor, run_id), clock)
    confirmed = held.with_(status="confirmed", confirmed_by=actor, followed_by=follow_up.run_id)
    # The conditional write makes a second, concurrent confirmation fail with CONFLICT.
    runs.save_run(confirmed, expected_status="needs_confirmation")
    try:
        runs.save_run(follow_up)
    except Exception:
        reopen_confirmation(runs, run_id, follow_up.run_id)
        raise
    return follow_up


def reopen_confirmation(runs: RunLog, run_id: str, follow_up: str) -> None:
    """Put a confirmed held-back run back to `needs_confirmation` when `follow_up`, the run that was to carry its
    work out, never got to a worker (its record, the audit entry or the hand-over failed): nothing of it was
    applied, and the admin confirms it again. A caller that recorded `follow_up` ends it first (`fail_run`), so
    no worker takes it up once a second confirmation has started another. A run confirmed under another
    follow-up stays as it is (`followed_by`; `expected_status` for one confirmed meanwhile)."""
    held = runs.get_run(run_id)
    if held is not None and held.status == "confirmed" and held.followed_by == follow_up:
        runs.save_run(held.with_(status="needs_confirmation", confirmed_by=None, followed_by=None),
                      expected_status="confirmed")  # fmt: skip


def confirmation_of(runs: RunLog, run: SyncRun) -> Confirmation | None:
    """The go-ahead a confirmation run carries: what the admin was shown on the run it confirms."""
    held_id = run.trigger.confirms_run_id if run.trigger.kind == "confirm" else None
    held = runs.get_run(held_id) if held_id else None
    return Confirmation(held.counts.deactivated, run.trigger.actor or "") if held else None


def _plan_and_apply(
    run: SyncRun,
    batch: RecordBatch,
    stores: Stores,
    *,
    full: bool,
    complete: bool,
    config: SyncConfig,
    clock: Clock,
    confirmation: Confirmation | None,
) -> SyncRun:
    plan = _plan(batch, stores, full=full, complete=complete, config=config, clock=clock, confirm=confirmation)
    return _apply(run, plan, stores, clock)


def _plan(
    batch: RecordBatch,
    stores: Stores,
    *,
    full: bool,
    complete: bool,
    config: SyncConfig | None,
    clock: Clock,
    confirm: Confirmation | None,
) -> SyncPlan:
    return plan_sync(
        stores.employees.list_employees(),
        stores.employees.list_units(),
        batch,
        full=full,
        now=_iso(clock()),
        guard=(config or SyncConfig()).guard,
        complete=complete,
        confirmation=confirm,
    )


def _apply(run: SyncRun, plan: SyncPlan, stores: Stores, clock: Clock) -> SyncRun:
    run = run.with_(counts=plan.counts, errors=plan.errors[:MAX_RUN_ERRORS], blocked_by=plan.blocked_by)
    if plan.blocked:
        return _finish(stores.runs, run, "needs_confirmation", clock)
    try:
        apply_plan(plan, stores.employees)
    except Exception as exc:
        # A half-applied plan is safe to re-run (planning is idempotent); the run must not stay "running".
        _finish(stores.runs, run.with_(message=f"gagal menyimpan: {type(exc).__name__}"), "failed", clock)
        raise
    return _finish(stores.runs, run, "succeeded", clock)


def _finish(
    runs: RunLog, run: SyncRun, status: RunStatus, clock: Clock, expected_status: RunStatus | None = None
) -> SyncRun:
    done = run.with_(status=status, finished_at=_iso(clock()))
    runs.save_run(done, expected_status=expected_status)
    logger.info(
        "simpeg run finished",
        extra={"run_id": done.run_id, "status": status, "trigger": done.trigger.kind, "counts": done.counts.to_dict()},
    )
    count_simpeg_run(status, done.counts.to_dict())
    return done


def _start(runs: RunLog, trigger: Trigger, clock: Clock) -> SyncRun:
    run = _new_run(trigger, clock)
    runs.save_run(run)
    return run


def _new_run(trigger: Trigger, clock: Clock) -> SyncRun:
    """A `running` run starting now, not yet recorded."""
    started = clock()
    return SyncRun(run_id=_new_run_id(started), status="running", trigger=trigger, started_at=_iso(started))


def _new_run_id(at: datetime) -> str:
    # Time-prefixed (to the millisecond) so ids sort like start times, even for two runs in one second.
    utc = at.astimezone(UTC)
    return f"{utc:%Y%m%dT%H%M%S}{utc.microsecond // 1000:03d}-{uuid.uuid4().hex[:10]}"


def _iso(at: datetime) -> str:
    # Milliseconds: runs are listed newest first by start time, and two can start within one second.
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
