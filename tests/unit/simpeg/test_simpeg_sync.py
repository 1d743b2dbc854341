"""Sync and import use cases end to end: simulator over HTTP -> client -> plan -> in-memory stores."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.simpeg.errors import SimpegConflictError, SimpegNotFoundError
from chalicelib.simpeg.importing import ImportRequest, parse_import_csv, parse_import_json
from chalicelib.simpeg.mapping import FieldMapping
from chalicelib.simpeg.memory import InMemoryEmployeeRepository, InMemoryRunLog
from chalicelib.simpeg.models import Change, StoredEmployee, SyncRun, Trigger
from chalicelib.simpeg.sync import Clock, Stores, SyncConfig, confirm_run, run_import, run_sync

from .conftest import SIM_SIZE, ClientFactory, Sim, StaleTotal, pages_of

SCHEDULE = Trigger("schedule")


@pytest.fixture
def stores() -> Stores:
    return Stores(InMemoryEmployeeRepository(), InMemoryRunLog())


@pytest.fixture
def clock() -> Clock:
    ticks = iter(range(1_000_000))
    start = datetime(2026, 2, 2, tzinfo=UTC)
    return lambda: start + timedelta(seconds=next(ticks))


def employees(stores: Stores) -> dict[str, StoredEmployee]:
    return {e.nip: e for e in stores.employees.list_employees()}


def sync(make_client: ClientFactory, stores: Stores, clock: Clock, trigger: Trigger = SCHEDULE) -> SyncRun:
    return run_sync(make_client("key"), stores, trigger=trigger, clock=clock)


def test_first_sync_creates_every_employee_and_unit(sim: Sim, make_client: ClientFactory, stores: Stores,
                                                   clock: Clock) -> None:  # fmt: skip
    run = sync(make_client, stores, clock, Trigger("admin", "budi"))
    assert run.status == "succeeded" and run.counts.created == SIM_SIZE and run.counts.errors == 0
    assert len(employees(stores)) == SIM_SIZE and all(e.active for e in employees(stores).values())
    unit_ids = {e.unor_id for e in employees(stores).values()}
    assert {u.unor_id for u in stores.employees.list_units()} == unit_ids
    assert stores.runs.get_run(run.run_id) == run
    assert run.trigger == Trigger("admin", "budi") and run.started_at < (run.finished_at or "")


def test_second_sync_changes_nothing(sim: Sim, make_client: ClientFactory, stores: Stores, clock: Clock) -> None:
    sync(make_client, stores, clock)
    before = employees(stores)
    again = sync(make_client, stores, clock)
    assert again.status == "succeeded" and again.counts.unchanged == SIM_SIZE
    nothing = dict.fromkeys(
        ("created", "updated", "moved", "deactivated", "errors", "units_upserted", "stranded", "emptied_units"), 0
    )
    assert again.counts.to_dict() == {**nothing, "unchanged": SIM_SIZE}
    assert employees(stores) == before  # not even changed_at moved


def test_upstream_changes_show_as_each_outcome(sim: Sim, make_client: ClientFactory, stores: Stores,
                                              clock: Clock) -> None:  # fmt: skip
    # GIVEN a synced store
    sync(make_client, stores, clock)
    # WHEN SIMPEG hires two, transfers one, promotes one, retires one and drops one from its list
    hired = sim.control("hire", count=2)["nips"]
    (moved,) = sim.control("transfer", count=1)["nips"]
    others = [n for n in sorted(employees(stores)) if n != moved]
    sim.control("update", nip=others[0], fields={"jabatanNama": "Guru Ahli Madya"})
    sim.control("retire", nips=[others[1]], mode="status")
    sim.control("retire", nips=[others[2]], mode="remove")
    run = sync(make_client, stores, clock)
    # THEN each is recorded as what it is
    counts = run.counts
    assert (counts.created, counts.moved, counts.updated, counts.deactivated) == (2, 1, 1, 2)
    assert counts.unchanged == SIM_SIZE - 4
    after = employees(stores)
    assert all(after[n].active for n in hired)
    assert after[others[0]].jabatan == "Guru Ahli Madya"
    assert not after[others[1]].active and not after[others[2]].active  # kept, not deleted
    assert after[others[2]].deactivated_at is not None


def test_an_upstream_record_with_no_status_is_reported_not_taken_for_a_retirement(
    sim: Sim, make_client: ClientFactory, stores: Stores, clock: Clock
) -> None:
    # GIVEN a synced store, and SIMPEG records whose status came back blank: one null, one an empty text (a data
    # entry half done upstream, 2 of 120: under the deactivation share), and a new hire whose status is not set yet
    sync(make_client, stores, clock)
    blank = sorted(employees(stores))[:2]
    sim.control("update", nip=blank[0], fields={"kedudukanPnsNama": None})
    sim.control("update", nip=blank[1], fields={"kedudukanPnsNama": "  "})
    (hired,) = sim.control("hire", count=1)["nips"]
    sim.control("update", nip=hired, fields={"kedudukanPnsNama": None})
    # WHEN the nightly sync runs
    run = sync(make_client, stores, clock)
    # THEN nobody is deactivated or created inactive on a status SIMPEG did not send: the records are row errors
    # naming their NIPs (as an import's row without a status is), and the two stay as they were
    assert run.status == "succeeded" and run.counts.deactivated == 0 and run.counts.created == 0
    assert all(employees(stores)[nip].active for nip in blank) and hired not in employees(stores)
    assert sorted((e.nip, e.code) for e in run.errors) == sorted((n, "MISSING_FIELD") for n in [*blank, hired])


def test_an_upstream_record_whose_nip_cannot_be_read_holds_the_run_rather_than_deactivate_its_employee(
    sim: Sim, make_client: ClientFactory, stores: Stores, clock: Clock
) -> None:
    # GIVEN a synced store, and one SIMPEG record whose NIP came back a digit short (1 of 120: under the share)
    sync(make_client, stores, clock)
    victim = sorted(employees(stores))[0]
    sim.control("update", nip=victim, fields={"nipBaru": victim[:-1]})
    # WHEN the nightly sync runs
    held = sync(make_client, stores, clock)
    # THEN the employee behind it is not deactivated as absent: the run waits for an admin, saying why
    assert held.status == "needs_confirmation" and "INCOMPLETE_LISTING" in held.blocked_by
    assert held.message is not None and "tanpa NIP yang terbaca" in held.message
    assert employees(stores)[victim].active


def test_empty_listing_is_not_applied(sim: Sim, make_client: ClientFactory, stores: Stores, clock: Clock) -> None:
    sync(make_client, stores, clock)
    before = employees(stores)
    sim.control("fault", kind="empty", count=1)
    run = sync(make_client, stores, clock)
    assert run.status == "needs_confirmation"
    assert set(run.blocked_by) == {"EMPTY_LISTING", "TOO_MANY_DEACTIVATIONS", "UNITS_EMPTIED"}
    assert run.counts.deactivated == SIM_SIZE and employees(stores) == before


def test_truncated_listing_waits_and_confirm_refetches(sim: Sim, make_client: ClientFactory, stores: Stores,
                                                       clock: Clock) -> None:  # fmt: skip
    # GIVEN a synced store and an upstream that cuts page 2 short once
    sync(make_client, stores, clock)
    sim.control("fault", kind="truncate", page=2, count=1)
    held = sync(make_client, stores, clock)
    assert held.status == "needs_confirmation" and "INCOMPLETE_LISTING" in held.blocked_by
    assert held.fetched < SIM_SIZE and held.announced_total == SIM_SIZE
    assert all(e.active for e in employees(stores).values())
    # WHEN an admin confirms
    done = confirm_run(held.run_id, make_client("key"), stores, actor="budi", clock=clock)
    # THEN a fresh, complete listing is applied and the held run points at it
    assert done.status == "succeeded" and done.counts.deactivated == 0 and done.trigger.confirms_run_id == held.run_id
    confirmed = stores.runs.get_run(held.run_id)
    assert confirmed is not None and confirmed.status == "confirmed"
    assert (confirmed.confirmed_by, confirmed.followed_by) == ("budi", done.run_id)


def test_a_page_answered_twice_is_an_incomplete_listing_not_a_quiet_deactivation(
    sim: Sim, make_client: ClientFactory, stores: Stores, clock: Clock
) -> None:
    # GIVEN a synced store and an upstream that answers page 2 with page 1's rows once (the total still adds up)
    sync(make_client, stores, clock)
    sim.control("fault", kind="repeat", page=2, count=1)
    # WHEN the nightly sync runs
    held = sync(make_client, stores, clock)
    # THEN page 2's employees are not deactivated: the run is held as an incomplete listing, and says why
    assert held.fetched == SIM_SIZE and held.status == "needs_confirmation"
    assert "INCOMPLETE_LISTING" in held.blocked_by and held.message is not None and "lebih dari sekali" in held.message
    assert all(e.active for e in employees(stores).values())


def test_a_later_page_answered_empty_with_a_total_of_zero_is_an_incomplete_listing(
    sim: Sim, make_client: ClientFactory, mapping: FieldMapping, stores: Stores, clock: Clock
) -> None:
    # GIVEN a synced store, pages of 59 (120 employees: 59, 59, 2), and an upstream whose last page hiccups once:
    # 200 with no rows and `total: 0` (a query that failed behind a PHP API), the other pages announcing 120
    client = make_client("key", mapping=replace(mapping, listing=replace(mapping.listing, page_size=59)))
    run_sync(client, stores, trigger=SCHEDULE, clock=clock)
    sim.control("fault", kind="empty", page=3, count=1)
    # WHEN the nightly sync runs
    held = run_sync(client, stores, trigger=SCHEDULE, clock=clock)
    # THEN the last page's two employees (1.7 %, under the deactivation share) are not deactivated: the listing
    # changed its announced total midway, so the run is held as incomplete and says why
    assert held.status == "needs_confirmation" and "INCOMPLETE_LISTING" in held.blocked_by
    assert held.message is not None and "120" in held.message
    assert all(e.active for e in employees(stores).values())


def test_a_total_announced_too_low_holds_the_run_rather_than_deactivate_the_employees_past_it(
    sim: Sim, make_client: ClientFactory, mapping: FieldMapping, stores: Stores, clock: Clock
) -> None:
    # GIVEN a synced store, and a SIMPEG whose `meta.total` is stale: 116 announced while 120 are listed, in pages
    # of 29 (the total's four pages full, the last four employees on a fifth page)
    sync(make_client, stores, clock)
    client = make_client("key", mapping=pages_of(mapping, 29), pool=StaleTotal(116))
    # WHEN the nightly sync runs
    held = run_sync(client, stores, trigger=SCHEDULE, clock=clock)
    # THEN the four past the total (3.3 %, under the deactivation share) are read, not deactivated, and the run
    # waits for an admin, saying SIMPEG's total is wrong
    assert held.status == "needs_confirmation" and "INCOMPLETE_LISTING" in held.blocked_by
    assert (held.fetched, held.announced_total, held.counts.deactivated) == (SIM_SIZE, 116, 0)
    assert held.message is not None and "jumlah total dari SIMPEG salah" in held.message
    assert all(e.active for e in employees(stores).values())
    # AND a confirmation applies the whole listing it reads again: nobody is deactivated
    done = confirm_run(held.run_id, client, stores, actor="budi", clock=clock)
    assert done.status == "succeeded" and all(e.active for e in employees(stores).values())


def test_mass_deactivation_needs_confirmation_then_applies(sim: Sim, make_client: ClientFactory, stores: Stores,
                                                           clock: Clock) -> None:  # fmt: skip
    sync(make_client, stores, clock)
    gone = sim.control("retire", count=10, mode="remove")["nips"]  # 10 of 120 > 5 %
    held = sync(make_client, stores, clock)
    assert held.status == "needs_confirmation" and held.blocked_by == ("TOO_MANY_DEACTIVATIONS",)
    assert held.counts.deactivated == 10 and all(employees(stores)[n].active for n in gone)
    done = confirm_run(held.run_id, make_client("key"), stores, actor="budi", clock=clock)
    assert done.status == "succeeded" and done.counts.deactivated == 10
    assert not any(employees(stores)[n].active for n in gone) and len(employees(stores)) == SIM_SIZE


def test_confirm_does_not_cover_more_than_the_admin_saw(sim: Sim, make_client: ClientFactory, stores: Stores,
                                                        clock: Clock) -> None:  # fmt: skip
    sync(make_client, stores, clock)
    sim.control("retire", count=10, mode="remove")
    held = sync(make_client, stores, clock)
    sim.control("retire", count=5, mode="remove")  # the upstream got worse meanwhile
    again = confirm_run(held.run_id, make_client("key"), stores, actor="budi", clock=clock)
    assert again.status == "needs_confirmation" and again.counts.deactivated == 15
    assert sum(e.active for e in employees(stores).values()) == SIM_SIZE


def test_confirming_twice_or_a_finished_run_is_a_conflict(sim: Sim, make_client: ClientFactory, stores: Stores,
                                                          clock: Clock) -> None:  # fmt: skip
    first = sync(make_client, stores, clock)
    with pytest.raises(SimpegConflictError):
        confirm_run(first.run_id, make_client("key"), stores, actor="budi", clock=clock)
    sim.control("fault", kind="empty", count=1)
    held = sync(make_client, stores, clock)
    sim.control("fault", kind="empty", count=1)
    confirm_run(held.run_id, make_client("key"), stores, actor="budi", clock=clock)
    with pytest.raises(SimpegConflictError) as caught:
        confirm_run(held.run_id, make_client("key"), stores, actor="ani", clock=clock)
    assert caught.value.code == "CONFLICT"


def test_confirming_an_unknown_run_is_not_found(make_client: ClientFactory, stores: Stores) -> None:
    with pytest.raises(SimpegNotFoundError) as caught:
        confirm_run("nope", make_client("key"), stores, actor="budi")
    assert caught.value.code == "NOT_FOUND"


def test_upstream_down_is_a_recorded_failed_run(sim: Sim, make_client: ClientFactory, stores: Stores,
                                               clock: Clock) -> None:  # fmt: skip
    sim.control("fault", kind="error", status=503, count=100)
    run = sync(make_client, stores, clock)
    assert run.status == "failed" and run.errors[0].code == "UNAVAILABLE"
    assert stores.runs.get_run(run.run_id) == run and list(stores.employees.list_employees()) == []


def test_runs_are_listed_newest_first(sim: Sim, make_client: ClientFactory, stores: Stores, clock: Clock) -> None:
    ids = [sync(make_client, stores, clock).run_id for _ in range(3)]
    page, cursor = stores.runs.list_runs(10)
    assert [r.run_id for r in page] == ids[::-1] and cursor is None
    assert SyncRun.from_dict(page[0].to_dict()) == page[0]


def test_import_applies_good_rows_and_guards_full_deactivation(sim: Sim, make_client: ClientFactory,
                                                               stores: Stores, clock: Clock) -> None:  # fmt: skip
    # GIVEN a synced store of 120 employees
    sync(make_client, stores, clock)
    known = sorted(employees(stores))
    first = employees(stores)[known[0]]
    # WHEN a full CSV import lists only the first employee, moved, plus a bad row
    csv_text = (
        "nip;nama;unor_id;unor_nama;jabatan;status\n"
        f"{first.nip};{first.nama};u-new;SDN 9 Lembang;{first.jabatan};aktif\n"
        "1.98501E+17;Budi;u-1;SDN 1 Ngamprah;Guru;aktif\n"
    )
    result = run_import(parse_import_csv(csv_text, full=True), stores, actor="budi", clock=clock)
    # THEN nothing is applied until the admin confirms the deactivation count shown
    response = result.to_response()
    assert response["status"] == "needs_confirmation" and response["deactivated"] == SIM_SIZE - 1
    errors = response["errors"]
    assert isinstance(errors, list) and len(errors) == 1
    error = errors[0]
    assert (error["row"], error["code"]) == (3, "NIP_SCIENTIFIC_NOTATION") and "notasi ilmiah" in error["message"]
    assert employees(stores)[first.nip].unor_id == first.unor_id
    held = result.run
    done = run_import(parse_import_csv(csv_text, full=True), stores, actor="budi", clock=clock,
                      confirm_deactivations=held.counts.deactivated).run  # fmt: skip
    assert done.status == "succeeded" and (done.counts.moved, done.counts.deactivated) == (1, SIM_SIZE - 1)
    assert employees(stores)[first.nip].unor_id == "u-new"
    assert {u.unor_id: u.unor_nama for u in stores.employees.list_units()}["u-new"] == "SDN 9 Lembang"
    with pytest.raises(SimpegConflictError):
        confirm_run(held.run_id, make_client("key"), stores, actor="budi", clock=clock)


STAFF = [f"198501012010011{i:03d}" for i in range(1, 31)]
HEADER = "nip;nama;unor_id;unor_nama;jabatan;status\n"


def staff_csv(last_nip: str, *, full: bool) -> ImportRequest:
    """The 30 employees as a CSV, the last one's NIP written `last_nip`."""
    rows = "".join(f"{nip};Pegawai {nip[-2:]};u-1;SDN 1;Guru;aktif\n" for nip in [*STAFF[:-1], last_nip])
    return parse_import_csv(HEADER + rows, full=full)


