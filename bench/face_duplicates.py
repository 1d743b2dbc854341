"""Duplicate faces and onboarding counts: the operating point and the time they take at a regency's size.

Run on purpose (not a test):  .venv/bin/python -m bench.face_duplicates [--templates 21000] [--units 63]
                              [--employees 7000] [--skip-calibration] [--skip-units]
                              [--stored-pairs] [--refresh [--moto-templates 21000]]

1. Calibration: the raw fused cosine (the duplicate score, `face.index`) of every genuine and impostor pair
   of ../shared/faces/dev and dev-asia (photos analysed as enrolments), per shipped policy: the impostor
   maximum, and how many genuine pairs and impostor pairs reach candidate thresholds.
2. One enrolment's duplicate check against N approved templates (7,000 employees × 3): the in-process index
   (`TemplateIndex.matches`), built from N templates of the policy's models; and the full duplicates list
   (`TemplateIndex.pairs`). Vectors are random unit vectors: the products cost the same for any values.
   Also the index's load from the in-memory twin (`runtime.face_index`), which the DynamoDB load adds reads to.
2b. The kept pairs (decision 86), `--stored-pairs`: over the in-memory twin with N approved templates, one
   enrolment's re-check after its write (`usecases.faces.confirm_unique`), the list (`list_duplicates`, a
   read), every step of the one-off backfill (`backfill_pairs`, 1,024 templates a step); over moto, the
   list's read of K kept pairs.
2c. The index brought up to date from the change log, `--refresh`: a container's loaded index of N approved
   templates after k = 1..50 changes by another process (four approvals of new templates to one deletion),
   `runtime.face_index` and the first check after it, against loading it in full again and that check; over
   the in-memory twin (CPU, no storage latency), then over moto (DynamoDB in-process, `tools.moto_scaling`
   installed as for the local stack) with M templates: the full load (16 `by_shard` Queries, 8 at a time) and
   the refresh (one consistent Query of the `~changes` partition).
3. `GET /v1/admin/units` with activated/enrolled counts: `usecases.directory.list_units` over moto
   (DynamoDB in-process) with E employees in U units.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from chalicelib.face.cohort import CohortMember
from chalicelib.face.index import TemplateIndex
from chalicelib.face.scoring import ScoringPolicy
from chalicelib.face.types import Template, Vector
from chalicelib.settings import Settings
from evaluation.cli import (
    Analyser,
    LabelledSet,
    analyse_set,
    available_models,
    make_engine,
    read_labels,
    resolve_model_dir,
)

if TYPE_CHECKING:
    from chalicelib.store.faces import NewTemplate

FACES = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces"
DIMS = {"dlib_resnet_v1": 128, "mobilefacenet_fp": 512}
CANDIDATES = (0.70, 0.72, 0.75, 0.78, 0.80, 0.95, 0.96, 0.97, 0.98)


def fused(labelled: LabelledSet, a: str, b: str, weights: dict[str, float]) -> float:
    ea, eb = labelled.analyses[a].embeddings, labelled.analyses[b].embeddings
    total = sum(weights.values())
    return sum(w * float(np.dot(ea[m], eb[m])) for m, w in weights.items()) / total


def calibration(model_dir: Path) -> None:
    models = available_models(model_dir)
    analyser = Analyser(make_engine(model_dir, models), "enrol")
    for set_name in ("dev", "dev-asia"):
        labelled = analyse_set(read_labels(FACES / set_name / "labels.csv"), analyser)
        for policy_name in ("default", "cc0"):
            policy = ScoringPolicy.load(policy_name)
            weights = dict(policy.weights)
            if not set(weights) <= set(models):
                print(f"{set_name} {policy_name}: models missing, skipped")
                continue
            genuine: list[float] = []
            impostor: list[float] = []
            for pair in labelled.pairs():
                score = fused(labelled, pair.a.path, pair.b.path, weights)
                (genuine if pair.genuine else impostor).append(score)
            print(
                f"{set_name:8s} {policy_name:7s} photos {len(labelled.images)} (failed {len(labelled.failures)}), "
                f"genuine {len(genuine)} min {min(genuine):.4f} median {statistics.median(genuine):.4f}, "
                f"impostor {len(impostor)} median {statistics.median(impostor):.4f} max {max(impostor):.4f}"
            )
            for t in CANDIDATES:
                g = sum(s >= t for s in genuine)
                i = sum(s >= t for s in impostor)
                print(f"    at {t:.2f}: genuine caught {g}/{len(genuine)} ({100 * g / len(genuine):.1f} %), "
                      f"impostor pairs flagged {i}/{len(impostor)}")  # fmt: skip


def unit_vectors(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:  # type: ignore[type-arg]
    raw = rng.standard_normal((n, dim)).astype(np.float32)
    normed: np.ndarray = raw / np.linalg.norm(raw, axis=1, keepdims=True)  # type: ignore[type-arg]
    return normed


def members(n: int, models: tuple[str, ...], seed: int = 7) -> list[CohortMember]:
    rng = np.random.default_rng(seed)
    mats = {m: unit_vectors(rng, n, DIMS[m]) for m in models}
    return [
        CohortMember(f"{100000000000000000 + i // 3}", Template(f"t-{i:012x}", {m: mats[m][i] for m in models}))
        for i in range(n)
    ]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def index_figures(n: int) -> None:
    for policy_name in ("default", "cc0"):
        index_figures_of(ScoringPolicy.load(policy_name), n)


def list_once(policy: ScoringPolicy, rows: list[CohortMember]) -> float:
    """The duplicates list computed on a freshly built index (not its cached answer), in seconds."""
    index = TemplateIndex(policy.weights, rows, version=1)
    index.matches(rows[0].template.embeddings, policy.duplicate_threshold, exclude_owner="x")  # stacks
    start = time.perf_counter()
    index.pairs(policy.duplicate_threshold)
    return time.perf_counter() - start


def index_figures_of(policy: ScoringPolicy, n: int) -> None:
    policy_name = policy.name
    models = policy.model_ids
    rows = members(n, models)
    start = time.perf_counter()
    index = TemplateIndex(policy.weights, rows, version=1)
    index.matches(rows[0].template.embeddings, policy.duplicate_threshold, exclude_owner="x")  # stacks
    built = time.perf_counter() - start
    probe: dict[str, Vector] = dict(members(1, models, seed=99)[0].template.embeddings)
    checks = timed(lambda: index.matches(probe, policy.duplicate_threshold, exclude_owner="x"), 50)
    pairs = [list_once(policy, rows) for _ in range(3)]
    index.pairs(policy.duplicate_threshold)  # computed once on this index: kept until it changes
    start = time.perf_counter()
    index.pairs(policy.duplicate_threshold)
    cached = time.perf_counter() - start
    mb = sum(n * DIMS[m] * 4 for m in models) / 1e6
    print(
        f"{policy_name:7s} {n} templates ({'+'.join(models)}, {mb:.0f} MB of float32): build + stack "
        f"{built:.2f} s; one duplicate check median {1000 * statistics.median(checks):.2f} ms "
        f"(p95 {1000 * sorted(checks)[int(0.95 * len(checks)) - 1]:.2f} ms, n=50); duplicates list "
        f"median {statistics.median(pairs):.2f} s (n=3, min {min(pairs):.2f}, max {max(pairs):.2f}; again "
        f"while the index is unchanged {1000 * cached:.1f} ms)"
    )
    # An enrolment right after another changed the set: the index's own update, no reload.
    extra = members(1, models, seed=5)[0]
    adds = timed(lambda: index.add(extra), 20)
    after = timed(lambda: index.matches(probe, policy.duplicate_threshold, exclude_owner="x"), 5)
    print(
        f"        add one template median {1000 * statistics.median(adds):.2f} ms; first check after "
        f"a change (stacks again) {1000 * after[0]:.1f} ms, then {1000 * statistics.median(after[1:]):.2f} ms"
    )


def _new(member: CohortMember) -> NewTemplate:
    """The member's template to store, its photo named by a sha256 of its own (one photo is stored once per employee:
    the enrolment's photo claim)."""
    from chalicelib.face.types import PhotoFingerprint
    from chalicelib.store.faces import NewTemplate

    photo = PhotoFingerprint(hashlib.sha256(member.template.template_id.encode()).hexdigest(), 0)
    return NewTemplate(member.template.template_id, member.template.embeddings, photo, "k", "b")


