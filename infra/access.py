"""Least-privilege IAM for SMART's functions: managed policies on each function's own role, granting only the
tables, actions, objects, logs, secrets and queue that function's code uses. A function's grants are one policy
while they fit IAM's 6,144 characters once resolved (counted with the longest names the template allows), and
more (``AccessPolicy2``, ...) when they do not: the API's, naming 23 tables and their indexes, came within 4 %
of that quota with the default names, and a longer table prefix would have stopped the stack's creation.

Chalice is told ``autogen_policy: false`` for dev and prod, so it writes one role per function with an
empty placeholder policy; the merge step removes the placeholders and attaches the policies below.

What each function touches was read from chalicelib/ (tables by model in chalicelib/store/models.py, S3
prefixes in chalicelib/store/photos.py, SSM in chalicelib/settings.py):

- ``APIHandler`` (every route) reads and writes every table, but deletes items only where a route
  deletes (a holiday, a zone, a face template, a device binding, an abandoned idempotency claim).
  Audit entries and attendance events are evidence: no ``DeleteItem`` and no ``BatchWriteItem`` (whose
  ``DeleteRequest`` deletes) on them, and no ``UpdateItem`` on the append-only audit log. Objects under
  ``photos/``, ``exports/`` and ``requests/`` (attachments) can be read and written, never deleted
  (lifecycle rules expire photos and exports), and nothing can touch Object Lock settings or bypass the
  governance retention.
- ``SimpegSync`` (chalicelib.jobs.nightly_simpeg_sync) writes employees and units and logs its run; after a
  transfer it moves the employee's pending faces to the new unit's queue (decision 178: their templates by key,
  each moved by a conditional UpdateItem), so it reads and updates that table and may delete nothing in it; the
  employee's requests stay where they were filed (their days decide whose they are: decision 366). It is also
  the SIMPEG worker (decision 53): the API invokes it asynchronously with a run id (``lambda:InvokeFunction``
  on that one function), after leaving a large import's rows under ``imports/simpeg/`` (the API may put them
  there, the worker may read them; neither may delete them), and the worker reads the run it resumes. It writes
  one audit entry per employee a run deactivated, reactivated or moved (PutItem, in transactions of 100).
- ``DailyRecap`` (chalicelib.jobs.daily_recap) reads units, members, calendars, leaves, duties and the
  day's events, and writes the daily statuses (and stamps their month changed and the day judged: UpdateItems).
  Its batch also deletes the old unit's row of a day a move handed over to the new unit (decision 127):
  BatchWriteItem's ``DeleteRequest``, on the statuses only, which are recomputed from the events and are not
  evidence.
- ``FaceRetention`` (chalicelib.jobs.forget_departed_faces; decisions 204, 213) finds the employees SIMPEG
  deactivated longer ago than the retention whose faces it has not cleared since (a Scan of the employees, NIPs
  projected), reads each again (a GetItem: one SIMPEG reactivated since keeps their faces), deletes their face
  templates with the counts on the employee, the approved set's change count and
  the change's entry in its log (a PutItem in the face templates table), drops their kept duplicate pairs (same
  table), marks the employee cleared, writes one audit entry per employee whose faces went and logs its run. No
  object: the enrolment photos stay evidence until the bucket's lifecycle lets them go.
- ``ReportWorker`` (chalicelib.jobs.report_event; decision 117): the API invokes it asynchronously with a started
  monthly export. It reads the export's run, the units' names and the month's statuses, writes the month-end
  counters as the report does, puts the file under ``exports/`` (the API signs the link), records the outcome and
  gives the admin's export slot back.

- ``DayOffWatch`` (chalicelib.jobs.day_off_watch): every 5 minutes of the working windows, it asks the holidays
  whether today is the regency's day off, and the Ramadan periods whether today's shorter hours are over, and says
  so in a metric for NoAcceptedCheckinsAlarm. It queries the holidays and schedules tables and nothing else: it
  records no run and does not create the first admin (``runtime.ensure_tables``).

The other jobs and the worker call ``runtime.ensure_ready``, which reads the ``admin`` account and creates it from
the bootstrap secret while that secret exists, so they may get and put admins (nothing else on that table).
There is no ``CreateTable`` or ``DeleteTable`` anywhere (the stack owns the tables), and ``Scan`` only on the
employees table (the API's, which counts a regency's onboarding progress for an admin who sees every unit in one
pass instead of a Query per unit, decision 85, and the face retention's nightly one) and on the admins table (the
API's: the admin users page and the check that the last active super admin stays, over tens of items); everything
else reads by key and index.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pynamodb.models import Model

from chalicelib.store.models import (
    AdminModel,
    AuditModel,
    DailyStatusModel,
    DeviceModel,
    DutyModel,
    EmployeeModel,
    EventModel,
    FaceTemplateModel,
    FingerprintModel,
    HolidayModel,
    IdempotencyModel,
    JobRunModel,
    LeaveModel,
    LoginGuardModel,
    MachinePinModel,
    ScheduleModel,
    SyncRunModel,
    UnitModel,
    ZoneModel,
)

from .bucket import BUCKET_ID, DENIED_TO_FUNCTIONS, EXPORT_PREFIX, PHOTO_PREFIX, REQUEST_PREFIX, SIMPEG_IMPORT_PREFIX
from .cfn import Json, get_att, ref, sub
from .errors import TemplateError
from .tables import table_logical_id

POLICY_SUFFIX = "AccessPolicy"
POLICY_MAX_CHARS = 6_144  # IAM's quota on a managed policy's document, whitespace not counted
# The most characters one reference in these policies resolves to: an ARN's fixed parts (partition, service,
# region, account, resource type) take under 70, and its name at most 100: a table's (tables.MAX_TABLE_NAME), a
# log group's ("/aws/lambda/" and a function name CloudFormation makes, at most 64), the secrets path's (its
# parameter's MaxLength), the bucket's (at most 63).
REFERENCE_MAX_CHARS = 170
_REFERENCE = re.compile(r"\$\{[^}]+\}")
DEAD_LETTER_POLICY_SUFFIX = "DeadLetterPolicy"
API_FUNCTION_ID = "APIHandler"
WORKER_FUNCTION_ID = "SimpegSync"  # the SIMPEG worker the API hands long imports and syncs to
REPORT_WORKER_ID = "ReportWorker"  # the worker the API hands monthly exports to (usecases/exports.py)

DESCRIBE = "dynamodb:DescribeTable"
GET = "dynamodb:GetItem"
BATCH_GET = "dynamodb:BatchGetItem"
QUERY = "dynamodb:Query"
CONDITION_CHECK = "dynamodb:ConditionCheckItem"
PUT = "dynamodb:PutItem"
UPDATE = "dynamodb:UpdateItem"
DELETE = "dynamodb:DeleteItem"
BATCH_WRITE = "dynamodb:BatchWriteItem"  # puts and deletes alike: never on evidence
SCAN = "dynamodb:Scan"  # employees (onboarding counts, the departed) and admins (tens of them, listed whole)

READ = (DESCRIBE, GET, BATCH_GET, QUERY, CONDITION_CHECK)
WRITE = (PUT, UPDATE)
# Deletes that could erase evidence or hide a change; no policy of this module may grant them.
EVIDENCE_TABLE_ACTIONS_FORBIDDEN = (DELETE, BATCH_WRITE)
EVIDENCE_MODELS: tuple[type[Model], ...] = (AuditModel, EventModel)


@dataclass(frozen=True)
class FunctionAccess:
    """What one function may do: DynamoDB actions per model (indexes included), S3 object actions per key
    prefix of the data bucket, whether it may list the bucket, and which functions it may invoke."""

    tables: Mapping[type[Model], tuple[str, ...]]
    objects: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    list_bucket: bool = False
    invokes: tuple[str, ...] = ()
    purpose: str = ""

    def actions_on(self, model: type[Model]) -> tuple[str, ...]:
        return tuple(sorted(set(self.tables.get(model, ()))))

    @property
    def object_actions(self) -> frozenset[str]:
        return frozenset(action for actions in self.objects.values() for action in actions)


def _api_access(models: Iterable[type[Model]]) -> FunctionAccess:
    tables: dict[type[Model], tuple[str, ...]] = {model: (*READ, *WRITE) for model in models}
    # The audit log is append-only for the app: write an entry, read a day's entries.
    tables[AuditModel] = (DESCRIBE, PUT, QUERY)
    deletes: tuple[type[Model], ...] = (
        HolidayModel,
        ZoneModel,
        FaceTemplateModel,
        DeviceModel,
        IdempotencyModel,
        ScheduleModel,  # a Ramadan period saved by mistake (calendar.delete_ramadan)
    )
    batch_writes: tuple[type[Model], ...] = (EmployeeModel, DailyStatusModel)  # SIMPEG import, recaps
    for model in deletes:
        tables[model] = (*tables.get(model, ()), DELETE)
    for model in batch_writes:
        tables[model] = (*tables.get(model, ()), BATCH_WRITE)
    tables[EmployeeModel] = (*tables[EmployeeModel], SCAN)  # store.people `counts_of_all_units`
    tables[AdminModel] = (*tables[AdminModel], SCAN)  # store.people `list_admins`: the users page, the last super admin
    read_write = ("s3:GetObject", "s3:PutObject")
    return FunctionAccess(
        tables=tables,
        objects={
            PHOTO_PREFIX: read_write,
            EXPORT_PREFIX: read_write,
            REQUEST_PREFIX: read_write,  # employees' request attachments
            SIMPEG_IMPORT_PREFIX: ("s3:PutObject",),
        },
        list_bucket=True,  # without it a missing photo answers 403, which the app reports as an outage
        invokes=(WORKER_FUNCTION_ID, REPORT_WORKER_ID),
        purpose="API routes: every table (deletes only where a route deletes), photos and exports without delete",
    )


_BOOTSTRAP: dict[type[Model], tuple[str, ...]] = {AdminModel: (DESCRIBE, GET, PUT)}
# Taking and giving back a turn (usecases/turns.py): a read of its scope's slot, a conditional write of it.
_TURNS = (DESCRIBE, QUERY, UPDATE)

# What a daily recap reads: the units' members, plans and events, and each unit's fingerprint cut-over date; a
# re-run of a past day also the records of its former members, by key (usecases/recaps.py `_former_members`); the
# day of a move also the mover's events by NIP (the events table itself: `_left_behind`); each day's digest, read
# strongly consistent, which its events are read against (store/events.py `events_of_unit_day`'s `current`).
_RECAP_READS: dict[type[Model], tuple[str, ...]] = {
    UnitModel: (DESCRIBE, QUERY),
    EmployeeModel: (DESCRIBE, QUERY, BATCH_GET),
    ScheduleModel: (DESCRIBE, QUERY),
    HolidayModel: (DESCRIBE, QUERY),
    LeaveModel: (DESCRIBE, QUERY),
    DutyModel: (DESCRIBE, QUERY),
    EventModel: (DESCRIBE, QUERY, BATCH_GET),
    MachinePinModel: (DESCRIBE, GET),
}

JOB_ACCESS: dict[str, FunctionAccess] = {
    "SimpegSync": FunctionAccess(
        tables={
            **_BOOTSTRAP,
            # new hires in batches (BATCH_GET: which of them a stale plan took for new, decision 345), the rest updated
            EmployeeModel: (DESCRIBE, BATCH_GET, QUERY, UPDATE, BATCH_WRITE),
            UnitModel: (DESCRIBE, GET, BATCH_GET, QUERY, PUT, UPDATE),
            # GET: the run the worker resumes; QUERY: the run going on that a nightly sync names when it is skipped
            SyncRunModel: (DESCRIBE, GET, PUT, QUERY),
            JobRunModel: (DESCRIBE, PUT),
            # a mover's pending faces follow them to the new unit (usecases/simpeg.py `_FollowingMoves`)
            FaceTemplateModel: (DESCRIBE, QUERY, UPDATE),
            # the turn of the one SIMPEG run going on: the nightly sync takes it, the worker gives the API's back
            LoginGuardModel: _TURNS,
            AuditModel: (DESCRIBE, PUT),  # each employee a run deactivated, reactivated or moved, by NIP
        },
        objects={SIMPEG_IMPORT_PREFIX: ("s3:GetObject",)},  # a long import's rows, left by the API
        purpose="nightly SIMPEG sync and the SIMPEG worker: employees, units, its run log, waiting imports, job runs, "
        "a mover's pending faces, the turn of the one run going on and the audit entries of the employees it changes",
    ),
    "DailyRecap": FunctionAccess(
        tables={
            **_BOOTSTRAP,
            **_RECAP_READS,
            DailyStatusModel: (DESCRIBE, QUERY, BATCH_WRITE, UPDATE),  # UPDATE: the stamps of a month, of a day
            JobRunModel: (DESCRIBE, QUERY, PUT),  # QUERY: the recap runs of the last days (days to make up)
            LoginGuardModel: _TURNS,  # the turn of each unit's day it judges (usecases/recaps.py `unit_day_turn`)
        },
        purpose="daily recap: reads the day's plans and events and its recent runs, writes the daily statuses and "
        "its job runs, holding each unit's day's turn",
    ),
    "FaceRetention": FunctionAccess(
        tables={
            **_BOOTSTRAP,
            # the departed; each read again before its deletions (reactivated since?); template counts, cleared mark
            EmployeeModel: (DESCRIBE, SCAN, GET, UPDATE),
            # a template read, deleted with the approved set's change count (GetItem, UpdateItem) and the change's
            # log entry (PutItem, store.faces FaceChangeModel); its pairs (same table)
            FaceTemplateModel: (DESCRIBE, QUERY, GET, DELETE, UPDATE, PUT),
            AuditModel: (DESCRIBE, PUT),  # one entry per employee whose faces went
            JobRunModel: (DESCRIBE, PUT),
            # each template's enrolment photo keeps its hashes, not its vectors (store.events `forget_vectors`)
            FingerprintModel: (DESCRIBE, GET, UPDATE),
        },
        purpose="face retention: deletes the face templates of employees who left longer ago than the retention, "
        "and their enrolment photos' vectors; audits it and records its runs",
    ),
    "DayOffWatch": FunctionAccess(
        # a year's holidays (store.calendar `holidays_of_year`, `regency_calendar`); the Ramadan periods (schedules)
        tables={HolidayModel: (QUERY,), ScheduleModel: (QUERY,)},
        purpose="day-off watch: reads the regency's holidays and Ramadan periods, to tell the no-check-in alarm "
        "about a day off or a Ramadan afternoon",
    ),
    REPORT_WORKER_ID: FunctionAccess(
        tables={
            **_BOOTSTRAP,
            **_RECAP_READS,  # recapped days an import reaches, judged again (usecases/rejudge.py)
            JobRunModel: (DESCRIBE, GET, PUT),  # GET: the export or re-judge run it works on; PUT: its outcome
            UnitModel: (DESCRIBE, GET, QUERY),  # the units' names; the recap's units
            # statuses read and re-judged; month-end counters; UPDATE: the months' stamps, the days' judged-at
            DailyStatusModel: (DESCRIBE, QUERY, BATCH_WRITE, UPDATE),
            # gives the admin's export slot back; the turn of each unit's day it judges again (`unit_day_turn`)
            LoginGuardModel: _TURNS,
        },
        objects={EXPORT_PREFIX: ("s3:PutObject",)},  # the built file; the API signs the link to it
        purpose="report worker: builds monthly exports from the daily statuses into exports/, and judges "
        "recapped days again after a fingerprint import; records its runs",
    ),
}


def function_access(function_id: str, models: Iterable[type[Model]]) -> FunctionAccess:
    """The grants of one function of the template; an unknown function stops the build."""
    if function_id == API_FUNCTION_ID:
        return _api_access(models)
    if function_id in JOB_ACCESS:
        return JOB_ACCESS[function_id]
    raise TemplateError(
        f"{function_id} has no least-privilege grants in infra/access.py: add what its code touches",
        {"function": function_id},
    )


def _refuse_evidence_deletes(function_id: str, access: FunctionAccess) -> None:
    """A grant that could erase evidence stops the build, whoever edits the tables above; on the bucket, that is
    whatever its policy denies the function roles (bucket.py), so the two lists cannot drift apart."""
    for model in EVIDENCE_MODELS:
        granted = set(access.actions_on(model)) & set(EVIDENCE_TABLE_ACTIONS_FORBIDDEN)
        if granted:
            raise TemplateError(f"{function_id} would be granted {sorted(granted)} on {model.__name__} (evidence)")
    granted = set(access.object_actions) & set(DENIED_TO_FUNCTIONS)
    if granted:
        raise TemplateError(f"{function_id} would be granted {sorted(granted)} on the evidence bucket")


def _statement(sid: str, actions: Iterable[str], resources: list[object]) -> Json:
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(set(actions)), "Resource": resources}


def _table_statements(access: FunctionAccess, models: Iterable[type[Model]]) -> list[Json]:
    """One statement per distinct action set, naming the tables (and their indexes) that get it."""
    by_actions: dict[tuple[str, ...], list[str]] = {}
    for model in models:
        actions = access.actions_on(model)
        if actions:
            by_actions.setdefault(actions, []).append(table_logical_id(model))
    statements = []
    for number, (actions, table_ids) in enumerate(sorted(by_actions.items()), start=1):
        resources: list[object] = []
        for table_id in sorted(table_ids):
            resources += [get_att(table_id, "Arn"), sub(f"${{{table_id}.Arn}}/index/*")]
        statements.append(_statement(f"Tables{number}", actions, resources))
    return statements


def _object_statements(access: FunctionAccess) -> list[Json]:
    """One statement per distinct action set, naming the key prefixes that get it."""
    by_actions: dict[tuple[str, ...], list[str]] = {}
    for prefix, actions in access.objects.items():
        by_actions.setdefault(tuple(sorted(set(actions))), []).append(prefix)
    return [
        _statement(
            f"DataObjects{number}", actions, [sub(f"${{{BUCKET_ID}.Arn}}/{prefix}*") for prefix in sorted(prefixes)]
        )
        for number, (actions, prefixes) in enumerate(sorted(by_actions.items()), start=1)
    ]


def function_policies(
    function_id: str,
    role_id: str,
    models: Iterable[type[Model]],
    log_group_id: str,
) -> dict[str, Json]:
    """The AWS::IAM::ManagedPolicy resources attached to the function's own role, granting only what it uses:
    `<FunctionId>AccessPolicy`, then `...AccessPolicy2` and on while its statements outgrow one policy's size."""
    models = tuple(models)
    access = function_access(function_id, models)
    known = set(models)
    unknown = [m.__name__ for m in access.tables if m not in known]
    if unknown:
        raise TemplateError(f"{function_id} is granted tables the template does not have: {sorted(unknown)}")
    _refuse_evidence_deletes(function_id, access)
    statements = _table_statements(access, models)
    statements += _object_statements(access)
    if access.list_bucket:
        statements.append(_statement("ListDataBucket", ["s3:ListBucket"], [get_att(BUCKET_ID, "Arn")]))
    if access.invokes:
        functions: list[object] = [get_att(function_id, "Arn") for function_id in access.invokes]
        statements.append(_statement("InvokeWorker", ["lambda:InvokeFunction"], functions))
    statements.append(
        _statement("OwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [get_att(log_group_id, "Arn")])
    )
    # chalicelib/settings.py reads the secrets with one non-recursive GetParametersByPath on the path.
    parameters = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${SecretsPath}"
    statements.append(_statement("ReadSecretsPath", ["ssm:GetParametersByPath"], [sub(parameters)]))
    return {
        f"{function_id}{POLICY_SUFFIX}{number if number > 1 else ''}": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "Description": f"SMART {function_id}: {access.purpose}",
                "Roles": [ref(role_id)],
                "PolicyDocument": _document(part),
            },
        }
        for number, part in enumerate(_packed(statements), start=1)
    }


