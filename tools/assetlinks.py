"""The Digital Asset Links file of the Play Store app (a Trusted Web Activity, docs/play_store.md).

Android opens the employee app full screen, without a browser bar, only when the site says that the app's
signing key may handle its links: ``https://<domain>/.well-known/assetlinks.json`` must list the app's package
name and the SHA-256 fingerprints of its signing certificates, served as ``application/json`` without a
redirect. The content comes from configuration, never from the repository:

- ``SMART_TWA_PACKAGE``: the Android package name (e.g. ``id.go.example.smart``);
- ``SMART_TWA_SHA256``: one or more SHA-256 certificate fingerprints, comma-separated (the upload key and the
  Play App Signing key), each 32 colon-separated hex bytes as ``keytool -list -v`` prints them.

Both unset: there is no Play Store app and the file does not exist (404). One without the other, or a value of
the wrong form, is a configuration error, reported at once rather than serving a file Android would reject.

``make run`` serves it (tools/devstack_web.py); for AWS, ``python -m tools.assetlinks --out
web/dist/.well-known/assetlinks.json`` writes it before the upload to the web bucket (docs/deployment.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

PACKAGE_ENV = "SMART_TWA_PACKAGE"
SHA256_ENV = "SMART_TWA_SHA256"
PATH = "/.well-known/assetlinks.json"
RELATION = "delegate_permission/common.handle_all_urls"
# Android's package names: two or more dot-separated segments, each a letter then letters, digits or '_'.
_PACKAGE = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+")
_FINGERPRINT = re.compile(r"[0-9A-F]{2}(:[0-9A-F]{2}){31}")


class AssetLinksError(ValueError):
    """The Trusted Web Activity settings are incomplete or malformed."""


def fingerprint(text: str) -> str:
    """A SHA-256 certificate fingerprint in Google's form (upper-case hex bytes joined by ':')."""
    value = text.strip().upper()
    if not _FINGERPRINT.fullmatch(value):
        raise AssetLinksError(
            f"{SHA256_ENV}: {text.strip()!r} is not a SHA-256 fingerprint (32 hex bytes separated by ':', "
            "as keytool -list -v prints it)"
        )
    return value


def asset_links(package: str, fingerprints: Sequence[str]) -> list[dict[str, Any]]:
    """The statement list Android fetches: this package, signed by these certificates, handles the site's URLs."""
    name = package.strip()
    if not _PACKAGE.fullmatch(name):
        raise AssetLinksError(f"{PACKAGE_ENV}: {package!r} is not an Android package name (e.g. id.go.example.smart)")
    prints = list(dict.fromkeys(fingerprint(f) for f in fingerprints if f.strip()))
    if not prints:
        raise AssetLinksError(f"{SHA256_ENV}: at least one SHA-256 certificate fingerprint is needed")
    target = {"namespace": "android_app", "package_name": name, "sha256_cert_fingerprints": prints}
    return [{"relation": [RELATION], "target": target}]


def from_env(env: Mapping[str, str]) -> list[dict[str, Any]] | None:
    """The statements configured in `env`; None when no Play Store app is configured."""
    package = env.get(PACKAGE_ENV, "").strip()
    prints = env.get(SHA256_ENV, "").strip()
    if not package and not prints:
        return None
    if not package or not prints:
        missing = PACKAGE_ENV if not package else SHA256_ENV
        raise AssetLinksError(f"{missing} must be set too: the Play Store app needs its package and its key")
    return asset_links(package, prints.split(","))


def render(statements: list[dict[str, Any]]) -> bytes:
    return (json.dumps(statements, indent=2) + "\n").encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.assetlinks", description=__doc__.splitlines()[0])
    parser.add_argument("--package", help=f"Android package name (default: ${PACKAGE_ENV})")
    parser.add_argument("--sha256", action="append", help=f"signing certificate fingerprint (default: ${SHA256_ENV})")
    parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.package is not None:
        env[PACKAGE_ENV] = args.package
    if args.sha256:
        env[SHA256_ENV] = ",".join(args.sha256)
    try:
        statements = from_env(env)
    except AssetLinksError as exc:
        print(f"assetlinks: {exc}", file=sys.stderr)
        return 2
    if statements is None:
        print(f"assetlinks: set {PACKAGE_ENV} and {SHA256_ENV} (or --package and --sha256)", file=sys.stderr)
        return 2
    if args.out is None:
        sys.stdout.write(render(statements).decode("utf-8"))
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(render(statements))
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
