"""A tiny JSON-over-HTTP client shared by the local stack's seeding, the e2e tests and the start-up benchmark.

urllib3 is already installed (botocore depends on it); one helper keeps the three callers from each growing
their own request/decode code.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import urllib3

__all__ = ["ApiClient", "ApiResponse", "wait_until"]


@dataclass(frozen=True)
class ApiResponse:
    """Status, headers and decoded JSON body (None when the body is not JSON)."""

    status: int
    headers: dict[str, str]
    body: Any
    raw: bytes

    def error_code(self) -> str | None:
        """The stable error code of API.md's error shape, if this is one."""
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            code = self.body["error"].get("code")
            return str(code) if code is not None else None
        return None


class ApiClient:
    """Talks JSON to one base URL; `token` (if set) goes into the Authorization header."""

    def __init__(self, base_url: str, *, timeout_s: float = 30.0, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http = urllib3.PoolManager(maxsize=4, timeout=urllib3.Timeout(total=timeout_s), retries=False)

    def request(
        self,
        method: str,
        path: str,
        json_body: Any = None,
        *,
        raw_body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> ApiResponse:
        """Send one request; never raises for an HTTP error status (tests look at the status)."""
        sent_headers = {"Accept": "application/json"}
        body = raw_body
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
        if body is not None:
            sent_headers["Content-Type"] = "application/json"
        if self.token:
            sent_headers["Authorization"] = f"Bearer {self.token}"
        sent_headers.update(headers or {})
        resp = self._http.request(method, self.base_url + path, body=body, headers=sent_headers)
        return ApiResponse(resp.status, dict(resp.headers), _decode(resp.data), resp.data)

    def get(self, path: str) -> ApiResponse:
        return self.request("GET", path)

    def post(self, path: str, json_body: Any = None) -> ApiResponse:
        return self.request("POST", path, json_body)

    def put(self, path: str, json_body: Any = None) -> ApiResponse:
        return self.request("PUT", path, json_body)

    def every_item(self, path: str) -> list[Any]:
        """Every item of an API.md list endpoint (`{"items", "next"}`), its pages followed by their `next` cursors;
        RuntimeError on any answer but 200 (a list of 100 a page read once misses the rest)."""
        items: list[Any] = []
        cursor: str | None = None
        while True:
            page_path = path + (f"{'&' if '?' in path else '?'}next={quote(cursor)}" if cursor else "")
            resp = self.get(page_path)
            if resp.status != 200 or not isinstance(resp.body, dict):
                raise RuntimeError(f"GET {page_path}: HTTP {resp.status}: {resp.raw[:300]!r}")
            items.extend(resp.body.get("items", []))
            cursor = resp.body.get("next")
            if not cursor:
                return items

    def login_admin(self, username: str, password: str) -> ApiResponse:
        """POST /v1/auth/admin/login; on success the token is kept for the next requests."""
        resp = self.post("/v1/auth/admin/login", {"username": username, "password": password})
        if resp.status == 200 and isinstance(resp.body, dict):
            self.token = str(resp.body["token"])
        return resp


def _decode(data: bytes) -> Any:
    try:
        return json.loads(data) if data else None
    except ValueError:
        return None


def wait_until(
    probe: Callable[[], object], *, timeout_s: float, interval_s: float = 0.1, what: str = "condition"
) -> None:
    """Call `probe()` until it returns true; raise TimeoutError naming `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        if probe():
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        time.sleep(interval_s)
