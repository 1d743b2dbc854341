"""Verification accuracy figures from genuine and impostor score samples.

Exists so that thresholds are chosen by measurement, the same way in the evaluation CLI, the accuracy
benchmark and the tests. Convention everywhere: a pair is accepted when ``score >= threshold``.

- FAR(t): fraction of impostor pairs with score >= t; FRR(t): fraction of genuine pairs with score < t.
- AUC: probability that a random genuine pair scores above a random impostor pair (ties count half).
- EER: where the ROC curve, drawn as straight segments between the measured operating points, crosses
  FAR = FRR. A perfectly separated sample has EER 0.
- Threshold for a target FAR: the lowest threshold whose measured FAR does not exceed the target, so the
  suggestion never promises fewer false accepts than the sample shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Scores = npt.NDArray[np.float64]

#: Default targets: accept where impostors are accepted at most 0.1 % of the time; the review band starts
#: where 2 % of impostors would pass, so a genuine person photographed badly is reviewed, not refused.
DEFAULT_ACCEPT_FAR = 0.001
DEFAULT_REVIEW_FAR = 0.02


@dataclass(frozen=True)
class OperatingPoint:
    """What happens to the sample at one threshold (pair counts are kept so small samples show)."""

    threshold: float
    target_far: float | None
    far: float
    tar: float
    impostors_accepted: int
    impostor_pairs: int
    genuine_accepted: int
    genuine_pairs: int


@dataclass(frozen=True)
class ThresholdPair:
    """Suggested accept and review thresholds with their measured consequences."""

    accept: OperatingPoint
    review: OperatingPoint

    @property
    def genuine_below_review(self) -> float:
        """Fraction of genuine pairs that would be rejected outright."""
        return 1.0 - self.review.tar


@dataclass(frozen=True)
class Summary:
    """Every figure the evaluation reports for one score sample."""

    genuine_pairs: int
    impostor_pairs: int
    auc: float
    eer: float
    eer_threshold: float
    tar_at_far_1pct: OperatingPoint
    tar_at_far_01pct: OperatingPoint
    genuine_min: float
    genuine_median: float
    impostor_median: float
    impostor_max: float
    suggested: ThresholdPair


def as_scores(values: Sequence[float] | npt.NDArray[np.floating]) -> Scores:
    """Return a flat float64 copy, refusing empty or non-finite samples (a figure from them would lie)."""
    arr = np.asarray(values, dtype=np.float64).ravel()
    if arr.size == 0:
        raise ValueError("score sample is empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError("score sample contains NaN or infinity")
    return arr


def far_at(impostor: Scores, threshold: float) -> float:
    """Fraction of impostor scores accepted at `threshold`."""
    return float(np.count_nonzero(impostor >= threshold)) / impostor.size


def tar_at(genuine: Scores, threshold: float) -> float:
    """Fraction of genuine scores accepted at `threshold`."""
    return float(np.count_nonzero(genuine >= threshold)) / genuine.size


def auc(genuine: Scores, impostor: Scores) -> float:
    """Area under the ROC curve (Mann-Whitney statistic, ties counted half)."""
    g, i = as_scores(genuine), np.sort(as_scores(impostor))
    below = np.searchsorted(i, g, side="left").astype(np.float64)
    at_or_below = np.searchsorted(i, g, side="right").astype(np.float64)
    wins = below + 0.5 * (at_or_below - below)
    return float(wins.sum() / (g.size * i.size))


def _roc(genuine: Scores, impostor: Scores) -> tuple[Scores, Scores, Scores]:
    """Thresholds (ascending, ending with +inf) with FAR and FRR at each."""
    g, i = np.sort(genuine), np.sort(impostor)
    thresholds = np.append(np.unique(np.concatenate([g, i])), np.inf)
    far = (i.size - np.searchsorted(i, thresholds, side="left")) / i.size
    frr = np.searchsorted(g, thresholds, side="left") / g.size
    return thresholds, far.astype(np.float64), frr.astype(np.float64)


def eer(genuine: Scores, impostor: Scores) -> tuple[float, float]:
    """Equal error rate and the (interpolated) threshold where it occurs."""
    thresholds, far, frr = _roc(as_scores(genuine), as_scores(impostor))
    diff = frr - far  # rises from -1 (lowest threshold) to +1 (threshold +inf)
    j = int(np.argmax(diff >= 0))
    if diff[j] == 0:
        return float(far[j]), float(thresholds[j])
    lam = -diff[j - 1] / (diff[j] - diff[j - 1])
    rate = far[j - 1] + lam * (far[j] - far[j - 1])
    hi = thresholds[j] if math.isfinite(thresholds[j]) else thresholds[j - 1]
    return float(rate), float(thresholds[j - 1] + lam * (hi - thresholds[j - 1]))


def threshold_for_far(impostor: Scores, target_far: float) -> float:
    """Lowest threshold at which the measured FAR is <= `target_far`."""
    if not 0.0 <= target_far <= 1.0:
        raise ValueError(f"target FAR must be within [0, 1], got {target_far}")
    desc = np.sort(as_scores(impostor))[::-1]
    allowed = math.floor(target_far * desc.size + 1e-9)
    if allowed >= desc.size:
        return float(desc[-1])
    # Strictly above the first impostor that must be refused; ties with it are refused too.
    return float(np.nextafter(desc[allowed], np.inf))


def operating_point(
    genuine: Scores, impostor: Scores, threshold: float, target_far: float | None = None
) -> OperatingPoint:
    """Measure the sample at one threshold."""
    g, i = as_scores(genuine), as_scores(impostor)
    imp_acc = int(np.count_nonzero(i >= threshold))
    gen_acc = int(np.count_nonzero(g >= threshold))
    return OperatingPoint(
        threshold=threshold,
        target_far=target_far,
        far=imp_acc / i.size,
        tar=gen_acc / g.size,
        impostors_accepted=imp_acc,
        impostor_pairs=int(i.size),
        genuine_accepted=gen_acc,
        genuine_pairs=int(g.size),
    )


def tar_at_far(genuine: Scores, impostor: Scores, target_far: float) -> OperatingPoint:
    """Genuine acceptance at the threshold chosen for `target_far`."""
    return operating_point(genuine, impostor, threshold_for_far(impostor, target_far), target_far)


def suggest_thresholds(
    genuine: Scores,
    impostor: Scores,
    accept_far: float = DEFAULT_ACCEPT_FAR,
    review_far: float = DEFAULT_REVIEW_FAR,
) -> ThresholdPair:
    """Accept threshold at `accept_far`, review threshold at `review_far` (never above accept)."""
    if review_far < accept_far:
        raise ValueError("review FAR must not be below accept FAR")
    accept = tar_at_far(genuine, impostor, accept_far)
    review = tar_at_far(genuine, impostor, review_far)
    return ThresholdPair(accept=accept, review=review)


def summarise(
    genuine: Sequence[float] | npt.NDArray[np.floating],
    impostor: Sequence[float] | npt.NDArray[np.floating],
    accept_far: float = DEFAULT_ACCEPT_FAR,
    review_far: float = DEFAULT_REVIEW_FAR,
) -> Summary:
    """All figures for one sample of genuine and impostor scores."""
    g, i = as_scores(genuine), as_scores(impostor)
    rate, at = eer(g, i)
    return Summary(
        genuine_pairs=int(g.size),
        impostor_pairs=int(i.size),
        auc=auc(g, i),
        eer=rate,
        eer_threshold=at,
        tar_at_far_1pct=tar_at_far(g, i, 0.01),
        tar_at_far_01pct=tar_at_far(g, i, 0.001),
        genuine_min=float(g.min()),
        genuine_median=float(np.median(g)),
        impostor_median=float(np.median(i)),
        impostor_max=float(i.max()),
        suggested=suggest_thresholds(g, i, accept_far, review_far),
    )
