"""MTCNN face detection (P/R/O-net in onnxruntime) and the "exactly one dominant face" rule.

The cascade follows facenet-pytorch's `detect_face` step for step (pyramid, per-scale and global NMS, box
calibration, square boxes, crops resized by area averaging, landmarks from O-net) because the dlib
alignment template was fitted on its landmarks. Area resizing is done on one integral image of the photo,
which serves every pyramid level and every crop without copying the photo again.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from .config import DetectLimits
from .errors import MultipleFacesError, NoFaceError

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
NmsMethod = Literal["union", "min"]

_PNET_STRIDE = 2
_PNET_CELL = 12


@dataclass(frozen=True)
class Detection:
    """One face: box (x1, y1, x2, y2) in pixels, O-net score, five landmarks (x, y).

    Landmark order: left eye, right eye, nose, left mouth corner, right mouth corner (image left/right).
    """

    box: tuple[float, float, float, float]
    score: float
    landmarks: tuple[tuple[float, float], ...]

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]


class Scratch(threading.local):
    """Arrays one thread reuses from photo to photo instead of allocating them again.

    A freshly allocated multi-megabyte summed-area table is paid for in page faults on first touch; on the
    bench selfie that cost as much as computing the table (bench/face_RESULTS.md). Per thread, so that
    concurrent requests in one process never share a table.
    """

    def __init__(self) -> None:
        self.table = np.empty(0, dtype=np.int32)
        self.pixels = np.empty(0, dtype=np.uint8)

    def array(self, name: Literal["table", "pixels"], shape: tuple[int, ...]) -> npt.NDArray[Any]:
        """A view of the named buffer with this shape (contents undefined), growing the buffer if needed."""
        size = math.prod(shape)
        buffer: npt.NDArray[Any] = getattr(self, name)
        if buffer.size < size:
            buffer = np.empty(size, dtype=buffer.dtype)
            setattr(self, name, buffer)
        return buffer[:size].reshape(shape)


class IntegralImage:
    """Summed-area table of an RGB image, for exact area-average resizing of any rectangle.

    Stored row by row as (H+1, 3, W+1) in int32 when the sums fit (1280×1280 does): the horizontal running
    sum is then along a contiguous axis and the vertical one adds whole contiguous rows, both several
    times faster than numpy's cumsum along a strided axis; crops are gathered channel-first (CHW), as the
    networks want them.
    """

    def __init__(self, rgb: npt.NDArray[np.uint8], scratch: Scratch | None = None) -> None:
        self.height, self.width = int(rgb.shape[0]), int(rgb.shape[1])
        shape = (self.height + 1, 3, self.width + 1)
        if self.height * self.width * 255 < 2**31:
            scratch = scratch or Scratch()
            table = scratch.array("table", shape)
            pixels = scratch.array("pixels", (self.height, 3, self.width))
        else:
            table = np.empty(shape, dtype=np.int64)
            pixels = np.empty((self.height, 3, self.width), dtype=np.uint8)
        table[0] = 0
        table[:, :, 0] = 0
        # cumsum straight from the interleaved (strided) view was several times slower than copying first.
        np.copyto(pixels, rgb.transpose(0, 2, 1))
        np.cumsum(pixels, axis=2, dtype=table.dtype, out=table[1:, :, 1:])
        rows = table.reshape(self.height + 1, -1)
        previous = rows[0]
        for row in rows[1:]:
            np.add(previous, row, out=row)
            previous = row
        self._flat = table.reshape(-1)
        self._row_stride = 3 * (self.width + 1)
        self._channel_offsets = np.arange(3, dtype=np.int64) * (self.width + 1)

    def resize(self, rect: tuple[int, int, int, int], out_h: int, out_w: int) -> FloatArray:
        """Area-average rect (x0, y0, x1, y1) to (3, out_h, out_w), like torch's `mode="area"`."""
        rects = np.asarray([rect], dtype=np.int64)
        pooled = self._pool(_bins(rects[:, 1], rects[:, 3], out_h), _bins(rects[:, 0], rects[:, 2], out_w))
        return pooled.reshape(pooled.shape[1:])

    def crops(self, rects: npt.NDArray[np.int64], size: int) -> FloatArray:
        """Area-average each row (x0, y0, x1, y1) of `rects` to size×size, all at once: (N, 3, size, size)."""
        return self._pool(_bins(rects[:, 1], rects[:, 3], size), _bins(rects[:, 0], rects[:, 2], size))

    def _pool(self, rows: tuple[IntArray, IntArray], cols: tuple[IntArray, IntArray]) -> FloatArray:
        """Bin means as (N, 3, rows, cols): four gathers from the flat table, one per bin corner."""
        (sy, ey), (sx, ex) = rows, cols
        top = (sy * self._row_stride)[:, None, :, None]
        bottom = (ey * self._row_stride)[:, None, :, None]
        left = (sx[:, None, :] + self._channel_offsets[:, None])[:, :, None, :]
        right = (ex[:, None, :] + self._channel_offsets[:, None])[:, :, None, :]
        flat = self._flat
        # Left to right, every partial result lies between minus and plus the table's largest value: no overflow.
        sums = np.take(flat, bottom + right)
        sums -= np.take(flat, top + right)
        sums -= np.take(flat, bottom + left)
        sums += np.take(flat, top + left)
        counts = ((ey - sy)[:, None, :, None] * (ex - sx)[:, None, None, :]).astype(np.float32)
        # Bin sums stay far below 2**24, so float32 holds them exactly.
        pooled = sums.astype(np.float32)
        pooled /= counts
        return pooled


