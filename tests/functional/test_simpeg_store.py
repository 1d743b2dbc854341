"""The DynamoDB SIMPEG repositories pass the same contract as the in-memory reference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest

from chalicelib.domain.people import Employee, PhoneBinding
from chalicelib.settings import load_settings
from chalicelib.simpeg.models import Change
from chalicelib.store.job_runs import RUN_TTL
from chalicelib.store.models import NO_FIELD_DUTY, NO_OWN_PLAN, EmployeeModel, SyncRunModel
from chalicelib.store.people import DynamoPeopleRepository
from chalicelib.store.simpeg_repo import DynamoEmployeeRepository, DynamoRunLog
from tests.unit.simpeg.contract import T0, EmployeeRepositoryContract, RunLogContract, run, stored

PEOPLE = DynamoPeopleRepository()
NIP = "198501012010011001"


class TestDynamoEmployeeRepository(EmployeeRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> DynamoEmployeeRepository:
        return DynamoEmployeeRepository()


class TestDynamoRunLog(RunLogContract):
    @pytest.fixture()
    def runs(self, aws: None) -> DynamoRunLog:
        return DynamoRunLog()


def test_a_sync_run_expires_as_the_job_runs_do(aws: None) -> None:
    # GIVEN the sync runs' table as the schema creates it (CloudFormation's follows the same model)
    settings = load_settings()
    client = boto3.client("dynamodb", region_name=settings.region)
    ttl = client.describe_time_to_live(TableName=f"{settings.table_prefix}sync_runs")["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires")
    # WHEN a run with row errors naming NIPs is saved, then saved again when it ends
    log = DynamoRunLog()
    log.save_run(run("r1", T0, "running"))
    log.save_run(run("r1", T0, "succeeded"))
    # THEN its record goes as a job run's, counted from its start (90 days), not kept for good
    started = datetime(2026, 1, 5, 1, tzinfo=UTC)
    assert SyncRunModel.get("r1").expires == started + timedelta(days=90) == started + RUN_TTL


def test_employees_created_from_simpeg_are_marked_as_never_on_field_duty_nor_with_an_own_plan(aws: None) -> None:
    # GIVEN a new employee from SIMPEG, and one already known whose record predates the hints
    repo = DynamoEmployeeRepository()
    repo.apply([Change("created", stored("198501012010011001"))])
    PEOPLE.put_employee(Employee(nip="198501012010011002", nama="Lama", unor_id="u-1"))
    # WHEN SIMPEG later changes the new one
    repo.apply([Change("moved", stored(unor_id="u-2", unor_nama="SDN 2"), stored().to_record())])
    # THEN the new one says "no field duty, nothing of their own planned" (a check-in skips reading duties, own
    # schedules, rosters and leaves), the older one says nothing
    new, old = PEOPLE.get_employee("198501012010011001"), PEOPLE.get_employee("198501012010011002")
    assert new is not None and (new.duty_until, new.plan_until) == (NO_FIELD_DUTY, NO_OWN_PLAN)
    assert old is not None and (old.duty_until, old.plan_until) == (None, None)


def test_a_sync_bumps_the_frame_version_of_the_units_it_changes(aws: None) -> None:
    # GIVEN an employee created by SIMPEG in u-1, and an untouched unit u-3
    repo = DynamoEmployeeRepository()
    repo.apply([Change("created", stored("198501012010011001"))])
    PEOPLE.upsert_unit("u-3", "SDN 3")
    before = PEOPLE.frame_stamps(["u-1", "u-2", "u-3"])
    # WHEN SIMPEG moves them to u-2
    repo.apply([Change("moved", stored(unor_id="u-2", unor_nama="SDN 2"), stored().to_record())])
    # THEN both units' frames (the regency summary's members) are versioned anew, u-3's is not
    after = PEOPLE.frame_stamps(["u-1", "u-2", "u-3"])
    assert after["u-1"] > before["u-1"] and after["u-2"] > before.get("u-2", 0) and after["u-3"] == before["u-3"]


def test_an_activated_employee_a_stale_plan_takes_for_new_keeps_their_account_and_is_moved(aws: None) -> None:
    # GIVEN an employee created by SIMPEG in u-1 who activated (password, bound phone) and has an approved face
    repo = DynamoEmployeeRepository()
    repo.apply([Change("created", stored())])
    PEOPLE.bind_device(NIP, PhoneBinding("phone-1", password_hash="scrypt$hash"))
    EmployeeModel(NIP).update(actions=[EmployeeModel.template_count.set(1)])
    # WHEN a run whose plan read the employees unit by unit while another run moved them from u-1 to u-2 (neither
    # unit listed them) applies them as new, in u-2
    repo.apply([Change("created", stored(unor_id="u-2", unor_nama="SDN 2", changed_at="2026-02-03T01:00:00.000Z"))])
    # THEN only what SIMPEG owns changed: the account, its phone and its face are kept, and the move is recorded
    employee, account = PEOPLE.get_employee(NIP), PEOPLE.employee_account(NIP)
    assert employee is not None and account is not None
    assert (employee.device_id, employee.template_count, account.credentials.password_hash) == (
        "phone-1", 1, "scrypt$hash"
    )  # fmt: skip
    assert employee.unor_id == "u-2" and employee.unit_since is not None
    assert NIP in {e.nip for e in PEOPLE.iter_employees_of_unit("u-2")}
