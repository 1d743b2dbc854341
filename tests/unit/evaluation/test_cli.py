"""The face command line: label reading, pairing, scoring as a check-in, and real dev photos end to end.

Fast tests run the CLI with a stand-in engine whose embeddings follow the file's text ("alice 3" is a
photo of alice); the slow tests run the real pipeline on a handful of dev photos when models are built.
"""

from __future__ import annotations

import io
import json
import os
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from chalicelib.face.errors import NoFaceError
from chalicelib.face.scoring import ScoringPolicy, verify
from chalicelib.face.types import FaceAnalysis, PhotoFingerprint, QualityReport, Template
from evaluation import cli

MODELS = ("dlib_resnet_v1", "mobilefacenet_fp")
FACES = Path(__file__).resolve().parents[3] / ".." / "shared" / "faces"
REAL_MODEL_DIR = Path(os.environ.get("SMART_MODEL_DIR", Path.home() / ".cache" / "smart" / "models"))


def _vector(seed: str, dim: int) -> np.ndarray:
    v = np.random.default_rng(zlib.crc32(seed.encode())).normal(size=dim)
    return v / np.linalg.norm(v)


class FakeEngine:
    """Embeds "<identity> <n>" files near a per-identity direction; a file reading "none" has no face."""

    def __init__(self, models: Sequence[str]) -> None:
        self.models = tuple(models)
        self.calls = 0

    def analyse(self, data: bytes, *, purpose: str) -> FaceAnalysis:
        self.calls += 1
        text = data.decode()
        if text == "none":
            raise NoFaceError()
        identity = text.split()[0]
        embeddings = {}
        for m in self.models:
            v = _vector(f"{m}/{identity}", 32) + 0.25 * _vector(f"{m}/{text}", 32)
            embeddings[m] = (v / np.linalg.norm(v)).astype(np.float32)
        return FaceAnalysis(
            embeddings=embeddings,
            box=(0.0, 0.0, 1.0, 1.0),
            landmarks=(),
            quality=QualityReport(face_width_px=100.0, brightness=100.0, sharpness=100.0, yaw_ratio=1.0),
            fingerprint=PhotoFingerprint(sha256=text, phash=0),
            width=1,
            height=1,
        )


@pytest.fixture()
def labelled_dir(tmp_path: Path) -> Path:
    # GIVEN 20 people with 3 photos each (two groups), one photo without a face, one detect-only row
    rows = ["path,identity,group,use"]
    for p in range(20):
        for n in range(3):
            name = f"img/p{p}_{n}.jpg"
            (tmp_path / "img").mkdir(exist_ok=True)
            (tmp_path / name).write_text(f"p{p} {n}")
            rows.append(f"{name},p{p},{'g1' if p < 10 else 'g2'},pairs")
    (tmp_path / "img" / "noface.jpg").write_text("none")
    rows.append("img/noface.jpg,p0,g1,pairs")
    (tmp_path / "img" / "other.jpg").write_text("p1 9")
    rows.append("img/other.jpg,p1,g1,detect_only")
    (tmp_path / "labels.csv").write_text("\n".join(rows) + "\n")
    model_dir = tmp_path / "models"
    model_dir.mkdir()
    for m in MODELS:
        (model_dir / f"{m}.onnx").write_bytes(b"")
    return tmp_path


def on_labels(command: str, labels: Path, *options: str, model_dir: Path | None = None) -> list[str]:
    """argv running `command` on a labels CSV; models from `model_dir`, else the stand-in ones beside the CSV."""
    return ["--model-dir", str(model_dir or labels.parent / "models"), command, "--labels", str(labels), *options]


def run(argv: list[str], engines: list[FakeEngine] | None = None) -> tuple[int, str]:
    out = io.StringIO()

    def factory(model_dir: Path, models: Sequence[str], flip: bool) -> FakeEngine:
        engine = FakeEngine(models)
        if engines is not None:
            engines.append(engine)
        return engine

    status = cli.main(argv, out, factory)
    return status, out.getvalue()


