"""Every DynamoDB and S3 call a scheduled job or worker makes is one its function's role is granted
(infra/access.py `JOB_ACCESS`).

moto does not check IAM, so a call outside the grants passes every other test and fails only in AWS, with
AccessDenied: the nightly SIMPEG sync failed so whenever SIMPEG showed a transfer (decision 178 moves the mover's
pending requests and faces, in tables its role had no grant on), and every other change of that night was lost.
Here each function's Lambda handler runs on in-process moto, with the data that makes its paths write (a transfer
with pending requests and faces, a departed employee's faces, recapped days to judge again, ...), while a hook on
botocore records every call; each call's IAM action on its table (an index call is its table's: the policies grant
a table with its indexes) or on its object key's prefix must be among the function's grants.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import botocore.client
import pytest
from moto import mock_aws

from chalicelib import jobs, runtime
from chalicelib.domain.attendance import Event
from chalicelib.domain.calendar import DateRange
from chalicelib.domain.people import Principal
from chalicelib.face.index import Pair
from chalicelib.settings import Settings, load_settings
from chalicelib.store.aws import reset_clients
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.store.faces import NewTemplate
from chalicelib.store.job_runs import JobRun
from chalicelib.store.models import ALL_MODELS, EmployeeModel
from chalicelib.store.schema import create_all
from chalicelib.usecases import exports, recaps, rejudge, simpeg, turns
from chalicelib.usecases.schemas.reports import MonthlyExportRequest
from chalicelib.usecases.schemas.simpeg import ImportQuery
from infra.access import API_FUNCTION_ID, JOB_ACCESS, FunctionAccess
from tests.unit.store.faces_contract import QUALITY, fingerprint, vectors
from tests.unit.store.requests_contract import request
from tools import moto_scaling
from tools.devstack import ROUND_THE_CLOCK_RULES
from tools.simpeg_sim import Regency, SimServer, start_in_thread, stop

from .conftest import FIXTURES

PREFIX, BUCKET = "t-", "t-bucket"
SUPER_ADMIN = Principal("admin", "super_admin")
# What EventBridge Scheduler sends a function's own schedule.
SCHEDULED = {
    "version": "0",
    "id": "e0",
    "detail-type": "Scheduled Event",
    "source": "aws.scheduler",
    "account": "111122223333",
    "time": "2026-12-03T18:00:00Z",
    "region": "ap-southeast-3",
    "resources": ["arn:aws:scheduler:ap-southeast-3:111122223333:schedule/default/smart-prod-SimpegSync"],
    "detail": {},
}
TABLES = {model.base_name: model for model in ALL_MODELS}
# A transaction's items and the IAM action each needs on its table.
TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}
# S3 operations and the IAM action they need (on the object, or on the bucket for a listing).
OBJECT_ACTIONS = {"GetObject": "s3:GetObject", "HeadObject": "s3:GetObject", "PutObject": "s3:PutObject"}
LIST_OPERATIONS = ("ListObjects", "ListObjectsV2")
RUN_HERE = ("SimpegSync", "DailyRecap", "FaceRetention", "ReportWorker", "DayOffWatch")  # the stories below


@dataclass(frozen=True)
class Call:
    """One AWS call as IAM authorises it: the action and what it is on (a table, `table/index/name`, an object
    key, the bucket, or the operation of a service the policies do not expect)."""

    action: str
    resource: str


def as_authorised(service: str, operation: str, params: dict[str, Any]) -> list[Call]:
    """What IAM checks for one API call: a transaction or batch per table and item kind."""
    if service == "dynamodb":
        if operation in ("TransactWriteItems", "TransactGetItems"):
            items = [next(iter(item.items())) for item in params["TransactItems"]]
            return [
                Call(f"dynamodb:{TRANSACT_ACTIONS.get(kind, 'GetItem')}", body["TableName"]) for kind, body in items
            ]
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [Call(f"dynamodb:{operation}", table) for table in params["RequestItems"]]
        index = f"/index/{params['IndexName']}" if params.get("IndexName") else ""
        return [Call(f"dynamodb:{operation}", f"{params.get('TableName', '?')}{index}")]
    if service == "s3" and operation in LIST_OPERATIONS:
        return [Call("s3:ListBucket", params["Bucket"])]
    if service == "s3":
        return [Call(OBJECT_ACTIONS.get(operation, f"s3:{operation}"), f"{params['Bucket']}/{params.get('Key', '')}")]
    return [Call(f"{service}:{operation}", "")]


def granted(access: FunctionAccess, call: Call) -> bool:
    """Whether the function's policy allows the call (infra/access.py `function_policy`)."""
    service = call.action.split(":", 1)[0]
    if service == "dynamodb":
        table = call.resource.split("/", 1)[0].removeprefix(PREFIX)
        return table in TABLES and call.action in access.actions_on(TABLES[table])
    if call.action == "s3:ListBucket":
        return access.list_bucket and call.resource == BUCKET
    if service == "s3":
        bucket, _, key = call.resource.partition("/")
        allowed = (actions for prefix, actions in access.objects.items() if key.startswith(prefix))
        return bucket == BUCKET and any(call.action in actions for actions in allowed)
    return call.action == "ssm:GetParametersByPath"  # the secrets path, granted to every function