def _bins(start: IntArray, stop: IntArray, out: int) -> tuple[IntArray, IntArray]:
    """Adaptive pooling bins of [start, stop) per row: [floor(i·n/out), ceil((i+1)·n/out)) + start."""
    i = np.arange(out, dtype=np.int64)[None, :]
    size = (stop - start)[:, None]
    first = start[:, None]
    return first + (i * size) // out, first - ((-(i + 1) * size) // out)


def _normalise(batch_chw: FloatArray) -> FloatArray:
    """NCHW pixels 0-255 → as MTCNN was trained: (x − 127.5) / 128, in place (the batch is a fresh array)."""
    batch_chw -= 127.5
    batch_chw *= 0.0078125
    return batch_chw


# Up to this many boxes, NMS computes all pairwise overlaps at once (a 400×400 float64 matrix is 1.3 MB);
# beyond it (a crowd at the smallest face size), one row per kept box.
_NMS_MATRIX_MAX = 400


def nms(boxes: FloatArray, threshold: float, method: NmsMethod = "union") -> npt.NDArray[np.int64]:
    """Indices kept by greedy non-maximum suppression of rows [x1, y1, x2, y2, score, ...].

    "union" measures overlap as torchvision's IoU (continuous coordinates), "min" as facenet-pytorch's
    `nms_numpy` (inclusive pixel coordinates, intersection over the smaller box), as each stage uses.
    Boxes are visited best score first; among equal scores the later row first.
    """
    coords = boxes[:, :4].astype(np.float64)
    order = np.argsort(boxes[:, 4].astype(np.float64), kind="stable")[::-1]
    if boxes.shape[0] <= _NMS_MATRIX_MAX:
        overlapping = _overlap(coords[:, None, :], coords[None, :, :], method) > threshold
        suppressed = np.zeros(boxes.shape[0], dtype=bool)
        keep: list[int] = []
        for index in order.tolist():
            if not suppressed[index]:
                keep.append(index)
                suppressed |= overlapping[index]
        return np.asarray(keep, dtype=np.int64)
    return _nms_by_rows(coords, order, threshold, method)


def _nms_by_rows(
    coords: npt.NDArray[np.float64], order: IntArray, threshold: float, method: NmsMethod
) -> npt.NDArray[np.int64]:
    """The same greedy suppression, measuring only the kept box against the boxes still in play."""
    keep: list[int] = []
    while order.size > 0:
        best, rest = int(order[0]), order[1:]
        keep.append(best)
        order = rest[_overlap(coords[best], coords[rest], method) <= threshold]
    return np.asarray(keep, dtype=np.int64)


def _overlap(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], method: NmsMethod) -> npt.NDArray[np.float64]:
    """Overlap of boxes `a` with boxes `b` (broadcast; last axis x1, y1, x2, y2), as `nms` measures it."""
    one = 1.0 if method == "min" else 0.0
    area_a = (a[..., 2] - a[..., 0] + one) * (a[..., 3] - a[..., 1] + one)
    area_b = (b[..., 2] - b[..., 0] + one) * (b[..., 3] - b[..., 1] + one)
    inter_w = np.maximum(0.0, np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]) + one)
    inter_h = np.maximum(0.0, np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]) + one)
    inter = inter_w * inter_h
    if method == "min":
        result: npt.NDArray[np.float64] = inter / np.minimum(area_a, area_b)
    else:
        result = inter / np.maximum(area_a + area_b - inter, 1e-12)
    return result