def test_labels_keep_only_pair_rows_with_paths_relative_to_the_csv(labelled_dir: Path) -> None:
    labels = cli.read_labels(labelled_dir / "labels.csv")

    assert len(labels) == 61
    assert labels[0].path == "img/p0_0.jpg"
    assert labels[0].file == labelled_dir / "img" / "p0_0.jpg"
    assert labels[0].group == "g1"


def test_model_dir_comes_from_argument_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMART_MODEL_DIR", "/env/models")
    assert cli.resolve_model_dir("/arg/models") == Path("/arg/models")
    assert cli.resolve_model_dir(None) == Path("/env/models")
    monkeypatch.delenv("SMART_MODEL_DIR")
    assert cli.resolve_model_dir(None) == Path.home() / ".cache" / "smart" / "models"


def test_evaluate_reports_every_configuration_failures_and_groups(labelled_dir: Path) -> None:
    engines: list[FakeEngine] = []
    status, out = run(on_labels("evaluate", labelled_dir / "labels.csv", "--json"), engines)

    assert status == 0
    report = json.loads(out)
    # THEN each photo was analysed once, the faceless one is listed, detect_only rows were skipped
    assert engines[0].calls == 61
    assert report["failures"] == [{"path": "img/noface.jpg", "error": "NO_FACE"}]
    configs = report["configurations"]
    assert set(configs) == {
        "raw dlib_resnet_v1",
        "snorm dlib_resnet_v1",
        "raw mobilefacenet_fp",
        "snorm mobilefacenet_fp",
        "raw fused",
        "snorm fused",
        "policy default",
    }
    overall = configs["snorm fused"]["overall"]
    assert overall["genuine_pairs"] == 20 * 3
    assert overall["impostor_pairs"] == 60 * 59 // 2 - 60
    assert overall["auc"] > 0.99
    assert set(configs["raw fused"]["groups"]) == {"g1", "g2"}
    assert configs["raw fused"]["groups"]["g1"]["genuine_pairs"] == 30
    assert (
        configs["policy default"]["at_policy_thresholds"]["normalised_pairs"]
        == overall["genuine_pairs"] + overall["impostor_pairs"]
    )


def test_evaluate_text_report_names_figures(labelled_dir: Path) -> None:
    status, out = run(on_labels("evaluate", labelled_dir / "labels.csv", "--policy", "cc0"))

    assert status == 0
    assert "failed: img/noface.jpg NO_FACE" in out
    assert "policy cc0" in out and "TAR@FAR0.1%" in out and "EER" in out


def test_score_lines_are_what_verify_decides(labelled_dir: Path) -> None:
    status, out = run(on_labels("score", labelled_dir / "labels.csv"))

    assert status == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 60 * 59 // 2
    first = lines[0]
    assert (first["a"], first["b"]) == ("img/p0_0.jpg", "img/p0_1.jpg")
    # WHEN the same pair is verified by hand: template a, probe b, cohort = the other 19 identities
    engine = FakeEngine(MODELS)
    labels = cli.read_labels(labelled_dir / "labels.csv")
    analysed = cli.analyse_set(labels, cli.Analyser(engine))
    cohort = analysed.cohort().without_owners({"p0"})
    policy = ScoringPolicy.load("default")
    expected = verify(
        analysed.analyses["img/p0_1.jpg"],
        [Template("img/p0_0.jpg", analysed.analyses["img/p0_0.jpg"].embeddings)],
        cohort,
        policy,
    )
    assert first["score"] == pytest.approx(expected.score)
    assert first["decision"] == expected.decision


def test_score_with_explicit_cohort_csv(labelled_dir: Path) -> None:
    (labelled_dir / "cohort.csv").write_text("path\n" + "".join(f"img/p{p}_0.jpg\n" for p in range(6, 12)))

    status, out = run(
        on_labels("score", labelled_dir / "labels.csv", "--policy", "cc0", "--cohort", str(labelled_dir / "cohort.csv"))
    )

    # THEN 6 cohort photos are below the policy minimum, so scores are raw cosines in [-1, 1]
    assert status == 0
    assert all(-1.0 <= json.loads(line)["score"] <= 1.0 for line in out.splitlines())


