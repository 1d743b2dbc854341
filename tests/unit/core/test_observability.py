"""The observability helpers: NIP hashing, timings, metric lines (EMF), job lines, request ids and outcomes."""

from __future__ import annotations

import json
import re
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.app import Request, Response

from chalicelib import observability as obs
from chalicelib.api.errors import error_response, json_response
from chalicelib.api.telemetry import outcome_of, request_id_of
from chalicelib.settings import load_settings

NIP = "198501012010011001"


def output_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """Every line written to stdout since the last read, each parsed as one JSON object."""
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def metric_blobs(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if "_aws" in line]


def metric_names(blob: dict[str, Any]) -> set[str]:
    return {m["Name"] for directive in blob["_aws"]["CloudWatchMetrics"] for m in directive["Metrics"]}


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    """Stage `dev`; no metrics left over from an earlier test in this process."""
    monkeypatch.setenv("SMART_STAGE", "dev")
    monkeypatch.setenv("SMART_TIMEZONE", "Asia/Jakarta")
    monkeypatch.setenv("SMART_TOKEN_SECRET", "s" * 40)
    monkeypatch.setenv("SMART_BOOTSTRAP_ADMIN_PASSWORD", "not-the-local-one")
    load_settings.cache_clear()
    obs.metrics.clear_metrics()
    capsys.readouterr()
    yield
    obs.metrics.clear_metrics()
    load_settings.cache_clear()


# --- hash_nip ----------------------------------------------------------------------------------------


def test_hash_nip_is_12_hex_digits_stable_per_secret_and_hides_the_nip() -> None:
    first = obs.hash_nip(NIP, "secret-a")
    assert re.fullmatch(r"[0-9a-f]{12}", first)
    assert obs.hash_nip(NIP, "secret-a") == first == obs.hash_nip(f" {NIP}\n", "secret-a")
    assert obs.hash_nip(NIP, "secret-b") != first  # per deployment
    assert obs.hash_nip("198501012010011002", "secret-a") != first  # the next NIP in sequence
    assert NIP not in first and NIP[:8] not in first


def test_hash_nip_defaults_to_the_deployments_token_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    assert obs.hash_nip(NIP) == obs.hash_nip(NIP, "s" * 40)
    monkeypatch.setenv("SMART_TOKEN_SECRET", "t" * 40)
    load_settings.cache_clear()
    assert obs.hash_nip(NIP) != obs.hash_nip(NIP, "s" * 40)


def test_hash_nip_command_prints_the_hash(capsys: pytest.CaptureFixture[str]) -> None:
    assert obs.main([NIP]) == 0
    assert capsys.readouterr().out == f"{NIP}\t{obs.hash_nip(NIP)}\n"
    assert obs.main([]) == 2


# --- metrics -----------------------------------------------------------------------------------------


