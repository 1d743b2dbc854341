"""From embeddings to a decision: per-model score, cohort normalisation, fusion, thresholds.

Why each step:
- Raw score of one model = the MAX cosine of the probe against all the employee's templates (policy
  `template_aggregation`). Max lets one good enrolment photo carry a check-in taken in similar conditions,
  where a mean is dragged down by the least similar enrolment photo. Measured with several templates per
  person, max and mean are within a pair or two of each other (bench/face_ACCURACY.md); "mean" stays
  selectable per policy.
- Symmetric S-norm against a cohort of other people's templates:
  ``s_norm = ((s - mu_p) / sd_p + (s - mu_t) / sd_t) / 2`` with mu_p/sd_p from probe-vs-cohort scores and
  mu_t/sd_t from template-vs-cohort scores (shipped: only the top-50 cohort scores). It turns "cosine 0.93"
  into "how far above this face's usual impostors", which is what differs between faces and between models
  (dlib packs everyone into a narrow band; see FACE.md).
- Fusion: weighted mean over models of the (normalised) scores; normalised scores share a scale, raw
  cosines of different models do not, hence separate raw thresholds.
- When the cohort is missing or smaller than `cohort_min_size` (new deployment), the raw fused score is
  compared with the raw thresholds of the same calibration entry, and `Verdict.normalised` is False.
- A template made by another model set (an old enrolment after a model change) is refused loudly: vectors
  of different models are never compared.

Thresholds and settings come from `calibration.json` (entries "default" and "cc0"), measured with
`python -m evaluation evaluate`; see bench/face_ACCURACY.md for how they were chosen.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from chalicelib.face.cohort import Cohort
from chalicelib.face.errors import FaceError, ModelUnavailableError
from chalicelib.face.types import Decision, FaceAnalysis, Template, Vector, Verdict

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")
DEFAULT_POLICY = "default"
Aggregation = Literal["max", "mean"]
Floats = npt.NDArray[np.float64]

# A cohort whose scores barely vary would blow a normalised score up; this floor keeps it finite.
_MIN_STD = 1e-6


class NotEnrolledForModelsError(
    FaceError,
    code="NOT_ENROLLED",
    default_message="Wajah belum terdaftar untuk sistem pengenalan saat ini. Silakan daftar ulang wajah.",
):
    """The employee has no template made by every model the scoring policy uses (re-enrolment needed)."""


class ProbeModelMissingError(ModelUnavailableError):
    """The pipeline did not produce an embedding the scoring policy needs (configuration mismatch): to the
    client, like a missing model file, the service is unavailable."""


@dataclass(frozen=True)
class ScoringPolicy:
    """How scores are made and judged. The defaults are the shipped "cc0" calibration entry."""

    name: str = "cc0"
    # Model id -> fusion weight; the keys are exactly the models used.
    weights: Mapping[str, float] = field(default_factory=lambda: {"dlib_resnet_v1": 1.0})
    normalise: bool = True
    # Fewer cohort templates than this (after leaving out the employee's own) -> raw scores and thresholds.
    cohort_min_size: int = 50
    # Use only the k highest cohort scores for the statistics (None = all). Top-k statistics depend on the
    # cohort's size, so the application should supply about `cohort_sample_size` templates (calibrated
    # with cohorts of 60-100 templates).
    cohort_top_k: int | None = 50
    cohort_sample_size: int = 100
    template_aggregation: Aggregation = "max"
    accept_threshold: float = 4.3
    review_threshold: float = 2.0
    raw_accept_threshold: float = 0.96
    raw_review_threshold: float = 0.93
    # Raw fused cosine at or above which two templates are taken for one person: an enrolment matching
    # another employee's face (DUPLICATE_FACE), and cohort members left out of a claimed identity's cohort.
    duplicate_threshold: float = 0.97

    def __post_init__(self) -> None:
        if not self.weights or any(w <= 0 for w in self.weights.values()):
            raise ValueError("a scoring policy needs at least one model with a positive weight")
        if self.review_threshold > self.accept_threshold:
            raise ValueError("review threshold must not exceed accept threshold")
        if self.raw_review_threshold > self.raw_accept_threshold:
            raise ValueError("raw review threshold must not exceed raw accept threshold")

    @property
    def model_ids(self) -> tuple[str, ...]:
        return tuple(sorted(self.weights))

    @classmethod
    def from_dict(cls, name: str, entry: Mapping[str, Any]) -> ScoringPolicy:
        """Build from one calibration entry; keys other than the fields (figures, notes) are ignored."""
        top_k = entry.get("cohort_top_k")
        return cls(
            name=name,
            weights={str(k): float(v) for k, v in entry["weights"].items()},
            normalise=bool(entry.get("normalise", True)),
            cohort_min_size=int(entry.get("cohort_min_size", 50)),
            cohort_top_k=None if top_k is None else int(top_k),
            cohort_sample_size=int(entry.get("cohort_sample_size", 100)),
            template_aggregation=_aggregation(entry.get("template_aggregation", "max")),
            accept_threshold=float(entry["accept_threshold"]),
            review_threshold=float(entry["review_threshold"]),
            raw_accept_threshold=float(entry["raw_accept_threshold"]),
            raw_review_threshold=float(entry["raw_review_threshold"]),
            duplicate_threshold=float(entry.get("duplicate_threshold", cls.duplicate_threshold)),
        )

    @classmethod
    def load(cls, name: str = DEFAULT_POLICY, path: Path = CALIBRATION_PATH) -> ScoringPolicy:
        """Load a named entry ("default" or "cc0") of the shipped calibration file."""
        policies = json.loads(path.read_text(encoding="utf-8"))["policies"]
        if name not in policies:
            raise ValueError(f"unknown scoring policy {name!r}; known: {sorted(policies)}")
        return cls.from_dict(name, policies[name])


def _aggregation(value: object) -> Aggregation:
    if value == "max":
        return "max"
    if value == "mean":
        return "mean"
    raise ValueError(f"template_aggregation must be 'max' or 'mean', got {value!r}")


def s_norm(score: Floats, probe_cohort: Floats, template_cohort: Floats, top_k: int | None = None) -> Floats:
    """Symmetric S-norm of `score` (one per template) given cohort scores of the probe (1-d) and of each
    template (one row per template)."""
    mu_p, sd_p = _stats(probe_cohort[np.newaxis, :], top_k)
    mu_t, sd_t = _stats(template_cohort, top_k)
    result: Floats = ((score - mu_p) / sd_p + (score - mu_t) / sd_t) / 2.0
    return result


def _stats(scores: Floats, top_k: int | None) -> tuple[Floats, Floats]:
    """Mean and standard deviation per row, over the top-k scores when asked."""
    if top_k is not None and top_k < scores.shape[1]:
        scores = -np.partition(-scores, top_k - 1, axis=1)[:, :top_k]
    return scores.mean(axis=1), np.maximum(scores.std(axis=1), _MIN_STD)


def decide(score: float, accept: float, review: float) -> Decision:
    """Accept at or above `accept`, review at or above `review`, reject below."""
    if score >= accept:
        return "accept"
    if score >= review:
        return "review"
    return "reject"


def verify(probe: FaceAnalysis, templates: Sequence[Template], cohort: Cohort | None, policy: ScoringPolicy) -> Verdict:
    """Score a probe against all of one employee's templates and decide accept / review / reject.

    Raises NotEnrolledForModelsError when the templates do not all carry every policy model, and
    ProbeModelMissingError when the probe lacks one.
    """
    return verify_vectors(probe.embeddings, templates, cohort, policy)


def verify_vectors(
    embeddings: Mapping[str, Vector], templates: Sequence[Template], cohort: Cohort | None, policy: ScoringPolicy
) -> Verdict:
    """`verify` of a face known by its vectors alone (a stored template compared with the employee's others)."""
    _check_models(embeddings, templates, policy)
    own_ids = {t.template_id for t in templates} | look_alikes(cohort, templates, policy)
    cohorts = _usable_cohorts(cohort, own_ids, policy)
    raw: dict[str, float] = {}
    fused: dict[str, float] = {}
    for model_id in policy.model_ids:
        probe_vec = np.asarray(embeddings[model_id], dtype=np.float64)
        template_mat = np.stack([np.asarray(t.embeddings[model_id], dtype=np.float64) for t in templates])
        scores = template_mat @ probe_vec
        raw[model_id] = _aggregate(scores, policy.template_aggregation)
        if cohorts is not None:
            normed = _normalise(scores, probe_vec, template_mat, cohorts[model_id], policy.cohort_top_k)
            fused[model_id] = _aggregate(normed, policy.template_aggregation)
    if cohorts is None:
        score = _fuse(raw, policy.weights)
        accept, review = policy.raw_accept_threshold, policy.raw_review_threshold
    else:
        score = _fuse(fused, policy.weights)
        accept, review = policy.accept_threshold, policy.review_threshold
    return Verdict(
        score=score,
        decision=decide(score, accept, review),
        accept_threshold=accept,
        review_threshold=review,
        raw_scores=raw,
        normalised=cohorts is not None,
    )


def _check_models(probe: Mapping[str, Vector], templates: Sequence[Template], policy: ScoringPolicy) -> None:
    missing_probe = [m for m in policy.model_ids if m not in probe]
    if missing_probe:
        raise ProbeModelMissingError(details={"missing_models": missing_probe})
    missing = sorted({m for t in templates for m in policy.model_ids if m not in t.embeddings})
    if not templates or missing:
        stale = [t.template_id for t in templates if not set(policy.model_ids) <= set(t.embeddings)]
        raise NotEnrolledForModelsError(
            details={"missing_models": missing or list(policy.model_ids), "template_ids": stale}
        )
    for model_id in policy.model_ids:
        dims = {np.asarray(t.embeddings[model_id]).shape for t in templates}
        dims.add(np.asarray(probe[model_id]).shape)
        if len(dims) != 1:
            raise NotEnrolledForModelsError(details={"missing_models": [model_id], "shapes": sorted(dims)})


def look_alikes(cohort: Cohort | None, templates: Sequence[Template], policy: ScoringPolicy) -> set[str]:
    """Cohort templates that look like the claimed person: raw fused cosine with one of their templates at or
    above the duplicate threshold. They are the same face (enrolled under another NIP before duplicates
    were refused, or an old photo of a colleague's) and must not be normalised against: a cohort holding
    the claimed person lifts their template's cohort statistics and turns a genuine check-in into a
    mismatch. Only near-certain same-person rows go, so impostor statistics stay as they were."""
    if cohort is None or not policy.normalise or not templates:
        return set()
    fused: dict[str, float] = {}
    for model_id in policy.model_ids:
        model_cohort = cohort.for_model(model_id)
        if model_cohort is None or model_cohort.size == 0:
            return set()
        claimed = np.stack([np.asarray(t.embeddings[model_id], dtype=np.float32) for t in templates])
        best = (model_cohort.vectors @ claimed.T).max(axis=1) * policy.weights[model_id]
        for template_id, score in zip(model_cohort.template_ids, best.tolist(), strict=True):
            fused[template_id] = fused.get(template_id, 0.0) + score
    total = sum(policy.weights.values())
    return {t for t, score in fused.items() if score / total >= policy.duplicate_threshold}


def _usable_cohorts(
    cohort: Cohort | None, own_ids: set[str], policy: ScoringPolicy
) -> dict[str, npt.NDArray[np.float32]] | None:
    """Per model the cohort matrix without the employee's own templates, or None to use raw scores."""
    if cohort is None or not policy.normalise:
        return None
    chosen: dict[str, npt.NDArray[np.float32]] = {}
    for model_id in policy.model_ids:
        model_cohort = cohort.for_model(model_id)
        if model_cohort is None:
            return None
        rows = model_cohort.rows_excluding(own_ids)
        if rows.shape[0] < policy.cohort_min_size:
            return None
        chosen[model_id] = rows
    return chosen


def _normalise(
    scores: Floats,
    probe_vec: Floats,
    template_mat: Floats,
    cohort_mat: npt.NDArray[np.float32],
    top_k: int | None,
) -> Floats:
    if cohort_mat.shape[1] != probe_vec.shape[0]:
        raise ValueError("cohort vectors and probe vectors of one model differ in length")
    # float32 products: the cohort may hold thousands of rows and must not be copied per check-in.
    probe_cohort = (cohort_mat @ probe_vec.astype(np.float32)).astype(np.float64)
    template_cohort = (template_mat.astype(np.float32) @ cohort_mat.T).astype(np.float64)
    return s_norm(scores, probe_cohort, template_cohort, top_k)


def _aggregate(scores: Floats, how: Aggregation) -> float:
    return float(scores.max() if how == "max" else scores.mean())


def _fuse(scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    total = sum(weights[m] for m in scores)
    return sum(weights[m] * s for m, s in scores.items()) / total
