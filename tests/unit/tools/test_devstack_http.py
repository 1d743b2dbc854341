"""The local stack's HTTP client (tools/devstack_http.py) reads every page of a list, not the first alone."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from tools.devstack_http import ApiClient

PAGES = {None: ([1, 2], "c2"), "c2": ([3], "c 3"), "c 3": ([4], None)}


class _Lists(BaseHTTPRequestHandler):
    """A list endpoint answering PAGES by its `next` query; 500 for `/broken`."""

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path == "/broken":
            self._answer(500, {"error": {"code": "INTERNAL", "message": "x", "details": {}}})
            return
        query = parse_qs(url.query)
        assert query.get("unor_id") == ["U1"]
        items, after = PAGES[query.get("next", [None])[0]]
        self._answer(200, {"items": items, "next": after})

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture
def client() -> Iterator[ApiClient]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Lists)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ApiClient(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()


def test_every_item_follows_the_next_cursors_after_a_query(client: ApiClient) -> None:
    # a unit of more than a page (the browser tests' UNIT): the holder of a face on a later page is found too
    assert client.every_item("/v1/admin/employees?unor_id=U1") == [1, 2, 3, 4]


def test_every_item_names_a_failed_page(client: ApiClient) -> None:
    with pytest.raises(RuntimeError, match="HTTP 500"):
        client.every_item("/broken")
