"""SIMPEG use cases as the API and the nightly schedule run them: the same code for both.

One SIMPEG run at a time (a sync, a confirmation's follow-up or an import, wherever it runs): each takes the turn
(`_take_turn`) before it plans, and gives it back once it ended; another run meanwhile is refused 409, the nightly
sync skipped.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pydantic_core import PydanticCustomError

from chalicelib import runtime
from chalicelib.domain.audit import TRANSACTION_ITEMS, PendingEntries
from chalicelib.domain.people import Principal
from chalicelib.domain.runs import FUNCTION_TIMEOUT_S, abandoned
from chalicelib.errors import NotFoundError, UnavailableError, ValidationError
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.simpeg import (
    WORKER_DEADLINE_S,
    ApiKeyAuth,
    Change,
    ClientConfig,
    EmployeeRepository,
    GuardConfig,
    ImportRequest,
    ImportResult,
    OAuth2ClientCredentials,
    SimpegClient,
    SimpegConflictError,
    StoredEmployee,
    Stores,
    SyncConfig,
    SyncPlan,
    SyncRun,
    Trigger,
    Unit,
    apply_import,
    confirmation_of,
    default_mapping,
    fail_run,
    parse_import_csv,
    parse_import_json,
    plan_import,
    reopen_confirmation,
    run_sync,
    settle_abandoned,
    start_confirmation,
    start_run,
)
from chalicelib.usecases import turns
from chalicelib.usecases.schemas import simpeg as schema
from chalicelib.usecases.schemas.common import Result, load_json
from chalicelib.usecases.schemas.simpeg import ImportQuery, RunsQuery, count_or_error

MAX_RUNS_PAGE = 50
POLL_S = 0.2  # how often a request waiting for its run reads the run log
IMPORT_PREFIX = "imports/simpeg/"  # an import handed to the worker waits here (private bucket)
AUDITED_COUNTS = ("created", "updated", "moved", "deactivated", "unchanged")  # an import's audit entry's counts
# The login-guard scope whose one slot is the turn of the SIMPEG run going on (`_take_turn`).
RUN_TURN = "simpeg#run"
# How long a run waits for the turn before its 409: a worker records its run's end, then gives the turn back (one
# more write), so the admin's next click right after an answered run would otherwise be refused by a run that ended.
TURN_WAIT_S = 2.0
RUNS_SEARCHED = 10  # the newest runs read to name the one going on when a run is refused
# A worker begun later than this after its run started could still be working once the run's turn lapsed.
RESUME_WITHIN_S = WORKER_DEADLINE_S - FUNCTION_TIMEOUT_S
# Employees whose changes are written with the entries naming them in one transaction (`TRANSACTION_ITEMS` items: a
# record and an entry each).
NAMED_AT_ONCE = TRANSACTION_ITEMS // 2
SCHEDULE_ACTOR = "system:simpeg"  # the actor of the entries of the nightly sync's changes
LATE = "terhenti: pekerja mulai terlambat (pemanggilan diulang), tidak ada yang diubah; jalankan lagi"


def _stores(run: SyncRun | None = None) -> Stores:
    """The stores of a run; `run` is the run whose changes they write (each named in the audit log), None for a
    store only read (a plan made before its run is recorded)."""
    return Stores(_FollowingMoves(runtime.simpeg_employees(), run), runtime.sync_runs())


def _named_as(change: Change) -> str | None:
    """The audit action of a change that takes an employee out of SMART, brings one back or hands them to another
    unit's admins (None: a creation or a change of name or title, which moves no power)."""
    before = change.before
    if before is None:
        return None
    if change.kind == "deactivated":
        return "employee.deactivate"
    if not before.active and change.after.active:
        return "employee.reactivate"
    return "employee.move" if change.kind == "moved" else None


def _named_groups(changes: Sequence[Change]) -> Iterator[tuple[str, Sequence[Change]]]:
    """The changes to name (`_named_as`), by action, `NAMED_AT_ONCE` at a time: each group is one transaction."""
    for action in sorted({_named_as(c) or "" for c in changes} - {""}):
        of_action = [c for c in changes if _named_as(c) == action]
        for at in range(0, len(of_action), NAMED_AT_ONCE):
            yield action, of_action[at : at + NAMED_AT_ONCE]


