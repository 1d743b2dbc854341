"""Accuracy benchmark: reproduces every figure of bench/face_ACCURACY.md on the two development sets.

Run on purpose (not a test):  .venv/bin/python -m bench.face_accuracy [--model-dir DIR] [--flip]
                              [--json OUT.json] [--sets dev dev-asia]

For each set (../shared/faces/dev, use=pairs; ../shared/faces/dev-asia) it analyses each photo once with
every built embedding model, then reports, with the scoring code a check-in uses:
- raw and S-norm per model, raw and S-norm fusion, and both shipped policies ("default", "cc0") at their
  shipped thresholds (impostors accepted, genuine pairs below the review band);
- S-norm over the whole cohort and with other top-k values;
- several templates per person: max vs mean over templates (probe = one photo, templates = the other
  photos of the claimed person).
Cohort in every case: the set's other identities (never the pair's two).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from chalicelib.face.cohort import Cohort
from chalicelib.face.scoring import ScoringPolicy, verify
from chalicelib.face.types import FaceAnalysis, Template
from evaluation.cli import (
    Analyser,
    EvalOptions,
    LabelledImage,
    LabelledSet,
    PairScorer,
    analyse_set,
    available_models,
    evaluate_set,
    make_engine,
    read_labels,
    resolve_model_dir,
    split_scores,
)
from evaluation.metrics import summarise, tar_at, threshold_for_far

Scores = npt.NDArray[np.float64]
FACES = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces"
# The shipped policies use top-50; these are the alternatives measured (None = the whole cohort).
TOP_K: tuple[int | None, ...] = (None, 10, 30)


def load_set(name: str, analyser: Analyser) -> tuple[LabelledSet, float]:
    """Analyse one development set; returns it and the seconds it took."""
    start = time.perf_counter()
    labelled = analyse_set(read_labels(FACES / name / "labels.csv"), analyser)
    return labelled, time.perf_counter() - start


Trial = tuple[FaceAnalysis, list[Template], Cohort, bool]


def multi_template_trials(labelled: LabelledSet) -> list[Trial]:
    """Probe = one photo; templates = all other photos of the claimed identity (at least two); cohort = the
    set without the probe's and the claimed identity. The last item says whether the trial is genuine."""
    by_identity: dict[str, list[LabelledImage]] = {}
    for image in labelled.images:
        by_identity.setdefault(image.identity, []).append(image)
    cohort = labelled.cohort()
    trials: list[Trial] = []
    for image in labelled.images:
        for claimed, images in by_identity.items():
            templates = [labelled.template(i) for i in images if i.path != image.path]
            if len(templates) >= 2:
                without = cohort.without_owners({claimed, image.identity})
                trials.append((labelled.analyses[image.path], templates, without, claimed == image.identity))
    return trials


def multi_template_report(labelled: LabelledSet, base: ScoringPolicy, models: Sequence[str]) -> dict[str, Any]:
    """EER / TAR@FAR0.1% of max vs mean aggregation, raw and normalised, per model and fused."""
    trials = multi_template_trials(labelled)
    out: dict[str, Any] = {}
    variants = [(m, {m: 1.0}) for m in models] + ([("fused", dict.fromkeys(models, 1.0))] if len(models) > 1 else [])
    for label, weights in variants:
        for normalise in (False, True):
            for how in ("max", "mean"):
                policy = replace(base, weights=weights, normalise=normalise, template_aggregation=how)
                scores = [(verify(p, t, c, policy).score, g) for p, t, c, g in trials]
                s = summarise([v for v, g in scores if g], [v for v, g in scores if not g])
                out[f"{'snorm' if normalise else 'raw'} {label} {how}"] = {
                    "genuine": s.genuine_pairs,
                    "impostor": s.impostor_pairs,
                    "eer": s.eer,
                    "tar_at_far_01pct": s.tar_at_far_01pct.tar,
                    "auc": s.auc,
                }
    return out


