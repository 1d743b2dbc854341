"""HTTP client for a regency SIMPEG API that lists employees page by page.

Uses urllib3 (already in Lambda through botocore) rather than adding an HTTP library to the runtime.
Retries are done here, not by urllib3, so that `Retry-After` is honoured exactly, a 401 under OAuth2
renews the token once, and every other 4xx fails at once (retrying a bad key or a bad request only
burns the upstream's quota). Secrets and tokens are never logged or put into error details.

Paging: `?{page_param}={n}&{size_param}={page_size}` from `first_page` on, with the total announced at
`total_key`; all names come from the mapping's `ListingShape`. A listing that ends short of the announced
total, holds more than it (the total is wrong), whose later page fails, or whose pages announce different totals,
is returned marked incomplete (the sync guard decides); a first page that fails raises SimpegUnavailableError.
Paging goes on past the announced total while pages come back full.
"""

from __future__ import annotations

import base64
import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urlsplit

import urllib3

from chalicelib.domain.text import is_digits
from chalicelib.simpeg.errors import SimpegUnavailableError
from chalicelib.simpeg.mapping import FieldMapping, dig
from chalicelib.simpeg.models import Listing

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class ApiKeyAuth:
    """A static API key sent in a header on every request."""

    key: str
    header: str = "X-API-Key"


@dataclass(frozen=True)
class OAuth2ClientCredentials:
    """OAuth2 client-credentials grant; the token is cached until `expires_in` minus a margin."""

    token_url: str  # absolute, or a path relative to the client's base_url
    client_id: str
    client_secret: str
    scope: str | None = None
    expiry_margin_s: float = 30.0


@dataclass(frozen=True)
class ClientConfig:
    """Where the upstream is, how to authenticate, and how patient to be."""

    base_url: str
    auth: ApiKeyAuth | OAuth2ClientCredentials
    mapping: FieldMapping
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 30.0
    max_attempts: int = 5  # per request, the first try included
    backoff_base_s: float = 0.5  # waits base, 2*base, 4*base... when no Retry-After is given
    backoff_max_s: float = 30.0  # a longer Retry-After is not waited for: the run fails instead
    max_pages: int = 1_000  # stops a misbehaving upstream from paging forever

    def __post_init__(self) -> None:
        # Credentials must not cross a network in clear text; plain HTTP is for the local simulator only. An
        # absolute OAuth2 token URL receives the client secret: it is held to the same rule.
        _check_url("base_url", self.base_url)
        if isinstance(self.auth, OAuth2ClientCredentials) and "://" in self.auth.token_url:
            _check_url("token_url", self.auth.token_url)


def _check_url(name: str, value: str) -> None:
    url = urlsplit(value)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ValueError(f"SIMPEG {name} must be an http(s) URL, got {value!r}")
    if url.scheme == "http" and url.hostname not in _LOOPBACK:
        raise ValueError(f"SIMPEG {name} must use https (plain http only for 127.0.0.1/localhost)")


@dataclass(frozen=True)
class _Request:
    method: str
    url: str
    body: str | None
    headers: dict[str, str]
    authed: bool


@dataclass(frozen=True)
class _Retry:
    problem: str
    wait: float


@dataclass
class _Token:
    value: str
    expires_at: float


