"""`--fast-setup` of bench/load_checkin.py: phones prepared in-process must be as good as phones set up by the API.

The option exists so that a 7,000-phone rush does not spend half an hour in set-up; it is only worth anything if
the phones it prepares are stored like the API's (same rows, same attributes) and can check in with the tokens
it mints. One small stack for both tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import boto3
import pytest

from bench.load_checkin import LoadConfig, own_stack, run_load, set_up
from chalicelib.auth import tokens
from tests.e2e.conftest import require_load_data
from tools.devstack import LocalStack

pytestmark = pytest.mark.load

PHONES = 8
# The tables activation and enrolment write per phone (the audit log is compared by count below).
PER_PHONE_TABLES = ("employees", "devices", "face_templates", "fingerprints")


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    require_load_data()
    with own_stack() as started:
        yield started


def _config(stack: LocalStack, **changes: Any) -> LoadConfig:
    assert stack.urls is not None
    return replace(LoadConfig(api_url=stack.urls.api, moto_url=stack.urls.moto, give_up_after_s=120.0), **changes)


def _stored_shape(config: LoadConfig, nips: set[str]) -> dict[str, tuple[int, list[str]]]:
    """Per table: how many rows the given employees have and which attributes those rows carry."""
    ddb = boto3.resource(
        "dynamodb",
        endpoint_url=config.moto_url,
        region_name=config.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    shape: dict[str, tuple[int, list[str]]] = {}
    for base in PER_PHONE_TABLES:
        rows = [r for r in ddb.Table(config.table_prefix + base).scan()["Items"] if r.get("nip") in nips]
        shape[base] = (len(rows), sorted({name for row in rows for name in row}))
    return shape


def test_fast_setup_stores_what_the_api_setup_stores(stack: LocalStack) -> None:
    # GIVEN two phones set up through the API and two prepared with --fast-setup, on the same stack
    via_api = set_up(_config(stack, phones=2, concurrency=2))
    fast = set_up(_config(stack, phones=2, concurrency=2, fast_setup=True))
    assert len(via_api.phones) == len(fast.phones) == 2, (via_api.failures, fast.failures)

    # WHEN their stored rows are compared
    config = _config(stack)
    api_shape = _stored_shape(config, {p.nip for p in via_api.phones})
    fast_shape = _stored_shape(config, {p.nip for p in fast.phones})

    # THEN the same rows with the same attributes were written (binding both ways, template, fingerprint)
    differ = {
        t: sorted(set(fast_shape[t][1]) ^ set(api_shape[t][1])) for t in api_shape if fast_shape[t] != api_shape[t]
    }
    assert fast_shape == api_shape, differ
    assert all(count == 2 for count, _ in api_shape.values()), api_shape
    # AND the minted tokens say what activation's tokens say, for each phone's own device and unit
    for phone in fast.phones:
        principal = tokens.verify(phone.token, stack.config.token_secret)
        assert (principal.subject, principal.role, principal.device_id) == (phone.nip, "employee", phone.device_id)
        assert principal.unit_ids == frozenset({phone.unit})
        assert principal.version == 0


def test_fast_setup_rush_counts_exactly(stack: LocalStack) -> None:
    # GIVEN phones prepared with --fast-setup
    config = _config(stack, phones=PHONES, concurrency=4, fast_setup=True)

    # WHEN they all check in
    report = run_load(config, stack=stack)

    # THEN every phone was ready, and the API took their tokens (no auth refusal) and their enrolments
    assert report.setup_failures == {}
    assert report.phones == PHONES
    assert not {"UNAUTHENTICATED", "DEVICE_MISMATCH", "NOT_ENROLLED"} & set(report.outcomes), report.outcomes
    assert report.answered_recorded > 0, report.outcomes
    # AND what was answered is exactly what is stored, and set-up is intact
    assert report.people_after == {"employee_record": PHONES, "phone_bound": PHONES, "face_enrolled": PHONES}
    assert report.exact, report.problems