def staff_json_with_a_float_nip() -> ImportRequest:
    rows: list[object] = [{"nip": nip, "nama": "P", "unor_id": "u-1", "unor_nama": "SDN 1", "status": "aktif"}
                          for nip in STAFF]  # fmt: skip
    rows[-1] = {"nip": 1.98501012010011e17, "nama": "P", "unor_id": "u-1", "unor_nama": "SDN 1", "status": "aktif"}
    return parse_import_json({"employees": rows, "full": True})


@pytest.mark.parametrize(
    "export",
    [
        pytest.param(lambda: staff_csv("1,98501E+17", full=True), id="scientific"),
        pytest.param(lambda: staff_csv(STAFF[-1][:-1], full=True), id="a-digit-short"),
        pytest.param(lambda: staff_csv("198501012010011000", full=True), id="cut-to-15-digits"),
        pytest.param(staff_json_with_a_float_nip, id="json-float"),
    ],
)
def test_a_full_import_with_a_row_naming_no_employee_is_held_not_a_quiet_deactivation(
    export: Callable[[], ImportRequest], stores: Stores, clock: Clock
) -> None:
    # GIVEN 30 employees, and their full export in which one row's NIP cannot be read (1 of 30: under the share)
    run_import(staff_csv(STAFF[-1], full=False), stores, actor="budi", clock=clock)
    # WHEN it is imported in full
    held = run_import(export(), stores, actor="budi", clock=clock).run
    # THEN the employee behind that row is not deactivated as absent from the file: the import waits for a
    # confirmation of the exact number, as a nightly sync with such an item does (decision 499)
    assert held.status == "needs_confirmation" and held.blocked_by == ("INCOMPLETE_LISTING",)
    assert held.counts.deactivated == 1 and all(e.active for e in employees(stores).values())
    with pytest.raises(SimpegConflictError) as caught:
        run_import(export(), stores, actor="budi", clock=clock, confirm_deactivations=0)
    assert caught.value.details["deactivated"] == 1 and all(e.active for e in employees(stores).values())


