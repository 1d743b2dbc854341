"""Command line for the face pipeline: embed photos, verify two photos, evaluate and score labelled sets.

Exists so that thresholds are measured with the very code a check-in runs (`scoring.verify`), on a
deployment's own photos as well as on the development sets. It is an entry point, so it may read the
environment (`SMART_MODEL_DIR`); nothing it calls does.

    python -m evaluation embed IMG...                   one JSON line per image
    python -m evaluation verify A B                     score and decision of B against A
    python -m evaluation evaluate --labels FILE.csv     AUC, EER, TAR@FAR, suggested thresholds
    python -m evaluation score --labels FILE.csv        one JSON line per pair, as a check-in decides

Labels CSV: columns path,identity[,group][,use]; paths relative to the CSV; when a `use` column exists,
only rows with use=pairs are taken. Every photo is analysed once and its embeddings reused for all pairs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TextIO

import numpy as np

from chalicelib.face.cohort import Cohort, CohortMember
from chalicelib.face.config import FaceConfig, Purpose
from chalicelib.face.errors import FaceError
from chalicelib.face.scoring import DEFAULT_POLICY, ScoringPolicy, verify
from chalicelib.face.types import FaceAnalysis, Template, Verdict
from evaluation.metrics import (
    DEFAULT_ACCEPT_FAR,
    DEFAULT_REVIEW_FAR,
    Summary,
    operating_point,
    summarise,
)

KNOWN_MODELS = ("dlib_resnet_v1", "mobilefacenet_fp")
DEFAULT_EMBED_MODEL = "dlib_resnet_v1"


def resolve_model_dir(arg: str | None) -> Path:
    """--model-dir, else env SMART_MODEL_DIR, else ~/.cache/smart/models."""
    if arg:
        return Path(arg).expanduser()
    env = os.environ.get("SMART_MODEL_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "smart" / "models"


def available_models(model_dir: Path) -> tuple[str, ...]:
    """Embedding models whose ONNX file is present (the engine names files `<model id>.onnx`)."""
    return tuple(m for m in KNOWN_MODELS if (model_dir / f"{m}.onnx").is_file())


@dataclass(frozen=True)
class LabelledImage:
    """One row of a labels CSV: the path as written, the file it points to, and who is on it."""

    path: str
    file: Path
    identity: str
    group: str | None = None


def read_labels(csv_path: Path) -> list[LabelledImage]:
    """Rows of a labels CSV (paths relative to it), keeping only use=pairs when a `use` column exists."""
    with csv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        if not {"path", "identity"} <= columns:
            raise SystemExit(f"{csv_path}: needs columns path,identity (found {sorted(columns)})")
        rows = [r for r in reader if "use" not in columns or r["use"] == "pairs"]
    base = csv_path.parent
    return [
        LabelledImage(path=r["path"], file=base / r["path"], identity=r["identity"], group=r.get("group") or None)
        for r in rows
    ]


Outcome = FaceAnalysis | str


class Engine(Protocol):
    """What the CLI needs of the pipeline (`FaceEngine`, or a stand-in in tests)."""

    def analyse(self, data: bytes, *, purpose: Purpose) -> FaceAnalysis: ...


class Analyser:
    """Runs the engine on files once each; an outcome is a FaceAnalysis or the error code it raised."""

    def __init__(self, engine: Engine, purpose: Purpose = "verify") -> None:
        self._engine = engine
        self._purpose = purpose
        self._done: dict[Path, Outcome] = {}

    def __call__(self, file: Path) -> Outcome:
        if file not in self._done:
            self._done[file] = self._analyse(file)
        return self._done[file]

    def _analyse(self, file: Path) -> Outcome:
        try:
            return self._engine.analyse(file.read_bytes(), purpose=self._purpose)
        except FaceError as exc:
            return exc.code
        except OSError:
            return "UNREADABLE"


def make_engine(model_dir: Path, models: Sequence[str], flip_average: bool = False) -> Engine:
    """The pipeline with the given embedding models."""
    from chalicelib.face.engine import FaceEngine

    return FaceEngine(FaceConfig(model_dir=model_dir, embedders=tuple(models), flip_average=flip_average))


@dataclass(frozen=True)
class Pair:
    """Two analysed labelled photos; `a` plays the enrolled template, `b` the check-in probe."""

    a: LabelledImage
    b: LabelledImage

    @property
    def genuine(self) -> bool:
        return self.a.identity == self.b.identity


@dataclass
class LabelledSet:
    """A labels CSV after analysis: the usable photos with their analyses, and the failures."""

    images: list[LabelledImage]
    analyses: dict[str, FaceAnalysis]
    failures: list[dict[str, str]]

    def pairs(self) -> Iterator[Pair]:
        for i, a in enumerate(self.images):
            for b in self.images[i + 1 :]:
                yield Pair(a, b)

    def template(self, image: LabelledImage) -> Template:
        return Template(template_id=image.path, embeddings=self.analyses[image.path].embeddings)

    def cohort(self) -> Cohort:
        return Cohort.from_members(CohortMember(owner=i.identity, template=self.template(i)) for i in self.images)


def analyse_set(labels: Sequence[LabelledImage], analyser: Analyser) -> LabelledSet:
    """Analyse every labelled photo once; photos that fail are listed, not paired."""
    kept: list[LabelledImage] = []
    analyses: dict[str, FaceAnalysis] = {}
    failures: list[dict[str, str]] = []
    for image in labels:
        outcome = analyser(image.file)
        if isinstance(outcome, str):
            failures.append({"path": image.path, "error": outcome})
        else:
            kept.append(image)
            analyses[image.path] = outcome
    return LabelledSet(kept, analyses, failures)


class PairScorer:
    """Scores pairs exactly as a check-in decides: `verify(probe=b, templates=[a], cohort, policy)`.

    The cohort is the given one, or by default the labelled photos, in both cases without the pair's two
    identities (in a deployment the claimed employee's own templates are left out the same way).
    """

    def __init__(self, labelled: LabelledSet, cohort: Cohort | None) -> None:
        self._set = labelled
        self._cohort = cohort
        self._per_identities: dict[frozenset[str], Cohort | None] = {}

    def __call__(self, pair: Pair, policy: ScoringPolicy) -> Verdict:
        probe = self._set.analyses[pair.b.path]
        return verify(probe, [self._set.template(pair.a)], self._cohort_for(pair), policy)

    def _cohort_for(self, pair: Pair) -> Cohort | None:
        key = frozenset((pair.a.identity, pair.b.identity))
        if key not in self._per_identities:
            self._per_identities[key] = None if self._cohort is None else self._cohort.without_owners(key)
        return self._per_identities[key]


def configurations(policy: ScoringPolicy, models: Sequence[str]) -> list[tuple[str, ScoringPolicy]]:
    """What evaluate reports: raw and S-norm per model, raw and S-norm fusion of all built models, and the
    policy itself at its shipped thresholds."""
    configs: list[tuple[str, ScoringPolicy]] = []
    for model_id in models:
        single = replace(policy, weights={model_id: 1.0})
        configs += [(f"raw {model_id}", replace(single, normalise=False)), (f"snorm {model_id}", single)]
    # Every built model takes part in the fused figures, with the policy's weight when it has one.
    fused = {m: policy.weights.get(m, 1.0) for m in models}
    if len(fused) > 1:
        configs += [
            ("raw fused", replace(policy, weights=fused, normalise=False)),
            ("snorm fused", replace(policy, weights=fused, normalise=True)),
        ]
    if set(policy.model_ids) <= set(models):
        configs.append((f"policy {policy.name}", policy))
    return configs


def split_scores(
    pairs: Sequence[Pair], verdicts: Sequence[Verdict]
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], np.ndarray[Any, np.dtype[np.float64]]]:
    """Genuine and impostor score arrays."""
    genuine = np.array([v.score for p, v in zip(pairs, verdicts, strict=True) if p.genuine], dtype=np.float64)
    impostor = np.array([v.score for p, v in zip(pairs, verdicts, strict=True) if not p.genuine], np.float64)
    return genuine, impostor


def summary_dict(summary: Summary) -> dict[str, Any]:
    """JSON-ready summary, with the suggested pair's genuine-below-review fraction spelled out."""
    out = asdict(summary)
    out["suggested"]["genuine_below_review"] = summary.suggested.genuine_below_review
    return out


@dataclass(frozen=True)
class EvalOptions:
    """Targets for the threshold suggestion."""

    accept_far: float = DEFAULT_ACCEPT_FAR
    review_far: float = DEFAULT_REVIEW_FAR


def evaluate_configuration(pairs: Sequence[Pair], verdicts: Sequence[Verdict], options: EvalOptions) -> dict[str, Any]:
    """Figures over all pairs, per group (pairs whose two photos share a group), and at the thresholds
    the verdicts were judged with."""
    result: dict[str, Any] = {"overall": _summary_or_none(pairs, verdicts, options)}
    groups = sorted({p.a.group for p in pairs if p.a.group is not None and p.a.group == p.b.group})
    if groups:
        result["groups"] = {g: _summary_or_none(*_in_group(pairs, verdicts, g), options) for g in groups}
    genuine, impostor = split_scores(pairs, verdicts)
    if verdicts and genuine.size and impostor.size:
        accept, review = verdicts[0].accept_threshold, verdicts[0].review_threshold
        result["at_policy_thresholds"] = {
            "accept": asdict(operating_point(genuine, impostor, accept)),
            "review": asdict(operating_point(genuine, impostor, review)),
            "normalised_pairs": sum(v.normalised for v in verdicts),
        }
    return result


def _in_group(pairs: Sequence[Pair], verdicts: Sequence[Verdict], group: str) -> tuple[list[Pair], list[Verdict]]:
    chosen = [(p, v) for p, v in zip(pairs, verdicts, strict=True) if p.a.group == group == p.b.group]
    return [p for p, _ in chosen], [v for _, v in chosen]


def _summary_or_none(pairs: Sequence[Pair], verdicts: Sequence[Verdict], options: EvalOptions) -> dict[str, Any] | None:
    genuine, impostor = split_scores(pairs, verdicts)
    if not genuine.size or not impostor.size:
        return None
    return summary_dict(summarise(genuine, impostor, options.accept_far, options.review_far))


def evaluate_set(
    labelled: LabelledSet,
    cohort: Cohort | None,
    policy: ScoringPolicy,
    models: Sequence[str],
    options: EvalOptions,
) -> dict[str, Any]:
    """Every configuration's figures on one analysed labelled set."""
    pairs = list(labelled.pairs())
    scorer = PairScorer(labelled, cohort)
    results: dict[str, Any] = {}
    for name, config in configurations(policy, models):
        verdicts = [scorer(p, config) for p in pairs]
        results[name] = evaluate_configuration(pairs, verdicts, options)
    return {
        "images": len(labelled.images) + len(labelled.failures),
        "analysed": len(labelled.images),
        "failures": labelled.failures,
        "policy": {
            "name": policy.name,
            "accept_threshold": policy.accept_threshold,
            "review_threshold": policy.review_threshold,
            "raw_accept_threshold": policy.raw_accept_threshold,
            "raw_review_threshold": policy.raw_review_threshold,
        },
        "configurations": results,
    }


# ---------------------------------------------------------------------------------------------- output


def _pct(value: float) -> str:
    return f"{100.0 * value:.2f} %"


def format_summary(name: str, s: dict[str, Any]) -> str:
    """One human-readable block for one configuration's summary."""
    t1, t01, sug = s["tar_at_far_1pct"], s["tar_at_far_01pct"], s["suggested"]
    return "\n".join(
        [
            f"  {name}: {s['genuine_pairs']} genuine / {s['impostor_pairs']} impostor pairs",
            f"    AUC {s['auc']:.4f}  EER {_pct(s['eer'])} (at {s['eer_threshold']:.4f})",
            f"    TAR@FAR1% {_pct(t1['tar'])} ({t1['genuine_accepted']}/{t1['genuine_pairs']}, thr "
            f"{t1['threshold']:.4f})  TAR@FAR0.1% {_pct(t01['tar'])} ({t01['genuine_accepted']}/"
            f"{t01['genuine_pairs']}, thr {t01['threshold']:.4f})",
            f"    genuine min/median {s['genuine_min']:.4f}/{s['genuine_median']:.4f}  impostor median/max "
            f"{s['impostor_median']:.4f}/{s['impostor_max']:.4f}",
            f"    suggested accept {sug['accept']['threshold']:.4f} (FAR {_pct(sug['accept']['far'])}, TAR "
            f"{_pct(sug['accept']['tar'])})  review {sug['review']['threshold']:.4f} (FAR "
            f"{_pct(sug['review']['far'])}, genuine below review {_pct(sug['genuine_below_review'])})",
        ]
    )


def format_report(report: dict[str, Any]) -> str:
    """The evaluate report as text."""
    lines = [f"images {report['images']}, analysed {report['analysed']}, failures {len(report['failures'])}"]
    lines += [f"  failed: {f['path']} {f['error']}" for f in report["failures"]]
    for name, result in report["configurations"].items():
        if result["overall"] is None:
            lines.append(f"  {name}: not enough genuine and impostor pairs")
            continue
        lines.append(format_summary(name, result["overall"]))
        lines += _format_policy_check(result)
        for group, summary in result.get("groups", {}).items():
            if summary is not None:
                lines.append(format_summary(f"{name} [group {group}]", summary))
    return "\n".join(lines)


def _format_policy_check(result: dict[str, Any]) -> list[str]:
    check = result.get("at_policy_thresholds")
    if check is None:
        return []
    acc, rev = check["accept"], check["review"]
    return [
        f"    at policy thresholds accept {acc['threshold']:.4f}: impostors accepted "
        f"{acc['impostors_accepted']}/{acc['impostor_pairs']} ({_pct(acc['far'])}); review "
        f"{rev['threshold']:.4f}: genuine below review {rev['genuine_pairs'] - rev['genuine_accepted']}/"
        f"{rev['genuine_pairs']} ({_pct(1.0 - rev['tar'])}); normalised pairs {check['normalised_pairs']}"
    ]


def _write_json_line(out: TextIO, obj: dict[str, Any]) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------- commands


def cmd_embed(args: argparse.Namespace, out: TextIO) -> int:
    analyser = Analyser(args.make_engine(args.model_dir, [args.model], args.flip), args.purpose)
    failed = 0
    for path in args.images:
        outcome = analyser(Path(path))
        if isinstance(outcome, str):
            failed += 1
            _write_json_line(out, {"path": path, "error": outcome})
        else:
            vector = outcome.embeddings[args.model]
            _write_json_line(out, {"path": path, "embedding": [float(x) for x in vector]})
    return 1 if failed else 0


def _policy(args: argparse.Namespace) -> ScoringPolicy:
    """The chosen calibration entry; its models must be built (else every photo would fail alike)."""
    policy = ScoringPolicy.load(args.policy)
    missing = set(policy.model_ids) - set(available_models(args.model_dir))
    if missing:
        raise SystemExit(f"policy {policy.name} needs models {sorted(missing)}, not found in {args.model_dir}")
    return policy if args.top_k is None else replace(policy, cohort_top_k=args.top_k)


def _cohort_from_csv(path: Path | None, analyser: Analyser) -> tuple[Cohort | None, list[dict[str, str]]]:
    if path is None:
        return None, []
    labelled = analyse_set(_read_cohort_csv(path), analyser)
    return labelled.cohort(), labelled.failures


def _read_cohort_csv(path: Path) -> list[LabelledImage]:
    """A cohort CSV needs only a path column; without identities every photo counts as its own owner."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if rows and "identity" in rows[0]:
        return read_labels(path)
    return [LabelledImage(path=r["path"], file=path.parent / r["path"], identity=r["path"]) for r in rows]


def cmd_verify(args: argparse.Namespace, out: TextIO) -> int:
    policy = _policy(args)
    analyser = Analyser(args.make_engine(args.model_dir, policy.model_ids, args.flip), args.purpose)
    cohort, _ = _cohort_from_csv(args.cohort, analyser)
    outcomes = {p: analyser(Path(p)) for p in (args.a, args.b)}
    for path, outcome in outcomes.items():
        if isinstance(outcome, str):
            _write_json_line(out, {"path": path, "error": outcome})
            return 1
    template, probe = outcomes[args.a], outcomes[args.b]
    assert isinstance(template, FaceAnalysis) and isinstance(probe, FaceAnalysis)
    verdict = verify(probe, [Template(args.a, template.embeddings)], cohort, policy)
    _write_json_line(
        out,
        {
            "score": verdict.score,
            "decision": verdict.decision,
            "thresholds": {"accept": verdict.accept_threshold, "review": verdict.review_threshold},
            "normalised": verdict.normalised,
            "raw_scores": dict(verdict.raw_scores),
            "policy": policy.name,
        },
    )
    return 0


def cmd_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    policy = _policy(args)
    models = available_models(args.model_dir)
    if not models:
        raise SystemExit(f"no embedding model found in {args.model_dir} (build them: python -m models.build)")
    analyser = Analyser(args.make_engine(args.model_dir, models, args.flip), args.purpose)
    labelled = analyse_set(read_labels(args.labels), analyser)
    given, cohort_failures = _cohort_from_csv(args.cohort, analyser)
    options = EvalOptions(accept_far=args.target_far, review_far=args.review_far)
    report = evaluate_set(labelled, labelled.cohort() if given is None else given, policy, models, options)
    report["cohort_failures"] = cohort_failures
    out.write((json.dumps(report, indent=2) if args.json else format_report(report)) + "\n")
    return 0


def cmd_score(args: argparse.Namespace, out: TextIO) -> int:
    policy = _policy(args)
    analyser = Analyser(args.make_engine(args.model_dir, policy.model_ids, args.flip), args.purpose)
    labelled = analyse_set(read_labels(args.labels), analyser)
    given, _ = _cohort_from_csv(args.cohort, analyser)
    scorer = PairScorer(labelled, labelled.cohort() if given is None else given)
    for failure in labelled.failures:
        print(f"skipped {failure['path']}: {failure['error']}", file=sys.stderr)
    for pair in labelled.pairs():
        verdict = scorer(pair, policy)
        _write_json_line(
            out, {"a": pair.a.path, "b": pair.b.path, "score": verdict.score, "decision": verdict.decision}
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model-dir",
        type=str,
        default=None,
        help="ONNX model directory (default: $SMART_MODEL_DIR or ~/.cache/smart/models)",
    )
    parser.add_argument("--flip", action="store_true", help="average each embedding with its mirror image")
    parser.add_argument(
        "--purpose",
        choices=("verify", "enrol"),
        default="verify",
        help="pipeline limits to apply to every photo (default: verify, the stricter)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    embed = sub.add_parser("embed", help="embedding of each image, one JSON line each")
    embed.add_argument("images", nargs="+")
    embed.add_argument("--model", default=DEFAULT_EMBED_MODEL, choices=KNOWN_MODELS)
    embed.set_defaults(run=cmd_embed)

    for name, run, text in (
        ("verify", cmd_verify, "score photo B (probe) against photo A (enrolled template)"),
        ("evaluate", cmd_evaluate, "accuracy figures on a labelled set"),
        ("score", cmd_score, "one JSON line per pair of a labelled set, decided as a check-in is"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--policy", default=DEFAULT_POLICY, help="calibration entry (default | cc0)")
        cmd.add_argument(
            "--cohort",
            type=Path,
            default=None,
            help="CSV of cohort photos (column path[,identity]); verify without it uses the raw thresholds",
        )
        cmd.add_argument("--top-k", type=int, default=None, help="override the policy's cohort top-k")
        cmd.set_defaults(run=run)
        if name == "verify":
            cmd.add_argument("a")
            cmd.add_argument("b")
        else:
            cmd.add_argument("--labels", type=Path, required=True)
        if name == "evaluate":
            for flag, default, threshold in (
                ("--target-far", DEFAULT_ACCEPT_FAR, "accept"),
                ("--review-far", DEFAULT_REVIEW_FAR, "review"),
            ):
                help_text = f"FAR for the suggested {threshold} threshold (default {default:g})"
                cmd.add_argument(flag, type=float, default=default, help=help_text)
            cmd.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


EngineFactory = Callable[[Path, Sequence[str], bool], Engine]


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, engine_factory: EngineFactory = make_engine
) -> int:
    """Run one command; returns the process exit status. `engine_factory` lets tests run without models."""
    args = build_parser().parse_args(argv)
    args.model_dir = resolve_model_dir(args.model_dir)
    args.make_engine = engine_factory
    status: int = args.run(args, out or sys.stdout)
    return status