def _name(run: SyncRun, action: str, changes: Sequence[Change]) -> PendingEntries:
    """The entries of `action` naming each employee of `changes`, by NIP: which run did it and from which unit to
    which. The actor is the admin behind the run, the schedule's for a nightly sync."""
    actor = run.trigger.actor or SCHEDULE_ACTOR
    details: dict[str, Mapping[str, object] | None] = {
        c.nip: {"run_id": run.run_id, "unor_id": c.after.unor_id, "before": c.before.unor_id if c.before else None}
        for c in changes
    }
    return runtime.audit().stamped(actor, action, details)


@dataclass(frozen=True)
class _FollowingMoves:
    """The employees store as a sync or import writes it, and after a move the employee's pending faces go to the
    new unit's queue: the new unit's admins decide them, the old unit's no longer may. Pending requests stay
    where they were filed: their days decide whose they are (`movers`, decision 313), so a permit for a day at
    the old school stays that school's to decide, and one for a day after the move is the new school's.

    Each deactivation, reactivation and move is named in the audit log by NIP (`_name`) in the transaction of its
    write, `NAMED_AT_ONCE` of one action at a time: "which run deactivated this employee?" is a search by their
    NIP, which a run's counts never answered. A group whose write or entries fail leaves neither, and the retry
    (or the next run) that plans the changes again names them once; a group written is named, though the retry
    does not plan it again. Named after their write, a group whose write failed part way, or whose entries then
    failed, left employees changed that no entry named and no run would name."""

    employees: EmployeeRepository
    run: SyncRun | None = None

    def list_employees(self) -> Iterable[StoredEmployee]:
        return self.employees.list_employees()

    def list_units(self) -> Iterable[Unit]:
        return self.employees.list_units()

    def upsert_units(self, units: Sequence[Unit]) -> None:
        self.employees.upsert_units(units)

    def apply(self, changes: Sequence[Change], audit: PendingEntries | None = None) -> None:
        """Write the changes; under a run, each group to name with its entries (`_name`). Without a run, or given
        entries of the caller's own, the changes are written as the caller asks."""
        run = self.run
        if run is None or audit is not None:
            self._write(changes, audit)
            return
        quiet = [c for c in changes if _named_as(c) is None]
        if quiet:
            self._write(quiet)
        for action, group in _named_groups(changes):
            self._write(group, _name(run, action, group))

    def _write(self, changes: Sequence[Change], audit: PendingEntries | None = None) -> None:
        # The queue before and after the records: a failure in between leaves the move itself unwritten, so the
        # next run plans it again; a face sent meanwhile under the old unit follows with the second pass (each
        # move is conditional and moves nothing twice).
        moves = [(change.nip, change.after.unor_id) for change in changes if change.kind == "moved"]
        self._follow(moves)
        self.employees.apply(changes, audit)
        self._follow(moves)

    @staticmethod
    def _follow(moves: Sequence[tuple[str, str]]) -> None:
        for nip, unor_id in moves:
            runtime.faces().move_pending(nip, unor_id)


def _config(settings: Settings) -> SyncConfig:
    return SyncConfig(mapping=default_mapping(), guard=GuardConfig(settings.simpeg_max_deactivate_share))


NOT_CONFIGURED = "SIMPEG belum dikonfigurasi (SMART_SIMPEG_URL)."


class SyncSkipped(Result):
    """The nightly sync of a stage without a SIMPEG URL (a regency that imports files only): nothing to pull,
    so no sync run; the job's own run record keeps this, with why."""

    run_id: None = None
    status: Literal["skipped"] = "skipped"
    message: str = NOT_CONFIGURED
    running_run_id: str | None = None  # skipped because this run was going on


class RunGoingOn(SimpegConflictError):
    """Another SIMPEG run holds the turn: 409 CONFLICT, its id in `details.running_run_id` (None while it has not
    recorded itself yet, or when its turn outlived it: the turn frees itself `retry_after_s` later)."""

    def __init__(self, running_run_id: str | None, retry_after_s: int) -> None:
        named = f" ({running_run_id})" if running_run_id else ""
        super().__init__(
            f"Proses sinkronisasi/impor SIMPEG lain sedang berjalan{named}; tunggu hingga selesai, lalu coba lagi.",
            {"running_run_id": running_run_id, "retry_after_s": retry_after_s},
        )
        self.running_run_id = running_run_id


