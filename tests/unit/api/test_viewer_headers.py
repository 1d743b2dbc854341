"""Where the API takes the caller's address and origin from (chalicelib.api.http.Call): API Gateway's view, or,
behind SMART's CloudFront (SMART_TRUST_CDN_HEADERS), the headers the distribution writes and no viewer can set."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalice.app import Request

from chalicelib.api.http import VIEWER_ADDRESS_HEADER, VIEWER_HOST_HEADER, Call
from chalicelib.settings import build_settings

EDGE = "130.176.1.2"  # a CloudFront edge server: what API Gateway sees behind the distribution


def _call(headers: dict[str, str], *, trust: bool) -> Call:
    event: dict[str, Any] = {
        "multiValueQueryStringParameters": None,
        "headers": headers,
        "pathParameters": None,
        "requestContext": {"httpMethod": "POST", "resourcePath": "/v1/auth/login", "identity": {"sourceIp": EDGE}},
        "body": None,
        "stageVariables": None,
    }
    settings = build_settings({"SMART_STAGE": "local", "SMART_TRUST_CDN_HEADERS": "true" if trust else ""})
    return Call(Request(event), None, settings, datetime(2026, 12, 3, tzinfo=UTC))


def test_behind_the_distribution_the_viewer_address_is_the_callers() -> None:
    assert _call({VIEWER_ADDRESS_HEADER: "203.0.113.7"}, trust=True).source_address == "203.0.113.7"
    # IPv6 viewers too, in one normal form (a per-address limit must not count one phone twice)
    ipv6 = _call({VIEWER_ADDRESS_HEADER: "2001:DB8:0:0::1"}, trust=True).source_address
    assert ipv6 == "2001:db8::1"


def test_without_the_distribution_a_viewer_header_is_ignored() -> None:
    # make run, tests, or a deployment without CloudFront: anyone could send the header, so it means nothing
    assert _call({VIEWER_ADDRESS_HEADER: "203.0.113.7"}, trust=False).source_address == EDGE
    call = _call({VIEWER_HOST_HEADER: "evil.example", "host": "localhost:8000"}, trust=False)
    assert call.origin == "http://localhost:8000"


def test_a_header_that_is_not_an_address_falls_back_to_api_gateways_view() -> None:
    for bad in ("", "   ", "203.0.113.7, 10.0.0.1", "not-an-ip", "203.0.113.7:443", "999.1.1.1"):
        assert _call({VIEWER_ADDRESS_HEADER: bad}, trust=True).source_address == EDGE, bad
    assert _call({}, trust=True).source_address == EDGE


def test_behind_the_distribution_the_origin_is_the_host_the_viewer_addressed() -> None:
    headers = {
        "host": "abc123.execute-api.ap-southeast-3.amazonaws.com",  # what CloudFront sends API Gateway
        "x-forwarded-proto": "https",
        VIEWER_HOST_HEADER: "d111111abcdef8.cloudfront.net",
    }
    assert _call(headers, trust=True).origin == "https://d111111abcdef8.cloudfront.net"
    del headers[VIEWER_HOST_HEADER]
    assert _call(headers, trust=True).origin == "https://abc123.execute-api.ap-southeast-3.amazonaws.com"