def memory_load(n: int) -> None:
    """The index's load through `runtime.face_index` from the in-memory twin (no storage latency)."""
    from chalicelib import runtime
    from chalicelib.domain.people import Employee
    from chalicelib.settings import load_settings
    from chalicelib.store.repositories import memory_repositories

    settings = load_settings()
    repos = memory_repositories()
    runtime.use_repositories(repos)
    _, policy = runtime.engine_and_policy(settings)
    for m in members(n, policy.model_ids):
        if repos.people.get_employee(m.owner) is None:
            repos.people.put_employee(Employee(m.owner, "x", "U1"))
        repos.faces.save_template(m.owner, _new(m))
    start = time.perf_counter()
    runtime.face_index(settings)
    loaded = time.perf_counter() - start
    version = timed(lambda: runtime.face_index(settings), 20)
    print(
        f"face_index load of {n} templates from the in-memory twin ({settings.face_policy}): {loaded:.2f} s; "
        f"a current index (version read only) median {1000 * statistics.median(version):.3f} ms"
    )
    runtime.use_repositories(None)


def stored_pairs_figures(n: int, kept: int = 200) -> None:
    """The kept pairs: an enrolment's re-check, the list as a read, the backfill's steps (in-memory twin)."""
    from chalicelib import runtime
    from chalicelib.domain.people import Employee, Principal
    from chalicelib.face.index import Pair
    from chalicelib.settings import load_settings
    from chalicelib.store.repositories import memory_repositories
    from chalicelib.usecases import faces

    settings = load_settings()
    repos = memory_repositories()
    runtime.use_repositories(repos)
    _, policy = runtime.engine_and_policy(settings)
    rows = members(n + 40, policy.model_ids)
    for m in rows:
        if repos.people.get_employee(m.owner) is None:
            repos.people.put_employee(Employee(m.owner, "x", "U1"))
    for m in rows[:n]:
        repos.faces.save_template(m.owner, _new(m))
    runtime.face_index(settings)  # loaded (and stacked by the first check) as in a warm API process
    faces.check_not_duplicate("-", members(1, policy.model_ids, seed=99)[0].template.embeddings, settings)
    checks, rechecks = [], []
    for m in rows[n:]:  # 40 enrolments: the check before the write, the write, the re-check after it
        started = time.perf_counter()
        faces.check_not_duplicate(m.owner, m.template.embeddings, settings)
        checks.append(time.perf_counter() - started)
        repos.faces.save_template(m.owner, _new(m))
        started = time.perf_counter()
        faces.confirm_unique(m.owner, m.template, settings)
        rechecks.append(time.perf_counter() - started)
    print(
        f"{policy.name} {n} templates, in-memory twin: check before the write median "
        f"{1000 * statistics.median(checks):.1f} ms (max {1000 * max(checks):.1f}); re-check after it (adds "
        f"the row, one product) median {1000 * statistics.median(rechecks):.1f} ms "
        f"(max {1000 * max(rechecks):.1f}), n=40"
    )
    pairs = [
        Pair((rows[i].owner, rows[i + 1].owner), (rows[i].template.template_id, rows[i + 1].template.template_id), 0.8)
        for i in range(0, 2 * kept, 2)
    ]
    repos.faces.save_pairs(policy.name, pairs)
    caller = Principal("op", "super_admin")
    listed = timed(lambda: faces.list_duplicates(caller, settings), 20)
    assert len(faces.list_duplicates(caller, settings).items) == kept
    print(
        f"duplicates list with {kept} kept pairs, in-memory twin: median {1000 * statistics.median(listed):.2f} ms "
        f"(max {1000 * max(listed):.2f}, n=20)"
    )
    steps: list[float] = []
    position: str | None = None
    found = 0
    while True:
        started = time.perf_counter()
        count, position = faces.backfill_pairs(settings, position)
        steps.append(time.perf_counter() - started)
        found += count
        if position is None:
            break
    print(
        f"backfill of {n + 40} templates: {len(steps)} steps of 1,024, each median {statistics.median(steps):.2f} s "
        f"(max {max(steps):.2f}), {sum(steps):.1f} s in all; {found} pairs among random vectors"
    )
    runtime.use_repositories(None)


