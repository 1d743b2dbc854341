"""Scoring: S-norm, fusion, template aggregation, cohort fallback and refusal of mixed models."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest

from chalicelib.face.cohort import Cohort, CohortCache, CohortMember
from chalicelib.face.scoring import (
    CALIBRATION_PATH,
    NotEnrolledForModelsError,
    ProbeModelMissingError,
    ScoringPolicy,
    decide,
    s_norm,
    verify,
)
from chalicelib.face.types import FaceAnalysis, PhotoFingerprint, QualityReport, Template
from tests.clocks import ManualClock

DIM = 64
RNG = np.random.default_rng(11)


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def random_unit() -> np.ndarray:
    return unit(RNG.normal(size=DIM))


def near(v: np.ndarray, noise: float) -> np.ndarray:
    return unit(v + RNG.normal(scale=noise, size=DIM))


def probe_of(embeddings: Mapping[str, np.ndarray]) -> FaceAnalysis:
    return FaceAnalysis(
        embeddings=dict(embeddings),
        box=(0.0, 0.0, 100.0, 100.0),
        landmarks=((30.0, 40.0), (70.0, 40.0), (50.0, 60.0), (35.0, 80.0), (65.0, 80.0)),
        quality=QualityReport(face_width_px=100.0, brightness=120.0, sharpness=100.0, yaw_ratio=1.0),
        fingerprint=PhotoFingerprint(sha256="0" * 64, phash=0),
        width=200,
        height=200,
    )


def cohort_of(n: int, models: tuple[str, ...] = ("a",)) -> Cohort:
    return Cohort.from_members(
        CohortMember(owner=f"p{i}", template=Template(f"c{i}", {m: random_unit() for m in models})) for i in range(n)
    )


def policy(**overrides: object) -> ScoringPolicy:
    fields: dict[str, object] = {
        "name": "test",
        "weights": {"a": 1.0},
        "cohort_min_size": 10,
        "accept_threshold": 3.0,
        "review_threshold": 2.0,
        "raw_accept_threshold": 0.8,
        "raw_review_threshold": 0.6,
    }
    fields.update(overrides)
    return ScoringPolicy(**fields)  # type: ignore[arg-type]


def test_s_norm_matches_hand_computation() -> None:
    # GIVEN probe-cohort scores with mean 0.5 / sd 0.1 and template-cohort scores with mean 0.3 / sd 0.2
    probe_cohort = np.array([0.4, 0.6])
    template_cohort = np.array([[0.1, 0.5]])

    result = s_norm(np.array([0.9]), probe_cohort, template_cohort)

    # THEN ((0.9-0.5)/0.1 + (0.9-0.3)/0.2) / 2 = 3.5
    assert result == pytest.approx([3.5])


def test_s_norm_top_k_uses_only_highest_cohort_scores() -> None:
    probe_cohort = np.array([0.0, 0.0, 0.4, 0.6])
    template_cohort = np.array([[0.1, 0.5, -0.9, -0.9]])

    assert s_norm(np.array([0.9]), probe_cohort, template_cohort, top_k=2) == pytest.approx([3.5])


def test_s_norm_of_constant_cohort_stays_finite() -> None:
    result = s_norm(np.array([0.9]), np.full(5, 0.2), np.full((1, 5), 0.2))
    assert np.all(np.isfinite(result))


def test_genuine_probe_accepted_and_impostor_rejected_with_cohort() -> None:
    # GIVEN an employee enrolled twice and a cohort of 50 other people
    person = random_unit()
    templates = [Template("t1", {"a": near(person, 0.05)}), Template("t2", {"a": near(person, 0.05)})]
    cohort = cohort_of(50)

    genuine = verify(probe_of({"a": near(person, 0.05)}), templates, cohort, policy())
    impostor = verify(probe_of({"a": random_unit()}), templates, cohort, policy())

    assert genuine.normalised and impostor.normalised
    assert genuine.decision == "accept"
    assert impostor.decision == "reject"
    assert (genuine.accept_threshold, genuine.review_threshold) == (3.0, 2.0)
    assert genuine.raw_scores["a"] > 0.9


def test_small_cohort_falls_back_to_raw_thresholds() -> None:
    person = random_unit()
    templates = [Template("t1", {"a": person})]
    probe = probe_of({"a": near(person, 0.02)})

    verdict = verify(probe, templates, cohort_of(5), policy())

    assert not verdict.normalised
    assert (verdict.accept_threshold, verdict.review_threshold) == (0.8, 0.6)
    assert verdict.score == pytest.approx(verdict.raw_scores["a"])
    assert verify(probe, templates, None, policy()).score == pytest.approx(verdict.score)


def test_employee_own_templates_do_not_count_in_the_cohort() -> None:
    # GIVEN a cohort of exactly the minimum size that also holds the employee's own template
    person = random_unit()
    own = Template("t1", {"a": person})
    others = [CohortMember(f"p{i}", Template(f"c{i}", {"a": random_unit()})) for i in range(1, 10)]
    cohort = Cohort.from_members([CohortMember("p0", own), *others])
    assert cohort.size("a") == 10

    verdict = verify(probe_of({"a": near(person, 0.05)}), [own], cohort, policy(cohort_min_size=10))

    # THEN without the own template only 9 remain: too few, so raw scoring is used
    assert not verdict.normalised


def test_template_scores_aggregate_by_max_or_mean() -> None:
    person = random_unit()
    templates = [Template("t1", {"a": person}), Template("t2", {"a": random_unit()})]
    probe = probe_of({"a": person})

    best = verify(probe, templates, None, policy(template_aggregation="max"))
    average = verify(probe, templates, None, policy(template_aggregation="mean"))

    assert best.score == pytest.approx(1.0, abs=1e-6)
    assert average.score < 0.8


def test_fusion_is_weighted_mean_of_model_scores() -> None:
    person_a, person_b = random_unit(), random_unit()
    templates = [Template("t1", {"a": person_a, "b": person_b})]
    probe = probe_of({"a": person_a, "b": near(person_b, 0.5)})
    weighted = policy(weights={"a": 3.0, "b": 1.0})

    verdict = verify(probe, templates, None, weighted)

    expected = (3.0 * verdict.raw_scores["a"] + verdict.raw_scores["b"]) / 4.0
    assert verdict.score == pytest.approx(expected)


def test_fused_normalised_score_uses_every_model_cohort() -> None:
    person = {"a": random_unit(), "b": random_unit()}
    templates = [Template("t1", person)]
    cohort = cohort_of(40, ("a", "b"))
    both = policy(weights={"a": 1.0, "b": 1.0})

    fused = verify(probe_of(person), templates, cohort, both)
    only_a = verify(probe_of(person), templates, cohort, policy())
    only_b = verify(probe_of(person), templates, cohort, policy(weights={"b": 1.0}))

    assert fused.normalised
    assert fused.score == pytest.approx((only_a.score + only_b.score) / 2)


def test_template_from_another_model_is_refused_loudly() -> None:
    # GIVEN a policy fusing models a and b, and a template enrolled before model b existed
    person = random_unit()
    templates = [Template("new", {"a": person, "b": person}), Template("old", {"a": person})]
    both = policy(weights={"a": 1.0, "b": 1.0})

    with pytest.raises(NotEnrolledForModelsError) as caught:
        verify(probe_of({"a": person, "b": person}), templates, None, both)

    assert caught.value.code == "NOT_ENROLLED"
    assert caught.value.details["missing_models"] == ["b"]
    assert caught.value.details["template_ids"] == ["old"]


def test_vectors_of_different_length_under_one_model_id_are_refused() -> None:
    templates = [Template("t1", {"a": unit(RNG.normal(size=128))})]

    with pytest.raises(NotEnrolledForModelsError):
        verify(probe_of({"a": random_unit()}), templates, None, policy())


def test_no_templates_is_not_enrolled() -> None:
    with pytest.raises(NotEnrolledForModelsError):
        verify(probe_of({"a": random_unit()}), [], None, policy())


def test_probe_without_a_policy_model_is_a_configuration_error() -> None:
    person = random_unit()
    with pytest.raises(ProbeModelMissingError) as caught:
        verify(
            probe_of({"a": person}),
            [Template("t1", {"a": person, "b": person})],
            None,
            policy(weights={"a": 1.0, "b": 1.0}),
        )
    assert caught.value.code == "UNAVAILABLE"


@pytest.mark.parametrize(("score", "expected"), [(3.0, "accept"), (2.5, "review"), (2.0, "review"), (1.99, "reject")])
def test_decision_bands(score: float, expected: str) -> None:
    assert decide(score, accept=3.0, review=2.0) == expected


def test_policy_refuses_review_above_accept() -> None:
    with pytest.raises(ValueError):
        policy(review_threshold=4.0)


@pytest.mark.parametrize("name", ["default", "cc0"])
def test_shipped_calibration_entries_load(name: str) -> None:
    loaded = ScoringPolicy.load(name)

    assert loaded.name == name
    assert loaded.review_threshold <= loaded.accept_threshold
    assert loaded.raw_review_threshold <= loaded.raw_accept_threshold
    assert CALIBRATION_PATH.is_file()


def test_cc0_policy_uses_only_the_cc0_model() -> None:
    assert ScoringPolicy.load("cc0").model_ids == ("dlib_resnet_v1",)


def test_unknown_policy_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scoring policy"):
        ScoringPolicy.load("nope")


def test_cohort_without_owners_drops_their_rows() -> None:
    cohort = cohort_of(6)
    assert cohort.without_owners({"p0", "p3"}).size("a") == 4
    assert cohort.size("missing") == 0


def test_cohort_cache_reloads_only_when_stale_and_survives_a_failed_reload() -> None:
    loads: list[int] = []
    fail = {"on": False}

    def load() -> list[CohortMember]:
        if fail["on"]:
            raise RuntimeError("store down")
        loads.append(1)
        return [CohortMember(f"p{i}", Template(f"c{i}", {"a": random_unit()})) for i in range(len(loads))]

    clock = ManualClock()
    cache = CohortCache(load, max_age_s=60.0, clock=clock)

    first = cache.get()
    clock.now = 30.0
    assert cache.get() is first
    clock.now = 61.0
    second = cache.get()
    assert second is not first and second.size("a") == 2

    fail["on"] = True
    clock.now = 200.0
    assert cache.get() is second
