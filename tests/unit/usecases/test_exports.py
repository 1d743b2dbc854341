"""Monthly exports built in the background (usecases/exports.py) on the in-memory twins: the worker's hand-over
is kept in a list, as Lambda queues an asynchronous invocation, and run when the test says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import runtime
from chalicelib.domain.people import Principal
from chalicelib.errors import ForbiddenError, NotFoundError, RateLimitedError
from chalicelib.settings import Settings, build_settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import exports
from chalicelib.usecases.schemas.reports import MonthlyExportRequest

NOW = datetime(2026, 12, 1, 2, 0, 7, 123456, tzinfo=UTC)
SETTINGS = build_settings({})
OPS = Principal("ops-u1", "unit_admin", frozenset({"U1"}))
BKPSDM = Principal("bkpsdm", "super_admin")


@pytest.fixture()
def queued(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> list[Callable[[], object]]:
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    work: list[Callable[[], object]] = []

    def hand_over(_: Settings, __: str, here: Callable[[], object]) -> None:
        work.append(here)

    monkeypatch.setattr(runtime, "start_export", hand_over)
    return work


def ask(principal: Principal, at: datetime = NOW, unor_id: str | None = "U1") -> str:
    body = MonthlyExportRequest.model_validate({"month": "2026-11", "unor_id": unor_id, "format": "csv"})
    return exports.start(principal, body, SETTINGS, at).export_id


def test_an_admin_has_three_exports_built_at_once_and_a_finished_one_frees_its_place(
    queued: list[Callable[[], object]],
) -> None:
    # GIVEN three exports of the unit admin waiting for the worker
    first, *_ = [ask(OPS) for _ in range(3)]
    # WHEN they ask for a fourth THEN it is refused with the time until a place frees itself
    with pytest.raises(RateLimitedError) as refused:
        ask(OPS)
    assert 0 < refused.value.retry_after_s <= exports.DEADLINE_S
    # AND another admin is not held up by them
    ask(BKPSDM)
    # WHEN the worker builds the first one THEN it is a file, and a fourth export of the unit admin is accepted
    queued[0]()
    done = exports.status(OPS, first, SETTINGS, NOW)
    assert (done.status, done.filename, done.message) == ("succeeded", "rekap-absensi-sdn-1-ngamprah-2026-11.csv", None)
    assert done.download_url and done.expires_in_s == SETTINGS.presign_ttl_s
    ask(OPS)
    # AND an export is the asking admin's only: another one of the unit finds nothing
    with pytest.raises(NotFoundError):
        exports.status(Principal("ops-u1-b", "unit_admin", frozenset({"U1"})), first, SETTINGS, NOW)


def test_an_export_the_worker_never_finished_is_answered_as_failed_and_its_place_frees_itself(
    queued: list[Callable[[], object]],
) -> None:
    # GIVEN three exports whose worker was killed before it recorded anything
    ids = [ask(OPS) for _ in range(3)]
    # WHEN the admin looks after the worker's deadline
    later = NOW + timedelta(seconds=exports.DEADLINE_S + 1)
    stale = exports.status(OPS, ids[0], SETTINGS, later)
    # THEN the export says it did not finish, and the admin may ask again
    assert (stale.status, stale.message, stale.download_url) == ("failed", exports.ABANDONED, None)
    assert exports.status(OPS, ids[0], SETTINGS, NOW).status == "running"  # before the deadline: still running
    ask(OPS, later)


def test_a_worker_that_outlived_the_deadline_leaves_the_places_of_the_exports_asked_since(
    queued: list[Callable[[], object]],
) -> None:
    # GIVEN three exports whose worker is still at it after the deadline (a local thread has no time limit; Lambda
    # delivers a cut-off invocation again), and three exports the admin asked since, in the places that freed
    [ask(OPS) for _ in range(3)]
    later = NOW + timedelta(seconds=exports.DEADLINE_S + 1)
    [ask(OPS, later) for _ in range(3)]
    # WHEN the late workers end at last and give their places back
    for late in queued[:3]:
        late()
    # THEN the three exports being built keep their places: a seventh is still refused
    with pytest.raises(RateLimitedError):
        ask(OPS, later)
    # AND one of them ending frees its place
    queued[3]()
    ask(OPS, later)


def test_an_admin_who_lost_the_unit_no_longer_reads_its_export(queued: list[Callable[[], object]]) -> None:
    export_id = ask(OPS)
    queued[0]()
    moved = Principal("ops-u1", "unit_admin", frozenset({"U2"}))
    with pytest.raises(ForbiddenError):
        exports.status(moved, export_id, SETTINGS, NOW)


def test_the_export_id_names_its_run_and_nothing_else(queued: list[Callable[[], object]]) -> None:
    export_id = ask(BKPSDM, unor_id=None)
    assert export_id.startswith("20261201020007-") and len(export_id) == 27
    for wrong in (
        "20261201020008" + export_id[14:],
        export_id[:-1] + ("1" if export_id.endswith("0") else "0"),
        export_id.upper(),
        "",
        # fourteen digits that name no instant (a 13th month, a 99th second): a 404 as any unknown id, not a 500
        "20261399999999" + export_id[14:],
        "00000000000000" + export_id[14:],
        "20261131020007" + export_id[14:],
    ):
        with pytest.raises(NotFoundError):
            exports.status(BKPSDM, wrong, SETTINGS, NOW)
    # a retried worker event for a finished export changes nothing
    assert exports.build(export_id, SETTINGS)["status"] == "succeeded"
    assert exports.build(export_id, SETTINGS) == {"export_id": export_id, "status": "succeeded"}


def test_an_auditor_reads_the_export_they_started(queued: list[Callable[[], object]]) -> None:
    # GIVEN a regency-wide auditor and an auditor of U1, each with an export of U1 (starting one changes no data)
    for auditor in (Principal("pemeriksa", "auditor"), Principal("pemeriksa-u1", "auditor", frozenset({"U1"}))):
        export_id = ask(auditor)
        queued[-1]()
        # THEN each reads their own, built
        assert exports.status(auditor, export_id, SETTINGS, NOW).status == "succeeded"


def test_an_export_older_than_the_buckets_keeping_says_so_instead_of_a_dead_link(
    queued: list[Callable[[], object]],
) -> None:
    export_id = ask(OPS)
    queued[0]()
    finished = exports.status(OPS, export_id, SETTINGS, NOW).finished_at
    assert finished is not None
    kept = timedelta(days=SETTINGS.export_retention_days)
    # still there a second before the bucket lets it go, gone a second after (`finished_at` is to the second)
    ends = datetime.fromisoformat(finished) + kept
    assert exports.status(OPS, export_id, SETTINGS, ends - timedelta(seconds=1)).status == "succeeded"
    gone = exports.status(OPS, export_id, SETTINGS, ends + timedelta(seconds=1))
    assert (gone.status, gone.download_url, gone.message) == ("expired", None, exports.EXPIRED)