def test_embed_prints_vector_or_error_code(labelled_dir: Path) -> None:
    status, out = run(["embed", str(labelled_dir / "img" / "p0_0.jpg"), str(labelled_dir / "img" / "noface.jpg")])

    first, second = (json.loads(line) for line in out.splitlines())
    assert status == 1
    assert len(first["embedding"]) == 32
    assert second == {"path": str(labelled_dir / "img" / "noface.jpg"), "error": "NO_FACE"}


def test_verify_prints_score_decision_and_thresholds(labelled_dir: Path) -> None:
    img = labelled_dir / "img"
    status, out = run(
        ["--model-dir", str(labelled_dir / "models"), "verify", str(img / "p0_0.jpg"), str(img / "p0_1.jpg")]
    )

    result = json.loads(out)
    assert status == 0
    assert set(result["thresholds"]) == {"accept", "review"}
    assert result["decision"] in {"accept", "review", "reject"}
    assert result["normalised"] is False


def test_policy_whose_model_is_not_built_is_refused_before_any_photo(labelled_dir: Path) -> None:
    (labelled_dir / "models" / "mobilefacenet_fp.onnx").unlink()
    engines: list[FakeEngine] = []

    with pytest.raises(SystemExit, match="mobilefacenet_fp"):
        run(on_labels("score", labelled_dir / "labels.csv"), engines)

    assert engines == []


# ------------------------------------------------------------------------------------------ real photos


def _real_setup() -> Path:
    if not (FACES / "dev" / "labels.csv").is_file():
        pytest.skip(f"dev face photos not found at {FACES / 'dev'}")
    if "dlib_resnet_v1" not in cli.available_models(REAL_MODEL_DIR):
        pytest.skip(f"models not built in {REAL_MODEL_DIR} (python -m models.build)")
    return FACES / "dev"


@pytest.mark.slow
def test_real_photos_genuine_pair_outscores_impostor_pair() -> None:
    dev = _real_setup()
    a, b, other = (str(dev / p) for p in ("deepface/img1.jpg", "deepface/img2.jpg", "deepface/img3.jpg"))
    base = ["--model-dir", str(REAL_MODEL_DIR), "verify", "--policy", "cc0"]

    out_g, out_i = io.StringIO(), io.StringIO()
    assert cli.main([*base, a, b], out_g) == 0
    assert cli.main([*base, a, other], out_i) == 0

    genuine, impostor = json.loads(out_g.getvalue()), json.loads(out_i.getvalue())
    assert genuine["score"] > impostor["score"]
    assert genuine["decision"] == "accept"
    assert impostor["decision"] == "reject"


@pytest.mark.slow
def test_real_photos_evaluate_small_labelled_subset(tmp_path: Path) -> None:
    dev = _real_setup()
    wanted = {"df_angelina_jolie", "df_jennifer_aniston", "df_scarlett_johansson"}
    rows = [r for r in (dev / "labels.csv").read_text().splitlines()[1:] if r.split(",")[1] in wanted]
    rows = [r for r in rows if r.split(",")[2] == "pairs"][:8]
    (tmp_path / "labels.csv").write_text(
        "path,identity\n" + "".join(f"{dev / r.split(',')[0]},{r.split(',')[1]}\n" for r in rows)
    )
    out = io.StringIO()

    status = cli.main(
        on_labels("evaluate", tmp_path / "labels.csv", "--json", "--policy", "cc0", model_dir=REAL_MODEL_DIR), out
    )

    report = json.loads(out.getvalue())
    assert status == 0
    assert report["failures"] == []
    assert report["configurations"]["raw dlib_resnet_v1"]["overall"]["auc"] > 0.95
