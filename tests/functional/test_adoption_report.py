"""The rollout's adoption report through the API: per unit and day, who uses the app, the machine, both, or
nothing (JSON and XLSX), within the caller's units."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote, urlparse

import openpyxl
import pytest

from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee, PhoneBinding, Principal
from chalicelib.errors import UnavailableError
from chalicelib.settings import load_settings
from chalicelib.store import events as events_store
from chalicelib.store.aws import s3_client
from chalicelib.store.events import DynamoEventsRepository
from chalicelib.store.models import EmployeeModel
from chalicelib.store.people import DynamoPeopleRepository
from chalicelib.usecases import adoption
from chalicelib.usecases.directory import policy_models
from chalicelib.usecases.schemas.rollout import AdoptionQuery, AdoptionReport
from tests.functional.conftest import Api
from tests.functional.dynamo_reads import dynamodb_requests
from tests.functional.test_fingerprint_import import MONDAY, TUESDAY, A, B, C, D, attlog, import_file, punch
from tests.functional.test_recaps import seed_event

PEOPLE = DynamoPeopleRepository()
E = "197001012000011005"  # retired: not counted
F, G = "199105052015031006", "196811112000012007"
REPORT = "/v1/admin/reports/adoption"


def setup_units() -> None:
    PEOPLE.upsert_unit("U1", "SDN 1 Ngamprah")
    PEOPLE.upsert_unit("U2", "Puskesmas Batujajar")
    PEOPLE.put_employee(Employee(nip=A, nama="Asep", unor_id="U1"))
    PEOPLE.put_employee(Employee(nip=B, nama="Budi", unor_id="U1"))
    PEOPLE.bind_device(A, PhoneBinding("android-phone-aaaa"))
    PEOPLE.bind_device(B, PhoneBinding("android-phone-bbbb"))
    # An approved face made by the scoring policy's models, as an approval notes it (decision 381)
    models = ",".join(policy_models(load_settings()))
    EmployeeModel(A).update(
        actions=[
            EmployeeModel.template_count.set(1),
            EmployeeModel.face_model.set(models),
            EmployeeModel.pending_faces.set(1),  # another photo waits: A can check in, not held up
        ]
    )
    EmployeeModel(B).update(actions=[EmployeeModel.pending_faces.set(2)])  # B's faces wait, none approved
    PEOPLE.put_employee(Employee(nip=C, nama="Cucu", unor_id="U1"))
    PEOPLE.put_employee(Employee(nip=E, nama="Euis", unor_id="U1", active=False))
    PEOPLE.put_employee(Employee(nip=D, nama="Dadang", unor_id="U2"))


def test_adoption_per_unit_and_day_by_source(api: Api) -> None:
    setup_units()
    admin = api.admin_token()
    # Monday: A by app and machine, B by app only, C by machine only. Tuesday: U1 cut over; C's punch no longer counts.
    seed_event(A, "U1", "in", datetime(2026, 11, 2, 7, 20))
    seed_event(B, "U1", "in", datetime(2026, 11, 2, 7, 25))
    seed_event(B, "U1", "out", datetime(2026, 11, 3, 16, 0), status="review")  # pending: not counted
    seed_event(E, "U1", "in", datetime(2026, 11, 2, 7, 0))
    revoked = seed_event(C, "U1", "in", datetime(2026, 11, 2, 7, 15))  # a correction taken back: not counted
    DynamoEventsRepository().revoke_accepted(revoked, Decided("admin", "Tidak ada bukti", datetime.now(UTC)))
    import_file(api, admin, attlog(punch(A, MONDAY, "16:00:00"), punch(C, MONDAY, "07:10:00")))
    import_file(api, admin, attlog(punch(C, TUESDAY, "07:10:00"), punch(D, TUESDAY, "07:00:00")))
    assert api.call("PUT", "/v1/admin/units/U1/cutover", {"date": TUESDAY.isoformat()}, token=admin).status == 200
    answer = api.call("GET", f"{REPORT}?from={MONDAY}&to={TUESDAY}", token=admin)
    assert answer.status == 200, answer.body
    report = answer.body
    assert (report["from_date"], report["to_date"]) == (MONDAY.isoformat(), TUESDAY.isoformat())
    units = {u["unor_id"]: u for u in report["units"]}
    assert units["U1"]["cutover"] == TUESDAY.isoformat() and units["U2"]["cutover"] is None
    monday, tuesday = units["U1"]["days"]
    assert monday == {
        "date": MONDAY.isoformat(),
        "employees": 3,
        "activated": 2,
        "enrolled": 1,
        "app": 2,
        "fingerprint": 2,
        "both": 1,
        "none": 0,
        "awaiting_approval": 1,
    }
    assert (tuesday["app"], tuesday["fingerprint"], tuesday["none"]) == (0, 0, 3)
    assert [d["fingerprint"] for d in units["U2"]["days"]] == [0, 1]
    assert [t["employees"] for t in report["totals"]] == [4, 4]
    assert [t["fingerprint"] for t in report["totals"]] == [2, 1]


def test_a_day_counts_the_units_members_of_that_day(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN Fajar moved from U2 into U1 on Tuesday at 01:00 (the nightly sync) and Gita retired on Tuesday at 10:00
    setup_units()
    admin = api.admin_token()
    PEOPLE.put_employee(Employee(nip=F, nama="Fajar", unor_id="U2"))
    PEOPLE.put_employee(Employee(nip=G, nama="Gita", unor_id="U1"))
    monkeypatch.setattr("chalicelib.store.people.utc_now", lambda: datetime(2026, 11, 2, 18, 0, tzinfo=UTC))
    PEOPLE.put_employee(Employee(nip=F, nama="Fajar", unor_id="U1"))
    monkeypatch.setattr("chalicelib.store.people.utc_now", lambda: datetime(2026, 11, 3, 3, 0, tzinfo=UTC))
    PEOPLE.put_employee(Employee(nip=G, nama="Gita", unor_id="U1", active=False))
    # AND app check-ins: Asep and Gita on Monday, Fajar on Tuesday
    seed_event(A, "U1", "in", datetime(2026, 11, 2, 7, 20))
    seed_event(G, "U1", "in", datetime(2026, 11, 2, 7, 30))
    seed_event(F, "U1", "in", datetime(2026, 11, 3, 7, 15))
    # WHEN U1's adoption is read for both days
    answer = api.call("GET", f"{REPORT}?from={MONDAY}&to={TUESDAY}&unor_id=U1", token=admin)
    assert answer.status == 200, answer.body
    # THEN Monday counts Gita, not Fajar, and Tuesday the other way round: nobody is "none" for a day not theirs
    days = [(d["employees"], d["app"], d["none"]) for d in answer.body["units"][0]["days"]]
    assert days == [(4, 2, 2), (4, 1, 3)]


def test_a_unit_admin_sees_only_their_units_and_the_xlsx_has_indonesian_headers(api: Api) -> None:
    setup_units()
    admin = api.admin_token()
    ops = api.unit_admin_token(admin, "U2")
    own = api.call("GET", f"{REPORT}?from={MONDAY}&to={MONDAY}", token=ops)
    assert [u["unor_id"] for u in own.body["units"]] == ["U2"]
    other = api.call("GET", f"{REPORT}?from={MONDAY}&to={MONDAY}&unor_id=U1", token=ops)
    assert (other.status, other.body["error"]["code"]) == (403, "FORBIDDEN")
    too_long = api.call("GET", f"{REPORT}?from=2026-01-01&to=2026-12-31", token=admin)
    assert (too_long.status, too_long.body["error"]["code"]) == (400, "VALIDATION_ERROR")
    backwards = api.call("GET", f"{REPORT}?from={TUESDAY}&to={MONDAY}", token=admin)
    assert backwards.status == 400
    link = api.call("GET", f"{REPORT}?from={MONDAY}&to={TUESDAY}&format=xlsx", token=admin)
    assert link.status == 200, link.body
    settings = load_settings()
    key = unquote(urlparse(link.body["download_url"]).path).lstrip("/").removeprefix(f"{settings.bucket}/")
    content = s3_client(settings.region).get_object(Bucket=settings.bucket, Key=key)["Body"].read()
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Tanggal",
        "Unit",
        "Jumlah Pegawai",
        "Sudah Aktivasi",
        "Wajah Terdaftar",
        "Menunggu Persetujuan Wajah",
    )
    assert len(rows) == 1 + 2 * 2
    # Budi's faces wait for U1's admin, none approved; Asep's extra photo waits too, but he can check in
    assert {(row[1], row[4], row[5]) for row in rows[1:]} == {("SDN 1 Ngamprah", 1, 1), ("Puskesmas Batujajar", 0, 0)}


def regency_report(start: date, end: date) -> AdoptionReport:
    query = AdoptionQuery.model_validate({"from": start.isoformat(), "to": end.isoformat()})
    report = adoption.adoption(Principal("admin", "super_admin"), query, load_settings())
    assert isinstance(report, AdoptionReport)
    return report


def test_the_regency_report_reads_each_units_days_in_one_batch_not_every_days_events(api: Api) -> None:
    # GIVEN 12 units with an employee each, who checks in by the app on every weekday of 31 days (weekends empty)
    units, first = 12, date(2026, 10, 1)
    days = [first + timedelta(days=i) for i in range(31)]
    for u in range(units):
        nip = f"19800101200501{u:04d}"
        PEOPLE.upsert_unit(f"U{u:02d}", f"Unit {u:02d}")
        PEOPLE.put_employee(Employee(nip=nip, nama=f"Pegawai {u}", unor_id=f"U{u:02d}"))
        for day in days:
            if day.weekday() < 5:
                seed_event(nip, f"U{u:02d}", "in", datetime.combine(day, datetime.min.time()).replace(hour=7))
    first_read = regency_report(days[0], days[-1])  # the days' digests are vouched for (rebuilt) once
    # WHEN the regency's month is read again
    with dynamodb_requests() as requests:
        report = regency_report(days[0], days[-1])
    # THEN it gives the same figures, every weekday counted by the app
    assert report == first_read
    assert [t.app for t in report.totals] == [units if d.weekday() < 5 else 0 for d in days]
    # AND it read per unit its employees, its name, its cut-over and one batch of its 31 digests: no day's
    # events (the old report made one Query per unit and day: 12 x 31 = 372 more) and no write
    assert requests == {"Query": units + 1, "GetItem": 2 * units, "BatchGetItem": units}


def test_days_recorded_before_digests_or_only_partly_are_rebuilt_once_from_their_events(api: Api) -> None:
    # GIVEN Monday's app check-ins stored without digests (as before digests were kept), and Tuesday's app
    # check-in without one either, but a digest for Tuesday written by a later import of the machine's punches
    setup_units()
    admin = api.admin_token()
    seed_event(A, "U1", "in", datetime(2026, 11, 2, 7, 20))
    seed_event(B, "U1", "in", datetime(2026, 11, 2, 7, 25))
    seed_event(B, "U1", "in", datetime(2026, 11, 3, 7, 25))
    import_file(api, admin, attlog(punch(C, TUESDAY, "07:10:00")))
    events = DynamoEventsRepository()
    assert not events.digests_of_unit_days([("U1", MONDAY.isoformat())])[("U1", MONDAY.isoformat())].stored
    assert not events.digests_of_unit_days([("U1", TUESDAY.isoformat())])[("U1", TUESDAY.isoformat())].complete
    # WHEN the report is read, THEN it counts every event: those days were rebuilt from their events
    with dynamodb_requests() as first:
        report = regency_report(MONDAY, TUESDAY)
    u1 = next(u for u in report.units if u.unor_id == "U1")
    assert [(d.app, d.fingerprint, d.both) for d in u1.days] == [(2, 0, 0), (1, 1, 0)]
    assert first["UpdateItem"] == 4  # the four unit-days (U2's two empty ones kept empty, complete)
    # AND they stay complete: the next read reads digests alone and gives the same figures
    with dynamodb_requests() as again:
        assert regency_report(MONDAY, TUESDAY) == report
    assert "UpdateItem" not in again and again["Query"] == 2 + 1  # the two units' employees, the unit list


def test_a_check_in_whose_digest_note_failed_takes_back_the_days_vouching_and_is_counted(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Monday's digest vouched for by a report (Asep's check-in)
    setup_units()
    seed_event(A, "U1", "in", datetime(2026, 11, 2, 7, 20))
    regency_report(MONDAY, MONDAY)
    # WHEN Budi's check-in is stored but DynamoDB refuses its digest token (throttled at 07:00)
    stored = DynamoEventsRepository().get_event(seed_event(B, "U1", "in", datetime(2026, 11, 2, 7, 25)))
    assert stored is not None

    def throttled(tokens: set[str], decisions: set[str] | None = None) -> list[object]:
        raise UnavailableError(details={"dependency": "dynamodb"})

    with monkeypatch.context() as patched:
        patched.setattr(events_store, "_digest_add", throttled)
        events_store._note_in_digest(stored)
    # THEN the day no longer counts as complete, and the next report rebuilds it: both are counted
    assert not DynamoEventsRepository().digests_of_unit_days([("U1", "2026-11-02")])[("U1", "2026-11-02")].complete
    u1 = next(u for u in regency_report(MONDAY, MONDAY).units if u.unor_id == "U1")
    assert u1.days[0].app == 2