def _document(statements: list[Json]) -> Json:
    return {"Version": "2012-10-17", "Statement": statements}


def _packed(statements: list[Json]) -> list[list[Json]]:
    """The statements in few policies that each fit IAM's size quota once resolved (`resolved_chars`): each goes
    into the first with room (first fit); a statement too big alone is split by its resources."""
    parts: list[list[Json]] = []
    for statement in (piece for whole in statements for piece in _fitting(whole)):
        room = (p for p in parts if resolved_chars(_document([*p, statement])) <= POLICY_MAX_CHARS)
        part = next(room, None)
        if part is None:
            parts.append(part := [])
        part.append(statement)
    return parts


def _fitting(statement: Json) -> list[Json]:
    """`statement`, or its resources split in halves (Sids `...Part1`, `...Part2`) until each fits a policy."""
    resources = statement["Resource"]
    if resolved_chars(_document([statement])) <= POLICY_MAX_CHARS or len(resources) < 2:
        return [statement]
    half = len(resources) // 2
    return [
        piece
        for number, some in enumerate((resources[:half], resources[half:]), start=1)
        for piece in _fitting({**statement, "Sid": f"{statement['Sid']}Part{number}", "Resource": some})
    ]


def resolved_chars(value: object) -> int:
    """The most characters `value` (a policy document) counts against IAM's quota once CloudFormation resolves
    it: JSON without whitespace, each reference (`Fn::GetAtt`, `Ref`, a `${...}` of `Fn::Sub`) taken at
    REFERENCE_MAX_CHARS."""
    if isinstance(value, dict) and ("Fn::GetAtt" in value or "Ref" in value):
        return REFERENCE_MAX_CHARS + 2  # a string, quoted
    if isinstance(value, dict) and "Fn::Sub" in value:
        text = str(value["Fn::Sub"])
        return len(_REFERENCE.sub("", text)) + REFERENCE_MAX_CHARS * len(_REFERENCE.findall(text)) + 2
    if isinstance(value, dict):
        entries = [len(json.dumps(key)) + 1 + resolved_chars(item) for key, item in value.items()]
        return 2 + sum(entries) + max(len(entries) - 1, 0)
    if isinstance(value, list):
        return 2 + sum(resolved_chars(item) for item in value) + max(len(value) - 1, 0)
    return len(json.dumps(value))