class Recorder:
    """Every AWS call made while `recording`, as IAM authorises it."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.on = False

    def hook(self, monkeypatch: pytest.MonkeyPatch) -> None:
        clients: Any = botocore.client.BaseClient  # every client, pynamodb's and boto3's, sends through it
        send = clients._make_api_call

        def recorded(client: Any, operation: str, params: dict[str, Any]) -> Any:
            if self.on:
                self.calls += as_authorised(client.meta.service_model.service_name, operation, params)
            return send(client, operation, params)

        monkeypatch.setattr(clients, "_make_api_call", recorded)

    def run(self, function_id: str, handler: Callable[[], Any]) -> Any:
        """Run one function's handler as a cold Lambda runs it (the first admin read, nothing cached), recording
        its calls; fail on any its grants do not allow."""
        runtime.forget()
        self.calls, self.on = [], True
        try:
            result = handler()
        finally:
            self.on = False
        refused = sorted({call for call in self.calls if not granted(JOB_ACCESS[function_id], call)}, key=str)
        assert refused == [], f"{function_id} makes calls its role is not granted (infra/access.py): {refused}"
        assert self.calls, "nothing recorded: the hook missed the calls"
        return result


@dataclass
class World:
    """A stage on moto with SIMPEG's 40 employees synced (six of them in one unit, `home`, the others one a unit),
    followed for two months, and the local SIMPEG simulator to change them."""

    sim: SimServer
    recorder: Recorder
    home: str

    @property
    def settings(self) -> Settings:
        return load_settings()

    @property
    def simpeg(self) -> Regency:
        return self.sim.state.regency

    def members(self) -> list[str]:
        return sorted(m.nip for m in runtime.people().members_of_unit(self.home))

    def elsewhere(self) -> str:
        """A unit other than `home`."""
        return next(unit for unit in runtime.people().list_unit_ids() if unit != self.home)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    for name, value in {
        "SMART_STAGE": "local",
        "SMART_TABLE_PREFIX": PREFIX,
        "SMART_BUCKET": BUCKET,
        "SMART_RULES": ROUND_THE_CLOCK_RULES,
        "SMART_SIMPEG_API_KEY": "local-simpeg-key",
    }.items():
        monkeypatch.setenv(name, value)
    sim, url = start_in_thread(port=0, size=40, seed=7)
    listing = sim.state.regency.listing()
    home = sim.state.regency.employees[listing[0]]["unorId"]
    sim.state.regency.transfer(listing[1:6], home)
    monkeypatch.setenv("SMART_SIMPEG_URL", url)
    recorder = Recorder()
    recorder.hook(monkeypatch)
    try:
        with moto_scaling.patched(), mock_aws():
            load_settings.cache_clear()
            reset_clients()
            runtime.forget()
            create_all(load_settings())
            runtime.ensure_ready(load_settings())
            assert simpeg.nightly_sync(load_settings()).status == "succeeded"
            followed_long = iso(datetime.now(UTC) - timedelta(days=60))  # judged on every day of the tests
            for employee in EmployeeModel.scan():
                employee.update(actions=[EmployeeModel.followed_since.set(followed_long)])
            yield World(sim, recorder, home)
    finally:
        stop(sim)
        load_settings.cache_clear()
        reset_clients()
        runtime.forget()


def deployed_handlers() -> dict[str, str]:
    """The handler of each function of the template (`SimpegSync`: `simpeg_sync`, app.py's function)."""
    functions = json.loads((FIXTURES / "chalice_sam_prod.json").read_text(encoding="utf-8"))["Resources"]
    return {
        function_id: function["Properties"]["Handler"].removeprefix("app.")
        for function_id, function in functions.items()
        if function["Type"] == "AWS::Serverless::Function" and function_id != API_FUNCTION_ID
    }


def run(world: World, function_id: str, event: dict[str, Any]) -> Any:
    """Run the function's handler as Lambda calls it, with `event`, checking its calls against its grants."""
    import app

    handler = getattr(app, deployed_handlers()[function_id])
    return world.recorder.run(function_id, lambda: handler(event, None))


def pending_request_and_faces(nip: str, unor_id: str) -> None:
    """The employee asked for a leave and sent a selfie for enrolment, both waiting for their unit's admin."""
    runtime.requests().add(request(f"r-{nip[-4:]}", nip=nip, unor_id=unor_id))
    for n in (1, 2):
        new = NewTemplate(f"t-{n}", vectors(n), fingerprint(n), f"k/t-{n}", nip, status="pending", unor_id=unor_id)
        runtime.faces().save_template(nip, new)


def checked_in(nip: str, unor_id: str, day: date, settings: Settings) -> None:
    """A check-in at 07:20 and a check-out at 16:05 local time, accepted."""
    for kind, hour, minute in (("in", 7, 20), ("out", 16, 5)):
        at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=settings.tz).astimezone(UTC)
        event = Event(
            new_event_id(nip, at), nip, kind, "accepted", iso(at), iso(at), day.isoformat(), unor_id, warnings=()
        )
        write = CheckinWrite(
            event, f"{nip}#{kind}-{day}", "body", StoredAnswer(201, {}), at, first_arrival=kind == "in"
        )
        runtime.events().write_checkin(write)


