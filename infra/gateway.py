"""API Gateway's own answers, in the API's error shape.

API Gateway answers some requests before the function runs: an unknown path or method (it says
MISSING_AUTHENTICATION_TOKEN, 403), a body over 10 MB, throttling, a function that timed out or crashed.
Without gateway responses those reach the app as ``{"message": "..."}`` and break the contract of API.md.
Codes, statuses and Indonesian messages come from the app's own tables (chalicelib.api.errors and
chalicelib.messages), so the gateway cannot drift from what the function answers.
"""

from __future__ import annotations

import json

from chalicelib.api.errors import RETRY_AFTER_S, STATUS_BY_CODE
from chalicelib.messages import error_body

from .cfn import Json

GATEWAY_RESPONSES_KEY = "x-amazon-apigateway-gateway-responses"
COMPRESSION_KEY = "x-amazon-apigateway-minimum-compression-size"
# API Gateway gzips an answer of at least this many bytes for a client that accepts gzip. CloudFront does not
# compress the API's answers (its /v1/* behaviour disables caching, and with it compression; it forwards the
# viewer's Accept-Encoding instead), so without this a console on an office's weak link reads a regency's
# monthly JSON (about 4 MB for 7,000 employees) uncompressed. A check-in's small answer is not worth the CPU.
MINIMUM_COMPRESSION_BYTES = 8192

# API.md: every 429 and 503 answer says when to try again. The stage throttle's 429 (its token bucket refills
# every second) is the one phones meet at the 07:00 rush; without the header each app would guess its own wait.
RETRY_AFTER_STATUSES = frozenset({429, 503})

# (API Gateway response type, API code, message override or None, take the status from STATUS_BY_CODE)
GATEWAY_RESPONSES: tuple[tuple[str, str, str | None, bool], ...] = (
    # API Gateway's answer to a path or method it has no route for.
    ("MISSING_AUTHENTICATION_TOKEN", "NOT_FOUND", "Alamat tidak ditemukan.", True),
    ("RESOURCE_NOT_FOUND", "NOT_FOUND", "Alamat tidak ditemukan.", True),
    ("REQUEST_TOO_LARGE", "PAYLOAD_TOO_LARGE", None, True),
    ("UNSUPPORTED_MEDIA_TYPE", "UNSUPPORTED_MEDIA_TYPE", None, True),
    ("THROTTLED", "RATE_LIMITED", None, True),
    ("QUOTA_EXCEEDED", "RATE_LIMITED", None, True),
    # The check-in is one transaction and idempotent by client_request_id: a retry is always safe.
    ("INTEGRATION_FAILURE", "UNAVAILABLE", None, True),
    ("INTEGRATION_TIMEOUT", "UNAVAILABLE", None, True),
    ("DEFAULT_5XX", "UNAVAILABLE", None, True),
    # Other request-shape refusals of API Gateway keep their own 4xx status.
    ("DEFAULT_4XX", "VALIDATION_ERROR", None, False),
)


def _response(code: str, message: str | None, set_status: bool) -> Json:
    status = STATUS_BY_CODE[code]
    response: Json = {
        "responseParameters": {"gatewayresponse.header.Content-Type": "'application/json; charset=utf-8'"},
        "responseTemplates": {"application/json": json.dumps(error_body(code, message))},
    }
    if set_status:
        response["statusCode"] = str(status)
        if status in RETRY_AFTER_STATUSES:
            response["responseParameters"]["gatewayresponse.header.Retry-After"] = f"'{RETRY_AFTER_S}'"
    return response


def gateway_responses() -> Json:
    """The GATEWAY_RESPONSES_KEY extension of the API definition.

    Set inside the definition rather than as separate AWS::ApiGateway::GatewayResponse resources: a change
    then changes the definition, so SAM creates a new deployment and the stage really serves it.
    """
    return {
        response_type: _response(code, message, set_status)
        for response_type, code, message, set_status in GATEWAY_RESPONSES
    }
