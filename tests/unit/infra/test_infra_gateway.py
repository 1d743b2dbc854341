"""API Gateway's own answers (unknown path, oversized body, throttling, crashed function) use the API's
error shape, codes, statuses and messages."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.api.errors import STATUS_BY_CODE
from chalicelib.messages import MESSAGES
from infra.gateway import COMPRESSION_KEY, GATEWAY_RESPONSES_KEY, MINIMUM_COMPRESSION_BYTES
from infra.merge import MergeResult


def _responses(merged: MergeResult) -> dict[str, Any]:
    body = merged.template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    responses: dict[str, Any] = body[GATEWAY_RESPONSES_KEY]
    return responses


def _error(response: dict[str, Any]) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(response["responseTemplates"]["application/json"])["error"]
    return error


def test_unknown_path_answers_404_not_found_instead_of_403(merged: MergeResult) -> None:
    # GIVEN API Gateway's answer to a path it has no route for
    response = _responses(merged)["MISSING_AUTHENTICATION_TOKEN"]
    # THEN the client sees the API's 404 NOT_FOUND, with an Indonesian message
    assert response["statusCode"] == "404"
    assert _error(response) == {"code": "NOT_FOUND", "message": "Alamat tidak ditemukan.", "details": {}}


def test_every_gateway_answer_has_a_known_code_and_its_status(merged: MergeResult) -> None:
    for response_type, response in _responses(merged).items():
        error = _error(response)
        assert error["code"] in STATUS_BY_CODE, response_type
        assert error["message"], response_type
        if "statusCode" in response:
            assert response["statusCode"] == str(STATUS_BY_CODE[error["code"]]), response_type


def test_gateway_failures_are_retryable_unavailable(merged: MergeResult) -> None:
    responses = _responses(merged)
    for response_type in ("INTEGRATION_TIMEOUT", "INTEGRATION_FAILURE", "DEFAULT_5XX"):
        response = responses[response_type]
        assert response["statusCode"] == "503"
        assert _error(response)["message"] == MESSAGES["UNAVAILABLE"]
        assert response["responseParameters"]["gatewayresponse.header.Retry-After"] == "'5'"
    assert _error(responses["REQUEST_TOO_LARGE"])["code"] == "PAYLOAD_TOO_LARGE"
    assert _error(responses["THROTTLED"])["code"] == "RATE_LIMITED"


def test_the_api_gzips_large_answers_for_clients_that_accept_gzip(merged: MergeResult) -> None:
    # GIVEN the API's definition as deployed (CloudFront passes the API's answers through uncompressed)
    body = merged.template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    # THEN API Gateway compresses answers from MINIMUM_COMPRESSION_BYTES up (its allowed range: 0 to 10 MiB)
    assert body[COMPRESSION_KEY] == MINIMUM_COMPRESSION_BYTES
    assert 0 < MINIMUM_COMPRESSION_BYTES <= 10 * 1024 * 1024


def test_the_stage_throttle_at_the_0700_rush_tells_phones_when_to_come_back(merged: MergeResult) -> None:
    # GIVEN 7,000 phones checking in around 07:00, more than the stage throttle lets through (ApiThrottleRate)
    responses = _responses(merged)
    for response_type in ("THROTTLED", "QUOTA_EXCEEDED"):
        # WHEN API Gateway turns one away before the function runs
        response = responses[response_type]
        # THEN the 429 carries `Retry-After` (API.md: every 429 and 503 does), so the phone waits before it tries
        # again instead of guessing
        assert response["statusCode"] == "429", response_type
        assert response["responseParameters"]["gatewayresponse.header.Retry-After"] == "'5'", response_type
