"""The composition root: what one process (a Lambda container, a `chalice local` worker, a test) builds
once and shares: settings, the tables pointed at this deployment, the first admin, the photo store, the
face engine with its scoring policy, and the cached face cohort.

Everything here is lazy: importing the app touches no AWS and loads no model, and a failed start is
retried by the next request. The HTTP layer and the scheduled jobs call `ensure_ready` first; use cases
ask for the engine, the cohort and the photo store here instead of building their own. The photo store
follows the repositories: `use_repositories(memory_repositories())` swaps S3 for its in-memory twin too.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.attendance.rules import RuleTable
from chalicelib.auth import passwords
from chalicelib.domain.people import AdminUser
from chalicelib.errors import RuleTableError, UnavailableError
from chalicelib.face import FaceConfig, FaceEngine
from chalicelib.face.cohort import Cohort, CohortCache, CohortMember
from chalicelib.face.index import TemplateIndex
from chalicelib.face.scoring import ScoringPolicy
from chalicelib.observability import logger
from chalicelib.settings import Settings, SettingsError, load_settings
from chalicelib.simpeg.repository import EmployeeRepository, RunLog
from chalicelib.store.audit import AuditRepository
from chalicelib.store.aws import lambda_client
from chalicelib.store.base import ConditionFailed
from chalicelib.store.cache import forget_all
from chalicelib.store.calendar import CalendarRepository
from chalicelib.store.events import EventsRepository
from chalicelib.store.faces import ApprovedChange, FacesRepository
from chalicelib.store.job_runs import JobRunRepository
from chalicelib.store.models import configure
from chalicelib.store.people import PeopleRepository
from chalicelib.store.photos import PhotoStore
from chalicelib.store.repositories import Repositories, dynamo_repositories
from chalicelib.store.requests import RequestsRepository
from chalicelib.store.sightings import SightingsRepository
from chalicelib.store.statuses import StatusesRepository
from chalicelib.store.timeclock import TimeclockRepository
from chalicelib.store.zones import ZonesRepository

__all__ = [
    "BOOTSTRAP_ADMIN",
    "audit",
    "calendar",
    "cohort",
    "engine_and_policy",
    "ensure_bootstrap_admin",
    "ensure_ready",
    "ensure_tables",
    "events",
    "export_event",
    "export_id_of",
    "face_index",
    "face_index_changed",
    "faces",
    "forget",
    "forget_cohort",
    "job_runs",
    "load_settings",
    "people",
    "photos",
    "repositories",
    "requests",
    "rule_table",
    "sightings",
    "simpeg_employees",
    "start_export",
    "start_worker",
    "statuses",
    "sync_runs",
    "timeclock",
    "use_repositories",
    "worker_event",
    "worker_run_id",
    "zones",
]

BOOTSTRAP_ADMIN = "admin"
COHORT_MAX_AGE_S = 3600

_lock = threading.RLock()  # ensure_ready holds it while the first admin reads the repositories
_ready: dict[str, bool] = {}
_engines: dict[tuple[str, int, str, bool], tuple[FaceEngine, ScoringPolicy]] = {}
_cohorts: dict[str, CohortCache] = {}
_indexes: dict[tuple[str, str], TemplateIndex] = {}
_index_lock = threading.Lock()  # apart from _lock: loading the index takes seconds
_repositories: list[Repositories] = []  # at most one: the process's set, built on first use


def ensure_ready(settings: Settings) -> None:
    """Point the models at this deployment's tables and create the first admin (once per process)."""
    key = f"{settings.table_prefix}|{settings.region}"
    if _ready.get(key):
        return
    with _lock:
        if _ready.get(key):
            return
        rule_table(settings)  # a bad rule table stops the start, naming the setting
        configure(settings.table_prefix, settings.region)
        ensure_bootstrap_admin(settings)
        _ready.clear()
        _ready[key] = True


def ensure_tables(settings: Settings) -> None:
    """Point the models at this deployment's tables, and no more: for a job whose role may read only the table it
    needs (the day-off watch reads the holidays, infra/access.py), which `ensure_ready`'s first-admin check would
    make read the admins too. Cheap (no call to AWS), so it is not remembered."""
    configure(settings.table_prefix, settings.region)


def rule_table(settings: Settings) -> RuleTable:
    """The regency's rule table: the DOMAIN.md defaults, with the fields SMART_RULES (or SMART_RULES_FILE) sets
    (its `timezone` is SMART_TIMEZONE's, the one zone every date and clock time is read in); SettingsError for
    a field the table refuses."""
    return _rule_table(settings.rules, settings.timezone)


