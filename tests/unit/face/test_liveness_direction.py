"""The asked movement, in its order: a turn goes the asked way and ends with the head turned to the asked side,
a nod moves the head up or down rather than sideways. Real photos of one person (dev set) ordered by pose.

A clip of a real turn to one side played backwards also moves the head the other way, but only back to
frontal: the head is never turned to the asked side, and the clip must not pass the opposite turn.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from chalicelib.face import FaceAnalysis, FaceEngine
from chalicelib.face.liveness import Action, LivenessLimits
from evaluation.liveness import default_engine
from tests.conftest import faces_dir
from tests.liveness_frames import frames_of, turn_from_frontal_of

PERSON = "fr/obama.jpg"
SELFIE = "fr/obama.jpg"


def selfie_of(engine: FaceEngine, photo: str) -> FaceAnalysis:
    rgb = np.asarray(Image.open(faces_dir("dev") / photo).convert("RGB"))
    return engine.analyse_image(rgb, purpose="verify")


@pytest.mark.parametrize(("recorded", "asked"), [("turn_left", "turn_right"), ("turn_right", "turn_left")])
def test_a_turn_played_backwards_does_not_pass_the_opposite_turn(
    model_dir: Path, recorded: Action, asked: Action
) -> None:
    # GIVEN a clip of the employee turning from frontal to one side (real photos of them ordered by yaw)
    engine = default_engine(model_dir)
    clip = list(turn_from_frontal_of(PERSON, recorded))
    selfie = selfie_of(engine, SELFIE)
    # AND it passes the turn it was made for (recorded: accepted, or reviewed for landmark noise)
    made_for = engine.judge_liveness(recorded, clip, selfie, LivenessLimits())
    assert made_for.decision != "reject", made_for.measures
    # WHEN an attacker plays it backwards for the opposite turn
    result = engine.judge_liveness(asked, clip[::-1], selfie, LivenessLimits())
    # THEN it is refused: the head moved that way only back to frontal, never turned to the asked side
    assert (result.decision, result.reasons) == ("reject", ("wrong_side",)), result.measures


@pytest.mark.parametrize("turn", ["turn_left", "turn_right"])
def test_a_turn_does_not_pass_a_nod(model_dir: Path, turn: Action) -> None:
    # GIVEN a genuine clip of the employee turning their head (it passes that turn)
    engine = default_engine(model_dir)
    clip = list(frames_of(PERSON, turn))
    selfie = selfie_of(engine, SELFIE)
    assert engine.judge_liveness(turn, clip, selfie, LivenessLimits()).decision == "accept"
    # WHEN it is sent for a nod
    result = engine.judge_liveness("nod", clip, selfie, LivenessLimits())
    # THEN it is refused as the wrong movement: the head went sideways, not up and down
    assert (result.decision, result.reasons) == ("reject", ("wrong_direction",)), result.measures
