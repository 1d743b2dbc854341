"""Use cases against the in-memory twins: no AWS, no moto."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib import runtime
from chalicelib.store.repositories import Repositories, memory_repositories


@pytest.fixture
def repos() -> Iterator[Repositories]:
    """A fresh set of in-memory repositories that every use case of this process uses, reset afterwards."""
    fresh = memory_repositories()
    runtime.use_repositories(fresh)
    yield fresh
    runtime.use_repositories(None)
