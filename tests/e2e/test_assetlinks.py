"""The local stack serves the Play Store app's Digital Asset Links file over HTTP (docs/play_store.md), from
SMART_TWA_PACKAGE and SMART_TWA_SHA256, next to /app/ and /v1/ on one port."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import require_app
from tools.devstack import LocalStack, StackUrls
from tools.devstack_http import ApiClient

PACKAGE = "id.go.example.smart"
FINGERPRINT = ":".join(f"{b:02X}" for b in range(32))
PATH = "/.well-known/assetlinks.json"


def test_the_configured_file_is_served_as_json_without_a_redirect(tmp_path: Path) -> None:
    require_app()
    env = {"SMART_TWA_PACKAGE": PACKAGE, "SMART_TWA_SHA256": FINGERPRINT.lower()}
    with LocalStack.for_tests(tmp_path, simpeg_size=5, run_schedules=False, extra_env=env) as urls:
        client = ApiClient(urls.api)  # follows no redirect: Android's verifier does not either
        served = client.get(PATH)
        assert served.status == 200 and served.headers["Content-Type"] == "application/json"
        assert served.body == [
            {
                "relation": ["delegate_permission/common.handle_all_urls"],
                "target": {
                    "namespace": "android_app",
                    "package_name": PACKAGE,
                    "sha256_cert_fingerprints": [FINGERPRINT],
                },
            }
        ]
        head = client.request("HEAD", PATH)
        assert (head.status, head.raw) == (200, b"") and head.headers["Content-Type"] == "application/json"
        assert client.get("/v1/health").status == 200  # the API still answers next to it


def test_without_a_play_store_app_the_file_is_a_404_in_the_error_shape(stack: StackUrls) -> None:
    if os.environ.get("SMART_TWA_PACKAGE") or os.environ.get("SMART_TWA_SHA256"):
        pytest.skip("this shell configures a Play Store app (SMART_TWA_*), which the session's stack inherits")
    absent = ApiClient(stack.api).get(PATH)
    assert absent.status == 404 and absent.headers["Content-Type"].startswith("application/json")
    assert absent.error_code() == "NOT_FOUND"
