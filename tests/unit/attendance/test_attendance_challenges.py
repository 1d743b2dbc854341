"""Signed check-in challenges: valid exactly for their employee, phone and lifetime, and unforgeable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.attendance import challenges

NIP, PHONE, SECRET = "198503102010011002", "phone-0001", "deployment-secret"
NOW = datetime(2026, 11, 28, 0, 29, 59, 700_000, tzinfo=UTC)  # 07:29:59.7 in Jakarta


def test_a_challenge_verifies_for_its_employee_and_phone_with_its_issue_time() -> None:
    issued = challenges.issue(NIP, PHONE, NOW, 600, SECRET)
    assert len(issued.challenge_id) <= 64  # API.md: the client sends it back as an opaque string of ≤ 64
    assert issued.issued_at == NOW.replace(microsecond=0)  # whole seconds: 07:29:59, not late
    assert issued.expires_at == issued.issued_at + timedelta(seconds=600)
    assert challenges.verify(issued.challenge_id, NIP, PHONE, NOW + timedelta(minutes=9), SECRET) == issued


@pytest.mark.parametrize("action", ["turn_left", "turn_right", "nod", "blink", None])
def test_a_challenge_carries_the_liveness_action_it_was_issued_with(action: str | None) -> None:
    issued = challenges.issue(NIP, PHONE, NOW, 3600, SECRET, action=action)
    assert len(issued.challenge_id) <= 64 and issued.action == action
    verified = challenges.verify(issued.challenge_id, NIP, PHONE, NOW, SECRET)
    assert verified is not None and verified.action == action


def test_every_challenge_is_different() -> None:
    ids = {challenges.issue(NIP, PHONE, NOW, 600, SECRET).challenge_id for _ in range(100)}
    assert len(ids) == 100


@pytest.mark.parametrize(
    ("offset_s", "valid"), [(-6, False), (-5, True), (0, True), (599, True), (600, False), (3600, False)]
)
def test_lifetime_edges(offset_s: int, valid: bool) -> None:
    # A challenge is refused from its expiry on, and when it claims to come from more than 5 s in the future.
    issued = challenges.issue(NIP, PHONE, NOW.replace(microsecond=0), 600, SECRET)
    at = issued.issued_at + timedelta(seconds=offset_s)
    assert (challenges.verify(issued.challenge_id, NIP, PHONE, at, SECRET) is not None) is valid


def test_any_change_or_other_binding_is_refused() -> None:
    challenge_id = challenges.issue(NIP, PHONE, NOW, 600, SECRET, action="turn_left").challenge_id
    issued, ttl, action, nonce, mac = challenge_id.split(".")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    forged = [
        f"{issued}.{int(ttl) * 10}.{action}.{nonce}.{mac}",
        f"{int(issued) - 60}.{ttl}.{action}.{nonce}.{mac}",
        f"{issued}.{ttl}.{action}.{nonce[::-1]}.{mac}",
        f"{issued}.{ttl}.{action}.{nonce}.{flipped}",
        # another movement (or none) than the one asked: the action is signed with the rest
        *(f"{issued}.{ttl}.{other}.{nonce}.{mac}" for other in "rnbx"),
        f"{issued}.{ttl}.{nonce}.{mac}",
        challenge_id + ".x",
        "",
        "x" * 64,
    ]
    for candidate in forged:
        assert challenges.verify(candidate, NIP, PHONE, NOW, SECRET) is None, candidate
    assert challenges.verify(challenge_id, "199001012020011001", PHONE, NOW, SECRET) is None
    assert challenges.verify(challenge_id, NIP, "phone-0002", NOW, SECRET) is None
    assert challenges.verify(challenge_id, NIP, PHONE, NOW, "other-secret") is None
