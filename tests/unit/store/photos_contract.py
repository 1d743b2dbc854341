"""The behaviour every implementation of `chalicelib.store.photos.PhotoStore` must have.

Subclass `PhotoStoreContract` as `Test...` and provide a `store` fixture returning an empty store and an
`open_link` fixture that opens one of its presigned links as a browser would (bytes of the object): the
in-memory twin in tests/unit/store, S3 (moto in-process) in tests/functional/test_photos_store.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chalicelib.errors import NotFoundError
from chalicelib.store.photos import PhotoStore, photo_key

OpenLink = Callable[[str], bytes]
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
KEY = photo_key("enrol", "2026-01-05", "198501012010011001", "t-0a1b2c")


class PhotoStoreContract:
    """Subclass with `store` and `open_link` fixtures."""

    def test_a_missing_object_is_not_found(self, store: PhotoStore) -> None:
        with pytest.raises(NotFoundError):
            store.get(KEY)

    def test_a_stored_photo_comes_back_byte_for_byte(self, store: PhotoStore) -> None:
        # GIVEN a photo and a report export stored
        store.put(KEY, JPEG)
        store.put("exports/u1/2026-01.xlsx", b"PK\x03\x04report", content_type="application/vnd.ms-excel")
        # THEN each comes back exactly, under its own key
        assert store.get(KEY) == JPEG
        assert store.get("exports/u1/2026-01.xlsx") == b"PK\x03\x04report"

    def test_putting_again_replaces_the_object(self, store: PhotoStore) -> None:
        store.put(KEY, JPEG)
        store.put(KEY, b"second")
        assert store.get(KEY) == b"second"

    def test_a_presigned_link_opens_the_object(self, store: PhotoStore, open_link: OpenLink) -> None:
        # GIVEN a stored photo
        store.put(KEY, JPEG)
        # WHEN a link is presigned for it
        link = store.presign(KEY, 300)
        # THEN the link opens the photo
        assert open_link(link) == JPEG

    def test_a_download_link_names_the_file(self, store: PhotoStore, open_link: OpenLink) -> None:
        store.put("exports/u1/2026-01.xlsx", b"PK\x03\x04report")
        link = store.presign("exports/u1/2026-01.xlsx", 300, "rekap-2026-01.xlsx")
        assert "rekap-2026-01.xlsx" in link and open_link(link) == b"PK\x03\x04report"

    def test_a_link_may_be_presigned_before_the_object_exists(self, store: PhotoStore, open_link: OpenLink) -> None:
        # GIVEN a link presigned for a key nothing is stored under yet
        link = store.presign(KEY, 300)
        # WHEN the object is then stored, THEN the same link opens it
        store.put(KEY, JPEG)
        assert open_link(link) == JPEG
