"""Selfies and enrolment photos in a private S3 bucket, always with server-side encryption.

Keys: ``photos/<kind>/<YYYY-MM-DD>/<nip>/<ref>.jpg`` so that retention rules (lifecycle by prefix) and
per-day audits are simple. Admins see photos only through short presigned links.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import NotFoundError, UnavailableError
from chalicelib.settings import Settings
from chalicelib.store.aws import s3_client

EXPORT_PREFIX = "exports/"


def photo_key(kind: str, local_date: str, nip: str, ref: str) -> str:
    return f"photos/{kind}/{local_date}/{nip}/{ref}.jpg"


class PhotoStore:
    """Private, encrypted object storage for photos and report exports."""

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
        params: dict[str, str] = {"Bucket": self._bucket, "Key": key}
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


def photo_store(settings: Settings) -> PhotoStore:
    """The deployment's photo and export store."""
    return PhotoStore(s3_client(settings.region), settings.bucket)