@lru_cache(maxsize=4)
def _rule_table(document: str | None, timezone: str) -> RuleTable:
    fields: dict[str, object] = json.loads(document) if document else {}
    if fields.get("timezone", timezone) != timezone:  # machine logs and event dates are read in SMART_TIMEZONE
        raise SettingsError(f"SMART_RULES (or SMART_RULES_FILE): timezone must be SMART_TIMEZONE ({timezone}) or unset")
    try:
        return RuleTable.from_dict({"timezone": timezone, **fields})
    except RuleTableError as exc:
        raise SettingsError(f"SMART_RULES (or SMART_RULES_FILE): {exc.message} {exc.details}") from exc


def ensure_bootstrap_admin(settings: Settings) -> bool:
    """Create the first super admin from SMART_BOOTSTRAP_ADMIN_PASSWORD when it does not exist yet."""
    if settings.bootstrap_admin_password is None or people().get_admin(BOOTSTRAP_ADMIN) is not None:
        return False
    try:
        password_hash = passwords.hash_secret(settings.bootstrap_admin_password)
        people().create_admin(AdminUser(BOOTSTRAP_ADMIN, "super_admin"), password_hash)
    except ConditionFailed:
        return False
    return True


def repositories() -> Repositories:
    """The process's repositories: DynamoDB ones unless a test swapped in others (`use_repositories`)."""
    if not _repositories:
        with _lock:
            if not _repositories:
                _repositories.append(dynamo_repositories())
    return _repositories[0]


def people() -> PeopleRepository:
    """Employees, units, phones, admin users and login counters."""
    return repositories().people


def events() -> EventsRepository:
    """Attendance events, idempotency claims, used challenges, arrival marks and photo fingerprints."""
    return repositories().events


def faces() -> FacesRepository:
    """Employees' face templates and the score-normalisation cohort drawn from them."""
    return repositories().faces


def zones() -> ZonesRepository:
    """Work zones, field-duty letters and duty rows."""
    return repositories().zones


def calendar() -> CalendarRepository:
    """Schedule versions, shift rosters, holidays, Ramadan periods and leaves."""
    return repositories().calendar


def statuses() -> StatusesRepository:
    """Judged days and month-end discipline counters per unit."""
    return repositories().statuses


def audit() -> AuditRepository:
    """The audit log of admin actions."""
    return repositories().audit


def simpeg_employees() -> EmployeeRepository:
    """Employees and units as the SIMPEG sync sees them."""
    return repositories().simpeg_employees


def sync_runs() -> RunLog:
    """The SIMPEG sync and import runs."""
    return repositories().sync_runs


def requests() -> RequestsRepository:
    """Employees' requests (leave, field duty, corrections) and their decisions."""
    return repositories().requests


def sightings() -> SightingsRepository:
    """Where and when check-ins were made (buddy-punching flags)."""
    return repositories().sightings


def timeclock() -> TimeclockRepository:
    """Fingerprint machines during the rollout: PIN maps and cut-over dates per unit."""
    return repositories().timeclock


def job_runs() -> JobRunRepository:
    """Runs of the scheduled jobs."""
    return repositories().job_runs


def use_repositories(repos: Repositories | None) -> None:
    """Tests: make every use case of this process use `repos` (None: back to DynamoDB), caches emptied."""
    with _lock:
        _repositories.clear()
        if repos is not None:
            _repositories.append(repos)
    forget()


def engine_and_policy(settings: Settings) -> tuple[FaceEngine, ScoringPolicy]:
    """The process's face engine and the scoring policy named by SMART_FACE_POLICY (models load lazily)."""
    key = (str(settings.model_dir), settings.face_threads, settings.face_policy, settings.scores_spoofing)
    with _lock:
        if key not in _engines:
            policy = ScoringPolicy.load(settings.face_policy)
            config = FaceConfig(
                model_dir=settings.model_dir,
                intra_op_threads=settings.face_threads,
                embedders=policy.model_ids,
                antispoof=settings.scores_spoofing,
            )
            _engines[key] = (FaceEngine(config), policy)
        return _engines[key]


def cohort(settings: Settings) -> Cohort:
    """The S-norm cohort of this deployment, read at most an hour ago."""
    with _lock:
        if settings.table_prefix not in _cohorts:
            _cohorts[settings.table_prefix] = CohortCache(_active_cohort, max_age_s=COHORT_MAX_AGE_S)
        cache = _cohorts[settings.table_prefix]
    return cache.get()


def _active_cohort() -> list[CohortMember]:
    """The cohort sample (approved templates only) without the templates of employees no longer active."""
    members = faces().cohort_members()
    active = {e.nip for e in people().get_employees({m.owner for m in members}) if e.active}
    return [m for m in members if m.owner in active]


