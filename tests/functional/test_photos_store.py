"""The S3 photo store passes the same contract as its in-memory twin (moto in-process), and keeps the bucket
private and encrypted."""

from __future__ import annotations

import pytest
import requests

from chalicelib.settings import load_settings
from chalicelib.store.aws import s3_client
from chalicelib.store.photos import PhotoStore, photo_store
from tests.unit.store.photos_contract import JPEG, KEY, OpenLink, PhotoStoreContract


def open_presigned(url: str) -> bytes:
    response = requests.get(url, timeout=10)
    response.raise_for_status()
    return response.content


class TestS3PhotoStore(PhotoStoreContract):
    @pytest.fixture()
    def store(self, aws: None) -> PhotoStore:
        return photo_store(load_settings())

    @pytest.fixture()
    def open_link(self, aws: None) -> OpenLink:
        return open_presigned


def test_objects_are_encrypted_and_the_bucket_private(aws: None) -> None:
    # GIVEN the bucket made ready again (as `schema create` does on every start) and a stored photo
    settings = load_settings()
    store = photo_store(settings)
    store.ensure_bucket(settings.region)
    store.put(KEY, JPEG)
    # THEN the object is encrypted and the bucket refuses public access
    s3 = s3_client(settings.region)
    assert s3.head_object(Bucket=settings.bucket, Key=KEY)["ServerSideEncryption"] == "AES256"
    block = s3.get_public_access_block(Bucket=settings.bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())


def test_a_presigned_link_is_answered_no_store_even_for_an_object_stored_without_it(aws: None) -> None:
    # GIVEN a photo stored by the store, and a letter stored as the store did before (no Cache-Control at all)
    settings = load_settings()
    store = photo_store(settings)
    store.put(KEY, JPEG)
    s3 = s3_client(settings.region)
    s3.put_object(Bucket=settings.bucket, Key="requests/u1/r1.pdf", Body=b"%PDF-1.4", ContentType="application/pdf")
    # WHEN each is opened through its short link, the letter as a named download
    answers = [
        requests.get(store.presign(KEY, 300), timeout=10),
        requests.get(store.presign("requests/u1/r1.pdf", 300, "surat.pdf"), timeout=10),
    ]
    # THEN S3 tells the browser to keep neither (a shared office PC's disk cache would outlive the link) ...
    assert [a.status_code for a in answers] == [200, 200]
    assert [a.headers.get("Cache-Control") for a in answers] == ["no-store, private"] * 2
    assert answers[1].headers["Content-Disposition"] == 'attachment; filename="surat.pdf"'
    # ... and what the store writes from now on says so itself
    assert s3.head_object(Bucket=settings.bucket, Key=KEY)["CacheControl"] == "no-store, private"