def _square(boxes: FloatArray) -> FloatArray:
    """facenet-pytorch's `rerec`: grow each box to a square around its centre."""
    out = boxes.copy()
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    side = np.maximum(w, h)
    out[:, 0] = boxes[:, 0] + w * 0.5 - side * 0.5
    out[:, 1] = boxes[:, 1] + h * 0.5 - side * 0.5
    out[:, 2] = out[:, 0] + side
    out[:, 3] = out[:, 1] + side
    return out


def _calibrate(boxes: FloatArray, reg: FloatArray, plus_one: bool = True) -> FloatArray:
    """Apply the regression offsets (fractions of the box size) to the box corners."""
    out = boxes.copy()
    extra = 1.0 if plus_one else 0.0
    w = boxes[:, 2] - boxes[:, 0] + extra
    h = boxes[:, 3] - boxes[:, 1] + extra
    out[:, 0] = boxes[:, 0] + reg[:, 0] * w
    out[:, 1] = boxes[:, 1] + reg[:, 1] * h
    out[:, 2] = boxes[:, 2] + reg[:, 2] * w
    out[:, 3] = boxes[:, 3] + reg[:, 3] * h
    return out


class MTCNN:
    """The three-stage cascade; sessions are loaded by the caller (once per process)."""

    def __init__(
        self,
        pnet: ort.InferenceSession,
        rnet: ort.InferenceSession,
        onet: ort.InferenceSession,
        limits: DetectLimits,
    ) -> None:
        self._pnet, self._rnet, self._onet = pnet, rnet, onet
        self._limits = limits
        self._scratch = Scratch()

    def detect(self, rgb: npt.NDArray[np.uint8], min_face_px: float) -> list[Detection]:
        """All faces at least about `min_face_px` wide, best score first."""
        image = IntegralImage(rgb, self._scratch)
        boxes = self._proposals(image, max(12.0, min_face_px))
        if boxes.shape[0]:
            boxes = self._refine(image, boxes)
        if not boxes.shape[0]:
            return []
        return self._output(image, boxes)

    def track(self, rgb: npt.NDArray[np.uint8], previous: Detection) -> Detection | None:
        """The face near `previous` (a detection in the frame before), found by O-net alone on a square around
        it: ~1 ms instead of a whole cascade. None when O-net does not see a face there."""
        box = np.asarray([[*previous.box, previous.score]], dtype=np.float32)
        found = self._output(IntegralImage(rgb, self._scratch), _square(box))
        return max(found, key=lambda d: d.score) if found else None

    def _proposals(self, image: IntegralImage, min_face_px: float) -> FloatArray:
        h, w = image.height, image.width
        scale = 12.0 / min_face_px
        shortest = min(h, w) * scale
        found: list[FloatArray] = []
        while shortest >= 12:
            hs, ws = int(h * scale + 1), int(w * scale + 1)
            level = _normalise(image.resize((0, 0, w, h), hs, ws)[None])
            prob, reg = self._pnet.run(["prob", "reg"], {"input": level})
            threshold = self._limits.thresholds[0]
            candidates = _pnet_boxes(np.asarray(prob)[0, 1], np.asarray(reg)[0], scale, threshold)
            if candidates.shape[0]:
                found.append(candidates[nms(candidates, 0.5)])
            scale *= self._limits.pyramid_factor
            shortest *= self._limits.pyramid_factor
        if not found:
            return np.zeros((0, 5), dtype=np.float32)
        boxes = np.concatenate(found)
        boxes = boxes[nms(boxes, 0.7)]
        calibrated = _calibrate(boxes[:, :5], boxes[:, 5:9], plus_one=False)
        return _square(calibrated)

    def _refine(self, image: IntegralImage, boxes: FloatArray) -> FloatArray:
        boxes, crops = _crops(image, boxes, 24)
        if not boxes.shape[0]:
            return boxes
        prob, reg = self._rnet.run(["prob", "reg"], {"input": crops})
        score = np.asarray(prob)[:, 1]
        keep = score > self._limits.thresholds[1]
        boxes = np.concatenate([boxes[keep, :4], score[keep, None]], axis=1).astype(np.float32)
        reg_kept = np.asarray(reg)[keep]
        if not boxes.shape[0]:
            return boxes
        pick = nms(boxes, 0.7)
        return _square(_calibrate(boxes[pick], reg_kept[pick]))

    def _output(self, image: IntegralImage, boxes: FloatArray) -> list[Detection]:
        boxes, crops = _crops(image, boxes, 48)
        if not boxes.shape[0]:
            return []
        prob, reg, marks = self._onet.run(["prob", "reg", "landmarks"], {"input": crops})
        score = np.asarray(prob)[:, 1]
        keep = score > self._limits.thresholds[2]
        boxes = np.concatenate([boxes[keep, :4], score[keep, None]], axis=1).astype(np.float32)
        marks = np.asarray(marks)[keep]
        w = boxes[:, 2] - boxes[:, 0] + 1
        h = boxes[:, 3] - boxes[:, 1] + 1
        xs = w[:, None] * marks[:, :5] + boxes[:, 0:1] - 1
        ys = h[:, None] * marks[:, 5:10] + boxes[:, 1:2] - 1
        boxes = _calibrate(boxes, np.asarray(reg)[keep])
        pick = nms(boxes, 0.7, "min") if boxes.shape[0] else np.zeros(0, dtype=np.int64)
        return [_detection(boxes[i], xs[i], ys[i]) for i in pick]


