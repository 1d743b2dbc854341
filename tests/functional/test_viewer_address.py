"""The per-address login limit behind SMART's CloudFront: every request reaches API Gateway from an edge server,
so the limit counts the viewer address the distribution writes (SMART_TRUST_CDN_HEADERS); where there is no
distribution the same header is the viewer's own invention and changes nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.api.http import VIEWER_ADDRESS_HEADER
from chalicelib.settings import load_settings
from tests.functional.conftest import Api, client_call
from tests.functional.test_auth import DEVICE, NIP, activate, seed

PASSWORD = "rahasia-123"  # the employee's (test_auth.activate)
LIMIT = 3


def _login(api: Api, viewer: str, password: str, nip: str) -> int:
    headers = {"Content-Type": "application/json", VIEWER_ADDRESS_HEADER: viewer}
    body = json.dumps({"nip": nip, "password": password, "device_id": DEVICE}).encode()
    status: int = client_call(api.client, "POST", "/v1/auth/login", headers, body).status_code
    return status


def _limited(api: Api, monkeypatch: pytest.MonkeyPatch, *, trust: bool) -> Api:
    seed()
    activate(api, api.admin_token())
    monkeypatch.setenv("SMART_LOGIN_ADDRESS_MAX_FAILURES", str(LIMIT))
    monkeypatch.setenv("SMART_TRUST_CDN_HEADERS", "true" if trust else "false")
    load_settings.cache_clear()
    if time.time() % 60 > 45:  # the address is counted per clock minute: start early in one
        time.sleep(60.5 - time.time() % 60)
    return api


@pytest.fixture
def settings_reset() -> Iterator[None]:
    yield
    load_settings.cache_clear()


def _failures(api: Api, viewer: str, count: int) -> list[Any]:
    return [_login(api, viewer, "salah-sekali", f"1999123120201210{i:02d}") for i in range(count)]


def test_behind_the_distribution_each_viewer_address_has_its_own_limit(
    api: Api, monkeypatch: pytest.MonkeyPatch, settings_reset: None
) -> None:
    # GIVEN the API behind CloudFront: every request comes from the same edge address (127.0.0.1 here)
    _limited(api, monkeypatch, trust=True)
    # WHEN one viewer fails more logins than its limit
    assert _failures(api, "203.0.113.7", LIMIT + 2) == [401] * LIMIT + [429, 429]
    # THEN that viewer is refused even with the right password, and another viewer behind the same edge is not
    assert _login(api, "203.0.113.7", PASSWORD, NIP) == 429
    assert _login(api, "198.51.100.20", PASSWORD, NIP) == 200


def test_without_the_distribution_a_made_up_viewer_address_does_not_escape_the_limit(
    api: Api, monkeypatch: pytest.MonkeyPatch, settings_reset: None
) -> None:
    # GIVEN the API reached directly (no CloudFront, as in make run)
    _limited(api, monkeypatch, trust=False)
    # WHEN a client sends a new "viewer address" with every failed guess
    answers = [_login(api, f"203.0.113.{i}", "salah-sekali", f"1999123120201210{i:02d}") for i in range(LIMIT + 2)]
    # THEN they are all counted against its one real address
    assert answers == [401] * LIMIT + [429, 429]
    assert _login(api, "198.51.100.20", PASSWORD, NIP) == 429


def test_behind_the_distribution_an_ipv6_site_is_limited_however_many_of_its_64s_it_uses(
    api: Api, monkeypatch: pytest.MonkeyPatch, settings_reset: None
) -> None:
    # GIVEN the API behind CloudFront, and one holder of an IPv6 /48 (65,536 /64s, each counted as a host)
    _limited(api, monkeypatch, trust=True)

    def from_64(host: int, password: str, nip: str) -> Any:
        headers = {"Content-Type": "application/json", VIEWER_ADDRESS_HEADER: f"2001:db8:7:{host:x}::1"}
        body = json.dumps({"nip": nip, "password": password, "device_id": DEVICE}).encode()
        return client_call(api.client, "POST", "/v1/auth/login", headers, body)

    # WHEN it fails ten hosts' worth of logins (LIMIT each), every one from a new /64
    site = LIMIT * 10
    answers = [from_64(i, "salah-sekali", f"1999123120{i:08d}").status_code for i in range(site)]
    assert answers == [401] * site
    # THEN the next /64 of that /48 is refused, its right password too, and told when to come back
    refused = from_64(site, PASSWORD, NIP)
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    # AND a viewer of another /48 is still evaluated
    assert _login(api, "2001:db8:8::1", PASSWORD, NIP) == 200
