"""Unit tests run use cases and tools against the in-memory twins of every repository: fast, no AWS, no moto."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib import runtime
from chalicelib.store.repositories import Repositories, memory_repositories


@pytest.fixture
def repos() -> Iterator[Repositories]:
    """A fresh in-memory set, used by every use case of the test; DynamoDB again afterwards."""
    repositories = memory_repositories()
    runtime.use_repositories(repositories)
    yield repositories
    runtime.use_repositories(None)
