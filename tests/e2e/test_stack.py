"""The API as a client sees it on the local stack: health, admin login, the error shape of API.md, and data
that survives a restart of the stack (clean stop, and an unclean kill of the storage server)."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

from tests.e2e.conftest import require_app
from tools.devstack import LocalStack, StackUrls, log_file
from tools.devstack_http import ApiClient, ApiResponse, wait_until


def assert_error(resp: ApiResponse, status: int, code: str) -> None:
    """API.md: the status, and {"error": {"code", "message" (for people), "details": {...}}}."""
    assert resp.status == status, resp.raw
    assert resp.error_code() == code, resp.raw
    error = resp.body["error"]
    assert isinstance(error["message"], str) and error["message"].strip()
    assert isinstance(error["details"], dict)


def test_health_answers_ok_with_a_version(api: ApiClient) -> None:
    resp = api.get("/v1/health")

    assert resp.status == 200
    assert resp.body["status"] == "ok"
    assert isinstance(resp.body["version"], str) and resp.body["version"]
    assert resp.headers.get("Content-Type", "").startswith("application/json")


def test_bootstrap_admin_logs_in_as_super_admin(api: ApiClient, stack: StackUrls) -> None:
    resp = api.login_admin(stack.admin_username, stack.admin_password)

    assert resp.status == 200, resp.raw
    assert resp.body["role"] == "super_admin"
    assert isinstance(resp.body["token"], str) and len(resp.body["token"]) > 20
    assert isinstance(resp.body["expires_at"], str)


def test_wrong_password_is_refused_with_invalid_credentials(api: ApiClient, stack: StackUrls) -> None:
    resp = api.login_admin(stack.admin_username, stack.admin_password + "-wrong")

    assert_error(resp, 401, "INVALID_CREDENTIALS")
    assert "token" not in resp.body


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(api: ApiClient) -> None:
    # Otherwise the answer would reveal which usernames exist.
    resp = api.login_admin("nobody-here", "whatever-password")

    assert_error(resp, 401, "INVALID_CREDENTIALS")


def test_malformed_json_is_a_validation_error_not_a_server_error(api: ApiClient) -> None:
    resp = api.request("POST", "/v1/auth/admin/login", raw_body=b'{"username": "admin", "password": ')

    assert_error(resp, 400, "VALIDATION_ERROR")


def test_unknown_route_is_not_found_in_the_error_shape(api: ApiClient) -> None:
    resp = api.get("/v1/no-such-thing")

    assert_error(resp, 404, "NOT_FOUND")


def test_admin_route_without_token_is_unauthenticated(api: ApiClient) -> None:
    resp = api.get("/v1/admin/units")

    assert_error(resp, 401, "UNAUTHENTICATED")


def test_tampered_token_is_unauthenticated(admin: ApiClient, stack: StackUrls) -> None:
    # GIVEN a valid token whose payload is changed (signature kept)
    assert admin.get("/v1/admin/units").status == 200
    header, payload, signature = str(admin.token).split(".")
    forged = ApiClient(stack.api, token=f"{header}.{_flip_last_char(payload)}.{signature}")

    # WHEN it is used THEN it is refused as if there were no token
    assert_error(forged.get("/v1/admin/units"), 401, "UNAUTHENTICATED")


def test_token_with_a_forged_signature_is_unauthenticated(admin: ApiClient, stack: StackUrls) -> None:
    header, payload, signature = str(admin.token).split(".")
    forged = ApiClient(stack.api, token=f"{header}.{payload}.{_flip_last_char(signature[:-4]) + signature[-4:]}")

    assert_error(forged.get("/v1/admin/units"), 401, "UNAUTHENTICATED")


def _flip_last_char(part: str) -> str:
    return part[:-1] + ("A" if part[-1] != "A" else "B")


def test_created_admin_survives_clean_restart_and_killed_storage(tmp_path: Path) -> None:
    require_app()
    data_dir = tmp_path / "stack"

    # GIVEN an admin user created through the API, then the stack stopped cleanly
    with LocalStack.for_tests(data_dir) as urls:
        _create_admin(urls, "operator-satu")

    # WHEN it starts again on the same data dir THEN that user can log in; a second user is added and the
    # storage server is killed (-9) before the stack is stopped, as a crash or a closed terminal would
    stack = LocalStack.for_tests(data_dir)
    with stack as urls:
        assert _login(urls, "operator-satu").status == 200
        _create_admin(urls, "operator-dua")
        os.kill(stack.child_pid("moto"), signal.SIGKILL)

    # THEN after another start both users still log in, and a wrong password is still refused
    with LocalStack.for_tests(data_dir) as urls:
        assert _login(urls, "operator-satu").status == 200
        assert _login(urls, "operator-dua").status == 200
        assert_error(_login(urls, "operator-dua", "salah-sandi-123"), 401, "INVALID_CREDENTIALS")


OPERATOR_PASSWORD = "Sandi-Uji-Restart-2026"


def _create_admin(urls: StackUrls, username: str) -> None:
    admin = ApiClient(urls.api)
    assert admin.login_admin(urls.admin_username, urls.admin_password).status == 200
    body = {"username": username, "password": OPERATOR_PASSWORD, "role": "super_admin", "unit_ids": []}
    resp = admin.post("/v1/admin/users", body)
    assert resp.status == 201, resp.raw


def _login(urls: StackUrls, username: str, password: str = OPERATOR_PASSWORD) -> ApiResponse:
    return ApiClient(urls.api).login_admin(username, password)


def test_empty_body_is_a_validation_error(api: ApiClient) -> None:
    resp = api.request("POST", "/v1/auth/admin/login", raw_body=b"")

    assert_error(resp, 400, "VALIDATION_ERROR")


def test_the_api_log_is_json_lines_with_a_request_line_per_request(api: ApiClient, stack: StackUrls) -> None:
    # GIVEN the API's log file (`make run`'s banner names it) WHEN a login is refused
    wrong = "Sandi-Salah-Sekali-42"
    resp = api.login_admin(stack.admin_username, wrong)
    request_id = next(value for name, value in resp.headers.items() if name.lower() == "x-request-id")
    log = log_file(stack.data_dir, "api")

    def lines() -> list[dict[str, Any]]:
        return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]

    def request_line() -> dict[str, Any] | None:
        return next((line for line in lines() if line.get("request_id") == request_id), None)

    # THEN its one JSON "request" line lands there with id, route template, outcome and latency, and every
    # line of the file is one JSON object (app lines, metric lines, the server's own), none with the password
    wait_until(request_line, timeout_s=10, what="the request's line in api.log")
    line = request_line()
    assert line is not None and line["message"] == "request" and line["level"] == "INFO"
    expected = ("/v1/auth/admin/login", "POST", 401, "INVALID_CREDENTIALS")
    assert (line["route"], line["method"], line["status"], line["outcome"]) == expected
    assert line["latency_ms"] >= 0
    assert all(isinstance(parsed, dict) for parsed in lines())
    assert any(parsed.get("_aws", {}).get("CloudWatchMetrics") for parsed in lines())
    assert wrong not in log.read_text(encoding="utf-8")