def face_index(settings: Settings) -> TemplateIndex:
    """Every approved template of the deployment for duplicate checks: loaded once per process; when the
    stored change count (one consistent read per call) has moved since, brought up to date from the logged
    changes after its count, and loaded again in full only when those cannot all be read."""
    _, policy = engine_and_policy(settings)
    key = (settings.table_prefix, policy.name)
    version = faces().approved_version()  # read first: a change made while loading shows as a new count
    with _index_lock:
        index = _indexes.get(key)
        if index is not None and index.version != version and not _caught_up(index, version):
            index = None
        if index is None:
            index = TemplateIndex(policy.weights, faces().approved_templates(), version)
            _reconcile(index, version)
            _indexes[key] = index
        return index


def _reconcile(index: TemplateIndex, version: int) -> None:
    """A full load at count `version` made right: the lagging `by_shard` index may still show a template deleted,
    or the old vectors of one re-embedded, at a count up to `version`, whose entry no catch-up reads again (they read
    after the count). The recent entries up to `version` are applied once more (a removal drops the template if
    there, an approval or re-embedding sets its vectors): only the run that follows on to `version`, since an entry
    whose template changed again in a missing one would bring back an older state."""
    changes = faces().recent_changes(version)
    run = 0
    while run < len(changes) and changes[-1 - run].version == version - run:
        run += 1
    if run:
        index.apply(_members(changes[len(changes) - run :]), version)


def _members(changes: list[ApprovedChange]) -> Iterator[tuple[str, CohortMember | None]]:
    return ((c.template_id, None if c.template is None else CohortMember(c.owner, c.template)) for c in changes)


def _following_on(index: TemplateIndex, changes: list[ApprovedChange]) -> list[ApprovedChange]:
    """The changes that follow on from the index's count without a gap."""
    run = [c for c in changes if c.version > index.version]
    for n, change in enumerate(run):
        if change.version != index.version + 1 + n:
            return run[:n]
    return run


def _caught_up(index: TemplateIndex, version: int) -> bool:
    """Apply the logged changes after the index's count, when they are all there: one entry for every count
    from the index's on, up to `version` at least (an entry expired, or a count moved by a process that does
    not log, leaves a gap). False, the index untouched, otherwise."""
    if version < index.version:
        return False  # the count went back (tables made anew): nothing to build on
    changes = faces().approved_changes(index.version)
    run = _following_on(index, changes)
    if len(run) != len(changes) or index.version + len(run) < version:
        logger.info(
            "duplicate index loaded again: its changes are not all logged", extra={"behind": version - index.version}
        )
        return False
    index.apply(_members(run), run[-1].version)
    return True


def face_index_changed() -> None:
    """After this process changed the approved set: the loaded indexes take the logged changes after their counts
    that follow on, the caller's own among them (one
    consistent Query, usually of one entry), so the next check needs only the count's read. The count alone
    cannot tell whose change made it (an index already past the caller's change, or a change that wrote nothing:
    decision 207). A gap is left for `face_index` (which loads in full)."""
    with _index_lock:
        indexes = list(_indexes.values())
        if not indexes:
            return
        changes = faces().approved_changes(min(index.version for index in indexes))
        for index in indexes:
            run = _following_on(index, changes)
            if run:
                index.apply(_members(run), run[-1].version)


def photos(settings: Settings) -> PhotoStore:
    """The deployment's private photo and export store: S3, or the in-memory twin with the in-memory
    repositories (`Repositories.photos`)."""
    return repositories().photos(settings)


def forget_cohort() -> None:
    """Tests and the recompute command: the next verification reloads the cohort (and the duplicate index)."""
    with _lock:
        _cohorts.clear()
    with _index_lock:
        _indexes.clear()


def forget() -> None:
    """Tests that recreate tables call this so the next request configures again and reads afresh."""
    _ready.clear()
    forget_all()
    forget_cohort()


# The events the API hands its workers, shaped like EventBridge events: the SimpegSync function reads its
# schedule's events and the API's with the same handler; the ReportWorker function receives the API's only.
WORKER_SOURCE = "smart.api"
WORKER_DETAIL_TYPE = "SIMPEG run"
EXPORT_DETAIL_TYPE = "Monthly export"
REJUDGE_DETAIL_TYPE = "Recap re-judge"
SCHEDULED_JOB_DETAIL_TYPE = "Scheduled job"


def start_worker(settings: Settings, run_id: str, here: Callable[[], object], *, turn: str) -> None:
    """Hand the work of a started SIMPEG run to its worker (the SimpegSync function) and return at once; the run
    record in DynamoDB carries the state, so the worker needs nothing else but the claim of the run's turn,
    `turn`, to give it back (an import's rows wait in the bucket, see usecases.simpeg)."""
    hand_over(settings.simpeg_worker_function, worker_event(run_id, settings.region, turn), here, settings.region)
    logger.info("simpeg run handed to the worker", extra={"run_id": run_id})


