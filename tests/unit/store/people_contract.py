"""The behaviour every implementation of `chalicelib.store.people.PeopleRepository` must have.

Subclass `PeopleRepositoryContract` as `Test...` and provide a `repo` fixture returning a fresh, empty
repository: the in-memory twin in tests/unit/store, the DynamoDB one (moto in-process) in
tests/functional/test_people_store.py. Nothing here depends on how the repository is built.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from unittest.mock import ANY

import pytest

from chalicelib.domain.people import (
    AccountKind,
    AdminChange,
    AdminUser,
    AttemptClaim,
    Credentials,
    DeviceReset,
    Employee,
    Member,
    PhoneBinding,
    Sessions,
    Unit,
    UnitCounts,
    ended_marker,
    kept_marker,
)
from chalicelib.store.audit import AuditBatch, AuditRepository
from chalicelib.store.base import ConditionFailed, parse_iso, utc_now
from chalicelib.store.people import PeopleRepository

from .audit_contract import START as AUDIT_START

NIP = "198501012010011001"
OTHER = "199002022015032002"
PHONE = "android-0001-aaaa"
MODELS = ("mobilefacenet_fp",)  # the scoring policy's models, for the onboarding counts
OTHER_PHONE = "android-0002-bbbb"
NOW = 1_790_000_000


def employee(nip: str = NIP, **changes: object) -> Employee:
    """An employee with every HR field set; keyword arguments override fields."""
    base = Employee(nip=nip, nama="Asep Saepudin", unor_id="U1", jabatan="Guru", gelar_depan="Drs.",
                    gelar_belakang="S.Pd.")  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def as_put(e: Employee) -> Employee:
    """`e` as the repository answers it once put: dated from its creation (`followed_since`, pinned down by
    test_smart_follows_an_employee_from_their_creation_and_their_reactivation)."""
    return replace(e, followed_since=ANY)


def zones_of(repo: PeopleRepository, unor_id: str) -> frozenset[str]:
    """The zones of an existing unit."""
    unit = repo.get_unit(unor_id)
    assert unit is not None
    return unit.zone_ids


def nip_of(i: int) -> str:
    return f"1985010120100110{i:02d}"


class PeopleRepositoryContract:
    """Subclass with a `repo` fixture returning an empty PeopleRepository, and `CLOCK`: the `utc_now` the
    repository dates HR changes by (a dotted path to monkeypatch)."""

    CLOCK: str

    def test_a_new_repository_knows_nobody(self, repo: PeopleRepository) -> None:
        assert repo.get_employee(NIP) is None and repo.employee_account(NIP) is None
        assert repo.get_unit("U1") is None and repo.get_units(["U1"]) == [] and repo.list_unit_ids() == []
        assert repo.get_admin("budi") is None and repo.admin_account("budi") is None
        assert repo.device_owner(PHONE) is None
        assert repo.members_of_unit("U1") == [] and repo.count_employees("U1") == 0
        assert repo.employees_of_unit("U1") == repo.employees_of_unit("U1", None, 100)
        assert repo.employees_of_unit("U1").items == []

    def test_a_new_employee_has_its_hr_fields_and_a_fresh_login_state(self, repo: PeopleRepository) -> None:
        # GIVEN a record that also claims a phone, a token version and faces
        claimed = employee(device_id=PHONE, token_version=7, template_count=3, face_model="m", duty_until="2030-01-01")
        # WHEN it is put
        repo.put_employee(claimed)
        # THEN only its HR fields are stored
        assert repo.get_employee(NIP) == as_put(employee())
        account = repo.employee_account(NIP)
        assert account is not None and account.holder == as_put(employee())
        assert account.credentials == Credentials("employee", NIP)

    def test_putting_again_overwrites_hr_fields_and_keeps_the_phone(self, repo: PeopleRepository) -> None:
        # GIVEN an employee with a bound phone
        repo.put_employee(employee())
        repo.bind_device(NIP, PhoneBinding(PHONE, "hash-1"))
        # WHEN the HR fields change, titles and position emptied
        repo.put_employee(employee(nama="Asep S.", unor_id="U2", jabatan="", gelar_depan=None, gelar_belakang="",
                                   active=False))  # fmt: skip
        # THEN they are overwritten (empty ones absent) and the phone and password are kept
        stored = repo.get_employee(NIP)
        assert stored is not None and stored.unit_since is not None and stored.deactivated_at is not None
        assert stored == Employee(NIP, "Asep S.", "U2", active=False, device_id=PHONE, token_version=1,
                                  unit_since=stored.unit_since, deactivated_at=stored.deactivated_at,
                                  followed_since=ANY)  # fmt: skip
        account = repo.employee_account(NIP)
        assert account is not None and account.credentials.password_hash == "hash-1"
        # AND the move into U2 and the deactivation are dated now, on the unit's members too
        for moment in (stored.unit_since, stored.deactivated_at):
            assert (utc_now() - parse_iso(moment)).total_seconds() < 60
        assert repo.members_of_unit("U2") == [
            Member(NIP, "Asep S.", False, stored.unit_since, stored.deactivated_at, ANY)
        ]
        # AND putting it again inactive keeps both dates; active again, it forgets the deactivation
        repo.put_employee(employee(nama="Asep S.", unor_id="U2", active=False))
        assert repo.members_of_unit("U2") == [
            Member(NIP, "Asep S.", False, stored.unit_since, stored.deactivated_at, ANY)
        ]
        repo.put_employee(employee(nama="Asep S.", unor_id="U2"))
        assert repo.members_of_unit("U2") == [Member(NIP, "Asep S.", True, stored.unit_since, None, ANY)]

    def test_smart_follows_an_employee_from_their_creation_and_their_reactivation(
        self, repo: PeopleRepository, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def put_at(moment: datetime, **changes: object) -> Employee:
            monkeypatch.setattr(self.CLOCK, lambda: moment)
            repo.put_employee(employee(**changes))
            stored = repo.get_employee(NIP)
            assert stored is not None
            return stored

        # GIVEN an employee created on 2 March (a new appointee brought in by SIMPEG)
        created = put_at(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
        # THEN SMART follows them from then, on the unit's members too
        assert created.followed_since == "2026-03-02T01:00:00+00:00"
        assert repo.members_of_unit("U1") == [Member(NIP, "Asep Saepudin", True, None, None, created.followed_since)]
        # WHEN their record changes, they move, or they are deactivated, THEN that date stays
        assert put_at(datetime(2026, 4, 1, tzinfo=UTC), jabatan="Guru Madya").followed_since == created.followed_since
        assert put_at(datetime(2026, 5, 1, tzinfo=UTC), unor_id="U2").followed_since == created.followed_since
        left = put_at(datetime(2026, 6, 1, tzinfo=UTC), unor_id="U2", active=False)
        assert (left.followed_since, left.deactivated_at) == (created.followed_since, "2026-06-01T00:00:00+00:00")
        # WHEN they are reactivated, THEN SMART follows them again from then
        back = put_at(datetime(2026, 9, 1, 2, 30, tzinfo=UTC), unor_id="U2")
        assert (back.followed_since, back.deactivated_at) == ("2026-09-01T02:30:00+00:00", None)

    def test_a_move_or_a_reactivation_ends_every_session_and_a_deactivation_or_an_edit_none(
        self, repo: PeopleRepository
    ) -> None:
        def sessions() -> tuple[int, Sessions]:
            found = repo.get_employee(NIP)
            assert found is not None
            return found.token_version, found.sessions

        # GIVEN an activated employee of U1 whose password change kept one session at version 1
        repo.put_employee(employee())
        repo.bind_device(NIP, PhoneBinding(PHONE, "hash-1"))
        assert repo.set_password("employee", NIP, "hash-2", kept_marker(0, "s-1")) == 1
        assert sessions() == (1, Sessions(kept=kept_marker(0, "s-1")))
        # WHEN their position changes, or SIMPEG deactivates them, THEN no session ends (while inactive their tokens
        # answer 403 ACCOUNT_INACTIVE)
        repo.put_employee(employee(jabatan="Guru Madya"))
        repo.put_employee(employee(jabatan="Guru Madya", active=False))
        repo.put_employee(employee(nama="Asep S.", jabatan="Guru Madya", active=False))
        assert sessions() == (1, Sessions(kept=kept_marker(0, "s-1")))
        # WHEN they are reactivated, THEN every session ends, the kept one too, and the phone stays bound
        repo.put_employee(employee(jabatan="Guru Madya"))
        assert sessions() == (2, Sessions())
        found = repo.get_employee(NIP)
        assert found is not None and found.device_id == PHONE
        # WHEN they are moved to U2, and back to U1, THEN each move ends every session again
        repo.put_employee(employee(unor_id="U2"))
        assert sessions() == (3, Sessions())
        repo.put_employee(employee())
        assert sessions() == (4, Sessions())
        # AND a move of an inactive employee ends them too (a token of U1 must not work once back there)
        repo.put_employee(employee(active=False))
        repo.put_employee(employee(unor_id="U2", active=False))
        assert sessions() == (5, Sessions())

    def test_each_departure_is_due_for_the_face_retention_once(
        self, repo: PeopleRepository, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def put_at(moment: datetime, nip: str, active: bool) -> None:
            monkeypatch.setattr(self.CLOCK, lambda: moment)
            repo.put_employee(employee(nip, active=active))

        # GIVEN NIP and OTHER deactivated by SIMPEG on 1 June, whatever faces they have
        for nip in (NIP, OTHER):
            put_at(datetime(2026, 3, 1, tzinfo=UTC), nip, True)
            put_at(datetime(2026, 6, 1, tzinfo=UTC), nip, False)
        # THEN both are due once the date asked is at or after their deactivation
        assert repo.faces_to_forget("2026-06-01T00:00:00+00:00") == [NIP, OTHER]
        assert repo.faces_to_forget("2026-05-31T23:59:59+00:00") == []
        # WHEN the retention clears NIP's faces, THEN NIP is no longer due
        repo.faces_forgotten(NIP, "2026-09-01T19:00:00+00:00")
        assert repo.faces_to_forget("2100-01-01T00:00:00+00:00") == [OTHER]
        # AND OTHER, back at work, is not due; deactivated again, OTHER is
        put_at(datetime(2026, 7, 1, tzinfo=UTC), OTHER, True)
        assert repo.faces_to_forget("2100-01-01T00:00:00+00:00") == []
        # WHEN NIP comes back and leaves again after the clearing, THEN NIP is due again
        put_at(datetime(2026, 10, 1, tzinfo=UTC), NIP, True)
        put_at(datetime(2026, 11, 1, tzinfo=UTC), NIP, False)
        put_at(datetime(2026, 11, 2, tzinfo=UTC), OTHER, False)
        assert repo.faces_to_forget("2100-01-01T00:00:00+00:00") == [NIP, OTHER]
        # AND nobody unknown is marked
        with pytest.raises(ConditionFailed):
            repo.faces_forgotten(nip_of(99), "2026-09-01T19:00:00+00:00")

    def test_a_unit_lists_its_employees_by_nip_in_pages(self, repo: PeopleRepository) -> None:
        # GIVEN five employees of U1 put in no particular order, and one of U2
        for i in (3, 1, 5, 2, 4):
            repo.put_employee(employee(nip_of(i), nama=f"P{i}", active=i != 4))
        repo.put_employee(employee(OTHER, unor_id="U2"))
        # WHEN U1 is walked two at a time
        seen: list[str] = []
        page = repo.employees_of_unit("U1", None, 2)
        while True:
            assert len(page.items) <= 2
            seen += [e.nip for e in page.items]
            if page.next is None:
                break
            page = repo.employees_of_unit("U1", page.next, 2)
        # THEN each employee comes once, by NIP, and the other listings agree
        assert seen == [nip_of(i) for i in range(1, 6)]
        assert [e.nip for e in repo.iter_employees_of_unit("U1")] == seen
        assert repo.members_of_unit("U1") == [Member(nip_of(i), f"P{i}", i != 4, None, None, ANY) for i in range(1, 6)]
        assert repo.count_employees("U1") == 5 and repo.count_employees("U2") == 1

    def test_an_activation_code_keeps_the_entry_naming_it_and_a_refused_one_names_nothing(
        self, repo: PeopleRepository, audit_log: AuditRepository
    ) -> None:
        def named() -> AuditBatch:
            return audit_log.stamped("ops", "employee.activation_code", {NIP: None})

        # WHEN a code is issued for nobody, THEN refused and unnamed; WHEN for the employee, THEN kept and named
        with pytest.raises(ConditionFailed):
            repo.set_activation(NIP, "code-hash", NOW, "ops", named())
        assert audit_log.entries_of_day(AUDIT_START.date()) == []
        repo.put_employee(employee())
        repo.set_activation(NIP, "code-hash", NOW, "ops", named())
        account = repo.employee_account(NIP)
        assert account is not None and account.credentials.activation_hash == "code-hash"
        logged = [(e.actor, e.action, e.target) for e in audit_log.entries_of_day(AUDIT_START.date())]
        assert logged == [("ops", "employee.activation_code", NIP)]

    def test_an_activation_code_is_kept_for_an_existing_employee_only(self, repo: PeopleRepository) -> None:
        with pytest.raises(ConditionFailed):
            repo.set_activation(NIP, "code-hash", NOW, "ops")
        assert repo.get_employee(NIP) is None
        repo.put_employee(employee())
        repo.set_activation(NIP, "code-hash", NOW, "ops")
        account = repo.employee_account(NIP)
        assert account is not None
        assert (account.credentials.activation_hash, account.credentials.activation_expires) == ("code-hash", NOW)
        # AND who issued it, and when, is on the employee's record (four eyes on a face after a reset)
        stored = repo.get_employee(NIP)
        assert stored is not None and stored.code_issued_by == "ops"
        assert stored.device_reset_by is None  # issuing a code resets nothing
        # AND a binding noted as a reset (an account activated again with a new code) names the admin
        repo.bind_device(NIP, PhoneBinding(PHONE, "password-hash", reset_by="ops"))
        bound = repo.get_employee(NIP)
        assert bound is not None and bound.device_reset_by == "ops" and bound.device_reset_at is not None

    def test_a_batch_of_activation_codes_is_kept_per_group_of_a_hundred(self, repo: PeopleRepository) -> None:
        # GIVEN 150 employees
        nips = [f"19850101201001{i:04d}" for i in range(150)]
        for nip in nips:
            repo.put_employee(employee(nip=nip))
        # WHEN codes are set for all of them, THEN each has its own
        repo.set_activations([(nip, f"hash-{nip}") for nip in nips], NOW, "ops")
        for nip in (nips[0], nips[99], nips[149]):
            account = repo.employee_account(nip)
            assert account is not None and account.credentials.activation_hash == f"hash-{nip}"
        # WHEN a group names an unknown employee, THEN that group writes nothing
        with pytest.raises(ConditionFailed):
            repo.set_activations([(nips[0], "again"), ("199001012015010001", "none")], NOW, "ops")
        account = repo.employee_account(nips[0])
        assert account is not None and account.credentials.activation_hash == f"hash-{nips[0]}"

    def test_a_batch_of_codes_whose_later_group_fails_leaves_every_code_as_it_was(self, repo: PeopleRepository) -> None:
        # GIVEN 150 employees holding the codes of a printed sheet
        nips = [f"19850101201001{i:04d}" for i in range(150)]
        for nip in nips:
            repo.put_employee(employee(nip=nip))
        repo.set_activations([(nip, f"printed-{nip}") for nip in nips], NOW, "ops")
        # WHEN a new sheet's codes are set and its second group fails (an employee left the table meanwhile)
        with pytest.raises(ConditionFailed):
            repo.set_activations(
                [*((nip, f"new-{nip}") for nip in nips), ("199001012015010001", "none")], NOW + 1, "bkd"
            )
        # THEN no one's code changed, the first group's neither: the printed cards still open every account
        for nip in (nips[0], nips[99], nips[149]):
            account = repo.employee_account(nip)
            assert account is not None and account.credentials.activation_hash == f"printed-{nip}"
            assert account.credentials.activation_expires == NOW and account.holder.code_issued_by == "ops"

    def test_binding_a_phone_with_a_password_spends_the_activation_code(self, repo: PeopleRepository) -> None:
        # GIVEN an employee with an activation code
        repo.put_employee(employee())
        repo.set_activation(NIP, "code-hash", NOW, "ops")
        # WHEN their first phone is bound with a password
        repo.bind_device(NIP, PhoneBinding(PHONE, "password-hash"))
        # THEN the phone is theirs both ways, the password set and the code spent
        assert repo.device_owner(PHONE) == NIP
        account = repo.employee_account(NIP)
        assert account is not None and account.holder.device_id == PHONE
        assert account.credentials == Credentials("employee", NIP, password_hash="password-hash")
        # AND binding the same phone again (a login) changes nothing
        repo.bind_device(NIP, PhoneBinding(PHONE))
        assert repo.employee_account(NIP) == account

    def test_a_binding_with_a_code_replaced_since_it_was_verified_binds_nothing(self, repo: PeopleRepository) -> None:
        # GIVEN an employee's code verified by an activation, then replaced by a new card before its binding
        repo.put_employee(employee())
        repo.set_activation(NIP, "old-code-hash", NOW, "ops")
        repo.set_activation(NIP, "new-code-hash", NOW, "ops")
        # WHEN the binding names the code it verified THEN it is refused, and nothing is bound or spent
        with pytest.raises(ConditionFailed):
            repo.bind_device(NIP, PhoneBinding(PHONE, "password-hash", code_hash="old-code-hash"))
        account = repo.employee_account(NIP)
        assert account is not None and account.holder.device_id is None and repo.device_owner(PHONE) is None
        assert account.credentials.activation_hash == "new-code-hash"
        # AND the new code's binding goes through
        repo.bind_device(NIP, PhoneBinding(PHONE, "password-hash", code_hash="new-code-hash"))
        assert repo.device_owner(PHONE) == NIP

    def test_binding_a_phone_with_revoke_ends_the_earlier_sessions_in_the_same_write(
        self, repo: PeopleRepository
    ) -> None:
        # GIVEN an activated employee on a phone, with a new activation code
        repo.put_employee(employee())
        repo.bind_device(NIP, PhoneBinding(PHONE, "hash-1"))
        repo.release_device(NIP, PHONE, DeviceReset("ops"))
        before = repo.get_employee(NIP)
        assert before is not None
        repo.set_activation(NIP, "code-hash", NOW, "ops")
        # WHEN a phone is bound with a new password and `revoke`
        repo.bind_device(NIP, PhoneBinding(PHONE, "hash-2", revoke=True))
        # THEN it is bound, the code spent, and the token version moved on: every earlier session ends
        account = repo.employee_account(NIP)
        assert account is not None and account.holder.device_id == PHONE
        assert account.holder.token_version == before.token_version + 1
        assert account.credentials == Credentials("employee", NIP, password_hash="hash-2")
        # AND without it, binding leaves the sessions as they are
        repo.bind_device(NIP, PhoneBinding(PHONE))
        again = repo.get_employee(NIP)
        assert again is not None and again.token_version == before.token_version + 1

    def test_the_phones_fingerprint_is_bound_with_it_and_forgotten_with_it(self, repo: PeopleRepository) -> None:
        # GIVEN an employee whose phone reported its fingerprint when it was bound
        repo.put_employee(employee())
        repo.bind_device(NIP, PhoneBinding(PHONE, "password-hash", "fp-pixel7-a1b2"))
        bound = repo.get_employee(NIP)
        assert bound is not None and bound.device_fingerprint == "fp-pixel7-a1b2"
        # WHEN the phone is released, THEN its fingerprint goes with it
        repo.release_device(NIP, PHONE)
        released = repo.get_employee(NIP)
        assert released is not None and released.device_fingerprint is None
        # AND a new phone bound without one has none (never the old phone's)
        repo.bind_device(NIP, PhoneBinding("android-0009-zzzz"))
        rebound = repo.get_employee(NIP)
        assert rebound is not None and (rebound.device_id, rebound.device_fingerprint) == ("android-0009-zzzz", None)

    def test_a_phone_serves_one_employee_and_an_employee_one_phone(self, repo: PeopleRepository) -> None:
        # GIVEN two employees, the first with a bound phone
        repo.put_employee(employee())
        repo.put_employee(employee(OTHER))
        repo.bind_device(NIP, PhoneBinding(PHONE, "hash-1"))
        # WHEN the other employee binds the same phone, or the first a second phone, THEN both are refused
        with pytest.raises(ConditionFailed):
            repo.bind_device(OTHER, PhoneBinding(PHONE, "hash-2"))
        with pytest.raises(ConditionFailed):
            repo.bind_device(NIP, PhoneBinding(OTHER_PHONE))
        # AND nothing changed
        assert repo.device_owner(PHONE) == NIP and repo.device_owner(OTHER_PHONE) is None
        assert repo.get_employee(OTHER) == as_put(employee(OTHER))
        account = repo.employee_account(OTHER)
        assert account is not None and account.credentials.password_hash is None

    def test_a_phone_bound_to_a_leaver_is_taken_in_one_write_and_only_while_they_are_inactive(
        self, repo: PeopleRepository
    ) -> None:
        # GIVEN a leaver (SIMPEG deactivated them) whose phone is still bound, and a colleague who never bound one
        repo.put_employee(employee())
        repo.put_employee(employee(OTHER))
        repo.bind_device(NIP, PhoneBinding(PHONE, "hash-1", "fp-1"))
        repo.put_employee(employee(active=False))
        # WHEN the colleague binds the phone naming someone else as its holder, or naming themself, THEN refused
        with pytest.raises(ConditionFailed):
            repo.bind_device(OTHER, PhoneBinding(PHONE, "hash-2", taken_from="199912312020121001"))
        with pytest.raises(ConditionFailed):
            repo.bind_device(OTHER, PhoneBinding(PHONE, "hash-2", taken_from=OTHER))
        assert repo.device_owner(PHONE) == NIP
        # WHEN the colleague binds it taking it from the leaver
        repo.bind_device(OTHER, PhoneBinding(PHONE, "hash-2", taken_from=NIP))
        # THEN the phone is the colleague's, and the leaver has no phone and a new token version (no session left)
        assert repo.device_owner(PHONE) == OTHER
        taker, leaver = repo.get_employee(OTHER), repo.get_employee(NIP)
        assert taker is not None and taker.device_id == PHONE
        assert leaver is not None and (leaver.device_id, leaver.device_fingerprint, leaver.token_version) == (
            None,
            None,
            1,
        )
        # AND it cannot be taken again from the leaver, who no longer holds it
        repo.put_employee(employee(nip_of(3)))
        with pytest.raises(ConditionFailed):
            repo.bind_device(nip_of(3), PhoneBinding(PHONE, taken_from=NIP))

    def test_a_binding_keeps_the_entries_naming_it_and_a_refused_one_names_nothing(
        self, repo: PeopleRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN a leaver whose phone is still bound, and a colleague who has none
        repo.put_employee(employee())
        repo.put_employee(employee(OTHER))
        repo.bind_device(NIP, PhoneBinding(PHONE, "hash-1"))
        repo.put_employee(employee(active=False))

        def named(binding: PhoneBinding) -> AuditBatch:
            taken = [("employee.reset_device", NIP, {"taken_by": OTHER})] if binding.taken_from else []
            return audit_log.stamped_each(OTHER, [("employee.device_bind", OTHER, None), *taken], role="employee")

        # WHEN the colleague binds it as if it were free, THEN refused, and nothing is named
        plain = PhoneBinding(PHONE, "hash-2")
        with pytest.raises(ConditionFailed):
            repo.bind_device(OTHER, plain, named(plain))
        assert audit_log.entries_of_day(AUDIT_START.date()) == []
        # WHEN they take it from the leaver, THEN it is theirs, and both entries are kept with the binding
        taken = PhoneBinding(PHONE, "hash-2", taken_from=NIP)
        repo.bind_device(OTHER, taken, named(taken))
        assert repo.device_owner(PHONE) == OTHER
        logged = sorted((e.action, e.target, e.role) for e in audit_log.entries_of_day(AUDIT_START.date()))
        assert logged == [("employee.device_bind", OTHER, "employee"), ("employee.reset_device", NIP, "employee")]

    def test_a_phone_of_a_leaver_reactivated_meanwhile_is_not_taken(self, repo: PeopleRepository) -> None:
        # GIVEN a leaver's phone, and SIMPEG reactivating them after the colleague read them as inactive
        repo.put_employee(employee())
        repo.put_employee(employee(OTHER))
        repo.bind_device(NIP, PhoneBinding(PHONE, "hash-1"))
        repo.put_employee(employee(active=False))
        repo.put_employee(employee())
        # WHEN the colleague's binding takes it from them, THEN it is refused and nothing changed (the token version
        # is the reactivation's)
        with pytest.raises(ConditionFailed):
            repo.bind_device(OTHER, PhoneBinding(PHONE, "hash-2", taken_from=NIP))
        assert repo.device_owner(PHONE) == NIP
        found = repo.get_employee(NIP)
        assert found is not None and (found.device_id, found.token_version) == (PHONE, 1)
        assert repo.get_employee(OTHER) == as_put(employee(OTHER))

    def test_racing_takers_of_a_leavers_phone_leave_it_with_one(self, repo: PeopleRepository) -> None:
        # GIVEN a leaver's phone and four colleagues who each try to take it at once
        repo.put_employee(employee())
        repo.bind_device(NIP, PhoneBinding(PHONE))
        repo.put_employee(employee(active=False))
        takers = [nip_of(i) for i in range(4, 8)]
        for nip in takers:
            repo.put_employee(employee(nip))
        start = threading.Barrier(len(takers))

        def take(nip: str) -> bool:
            start.wait()
            try:
                repo.bind_device(nip, PhoneBinding(PHONE, taken_from=NIP))
            except ConditionFailed:
                return False
            return True

        with ThreadPoolExecutor(len(takers)) as pool:
            won = list(pool.map(take, takers))
        # THEN exactly one has it, and only that one is bound to it
        assert won.count(True) == 1
        winner = takers[won.index(True)]
        assert repo.device_owner(PHONE) == winner
        bound = [e.nip for e in repo.get_employees(takers) if e.device_id == PHONE]
        assert bound == [winner]

    def test_releasing_a_phone_logs_it_out_and_frees_it(self, repo: PeopleRepository) -> None:
        # GIVEN two employees, the first with a bound phone
        repo.put_employee(employee())
        repo.put_employee(employee(OTHER))
        repo.bind_device(NIP, PhoneBinding(PHONE, "hash-1"))
        # WHEN someone else's phone is named, or an unknown employee, THEN the release is refused
        with pytest.raises(ConditionFailed):
            repo.release_device(OTHER, PHONE)
        with pytest.raises(ConditionFailed):
            repo.release_device("199912312020121001", None)
        assert repo.device_owner(PHONE) == NIP
        # WHEN the phone is released
        repo.release_device(NIP, PHONE)
        # THEN the employee has none and a new token version, and the phone may serve someone else
        assert repo.get_employee(NIP) == as_put(employee(token_version=1))
        assert repo.device_owner(PHONE) is None
        repo.bind_device(OTHER, PhoneBinding(PHONE))
        assert repo.device_owner(PHONE) == OTHER
        # AND releasing an employee without a phone still logs out whatever token is left
        repo.release_device(NIP, None)
        assert repo.get_employee(NIP) == as_put(employee(token_version=2))

    def test_units_are_created_renamed_and_given_zones(self, repo: PeopleRepository) -> None:
        # WHEN units are created, THEN the listing is sorted and a repeat changes nothing
        assert repo.upsert_unit("U2", "SDN 2") is True and repo.upsert_unit("U1", "SDN 1") is True
        assert repo.upsert_unit("U1", "SDN 1") is False
        assert repo.list_unit_ids() == ["U1", "U2"]
        # WHEN a unit gets zones and is renamed, THEN the name changes and the zones stay
        repo.set_unit_zones("U1", {"z-1", "z-2"})
        assert repo.upsert_unit("U1", "SDN 1 Ngamprah") is True
        assert repo.get_unit("U1") == Unit("U1", "SDN 1 Ngamprah", frozenset({"z-1", "z-2"}))
        # WHEN the zones are emptied, THEN the unit has none
        repo.set_unit_zones("U1", set())
        assert repo.get_unit("U1") == Unit("U1", "SDN 1 Ngamprah")
        # AND many units are read at once by id, each once, unknown ones left out
        assert repo.get_units(["U2", "U9", "U1", "U2"]) == [Unit("U1", "SDN 1 Ngamprah"), Unit("U2", "SDN 2")]
        # read as last written (the zone-links turn's checks), the same units
        assert repo.get_units(["U2", "U9", "U1"], consistent=True) == [
            Unit("U1", "SDN 1 Ngamprah"),
            Unit("U2", "SDN 2"),
        ]
        assert repo.get_units([]) == []

    def test_frame_versions_change_with_what_a_unit_is_judged_against(self, repo: PeopleRepository) -> None:
        # GIVEN three units, never touched
        for unit in ("U1", "U2", "U3"):
            repo.upsert_unit(unit, f"SD {unit}")
        assert repo.frame_stamps(["U3", "U1", "U9", "U2"]) == {"U1": 0, "U2": 0, "U3": 0}
        # WHEN two are touched (one twice, an unknown id beside them), THEN only theirs change, and no unit appears
        repo.touch_units(["U1", "U9"])
        repo.touch_units(["U1", "U2"])
        assert repo.frame_stamps(["U1", "U2", "U3"]) == {"U1": 2, "U2": 1, "U3": 0}
        assert repo.list_unit_ids() == ["U1", "U2", "U3"] and repo.get_unit("U9") is None
        # WHEN an employee joins U3, then moves to U2, THEN the units they were in and are in change
        repo.put_employee(employee(unor_id="U3"))
        assert repo.frame_stamps(["U1", "U2", "U3"]) == {"U1": 2, "U2": 1, "U3": 1}
        repo.put_employee(employee(unor_id="U2"))
        assert repo.frame_stamps(["U1", "U2", "U3"]) == {"U1": 2, "U2": 2, "U3": 2}
        # AND a unit's name or zones do not (they are not judged against)
        repo.set_unit_zones("U1", {"z-1"})
        repo.upsert_unit("U1", "SD Satu")
        assert repo.frame_stamps(["U1"]) == {"U1": 2}

    def test_zones_of_an_unknown_unit_are_refused(self, repo: PeopleRepository) -> None:
        with pytest.raises(ConditionFailed):
            repo.set_unit_zones("U9", {"z-1"})
        assert repo.get_unit("U9") is None

    def test_a_change_of_a_unit_s_zones_answers_and_audits_the_zones_it_replaced(
        self, repo: PeopleRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN U1 whose employees check in in z-1 and z-2
        repo.upsert_unit("U1", "SDN 1")
        repo.set_unit_zones("U1", {"z-1", "z-2"})

        def entry(replaced: frozenset[str]) -> AuditBatch:
            return audit_log.stamped(
                "ua", "unit.zones", {"U1": {"zone_ids": ["z-3", "z-2"], "before": sorted(replaced)}}
            )

        # WHEN its unit admin sets z-2 and z-3 with the audit entry built from the zones the write replaces
        replaced = repo.set_unit_zones("U1", {"z-2", "z-3"}, entry)
        # THEN it answers the zones U1 had, U1 has the new ones, and the entry, kept with them, names the old ones
        assert replaced == {"z-1", "z-2"}
        assert repo.get_unit("U1") == Unit("U1", "SDN 1", frozenset({"z-2", "z-3"}))
        logged = [(e.action, e.target, e.detail) for e in audit_log.entries_of_day(AUDIT_START.date())]
        assert logged == [("unit.zones", "U1", {"zone_ids": ["z-3", "z-2"], "before": ["z-1", "z-2"]})]
        # AND a unit with no zone answers none replaced
        repo.upsert_unit("U2", "SDN 2")
        assert repo.set_unit_zones("U2", {"z-1"}) == frozenset()

    def test_of_two_changes_of_a_unit_s_zones_at_once_each_written_names_the_other(
        self, repo: PeopleRepository
    ) -> None:
        # GIVEN U1, WHEN two admins set its zones at the same moment to different sets (twenty times, so that the two
        # calls meet between one's read and its write; tests/functional/test_forced_races.py makes them meet always)
        repo.upsert_unit("U1", "SDN 1")

        def put(zone_ids: frozenset[str]) -> frozenset[str] | None:
            try:
                return repo.set_unit_zones("U1", set(zone_ids))
            except ConditionFailed:
                return None  # beaten between its read and its write: the admin is told to try again

        with ThreadPoolExecutor(max_workers=2) as pool:
            for round_ in range(20):
                before = zones_of(repo, "U1")
                ours, theirs = frozenset({f"z-{round_}", "z-office"}), frozenset({f"z-{round_}", "z-field"})
                first, second = pool.map(put, [ours, theirs])
                # THEN they do not both replace the zones that stood: the one whose zones stand names the other's
                # as replaced, or the other was refused (its admin is told to try again)
                answers, held = {ours: first, theirs: second}, zones_of(repo, "U1")
                other = theirs if held == ours else ours
                assert (answers[other], answers[held]) in ((None, before), (before, other)), (round_, first, second)

    def test_admin_users_are_created_once(self, repo: PeopleRepository) -> None:
        # WHEN admin users are created, THEN they are known with their role, units and credentials
        assert repo.create_admin(AdminUser("budi", "unit_admin", frozenset({"U1", "U2"})), "hash-b") == AdminUser(
            "budi", "unit_admin", frozenset({"U1", "U2"})
        )
        assert repo.create_admin(AdminUser("root", "super_admin"), "hash-r") == AdminUser("root", "super_admin")
        assert repo.get_admin("budi") == AdminUser("budi", "unit_admin", frozenset({"U1", "U2"}))
        account = repo.admin_account("root")
        assert account is not None and account.holder == AdminUser("root", "super_admin")
        assert account.credentials == Credentials("admin", "root", password_hash="hash-r")
        # AND a second user of the same name is refused, the first kept
        with pytest.raises(ConditionFailed):
            repo.create_admin(AdminUser("budi", "super_admin"), "hash-x")
        assert repo.get_admin("budi") == AdminUser("budi", "unit_admin", frozenset({"U1", "U2"}))

    def test_an_admin_is_created_with_its_audit_entry_and_a_refused_creation_names_nothing(
        self, repo: PeopleRepository, audit_log: AuditRepository
    ) -> None:
        def named() -> AuditBatch:
            return audit_log.stamped("root", "admin_user.create", {"budi": {"role": "unit_admin"}})

        # WHEN an admin is created with the entry naming it, and the name is asked for again
        repo.create_admin(AdminUser("budi", "unit_admin", frozenset({"U1"})), "hash-b", named())
        with pytest.raises(ConditionFailed):
            repo.create_admin(AdminUser("budi", "super_admin"), "hash-x", named())
        # THEN the first is kept, named once
        assert repo.get_admin("budi") == AdminUser("budi", "unit_admin", frozenset({"U1"}))
        logged = [(e.action, e.target) for e in audit_log.entries_of_day(AUDIT_START.date())]
        assert logged == [("admin_user.create", "budi")]

    def test_a_scope_has_limit_slots_per_window_given_back_by_a_success(self, repo: PeopleRepository) -> None:
        # WHEN three attempts of an account are claimed with a limit of 3 per 900 s, THEN each gets its own slot
        claims = [repo.claim_login_attempt("employee#" + NIP, 3, 900, NOW + i) for i in range(3)]
        assert sorted(c.slot for c in claims if c.slot is not None) == ["0", "1", "2"]
        # AND the fourth is refused until the first slot frees, while another scope is untouched
        refused = repo.claim_login_attempt("employee#" + NIP, 3, 900, NOW + 10)
        assert (refused.slot, refused.retry_after_s) == (None, 890)
        assert repo.claim_login_attempt("admin#" + NIP, 3, 900, NOW + 10).granted
        # WHEN one slot is given back (a success), THEN exactly one more attempt is granted, on that slot
        first, given_back = claims[0].slot, claims[1].slot
        assert first is not None and given_back is not None
        repo.release_login_attempt("employee#" + NIP, given_back, claims[1].claim_id)
        assert repo.claim_login_attempt("employee#" + NIP, 3, 900, NOW + 11).slot == given_back
        assert not repo.claim_login_attempt("employee#" + NIP, 3, 900, NOW + 12).granted
        # WHEN the window of the oldest slot has passed, THEN it frees by itself, and only it
        assert repo.claim_login_attempt("employee#" + NIP, 3, 900, NOW + 900).slot == first
        assert not repo.claim_login_attempt("employee#" + NIP, 3, 900, NOW + 900).granted
        # WHEN the scope is cleared (an unlock), THEN every slot is free again
        repo.clear_login_attempts("employee#" + NIP)
        again = [repo.claim_login_attempt("employee#" + NIP, 3, 900, NOW + 901) for _ in range(4)]
        assert [c.granted for c in again] == [True, True, True, False]

    def test_an_unlock_keeps_the_entry_naming_it_and_frees_slots_beyond_one_transaction(
        self, repo: PeopleRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN an account whose 100 slots (the highest limit a stage may set) are all taken
        scope = "employee#" + NIP
        assert all(repo.claim_login_attempt(scope, 100, 900, NOW).granted for _ in range(100))
        assert not repo.claim_login_attempt(scope, 100, 900, NOW).granted
        # WHEN a super admin unlocks it with the entry naming the unlock
        repo.clear_login_attempts(scope, audit_log.stamped("root", "employee.unlock", {NIP: None}))
        # THEN the entry is kept, and every slot is free, the ones beside it in its transaction and the one after
        assert [(e.action, e.target) for e in audit_log.entries_of_day(AUDIT_START.date())] == [
            ("employee.unlock", NIP)
        ]
        assert all(repo.claim_login_attempt(scope, 100, 900, NOW + 1).granted for _ in range(100))

    def test_a_late_give_back_leaves_the_slot_of_the_claim_that_took_it_since(self, repo: PeopleRepository) -> None:
        # GIVEN a slow worker whose claim of the one slot lapsed, and another that took the slot after it
        slow = repo.claim_login_attempt("simpeg#run", 1, 900, NOW)
        taken = repo.claim_login_attempt("simpeg#run", 1, 900, NOW + 900)
        assert slow.slot == taken.slot == "0" and slow.claim_id != taken.claim_id
        # WHEN the slow one ends at last and gives its slot back
        repo.release_login_attempt("simpeg#run", "0", slow.claim_id)
        # THEN the slot stays the other's: a third is still refused
        assert not repo.claim_login_attempt("simpeg#run", 1, 900, NOW + 901).granted
        # AND the claim that holds it does give it back
        repo.release_login_attempt("simpeg#run", "0", taken.claim_id)
        assert repo.claim_login_attempt("simpeg#run", 1, 900, NOW + 902).granted
        # AND a give-back of a slot never taken changes nothing
        repo.release_login_attempt("simpeg#other", "0", slow.claim_id)
        assert repo.claim_login_attempt("simpeg#other", 1, 900, NOW + 903).granted

    def test_racing_claims_never_exceed_the_limit(self, repo: PeopleRepository) -> None:
        # WHEN 40 logins of one account claim an attempt at the same moment with a limit of 5
        barrier = threading.Barrier(40)

        def claim(_: int) -> AttemptClaim:
            barrier.wait()
            return repo.claim_login_attempt("admin#budi", 5, 900, NOW)

        with ThreadPoolExecutor(max_workers=40) as pool:
            claims = list(pool.map(claim, range(40)))
        # THEN exactly 5 are granted, each a different slot, and the rest told when to come back
        granted = [c.slot for c in claims if c.slot is not None]
        assert sorted(granted) == ["0", "1", "2", "3", "4"]
        assert {c.retry_after_s for c in claims if c.slot is None} == {900}

    def test_an_address_counts_its_attempts_of_the_last_minute(self, repo: PeopleRepository) -> None:
        minute = (NOW // 60) * 60
        # WHEN three attempts from one address are counted with a limit of 3, THEN the fourth is refused until
        # the first is a minute old, and another address is untouched
        claims = [repo.claim_address_attempt("10.0.0.1", 3, minute + i) for i in range(3)]
        assert all(c.granted for c in claims)
        assert repo.claim_address_attempt("10.0.0.1", 3, minute + 20) == AttemptClaim(None, 40)
        assert repo.claim_address_attempt("10.0.0.2", 3, minute + 20).granted
        # WHEN one is taken back (a success), THEN one more is counted
        slot = claims[0].slot
        assert slot is not None
        repo.release_address_attempt("10.0.0.1", slot, claims[0].claim_id)
        assert repo.claim_address_attempt("10.0.0.1", 3, minute + 30).granted
        assert not repo.claim_address_attempt("10.0.0.1", 3, minute + 30).granted
        # AND a new clock minute does not start from nothing: the attempts of seconds 1, 2 and 30 are still
        # within the last 60 s; a second later the oldest has left and the address may try again
        assert repo.claim_address_attempt("10.0.0.1", 3, minute + 60) == AttemptClaim(None, 1)
        assert repo.claim_address_attempt("10.0.0.1", 3, minute + 61).granted

    def test_a_burst_across_a_clock_minute_is_counted_once(self, repo: PeopleRepository) -> None:
        minute = (NOW // 60) * 60
        # GIVEN an address that used its limit in the last two seconds of a clock minute
        assert all(repo.claim_address_attempt("10.0.0.3", 3, minute + 58 + i % 2).granted for i in range(3))
        # WHEN it goes on in the first seconds of the next one, THEN it is refused until a minute has passed
        for second in (60, 61, 90, 117):
            assert not repo.claim_address_attempt("10.0.0.3", 3, minute + second).granted
        assert repo.claim_address_attempt("10.0.0.3", 3, minute + 118).granted

    def test_racing_attempts_of_an_address_never_exceed_the_limit(self, repo: PeopleRepository) -> None:
        barrier = threading.Barrier(30)

        def claim(_: int) -> bool:
            barrier.wait()
            return repo.claim_address_attempt("10.0.0.9", 10, NOW).granted

        with ThreadPoolExecutor(max_workers=30) as pool:
            assert sum(pool.map(claim, range(30))) == 10

    @pytest.mark.parametrize("kind", ["employee", "admin"])
    def test_a_new_password_or_a_revocation_ends_the_sessions(self, repo: PeopleRepository, kind: AccountKind) -> None:
        key = account_of_each_kind(repo, kind)

        def version() -> int:
            return holder_of(repo, kind).token_version

        def password_hash() -> str | None:
            account = repo.employee_account(NIP) if kind == "employee" else repo.admin_account("budi")
            assert account is not None
            return account.credentials.password_hash

        # WHEN the password is set, THEN it is stored and the token version moves on
        assert repo.set_password(kind, key, "hash-new") == 1
        assert (password_hash(), version()) == ("hash-new", 1)
        # WHEN the sessions are revoked, THEN the version moves on again and the password stays
        assert repo.revoke_tokens(kind, key) == 2
        assert (password_hash(), version()) == ("hash-new", 2)
        # AND an unknown account is refused
        with pytest.raises(ConditionFailed):
            repo.set_password(kind, "199912312020121001" if kind == "employee" else "ghost", "h")
        with pytest.raises(ConditionFailed):
            repo.revoke_tokens(kind, "199912312020121001" if kind == "employee" else "ghost")

    @pytest.mark.parametrize("kind", ["employee", "admin"])
    def test_a_password_change_is_kept_with_its_audit_entry_and_moves_the_version_as_without(
        self, repo: PeopleRepository, kind: AccountKind, audit_log: AuditRepository
    ) -> None:
        key = account_of_each_kind(repo, kind)

        def named() -> AuditBatch:
            return audit_log.stamped(key, "admin_user.password", {key: {"password": "changed"}})

        # WHEN the password is changed twice with the entry naming it, the caller's session kept
        assert repo.set_password(kind, key, "hash-2", kept_marker(0, "s-caller"), named()) == 1
        assert repo.set_password(kind, key, "hash-3", kept_marker(1, "s-caller"), named()) == 2
        # THEN the version moved on as it does without one, the session is kept, and each change is named
        holder = holder_of(repo, kind)
        assert (holder.token_version, holder.sessions.kept) == (2, "1:s-caller")
        assert [e.action for e in audit_log.entries_of_day(AUDIT_START.date())] == ["admin_user.password"] * 2
        # AND an unknown account is refused, naming nothing
        with pytest.raises(ConditionFailed):
            repo.set_password(kind, "199912312020121001" if kind == "employee" else "ghost", "h", None, named())
        assert len(audit_log.entries_of_day(AUDIT_START.date())) == 2

    @pytest.mark.parametrize("kind", ["employee", "admin"])
    def test_sessions_kept_by_a_password_change_and_ended_one_by_one(
        self, repo: PeopleRepository, kind: AccountKind
    ) -> None:
        key = account_of_each_kind(repo, kind)

        def sessions() -> Sessions:
            return holder_of(repo, kind).sessions

        assert sessions() == Sessions()
        # WHEN a password change keeps the caller's session, THEN it is stored with the version
        assert repo.set_password(kind, key, "hash-new", kept_marker(0, "s-caller")) == 1
        assert sessions().kept == "0:s-caller"
        # WHEN sessions end one by one (forgetting expired marks), THEN the set holds the live marks only
        repo.end_session(kind, key, ended_marker(2000, "s-a"))
        repo.end_session(kind, key, ended_marker(3000, "s-b"), frozenset({ended_marker(2000, "s-a")}))
        assert sessions().ended == {"3000:s-b"} and sessions().kept == "0:s-caller"
        # WHEN any other change of version comes, THEN no session is kept any more
        repo.revoke_tokens(kind, key)
        assert sessions().kept is None and sessions().ended == {"3000:s-b"}
        repo.set_password(kind, key, "hash-3", kept_marker(2, "s-c"))
        if kind == "employee":
            repo.release_device(NIP, PHONE)
        else:
            admin = repo.get_admin("budi")
            assert admin is not None
            repo.update_admin(admin, AdminChange(unit_ids=frozenset({"U1"})))
        assert sessions().kept is None
        # AND an unknown account is refused
        with pytest.raises(ConditionFailed):
            repo.end_session(kind, "199912312020121001" if kind == "employee" else "ghost", "1:x")

    def test_a_new_admin_is_active_without_mfa_or_login_and_admins_list_by_name(self, repo: PeopleRepository) -> None:
        # GIVEN two admins created out of name order
        repo.create_admin(AdminUser("root", "super_admin"), "hash-r")
        repo.create_admin(AdminUser("budi", "unit_admin", frozenset({"U1"})), "hash-b")
        # THEN both are listed by name, active, without MFA and never logged in
        assert repo.list_admins() == [
            AdminUser("budi", "unit_admin", frozenset({"U1"}), active=True, mfa_enabled=False, last_login_at=None),
            AdminUser("root", "super_admin"),
        ]
        # WHEN one logs in, THEN the instant is kept
        repo.record_admin_login("budi", "2026-12-03T01:00:00+00:00")
        assert repo.get_admin("budi") == AdminUser(
            "budi", "unit_admin", frozenset({"U1"}), last_login_at="2026-12-03T01:00:00+00:00"
        )

    def test_changing_an_admin_bumps_the_token_version_and_keeps_what_is_not_given(
        self, repo: PeopleRepository
    ) -> None:
        budi = repo.create_admin(AdminUser("budi", "unit_admin", frozenset({"U1"})), "hash-b")
        # WHEN the units change, THEN only they and the version change
        moved = repo.update_admin(budi, AdminChange(unit_ids=frozenset({"U2", "U3"})))
        assert moved == AdminUser("budi", "unit_admin", frozenset({"U2", "U3"}), token_version=1)
        # WHEN the admin is deactivated, promoted (no units) and given a password in one change
        changed = repo.update_admin(
            moved, AdminChange(active=False, role="super_admin", unit_ids=frozenset(), password_hash="hash-new")
        )
        # THEN all of it is stored and the version bumped again
        assert changed == AdminUser("budi", "super_admin", frozenset(), token_version=2, active=False)
        account = repo.admin_account("budi")
        assert account is not None and account.holder == changed
        assert account.credentials.password_hash == "hash-new"

    def test_an_admin_who_is_also_an_employee_keeps_their_nip_until_it_is_changed_or_forgotten(
        self, repo: PeopleRepository
    ) -> None:
        # GIVEN a school operator created with their own NIP
        siti = repo.create_admin(AdminUser("siti", "unit_admin", frozenset({"U1"}), nip=NIP), "hash-s")
        assert siti == AdminUser("siti", "unit_admin", frozenset({"U1"}), nip=NIP)
        assert repo.get_admin("siti") == siti and repo.list_admins() == [siti]
        # WHEN another change comes, THEN the NIP is kept
        kept = repo.update_admin(siti, AdminChange(active=False))
        assert kept.nip == NIP
        # WHEN the NIP is changed, THEN the new one is stored; WHEN it is forgotten, THEN none is left
        other = "199912312020121001"
        changed = repo.update_admin(kept, AdminChange(nip=other))
        assert changed.nip == other and repo.get_admin("siti") == changed
        forgotten = repo.update_admin(changed, AdminChange(nip_off=True))
        assert forgotten.nip is None and repo.get_admin("siti") == forgotten

    def test_an_admin_change_is_refused_when_anyone_it_relies_on_changed(self, repo: PeopleRepository) -> None:
        budi = repo.create_admin(AdminUser("budi", "super_admin"), "hash-b")
        root = repo.create_admin(AdminUser("root", "super_admin"), "hash-r")
        repo.update_admin(root, AdminChange(password_hash="hash-r2"))
        # WHEN budi is demoted relying on root as read before root's change, THEN nothing is written
        with pytest.raises(ConditionFailed):
            repo.update_admin(budi, AdminChange(role="unit_admin", unit_ids=frozenset({"U1"})), [root])
        assert repo.get_admin("budi") == budi
        # WHEN budi's change relies on a stale budi, THEN it is refused too
        fresh_root = repo.get_admin("root")
        assert fresh_root is not None
        repo.update_admin(budi, AdminChange(active=False), [fresh_root])
        with pytest.raises(ConditionFailed):
            repo.update_admin(budi, AdminChange(active=True))
        # AND an unknown admin cannot be changed
        with pytest.raises(ConditionFailed):
            repo.update_admin(AdminUser("nobody", "unit_admin"), AdminChange(active=False))
        assert repo.get_admin("nobody") is None

    def test_an_admin_change_is_kept_with_its_audit_entry_or_neither_is(
        self, repo: PeopleRepository, audit_log: AuditRepository
    ) -> None:
        budi = repo.create_admin(AdminUser("budi", "unit_admin", frozenset({"U1"})), "hash-b")
        # WHEN budi is moved to U2 with the audit entry naming the change, THEN both are kept
        moved = audit_log.stamped("root", "admin_user.update", {"budi": {"unit_ids": ["U2"]}})
        repo.update_admin(budi, AdminChange(unit_ids=frozenset({"U2"})), (), moved)
        # WHEN a change relying on budi as read before the move comes with its entry, THEN neither is written
        stale = audit_log.stamped("root", "admin_user.update", {"budi": {"active": False}})
        with pytest.raises(ConditionFailed):
            repo.update_admin(budi, AdminChange(active=False), (), stale)
        admin = repo.get_admin("budi")
        assert admin is not None and (admin.unit_ids, admin.active) == ({"U2"}, True)
        logged = audit_log.entries_of_day(AUDIT_START.date())
        assert [(e.actor, e.target, e.detail) for e in logged] == [("root", "budi", {"unit_ids": ["U2"]})]

    def test_mfa_steps_keep_the_entries_naming_them_and_a_refused_one_names_nothing(
        self, repo: PeopleRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN budi, WHEN a set-up starts and a replaced secret is confirmed, each with its entry
        repo.create_admin(AdminUser("budi", "unit_admin", frozenset({"U1"})), "hash-b")

        def named(action: str) -> AuditBatch:
            return audit_log.stamped("budi", action, {"budi": None})

        repo.start_admin_mfa("budi", "SECRETB", named("admin_user.mfa_setup"))
        with pytest.raises(ConditionFailed):
            repo.enable_admin_mfa("budi", "SECRETA", 100, named("admin_user.mfa_enable"))
        with pytest.raises(ConditionFailed):
            repo.start_admin_mfa("nobody", "SECRETA", named("admin_user.mfa_setup"))
        # THEN only the set-up made is named; WHEN the pending secret is confirmed, THEN that is named too
        assert [e.action for e in audit_log.entries_of_day(AUDIT_START.date())] == ["admin_user.mfa_setup"]
        repo.enable_admin_mfa("budi", "SECRETB", 100, named("admin_user.mfa_enable"))
        logged = sorted((e.action, e.target) for e in audit_log.entries_of_day(AUDIT_START.date()))
        assert logged == [("admin_user.mfa_enable", "budi"), ("admin_user.mfa_setup", "budi")]
        admin = repo.get_admin("budi")
        assert admin is not None and admin.mfa_enabled

    def test_mfa_is_set_up_confirmed_once_and_each_time_step_is_spent_once(self, repo: PeopleRepository) -> None:
        repo.create_admin(AdminUser("budi", "unit_admin", frozenset({"U1"})), "hash-b")
        with pytest.raises(ConditionFailed):
            repo.start_admin_mfa("nobody", "SECRETA")

        def credentials() -> Credentials:
            account = repo.admin_account("budi")
            assert account is not None
            return account.credentials

        # WHEN a set-up starts twice, THEN the later secret is the pending one and MFA is still off
        repo.start_admin_mfa("budi", "SECRETA")
        repo.start_admin_mfa("budi", "SECRETB")
        assert (credentials().mfa_pending, credentials().mfa_secret) == ("SECRETB", None)
        assert repo.get_admin("budi") == AdminUser("budi", "unit_admin", frozenset({"U1"}))
        # WHEN the replaced secret is confirmed, THEN it is refused
        with pytest.raises(ConditionFailed):
            repo.enable_admin_mfa("budi", "SECRETA", 100)
        # WHEN the pending one is confirmed at step 100, THEN MFA is on with it and step 100 is spent
        repo.enable_admin_mfa("budi", "SECRETB", 100)
        assert (credentials().mfa_secret, credentials().mfa_pending, credentials().mfa_last_step) == (
            "SECRETB",
            None,
            100,
        )
        assert repo.get_admin("budi") == AdminUser("budi", "unit_admin", frozenset({"U1"}), mfa_enabled=True)
        # WHEN steps are spent, THEN only later ones are accepted
        for spent in (99, 100):
            with pytest.raises(ConditionFailed):
                repo.spend_admin_otp("budi", spent)
        repo.spend_admin_otp("budi", 101)
        with pytest.raises(ConditionFailed):
            repo.spend_admin_otp("budi", 101)
        assert credentials().mfa_last_step == 101
        # AND the secrets never show in a record's repr
        assert "SECRETB" not in repr(credentials()) and "SECRETB" not in repr(repo.admin_account("budi"))
        # WHEN a super admin forgets budi's second factor, THEN it is off and its secrets are gone
        budi = repo.get_admin("budi")
        assert budi is not None
        assert repo.update_admin(budi, AdminChange(mfa_off=True)) == AdminUser(
            "budi", "unit_admin", frozenset({"U1"}), token_version=1
        )
        assert (credentials().mfa_secret, credentials().mfa_pending) == (None, None)

    def test_a_device_reset_by_an_admin_is_noted_on_the_employee(self, repo: PeopleRepository) -> None:
        repo.put_employee(employee())
        repo.bind_device(NIP, PhoneBinding(PHONE, "hash-1"))
        before = utc_now().replace(microsecond=0)
        repo.release_device(NIP, PHONE, DeviceReset("budi"))
        found = repo.get_employee(NIP)
        assert found is not None and found.device_reset_by == "budi" and found.device_reset_at is not None
        assert before <= parse_iso(found.device_reset_at) <= utc_now()
        assert (found.device_id, found.token_version) == (None, 1) and repo.device_owner(PHONE) is None

    def test_every_admin_who_reset_the_phone_is_kept_not_only_the_last(self, repo: PeopleRepository) -> None:
        # GIVEN the employee's phone reset by budi, then bound with a code of sari's (noted as her reset)
        repo.put_employee(employee())
        repo.bind_device(NIP, PhoneBinding(PHONE, "hash-1"))
        before = utc_now().replace(microsecond=0)
        repo.release_device(NIP, PHONE, DeviceReset("budi"))
        repo.bind_device(NIP, PhoneBinding("android-0666-eeee", "hash-2", reset_by="sari", revoke=True))
        # THEN the last reset is sari's, and both admins are kept with when they reset it
        found = repo.get_employee(NIP)
        assert found is not None and found.device_reset_by == "sari"
        assert found.resets_since(before) == {"budi", "sari"}
        assert found.resets_since(utc_now() + timedelta(seconds=1)) == frozenset()
        # AND a record written before every reset was kept names its last admin alone
        older = replace(found, device_resets=frozenset())
        assert older.resets_since(before) == {"sari"}

    def test_a_device_reset_is_kept_with_its_audit_entry_and_a_refused_one_names_nothing(
        self, repo: PeopleRepository, audit_log: AuditRepository
    ) -> None:
        def named() -> AuditBatch:
            return audit_log.stamped("budi", "employee.reset_device", {NIP: None})

        # GIVEN the employee's phone, WHEN a reset names a phone that is not theirs, THEN it is refused, unnamed
        repo.put_employee(employee())
        repo.bind_device(NIP, PhoneBinding(PHONE, "hash-1"))
        with pytest.raises(ConditionFailed):
            repo.release_device(NIP, "android-lain", DeviceReset("budi"), audit=named())
        assert repo.device_owner(PHONE) == NIP and audit_log.entries_of_day(AUDIT_START.date()) == []
        # WHEN it is reset with the entry naming it, THEN the phone is free and the log names the reset
        repo.release_device(NIP, PHONE, DeviceReset("budi"), audit=named())
        assert repo.device_owner(PHONE) is None
        logged = [(e.actor, e.action, e.target) for e in audit_log.entries_of_day(AUDIT_START.date())]
        assert logged == [("budi", "employee.reset_device", NIP)]

    def test_a_unit_counts_its_active_employees_with_a_phone_and_a_face(self, repo: PeopleRepository) -> None:
        for i in range(1, 6):
            repo.put_employee(employee(nip_of(i)))
        repo.put_employee(employee(OTHER, unor_id="U2"))
        repo.bind_device(nip_of(1), PhoneBinding(PHONE, "hash-1"))  # activated
        repo.set_password("employee", nip_of(2), "hash-2")  # a password, no phone: not activated
        repo.bind_device(nip_of(3), PhoneBinding("android-0003-aaaa", "hash-3"))
        repo.release_device(
            nip_of(3), "android-0003-aaaa", DeviceReset("budi")
        )  # phone reset: not activated until a login
        repo.bind_device(nip_of(5), PhoneBinding("android-0005-aaaa", "hash-5"))
        repo.put_employee(employee(nip_of(5), active=False))  # SIMPEG deactivated them: not counted at all
        assert repo.unit_counts("U1", MODELS) == UnitCounts(4, 1, 0)
        assert repo.unit_counts("U2", MODELS) == UnitCounts(1, 0, 0) and repo.unit_counts("U9", MODELS) == UnitCounts(
            0, 0, 0
        )
        # WHEN the reset employee logs in on a new phone and the deactivated one comes back, THEN both count again
        repo.bind_device(nip_of(3), PhoneBinding("android-0033-aaaa"))
        repo.put_employee(employee(nip_of(5)))
        assert repo.unit_counts("U1", MODELS) == UnitCounts(5, 3, 0)

    def test_all_units_are_counted_in_one_pass_as_each_alone(self, repo: PeopleRepository) -> None:
        # GIVEN 30 employees over three units, some activated (a phone; a password alone is not), some inactive,
        # and a unit whose only employee left
        for i in range(1, 31):
            repo.put_employee(employee(nip_of(i), unor_id=f"U{i % 3}", active=i % 5 != 0))
            if i % 4 == 0:
                repo.bind_device(nip_of(i), PhoneBinding(f"android-{i:04d}-aaaa", f"hash-{i}"))
            elif i % 7 == 0:
                repo.set_password("employee", nip_of(i), f"hash-{i}")
        repo.put_employee(employee(OTHER, unor_id="U3", active=False))
        # THEN the one-pass counts are the per-unit counts, for every unit with active employees and no other
        every = repo.counts_of_all_units(MODELS)
        assert every == {unit: repo.unit_counts(unit, MODELS) for unit in ("U0", "U1", "U2")}
        assert repo.unit_counts("U3", MODELS) == UnitCounts(0, 0, 0)
        # (24 active; phones on 4, 8, 12, 16, 24, 28: 20 left)
        assert sum(c.employees for c in every.values()) == 24 and sum(c.activated for c in every.values()) == 6

    def test_employees_come_in_one_batch_by_nip(self, repo: PeopleRepository) -> None:
        for i in (3, 1, 2):
            repo.put_employee(employee(nip_of(i)))
        found = repo.get_employees([nip_of(2), nip_of(1), nip_of(2), "199912312020121001"])
        assert [e.nip for e in found] == [nip_of(1), nip_of(2)] and repo.get_employees([]) == []


def account_of_each_kind(repo: PeopleRepository, kind: AccountKind) -> str:
    """GIVEN an employee with a bound phone and a unit admin: the key of the account of `kind`."""
    repo.put_employee(employee())
    repo.bind_device(NIP, PhoneBinding(PHONE, "hash-1"))
    repo.create_admin(AdminUser("budi", "unit_admin"), "hash-b")
    return NIP if kind == "employee" else "budi"


def holder_of(repo: PeopleRepository, kind: AccountKind) -> Employee | AdminUser:
    holder = repo.get_employee(NIP) if kind == "employee" else repo.get_admin("budi")
    assert holder is not None
    return holder