REFRESH_KS = (1, 2, 5, 10, 20, 50)


def other_process_changes(repo: Any, fresh: Iterator[CohortMember], approved: list[CohortMember], k: int) -> None:
    """k changes of the approved set by another process (its writes only: no index of this process hears of
    them): every fifth a deletion of an approved template, the others approvals of new ones at enrolment."""

    for i in range(k):
        if i % 5 == 4:
            gone = approved.pop(0)
            assert repo.delete_template(gone.owner, gone.template.template_id)
        else:
            m = next(fresh)
            repo.save_template(m.owner, _new(m))
            approved.append(m)


def refresh_runs(
    settings: Settings, repo: Any, rows: list[CohortMember], n: int, *, repeat: int, full_repeat: int, label: str
) -> None:
    """Refresh after k changes vs a full load, through `runtime.face_index` (the first check after each)."""
    from chalicelib import runtime

    _, policy = runtime.engine_and_policy(settings)
    probe: dict[str, Vector] = dict(members(1, policy.model_ids, seed=99)[0].template.embeddings)
    loads: list[int] = []
    load = repo.approved_templates

    def counted() -> Iterator[CohortMember]:
        loads.append(1)
        return iter(load())

    repo.approved_templates = counted
    approved, fresh = list(rows[:n]), iter(rows[n:])
    full: list[float] = []
    for _ in range(full_repeat):
        runtime.forget_cohort()
        started = time.perf_counter()
        index = runtime.face_index(settings)
        index.matches(probe, policy.duplicate_threshold, exclude_owner="x")
        full.append(time.perf_counter() - started)
    print(
        f"{label}: full load of {index.size} templates + first check: median {statistics.median(full):.2f} s "
        f"(min {min(full):.2f}, max {max(full):.2f}, n={full_repeat})"
    )
    loaded = len(loads)
    for k in REFRESH_KS:
        times: list[float] = []
        for _ in range(repeat):
            other_process_changes(repo, fresh, approved, k)
            started = time.perf_counter()
            index = runtime.face_index(settings)
            index.matches(probe, policy.duplicate_threshold, exclude_owner="x")
            times.append(time.perf_counter() - started)
            assert index.version == repo.approved_version() and index.size == len(approved)
        assert len(loads) == loaded  # every refresh from the log, none in full
        print(
            f"{label}: refresh after k={k:2d} changes + first check: median {1000 * statistics.median(times):.1f} ms "
            f"(min {1000 * min(times):.1f}, max {1000 * max(times):.1f}, n={repeat})"
        )
    current = timed(lambda: runtime.face_index(settings), 20)
    print(f"{label}: a current index (count read only): median {1000 * statistics.median(current):.2f} ms")
    repo.approved_templates = load