def start_export(settings: Settings, export_id: str, here: Callable[[], object]) -> None:
    """Hand a started monthly export to its worker (the ReportWorker function) and return at once; the export's
    run record carries what to build (usecases.exports)."""
    hand_over(settings.report_worker_function, export_event(export_id, settings.region), here, settings.region)
    logger.info("monthly export handed to the worker", extra={"export_id": export_id})


def start_rejudge(settings: Settings, ref: str, here: Callable[[], object]) -> None:
    """Hand a recorded run of unit-days to judge again to the report worker (usecases.rejudge) and return at
    once; the run's record carries the unit-days."""
    hand_over(settings.report_worker_function, rejudge_event(ref, settings.region), here, settings.region)
    logger.info("recap re-judge handed to the worker", extra={"run": ref})


def hand_over(function: str | None, event: dict[str, Any], here: Callable[[], object], region: str) -> None:
    """Deployed (`function` names a Lambda function): an asynchronous invocation of it with `event`; Lambda
    retries a failed asynchronous invocation twice, then the function's dead-letter queue keeps the event.
    Locally (`make run`, tests): `here` in a thread of this process (in a Lambda without a worker: `here` at
    once). A failed invocation is 503 UNAVAILABLE."""
    if not function:
        if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):  # no worker configured: a thread would be frozen
            here()
        else:
            threading.Thread(target=here, name=f"worker-{event['id']}", daemon=True).start()
        return
    try:
        lambda_client(region).invoke(FunctionName=function, InvocationType="Event", Payload=json.dumps(event).encode())
    except (BotoCoreError, ClientError) as exc:
        raise UnavailableError(details={"dependency": "lambda"}) from exc


def _api_event(detail_type: str, event_id: str, detail: dict[str, str], region: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": event_id,
        "detail-type": detail_type,
        "source": WORKER_SOURCE,
        "account": "",
        "time": "",
        "region": region,
        "resources": [],
        "detail": detail,
    }


def worker_event(run_id: str, region: str, turn: str) -> dict[str, Any]:
    """The event `start_worker` sends the SIMPEG worker for a run holding the turn `turn`."""
    return _api_event(WORKER_DETAIL_TYPE, run_id, {"run_id": run_id, "turn": turn}, region)


def export_event(export_id: str, region: str) -> dict[str, Any]:
    """The event `start_export` sends the report worker for an export."""
    return _api_event(EXPORT_DETAIL_TYPE, export_id, {"export_id": export_id}, region)


def rejudge_event(ref: str, region: str) -> dict[str, Any]:
    """The event `start_rejudge` sends the report worker for a run of unit-days to judge again."""
    return _api_event(REJUDGE_DETAIL_TYPE, ref, {"run": ref}, region)


def scheduled_job_event(job: str) -> dict[str, Any]:
    """The input of a second schedule of a scheduled function (infra/schedules.py): it names the job to run, in
    the scheduled-event shape that Chalice's `@app.schedule` handler reads."""
    return _api_event(SCHEDULED_JOB_DETAIL_TYPE, job, {"job": job}, "")


def scheduled_job_of(event: dict[str, Any]) -> str | None:
    """The job a `scheduled_job_event` names, None for any other event (a function's own schedule)."""
    return _detail(event, "job") if event.get("detail-type") == SCHEDULED_JOB_DETAIL_TYPE else None


def _detail(event: dict[str, Any], field: str) -> str | None:
    detail = event.get("detail")
    if event.get("source") != WORKER_SOURCE or not isinstance(detail, dict):
        return None
    value = detail.get(field)
    return value if isinstance(value, str) and value else None


def export_id_of(event: dict[str, Any]) -> str | None:
    """The export id of an export event (`start_export`), None for any other event."""
    return _detail(event, "export_id") if event.get("detail-type") == EXPORT_DETAIL_TYPE else None


def rejudge_ref_of(event: dict[str, Any]) -> str | None:
    """The run reference of a re-judge event (`start_rejudge`), None for any other event."""
    return _detail(event, "run") if event.get("detail-type") == REJUDGE_DETAIL_TYPE else None


def worker_run_id(event: dict[str, Any]) -> str | None:
    """The run id of a worker event (`start_worker`), None for the nightly schedule's own event."""
    return _detail(event, "run_id") if event.get("detail-type") == WORKER_DETAIL_TYPE else None


def worker_turn(event: dict[str, Any]) -> str:
    """The claim of the run's turn a worker event carries (`start_worker`); empty in one sent before it did."""
    return (_detail(event, "turn") or "") if event.get("detail-type") == WORKER_DETAIL_TYPE else ""
