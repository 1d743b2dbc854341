"""Which tokens an account admits (`Sessions`), and the session id a token carries (`tokens`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.auth import tokens
from chalicelib.domain.people import Principal, Sessions, ended_marker, kept_marker
from chalicelib.errors import UnauthenticatedError

NOW = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)


def test_a_token_of_the_current_version_works_unless_its_session_ended() -> None:
    sessions = Sessions(ended=frozenset({ended_marker(2_000_000_000, "gone")}))
    assert sessions.admits("live", 3, 3)
    assert sessions.admits(None, 3, 3)  # a token from before session ids
    assert not sessions.admits("gone", 3, 3)
    assert not sessions.admits("live", 2, 3)


def test_a_password_change_keeps_exactly_the_callers_session_at_its_version() -> None:
    sessions = Sessions(kept=kept_marker(2, "caller"))
    assert sessions.admits("caller", 2, 3)
    assert not sessions.admits("caller", 1, 3)  # an older token of the same session
    assert not sessions.admits("other", 2, 3)
    assert not sessions.admits(None, 2, 3)
    # AND a kept session that logs out is ended like any other
    assert not Sessions(kept=kept_marker(2, "caller"), ended=frozenset({ended_marker(9, "caller")})).admits(
        "caller", 2, 3
    )


def test_ended_marks_expire_with_the_tokens_they_ended() -> None:
    sessions = Sessions(ended=frozenset({ended_marker(100, "a"), ended_marker(200, "b")}))
    assert sessions.expired(100) == {"100:a"}
    assert sessions.expired(99) == set()


def test_a_token_carries_its_session_and_every_login_gets_a_new_one() -> None:
    first, second = tokens.new_session_id(), tokens.new_session_id()
    assert first != second and len(first) >= 16
    issued = tokens.issue(Principal("budi", "unit_admin", frozenset({"U1"}), None, 4, first), "s" * 32, 60, NOW)
    principal = tokens.verify(issued.token, "s" * 32, NOW)
    assert (principal.session_id, principal.version) == (first, 4)
    with pytest.raises(UnauthenticatedError):
        tokens.verify(issued.token, "x" * 32, NOW)