def top_k_report(labelled: LabelledSet, base: ScoringPolicy, models: Sequence[str]) -> dict[str, Any]:
    """The S-norm figures with a top-k cohort, per model and fused."""
    out: dict[str, Any] = {}
    for k in TOP_K:
        policy = replace(base, weights=dict.fromkeys(models, 1.0), cohort_top_k=k)
        report = evaluate_set(labelled, labelled.cohort(), policy, models, EvalOptions())
        for name, result in report["configurations"].items():
            if name.startswith("snorm") and result["overall"] is not None:
                out[f"{name} top{k or 'all'}"] = _brief(result["overall"])
    return out


def _brief(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "eer": s["eer"],
        "auc": s["auc"],
        "tar_at_far_1pct": s["tar_at_far_1pct"]["tar"],
        "tar_at_far_01pct": s["tar_at_far_01pct"]["tar"],
        "genuine_pairs": s["genuine_pairs"],
        "impostor_pairs": s["impostor_pairs"],
        "suggested_accept": s["suggested"]["accept"]["threshold"],
        "suggested_review": s["suggested"]["review"]["threshold"],
        "genuine_below_review": s["suggested"]["genuine_below_review"],
    }


def _pct(v: float) -> str:
    return f"{100 * v:6.2f} %"


def print_set(name: str, report: dict[str, Any], seconds: float) -> None:
    print(f"\n=== {name}: {report['analysed']}/{report['images']} photos analysed in {seconds:.1f} s")
    for failure in report["failures"]:
        print(f"    failed {failure['path']}: {failure['error']}")
    print(f"    {'configuration':34s} {'AUC':>7s} {'EER':>9s} {'TAR@1%':>9s} {'TAR@0.1%':>9s}  pairs g/i")
    for config, result in report["configurations"].items():
        s = result["overall"]
        print(
            f"    {config:34s} {s['auc']:7.4f} {_pct(s['eer'])} {_pct(s['tar_at_far_1pct']['tar'])} "
            f"{_pct(s['tar_at_far_01pct']['tar'])}  {s['genuine_pairs']}/{s['impostor_pairs']}"
        )
        print(
            f"    {'':34s} genuine min/med {s['genuine_min']:.4f}/{s['genuine_median']:.4f} impostor med/max "
            f"{s['impostor_median']:.4f}/{s['impostor_max']:.4f}; suggested accept "
            f"{s['suggested']['accept']['threshold']:.4f} review {s['suggested']['review']['threshold']:.4f}"
        )
        check = result.get("at_policy_thresholds")
        if check and config.startswith("policy"):
            acc, rev = check["accept"], check["review"]
            print(
                f"    {'':34s} SHIPPED accept {acc['threshold']:.4f}: impostors accepted "
                f"{acc['impostors_accepted']}/{acc['impostor_pairs']} ({_pct(acc['far']).strip()}), genuine "
                f"accepted {acc['genuine_accepted']}/{acc['genuine_pairs']}; review {rev['threshold']:.4f}: "
                f"genuine below review {rev['genuine_pairs'] - rev['genuine_accepted']}/{rev['genuine_pairs']} "
                f"({_pct(1 - rev['tar']).strip()}), impostors in review or above {rev['impostors_accepted']}"
            )


def raw_fallback_check(labelled: LabelledSet, policy: ScoringPolicy) -> dict[str, Any]:
    """The policy with no cohort at all (a new deployment): raw fused score vs raw thresholds."""
    report = evaluate_set(labelled, None, policy, policy.model_ids, EvalOptions())
    check = report["configurations"][f"policy {policy.name}"]["at_policy_thresholds"]
    return {"accept": check["accept"], "review": check["review"]}


Sample = tuple[Scores, Scores]
# Per (policy name, "normalised" | "raw"), the genuine and impostor scores of each set.
Samples = dict[tuple[str, str], list[Sample]]


def policy_scores(labelled: LabelledSet, policy: ScoringPolicy, cohort: Cohort | None) -> Sample:
    """Genuine and impostor scores of every pair, decided as a check-in with this policy and cohort."""
    pairs = list(labelled.pairs())
    scorer = PairScorer(labelled, cohort)
    return split_scores(pairs, [scorer(p, policy) for p in pairs])