def _take_turn() -> str:
    """Take the one turn of a SIMPEG run (sync, confirmation or import), or raise RunGoingOn. Each run plans from
    its own snapshot of SMART's employees: a run that overlapped another applied a plan made before the other's
    changes (a move dated from a stale snapshot, a change made twice or reverted). The turn is the login-guard
    slot claim (atomic: however many requests race, one wins), held for at most the worker's deadline, so a run
    whose function was cut off without giving it back blocks no one after the point `settle_abandoned` ends it.
    The turn's claim id is answered: only it gives the turn back (`_give_turn_back`). A turn still held after
    TURN_WAIT_S is refused."""
    claim = turns.take(RUN_TURN, WORKER_DEADLINE_S, wait_s=TURN_WAIT_S)
    if not claim.granted:
        raise RunGoingOn(_running_run_id(datetime.now(UTC)), claim.retry_after_s)
    return claim.claim_id


def _give_turn_back(turn: str) -> None:
    """Give the turn `turn` (`_take_turn`'s claim) back once the run that took it ended (or never started). A turn
    that lapsed and was taken by another run since stays that run's (a worker that outlived its deadline: a local
    thread has no Lambda timeout). A failure is logged, not raised: the run's outcome is recorded already, and
    the turn frees itself after the worker's deadline."""
    turns.give_back(RUN_TURN, turn)


def _running_run_id(now: datetime) -> str | None:
    """The newest run still going on (not abandoned), to name in a refusal."""
    runs, _ = runtime.sync_runs().list_runs(RUNS_SEARCHED)
    going = (r for r in runs if not abandoned(r.status, datetime.fromisoformat(r.started_at), now))
    return next((r.run_id for r in going if r.status == "running"), None)


def _in_turn(work: Callable[[], object], turn: str) -> Callable[[], None]:
    """A worker's work (a local thread's) that gives the turn back once it ends, however it ends."""

    def run() -> None:
        try:
            work()
        finally:
            _give_turn_back(turn)

    return run


def _client(settings: Settings) -> SimpegClient:
    if not settings.simpeg_url:
        raise UnavailableError(NOT_CONFIGURED, {"dependency": "simpeg"})
    auth: ApiKeyAuth | OAuth2ClientCredentials
    if settings.simpeg_client_id and settings.simpeg_client_secret and settings.simpeg_token_url:
        auth = OAuth2ClientCredentials(
            settings.simpeg_token_url, settings.simpeg_client_id, settings.simpeg_client_secret
        )
    elif settings.simpeg_api_key:
        auth = ApiKeyAuth(settings.simpeg_api_key)
    else:
        raise UnavailableError("Kredensial SIMPEG belum dikonfigurasi.", {"dependency": "simpeg"})
    try:
        return SimpegClient(ClientConfig(settings.simpeg_url, auth, default_mapping()))
    except ValueError as exc:  # a stage configured with a URL the client refuses (not https): 503, not 500
        raise UnavailableError(
            "Alamat SIMPEG tidak valid (harus https).", {"dependency": "simpeg", "reason": "url"}
        ) from exc


def _run(run: SyncRun) -> schema.SyncRun:
    """A run as the API lists it (the run log's record, read attribute by attribute)."""
    return schema.SyncRun.model_validate(run, from_attributes=True)


def nightly_sync(settings: Settings) -> schema.SyncRun | SyncSkipped:
    """What the schedule runs (jobs.nightly_simpeg_sync): `scheduled_sync`, or, without a SIMPEG URL, nothing:
    skipped, logged and recorded as such in the job's run, since a failure would be retried, kept in the
    dead-letter queue and alarmed every night. A URL without credentials still fails, and an admin's sync
    without a URL is still 503."""
    if not settings.simpeg_url:
        logger.info("simpeg sync skipped", extra={"reason": "no SIMPEG URL configured (SMART_SIMPEG_URL)"})
        return SyncSkipped()
    try:
        return scheduled_sync(settings)
    except RunGoingOn as busy:  # an admin's sync or import: tonight's listing waits for the next night
        logger.info("simpeg sync skipped", extra={"reason": "another run", "running_run_id": busy.running_run_id})
        return SyncSkipped(message=str(busy), running_run_id=busy.running_run_id)


def scheduled_sync(settings: Settings) -> schema.SyncRun:
    """The nightly sync (the schedule's own function runs it to the end): pull the whole SIMPEG listing and
    apply it, or hold it back for confirmation; RunGoingOn while another run goes on."""
    client = _client(settings)
    turn = _take_turn()
    try:
        run = start_run(runtime.sync_runs(), Trigger("schedule", None))  # its id names the changes it makes
        return _run(run_sync(client, _stores(run), trigger=run.trigger, config=_config(settings), started=run))
    finally:
        _give_turn_back(turn)


