"""The role an audit entry keeps: the one its actor acted in during the request that wrote it, named once by the
HTTP layer (chalicelib.api.http.endpoint, chalicelib.domain.audit.acting_as), gone when the request is."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from chalice.app import Chalice, Request, Response
from chalice.test import Client

from chalicelib import runtime
from chalicelib.api import binding, http
from chalicelib.api.http import Call, endpoint
from chalicelib.domain.audit import acting_as
from chalicelib.domain.people import Principal
from chalicelib.errors import ConflictError
from chalicelib.settings import build_settings
from chalicelib.store.repositories import Repositories

NIP = "198501012010011001"
CALLERS = {
    "budi": Principal("budi", "unit_admin", frozenset({"U1"})),
    "root": Principal("root", "super_admin"),
    "pegawai": Principal(NIP, "employee"),
}


def _caller(request: Request, *_: object) -> Principal:
    return CALLERS[request.headers["authorization"]]


@pytest.fixture
def client(repos: Repositories, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Client]:
    """A small app of routes declared as SMART's are, its callers named by the Authorization header."""
    monkeypatch.setattr(binding, "ENDPOINTS", [])  # SMART's own registry (OpenAPI) stays as it is
    monkeypatch.setattr(http, "load_settings", lambda: build_settings({}))
    monkeypatch.setattr(runtime, "ensure_ready", lambda _: None)
    monkeypatch.setattr(http, "_authenticate", _caller)
    app = Chalice("audit-role")

    @endpoint(app, "POST /act", auth_as="any")
    def act(call: Call) -> Response:
        runtime.audit().record(call.principal.subject, "holiday.put", "own")
        runtime.audit().record("system:retensi", "face.forget", "system")  # another actor: not the caller's role
        runtime.audit().record(call.principal.subject, "holiday.put", "explicit", role="auditor")  # given: kept
        return Response(body="", status_code=204)

    @endpoint(app, "POST /fail", auth_as="any")
    def fail(call: Call) -> Response:
        runtime.audit().record(call.principal.subject, "holiday.delete", "failed")
        raise ConflictError("Bentrok.")

    with Client(app, project_dir=str(tmp_path)) as test_client:
        yield test_client


def _roles(repos: Repositories) -> dict[str, str | None]:
    return {e.target: e.role for e in repos.audit.entries_of_day(datetime.now(UTC).date())}


def _post(client: Client, path: str, caller: str) -> int:
    return int(client.http.post(path, headers={"authorization": caller}, body=b"").status_code)


def test_an_entry_a_caller_writes_keeps_the_role_they_act_in_and_none_leaks_past_the_request(
    client: Client, repos: Repositories
) -> None:
    # WHEN a unit admin's request writes entries, and a later one fails after writing one
    assert _post(client, "/act", "budi") == 204
    assert _post(client, "/fail", "budi") == 409
    # AND an entry is then written outside any request (a job, a tool) by the same admin's name
    runtime.audit().record("budi", "holiday.put", "after")
    # THEN the caller's own entries keep their role, a given role wins, another actor's gets none, and nothing
    # of the requests is left behind for the entry written after them
    assert _roles(repos) == {"own": "unit_admin", "system": None, "explicit": "auditor", "failed": "unit_admin",
                             "after": None}  # fmt: skip


def test_an_employee_caller_s_entries_are_the_employee_role(client: Client, repos: Repositories) -> None:
    assert _post(client, "/act", "pegawai") == 204
    assert _roles(repos)["own"] == "employee"


def test_requests_served_at_once_in_threads_each_see_only_their_own_caller(repos: Repositories) -> None:
    # GIVEN a unit admin's request in one thread and a super admin's in another, both in progress (the local
    # server serves each request in a thread)
    both_in, go = threading.Barrier(3), threading.Event()

    def serve(subject: str, role: str, target: str) -> None:
        with acting_as(subject, role):
            both_in.wait(5)
            go.wait(5)
            runtime.audit().record(subject, "holiday.put", target)

    threads = [
        threading.Thread(target=serve, args=("budi", "unit_admin", "first")),
        threading.Thread(target=serve, args=("budi", "super_admin", "second")),
    ]
    for thread in threads:
        thread.start()
    both_in.wait(5)
    # WHEN this thread (serving no request) writes meanwhile, and then both requests write theirs
    runtime.audit().record("budi", "holiday.put", "meanwhile")
    go.set()
    for thread in threads:
        thread.join(5)
    # THEN each entry has its own thread's role, and none where no request was served
    assert _roles(repos) == {"first": "unit_admin", "second": "super_admin", "meanwhile": None}
