"""The photo store contract run against the in-memory twin, and what only the twin has: its links."""

from __future__ import annotations

import pytest

from chalicelib.errors import NotFoundError
from chalicelib.settings import load_settings
from chalicelib.store.memory.photos import InMemoryPhotoBuckets, InMemoryPhotoStore
from chalicelib.store.photos import PhotoStore

from .photos_contract import JPEG, KEY, OpenLink, PhotoStoreContract


class TestInMemoryPhotoStore(PhotoStoreContract):
    @pytest.fixture
    def memory(self) -> InMemoryPhotoStore:
        return InMemoryPhotoStore("t-bucket")

    @pytest.fixture
    def store(self, memory: InMemoryPhotoStore) -> PhotoStore:
        return memory

    @pytest.fixture
    def open_link(self, memory: InMemoryPhotoStore) -> OpenLink:
        return memory.resolve


def test_a_link_names_its_bucket_key_and_lifetime() -> None:
    store = InMemoryPhotoStore("t-bucket")
    assert store.presign("photos/a b.jpg", 300) == "memory://t-bucket/photos/a%20b.jpg?ttl=300"


def test_a_link_of_another_bucket_opens_nothing() -> None:
    # GIVEN the same photo under the same key in two buckets' twins
    ours, theirs = InMemoryPhotoStore("ours"), InMemoryPhotoStore("theirs")
    ours.put(KEY, JPEG)
    theirs.put(KEY, JPEG)
    # THEN a link of one bucket is not opened by the other
    with pytest.raises(NotFoundError):
        theirs.resolve(ours.presign(KEY, 300))
    with pytest.raises(NotFoundError):
        ours.resolve("https://s3.example/ours/" + KEY)


def test_the_in_memory_set_keeps_one_store_per_bucket() -> None:
    buckets = InMemoryPhotoBuckets()
    settings = load_settings()
    buckets(settings).put(KEY, JPEG)
    assert buckets(settings).get(KEY) == JPEG and buckets(settings).bucket == settings.bucket