def access_policies(
    function_roles: Mapping[str, str],
    models: Iterable[type[Model]],
    log_group_ids: Mapping[str, str],
    dead_letter_queue_ids: Mapping[str, str],
) -> dict[str, Json]:
    """`<FunctionId>AccessPolicy` for every function (function id → its role id), and
    `<FunctionId>DeadLetterPolicy` for each one with a dead-letter queue."""
    models = tuple(models)
    roles = list(function_roles.values())
    shared = sorted({r for r in roles if roles.count(r) > 1})
    if shared:
        raise TemplateError(f"functions share the roles {shared}: each needs its own for least privilege")
    policies: dict[str, Json] = {}
    for function_id, role_id in sorted(function_roles.items()):
        policies |= function_policies(function_id, role_id, models, log_group_ids[function_id])
    for function_id, queue_id in sorted(dead_letter_queue_ids.items()):
        policies[f"{function_id}{DEAD_LETTER_POLICY_SUFFIX}"] = dead_letter_policy(
            function_id, function_roles[function_id], queue_id
        )
    return policies


def dead_letter_policy(function_id: str, role_id: str, queue_id: str) -> Json:
    """Sending to its own dead-letter queue, apart from the rest: Lambda checks this permission when it
    creates the function, so the function waits for this policy (it cannot wait for the access policy, which
    names the function's log group, which names the function)."""
    return {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "Description": f"SMART {function_id}: send failed runs to its dead-letter queue",
            "Roles": [ref(role_id)],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [_statement("OwnDeadLetterQueue", ["sqs:SendMessage"], [get_att(queue_id, "Arn")])],
            },
        },
    }
