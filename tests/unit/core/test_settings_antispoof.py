"""SMART_ANTISPOOF (off by default; shadow; on) and SMART_ANTISPOOF_THRESHOLD (0.9, within 0..1); their bad values
are in the table of bad settings of test_core.py."""

from __future__ import annotations

import pytest

from chalicelib.settings import build_settings


def test_antispoof_is_off_by_default_and_switched_on_with_its_threshold() -> None:
    default = build_settings({})
    assert (default.antispoof, default.antispoof_threshold, default.scores_spoofing) == ("off", 0.9, False)
    on = build_settings({"SMART_ANTISPOOF": "on", "SMART_ANTISPOOF_THRESHOLD": "0.95"})
    assert (on.antispoof, on.antispoof_threshold, on.scores_spoofing) == ("on", 0.95, True)
    shadow = build_settings({"SMART_ANTISPOOF": "Shadow"})
    assert (shadow.antispoof, shadow.scores_spoofing) == ("shadow", True)


@pytest.mark.parametrize(("raw", "mode"), [("true", "on"), ("1", "on"), ("false", "off"), ("0", "off")])
def test_the_earlier_on_off_values_still_mean_on_and_off(raw: str, mode: str) -> None:
    assert build_settings({"SMART_ANTISPOOF": raw}).antispoof == mode
