"""Artefact checks: wheel provenance, trimming, size budget, deterministic and verified model layer."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from infra import artifacts
from infra.errors import BudgetExceededError, PackagingError
from infra.package import build_model_layer
from models.build import load_manifest


def _dist(*tags: str) -> artifacts.Distribution:
    return artifacts.Distribution("pkg", "1.0", "pkg-1.0.dist-info/", tags, ())


@pytest.mark.parametrize(
    "tag",
    [
        "py3-none-any",
        "cp312-cp312-manylinux_2_28_x86_64",
        "cp312-cp312-manylinux2014_x86_64",
        "cp310-abi3-manylinux2014_x86_64",
        "cp312-cp312-manylinux_2_34_x86_64",
    ],
)
def test_wheels_lambda_can_load_are_accepted(tag: str) -> None:
    assert artifacts.unfit_wheels([_dist(tag)]) == []


@pytest.mark.parametrize(
    "tag",
    [
        "cp312-cp312-linux_x86_64",  # what pip builds from an sdist on this machine
        "cp312-cp312-manylinux_2_35_x86_64",  # needs a newer glibc than Amazon Linux 2023's 2.34
        "cp312-cp312-manylinux_2_28_aarch64",  # wrong architecture
        "cp312-cp312-macosx_11_0_arm64",
    ],
)
def test_wheels_lambda_cannot_load_are_reported(tag: str) -> None:
    assert artifacts.unfit_wheels([_dist(tag)]) == [f"pkg 1.0: {tag}"]


def test_a_distribution_without_wheel_metadata_is_reported() -> None:
    assert artifacts.unfit_wheels([_dist()]) == ["pkg 1.0: no WHEEL tags (not installed from a wheel)"]


def test_sdist_builds_are_read_from_the_chalice_debug_log() -> None:
    clean = "x [DEBUG] Build missing wheels from sdists (C compiling True): set()\n"
    dirty = "x [DEBUG] Build missing wheels from sdists (C compiling False): {Package(foo==1.0)}\n"
    assert artifacts.sdist_builds(clean) == []
    assert artifacts.sdist_builds(clean + dirty) == ["{Package(foo==1.0)}"]
    assert artifacts.sdist_builds("Reusing existing deployment package.\n") is None


def _fake_package(path: Path) -> None:
    files = {
        "sympy/__init__.py": "x" * 100,
        "isympy.py": "x",
        "sympy-1.0.dist-info/WHEEL": "Tag: py3-none-any\n",
        "sympy-1.0.dist-info/RECORD": "sympy/__init__.py,,\nisympy.py,,\nsympy-1.0.dist-info/RECORD,,\n",
        "numpy/__init__.py": "y" * 50,
        "numpy-2.0.dist-info/WHEEL": "Tag: cp312-cp312-manylinux_2_28_x86_64\n",
        "numpy-2.0.dist-info/RECORD": "numpy/__init__.py,,\n",
        "app.py": "z",
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)


def test_prune_removes_exactly_the_excluded_distribution(tmp_path: Path) -> None:
    # GIVEN a package holding sympy next to numpy and the app
    source, target = tmp_path / "in.zip", tmp_path / "out.zip"
    _fake_package(source)
    # WHEN sympy is excluded
    removed = artifacts.prune(source, target, ["sympy", "mpmath"])
    # THEN every sympy file (by its RECORD) is gone and nothing else is
    assert removed == ["sympy 1.0"]
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == [
            "app.py",
            "numpy-2.0.dist-info/RECORD",
            "numpy-2.0.dist-info/WHEEL",
            "numpy/__init__.py",
        ]
        assert [d.name for d in artifacts.distributions(archive)] == ["numpy"]


def test_size_report_sums_parts_and_budget_stops_an_oversized_build(tmp_path: Path) -> None:
    package = tmp_path / "deployment.zip"
    _fake_package(package)
    size = artifacts.zip_size(package)
    assert size.by_top["sympy"] == 100 and size.by_top["numpy"] == 50
    report, total = artifacts.size_report([size, size])
    assert total == 2 * size.unzipped
    assert "deployment.zip: zipped" in report and f"({total:,} bytes)" in report
    artifacts.check_budget(artifacts.LAMBDA_UNZIPPED_LIMIT)
    with pytest.raises(BudgetExceededError):
        artifacts.check_budget(artifacts.LAMBDA_UNZIPPED_LIMIT + 1)


def test_deterministic_zip_is_byte_identical_across_builds(tmp_path: Path) -> None:
    source = tmp_path / "model.onnx"
    source.write_bytes(b"\x00\x01" * 1000)
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    artifacts.write_deterministic_zip(first, {"smart-models/model.onnx": source})
    source.touch()  # a newer mtime must not change the archive
    artifacts.write_deterministic_zip(second, {"smart-models/model.onnx": source})
    assert first.read_bytes() == second.read_bytes()


def test_model_layer_refuses_missing_models(tmp_path: Path) -> None:
    with pytest.raises(PackagingError, match="make models"):
        build_model_layer(tmp_path, "smart-models", tmp_path / "layer.zip")


def test_model_layer_refuses_a_model_that_does_not_match_the_manifest(tmp_path: Path) -> None:
    for entry in load_manifest():
        (tmp_path / f"{entry.model_id}.onnx").write_bytes(b"not the model")
    with pytest.raises(PackagingError, match="sha256"):
        build_model_layer(tmp_path, "smart-models", tmp_path / "layer.zip")
