"""One onnxruntime session per model file per process, created on first use.

Lambda keeps a process warm between requests, so loading each model once and keeping it in a module-level
cache makes every request after the first pay only for inference. The key includes the thread count and
optimisation flag so that benchmarks can compare settings inside one process.
"""

from __future__ import annotations

import threading
from pathlib import Path

import onnxruntime as ort

from .errors import ModelUnavailableError

_CACHE: dict[tuple[str, int, bool], ort.InferenceSession] = {}
_LOCK = threading.Lock()


def load_session(path: Path, threads: int, optimise: bool = True) -> ort.InferenceSession:
    """Return the cached session for `path`, loading it now if needed; ModelUnavailableError if it can't."""
    key = (str(path), threads, optimise)
    session = _CACHE.get(key)
    if session is not None:
        return session
    with _LOCK:
        session = _CACHE.get(key)
        if session is None:
            session = _create(path, threads, optimise)
            _CACHE[key] = session
    return session


def clear_sessions() -> None:
    """Forget every loaded session (tests and benchmarks measure cold loads with it)."""
    with _LOCK:
        _CACHE.clear()


def _create(path: Path, threads: int, optimise: bool) -> ort.InferenceSession:
    if not path.is_file():
        raise ModelUnavailableError(details={"model": path.stem, "reason": "missing"})
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    if not optimise:
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    try:
        return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors for corrupt files
        raise ModelUnavailableError(details={"model": path.stem, "reason": "corrupt"}) from exc