def refresh_figures(n: int, repeat: int = 5) -> None:
    """The refresh over the in-memory twin: the CPU of applying k changes vs of loading N templates again."""
    from chalicelib import runtime
    from chalicelib.domain.people import Employee
    from chalicelib.settings import load_settings
    from chalicelib.store.repositories import memory_repositories

    settings = load_settings()
    repos = memory_repositories()
    runtime.use_repositories(repos)
    _, policy = runtime.engine_and_policy(settings)
    rows = members(n + repeat * sum(REFRESH_KS), policy.model_ids)
    for m in rows:
        if repos.people.get_employee(m.owner) is None:
            repos.people.put_employee(Employee(m.owner, "x", "U1"))
    for m in rows[:n]:
        repos.faces.save_template(m.owner, _new(m))
    label = f"{policy.name} {n} templates, in-memory twin"
    refresh_runs(settings, repos.faces, rows, n, repeat=repeat, full_repeat=3, label=label)
    runtime.forget_cohort()
    runtime.use_repositories(None)


def refresh_moto(n: int, repeat: int = 3) -> None:
    """The same over moto in-process (`tools.moto_scaling` installed): N approved templates put directly (one
    BatchWriteItem per 25, a shard each, as enrolments leave them), then the runs."""
    from chalicelib import runtime
    from chalicelib.domain.people import Employee
    from chalicelib.store.faces import SHARDS
    from chalicelib.store.models import FaceTemplateModel
    from chalicelib.store.vectors import pack
    from tools import moto_scaling

    with moto_scaling.patched(), moto_deployment("r-") as settings:
        _, policy = runtime.engine_and_policy(settings)
        rows = members(n + repeat * sum(REFRESH_KS), policy.model_ids)
        started = time.perf_counter()
        for nip in sorted({m.owner for m in rows}):
            runtime.people().put_employee(Employee(nip, "x", "U1"))
        with FaceTemplateModel.batch_write() as batch:
            for i, m in enumerate(rows[:n]):
                data, layout = pack(m.template.embeddings)
                batch.save(
                    FaceTemplateModel(
                        m.owner,
                        m.template.template_id,
                        layout=layout,
                        vectors=data,
                        photo_key="k",
                        shard=i % SHARDS,
                        status="approved",
                        created_at="2026-12-06T00:00:00+00:00",
                        created_by="b",
                    )
                )
        print(f"moto: {n} approved templates and their employees written in {time.perf_counter() - started:.1f} s")
        label = f"{policy.name} {n} templates, moto"
        refresh_runs(settings, runtime.faces(), rows, n, repeat=repeat, full_repeat=2, label=label)
        runtime.forget_cohort()


@contextlib.contextmanager
def moto_deployment(prefix: str) -> Iterator[Settings]:
    """A fresh deployment on moto in-process (tables, bucket, bootstrap), the runtime on DynamoDB."""
    from moto import mock_aws

    from chalicelib import runtime
    from chalicelib.settings import load_settings
    from chalicelib.store.aws import reset_clients
    from chalicelib.store.schema import create_all

    os.environ.update({"SMART_STAGE": "local", "SMART_TABLE_PREFIX": prefix, "SMART_BUCKET": f"{prefix}bucket"})
    with mock_aws():
        load_settings.cache_clear()
        reset_clients()
        runtime.use_repositories(None)
        runtime.forget()
        settings = load_settings()
        create_all(settings)
        runtime.ensure_ready(settings)
        yield settings


