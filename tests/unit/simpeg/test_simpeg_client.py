"""The SIMPEG client over real HTTP against the simulator: paging, auth, retries, timeouts, faults."""

from __future__ import annotations

import socket

import pytest

from chalicelib.simpeg.client import ApiKeyAuth, ClientConfig, OAuth2ClientCredentials
from chalicelib.simpeg.errors import SimpegUnavailableError
from chalicelib.simpeg.mapping import FieldMapping, map_listing

from .conftest import PAGE_SIZE, SIM_SIZE, ClientFactory, Sim, Sleeps, StaleTotal, pages_of


def test_fetch_all_reads_every_page_with_api_key(sim: Sim, make_client: ClientFactory) -> None:
    listing = make_client("key").fetch_all()
    assert listing.complete and listing.announced_total == SIM_SIZE
    assert len({item["nipBaru"] for item in listing.items}) == SIM_SIZE
    assert sim.counter("list") == -(-SIM_SIZE // PAGE_SIZE)  # one request per page, no more


def test_simulator_records_map_to_valid_employee_records(make_client: ClientFactory, mapping: FieldMapping) -> None:
    batch = map_listing(make_client("key").fetch_all().items, mapping)
    assert batch.errors == () and len(batch.records) == SIM_SIZE
    head = next(r for r in batch.records if r.jabatan == "Kepala Sekolah")
    assert head.active and head.unor_nama.startswith(("SDN", "SMPN")) and head.gelar_belakang


def test_wrong_api_key_fails_at_once_without_retry(sim: Sim, make_client: ClientFactory) -> None:
    client = make_client(auth=ApiKeyAuth("wrong-key"))
    with pytest.raises(SimpegUnavailableError) as caught:
        client.fetch_all()
    assert caught.value.details["status"] == 401
    assert sim.counter("list") == 1


def test_oauth_token_is_fetched_once_and_reused(sim: Sim, make_client: ClientFactory) -> None:
    client = make_client("oauth")
    client.fetch_all()
    client.fetch_all()
    assert sim.counter("token") == 1


def test_expired_token_is_renewed_before_use(sim: Sim, make_client: ClientFactory) -> None:
    # GIVEN a client whose clock passes the token's lifetime between two syncs
    now = [0.0]
    client = make_client("oauth", clock=lambda: now[0])
    client.fetch_all()
    # WHEN an hour and a bit later it lists again
    now[0] += 3700
    listing = client.fetch_all()
    # THEN it asked for a new token first
    assert listing.complete and sim.counter("token") == 2
    assert sim.counter("unauthorized") == 0


def test_token_revoked_upstream_is_renewed_once_on_401(sim: Sim, make_client: ClientFactory) -> None:
    client = make_client("oauth")
    client.fetch_all()
    sim.control("expire_tokens")
    assert client.fetch_all().complete
    assert sim.counter("token") == 2 and sim.counter("unauthorized") == 1


def test_bad_client_secret_is_not_retried(sim: Sim, make_client: ClientFactory) -> None:
    client = make_client(auth=OAuth2ClientCredentials("/oauth/token", "smart-local", "wrong"))
    with pytest.raises(SimpegUnavailableError):
        client.fetch_all()
    assert sim.counter("token") == 1 and sim.counter("list") == 0


def test_server_errors_are_retried_with_backoff(sim: Sim, make_client: ClientFactory, sleeps: Sleeps) -> None:
    sim.control("fault", kind="error", status=503, count=2)
    assert make_client("key").fetch_all().complete
    assert sleeps == [0.01, 0.02]  # exponential backoff from backoff_base_s


def test_rate_limit_waits_what_retry_after_says(sim: Sim, make_client: ClientFactory, sleeps: Sleeps) -> None:
    sim.control("fault", kind="rate_limit", retry_after=7, count=1)
    assert make_client("key").fetch_all().complete
    assert sleeps == [7.0]


def test_a_retry_after_in_superscript_digits_is_no_wait(sim: Sim, make_client: ClientFactory, sleeps: Sleeps) -> None:
    # GIVEN SIMPEG answers 429 with "Retry-After: ²" (a Latin-1 header; str.isdigit takes it, float refuses it)
    sim.control("fault", kind="rate_limit", retry_after="²", count=1)
    # WHEN the client reads every page THEN it backs off as for no Retry-After, and does not crash the sync
    assert make_client("key").fetch_all().complete
    assert sleeps == [0.01]


def test_retry_after_longer_than_allowed_gives_up(sim: Sim, make_client: ClientFactory, sleeps: Sleeps) -> None:
    sim.control("fault", kind="rate_limit", retry_after=3600, count=1)
    with pytest.raises(SimpegUnavailableError) as caught:
        make_client("key", backoff_max_s=60).fetch_all()
    assert caught.value.details["retry_after"] == 3600 and sleeps == []


def test_upstream_down_after_all_attempts_is_unavailable(sim: Sim, make_client: ClientFactory) -> None:
    sim.control("fault", kind="error", status=500, count=100)
    with pytest.raises(SimpegUnavailableError) as caught:
        make_client("key").fetch_all()
    assert caught.value.code == "UNAVAILABLE"
    assert sim.counter("list") == 4  # max_attempts


def test_client_error_is_not_retried(sim: Sim, make_client: ClientFactory) -> None:
    sim.control("fault", kind="error", status=400, count=5)
    with pytest.raises(SimpegUnavailableError):
        make_client("key").fetch_all()
    assert sim.counter("list") == 1


def test_slow_answer_times_out_and_is_retried(sim: Sim, make_client: ClientFactory, sleeps: Sleeps) -> None:
    sim.control("fault", kind="slow", delay_s=4.0, count=1)
    listing = make_client("key", read_timeout_s=1.0).fetch_all()
    assert listing.complete and len(sleeps) == 1


def test_truncated_page_makes_the_listing_incomplete(sim: Sim, make_client: ClientFactory) -> None:
    sim.control("fault", kind="truncate", page=2, count=1)
    listing = make_client("key").fetch_all()
    assert not listing.complete and len(listing.items) == SIM_SIZE - (PAGE_SIZE - PAGE_SIZE // 2)
    assert listing.problem is not None


def test_failing_later_page_makes_the_listing_incomplete(sim: Sim, make_client: ClientFactory) -> None:
    sim.control("fault", kind="error", status=500, page=3, count=100)
    listing = make_client("key").fetch_all()
    assert not listing.complete and len(listing.items) == 2 * PAGE_SIZE


def test_a_total_announced_too_low_is_paged_past_and_makes_the_listing_incomplete(
    sim: Sim, make_client: ClientFactory, mapping: FieldMapping
) -> None:
    # GIVEN a SIMPEG announcing 116 employees (a stale count) while it lists 120, in pages of 29: the four pages
    # the total implies come back full, and a fifth holds the other four
    client = make_client("key", mapping=pages_of(mapping, 29), pool=StaleTotal(116))
    # WHEN the client reads every page
    listing = client.fetch_all()
    # THEN it reads on to the short page, and does not take the listing for whole: SIMPEG's total is wrong
    assert len({item["nipBaru"] for item in listing.items}) == SIM_SIZE and listing.announced_total == 116
    assert not listing.complete and listing.problem is not None and "jumlah total dari SIMPEG salah" in listing.problem
    assert sim.counter("list") == 5


def test_a_true_total_that_fills_its_last_page_costs_one_empty_page(
    sim: Sim, make_client: ClientFactory, mapping: FieldMapping
) -> None:
    # GIVEN 120 employees in pages of 24: the total's last page is full
    listing = make_client("key", mapping=pages_of(mapping, 24)).fetch_all()
    # THEN the page after it is asked for (it could hold more), comes back empty, and the listing is whole
    assert listing.complete and listing.problem is None and len(listing.items) == SIM_SIZE
    assert sim.counter("list") == SIM_SIZE // 24 + 1


def test_failing_first_page_raises_unavailable(sim: Sim, make_client: ClientFactory) -> None:
    sim.control("fault", kind="error", status=502, page=1, count=100)
    with pytest.raises(SimpegUnavailableError):
        make_client("key").fetch_all()


def test_empty_answer_is_an_empty_complete_listing(sim: Sim, make_client: ClientFactory) -> None:
    # Complete by the upstream's own count: it is the sync guard's job to distrust it.
    sim.control("fault", kind="empty", count=1)
    listing = make_client("key").fetch_all()
    assert listing.items == () and listing.announced_total == 0


def test_unreachable_upstream_is_retried_then_unavailable(make_client: ClientFactory, sleeps: Sleeps) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(SimpegUnavailableError) as caught:
        make_client("key", base_url=f"http://127.0.0.1:{port}").fetch_all()
    assert caught.value.details["attempts"] == 4 and len(sleeps) == 3


@pytest.mark.parametrize("url", ["http://simpeg.example.go.id", "ftp://127.0.0.1", "simpeg"])
def test_credentials_are_never_sent_over_plain_http_to_a_remote_host(url: str, mapping: FieldMapping) -> None:
    with pytest.raises(ValueError, match="base_url"):
        ClientConfig(url, ApiKeyAuth("k"), mapping)


def test_the_client_secret_is_never_sent_over_plain_http_to_a_remote_token_url(mapping: FieldMapping) -> None:
    # GIVEN an https SIMPEG whose OAuth2 token endpoint is written as plain http on another host: refused
    remote = OAuth2ClientCredentials("http://auth.example.go.id/token", "smart", "rahasia")
    with pytest.raises(ValueError, match="token_url"):
        ClientConfig("https://simpeg.example.go.id/api", remote, mapping)
    # AND https, a path under the base URL, or the local simulator's loopback are accepted
    for token_url in ("https://auth.example.go.id/token", "/oauth/token", "http://127.0.0.1:8077/token"):
        ClientConfig("https://simpeg.example.go.id/api", OAuth2ClientCredentials(token_url, "smart", "x"), mapping)
