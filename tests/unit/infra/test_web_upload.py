"""The web upload (infra/web_upload.py) against S3's API (moto in-process): order, metadata, pruning, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra import web_upload
from tools.devstack_web import static_answer

BUCKET = "smart-prod-web"
IMMUTABLE = "public, max-age=31536000, immutable"
RELEASE = {
    "app/index.html": b"<!doctype html><script src='/app/assets/index-X8Hp71Nk.js'></script>",
    "app/assets/index-X8Hp71Nk.js": b"console.log('app')",
    "app/assets/index-D5Xv9UkW.css": b"body{}",
    "app/sw.js": b"self.addEventListener('install',()=>{})",
    "app/registerSW.js": b"navigator.serviceWorker.register('/app/sw.js')",
    "app/manifest.webmanifest": b'{"name":"SMART"}',
    "app/icons/icon-192.png": b"\x89PNG\r\n",
    "admin/index.html": b"<!doctype html>",
    "admin/assets/Zones-nipgQrDU.js": b"export{}",
    ".well-known/assetlinks.json": b"[]",
    ".built": b"stamp",
}


def write_release(dist: Path, files: dict[str, bytes]) -> None:
    for key, body in files.items():
        (dist / key).parent.mkdir(parents=True, exist_ok=True)
        (dist / key).write_bytes(body)


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="ap-southeast-3")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
        yield client


def keys(s3: Any) -> set[str]:
    return {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_a_release_goes_up_assets_first_and_each_index_last_with_its_metadata(s3: Any, tmp_path: Path) -> None:
    # GIVEN a built release
    write_release(tmp_path, RELEASE)
    order: list[str] = []
    s3.meta.events.register("before-parameter-build.s3.PutObject", lambda params, **_: order.append(params["Key"]))
    # WHEN it is uploaded
    assert web_upload.main(["--bucket", BUCKET, "--dist", str(tmp_path)], s3=s3) == 0
    # THEN every file but the build stamp is there, byte for byte
    assert keys(s3) == set(RELEASE) - {".built"}
    for key in keys(s3):
        assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == RELEASE[key]
    # AND the hashed assets went up before anything that names them, each app's index.html last
    assert len(order) == 10 and set(order[:3]) == {k for k in RELEASE if "/assets/" in k}
    assert set(order[-2:]) == {"app/index.html", "admin/index.html"}
    # AND each object carries the metadata CloudFront passes on: immutable assets, everything else revalidated
    expected = {
        "app/assets/index-X8Hp71Nk.js": ("text/javascript; charset=utf-8", IMMUTABLE),
        "app/assets/index-D5Xv9UkW.css": ("text/css; charset=utf-8", IMMUTABLE),
        "admin/assets/Zones-nipgQrDU.js": ("text/javascript; charset=utf-8", IMMUTABLE),
        "app/index.html": ("text/html; charset=utf-8", "no-cache"),
        "admin/index.html": ("text/html; charset=utf-8", "no-cache"),
        "app/sw.js": ("text/javascript; charset=utf-8", "no-cache"),
        "app/registerSW.js": ("text/javascript; charset=utf-8", "no-cache"),
        "app/manifest.webmanifest": ("application/manifest+json; charset=utf-8", "no-cache"),
        "app/icons/icon-192.png": ("image/png", "no-cache"),
        ".well-known/assetlinks.json": ("application/json", "no-cache"),
    }
    stored = {
        k: (h["ContentType"], h["CacheControl"]) for k in keys(s3) for h in [s3.head_object(Bucket=BUCKET, Key=k)]
    }
    assert stored == expected


def test_the_bucket_serves_each_app_file_as_the_local_stack_does(s3: Any, tmp_path: Path) -> None:
    # GIVEN a release uploaded
    write_release(tmp_path, RELEASE)
    assert web_upload.main(["--bucket", BUCKET, "--dist", str(tmp_path)], s3=s3) == 0
    # THEN every app file's metadata is what the local stack answers for its path
    for key in (k for k in keys(s3) if k.split("/")[0] in ("app", "admin")):
        local = static_answer(f"/{key}", dist_dir=tmp_path)
        head = s3.head_object(Bucket=BUCKET, Key=key)
        assert local is not None and local.status == 200, key
        assert (head["ContentType"], head["CacheControl"]) == (
            local.headers["Content-Type"],
            local.headers["Cache-Control"],
        ), key
    # AND so is the Digital Asset Links file (the local stack writes it from its settings)
    env = {"SMART_TWA_PACKAGE": "id.go.example.smart", "SMART_TWA_SHA256": ":".join(["AB"] * 32)}
    local = static_answer("/.well-known/assetlinks.json", dist_dir=tmp_path, env=env)
    head = s3.head_object(Bucket=BUCKET, Key=".well-known/assetlinks.json")
    assert local is not None and local.status == 200
    assert (head["ContentType"], head["CacheControl"]) == (
        local.headers["Content-Type"],
        local.headers["Cache-Control"],
    )


def test_prune_removes_only_what_this_release_lacks(s3: Any, tmp_path: Path) -> None:
    # GIVEN the previous release's files and another /.well-known/ file in the bucket, and this release uploaded
    for key in ("app/assets/index-OLD00000.js", "admin/assets/Users-OLD00000.js", ".well-known/security.txt"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"old")
    write_release(tmp_path, RELEASE)
    assert web_upload.main(["--bucket", BUCKET, "--dist", str(tmp_path)], s3=s3) == 0
    # WHEN the upload is pruned
    assert web_upload.main(["--bucket", BUCKET, "--dist", str(tmp_path), "--prune"], s3=s3) == 0
    # THEN the older release's files are gone; this release and /.well-known/ stay
    assert keys(s3) == (set(RELEASE) - {".built"}) | {".well-known/security.txt"}


def test_an_unbuilt_release_is_refused_before_anything_is_written(
    s3: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN web/dist with the employee app but no admin console (`make web` not run, or failed half-way)
    write_release(tmp_path, {k: v for k, v in RELEASE.items() if not k.startswith("admin/")})
    # WHEN it is uploaded, or pruned, THEN both stop with the reason and the bucket is untouched
    s3.put_object(Bucket=BUCKET, Key="admin/index.html", Body=b"live")
    for extra in ([], ["--prune"]):
        assert web_upload.main(["--bucket", BUCKET, "--dist", str(tmp_path), *extra], s3=s3) == 1
        assert "run `make web` first" in capsys.readouterr().err
    assert keys(s3) == {"admin/index.html"}


def test_a_bucket_that_does_not_exist_fails_with_a_message(
    s3: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_release(tmp_path, RELEASE)
    assert web_upload.main(["--bucket", "smart-nope", "--dist", str(tmp_path)], s3=s3) == 1
    err = capsys.readouterr().err
    assert err.startswith("web upload failed:") and "NoSuchBucket" in err