def test_timed_records_milliseconds_even_when_the_block_raises(capsys: pytest.CaptureFixture[str]) -> None:
    with obs.timed(obs.Metric.FACE_LATENCY):
        time.sleep(0.02)
    with pytest.raises(ValueError), obs.timed(obs.Metric.FACE_LATENCY):
        raise ValueError("refused")
    obs.flush()
    [blob] = metric_blobs(output_lines(capsys))
    slow, failed = blob["FaceLatency"]
    assert 20 <= slow < 2000 and 0 <= failed < 20
    units = {m["Name"]: m["Unit"] for m in blob["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert units == {"FaceLatency": "Milliseconds"}


def test_flush_writes_one_emf_line_in_the_smart_namespace_with_the_stage(capsys: pytest.CaptureFixture[str]) -> None:
    obs.count_checkin("refused", ["OUTSIDE_ZONE"])
    obs.count_checkin("accepted", [])
    obs.flush()
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    blob = json.loads(out)
    [directive] = blob["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == obs.NAMESPACE == "SMART"
    assert [sorted(d) for d in directive["Dimensions"]] == [sorted(obs.dimensions("dev"))]
    assert {k: blob[k] for k in obs.dimensions("dev")} == obs.dimensions("dev")
    assert metric_names(blob) == {"CheckinRefused", "Refused_OUTSIDE_ZONE", "CheckinAccepted"}
    assert blob["CheckinRefused"] == [1.0]


def test_flush_without_metrics_writes_and_warns_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        obs.flush()
        obs.flush()
    assert capsys.readouterr().out == ""


def test_metrics_are_forgotten_once_flushed(capsys: pytest.CaptureFixture[str]) -> None:
    obs.add(obs.Metric.HTTP_5XX)
    obs.flush()
    obs.add(obs.Metric.REQUEST_LATENCY, 12.5)
    obs.flush()
    first, second = metric_blobs(output_lines(capsys))
    assert metric_names(first) == {"Http5xx"} and metric_names(second) == {"RequestLatency"}
    assert second["stage"] == "dev"


def test_simpeg_run_counts(capsys: pytest.CaptureFixture[str]) -> None:
    obs.count_simpeg_run("needs_confirmation", {"created": 3, "updated": 2, "deactivated": 400, "errors": 1})
    obs.flush()
    [blob] = metric_blobs(output_lines(capsys))
    assert blob["SimpegRunHeld"] == [1.0] and blob["SimpegDeactivated"] == [400.0] and blob["SimpegRejected"] == [1.0]


# --- logs --------------------------------------------------------------------------------------------


def test_log_lines_are_json_with_the_context_of_their_block(capsys: pytest.CaptureFixture[str]) -> None:
    with obs.log_context(request_id="abc123", route="/v1/health"):
        obs.logger.info("inside", extra={"latency_ms": 1.5})
    obs.logger.warning("outside")
    inside, outside = output_lines(capsys)
    assert inside["level"] == "INFO" and inside["service"] == "smart" and inside["message"] == "inside"
    assert (inside["request_id"], inside["route"], inside["latency_ms"]) == ("abc123", "/v1/health", 1.5)
    assert outside["level"] == "WARNING" and "request_id" not in outside


def test_job_logs_start_and_end_with_counts_and_flushes_its_duration(capsys: pytest.CaptureFixture[str]) -> None:
    with obs.job("daily_recap", obs.Metric.RECAP_DURATION) as summary:
        summary.update(date="2026-11-27", employees=7000)
    started, finished, blob = output_lines(capsys)
    assert started["message"] == "job started" and started["job"] == "daily_recap"
    assert finished["message"] == "job finished" and finished["job_id"] == started["job_id"]
    assert finished["result"] == {"date": "2026-11-27", "employees": 7000} and finished["duration_ms"] >= 0
    assert metric_names(blob) == {"RecapDuration"}


def test_a_failing_job_logs_its_traceback_flushes_and_raises(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(RuntimeError), obs.job("simpeg_sync", obs.Metric.SIMPEG_DURATION):
        raise RuntimeError("upstream exploded")
    _, failed, blob = output_lines(capsys)
    assert failed["level"] == "ERROR" and failed["message"] == "job failed"
    assert failed["exception_name"] == "RuntimeError" and "Traceback" in failed["exception"]
    assert metric_names(blob) == {"SimpegSyncDuration"}


# --- request ids and outcomes (HTTP layer) -----------------------------------------------------------


def request(context: dict[str, Any]) -> Request:
    event = {
        "requestContext": context,
        "headers": {},
        "pathParameters": {},
        "stageVariables": {},
        "multiValueQueryStringParameters": None,
        "body": None,
    }
    return Request(event)


def test_request_id_is_api_gateways_when_there_is_one() -> None:
    gateway = {"httpMethod": "GET", "resourcePath": "/v1/health", "requestId": "c6af9ac6-7b61-11e6"}
    assert request_id_of(request(gateway)) == "c6af9ac6-7b61-11e6"
    generated = request_id_of(request({"httpMethod": "GET", "resourcePath": "/v1/health"}))
    assert re.fullmatch(r"[0-9a-f]{12}", generated)


@pytest.mark.parametrize(
    ("response", "outcome"),
    [
        (json_response(200, {"status": "ok", "version": "0.1.0"}), "ok"),
        (json_response(201, {"event_id": "e", "status": "review"}), "review"),
        (json_response(200, {"items": []}), "ok"),
        (json_response(200, {"status": "not an enum value!"}), "ok"),
        (error_response("FACE_MISMATCH"), "FACE_MISMATCH"),
        (error_response("INTERNAL"), "INTERNAL"),
        (Response(body="<html>", status_code=502), "HTTP_502"),
        (json_response(200, {"status": "x", "blob": "a" * 20_000}), "ok"),  # too big to parse for it
    ],
)
def test_outcome_of_an_answer(response: Response, outcome: str) -> None:
    assert outcome_of(response) == outcome
