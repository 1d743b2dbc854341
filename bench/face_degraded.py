"""Accuracy with degraded probes: templates from the original photos, every probe shrunk to 320 px (long side)
and recompressed at JPEG quality 50, as a cheap phone on a weak connection might send it (issue 3 target:
EER ≤ 0.5 % on dev).

Every probe counts. A probe the pipeline refuses (e.g. LOW_QUALITY: face under the verify size floor once
shrunk) is, operationally, a check-in that did not pass: a refused genuine probe counts as a false reject
(score below every threshold), a refused impostor probe as a correct reject. The figures over the scored
probes only are printed too, for comparison with earlier runs. "All probes" means the degraded copy of
every photo whose original could be enrolled (the photos bench/face_accuracy.py evaluates); photos refused
at enrolment are listed and left out.

The face-size floor is compared at several values in one run: each probe is analysed once with no size
floor and its measured face width decides, per floor, whether it would have been refused. That is exactly
what the pipeline does (the floor is the last check and changes nothing else), so one analysis serves every
floor. Reports raw dlib (the FACE.md pipeline) and the shipped `default` policy.

Run on purpose:  .venv/bin/python -m bench.face_degraded [--sets dev dev-asia] [--side 320] [--quality 50]
                                                         [--floors 60 50 40 30]
"""

from __future__ import annotations

import argparse
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image

from chalicelib.face.cohort import Cohort, CohortMember
from chalicelib.face.config import FaceConfig, QualityLimits
from chalicelib.face.engine import FaceEngine
from chalicelib.face.errors import FaceError, LowQualityError
from chalicelib.face.scoring import ScoringPolicy, decide, verify
from chalicelib.face.types import FaceAnalysis, Template
from evaluation.cli import LabelledImage, read_labels, resolve_model_dir
from evaluation.metrics import Summary, summarise

FACES = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces"
SHIPPED_FLOOR = QualityLimits().min_face_px_verify
ENROL_FLOOR = QualityLimits().min_face_px_enrol


def degrade(data: bytes, side: int, quality: int) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        rgb.thumbnail((side, side))
        out = io.BytesIO()
        rgb.save(out, "JPEG", quality=quality)
        return out.getvalue()


@dataclass(frozen=True)
class Probe:
    """A degraded probe analysed without a size floor: its analysis, or why it was refused anyway."""

    analysis: FaceAnalysis | None
    refusal: str | None = None

    def refused_at(self, floor: float) -> str | None:
        """The refusal at this verify size floor, or None if the probe is scored."""
        if self.analysis is None:
            return self.refusal
        return "LOW_QUALITY face_too_small" if self.analysis.quality.face_width_px < floor else None


@dataclass(frozen=True)
class Trial:
    """One (template, degraded probe) pair, scored as if the probe had passed every check."""

    genuine: bool
    probe: str
    raw: float | None
    fused: float | None


def refusal_label(exc: FaceError) -> str:
    if isinstance(exc, LowQualityError):
        return f"{exc.code} {'+'.join(exc.reasons)}"
    return exc.code


def analyse_set(
    images: Sequence[LabelledImage], enrol: FaceEngine, probe_engine: FaceEngine, side: int, quality: int
) -> tuple[dict[str, FaceAnalysis], dict[str, str], dict[str, Probe]]:
    """Templates from the originals (enrol), probes from their degraded copies of the enrolled photos."""
    templates: dict[str, FaceAnalysis] = {}
    template_failures: dict[str, str] = {}
    probes: dict[str, Probe] = {}
    for image in images:
        data = image.file.read_bytes()
        try:
            templates[image.path] = enrol.analyse(data, purpose="enrol")
        except FaceError as exc:
            template_failures[image.path] = refusal_label(exc)
            continue
        try:
            probes[image.path] = Probe(probe_engine.analyse(degrade(data, side, quality), purpose="verify"))
        except FaceError as exc:
            probes[image.path] = Probe(None, refusal_label(exc))
    return templates, template_failures, probes


def score_trials(
    templates: Mapping[str, FaceAnalysis],
    probes: Mapping[str, Probe],
    identity: Mapping[str, str],
    policy: ScoringPolicy,
) -> list[Trial]:
    members = [CohortMember(identity[p], Template(p, a.embeddings)) for p, a in templates.items()]
    cohort = Cohort.from_members(members)
    trials: list[Trial] = []
    for a, template in templates.items():
        for b, probe in probes.items():
            if a == b:
                continue
            genuine = identity[a] == identity[b]
            if probe.analysis is None:
                trials.append(Trial(genuine, b, None, None))
                continue
            raw = float(np.dot(template.embeddings["dlib_resnet_v1"], probe.analysis.embeddings["dlib_resnet_v1"]))
            owners = cohort.without_owners({identity[a], identity[b]})
            fused = verify(probe.analysis, [Template(a, template.embeddings)], owners, policy).score
            trials.append(Trial(genuine, b, raw, fused))
    return trials


def scores_at(
    trials: Sequence[Trial], probes: Mapping[str, Probe], floor: float, kind: str, count_refused: bool
) -> dict[bool, list[float]]:
    """Genuine/impostor scores at a size floor; refused probes score below every real score, or are dropped."""
    real = [getattr(t, kind) for t in trials if getattr(t, kind) is not None]
    below_all = min(real) - 1.0
    out: dict[bool, list[float]] = {True: [], False: []}
    for t in trials:
        value = getattr(t, kind)
        if probes[t.probe].refused_at(floor) is None and value is not None:
            out[t.genuine].append(float(value))
        elif count_refused:
            out[t.genuine].append(below_all)
    return out


