"""SMART_FACE_POLICY names an entry of the shipped face calibration; the settings check it when they are built."""

from __future__ import annotations

import json

from chalicelib.face.scoring import CALIBRATION_PATH, DEFAULT_POLICY, ScoringPolicy
from chalicelib.settings import FACE_POLICIES, build_settings


def test_the_settings_know_the_policies_of_the_face_calibration() -> None:
    # The settings may not import the face code (.importlinter layers): their list and the calibration agree.
    calibrated = json.loads(CALIBRATION_PATH.read_text(encoding="utf-8"))["policies"]
    assert set(FACE_POLICIES) == set(calibrated)
    assert FACE_POLICIES[0] == DEFAULT_POLICY == build_settings({}).face_policy


def test_a_face_policy_the_settings_take_is_one_the_face_check_loads() -> None:
    for value in (*FACE_POLICIES, "CC0", " Default "):
        name = build_settings({"SMART_FACE_POLICY": value}).face_policy
        assert ScoringPolicy.load(name).name == value.strip().lower()
