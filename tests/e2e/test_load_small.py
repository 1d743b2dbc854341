"""A small morning rush with a storage crash in the middle: no check-in the phones were told about is lost or doubled.

Runs bench/load_checkin.py's `run_load` (the same code as the benchmark) against a stack of its own: 20 phones,
4 at a time, moto killed (SIGKILL) once a quarter of them have their answer and restarted from its write-ahead log.
"""

from __future__ import annotations

import pytest

from bench.load_checkin import LoadConfig, format_report, own_stack, run_load
from tests.e2e.conftest import require_load_data

pytestmark = pytest.mark.load

PHONES = 20


def test_rush_with_storage_kill_counts_exactly() -> None:
    require_load_data()

    # GIVEN a running stack and 20 activated, enrolled phones. A liveness clip the judge refuses goes to review:
    # this test is about storage, and the phones' turns are sweeps of still photos that about half the dev
    # identities cannot make on the asked side (bench/liveness_RESULTS.md); refused, a phone caught by the outage
    # would leave no event id to compare, and by chance none might be recorded after retrying
    with own_stack(extra_env={"SMART_LIVENESS": "review"}) as stack:
        assert stack.urls is not None
        config = LoadConfig(
            api_url=stack.urls.api,
            moto_url=stack.urls.moto,
            phones=PHONES,
            concurrency=4,
            kill_storage_after=PHONES // 4,
            storage_down_s=0.5,
            give_up_after_s=120.0,
        )
        # WHEN they all check in while moto is killed and restarted
        report = run_load(config, stack=stack)
    print(format_report(report))

    # THEN the kill happened while phones were checking in, and they were made to retry
    assert len(report.restarts) == 1
    assert report.retries, "no phone saw the storage outage: the kill came too late to test anything"
    # AND every phone got a final answer, none was told "already recorded" for its own retry
    assert report.gave_up == 0
    assert "ALREADY_RECORDED" not in report.outcomes
    # AND what the phones were told recorded is exactly what is stored, once per employee
    assert report.answered_recorded == report.stored_recorded
    assert report.missing_event_ids == [] and report.unexpected_event_ids == []
    assert report.duplicated_nips == []
    # AND the outage lost nothing of the set-up either (bound phones, enrolled faces)
    ready = report.phones  # phones whose set-up succeeded (a failed one is reported in setup_failures)
    assert ready >= PHONES // 2, report.setup_failures
    assert report.people_after == {"employee_record": ready, "phone_bound": ready, "face_enrolled": ready}
    assert report.exact, report.problems
    # AND no phone was wrongly told it is not logged in or not its phone. Known failure (reported to the lead):
    # the restarted moto serves requests while it is still replaying its write-ahead log, so the API can read
    # a half-restored employee (missing or older) and answer 401/403 instead of 503.
    auth_errors = {code: n for code, n in report.outcomes.items() if code in ("UNAUTHENTICATED", "DEVICE_MISMATCH")}
    if auth_errors:
        pytest.xfail(f"phones got auth errors right after the storage restart: {auth_errors}")
    # AND (so that the counts above are not trivially equal) phones caught by the outage got recorded by retrying
    assert report.recorded_after_retry > 0
