"""The whole `make package` build: chalice package on Python 3.12, checks, layer, sizes, lint, smoke.

Slow (about a minute with warm caches; the first run downloads the Lambda wheels from PyPI). The smoke
step runs every ONNX model of the layer with the packaged onnxruntime on a bare Python 3.12 that can
import only the package, and checks that the excluded distributions (sympy, mpmath) are absent.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from infra.artifacts import EXCLUDED_DISTRIBUTIONS, LAMBDA_UNZIPPED_LIMIT, distributions, zip_size
from infra.errors import PackagingError
from infra.package import BuildConfig, build, find_python, smoke
from models.build import default_model_dir, load_manifest

from .conftest import evaluation_tools_in

pytestmark = pytest.mark.slow


def _require_build_inputs() -> None:
    if shutil.which("pyenv") is None:
        pytest.skip("pyenv is not installed: the Lambda build needs pyenv's Python 3.12")
    try:
        find_python()
    except PackagingError as exc:
        pytest.skip(str(exc))
    missing = [e.model_id for e in load_manifest() if not (default_model_dir() / f"{e.model_id}.onnx").is_file()]
    if missing:
        pytest.skip(f"face models not built ({', '.join(missing)}): run `make models` first")


def test_package_builds_a_linted_template_within_budget_and_the_package_runs() -> None:
    _require_build_inputs()
    # WHEN building the prod stage (lint and smoke run inside build and raise on failure)
    template_path = build(BuildConfig(stage="prod"))
    # THEN the template, the code package and the model layer are there and fit Lambda's limit
    out = template_path.parent
    template = json.loads(template_path.read_text(encoding="utf-8"))
    assert template["Resources"]["FaceModelsLayer"]["Properties"]["ContentUri"] == "./face-models-layer.zip"
    deployment, layer = out / "deployment.zip", out / "face-models-layer.zip"
    assert zip_size(deployment).unzipped + zip_size(layer).unzipped <= LAMBDA_UNZIPPED_LIMIT
    with zipfile.ZipFile(deployment) as archive:
        names = {d.name for d in distributions(archive)}
        assert "app.py" in archive.namelist()
        # the face evaluation CLI and metrics (evaluation/) are development tools, not deployed
        assert evaluation_tools_in(archive.namelist()) == []
    assert {"onnxruntime", "numpy", "pillow", "pynamodb"} <= names
    assert not names & set(EXCLUDED_DISTRIBUTIONS)
    with zipfile.ZipFile(layer) as archive:
        licences = [f"smart-models/{e.model_id}.LICENSE" for e in load_manifest() if e.licence_file is not None]
        models = [f"smart-models/{e.model_id}.onnx" for e in load_manifest()]
        assert licences and sorted(archive.namelist()) == sorted(models + licences)


def test_smoke_run_fails_on_a_package_missing_its_dependencies(tmp_path: Path) -> None:
    # GIVEN a "package" holding only the app's entry point and a layer with one model file
    if shutil.which("pyenv") is None:
        pytest.skip("pyenv is not installed")
    deployment, layer = tmp_path / "deployment.zip", tmp_path / "layer.zip"
    with zipfile.ZipFile(deployment, "w") as archive:
        archive.writestr("app.py", "import numpy\n")
    with zipfile.ZipFile(layer, "w") as archive:
        archive.writestr("smart-models/m.onnx", b"")
    # WHEN the smoke run executes it on a bare Python 3.12 THEN it fails: numpy is not in the package
    with pytest.raises(PackagingError, match="smoke run"):
        smoke(find_python(), deployment, layer, "smart-models")
