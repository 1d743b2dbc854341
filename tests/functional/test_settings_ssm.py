"""Secrets come from SSM Parameter Store in deployed stages (moto's SSM in-process)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.settings import SettingsError, load_settings

SECRET = "s" * 48


def _deployed(monkeypatch: pytest.MonkeyPatch, path: str = "/smart/prod") -> None:
    """A deployed function's environment: the prod stage, its secrets under `path`, none in the environment."""
    monkeypatch.setenv("SMART_STAGE", "prod")
    monkeypatch.setenv("SMART_TIMEZONE", "Asia/Jakarta")
    monkeypatch.delenv("SMART_TOKEN_SECRET", raising=False)
    monkeypatch.setenv("SMART_SECRETS_SSM_PATH", path)


def _ssm_with_secret() -> Any:
    ssm = boto3.client("ssm", region_name="ap-southeast-3")
    ssm.put_parameter(Name="/smart/prod/SMART_TOKEN_SECRET", Value=SECRET, Type="SecureString")
    return ssm


def test_secrets_are_read_from_the_ssm_path(monkeypatch: pytest.MonkeyPatch) -> None:
    _deployed(monkeypatch)
    with mock_aws():
        ssm = _ssm_with_secret()
        ssm.put_parameter(Name="/smart/prod/SMART_SIMPEG_API_KEY", Value="k-123", Type="SecureString")
        ssm.put_parameter(Name="/smart/prod/not-a-setting", Value="ignored", Type="String")
        load_settings.cache_clear()
        settings = load_settings()
    load_settings.cache_clear()
    assert settings.token_secret == SECRET and settings.simpeg_api_key == "k-123"


def test_a_missing_secret_fails_at_start_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    _deployed(monkeypatch, "/smart/empty")
    with mock_aws():
        load_settings.cache_clear()
        with pytest.raises(SettingsError, match="SMART_TOKEN_SECRET"):
            load_settings()
    load_settings.cache_clear()


@pytest.mark.parametrize(
    ("name", "value", "instead"),
    [
        ("SMART_TIMEZONE", "Asia/Makassar", "stack parameter Timezone"),
        ("SMART_PHOTO_RETENTION_DAYS", "365", "stack parameter PhotoRetentionDays"),
        ("SMART_STAGE", "dev", "stage deployed"),
        ("SMART_BUCKET", "smart-dev-data", "DataBucket"),
        ("SMART_TRUST_CDN_HEADERS", "false", "WebDistribution"),
        ("SMART_REPORT_WORKER_FUNCTION", "smart-dev-ReportWorker", "ReportWorker"),
    ],
)
def test_a_setting_the_stack_owns_is_refused_from_ssm_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, instead: str
) -> None:
    # GIVEN a deployed function's environment, as the template sets it, and an operator's SSM parameter of a
    # setting the template owns (e.g. the zone: the app would judge in WITA while the schedules run in WIB)
    _deployed(monkeypatch)
    monkeypatch.setenv("SMART_TIMEZONE", "Asia/Jakarta")
    with mock_aws():
        _ssm_with_secret().put_parameter(Name=f"/smart/prod/{name}", Value=value, Type="String")
        load_settings.cache_clear()
        # WHEN the function starts THEN it fails, naming the parameter and where the setting is changed instead
        with pytest.raises(SettingsError, match=rf"^{name} may not be an SSM parameter.*{instead}.*/smart/prod/{name}"):
            load_settings()
    load_settings.cache_clear()