def sync_now(settings: Settings, actor: Principal) -> schema.SyncRun | schema.RunAccepted:
    """An admin's sync: handed to the worker and waited for at most `simpeg_wait_s` (API Gateway cuts at
    29 s); a run still going then is answered 202 with its id."""
    began = time.monotonic()
    client = _client(settings)  # 503 now when SIMPEG is not configured, not in the worker
    turn = _take_turn()  # 409 while another run goes on
    stores = _stores()
    try:
        run = start_run(stores.runs, Trigger("admin", actor.subject))
    except Exception:
        _give_turn_back(turn)
        raise
    try:
        runtime.audit().record(actor.subject, "simpeg.sync", run.run_id, {"status": run.status})
    except Exception as exc:
        _called_off(stores, run, exc, turn)
        raise
    _hand_over(settings, run, turn, lambda: _sync(client, settings, run))
    return _answer_run(run.run_id, settings.simpeg_wait_s - (time.monotonic() - began))


def confirm(settings: Settings, actor: Principal, run_id: str) -> schema.SyncRun | schema.RunAccepted:
    """Confirm a held-back sync: its work (a full sync) goes to the worker like an admin's sync, and is waited
    for at most `simpeg_wait_s`; a run still going then is answered 202 with its id."""
    began = time.monotonic()
    client = _client(settings)
    stores = _stores()
    turn = _take_turn()  # 409 while another run goes on
    try:
        run = start_confirmation(stores.runs, run_id, actor=actor.subject)
    except Exception:
        _give_turn_back(turn)
        raise
    try:
        runtime.audit().record(actor.subject, "simpeg.confirm", run_id, {"new_run": run.run_id, "status": run.status})
        _hand_over(settings, run, turn, lambda: _sync(client, settings, run))
    except Exception as exc:
        _call_off(stores, run_id, run, exc, turn)
        raise
    return _answer_run(run.run_id, settings.simpeg_wait_s - (time.monotonic() - began))


def _call_off(stores: Stores, held_id: str, run: SyncRun, exc: Exception, turn: str) -> None:
    """A confirmation answered 503 because its audit entry or its hand-over failed: its follow-up `run` ends
    `failed` first (no worker takes it up later), then the held run waits for a confirmation again, so the admin's
    retry starts one new follow-up. A follow-up that ended otherwise (an invocation that reported a failure yet
    reached the worker, which finished it or held it back again) keeps the confirmation it carried out."""
    ended = _called_off(stores, run, exc, turn)  # the hand-over may have failed it, or a worker ended it
    if ended.status == "failed":
        reopen_confirmation(stores.runs, held_id, run.run_id)


def _sync(client: SimpegClient, settings: Settings, run: SyncRun) -> SyncRun:
    """The work of a started sync run (an admin's, or a confirmation's with the go-ahead it carries)."""
    stores = _stores(run)
    confirmation = confirmation_of(stores.runs, run)
    return run_sync(
        client, stores, trigger=run.trigger, config=_config(settings), confirmation=confirmation, started=run
    )


@dataclass(frozen=True)
class _Import:
    """An import as sent: what the worker needs to parse and plan it again."""

    text: str
    content_type: str
    full: bool
    confirm_deactivations: int | None

    def parse(self) -> ImportRequest:
        if self.content_type in ("text/csv", "text/plain"):
            return parse_import_csv(self.text, full=self.full)
        return parse_import_json(load_json(self.text.encode("utf-8")))

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, ensure_ascii=False).encode("utf-8")


def import_records(
    settings: Settings, actor: Principal, body: bytes, content_type: str, query: ImportQuery
) -> schema.ImportResult | schema.RunAccepted:
    """Apply a JSON or CSV import; bad rows are reported, good rows applied.

    Refused before anything changes: a full import without a valid row (400) and a `confirm_deactivations`
    that is not the exact number the import deactivates (409). An import of more than `simpeg_inline_changes`
    changes goes to the worker; the request waits for it as a sync does (202 when it is still going).
    """
    began = time.monotonic()
    sent = _received(body, content_type, query)
    request = sent.parse()
    stores = _stores()
    turn = _take_turn()  # 409 while another run goes on: the plan is made from employees no other run is changing
    try:
        plan = plan_import(request, stores, config=_config(settings), confirm_deactivations=sent.confirm_deactivations)
        run = start_run(
            stores.runs,
            Trigger("import", actor.subject),
            fetched=_rows(request),
            inactive_statuses=request.inactive_statuses,
        )
    except Exception:
        _give_turn_back(turn)
        raise
    if plan.blocked or len(plan.changes) + len(plan.units) <= settings.simpeg_inline_changes:
        _audit_import(actor, run, plan, "needs_confirmation" if plan.blocked else "succeeded", turn)
        try:
            return _imported(ImportResult(apply_import(run, plan, _stores(run)), request.batch.errors))
        finally:
            _give_turn_back(turn)
    _audit_import(actor, run, plan, "running", turn)
    _hand_over(settings, run, turn, lambda: _apply_in_worker(run, plan), stash=sent.to_json())
    answer = _answer_run(run.run_id, settings.simpeg_wait_s - (time.monotonic() - began))
    if isinstance(answer, schema.RunAccepted):
        return answer
    finished = runtime.sync_runs().get_run(run.run_id) or run
    return _imported(ImportResult(finished, request.batch.errors))


