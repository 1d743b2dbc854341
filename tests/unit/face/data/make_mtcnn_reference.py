"""Regenerate mtcnn_facenet_reference.json: facenet-pytorch's own MTCNN on a few dev photos.

Needs a throwaway venv (NOT the project venv) with torch and facenet-pytorch==2.6.0 (--no-deps); torchvision,
PIL and tqdm are replaced by tiny stand-ins below since detect_face only needs `batched_nms` from them.
The photos are decoded by the project's own decoder (run through the project venv) so that both sides see
the very same pixels:

    /tmp/venv/bin/python tests/unit/face/data/make_mtcnn_reference.py /work/main/.venv/bin/python
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import types
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
PHOTOS = ["deepface/img1.jpg", "deepface/img40.jpg", "deepface/selfie-many-people.jpg", "fr/two_people.jpg"]
DUMP = """
import sys, numpy as np
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from chalicelib.face import DecodeLimits, decode_image
faces = Path(sys.argv[1]) / ".." / "shared" / "faces" / "dev"
for i, name in enumerate(sys.argv[3:]):
    np.save(Path(sys.argv[2]) / f"{i}.npy", decode_image((faces / name).read_bytes(), DecodeLimits()).rgb)
"""


def _batched_nms(boxes: torch.Tensor, scores: torch.Tensor, idxs: torch.Tensor, threshold: float) -> torch.Tensor:
    """torchvision.ops.batched_nms (IoU on continuous coordinates, suppress IoU > threshold)."""
    if boxes.numel() == 0:
        return torch.empty(0, dtype=torch.long)
    b = (boxes + (idxs.to(boxes) * (boxes.max() + 1))[:, None]).double()
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    order, keep = torch.argsort(scores, descending=True), []
    while order.numel():
        i, rest = int(order[0]), order[1:]
        w = (torch.minimum(b[i, 2], b[rest, 2]) - torch.maximum(b[i, 0], b[rest, 0])).clamp(min=0)
        h = (torch.minimum(b[i, 3], b[rest, 3]) - torch.maximum(b[i, 1], b[rest, 1])).clamp(min=0)
        inter = w * h
        keep.append(i)
        order = rest[inter / (area[i] + area[rest] - inter) <= threshold]
    return torch.tensor(keep, dtype=torch.long)


def _install_stand_ins() -> None:
    modules = {
        name: types.ModuleType(name)
        for name in (
            "torchvision",
            "torchvision.ops",
            "torchvision.ops.boxes",
            "torchvision.transforms",
            "torchvision.transforms.functional",
            "PIL",
            "PIL.Image",
            "tqdm",
            "tqdm.auto",
        )
    }
    modules["torchvision.ops.boxes"].batched_nms = _batched_nms  # type: ignore[attr-defined]
    modules["PIL.Image"].Image = object  # type: ignore[attr-defined]
    modules["PIL.Image"].BILINEAR = 2  # type: ignore[attr-defined]
    modules["tqdm"].tqdm = modules["tqdm.auto"].tqdm = object  # type: ignore[attr-defined]
    sys.modules.update(modules)


def main() -> None:
    _install_stand_ins()
    from facenet_pytorch.models.mtcnn import MTCNN
    from facenet_pytorch.models.utils.detect_face import detect_face

    reference = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.argv[1], "-c", DUMP, str(REPO), tmp, *PHOTOS], check=True)
        for i, name in enumerate(PHOTOS):
            rgb = np.load(Path(tmp) / f"{i}.npy")
            min_face = max(20.0, min(rgb.shape[:2]) / 5)
            net = MTCNN(min_face_size=min_face)
            with torch.no_grad():
                boxes, points = detect_face(rgb, min_face, net.pnet, net.rnet, net.onet, [0.6, 0.7, 0.7], 0.709, "cpu")
            reference.append(
                {
                    "photo": name,
                    "min_face_px": min_face,
                    "faces": [
                        {
                            "box": [float(v) for v in b[:4]],
                            "score": float(b[4]),
                            "landmarks": [[float(x), float(y)] for x, y in p],
                        }
                        for b, p in zip(boxes[0], points[0], strict=True)
                    ],
                }
            )
    (HERE / "mtcnn_facenet_reference.json").write_text(json.dumps(reference, indent=1) + "\n")


if __name__ == "__main__":
    main()
