"""SMART_LIVENESS (required by default in every stage) and SMART_LIVENESS_ACTIONS (turns by default)."""

from __future__ import annotations

import pytest

from chalicelib.settings import SettingsError, build_settings

SECRET = "x" * 40


def test_liveness_is_required_by_default_in_every_stage() -> None:
    for stage in ("local", "dev", "prod"):
        settings = build_settings(
            {"SMART_STAGE": stage, "SMART_TOKEN_SECRET": SECRET, "SMART_TIMEZONE": "Asia/Jakarta"}
        )
        assert settings.liveness == "required"
        assert settings.liveness_actions == ("turn_left", "turn_right")
    assert build_settings({"SMART_LIVENESS": "Review"}).liveness == "review"
    assert build_settings({"SMART_LIVENESS": "off"}).liveness == "off"
    assert build_settings({"SMART_LIVENESS_ACTIONS": " nod, turn_left ,nod"}).liveness_actions == ("nod", "turn_left")


@pytest.mark.parametrize(
    ("name", "value"),
    [("SMART_LIVENESS", "maybe"), ("SMART_LIVENESS_ACTIONS", "blink"), ("SMART_LIVENESS_ACTIONS", ",")],
)
def test_a_bad_liveness_setting_fails_at_once_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        build_settings({name: value})
