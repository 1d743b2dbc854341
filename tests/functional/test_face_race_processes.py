"""The duplicate-enrolment race across processes (decision 86): two API processes, each with its own runtime
and duplicate index, enrol one face for two employees at the same moment, against one DynamoDB (a moto
server). Both duplicate checks pass before either write (the processes meet at a barrier between check and
write, the interleaving that let both through before); the re-check after each write keeps at most one."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from chalicelib import runtime
from chalicelib.domain.people import Employee
from chalicelib.face import DuplicateFaceError
from chalicelib.settings import load_settings
from chalicelib.store.aws import reset_clients
from chalicelib.store.schema import create_all
from tests.unit.usecases.test_face_review import JOLIE, enrol_after_check
from tools import moto_scaling

NIPS = ("198501012010011001", "199002022015032002")
ENV = {
    "SMART_STAGE": "local",
    "SMART_TABLE_PREFIX": "race-",
    "SMART_BUCKET": "race-bucket",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "ap-southeast-3",
}


def enrol_in_own_process(env: dict[str, str], nip: str, photo: str, meet: Any, outcomes: Any) -> None:
    """One API process: its own runtime (fresh index loaded from the shared tables), check, meet, write."""
    os.environ.update(env)
    settings = load_settings()
    runtime.ensure_ready(settings)
    write = enrol_after_check(nip, photo, settings, datetime.now(UTC))  # passes: nobody has written yet
    meet.wait(timeout=300)
    try:
        write()
        outcomes.put((nip, "approved"))
    except DuplicateFaceError as exc:
        outcomes.put((nip, exc.code))


@pytest.fixture()
def shared_dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """GIVEN a moto server both processes use, with the tables and the two employees of U1. Patched as the local
    stack's is (`moto_scaling`): one DynamoDB request at a time. Plain moto applies an update as read, compute,
    write in its server threads, so two transactions that ADD to the approved set's change count before it
    exists can both create it and count once (DynamoDB's ADD is atomic): each process then takes the count as
    its own change and skips its reload, and both enrolments pass (seen once in CI)."""
    with moto_scaling.patched():
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        env = {**ENV, "AWS_ENDPOINT_URL": f"http://{host}:{port}"}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        load_settings.cache_clear()
        reset_clients()
        runtime.forget()
        try:
            create_all(load_settings())
            for nip in NIPS:
                runtime.people().put_employee(Employee(nip, f"Pegawai {nip[-3:]}", "U1"))
            yield env
        finally:
            server.stop()
            load_settings.cache_clear()
            reset_clients()
            runtime.forget()


def test_one_face_enrolled_for_two_employees_in_two_processes_at_once_is_approved_at_most_once(
    shared_dynamodb: dict[str, str],
) -> None:
    if not (load_settings().model_dir / "dlib_resnet_v1.onnx").is_file():
        pytest.skip("face models not built (run: python -m models.build)")
    spawn = multiprocessing.get_context("spawn")
    meet, outcomes = spawn.Barrier(len(NIPS)), spawn.Queue()
    processes = [
        spawn.Process(target=enrol_in_own_process, args=(shared_dynamodb, nip, JOLIE[i], meet, outcomes))
        for i, nip in enumerate(NIPS)
    ]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=600)
    assert [p.exitcode for p in processes] == [0, 0]
    answers = dict(outcomes.get(timeout=5) for _ in NIPS)
    # THEN at most one was approved, the other(s) refused DUPLICATE_FACE, and storage agrees
    approved = [nip for nip, outcome in answers.items() if outcome == "approved"]
    assert len(approved) <= 1 and "DUPLICATE_FACE" in answers.values()
    assert sorted(m.owner for m in runtime.faces().approved_templates()) == approved
