"""The local API's log (tools.devstack_api): JSON lines only, also when serving a request fails."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from chalice.local import ThreadedHTTPServer

from tools import devstack_api


@pytest.fixture
def logging_kept() -> Iterator[None]:
    """The process's logging and the server class, put back as they were after the test."""
    root, handle_error = logging.getLogger(), ThreadedHTTPServer.handle_error
    handlers, level = list(root.handlers), root.level
    yield
    ThreadedHTTPServer.handle_error = handle_error  # type: ignore[method-assign]
    root.handlers[:], root.level = handlers, level


def failed_while_serving(error: Exception) -> None:
    """What socketserver does when a request's handler raises: its server's handle_error, inside the except."""
    server = object.__new__(ThreadedHTTPServer)
    try:
        raise error
    except Exception:
        server.handle_error(None, ("127.0.0.1", 50000))


@pytest.mark.usefixtures("logging_kept")
def test_a_request_that_fails_is_one_json_line_and_a_client_gone_is_none(capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN the local API's logging (JSON lines on stdout, which the stack writes to api.log)
    devstack_api._json_logs()
    # WHEN serving one request raises, and another's client went away (a read the console aborted)
    failed_while_serving(ValueError("boom"))
    failed_while_serving(BrokenPipeError(32, "Broken pipe"))
    # THEN the log holds one JSON line naming the failure (socketserver printed a traceback between dashes), and
    # nothing for the client gone; stderr stays empty
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert [(line["level"], line["message"]) for line in lines] == [("ERROR", "request processing failed")]
    assert "ValueError" in lines[0]["exception"] and err == ""
