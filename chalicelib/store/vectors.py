"""Face vectors of several models packed into one binary attribute (face templates, photo fingerprints).

float32 little-endian, in the order of a ``layout`` list of ``[model id, dimension]``, so a stored item
always says which models made it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from chalicelib.face.types import Vector


def pack(vectors: Mapping[str, Vector]) -> tuple[bytes, list[list[Any]]]:
    order = sorted(vectors)
    layout: list[list[Any]] = [[model_id, int(np.asarray(vectors[model_id]).size)] for model_id in order]
    data = b"".join(np.asarray(vectors[m], dtype="<f4").tobytes() for m in order)
    return data, layout


def unpack(data: bytes, layout: list[list[Any]]) -> dict[str, Vector]:
    flat = np.frombuffer(data, dtype="<f4")
    out: dict[str, Vector] = {}
    offset = 0
    for model_id, dim in layout:
        out[str(model_id)] = flat[offset : offset + int(dim)].astype(np.float32)
        offset += int(dim)
    return out
