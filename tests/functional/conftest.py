"""Functional tests: the real Chalice app through chalice.test.Client, DynamoDB and S3 from moto in-process.

moto carries tools.moto_scaling, as on the local stack: plain moto's transactions are not thread-safe (a
failed transaction restores whole-table copies taken before a concurrent one committed), which made the
concurrent check-in tests lose a committed event about one run in seven.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from chalice.test import BaseClient, Client
from moto import mock_aws

from chalicelib import runtime
from chalicelib.api import binding
from chalicelib.settings import load_settings
from chalicelib.store.audit import AuditRepository, DynamoAuditRepository
from chalicelib.store.aws import reset_clients
from chalicelib.store.models import EmployeeModel
from chalicelib.store.people import DynamoPeopleRepository, PeopleRepository
from chalicelib.store.schema import create_all
from tests.unit.store.audit_contract import START
from tools import moto_scaling
from tools.devstack import ROUND_THE_CLOCK_RULES
from tools.simpeg_sim import start_in_thread, stop

ADMIN_PASSWORD = "admin-local"


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


class Api:
    """A thin JSON client over chalice.test.Client."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
    ) -> Answer:
        headers = {"Content-Type": content_type}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        response = client_call(self.client, method, path, headers, payload)
        text = response.body.decode("utf-8") if response.body else ""
        parsed = (
            json.loads(text)
            if text and response.headers.get("Content-Type", "").startswith("application/json")
            else text
        )
        return Answer(response.status_code, parsed, dict(response.headers))

    def admin_token(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> str:
        answer = self.call("POST", "/v1/auth/admin/login", {"username": username, "password": password})
        assert answer.status == 200, answer.body
        return str(answer.body["token"])

    def unit_admin_token(self, admin: str, unit_id: str) -> str:
        """Have the super admin (token `admin`) create `ops-<unit>`, a unit admin of `unit_id`; log in as it."""
        username, password = f"ops-{unit_id.lower()}", "kuat-sekali-1"
        body = {"username": username, "password": password, "role": "unit_admin", "unit_ids": [unit_id]}
        created = self.call("POST", "/v1/admin/users", body, token=admin)
        assert created.status == 201, created.body
        return self.admin_token(username, password)

    def recapped_statuses(self, token: str, day: date, unit: str = "U1") -> dict[str, str]:
        """The stored daily statuses of `unit` on `day`, by NIP."""
        answer = self.call("GET", f"/v1/admin/recaps/daily?date={day.isoformat()}&unor_id={unit}", token=token)
        assert answer.status == 200, answer.body
        return {item["nip"]: item["status"] for item in answer.body["items"]}


def client_call(client: Client, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
    return client.http.request(method=method, path=path, headers=headers, body=body)


@pytest.fixture(autouse=True)
def answers_fit_their_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every answer of a route must render exactly as the result model it declares (and documents in OpenAPI)."""
    monkeypatch.setattr(binding, "CHECK_RESULTS", True)


@pytest.fixture()
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SMART_STAGE", "local")
    monkeypatch.setenv("SMART_TABLE_PREFIX", "t-")
    monkeypatch.setenv("SMART_BUCKET", "t-bucket")
    monkeypatch.setenv("SMART_LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("SMART_RULES", ROUND_THE_CLOCK_RULES)  # the same at any hour CI runs it
    with moto_scaling.patched(), mock_aws():
        load_settings.cache_clear()
        reset_clients()
        runtime.forget()
        create_all(load_settings())
        yield
    load_settings.cache_clear()
    reset_clients()
    runtime.forget()


@pytest.fixture()
def audit_log(aws: None) -> AuditRepository:
    """The audit log on moto, stamping at the audit contract's START: where a store under test keeps the entries
    it writes in a change's transaction (`AuditBatch`)."""
    return DynamoAuditRepository(lambda: START)


@pytest.fixture()
def people(aws: None) -> PeopleRepository:
    """The people repository on moto: where the faces, zones and calendar stores under test read employees."""
    return DynamoPeopleRepository()


@pytest.fixture()
def seed_employee(aws: None) -> Callable[..., None]:
    """Store an employee of U1 with the given hints (`duty_until`, `plan_until`) on moto."""

    def seed(nip: str, **hints: str | None) -> None:
        EmployeeModel(nip, nama="Pegawai", unor_id="U1", active=True, **hints).save()

    return seed


@pytest.fixture()
def simulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The local SIMPEG simulator (40 employees) over HTTP, configured as the stage's SIMPEG."""
    server, base_url = start_in_thread(port=0, size=40, seed=7)
    monkeypatch.setenv("SMART_SIMPEG_URL", base_url)
    monkeypatch.setenv("SMART_SIMPEG_API_KEY", "local-simpeg-key")
    load_settings.cache_clear()
    yield base_url
    stop(server)


@pytest.fixture()
def api(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    from app import app

    with Client(app, stage_name="local") as client:
        # chalice's test client swaps os.environ for a copy around every request; requests in parallel (the
        # attack tests) put back each other's copies and left a stale dict as os.environ after the test, so
        # its settings leaked into later tests and into the stacks they start. The stage's variables are set
        # once for the test instead.
        stage = client._chalice_config.scope("local", "api_handler")
        for name, value in stage.environment_variables.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(BaseClient, "_patched_env_vars", lambda _, __: contextlib.nullcontext())
        yield Api(client)


def finished_export(api: Api, token: str, export_id: str) -> dict[str, Any]:
    """The export once its worker (a thread of this process) ended it."""
    deadline = time.monotonic() + 60
    while True:
        answer = api.call("GET", f"/v1/admin/recaps/monthly/exports/{export_id}", token=token)
        assert answer.status == 200, answer.body
        if answer.body["status"] != "running" or time.monotonic() > deadline:
            return dict(answer.body)
        time.sleep(0.2)


def handed_over(
    monkeypatch: pytest.MonkeyPatch, starter: str, event: Callable[..., dict[str, Any]]
) -> list[dict[str, Any]]:
    """Work the API hands a deployed worker (`runtime.start_worker`, `runtime.start_export`): the events Lambda
    would receive (`event(id, region, **more)`, `more` what the starter was given besides, such as a run's turn),
    kept in the returned list instead of invoking anything."""
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(runtime, starter, lambda s, work_id, _, **more: sent.append(event(work_id, s.region, **more)))
    return sent


def worker_held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """SIMPEG work handed to a worker thread starts only once the returned event is set: a test sets it after
    the request answered, so a fast worker cannot end the run before the request's first look at it (the
    request would then rightly answer 200 instead of the 202 under test)."""
    go = threading.Event()
    start = runtime.start_worker
    monkeypatch.setattr(
        runtime,
        "start_worker",
        lambda s, run_id, here, turn: start(s, run_id, lambda: go.wait(30) and here(), turn=turn),
    )
    return go
