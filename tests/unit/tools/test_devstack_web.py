"""How the local stack answers paths of the web apps (tools.devstack_web): files, SPA routes, 404s."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.devstack_web import static_answer


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    (app / "assets").mkdir(parents=True)
    (app / "index.html").write_text("<!doctype html><title>SMART</title>")
    (app / "assets" / "index-abc123.js").write_text("console.log(1)")
    (app / "manifest.webmanifest").write_text("{}")
    (app / "sw.js").write_text("self")
    (tmp_path / "secret.txt").write_text("outside")
    return tmp_path


def test_paths_outside_the_apps_go_to_the_api(dist: Path) -> None:
    for path in ("/v1/health", "/", "/application", "/apps/x", "/administrasi", "/admins/x"):
        assert static_answer(path, dist) is None, path


def test_the_admin_console_is_served_like_the_app(dist: Path) -> None:
    # Not built yet: the API's 404 shape with the hint, never a 5xx or the employee app
    missing = static_answer("/admin/", dist)
    assert missing is not None and missing.status == 404 and b"make web" in missing.body
    admin = dist / "admin"
    (admin / "assets").mkdir(parents=True)
    (admin / "index.html").write_text("<!doctype html><title>SMART Admin</title>")
    (admin / "assets" / "index-def456.js").write_text("console.log(2)")
    redirect = static_answer("/admin", dist)
    assert redirect is not None and redirect.status == 301 and redirect.headers["Location"] == "/admin/"
    for route in ("/admin/", "/admin/pemantauan"):
        answer = static_answer(route, dist)
        assert answer is not None and answer.status == 200 and answer.body == (admin / "index.html").read_bytes()
    js = static_answer("/admin/assets/index-def456.js", dist)
    assert js is not None and js.body == b"console.log(2)" and "immutable" in js.headers["Cache-Control"]
    escape = static_answer("/admin/../app/index.html", dist)
    assert escape is not None and escape.status == 404


def test_app_without_slash_redirects(dist: Path) -> None:
    answer = static_answer("/app", dist)
    assert answer is not None and answer.status == 301 and answer.headers["Location"] == "/app/"


@pytest.mark.parametrize("path", ["/app/", "/app/?x=1", "/app/aktivasi", "/app/beranda/lagi"])
def test_app_routes_answer_index_html(dist: Path, path: str) -> None:
    answer = static_answer(path, dist)
    assert answer is not None and answer.status == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.body == (dist / "app" / "index.html").read_bytes()


def test_files_have_their_content_type_and_hashed_assets_are_immutable(dist: Path) -> None:
    js = static_answer("/app/assets/index-abc123.js", dist)
    assert js is not None and js.status == 200 and js.body == b"console.log(1)"
    assert js.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "immutable" in js.headers["Cache-Control"]
    manifest = static_answer("/app/manifest.webmanifest", dist)
    assert manifest is not None and manifest.headers["Content-Type"].startswith("application/manifest+json")
    sw = static_answer("/app/sw.js", dist)
    assert sw is not None and sw.headers["Cache-Control"] == "no-cache"  # a new build's worker is seen at once


@pytest.mark.parametrize(
    "path",
    [
        "/app/nope.js",
        "/app/assets/index-zzz.js",
        "/app/../secret.txt",
        "/app/%2e%2e/secret.txt",
        "/app/assets/../../secret.txt",
    ],
)
def test_unknown_or_escaping_files_are_404_in_the_error_shape(dist: Path, path: str) -> None:
    answer = static_answer(path, dist)
    assert answer is not None and answer.status == 404, path
    assert json.loads(answer.body)["error"]["code"] == "NOT_FOUND"


def test_unbuilt_app_is_404_saying_how_to_build_it(tmp_path: Path) -> None:
    answer = static_answer("/app/", tmp_path)
    assert answer is not None and answer.status == 404
    assert "make web" in json.loads(answer.body)["error"]["message"]
