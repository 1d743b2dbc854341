"""The duplicate index (`face.index.TemplateIndex`): fused cosines, other owners only, all pairs across owners,
and it follows additions and removals."""

from __future__ import annotations

import numpy as np

from chalicelib.face.cohort import CohortMember
from chalicelib.face.index import PAIR_BLOCK, TemplateIndex
from chalicelib.face.types import Template, Vector

WEIGHTS = {"a": 1.0, "b": 3.0}


def unit(values: list[float]) -> Vector:
    v = np.asarray(values, dtype=np.float32)
    normed: Vector = v / np.linalg.norm(v)
    return normed


def member(owner: str, template_id: str, a: list[float], b: list[float]) -> CohortMember:
    return CohortMember(owner, Template(template_id, {"a": unit(a), "b": unit(b)}))


def fused(x: CohortMember, y: CohortMember) -> float:
    ex, ey = x.template.embeddings, y.template.embeddings
    return (1.0 * float(ex["a"] @ ey["a"]) + 3.0 * float(ex["b"] @ ey["b"])) / 4.0


ALICE = member("alice", "t-1", [1, 0, 0], [1, 0])
ALICE_AGAIN = member("alice", "t-2", [1, 0.1, 0], [1, 0.05])
BOB = member("bob", "t-3", [1, 0.2, 0], [1, 0.1])  # looks like alice
CAROL = member("carol", "t-4", [0, 1, 0], [0, 1])


def test_a_probe_matches_other_owners_at_the_weighted_mean_cosine() -> None:
    index = TemplateIndex(WEIGHTS, [ALICE, ALICE_AGAIN, BOB, CAROL], version=4)
    probe = ALICE.template.embeddings
    found = index.matches(probe, 0.9, exclude_owner="alice")
    assert [(m.owner, m.template_id) for m in found] == [("bob", "t-3")]
    assert abs(found[0].score - fused(ALICE, BOB)) < 1e-6
    # the owner's own templates are never a duplicate; a higher threshold finds nothing
    assert index.matches(probe, 0.9, exclude_owner="bob")[0].owner == "alice"
    assert index.matches(probe, fused(ALICE, BOB) + 1e-4, exclude_owner="alice") == []
    assert index.size == 4 and index.version == 4


def test_templates_without_every_model_are_left_out() -> None:
    partial = CohortMember("dave", Template("t-5", {"a": unit([1, 0, 0])}))
    index = TemplateIndex(WEIGHTS, [partial, CAROL])
    assert index.size == 1 and index.matches(ALICE.template.embeddings, 0.5, exclude_owner="x") == []


def test_the_index_follows_additions_and_removals() -> None:
    index = TemplateIndex(WEIGHTS, [ALICE, CAROL], version=1)
    assert index.matches(BOB.template.embeddings, 0.9, exclude_owner="bob")[0].owner == "alice"
    assert index.pairs(0.9) == []
    index.add(BOB, version=2)
    [pair] = index.pairs(0.9)
    assert set(pair.owners) == {"alice", "bob"} and set(pair.template_ids) == {"t-1", "t-3"}
    index.remove("t-1", version=3)
    assert index.matches(BOB.template.embeddings, 0.9, exclude_owner="bob") == []
    assert index.pairs(0.9) == [] and index.version == 3 and index.size == 2
    index.add(BOB)  # again: replaced, not doubled
    assert index.size == 2


def test_all_pairs_across_owners_and_blocks_best_first() -> None:
    # GIVEN more templates than one block, with three planted look-alike pairs (two of one owner)
    rng = np.random.default_rng(3)
    n = PAIR_BLOCK + 300
    rows = [
        CohortMember(
            f"p{i}",
            Template(f"t-{i}", {"a": unit(list(rng.standard_normal(8))), "b": unit(list(rng.standard_normal(16)))}),
        )
        for i in range(n)
    ]
    twin_of = {5: n - 1, 700: PAIR_BLOCK + 10, 42: 43}
    for i, j in twin_of.items():
        owner = rows[i].owner if i == 42 else rows[j].owner
        rows[j] = CohortMember(owner, Template(rows[j].template.template_id, dict(rows[i].template.embeddings)))
    index = TemplateIndex(WEIGHTS, rows)
    found = index.pairs(0.99)
    # THEN the pairs of different owners are found once each, across block boundaries, never the same owner's
    assert sorted(tuple(sorted(p.template_ids)) for p in found) == sorted(
        tuple(sorted((f"t-{i}", f"t-{j}"))) for i, j in twin_of.items() if i != 42
    )
    assert all(p.score >= 0.99 and p.owners[0] != p.owners[1] for p in found)
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)