def test_every_job_function_is_run_here() -> None:
    # GIVEN the functions the template deploys besides the API, THEN each has its grants in JOB_ACCESS and its
    # story below (a new job or worker needs both)
    assert set(deployed_handlers()) == set(JOB_ACCESS) == set(RUN_HERE)


def test_the_nightly_sync_of_a_transfer_stays_within_the_simpeg_sync_grants(world: World) -> None:
    # GIVEN an employee with a leave request and two selfies waiting for their unit's admin
    nip, new = world.members()[0], world.elsewhere()
    pending_request_and_faces(nip, world.home)
    # AND SIMPEG shows them transferred, two new hires and a colleague retired
    world.simpeg.transfer([nip], new)
    world.simpeg.hire(2, None)
    world.simpeg.retire([world.members()[1]], "status")
    # WHEN the SimpegSync function runs its nightly schedule
    result = run(world, "SimpegSync", SCHEDULED)
    # THEN every call was one its role is granted, and the waiting selfies followed the employee; the request stays
    # where it was filed (its days decide whose it is: decision 366)
    assert (result["status"], result["counts"]["moved"]) == ("succeeded", 1), result
    assert [r.unor_id for r in runtime.requests().of_employee_in(nip, "pending")] == [world.home]
    assert {t.unor_id for t in runtime.faces().template_rows(nip)} == {new}


