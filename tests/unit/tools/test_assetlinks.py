"""The Play Store app's Digital Asset Links file (tools/assetlinks.py) and how the local stack serves it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools import assetlinks
from tools.assetlinks import AssetLinksError, asset_links, from_env, main
from tools.devstack_web import static_answer

PACKAGE = "id.go.example.smart"
UPLOAD_KEY = ":".join(f"{b:02x}" for b in range(32))  # lower case, as some tools print it
PLAY_KEY = ":".join(f"{b:02X}" for b in range(100, 132))
ENV = {"SMART_TWA_PACKAGE": PACKAGE, "SMART_TWA_SHA256": f"{UPLOAD_KEY}, {PLAY_KEY}"}


def test_the_statement_is_googles_format_with_every_fingerprint_in_upper_case() -> None:
    assert from_env(ENV) == [
        {
            "relation": ["delegate_permission/common.handle_all_urls"],
            "target": {
                "namespace": "android_app",
                "package_name": PACKAGE,
                "sha256_cert_fingerprints": [UPLOAD_KEY.upper(), PLAY_KEY],
            },
        }
    ]
    # the same key twice is listed once
    assert asset_links(PACKAGE, [PLAY_KEY, PLAY_KEY.lower()])[0]["target"]["sha256_cert_fingerprints"] == [PLAY_KEY]


def test_nothing_is_served_without_a_play_store_app() -> None:
    assert from_env({}) is None
    assert from_env({"SMART_TWA_PACKAGE": " ", "SMART_TWA_SHA256": ""}) is None


@pytest.mark.parametrize(
    "bad",
    [
        UPLOAD_KEY[:-3],  # 31 bytes
        UPLOAD_KEY + ":00",  # 33 bytes
        UPLOAD_KEY.replace(":", ""),  # no separators
        UPLOAD_KEY.replace(":", "-"),
        "ZZ" + UPLOAD_KEY[2:],  # not hex
        ":".join(f"{b:02x}" for b in range(20)),  # a SHA-1 fingerprint
    ],
)
def test_a_fingerprint_that_is_not_32_colon_separated_hex_bytes_is_refused(bad: str) -> None:
    with pytest.raises(AssetLinksError, match="SHA-256"):
        from_env({"SMART_TWA_PACKAGE": PACKAGE, "SMART_TWA_SHA256": bad})


@pytest.mark.parametrize("bad", ["smart", "id.go.", "1d.go.smart", "id go.smart", "id.go.smart/x", ".id.go"])
def test_a_package_that_is_not_an_android_package_name_is_refused(bad: str) -> None:
    with pytest.raises(AssetLinksError, match="package"):
        asset_links(bad, [PLAY_KEY])


def test_half_a_configuration_is_an_error_not_an_absent_file() -> None:
    with pytest.raises(AssetLinksError, match="SMART_TWA_SHA256"):
        from_env({"SMART_TWA_PACKAGE": PACKAGE})
    with pytest.raises(AssetLinksError, match="SMART_TWA_PACKAGE"):
        from_env({"SMART_TWA_SHA256": PLAY_KEY})
    with pytest.raises(AssetLinksError, match="at least one"):
        from_env({"SMART_TWA_PACKAGE": PACKAGE, "SMART_TWA_SHA256": " , "})


def test_the_local_stack_serves_it_as_json_and_answers_404_in_the_error_shape_without_it(tmp_path: Path) -> None:
    served = static_answer("/.well-known/assetlinks.json", tmp_path, ENV)
    assert served is not None and served.status == 200
    assert served.headers["Content-Type"] == "application/json"
    assert json.loads(served.body) == from_env(ENV)
    absent = static_answer("/.well-known/assetlinks.json?x=1", tmp_path, {})
    assert absent is not None and absent.status == 404
    assert absent.headers["Content-Type"].startswith("application/json")
    assert json.loads(absent.body)["error"]["code"] == "NOT_FOUND"
    # other well-known paths are the API's (its own 404)
    assert static_answer("/.well-known/security.txt", tmp_path, ENV) is None


def test_the_release_step_writes_the_file_for_the_web_bucket(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dist" / ".well-known" / "assetlinks.json"
    assert main(["--package", PACKAGE, "--sha256", PLAY_KEY, "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == asset_links(PACKAGE, [PLAY_KEY])
    assert main(["--package", PACKAGE, "--sha256", "AB:CD"]) == 2
    assert "SHA-256" in capsys.readouterr().err
    assert assetlinks.PATH == "/.well-known/assetlinks.json"


def test_the_release_step_refuses_to_write_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SMART_TWA_PACKAGE", raising=False)
    monkeypatch.delenv("SMART_TWA_SHA256", raising=False)
    assert main([]) == 2
    assert "SMART_TWA_PACKAGE" in capsys.readouterr().err
