"""SMART_ANTISPOOF (off by default) and SMART_ANTISPOOF_THRESHOLD (0.9, within 0..1)."""

from __future__ import annotations

import pytest

from chalicelib.settings import SettingsError, build_settings


def test_antispoof_is_off_by_default_and_switched_on_with_its_threshold() -> None:
    default = build_settings({})
    assert (default.antispoof, default.antispoof_threshold) == (False, 0.9)
    on = build_settings({"SMART_ANTISPOOF": "true", "SMART_ANTISPOOF_THRESHOLD": "0.95"})
    assert (on.antispoof, on.antispoof_threshold) == (True, 0.95)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SMART_ANTISPOOF": "perhaps"}, "SMART_ANTISPOOF"),
        ({"SMART_ANTISPOOF_THRESHOLD": "1.5"}, "SMART_ANTISPOOF_THRESHOLD"),
        ({"SMART_ANTISPOOF_THRESHOLD": "high"}, "SMART_ANTISPOOF_THRESHOLD"),
    ],
)
def test_a_bad_antispoof_setting_fails_at_once_naming_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        build_settings(env)
