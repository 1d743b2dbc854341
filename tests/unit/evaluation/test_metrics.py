"""Accuracy figures on synthetic score samples whose answers are known in closed form."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evaluation import metrics


def phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


@pytest.fixture(scope="module")
def normal_sample() -> tuple[np.ndarray, np.ndarray]:
    # GIVEN genuine ~ N(1, 1) and impostor ~ N(-1, 1): EER = Phi(-1), AUC = Phi(sqrt(2))
    rng = np.random.default_rng(7)
    return rng.normal(1.0, 1.0, 40_000), rng.normal(-1.0, 1.0, 40_000)


def test_perfectly_separated_sample_has_zero_eer_and_full_auc() -> None:
    genuine = np.array([0.90, 0.95, 0.99])
    impostor = np.array([0.10, 0.20, 0.30, 0.89])

    rate, threshold = metrics.eer(genuine, impostor)

    assert rate == 0.0
    assert 0.89 < threshold <= 0.90
    assert metrics.auc(genuine, impostor) == 1.0
    assert metrics.tar_at_far(genuine, impostor, 0.001).tar == 1.0


def test_reversed_sample_has_zero_auc_and_full_eer() -> None:
    assert metrics.auc(np.array([0.1, 0.2]), np.array([0.8, 0.9])) == 0.0
    assert metrics.eer(np.array([0.1, 0.2]), np.array([0.8, 0.9]))[0] == pytest.approx(1.0)


def test_ties_count_half_in_auc() -> None:
    assert metrics.auc(np.array([0.5]), np.array([0.5])) == 0.5


def test_overlapping_normals_match_closed_form(normal_sample: tuple[np.ndarray, np.ndarray]) -> None:
    genuine, impostor = normal_sample

    rate, threshold = metrics.eer(genuine, impostor)

    assert rate == pytest.approx(phi(-1.0), abs=0.006)
    assert threshold == pytest.approx(0.0, abs=0.03)
    assert metrics.auc(genuine, impostor) == pytest.approx(phi(math.sqrt(2.0)), abs=0.005)


def test_tar_at_far_on_normals(normal_sample: tuple[np.ndarray, np.ndarray]) -> None:
    genuine, impostor = normal_sample
    # THEN the 1 % FAR threshold is the impostor 99th percentile, -1 + 2.326
    point = metrics.tar_at_far(genuine, impostor, 0.01)

    assert point.threshold == pytest.approx(1.326, abs=0.04)
    assert point.far <= 0.01
    assert point.tar == pytest.approx(1.0 - phi(0.326), abs=0.015)
    assert point.impostor_pairs == 40_000
    assert point.impostors_accepted == round(point.far * 40_000)


def test_threshold_for_far_never_exceeds_target_even_with_ties() -> None:
    # GIVEN 1000 impostors, the top three tied: 0.1 % allows one accept, so all three must be refused
    impostor = np.concatenate([np.linspace(0.0, 0.5, 997), [0.9, 0.9, 0.9]])

    threshold = metrics.threshold_for_far(impostor, 0.001)

    assert threshold > 0.9
    assert metrics.far_at(impostor, threshold) == 0.0
    assert metrics.far_at(impostor, metrics.threshold_for_far(impostor, 0.0031)) == 0.003


def test_suggested_pair_puts_review_below_accept(normal_sample: tuple[np.ndarray, np.ndarray]) -> None:
    genuine, impostor = normal_sample

    pair = metrics.suggest_thresholds(genuine, impostor, accept_far=0.001, review_far=0.02)

    assert pair.review.threshold < pair.accept.threshold
    assert pair.accept.far <= 0.001
    assert pair.review.far <= 0.02
    assert pair.genuine_below_review == pytest.approx(1.0 - pair.review.tar)


def test_summary_reports_counts_and_extremes() -> None:
    summary = metrics.summarise([0.9, 0.8, 0.95], [0.1, 0.85, 0.2, 0.3])

    assert (summary.genuine_pairs, summary.impostor_pairs) == (3, 4)
    assert summary.genuine_min == 0.8
    assert summary.impostor_max == 0.85
    assert 0.0 < summary.eer < 0.5


@pytest.mark.parametrize("bad", [[], [float("nan")], [float("inf")]])
def test_unusable_samples_are_refused(bad: list[float]) -> None:
    with pytest.raises(ValueError):
        metrics.summarise(bad, [0.1])