class SimpegClient:
    """Lists every employee of the upstream SIMPEG (`fetch_all`)."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        pool: urllib3.PoolManager | None = None,
    ) -> None:
        self._config = config
        self._sleep = sleep
        self._clock = clock
        self._pool = pool or urllib3.PoolManager(maxsize=2)
        self._token: _Token | None = None

    def fetch_all(self) -> Listing:
        """Every page of the employee list, with the announced total and whether it is complete."""
        shape = self._config.mapping.listing
        items: list[Mapping[str, object]] = []
        total: int | None = None
        for index in range(self._config.max_pages):
            try:
                page_items, page_total = self._fetch_page(shape.first_page + index)
            except SimpegUnavailableError as exc:
                if index == 0:
                    raise
                return Listing(tuple(items), total, complete=False, problem=exc.message)
            items.extend(page_items)
            if total is not None and page_total is not None and page_total != total:
                return Listing(tuple(items), total, complete=False, problem=_total_changed(total, page_total))
            total = page_total if page_total is not None else total
            if self._is_last_page(index, page_items, total):
                break
        problem = _shortfall(len(items), total)
        return Listing(tuple(items), total, complete=problem is None, problem=problem)

    def _is_last_page(self, index: int, page_items: list[Mapping[str, object]], total: int | None) -> bool:
        """Whether the listing ends with this page. Before the last page the total implies, a short page does not
        end it (a truncated page: `_shortfall` says so). From there on only a short or empty page does: a total
        that is stale-low (1000 announced, 1005 listed) ends on a full page, and the employees of the page after it
        were deactivated as absent (below the deactivation share, with no word). A true total that fills its last
        page costs one empty page more."""
        page_size = self._config.mapping.listing.page_size
        if not page_items:
            return True
        if total is not None and index + 1 < math.ceil(total / page_size):
            return False
        return len(page_items) < page_size

    def _fetch_page(self, page: int) -> tuple[list[Mapping[str, object]], int | None]:
        shape = self._config.mapping.listing
        query = urlencode({shape.page_param: page, shape.size_param: shape.page_size})
        body = self._request_json("GET", f"{self._url(shape.path)}?{query}", authed=True)
        items = dig(body, shape.items_key)
        if not isinstance(items, list):
            raise SimpegUnavailableError(
                f"Jawaban SIMPEG halaman {page} tidak berisi daftar '{shape.items_key}'.", {"page": page}
            )
        total = dig(body, shape.total_key) if shape.total_key else None
        return items, (int(total) if isinstance(total, int | str) and is_digits(str(total)) else None)

    def _url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return self._config.base_url.rstrip("/") + "/" + path_or_url.lstrip("/")

    # -- requests with retries ---------------------------------------------------------------------

    def _request_json(
        self,
        method: str,
        url: str,
        *,
        authed: bool,
        body: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Mapping[str, object]:
        request = _Request(method, url, body, dict(headers or {}), authed)
        renewed = False
        retry = _Retry("tidak ada percobaan", 0.0)
        for attempt in range(1, self._config.max_attempts + 1):
            outcome = self._attempt(request, attempt, may_renew=not renewed)
            if outcome is None:  # token renewed after a 401: try again at once
                renewed = True
                continue
            if not isinstance(outcome, _Retry):
                return outcome
            retry = outcome
            if attempt < self._config.max_attempts:
                self._wait(retry)
        attempts = self._config.max_attempts
        raise SimpegUnavailableError(f"{retry.problem} setelah {attempts} percobaan", {"attempts": attempts})

    def _attempt(self, request: _Request, attempt: int, *, may_renew: bool) -> Mapping[str, object] | _Retry | None:
        """One try: the JSON body, a retry to wait for, or None after dropping a rejected token."""
        headers = {"Accept": "application/json", **request.headers}
        if request.authed:
            headers.update(self._auth_headers())
        timeout = urllib3.Timeout(connect=self._config.connect_timeout_s, read=self._config.read_timeout_s)
        try:
            response = self._pool.request(
                request.method, request.url, body=request.body, headers=headers, retries=False, redirect=False,
                timeout=timeout,
            )  # fmt: skip
        except urllib3.exceptions.HTTPError as exc:
            return _Retry(f"gagal terhubung atau waktu habis ({type(exc).__name__})", self._backoff(attempt))
        if 200 <= response.status < 300:
            return _json_body(response)
        if response.status == 401 and request.authed and may_renew and self._can_renew():
            self._token = None  # expired or revoked early: the next try fetches a new one
            return None
        problem = f"SIMPEG menjawab HTTP {response.status}"
        if response.status != 429 and response.status < 500:
            raise SimpegUnavailableError(problem, {"status": response.status, "retried": False})
        asked = self._retry_after(response)
        return _Retry(problem, self._backoff(attempt) if asked is None else asked)

    def _wait(self, retry: _Retry) -> None:
        if retry.wait > self._config.backoff_max_s:
            raise SimpegUnavailableError(
                f"{retry.problem}; diminta menunggu {retry.wait:.0f} detik", {"retry_after": retry.wait}
            )
        self._sleep(retry.wait)

    def _backoff(self, attempt: int) -> float:
        return min(self._config.backoff_base_s * 2.0 ** (attempt - 1), self._config.backoff_max_s)

    @staticmethod
    def _retry_after(response: urllib3.BaseHTTPResponse) -> float | None:
        value = response.headers.get("Retry-After")
        if not value:
            return None
        if is_digits(value.strip()):
            return float(value.strip())
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds: float = (when - datetime.now(UTC)).total_seconds()
        return max(0.0, seconds)

    # -- authentication ----------------------------------------------------------------------------

    def _can_renew(self) -> bool:
        return isinstance(self._config.auth, OAuth2ClientCredentials)

    def _auth_headers(self) -> dict[str, str]:
        auth = self._config.auth
        if isinstance(auth, ApiKeyAuth):
            return {auth.header: auth.key}
        return {"Authorization": f"Bearer {self._bearer(auth)}"}

    def _bearer(self, auth: OAuth2ClientCredentials) -> str:
        now = self._clock()
        if self._token is not None and now < self._token.expires_at:
            return self._token.value
        form = {"grant_type": "client_credentials"}
        if auth.scope:
            form["scope"] = auth.scope
        basic = base64.b64encode(f"{auth.client_id}:{auth.client_secret}".encode()).decode("ascii")
        body = self._request_json(
            "POST",
            self._url(auth.token_url),
            authed=False,
            body=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}"},
        )
        token, expires_in = body.get("access_token"), body.get("expires_in", 3600)
        if not isinstance(token, str) or not isinstance(expires_in, int | float):
            raise SimpegUnavailableError("Jawaban token OAuth2 SIMPEG tidak valid.")
        margin = min(auth.expiry_margin_s, float(expires_in) / 2)
        self._token = _Token(token, now + float(expires_in) - margin)
        return token


def _total_changed(first: int, later: int) -> str:
    """Why a listing whose pages announce different totals is not whole. A later page's total is not believed:
    an empty page announcing 0 (a failed query behind the API answered 200) ended the listing there, complete
    by its own count, and the pages after it were deactivated; one fewer after a deletion mid-paging shifted the
    offsets, and the first row of the next page was never listed. Below the deactivation share, both went
    through with no word."""
    return f"SIMPEG mengubah jumlah pegawai di tengah pembacaan ({first}, lalu {later}): daftar pegawai tidak utuh"


def _shortfall(received: int, total: int | None) -> str | None:
    """Why a listing read to its end is not whole, or None: fewer employees than announced (a page cut short or
    failing), or more (SIMPEG's total is wrong, so it cannot tell whether anyone is missing)."""
    if total is None or received == total:
        return None
    if received < total:
        return f"hanya {received} dari {total} pegawai diterima"
    return (
        f"jumlah total dari SIMPEG salah: diumumkan {total} pegawai, tetapi {received} diterima; "
        "daftar pegawai tidak dapat dipastikan utuh"
    )


def _json_body(response: urllib3.BaseHTTPResponse) -> Mapping[str, object]:
    try:
        body = json.loads(response.data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SimpegUnavailableError("Jawaban SIMPEG bukan JSON yang valid.") from exc
    if not isinstance(body, Mapping):
        raise SimpegUnavailableError("Jawaban SIMPEG bukan objek JSON.")
    return body
