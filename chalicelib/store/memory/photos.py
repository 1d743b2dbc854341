"""In-memory twin of the photo store (`chalicelib.store.photos.PhotoStore`), for tests and tools.

Objects live in a dict; a presigned link is ``memory://<bucket>/<key>?ttl=<seconds>[&filename=<name>]``,
which `resolve` opens again (as a browser would open S3's link). `tests/unit/store/photos_contract.py` pins
that it behaves as the S3 store does.
"""

from __future__ import annotations

import threading
from urllib.parse import quote, unquote, urlencode, urlsplit

from chalicelib.errors import NotFoundError
from chalicelib.settings import Settings

SCHEME = "memory"


class InMemoryPhotoStore:
    """Objects by key, with their content type."""

    def __init__(self, bucket: str = "photos") -> None:
        self.bucket = bucket
        self._objects: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def put(self, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
        with self._lock:
            self._objects[key] = (bytes(data), content_type)

    def get(self, key: str) -> bytes:
        with self._lock:
            found = self._objects.get(key)
        if found is None:
            raise NotFoundError()
        return found[0]

    def keys(self, prefix: str = "") -> list[str]:
        """The keys of the stored objects under `prefix`, sorted (tests count what a use case left in the bucket)."""
        with self._lock:
            return sorted(k for k in self._objects if k.startswith(prefix))

    def presign(self, key: str, ttl_s: int, filename: str | None = None) -> str:
        query = {"ttl": str(ttl_s)} | ({"filename": filename} if filename else {})
        return f"{SCHEME}://{self.bucket}/{quote(key)}?{urlencode(query)}"

    def resolve(self, url: str) -> bytes:
        """What opening a link of `presign` gives (NotFoundError for another bucket or a missing object)."""
        parts = urlsplit(url)
        if parts.scheme != SCHEME or parts.netloc != self.bucket:
            raise NotFoundError()
        return self.get(unquote(parts.path.removeprefix("/")))


class InMemoryPhotoBuckets:
    """One twin store per bucket name: `Repositories.photos` of the in-memory set (settings → store)."""

    def __init__(self) -> None:
        self._stores: dict[str, InMemoryPhotoStore] = {}
        self._lock = threading.Lock()

    def __call__(self, settings: Settings) -> InMemoryPhotoStore:
        with self._lock:
            return self._stores.setdefault(settings.bucket, InMemoryPhotoStore(settings.bucket))
