"""The built web clients (web/dist/<app>/) served by the local stack's API workers, same origin as /v1/.

`make run` serves the employee app at `/app/` and the admin console at `/admin/` on SMART_PORT next to the API,
as CloudFront does in front of the S3 bucket and API Gateway (infra/web.py; no CORS anywhere). Every path under
`/<app>/` is one of:
  a file of web/dist/<app> (content type from a fixed table; hashed `assets/` cached for a year, the rest
  revalidated so a new build and its service worker are picked up at once),
  a route of the single-page app (no file extension in the last segment): index.html,
  anything else (a missing asset, a path escaping the directory): 404 in the API's error shape.
`/<app>` itself redirects to `/<app>/`. `/.well-known/assetlinks.json` is the Play Store app's Digital Asset
Links file, from SMART_TWA_PACKAGE and SMART_TWA_SHA256 (tools/assetlinks.py), 404 while they are unset. Only GET
and HEAD are answered here; other methods go to the API (which answers 404/405 in its error shape). Dev tooling
only; never shipped to Lambda.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from infra.web_files import APPS, ASSET_LINKS_TYPE, DIST_DIR, REVALIDATE, cache_control, content_type
from tools import assetlinks


@dataclass(frozen=True)
class StaticAnswer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def _not_found(message: str) -> StaticAnswer:
    body = json.dumps({"error": {"code": "NOT_FOUND", "message": message, "details": {}}}).encode()
    return StaticAnswer(404, {"Content-Type": "application/json; charset=utf-8", "Cache-Control": REVALIDATE}, body)


def _file(path: Path, cache: str) -> StaticAnswer:
    headers = {"Content-Type": content_type(path.name), "Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    return StaticAnswer(200, headers, path.read_bytes())


def static_answer(
    raw_path: str, dist_dir: Path = DIST_DIR, env: Mapping[str, str] | None = None
) -> StaticAnswer | None:
    """The answer to a GET of `raw_path` (with its query), or None when the path is not a web app's.
    `env`: where the Play Store app's settings are read (default: this process's environment)."""
    path = unquote(urlsplit(raw_path).path)
    if path == assetlinks.PATH:
        return _asset_links(os.environ if env is None else env)
    app = next((a for a in APPS if path == f"/{a}" or path.startswith(f"/{a}/")), None)
    if app is None:
        return None
    if path == f"/{app}":
        return StaticAnswer(301, {"Location": f"/{app}/", "Cache-Control": REVALIDATE})
    root = (dist_dir / app).resolve()
    if not (root / "index.html").is_file():
        return _not_found(f"Aplikasi web belum dibangun (jalankan `make web`): {app}.")
    return _in_app(root, path[len(app) + 2 :])


def _asset_links(env: Mapping[str, str]) -> StaticAnswer:
    """The Digital Asset Links file as Android fetches it: JSON, no redirect; 404 without a Play Store app."""
    statements = assetlinks.from_env(env)  # a malformed setting stopped the stack at start (devstack_api)
    if statements is None:
        return _not_found("Aplikasi Play Store belum dikonfigurasi.")
    headers = {"Content-Type": ASSET_LINKS_TYPE, "Cache-Control": REVALIDATE, "X-Content-Type-Options": "nosniff"}
    return StaticAnswer(200, headers, assetlinks.render(statements))


def _in_app(root: Path, sub_path: str) -> StaticAnswer:
    """`sub_path` (what follows `/<app>/`) from the app's built directory `root`."""
    rel = PurePosixPath(sub_path)
    if ".." in rel.parts or "\x00" in sub_path or rel.is_absolute():
        return _not_found("Alamat tidak ditemukan.")
    if not rel.parts or "." not in rel.name:
        return _file(root / "index.html", REVALIDATE)  # the SPA's own routes
    target = (root / rel).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return _not_found("Alamat tidak ditemukan.")
    return _file(target, cache_control(rel))
