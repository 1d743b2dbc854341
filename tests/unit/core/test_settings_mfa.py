"""SMART_MFA_REQUIRED_SUPER_ADMIN: on by default in prod, off elsewhere, and only true/false accepted."""

from __future__ import annotations

import pytest

from chalicelib.settings import SettingsError, build_settings

SECRET = "x" * 40


def test_mfa_is_compulsory_for_super_admins_by_default_in_prod_only() -> None:
    assert build_settings({}).mfa_required_super_admin is False
    deployed = {"SMART_TOKEN_SECRET": SECRET, "SMART_TIMEZONE": "Asia/Jakarta"}
    assert build_settings({**deployed, "SMART_STAGE": "dev"}).mfa_required_super_admin is False
    prod = {**deployed, "SMART_STAGE": "prod"}
    assert build_settings(prod).mfa_required_super_admin is True
    assert build_settings({**prod, "SMART_MFA_REQUIRED_SUPER_ADMIN": "false"}).mfa_required_super_admin is False
    assert build_settings({"SMART_MFA_REQUIRED_SUPER_ADMIN": "true"}).mfa_required_super_admin is True


def test_a_bad_mfa_flag_fails_at_once_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="SMART_MFA_REQUIRED_SUPER_ADMIN"):
        build_settings({"SMART_MFA_REQUIRED_SUPER_ADMIN": "maybe"})