def test_partial_import_never_deactivates_absent_employees(stores: Stores, clock: Clock) -> None:
    csv_text = "nip,nama,unor_id,unor_nama,jabatan,status\n198501012010011001,Asep,u-1,SDN 1 Ngamprah,Guru,aktif\n"
    run_import(parse_import_csv(csv_text), stores, actor="budi", clock=clock)
    other = "nip,nama,unor_id,unor_nama,jabatan,status\n199003152015032002,Euis,u-1,SDN 1 Ngamprah,Guru,aktif\n"
    run = run_import(parse_import_csv(other), stores, actor="budi", clock=clock, config=SyncConfig()).run
    assert run.status == "succeeded" and run.counts.deactivated == 0
    assert all(e.active for e in employees(stores).values()) and len(employees(stores)) == 2


class BrokenStore(InMemoryEmployeeRepository):
    """A store whose writes fail, like DynamoDB throttling mid-sync."""

    def apply(self, changes: Sequence[Change]) -> None:
        raise OSError("write failed")


def test_store_failure_ends_the_run_as_failed_not_running(sim: Sim, make_client: ClientFactory, clock: Clock) -> None:
    stores = Stores(BrokenStore(), InMemoryRunLog())
    with pytest.raises(OSError):
        sync(make_client, stores, clock)
    (run,), _ = stores.runs.list_runs(10)
    assert run.status == "failed" and run.finished_at is not None and "OSError" in (run.message or "")
