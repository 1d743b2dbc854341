"""Upload the built web apps (`web/dist`) to the stack's web bucket, in the order and with the metadata they need.

Usage (after `make web`; docs/deployment.md "Uploading the web apps"):

    python -m infra.web_upload --bucket "$WEB"            # this release
    python -m infra.web_upload --bucket "$WEB" --prune    # a day later: remove files of older releases

Every object gets the Content-Type and Cache-Control of infra/web_files.py (what the local stack answers), so
CloudFront serves hashed assets as immutable and revalidates everything else. Hashed assets go up first, each
app's `index.html` last: a page or service worker loaded during the upload never names a file that is not there
yet. `/.well-known/assetlinks.json` goes up when `tools.assetlinks` has written it into `web/dist`. `--prune`
deletes what this release does not have (never `/.well-known/`): run it once phones have had a day to load the
new release, since an `index.html` cached before the upload still names the previous release's assets. The
bucket is versioned, so a pruned or overwritten file can be restored for `NoncurrentVersionDays`.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.settings import DEFAULT_REGION
from infra.web_files import (
    APPS,
    ASSET_LINKS_TYPE,
    DIST_DIR,
    REVALIDATE,
    cache_control,
    content_type,
    is_hashed_asset,
)
from tools import assetlinks

WELL_KNOWN = ".well-known"
DELETE_BATCH = 1000  # S3 DeleteObjects' limit


class UploadError(Exception):
    """The upload cannot start or did not finish; the message says why."""


@dataclass(frozen=True)
class WebFile:
    path: Path
    key: str  # the object key: the path inside web/dist
    content_type: str
    cache_control: str

    @property
    def stage(self) -> int:
        """Upload order: hashed assets, then the other files, then each app's index.html."""
        inside = PurePosixPath(self.key)
        if inside.parts[0] in APPS and is_hashed_asset(PurePosixPath(*inside.parts[1:])):
            return 0
        return 2 if inside.name == "index.html" else 1


def _web_file(path: Path, dist: Path) -> WebFile:
    key = path.relative_to(dist).as_posix()
    inside = PurePosixPath(key)
    if inside.parts[0] not in APPS:  # /.well-known/
        kind = ASSET_LINKS_TYPE if f"/{key}" == assetlinks.PATH else content_type(path.name)
        return WebFile(path, key, kind, REVALIDATE)
    return WebFile(path, key, content_type(path.name), cache_control(PurePosixPath(*inside.parts[1:])))


def release_files(dist: Path = DIST_DIR) -> list[WebFile]:
    """The files of the built release in upload order (the apps, and `.well-known/` when present)."""
    missing = [app for app in APPS if not (dist / app / "index.html").is_file()]
    if missing:
        raise UploadError(f"{dist} has no built {', '.join(missing)}: run `make web` first")
    roots = [dist / name for name in (*APPS, WELL_KNOWN) if (dist / name).is_dir()]
    files = [_web_file(path, dist) for root in roots for path in sorted(root.rglob("*")) if path.is_file()]
    return sorted(files, key=lambda f: (f.stage, f.key))


def upload(s3: Any, bucket: str, files: list[WebFile]) -> None:
    """Put each file, in the given order, with its metadata (one PutObject each)."""
    for f in files:
        s3.put_object(
            Bucket=bucket, Key=f.key, Body=f.path.read_bytes(), ContentType=f.content_type, CacheControl=f.cache_control
        )


def prune(s3: Any, bucket: str, files: list[WebFile]) -> list[str]:
    """Delete the bucket's objects this release does not have (never under `.well-known/`); answers their keys."""
    kept = {f.key for f in files}
    stale = [
        obj["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for obj in page.get("Contents", [])
        if obj["Key"] not in kept and not obj["Key"].startswith(f"{WELL_KNOWN}/")
    ]
    for start in range(0, len(stale), DELETE_BATCH):
        batch = [{"Key": key} for key in stale[start : start + DELETE_BATCH]]
        answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        if answer.get("Errors"):
            raise UploadError(f"S3 refused to delete {len(answer['Errors'])} objects: {answer['Errors'][0]}")
    return stale


def main(argv: list[str] | None = None, s3: Any = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.web_upload", description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", required=True, help="the stack's WebBucketName output")
    parser.add_argument("--region", default=DEFAULT_REGION)
    parser.add_argument("--dist", type=Path, default=DIST_DIR, help="the built web apps (default: web/dist)")
    parser.add_argument("--prune", action="store_true", help="delete what this release does not have, and no upload")
    args = parser.parse_args(argv)
    client = s3 or boto3.client("s3", region_name=args.region)
    try:
        files = release_files(args.dist)
        if args.prune:
            print(f"pruned {len(prune(client, args.bucket, files))} files of older releases from s3://{args.bucket}/")
        else:
            upload(client, args.bucket, files)
            size = sum(f.path.stat().st_size for f in files)
            print(f"uploaded {len(files)} files ({size / 1024:.0f} KiB) to s3://{args.bucket}/")
    except (UploadError, BotoCoreError, ClientError) as exc:
        print(f"web upload failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