def test_the_nightly_sync_skipped_for_an_admin_s_run_going_on_stays_within_the_simpeg_sync_grants(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an admin's SIMPEG run holding the one turn at 01:00 (an inline import, or a run cut off before)
    monkeypatch.setattr(simpeg, "TURN_WAIT_S", 0.0)
    assert turns.take(simpeg.RUN_TURN, simpeg.WORKER_DEADLINE_S).granted
    # WHEN the SimpegSync function runs its nightly schedule
    result = run(world, "SimpegSync", SCHEDULED)
    # THEN it is skipped, naming the run it found by reading the runs (a call its role was not granted: the
    # lookup failed as a DynamoDB outage, the night recorded failed and its alarm fired)
    assert result["status"] == "skipped", result


def test_the_simpeg_worker_s_sync_and_import_stay_within_the_simpeg_sync_grants(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a deployed worker: the API leaves an import's rows in the bucket and sends the worker an event
    monkeypatch.setenv("SMART_SIMPEG_WORKER_FUNCTION", "smart-local-SimpegSync")
    monkeypatch.setenv("SMART_SIMPEG_WAIT_S", "0")
    monkeypatch.setenv("SMART_SIMPEG_INLINE_CHANGES", "0")
    load_settings.cache_clear()
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(
        runtime, "start_worker", lambda s, run_id, _, turn: sent.append(runtime.worker_event(run_id, s.region, turn))
    )
    nip, new = world.members()[0], world.elsewhere()
    pending_request_and_faces(nip, world.home)
    # AND an admin's sync of a transfer, handed over
    world.simpeg.transfer([nip], new)
    simpeg.sync_now(world.settings, SUPER_ADMIN)
    # WHEN the SimpegSync function receives it
    synced = run(world, "SimpegSync", sent[0])
    # AND an admin's import moving the employee back, handed over, THEN received
    row = {
        "nip": nip,
        "nama": "Asep",
        "unor_id": world.home,
        "unor_nama": "SDN 1",
        "jabatan": "Guru",
        "status": "aktif",
    }
    body = json.dumps({"employees": [row]}).encode()
    simpeg.import_records(world.settings, SUPER_ADMIN, body, "application/json", ImportQuery())
    imported = run(world, "SimpegSync", sent[1])
    # THEN every call was granted, and the waiting selfies moved with each move
    assert (synced["status"], imported["status"]) == ("succeeded", "succeeded"), (synced, imported)
    assert {t.unor_id for t in runtime.faces().template_rows(nip)} == {world.home}


def test_the_daily_recaps_stay_within_the_daily_recap_grants(world: World) -> None:
    # GIVEN the unit's check-ins over the last five days, today's recap and one two days ago already stored
    settings = world.settings
    today = datetime.now(UTC).astimezone(settings.tz).date()
    for days_ago in range(5):
        for member in world.members()[:3]:
            checked_in(member, world.home, today - timedelta(days=days_ago), settings)
    for day in (today - timedelta(days=2), today):
        recaps.run_daily_recap(day, settings)
    # AND a member transferred since, and the last recap run four days ago
    world.simpeg.transfer([world.members()[0]], world.elsewhere())
    assert simpeg.nightly_sync(settings).status == "succeeded"
    last = datetime.now(UTC) - timedelta(days=4)
    runtime.job_runs().save_run(JobRun("r0", "daily_recap", "schedule", "succeeded", last, last, {}))
    # WHEN the DailyRecap function runs its 23:30 schedule, then its 10:30 one
    nightly = run(world, "DailyRecap", SCHEDULED)
    morning = run(world, "DailyRecap", runtime.scheduled_job_event("day_before_recap"))
    # THEN every call was granted, and the days were judged and written
    assert nightly["made_up"] and nightly["day_before"]["written"] > 0 and nightly["written"] > 0, nightly
    assert morning["employees"] > 0, morning


def test_the_face_retention_stays_within_the_face_retention_grants(world: World) -> None:
    # GIVEN an employee with an approved face, a pending one and a suspected duplicate pair with a colleague's face
    nip, colleague = world.members()[:2]
    faces = runtime.faces()
    faces.save_template(nip, NewTemplate("t-1", vectors(1), fingerprint(1), "k/t-1", "admin", QUALITY))
    pending = NewTemplate("t-2", vectors(2), fingerprint(2), "k/t-2", nip, status="pending", unor_id=world.home)
    faces.save_template(nip, pending)
    faces.save_template(colleague, NewTemplate("t-3", vectors(3), fingerprint(3), "k/t-3", "admin", QUALITY))
    faces.save_pairs("strict", [Pair((nip, colleague), ("t-1", "t-3"), 0.9)])
    # AND SIMPEG deactivated them 200 days ago
    world.simpeg.retire([nip], "status")
    assert simpeg.nightly_sync(world.settings).status == "succeeded"
    long_ago = iso(datetime.now(UTC) - timedelta(days=200))
    EmployeeModel(nip).update(actions=[EmployeeModel.deactivated_at.set(long_ago)])
    # WHEN the FaceRetention function runs its nightly schedule
    result = run(world, "FaceRetention", SCHEDULED)
    # THEN every call was granted, and the faces and the pair are gone
    assert (result["employees"], result["templates"]) == (1, 2), result
    assert faces.template_rows(nip) == [] and faces.pairs("strict") == []


def test_the_day_off_watch_stays_within_its_grants(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN Christmas, a Friday, in the regency's calendar, and the watch's 07:05 run that morning
    runtime.calendar().put_holiday(date(2026, 12, 25), "Hari Raya Natal", "national")
    monkeypatch.setattr(jobs, "utc_now", lambda: datetime(2026, 12, 25, 0, 5, tzinfo=UTC))
    # WHEN the DayOffWatch function runs its schedule
    result = run(world, "DayOffWatch", SCHEDULED)
    # THEN every call was granted (a read of the holidays, nothing else: not even the first admin's), and the day
    # is off
    assert (result["date"], result["day_off"]) == ("2026-12-25", "national"), result
    assert {call.action for call in world.recorder.calls} == {"dynamodb:Query"}


def test_the_day_off_watch_on_a_ramadan_afternoon_stays_within_its_grants(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a Ramadan period in the regency's calendar, and the watch's 16:05 run on one of its Mondays
    runtime.calendar().put_ramadan(DateRange(date(2027, 2, 8), date(2027, 3, 9)), "admin")
    monkeypatch.setattr(jobs, "utc_now", lambda: datetime(2027, 2, 15, 9, 5, tzinfo=UTC))
    # WHEN the DayOffWatch function runs its schedule
    result = run(world, "DayOffWatch", SCHEDULED)
    # THEN every call was granted (reads of the calendar only), and the Ramadan day's hours are over
    assert (result["date"], result["day_off"]) == ("2027-02-15", "ramadan_after_hours"), result
    assert {call.action for call in world.recorder.calls} == {"dynamodb:Query"}


def test_the_report_worker_s_exports_and_rejudging_stay_within_its_grants(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a deployed report worker: the API records the work and sends the worker an event
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(runtime, "start_export", lambda s, ref, _: sent.append(runtime.export_event(ref, s.region)))
    monkeypatch.setattr(runtime, "start_rejudge", lambda s, ref, _: sent.append(runtime.rejudge_event(ref, s.region)))
    settings, now = world.settings, datetime.now(UTC)
    # AND yesterday's check-ins, recapped; then a member's punches imported, and another member transferred
    yesterday = now.astimezone(settings.tz).date() - timedelta(days=1)
    members, new = world.members(), world.elsewhere()
    for member in members[:3]:
        checked_in(member, world.home, yesterday, settings)
    recaps.run_daily_recap(yesterday, settings)
    checked_in(members[3], world.home, yesterday, settings)
    world.simpeg.transfer([members[0]], new)
    assert simpeg.nightly_sync(settings).status == "succeeded"
    # AND a monthly export, punches imported into recapped days (more than a request judges), and an admin's
    # recap of every unit that the request had no time for
    exports.start(SUPER_ADMIN, MonthlyExportRequest(month=f"{yesterday:%Y-%m}"), settings, now)
    monkeypatch.setattr(rejudge, "SYNC_UNIT_DAYS", 0)
    assert rejudge.unit_days([(world.home, yesterday), (new, yesterday)], settings, now)[1] == 2
    rejudge.recap_later(yesterday, runtime.people().list_unit_ids(), None, settings, now)
    # WHEN the ReportWorker function receives each hand-over
    results = [run(world, "ReportWorker", event) for event in sent]
    # THEN every call was granted, and each piece of work succeeded: the file built, the imported punches counted
    assert [r["status"] for r in results] == ["succeeded"] * 3, results
    assert results[0]["employees"] > 0 and results[1]["dates"] == [yesterday.isoformat()], results
    assert runtime.statuses().employee_status(members[3], yesterday)[1].status.check_in  # type: ignore[index]