def stored_pairs_moto(kept: int = 200) -> None:
    """The list's read of `kept` pairs from DynamoDB (moto in-process: an upper bound, not DynamoDB latency)."""
    from chalicelib import runtime
    from chalicelib.face.index import Pair

    with moto_deployment("p-") as settings:
        _, policy = runtime.engine_and_policy(settings)
        pairs = [Pair((f"{i:018d}", f"{i + 1:018d}"), (f"t-{i}", f"t-{i + 1}"), 0.8) for i in range(0, 2 * kept, 2)]
        runtime.faces().save_pairs(policy.name, pairs)
        reads = timed(lambda: runtime.faces().pairs(policy.name), 10)
        print(
            f"kept pairs read over moto ({kept} pairs, one Query): median {1000 * statistics.median(reads):.1f} ms "
            f"(max {1000 * max(reads):.1f}, n=10)"
        )


def units_figures(units: int, employees: int) -> None:
    from chalicelib import runtime
    from chalicelib.domain.people import Principal
    from chalicelib.store.models import EmployeeModel, UnitModel
    from chalicelib.usecases import directory

    with moto_deployment("b-") as settings:
        made_by = ",".join(directory.policy_models(settings))  # an enrolled face counts (`Employee.enrolled_for`)
        with UnitModel.batch_write() as batch:
            for u in range(units):
                batch.save(UnitModel(f"U{u:03d}", unor_nama=f"Unit {u}"))
        start = time.perf_counter()
        with EmployeeModel.batch_write() as batch:
            for i in range(employees):
                nip = f"{199001010000000000 + i}"
                batch.save(
                    EmployeeModel(
                        nip,
                        nama=f"Pegawai {i}",
                        unor_id=f"U{i % units:03d}",
                        password_hash="scrypt$x" if i % 2 else None,
                        template_count=i % 3,
                        face_model=made_by,
                    )
                )
        print(f"moto: {employees} employees in {units} units written in {time.perf_counter() - start:.1f} s")
        caller = Principal("op", "super_admin")
        people = runtime.people()
        ids = people.list_unit_ids()
        before = timed(lambda: [people.count_employees(u) for u in ids], 3)
        print(
            f"the reads of the listing before the counts (count_employees per unit) over moto: median "
            f"{statistics.median(before):.2f} s (n=3, min {min(before):.2f}, max {max(before):.2f})"
        )
        runs = timed(lambda: directory.list_units(caller, settings), 3)
        page = directory.list_units(caller, settings)
        assert len(page.items) == units
        assert sum(u.employee_count for u in page.items) == employees
        print(
            f"GET /v1/admin/units use case over moto, {units} units / {employees} employees: median "
            f"{statistics.median(runs):.2f} s (n=3, min {min(runs):.2f}, max {max(runs):.2f}); activated "
            f"{sum(u.activated_count for u in page.items)}, enrolled {sum(u.enrolled_count for u in page.items)}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--templates", type=int, default=21_000)
    parser.add_argument("--units", type=int, default=63)
    parser.add_argument("--employees", type=int, default=7_000)
    parser.add_argument("--model-dir", default=None)
    parser.add_argument("--skip-calibration", action="store_true")
    parser.add_argument("--skip-units", action="store_true")
    parser.add_argument("--stored-pairs", action="store_true", help="only the kept pairs' figures (2b)")
    parser.add_argument("--refresh", action="store_true", help="only the index's refresh from the change log (2c)")
    parser.add_argument("--moto-templates", type=int, default=21_000, help="templates of the moto part of 2c")
    args = parser.parse_args()
    if args.refresh:
        print(f"started {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load average {os.getloadavg()}")
        refresh_figures(args.templates)
        print(f"twin part done {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load {os.getloadavg()}")
        if args.moto_templates:
            refresh_moto(args.moto_templates)
        print(f"finished {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load average {os.getloadavg()}")
        return 0
    if args.stored_pairs:
        print(f"started {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC")
        stored_pairs_figures(args.templates)
        stored_pairs_moto()
        print(f"finished {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC")
        return 0
    print(f"started {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC")
    if not args.skip_calibration:
        calibration(resolve_model_dir(args.model_dir))
    index_figures(args.templates)
    memory_load(args.templates)
    if not args.skip_units:
        units_figures(args.units, args.employees)
    print(f"finished {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
