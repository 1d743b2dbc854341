"""The DynamoDB SIMPEG repositories pass the same contract as the in-memory reference."""

from __future__ import annotations

import pytest

from chalicelib.domain.people import Employee, PhoneBinding
from chalicelib.simpeg.models import Change
from chalicelib.store.models import NO_FIELD_DUTY, NO_OWN_PLAN, EmployeeModel
from chalicelib.store.people import DynamoPeopleRepository
from chalicelib.store.simpeg_repo import DynamoEmployeeRepository, DynamoRunLog
from tests.unit.simpeg.contract import EmployeeRepositoryContract, RunLogContract, stored

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
