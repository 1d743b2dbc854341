"""The ONNX MTCNN cascade finds the same faces and landmarks as facenet-pytorch's own detect_face.

Reference: data/mtcnn_facenet_reference.json, made by data/make_mtcnn_reference.py with torch +
facenet-pytorch 2.6.0 on the very pixels our decoder produces. The dlib alignment template was fitted on
those landmarks, so drifting from them would silently cost accuracy.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from chalicelib.face import DecodeLimits, DetectLimits, decode_image
from chalicelib.face.detect import MTCNN
from chalicelib.face.sessions import load_session

REFERENCE = json.loads((Path(__file__).parent / "data" / "mtcnn_facenet_reference.json").read_text())


@pytest.fixture(scope="module")
def mtcnn(mtcnn_dir: Path) -> MTCNN:
    pnet, rnet, onet = (load_session(mtcnn_dir / f"mtcnn_{n}.onnx", 1) for n in ("pnet", "rnet", "onet"))
    return MTCNN(pnet, rnet, onet, DetectLimits())


@pytest.mark.parametrize("case", REFERENCE, ids=[c["photo"] for c in REFERENCE])
def test_detections_match_facenet_pytorch(mtcnn: MTCNN, dev_faces: Path, case: dict) -> None:
    rgb = decode_image((dev_faces / case["photo"]).read_bytes(), DecodeLimits()).rgb
    found = sorted(mtcnn.detect(rgb, case["min_face_px"]), key=lambda d: d.box[0])
    expected = sorted(case["faces"], key=lambda f: f["box"][0])
    assert len(found) == len(expected)
    for mine, theirs in zip(found, expected, strict=True):
        np.testing.assert_allclose(mine.box, theirs["box"], atol=0.5)
        np.testing.assert_allclose(mine.landmarks, theirs["landmarks"], atol=0.5)
        assert mine.score == pytest.approx(theirs["score"], abs=1e-3)
