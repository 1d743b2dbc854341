"""No use case stores a field duty longer than the duty reads reach back (`store.zones.MAX_DUTY_DAYS`)."""

from __future__ import annotations

from chalicelib.store.zones import MAX_DUTY_DAYS
from chalicelib.usecases import requests, zones


def test_letters_and_dl_requests_are_refused_before_they_outlast_the_bounded_reads() -> None:
    # An admin's letter (`zones.check_period`) and a DL request (`requests._check_dates`, whose approval stores the
    # letter through `zones.record_field_duty`) are the only ways a duty row is written; the repositories refuse
    # a longer one too, so this pins that no use case can get there first.
    assert zones.MAX_ASSIGNMENT_DAYS <= MAX_DUTY_DAYS
    assert requests.MAX_REQUEST_DAYS <= MAX_DUTY_DAYS