def resume_run(settings: Settings, run_id: str, turn: str) -> schema.SyncRun:
    """The worker's side (the SimpegSync function invoked with a run id and its turn's claim, `turn`: empty in an
    event sent before turns were named, whose turn then frees itself at the deadline): do the work of a started
    run."""
    stores = _stores()
    run = stores.runs.get_run(run_id)
    if run is None:
        raise NotFoundError("Proses sinkronisasi tidak ditemukan.", {"run_id": run_id})
    if run.status != "running":  # a repeated invocation (Lambda retries): the work is done, the turn given back
        return _run(run)
    now = datetime.now(UTC)
    if (now - datetime.fromisoformat(run.started_at)).total_seconds() > RESUME_WITHIN_S:
        return _run(_not_resumed(stores, run, now))
    try:
        if run.trigger.kind != "import":
            return _run(_sync(_client(settings), settings, run))
        sent = _Import(**json.loads(runtime.photos(settings).get(IMPORT_PREFIX + run_id)))
        request = sent.parse()
        plan = plan_import(request, stores, config=_config(settings), confirm_deactivations=sent.confirm_deactivations)
        return _run(apply_import(run, plan, _stores(run)))
    except Exception as exc:
        return _run(_failed(stores, run, exc))
    finally:
        _give_turn_back(turn)  # the turn the API took for this run


def _not_resumed(stores: Stores, run: SyncRun, now: datetime) -> SyncRun:
    """A worker invocation that began too late (Lambda delivered it again after the first was cut off or crashed)
    ends the run `failed` without doing its work: it could outlive the run's turn and overlap the next run, planning
    from a snapshot that run is changing. The turn is not given back: another run may hold it by now (this one's
    lapses at the worker's deadline)."""
    settled = settle_abandoned(stores.runs, run, now)
    if settled.status != "running":
        return settled
    try:
        return fail_run(stores.runs, run, LATE, clock=lambda: now)
    except SimpegConflictError:  # ended meanwhile (a first invocation still at it after all)
        return stores.runs.get_run(run.run_id) or run


def _apply_in_worker(run: SyncRun, plan: SyncPlan) -> None:
    """A local worker (thread) has the plan at hand; a deployed one plans again (`resume_run`)."""
    stores = _stores(run)
    try:
        apply_import(run, plan, stores)
    except Exception as exc:
        _failed(stores, run, exc)


def _failed(stores: Stores, run: SyncRun, exc: Exception) -> SyncRun:
    logger.error("simpeg run failed in the worker", exc_info=exc, extra={"run_id": run.run_id})
    current = stores.runs.get_run(run.run_id) or run
    if current.status != "running":  # the apply step ended it already
        return current
    try:
        return fail_run(stores.runs, current, f"gagal: {type(exc).__name__}")
    except SimpegConflictError:  # ended meanwhile (by the apply step, or settled as abandoned)
        return stores.runs.get_run(run.run_id) or current


def _called_off(stores: Stores, run: SyncRun, exc: Exception, turn: str) -> SyncRun:
    """The API's side of a started run whose work never reached the worker (its audit entry or its hand-over
    failed): ended `failed`, its turn given back. A run a worker ended meanwhile (an invocation that reported a
    failure yet reached it) is left as it is: that worker gave the turn back."""
    current = stores.runs.get_run(run.run_id) or run
    if current.status != "running":
        return current
    ended = _failed(stores, current, exc)
    _give_turn_back(turn)
    return ended