def test_rows_added_and_removed_after_stacking_score_as_a_fresh_index() -> None:
    # GIVEN an index already stacked (one check made), then changed row by row
    index = TemplateIndex(WEIGHTS, [ALICE, CAROL])
    index.matches(ALICE.template.embeddings, 0.0, exclude_owner="-")
    index.add(BOB)
    index.add(ALICE_AGAIN)
    index.remove("t-4")
    index.add(member("dave", "t-5", [0, 0, 1], [0.3, 1]))
    # THEN every check and pair is what an index built from the same members at once gives
    fresh = TemplateIndex(WEIGHTS, [ALICE, BOB, ALICE_AGAIN, member("dave", "t-5", [0, 0, 1], [0.3, 1])])
    for probe in (ALICE, CAROL, BOB):
        got = index.matches(probe.template.embeddings, -1.0, exclude_owner="-")
        want = fresh.matches(probe.template.embeddings, -1.0, exclude_owner="-")
        assert [(m.template_id, round(m.score, 5)) for m in got] == [(m.template_id, round(m.score, 5)) for m in want]
    assert index.pairs(0.9) == fresh.pairs(0.9) and index.pairs_of(["t-3"], 0.9) == fresh.pairs_of(["t-3"], 0.9)
    # AND the last row removed leaves an empty index that takes rows again
    for template_id in ("t-1", "t-3", "t-2", "t-5"):
        index.remove(template_id)
    assert index.size == 0 and index.matches(ALICE.template.embeddings, 0.0, exclude_owner="-") == []
    index.add(ALICE)
    assert [m.template_id for m in index.matches(BOB.template.embeddings, 0.9, exclude_owner="bob")] == ["t-1"]


def test_a_batch_of_logged_changes_applied_at_once_scores_as_a_fresh_index() -> None:
    # GIVEN an index already stacked (one check made) and other processes' changes in the order they were made:
    # an addition, a removal, one added then removed, one replaced (re-embedded), one of other models
    index = TemplateIndex(WEIGHTS, [ALICE, CAROL, ALICE_AGAIN], version=7)
    index.matches(ALICE.template.embeddings, 0.0, exclude_owner="-")
    dave = member("dave", "t-5", [0, 0, 1], [0.3, 1])
    carol_now = member("carol", "t-4", [0, 0.9, 0.1], [0.1, 1])
    partial = CohortMember("erin", Template("t-6", {"a": unit([1, 1, 0])}))
    index.apply(
        [("t-3", BOB), ("t-1", None), ("t-5", dave), ("t-5", None), ("t-4", carol_now), ("t-6", partial)], version=13
    )
    # THEN it holds what an index built from the set as it is now holds, at the last change's count
    fresh = TemplateIndex(WEIGHTS, [ALICE_AGAIN, BOB, carol_now])
    assert index.version == 13 and sorted(index.template_ids()) == sorted(fresh.template_ids()) == ["t-2", "t-3", "t-4"]
    for probe in (ALICE, CAROL, BOB, dave):
        got = index.matches(probe.template.embeddings, -1.0, exclude_owner="-")
        want = fresh.matches(probe.template.embeddings, -1.0, exclude_owner="-")
        assert [(m.template_id, round(m.score, 5)) for m in got] == [(m.template_id, round(m.score, 5)) for m in want]
    assert index.pairs(0.9) == fresh.pairs(0.9)
    # AND on an index not stacked yet, and one emptied by the changes, the same
    lazy = TemplateIndex(WEIGHTS, [ALICE])
    lazy.apply([("t-1", None), ("t-3", BOB)], version=2)
    assert [m.template_id for m in lazy.matches(ALICE.template.embeddings, 0.9, exclude_owner="alice")] == ["t-3"]
    emptied = TemplateIndex(WEIGHTS, [ALICE])
    emptied.matches(ALICE.template.embeddings, 0.0, exclude_owner="-")
    emptied.apply([("t-1", None)], version=2)
    assert emptied.size == 0 and emptied.matches(ALICE.template.embeddings, 0.0, exclude_owner="-") == []
    emptied.apply([("t-3", BOB)], version=3)
    assert [m.template_id for m in emptied.matches(ALICE.template.embeddings, 0.9, exclude_owner="alice")] == ["t-3"]
