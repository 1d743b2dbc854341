"""SMART_ANTISPOOF (off by default) and SMART_ANTISPOOF_THRESHOLD (0.9, within 0..1); their bad values are
in the table of bad settings of test_core.py."""

from __future__ import annotations

from chalicelib.settings import build_settings


def test_antispoof_is_off_by_default_and_switched_on_with_its_threshold() -> None:
    default = build_settings({})
    assert (default.antispoof, default.antispoof_threshold) == (False, 0.9)
    on = build_settings({"SMART_ANTISPOOF": "true", "SMART_ANTISPOOF_THRESHOLD": "0.95"})
    assert (on.antispoof, on.antispoof_threshold) == (True, 0.95)
