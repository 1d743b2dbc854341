"""Selfies and enrolment photos in a private S3 bucket, always with server-side encryption.

Keys: ``photos/<kind>/<YYYY-MM-DD>/<nip>/<ref>.jpg`` so that retention rules (lifecycle by prefix) and
per-day audits are simple. Admins see photos only through short presigned links, whose answers say
`Cache-Control: no-store, private` (NO_STORE): a selfie, a letter or an activation sheet must not outlive its
link in the disk cache of a shared office PC (as the API's answers, decision 379).

`PhotoStore` is what the use cases may ask (through `runtime.photos(settings)`); `S3PhotoStore` answers it
from the deployment's bucket and `chalicelib.store.memory.photos.InMemoryPhotoStore` from a dict, and
`tests/unit/store/photos_contract.py` is the one test class both pass. Which one a process uses follows its
repositories (`Repositories.photos`): the twin whenever the in-memory repositories are swapped in.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import NotFoundError, UnavailableError
from chalicelib.settings import Settings
from chalicelib.store.aws import s3_client

EXPORT_PREFIX = "exports/"
REQUEST_PREFIX = "requests/"  # employees' request attachments: requests/<nip>/<request id>.<pdf|jpg>
# What S3 answers a presigned link with, whatever the object was stored with (objects stored before it carry
# no Cache-Control, and a browser then caches them by heuristics), and what new objects are stored with.
NO_STORE = "no-store, private"


def photo_key(kind: str, local_date: str, nip: str, ref: str) -> str:
    return f"photos/{kind}/{local_date}/{nip}/{ref}.jpg"


def export_key(filename: str) -> str:
    """A new key for a generated file (report, activation sheet): a random folder, so that two files of the same
    name never meet and no key can be guessed; expired by the exports' lifecycle rule."""
    return f"{EXPORT_PREFIX}{secrets.token_hex(8)}/{filename}"


class PhotoStore(Protocol):
    """Private object storage for photos and report exports."""

    def put(self, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
        """Store (or replace) the object under `key`."""
        ...

    def get(self, key: str) -> bytes:
        """The object under `key`; NotFoundError when there is none."""
        ...

    def presign(self, key: str, ttl_s: int, filename: str | None = None) -> str:
        """A link that opens the object for `ttl_s` seconds, as a download named `filename` when given (the
        object need not exist yet); its answer tells the browser not to keep it (`NO_STORE`)."""
        ...


class S3PhotoStore:
    """`PhotoStore` on a private S3 bucket, every object encrypted (SSE-S3)."""

    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def put(self, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
        try:
            self._client.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                CacheControl=NO_STORE,
                ServerSideEncryption="AES256",
            )
        except (BotoCoreError, ClientError) as exc:
            raise UnavailableError(details={"dependency": "s3"}) from exc

    def get(self, key: str) -> bytes:
        try:
            response = self._client.get_object(Bucket=self._bucket, Key=key)
            return bytes(response["Body"].read())
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise NotFoundError() from exc
            raise UnavailableError(details={"dependency": "s3"}) from exc
        except BotoCoreError as exc:
            raise UnavailableError(details={"dependency": "s3"}) from exc

    def presign(self, key: str, ttl_s: int, filename: str | None = None) -> str:
        # `response-cache-control` is part of the signed query: the link's answer is never kept by a browser.
        params: dict[str, str] = {"Bucket": self._bucket, "Key": key, "ResponseCacheControl": NO_STORE}
        if filename:
            params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
        try:
            return str(self._client.generate_presigned_url("get_object", Params=params, ExpiresIn=ttl_s))
        except (BotoCoreError, ClientError) as exc:
            raise UnavailableError(details={"dependency": "s3"}) from exc

    def ensure_bucket(self, region: str) -> None:
        """Create the bucket private and encrypted by default (local stack and tests; infra/ does it in AWS)."""
        try:
            try:
                self._client.head_bucket(Bucket=self._bucket)
            except ClientError:
                self._client.create_bucket(
                    Bucket=self._bucket, CreateBucketConfiguration={"LocationConstraint": region}
                )
            self._client.put_public_access_block(
                Bucket=self._bucket,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                },
            )
            self._client.put_bucket_encryption(
                Bucket=self._bucket,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
            )
        except (BotoCoreError, ClientError) as exc:
            raise UnavailableError(details={"dependency": "s3"}) from exc


def photo_store(settings: Settings) -> S3PhotoStore:
    """The deployment's photo and export store."""
    return S3PhotoStore(s3_client(settings.region), settings.bucket)