def threshold_rule(samples: Sequence[Sample], step: float) -> tuple[float, float]:
    """The rule the shipped thresholds follow, over all sets at once.

    accept: the highest per-set threshold with FAR <= 0.1 %, rounded up to `step`;
    review: the highest per-set threshold with FAR <= 2 %, rounded down to `step`, then lowered by `step`
    until every set has fewer than 2 % of its genuine pairs below it (strictly: a margin at the target).
    """
    accept = math.ceil(max(threshold_for_far(i, 0.001) for _, i in samples) / step - 1e-9) * step
    review = math.floor(max(threshold_for_far(i, 0.02) for _, i in samples) / step + 1e-9) * step
    while any(1.0 - tar_at(g, review) >= 0.02 - 1e-9 for g, _ in samples):
        review -= step
    return round(accept, 4), round(min(review, accept), 4)


def print_threshold_rule(samples: Samples) -> dict[str, Any]:
    out: dict[str, Any] = {}
    print("\n=== thresholds by the calibration rule (all sets together)")
    for (policy_name, kind), per_set in samples.items():
        accept, review = threshold_rule(per_set, 0.1 if kind == "normalised" else 0.01)
        out[f"{policy_name} {kind}"] = {"accept": accept, "review": review}
        print(f"    {policy_name:8s} {kind:10s} accept {accept:.4f}  review {review:.4f}")
    return out


def run_set(name: str, models: Sequence[str], analyser: Analyser, out: dict[str, Any], samples: Samples) -> None:
    labelled, seconds = load_set(name, analyser)
    entry: dict[str, Any] = {"seconds_to_analyse": seconds}
    for policy_name in ("default", "cc0"):
        policy = ScoringPolicy.load(policy_name)
        if not set(policy.model_ids) <= set(models):
            print(f"\n(policy {policy_name} skipped: needs {policy.model_ids})")
            continue
        samples.setdefault((policy_name, "normalised"), []).append(policy_scores(labelled, policy, labelled.cohort()))
        samples.setdefault((policy_name, "raw"), []).append(policy_scores(labelled, policy, None))
        report = evaluate_set(labelled, labelled.cohort(), policy, models, EvalOptions())
        print_set(f"{name} / policy {policy_name}", report, seconds)
        entry[policy_name] = report
        fallback = raw_fallback_check(labelled, policy)
        entry[f"{policy_name}_no_cohort"] = fallback
        acc, rev = fallback["accept"], fallback["review"]
        print(
            f"    no cohort (raw thresholds {acc['threshold']:.4f}/{rev['threshold']:.4f}): impostors accepted "
            f"{acc['impostors_accepted']}/{acc['impostor_pairs']}, genuine below review "
            f"{rev['genuine_pairs'] - rev['genuine_accepted']}/{rev['genuine_pairs']}"
        )
    base = ScoringPolicy.load("cc0")
    entry["top_k"] = top_k_report(labelled, base, models)
    entry["multi_template"] = multi_template_report(labelled, base, models)
    for title in ("top_k", "multi_template"):
        print(f"  -- {name}: {title}")
        for config, figures in entry[title].items():
            print(
                f"    {config:40s} EER {_pct(figures['eer'])}  TAR@0.1% {_pct(figures['tar_at_far_01pct'])}  "
                f"AUC {figures['auc']:.4f}"
            )
    out[name] = entry


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-dir", default=None)
    parser.add_argument("--flip", action="store_true", help="flip-averaged embeddings")
    parser.add_argument("--sets", nargs="+", default=["dev", "dev-asia"])
    parser.add_argument("--json", type=Path, default=None, help="also write every figure to this file")
    args = parser.parse_args(argv)
    model_dir = resolve_model_dir(args.model_dir)
    models = available_models(model_dir)
    if not models:
        raise SystemExit(f"no models in {model_dir}: build them with python -m models.build")
    print(f"models {models}, flip averaging {args.flip}, faces {FACES.resolve()}")
    analyser = Analyser(make_engine(model_dir, models, args.flip))
    figures: dict[str, Any] = {"models": list(models), "flip": args.flip}
    samples: Samples = {}
    for name in args.sets:
        run_set(name, models, analyser, figures, samples)
    figures["threshold_rule"] = print_threshold_rule(samples)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
