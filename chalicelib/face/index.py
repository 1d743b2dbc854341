"""Duplicate faces: every approved template of a regency in one matrix per model, compared in one product.

A face enrolled for one employee must not already be another employee's (one person checking in for two,
or a face registered under a colleague's NIP). Comparing an enrolment with 7,000 × 3 templates one by one
from storage would take seconds; here the vectors sit in memory as one float32 matrix, a row per template:
the models' vectors side by side, each scaled by the square root of its share of the fusion weights, so that
one dot product of two rows IS their fused cosine. One comparison is one matrix-vector product, the list of
all pairs the upper triangle of one matrix product, in blocks (bench/face_duplicates_RESULTS.md). The
application loads the index and keeps it current; nothing here knows where templates are stored.

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
        self._matrix: Matrix | None = None
        self._pairs: dict[float, list[Pair]] = {}
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
        if self._matrix is not None and len(self._ids) > 1:  # one row more: a copy, not a stacking again
            self._matrix = np.vstack([self._matrix, self._row(embeddings)[None, :]])
            self._pairs = {}
        else:
            self._matrix = None

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

    def apply(self, changes: Iterable[tuple[str, CohortMember | None]], version: int) -> None:
        """Apply changes in order, each a template id with its template now (added or replaced) or None
        (removed), and take `version`: the rows dropped and added in one copy of the matrix each, not one a
        change (one row more copies the whole matrix)."""
        final: dict[str, CohortMember | None] = {}
        for template_id, member in changes:
            final.pop(template_id, None)
            final[template_id] = member
        with self._lock:
            self._drop_all(set(final))
            added = [
                m for m in final.values() if m is not None and all(x in m.template.embeddings for x in self._models)
            ]
            for member in added:
                self._owners.append(member.owner)
                self._ids.append(member.template.template_id)
                for m in self._models:
                    self._rows[m].append(np.asarray(member.template.embeddings[m], dtype=np.float32))
            if added and self._matrix is not None and self._ids:
                new_rows = np.stack([self._row(member.template.embeddings) for member in added])
                self._matrix = np.vstack([self._matrix, new_rows]) if self._matrix.shape[0] else None
            self._pairs = {}
            self.version = version

    def _drop_all(self, template_ids: set[str]) -> None:
        """Drop every row of these templates (caller holds the lock)."""
        kept = [i for i, t in enumerate(self._ids) if t not in template_ids]
        if len(kept) == len(self._ids):
            return
        self._ids = [self._ids[i] for i in kept]
        self._owners = [self._owners[i] for i in kept]
        self._rows = {m: [rows[i] for i in kept] for m, rows in self._rows.items()}
        if self._matrix is not None and kept:
            self._matrix = self._matrix[kept]
        else:
            self._matrix = None

    def _drop(self, template_id: str) -> None:
        if template_id not in self._ids:
            return
        i = self._ids.index(template_id)
        del self._ids[i], self._owners[i]
        for rows in self._rows.values():
            del rows[i]
        if self._matrix is not None and self._ids:
            self._matrix = np.delete(self._matrix, i, axis=0)
            self._pairs = {}
        else:
            self._matrix = None

    def _scales(self) -> dict[str, np.float32]:
        total = sum(self._weights.values())
        return {m: np.float32(np.sqrt(self._weights[m] / total)) for m in self._models}

    def _row(self, embeddings: Mapping[str, Vector]) -> Matrix:
        """One template's vectors side by side, scaled so that a dot product is the fused cosine."""
        scales = self._scales()
        row: Matrix = np.concatenate([np.asarray(embeddings[m], dtype=np.float32) * scales[m] for m in self._models])
        return row

    def _stacked(self) -> Matrix:
        """The matrix, stacked again only after a change (caller holds the lock)."""
        if self._matrix is None:
            scales = self._scales()
            if self._ids:
                self._matrix = np.hstack([np.stack(self._rows[m]) * scales[m] for m in self._models])
            else:
                self._matrix = np.zeros((0, 1), np.float32)
            self._pairs = {}
        return self._matrix

    def matches(self, embeddings: Mapping[str, Vector], threshold: float, exclude_owner: str) -> list[Match]:
        """Templates of owners other than `exclude_owner` at or above `threshold`, best first."""
        with self._lock:
            if not self._ids:
                return []
            scores = self._stacked() @ self._row(embeddings)
            owners, ids = list(self._owners), list(self._ids)
        hits = [int(i) for i in np.flatnonzero(scores >= threshold) if owners[int(i)] != exclude_owner]
        hits.sort(key=lambda i: -float(scores[i]))
        return [Match(owners[i], ids[i], float(scores[i])) for i in hits]

    def template_ids(self) -> list[str]:
        """The ids of every template in the index, in id order (the backfill's blocks)."""
        with self._lock:
            return sorted(self._ids)

    def pairs_of(self, template_ids: Iterable[str], threshold: float) -> list[Pair]:
        """Every pair of one of `template_ids` with any template of another owner at or above `threshold`:
        those rows times the whole matrix (one block of the stored pairs' backfill; a pair met from both of
        its templates comes once)."""
        with self._lock:
            matrix = self._stacked()
            position = {t: i for i, t in enumerate(self._ids)}
            rows = [position[t] for t in template_ids if t in position]
            owners, ids = list(self._owners), list(self._ids)
        if not rows:
            return []
        scores = matrix[rows] @ matrix.T
        found: dict[tuple[str, str], Pair] = {}
        for r, j in zip(*(axis.tolist() for axis in np.nonzero(scores >= threshold)), strict=True):
            i = rows[r]
            if owners[i] != owners[j]:
                a, b = sorted((i, j), key=lambda k: ids[k])
                found[(ids[a], ids[b])] = Pair((owners[a], owners[b]), (ids[a], ids[b]), float(scores[r, j]))
        return sorted(found.values(), key=lambda p: -p.score)

    def pairs(self, threshold: float) -> list[Pair]:
        """Every pair of templates of different owners at or above `threshold`, best first: the upper triangle
        of the matrix times itself, PAIR_BLOCK rows at a time (the whole square of 21,000 templates would not
        fit in memory). Kept until the index changes."""
        with self._lock:
            matrix = self._stacked()
            if threshold in self._pairs:
                return list(self._pairs[threshold])
            owners, ids = np.asarray(self._owners), list(self._ids)
        found: list[Pair] = []
        for start in range(0, len(ids), PAIR_BLOCK):
            scores = matrix[start : start + PAIR_BLOCK] @ matrix[start:].T
            rows, cols = np.nonzero(scores >= threshold)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                i, j = start + r, start + c
                if j > i and owners[i] != owners[j]:
                    found.append(Pair((str(owners[i]), str(owners[j])), (ids[i], ids[j]), float(scores[r, c])))
        found.sort(key=lambda p: -p.score)
        with self._lock:
            if self._matrix is matrix:
                self._pairs[threshold] = list(found)
        return found