def summary_line(label: str, s: Summary) -> str:
    return (
        f"  {label:34s} genuine {s.genuine_pairs:4d} impostor {s.impostor_pairs:5d}  AUC {s.auc:.4f}  "
        f"EER {100 * s.eer:.2f} %  TAR@FAR0.1% {100 * s.tar_at_far_01pct.tar:.2f} %"
    )


def report_floor(trials: Sequence[Trial], probes: Mapping[str, Probe], floor: float, policy: ScoringPolicy) -> None:
    refusals = Counter(r for p in probes.values() if (r := p.refused_at(floor)) is not None)
    refused_total = sum(refusals.values())
    print(f" verify face floor {floor:g} px: probes {len(probes)}, refused {refused_total} {dict(refusals) or ''}")
    for label, kind, count_refused in (
        ("raw dlib, ALL probes", "raw", True),
        ("policy default, ALL probes", "fused", True),
        ("raw dlib, scored probes only", "raw", False),
        ("policy default, scored probes only", "fused", False),
    ):
        scores = scores_at(trials, probes, floor, kind, count_refused)
        if scores[True] and scores[False]:
            print(summary_line(label, summarise(scores[True], scores[False])))
        else:
            print(f"  {label:34s} no genuine or no impostor pair left")
    outcome: Counter[str] = Counter()
    for t in trials:
        refused = probes[t.probe].refused_at(floor) is not None or t.fused is None
        verdict = "refused" if refused else decide(t.fused or 0.0, policy.accept_threshold, policy.review_threshold)
        outcome[f"{'genuine' if t.genuine else 'impostor'} {verdict}"] += 1
    print("  default at shipped thresholds: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items())))


def report_small_faces(trials: Sequence[Trial], probes: Mapping[str, Probe], policy: ScoringPolicy) -> None:
    """What happens to the probes under the enrolment floor if they are scored."""
    small = {
        path: p.analysis.quality.face_width_px
        for path, p in probes.items()
        if p.analysis is not None and p.analysis.quality.face_width_px < ENROL_FLOOR
    }
    if not small:
        print(f" probes with a face under {ENROL_FLOOR:g} px: none")
        return
    widths = sorted(small.values())
    print(
        f" {len(small)} probes with a face under {ENROL_FLOOR:g} px (widths {widths[0]:.1f}-{widths[-1]:.1f}, "
        f"median {float(np.median(widths)):.1f}), if scored:"
    )
    for genuine in (True, False):
        chosen = [(small[t.probe], t.fused) for t in trials if t.probe in small and t.genuine == genuine]
        fused = [score for _, score in chosen if score is not None]
        if not fused:
            continue
        print(
            f"  {'genuine' if genuine else 'impostor'} pairs {len(fused)}: {verdicts(fused, policy)}; "
            f"default score min {min(fused):.2f} median {float(np.median(fused)):.2f} max {max(fused):.2f}"
        )
        for low, high in ((0.0, 30.0), (30.0, 40.0), (40.0, 50.0), (50.0, ENROL_FLOOR)):
            band = [score for width, score in chosen if low <= width < high and score is not None]
            if band:
                print(f"    faces {low:g}-{high:g} px: {verdicts(band, policy)}")


def verdicts(scores: Sequence[float], policy: ScoringPolicy) -> dict[str, int]:
    counted = Counter(decide(s, policy.accept_threshold, policy.review_threshold) for s in scores)
    return dict(sorted(counted.items()))


def run(name: str, side: int, quality: int, floors: Sequence[float], model_dir: Path) -> None:
    policy = ScoringPolicy.load("default")
    config = FaceConfig(model_dir=model_dir, embedders=policy.model_ids)
    enrol = FaceEngine(config)
    # No size floor for the probes: each floor is applied afterwards from the measured width.
    probe_engine = FaceEngine(replace(config, quality=replace(config.quality, min_face_px_verify=0.0)))
    images = read_labels(FACES / name / "labels.csv")
    identity = {i.path: i.identity for i in images}
    templates, template_failures, probes = analyse_set(images, enrol, probe_engine, side, quality)
    trials = score_trials(templates, probes, identity, policy)
    print(f"== {name}: probes {side} px long side, JPEG q{quality}; policy default")
    print(
        f" templates {len(templates)} of {len(images)} photos; refused at enrolment (left out): "
        f"{template_failures or 'none'}"
    )
    report_small_faces(trials, probes, policy)
    for floor in floors:
        report_floor(trials, probes, floor, policy)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", nargs="+", default=["dev", "dev-asia"])
    parser.add_argument("--side", type=int, default=320)
    parser.add_argument("--quality", type=int, default=50)
    parser.add_argument(
        "--floors",
        nargs="+",
        type=float,
        default=sorted({SHIPPED_FLOOR, ENROL_FLOOR}, reverse=True),
        help="verify face-size floors to compare (px); default: the enrolment floor and the shipped verify one",
    )
    parser.add_argument("--model-dir", default=None)
    args = parser.parse_args(argv)
    for name in args.sets:
        run(name, args.side, args.quality, args.floors, resolve_model_dir(args.model_dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
