"""Secrets come from SSM Parameter Store in deployed stages (moto's SSM in-process)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from chalicelib.settings import SettingsError, load_settings

SECRET = "s" * 48


def test_secrets_are_read_from_the_ssm_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMART_STAGE", "prod")
    monkeypatch.delenv("SMART_TOKEN_SECRET", raising=False)
    monkeypatch.setenv("SMART_SECRETS_SSM_PATH", "/smart/prod")
    with mock_aws():
        ssm = boto3.client("ssm", region_name="ap-southeast-3")
        ssm.put_parameter(Name="/smart/prod/SMART_TOKEN_SECRET", Value=SECRET, Type="SecureString")
        ssm.put_parameter(Name="/smart/prod/SMART_SIMPEG_API_KEY", Value="k-123", Type="SecureString")
        ssm.put_parameter(Name="/smart/prod/not-a-setting", Value="ignored", Type="String")
        load_settings.cache_clear()
        settings = load_settings()
    load_settings.cache_clear()
    assert settings.token_secret == SECRET and settings.simpeg_api_key == "k-123"


def test_a_missing_secret_fails_at_start_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMART_STAGE", "prod")
    monkeypatch.delenv("SMART_TOKEN_SECRET", raising=False)
    monkeypatch.setenv("SMART_SECRETS_SSM_PATH", "/smart/empty")
    with mock_aws():
        load_settings.cache_clear()
        with pytest.raises(SettingsError, match="SMART_TOKEN_SECRET"):
            load_settings()
    load_settings.cache_clear()