def _hand_over(
    settings: Settings, run: SyncRun, turn: str, here: Callable[[], object], stash: bytes | None = None
) -> None:
    """Give a started run to the worker; a deployed worker finds an import's rows (`stash`) in the bucket. A
    failure to hand it over ends the run as `failed` (it must not stay `running`), gives the turn back and is
    answered. The worker gives the turn back once the run ends (`_in_turn`, `resume_run`)."""
    try:
        if stash is not None and settings.simpeg_worker_function:
            runtime.photos(settings).put(IMPORT_PREFIX + run.run_id, stash, "application/json")
        runtime.start_worker(settings, run.run_id, _in_turn(here, turn), turn=turn)
    except Exception as exc:
        _called_off(_stores(), run, exc, turn)
        raise


def _answer_run(run_id: str, budget_s: float) -> schema.SyncRun | schema.RunAccepted:
    """The run once it ends within `budget_s`, else 202 with its id (progress: GET /v1/admin/simpeg/runs)."""
    deadline = time.monotonic() + max(0.0, budget_s)
    while True:
        run = runtime.sync_runs().get_run(run_id)
        if run is not None and run.status != "running":
            return _run(run)
        left = deadline - time.monotonic()
        if left <= 0:
            return schema.RunAccepted(run_id=run_id)
        time.sleep(min(POLL_S, left))


def _received(body: bytes, content_type: str, query: ImportQuery) -> _Import:
    confirm_count = query.confirm_deactivations
    if content_type in ("text/csv", "text/plain"):
        return _Import(_csv_text(body), content_type, query.full in ("true", "1"), confirm_count)
    data = load_json(body)
    if confirm_count is None and isinstance(data, dict):
        confirm_count = _optional_int(data.get("confirm_deactivations"), "confirm_deactivations")
    full = data.get("full", False) if isinstance(data, dict) else False
    if not isinstance(full, bool):  # "true" or 1 meant a full import: never taken silently as a partial one
        raise ValidationError(schema.FULL_WORDS, {"full": "must be true or false"})
    return _Import(json.dumps(data, ensure_ascii=False), "application/json", full is True, confirm_count)


def _csv_text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        parse_import_csv(body)  # refuses the file in the parser's words (how to save it as UTF-8)
        raise


def _rows(request: ImportRequest) -> int:
    return len(request.batch.records) + len(request.batch.errors)


def _audit_import(actor: Principal, run: SyncRun, plan: SyncPlan, status: str, turn: str) -> None:
    """The import's audit entry, written before anything is applied: what the import does (the plan's counts,
    which the run records and the answer reports) and the status the request answers with (`running` when it
    is handed to the worker). Written after, a failed write was answered 503 over an applied import, and the
    client's retry, finding nothing left to do, logged an import that deactivated hundreds as deactivating none.
    A failed write now fails the run with nothing applied. An entry whose apply then fails (503, the run
    `failed`) is made true by the retry the 503 asks for; its run id shows the outcome."""
    counts = plan.counts.to_dict()
    details = {"status": status, **{name: counts[name] for name in AUDITED_COUNTS}}
    try:
        runtime.audit().record(actor.subject, "simpeg.import", run.run_id, details)
    except Exception as exc:
        _called_off(_stores(), run, exc, turn)
        raise


def _imported(result: ImportResult) -> schema.ImportResult:
    run, counts = result.run, result.run.counts
    return schema.ImportResult(
        run_id=run.run_id,
        status=run.status,
        created=counts.created,
        updated=counts.updated,
        moved=counts.moved,
        deactivated=counts.deactivated,
        unchanged=counts.unchanged,
        stranded=counts.stranded,
        emptied_units=counts.emptied_units,
        blocked_by=list(run.blocked_by),
        errors=[schema.RowError.model_validate(e, from_attributes=True) for e in result.errors],
        inactive_statuses=dict(run.inactive_statuses),
    )


def list_runs(query: RunsQuery, now: datetime) -> schema.RunPage:
    """Runs newest first; one left `running` by a worker that was cut off is shown (and recorded) `failed`."""
    log = runtime.sync_runs()
    runs, next_cursor = log.list_runs(MAX_RUNS_PAGE, query.next)
    return schema.RunPage(items=[_run(settle_abandoned(log, r, now)) for r in runs], next=next_cursor)


def _optional_int(value: object, name: str) -> int | None:
    try:
        return count_or_error(value, name)
    except PydanticCustomError as exc:
        message = (exc.context or {}).get("message")
        raise ValidationError(message if isinstance(message, str) else None, {name: exc.message()}) from exc
