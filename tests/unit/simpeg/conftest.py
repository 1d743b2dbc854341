"""Fixtures: a real SIMPEG simulator over HTTP on 127.0.0.1, and clients configured for it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import pytest
import urllib3

from chalicelib.simpeg.client import ApiKeyAuth, ClientConfig, OAuth2ClientCredentials, SimpegClient
from chalicelib.simpeg.mapping import FieldMapping, default_mapping
from tools.simpeg_sim import (
    DEFAULT_API_KEY,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    LIST_PATH,
    start_in_thread,
    stop,
)

SIM_SIZE = 120
PAGE_SIZE = 25


@dataclass
class Sim:
    """A running simulator and a way to steer it."""

    base_url: str
    http: urllib3.PoolManager = field(default_factory=urllib3.PoolManager)

    def control(self, action: str, **params: Any) -> dict[str, Any]:
        body = json.dumps({"action": action, **params}).encode()
        response = self.http.request("POST", f"{self.base_url}/_control", body=body)
        assert response.status == 200, response.data
        return dict(json.loads(response.data))

    def status(self) -> dict[str, Any]:
        return dict(json.loads(self.http.request("GET", f"{self.base_url}/_control").data))

    def counter(self, name: str) -> int:
        return int(self.status()["counters"][name])


@pytest.fixture
def sim() -> Iterator[Sim]:
    server, base_url = start_in_thread(port=0, size=SIM_SIZE, seed=7)
    try:
        yield Sim(base_url)
    finally:
        stop(server)


@pytest.fixture
def mapping() -> FieldMapping:
    shipped = default_mapping()
    return replace(shipped, listing=replace(shipped.listing, page_size=PAGE_SIZE))


class StaleTotal(urllib3.PoolManager):
    """The simulator seen through a SIMPEG whose `meta.total` is a cached count: every listing page announces
    `total`, whatever the simulator lists."""

    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total

    # PoolManager.urlopen's own signature, which urllib3 declares with the same ignore
    def urlopen(self, method: str, url: str, redirect: bool = True, **kw: Any) -> urllib3.BaseHTTPResponse:  # type: ignore[override]
        response = super().urlopen(method, url, redirect=redirect, **kw)
        if urlsplit(url).path != LIST_PATH or response.status != 200:
            return response
        body = json.loads(response.data)
        body["meta"]["total"] = self.total
        return urllib3.HTTPResponse(json.dumps(body).encode(), {"Content-Type": "application/json"}, status=200)


def pages_of(mapping: FieldMapping, size: int) -> FieldMapping:
    """`mapping` listing `size` employees a page."""
    return replace(mapping, listing=replace(mapping.listing, page_size=size))


class Sleeps(list[float]):
    """Records the waits the client asked for instead of waiting (the behaviour under test is the wait)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


ClientFactory = Callable[..., SimpegClient]


@pytest.fixture
def make_client(sim: Sim, mapping: FieldMapping, sleeps: Sleeps) -> ClientFactory:
    """Build a client for the simulator: `auth="key"|"oauth"` plus ClientConfig overrides, and `pool` to read it
    through (`StaleTotal`)."""

    def build(
        auth: str | ApiKeyAuth | OAuth2ClientCredentials = "key",
        *,
        clock: Callable[[], float] | None = None,
        pool: urllib3.PoolManager | None = None,
        **overrides: Any,
    ) -> SimpegClient:
        chosen = auth
        if auth == "key":
            chosen = ApiKeyAuth(DEFAULT_API_KEY)
        elif auth == "oauth":
            chosen = OAuth2ClientCredentials("/oauth/token", DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        assert not isinstance(chosen, str)
        config = ClientConfig(sim.base_url, chosen, mapping, connect_timeout_s=2, read_timeout_s=5,
                              max_attempts=4, backoff_base_s=0.01)  # fmt: skip
        kwargs: dict[str, Any] = {"sleep": sleeps}
        if clock is not None:
            kwargs["clock"] = clock
        if pool is not None:
            kwargs["pool"] = pool
        return SimpegClient(replace(config, **overrides), **kwargs)

    return build