def _pnet_boxes(prob: FloatArray, reg: FloatArray, scale: float, threshold: float) -> FloatArray:
    """facenet-pytorch's `generateBoundingBox`: P-net cells above threshold → boxes in image pixels."""
    rows, cols = np.nonzero(prob >= threshold)
    if rows.size == 0:
        return np.zeros((0, 9), dtype=np.float32)
    cells = np.stack([cols, rows], axis=1).astype(np.float32)
    top_left = np.floor((_PNET_STRIDE * cells + 1) / scale)
    bottom_right = np.floor((_PNET_STRIDE * cells + _PNET_CELL) / scale)
    offsets = reg[:, rows, cols].T
    return np.concatenate([top_left, bottom_right, prob[rows, cols][:, None], offsets], axis=1).astype(np.float32)


def _crops(image: IntegralImage, boxes: FloatArray, size: int) -> tuple[FloatArray, FloatArray]:
    """Boxes clipped to the image (facenet-pytorch's `pad`) and their crops resized to size×size."""
    ints = np.trunc(boxes[:, :4]).astype(np.int64)
    rects = np.stack(
        [
            np.maximum(ints[:, 0], 1) - 1,
            np.maximum(ints[:, 1], 1) - 1,
            np.minimum(ints[:, 2], image.width),
            np.minimum(ints[:, 3], image.height),
        ],
        axis=1,
    )
    valid = (rects[:, 2] > rects[:, 0]) & (rects[:, 3] > rects[:, 1])
    if not valid.any():
        return boxes[:0], np.zeros((0, 3, size, size), dtype=np.float32)
    return boxes[valid], _normalise(image.crops(rects[valid], size))


def _detection(box: FloatArray, xs: FloatArray, ys: FloatArray) -> Detection:
    return Detection(
        box=(float(box[0]), float(box[1]), float(box[2]), float(box[3])),
        score=float(box[4]),
        landmarks=tuple((float(x), float(y)) for x, y in zip(xs, ys, strict=True)),
    )


def dominant_face(detections: list[Detection], limits: DetectLimits, image_width: float) -> Detection:
    """The one main face; NoFaceError if none, MultipleFacesError if another face is of similar size.

    A rival is measured by the part of its box inside the photo: MTCNN extrapolates the box of a face cut
    by the photo's edge (a passer-by at the border) far outside it, which would make it look as big as
    the person taking the selfie. A rival the detector is unsure about (blurred background) is ignored.
    """
    if not detections:
        raise NoFaceError()
    ranked = sorted(detections, key=lambda d: d.width, reverse=True)
    main = ranked[0]
    limit = limits.dominant_width_ratio * main.width
    rivals = [d for d in ranked[1:] if _visible_width(d, image_width) >= limit and d.score >= limits.rival_min_score]
    if rivals and limits.refuse_multiple:
        raise MultipleFacesError(details={"faces": 1 + len(rivals)})
    return main


def _visible_width(face: Detection, image_width: float) -> float:
    return max(0.0, min(face.box[2], image_width) - max(face.box[0], 0.0))
