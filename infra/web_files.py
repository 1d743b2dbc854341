"""How each built web file is served: its Content-Type and Cache-Control.

One policy for both places that serve `web/dist`: the local stack answers with it (tools/devstack_web.py) and
the web bucket stores it as each object's metadata (infra/web_upload.py), which CloudFront passes on
(infra/web.py: the cache policy honours each file's Cache-Control).

- Hashed assets (`<app>/assets/*`: their names change with their content) are cached for a year, immutable.
- Everything else (`index.html`, `sw.js`, `registerSW.js`, `workbox-*.js`, icons, the manifest) is revalidated
  on every use, so a release and its service worker are picked up at once.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

DIST_DIR = Path(__file__).resolve().parent.parent / "web" / "dist"  # `make web` builds each app into a folder
APPS = ("app", "admin")

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".webmanifest": "application/manifest+json; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".map": "application/json; charset=utf-8",
}
UNKNOWN_TYPE = "application/octet-stream"
ASSET_LINKS_TYPE = "application/json"  # /.well-known/assetlinks.json, exactly as Android's verifier asks for it
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
ASSETS_DIR = "assets"  # Vite's output folder of hashed files, in each app's build


def content_type(name: str) -> str:
    """The Content-Type of a built file, by its extension."""
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower(), UNKNOWN_TYPE)


def is_hashed_asset(app_path: PurePosixPath) -> bool:
    """Whether a file, given by its path inside one app's build (`assets/index-D5Xv9UkW.js`), is a hashed asset."""
    return len(app_path.parts) > 1 and app_path.parts[0] == ASSETS_DIR


def cache_control(app_path: PurePosixPath) -> str:
    """The Cache-Control of a file given by its path inside one app's build."""
    return IMMUTABLE if is_hashed_asset(app_path) else REVALIDATE
