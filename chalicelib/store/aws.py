"""Lazily created AWS clients, one place for all of them; tests and tools may swap them.

botocore honours AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_DYNAMODB by itself, so the local stack only
sets those variables; production leaves them unset.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

_CLIENT_CONFIG = Config(
    connect_timeout=3,
    read_timeout=10,
    retries={"max_attempts": 3, "mode": "standard"},
    signature_version="s3v4",
)


@lru_cache(maxsize=4)
def s3_client(region: str) -> Any:
    return boto3.session.Session().client("s3", region_name=region, config=_CLIENT_CONFIG)


@lru_cache(maxsize=4)
def lambda_client(region: str) -> Any:
    return boto3.session.Session().client("lambda", region_name=region, config=_CLIENT_CONFIG)


def reset_clients() -> None:
    """Forget cached clients (tests that switch between moto in-process and a server)."""
    s3_client.cache_clear()
    lambda_client.cache_clear()
