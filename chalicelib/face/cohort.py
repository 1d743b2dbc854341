"""The cohort: other people's template vectors, against which a score is normalised (S-norm).

A raw cosine means different things for different faces: some faces resemble many others (high impostor
scores), some few. Scoring a probe and a template also against a cohort of other people tells how unusual
their similarity is. This module holds that cohort per model as one matrix (one row per template) and
caches it per process, because the application loads it from storage and it changes slowly.
The application layer supplies the vectors; nothing here knows where they are stored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from chalicelib.face.types import Template

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class CohortMember:
    """One template of one person (`owner`, e.g. the employee's NIP) taken into the cohort."""

    owner: str
    template: Template


@dataclass(frozen=True)
class ModelCohort:
    """The cohort vectors of one model, row-aligned with their template ids and owners."""

    vectors: Matrix
    template_ids: tuple[str, ...]
    owners: tuple[str, ...]
    _id_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_id_set", frozenset(self.template_ids))

    @property
    def size(self) -> int:
        return len(self.template_ids)

    def rows_excluding(self, template_ids: Collection[str]) -> Matrix:
        """Vectors without the given templates (the claimed person's own must not be their cohort)."""
        if self._id_set.isdisjoint(template_ids):
            return self.vectors
        keep = np.fromiter((t not in template_ids for t in self.template_ids), bool, self.size)
        rows: Matrix = self.vectors[keep]
        return rows


class Cohort:
    """Per model, a matrix of other people's L2-normalised template vectors."""

    def __init__(self, models: Mapping[str, ModelCohort]) -> None:
        self._models = dict(models)

    @classmethod
    def from_members(cls, members: Iterable[CohortMember]) -> Cohort:
        """Build from templates; a template without some model's vector is simply absent for that model."""
        rows: dict[str, list[tuple[str, str, npt.NDArray[np.float32]]]] = {}
        for member in members:
            for model_id, vector in member.template.embeddings.items():
                rows.setdefault(model_id, []).append((member.template.template_id, member.owner, vector))
        return cls({model_id: _stack(model_rows) for model_id, model_rows in rows.items()})

    @property
    def model_ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._models))

    def for_model(self, model_id: str) -> ModelCohort | None:
        """The model's cohort, or None when no cohort template has that model."""
        return self._models.get(model_id)

    def size(self, model_id: str) -> int:
        found = self._models.get(model_id)
        return found.size if found else 0

    def without_owners(self, owners: Collection[str]) -> Cohort:
        """A copy without the given people (evaluation leaves out both identities of a pair)."""
        return Cohort({m: _drop_owners(c, owners) for m, c in self._models.items()})


def _stack(rows: list[tuple[str, str, npt.NDArray[np.float32]]]) -> ModelCohort:
    dims = {np.asarray(v).shape for _, _, v in rows}
    if len(dims) != 1:
        raise ValueError(f"cohort vectors of one model have different shapes: {sorted(dims)}")
    vectors = np.stack([np.asarray(v, dtype=np.float32) for _, _, v in rows])
    return ModelCohort(
        vectors=vectors,
        template_ids=tuple(t for t, _, _ in rows),
        owners=tuple(o for _, o, _ in rows),
    )


def _drop_owners(cohort: ModelCohort, owners: Collection[str]) -> ModelCohort:
    keep = [i for i, owner in enumerate(cohort.owners) if owner not in owners]
    return ModelCohort(
        vectors=cohort.vectors[keep],
        template_ids=tuple(cohort.template_ids[i] for i in keep),
        owners=tuple(cohort.owners[i] for i in keep),
    )


class CohortCache:
    """Keeps one Cohort per process and reloads it when older than `max_age_s`.

    `load` is supplied by the application (e.g. reads templates of a sample of employees). A warm Lambda
    reuses the cohort across requests; a failed reload keeps serving the previous cohort, because a slightly
    old cohort scores almost identically while no cohort at all changes every decision to raw scores.
    """

    def __init__(
        self,
        load: Callable[[], Iterable[CohortMember]],
        max_age_s: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._max_age_s = max_age_s
        self._clock = clock
        self._lock = threading.Lock()
        self._cohort: Cohort | None = None
        self._loaded_at = 0.0

    def get(self) -> Cohort:
        """The cached cohort, reloaded first if missing or stale."""
        with self._lock:
            now = self._clock()
            if self._cohort is None or now - self._loaded_at >= self._max_age_s:
                self._refresh(now)
            assert self._cohort is not None
            return self._cohort

    def invalidate(self) -> None:
        """Force a reload on the next `get` (e.g. after many enrolments)."""
        with self._lock:
            self._loaded_at = -float("inf")

    def _refresh(self, now: float) -> None:
        try:
            self._cohort = Cohort.from_members(self._load())
        except Exception:
            if self._cohort is None:
                raise
        self._loaded_at = now
