"""Duplicate faces: every approved template of a regency in one matrix per model, compared in one product.

A face enrolled for one employee must not already be another employee's (one person checking in for two,
or a face registered under a colleague's NIP). Comparing an enrolment with 7,000 × 3 templates one by one
from storage would take seconds; here the vectors sit in memory as float32 matrices (one row per template,
rows of all models aligned), so one comparison is one matrix-vector product per model
(bench/face_duplicates_RESULTS.md). The application loads the index and keeps it current; nothing here
knows where templates are stored.

The score is the raw fused cosine of the scoring policy (weighted mean over its models of the cosine),
judged against the policy's `duplicate_threshold`, a strict point above every impostor pair measured
(calibration.json, bench/face_ACCURACY.md).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from chalicelib.face.cohort import CohortMember
from chalicelib.face.types import Vector

Matrix = npt.NDArray[np.float32]
# Rows compared at once when listing all pairs: 1,024 × 21,000 float32 scores = 86 MB per block.
PAIR_BLOCK = 1024


@dataclass(frozen=True)
class Match:
    """A template of another owner whose fused cosine with the probe reached the threshold."""

    owner: str
    template_id: str
    score: float


@dataclass(frozen=True)
class Pair:
    """Two templates of different owners that look like one person."""

    owners: tuple[str, str]
    template_ids: tuple[str, str]
    score: float


class TemplateIndex:
    """Approved templates of every owner, per model a matrix with aligned rows. Thread-safe; `version` is
    the storage's change count the rows correspond to (the application compares it)."""

    def __init__(self, weights: Mapping[str, float], members: Iterable[CohortMember] = (), version: int = 0) -> None:
        self._weights = dict(weights)
        self._models = tuple(sorted(self._weights))
        self._lock = threading.Lock()
        self._owners: list[str] = []
        self._ids: list[str] = []
        self._rows: dict[str, list[Vector]] = {m: [] for m in self._models}
        self._matrices: dict[str, Matrix] | None = None
        self.version = version
        for member in members:
            self._append(member)

    @property
    def size(self) -> int:
        return len(self._ids)

    def _append(self, member: CohortMember) -> None:
        embeddings = member.template.embeddings
        if not all(m in embeddings for m in self._models):
            return  # made by other models: never compared (the recompute command re-embeds it)
        self._owners.append(member.owner)
        self._ids.append(member.template.template_id)
        for m in self._models:
            self._rows[m].append(np.asarray(embeddings[m], dtype=np.float32))
        self._matrices = None

    def add(self, member: CohortMember, version: int | None = None) -> None:
        """Add (or replace) one approved template."""
        with self._lock:
            self._drop(member.template.template_id)
            self._append(member)
            if version is not None:
                self.version = version

    def remove(self, template_id: str, version: int | None = None) -> None:
        with self._lock:
            self._drop(template_id)
            if version is not None:
                self.version = version

    def _drop(self, template_id: str) -> None:
        if template_id not in self._ids:
            return
        i = self._ids.index(template_id)
        del self._ids[i], self._owners[i]
        for rows in self._rows.values():
            del rows[i]
        self._matrices = None

    def _stacked(self) -> dict[str, Matrix]:
        """The matrices, stacked again only after a change (caller holds the lock)."""
        if self._matrices is None:
            self._matrices = {
                m: np.stack(rows) if rows else np.zeros((0, 1), np.float32) for m, rows in self._rows.items()
            }
        return self._matrices

    def _fused(self, probes: Mapping[str, Matrix], matrices: Mapping[str, Matrix]) -> npt.NDArray[np.float32]:
        total = sum(self._weights.values())
        scores = sum(self._weights[m] * (probes[m] @ matrices[m].T) for m in self._models)
        return np.asarray(scores, dtype=np.float32) / np.float32(total)

    def matches(self, embeddings: Mapping[str, Vector], threshold: float, exclude_owner: str) -> list[Match]:
        """Templates of owners other than `exclude_owner` at or above `threshold`, best first."""
        with self._lock:
            if not self._ids:
                return []
            probe = {m: np.asarray(embeddings[m], dtype=np.float32)[np.newaxis, :] for m in self._models}
            scores = self._fused(probe, self._stacked())[0]
            owners, ids = list(self._owners), list(self._ids)
        hits = [int(i) for i in np.flatnonzero(scores >= threshold) if owners[int(i)] != exclude_owner]
        hits.sort(key=lambda i: -float(scores[i]))
        return [Match(owners[i], ids[i], float(scores[i])) for i in hits]

    def pairs(self, threshold: float) -> list[Pair]:
        """Every pair of templates of different owners at or above `threshold`, best first (blockwise: the
        full square of 21,000 templates would not fit in memory)."""
        with self._lock:
            matrices = self._stacked()
            owners, ids = np.asarray(self._owners), list(self._ids)
        found: list[Pair] = []
        for start in range(0, len(ids), PAIR_BLOCK):
            block = {m: matrices[m][start : start + PAIR_BLOCK] for m in self._models}
            scores = self._fused(block, matrices)
            rows, cols = np.nonzero(scores >= threshold)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                i = start + r
                if c > i and owners[i] != owners[c]:
                    found.append(Pair((str(owners[i]), str(owners[c])), (ids[i], ids[c]), float(scores[r, c])))
        found.sort(key=lambda p: -p.score)
        return found
