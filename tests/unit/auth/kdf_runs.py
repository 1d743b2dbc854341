"""Counting the KDF runs of a test (the real scrypt still runs): how many secrets a login evaluated, at what cost;
and the activation-code MACs (the real HMAC still runs): how many codes an activation evaluated."""

from __future__ import annotations

import threading

import pytest

from chalicelib.auth import codes, passwords


class KdfRuns:
    """The (n, r, p) cost of every scrypt run since the last `take`, from any thread."""

    def __init__(self) -> None:
        self.params: list[tuple[int, int, int]] = []
        self.lock = threading.Lock()

    def take(self) -> list[tuple[int, int, int]]:
        with self.lock:
            taken, self.params = self.params, []
            return taken


def count_kdf_runs(monkeypatch: pytest.MonkeyPatch) -> KdfRuns:
    runs = KdfRuns()
    derive = passwords._derive

    def counted(secret: str, salt: bytes, params: passwords.KdfParams) -> bytes:
        with runs.lock:
            runs.params.append((params.n, params.r, params.p))
        return derive(secret, salt, params)

    monkeypatch.setattr(passwords, "_derive", counted)
    return runs


class CodeChecks:
    """How many activation-code MACs were computed since the last `take`, from any thread."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    def take(self) -> int:
        with self.lock:
            taken, self.count = self.count, 0
            return taken


def count_code_checks(monkeypatch: pytest.MonkeyPatch) -> CodeChecks:
    checks = CodeChecks()
    mac = codes._mac

    def counted(key: bytes, nip: str, expires_epoch: int, code: str) -> bytes:
        with checks.lock:
            checks.count += 1
        return mac(key, nip, expires_epoch, code)

    monkeypatch.setattr(codes, "_mac", counted)
    return checks
