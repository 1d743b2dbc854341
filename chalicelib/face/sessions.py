"""One onnxruntime session per model file per process, created on first use.

Lambda keeps a process warm between requests, so loading each model once and keeping it in a module-level
cache makes every request after the first pay only for inference. The key includes the thread count and
optimisation flag so that benchmarks can compare settings inside one process.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import onnxruntime as ort
from onnxruntime.capi.onnxruntime_pybind11_state import EngineError, EPFail, Fail, RuntimeException

from .errors import ModelUnavailableError

_CACHE: dict[tuple[str, int, bool], ort.InferenceSession] = {}
_LOCK = threading.Lock()
# What onnxruntime raises when a run fails at run time (out of memory, a kernel's failure), not for a bad input.
_RUN_FAILURES = (Fail, RuntimeException, EPFail, EngineError)


class _Session(ort.InferenceSession):  # type: ignore[misc]  # onnxruntime ships no types
    """An onnxruntime session whose failures at run time are ModelUnavailableError (503 with Retry-After, like a
    model that did not load) instead of an untyped error answered as 500."""

    def __init__(self, path: Path, options: ort.SessionOptions) -> None:
        super().__init__(str(path), sess_options=options, providers=["CPUExecutionProvider"])
        self.model = path.stem

    def run(self, output_names: Any, input_feed: Any, run_options: Any = None) -> Any:
        try:
            return super().run(output_names, input_feed, run_options)
        except _RUN_FAILURES as exc:
            raise ModelUnavailableError(details={"model": self.model, "reason": "failed"}) from exc


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
        return _Session(path, options)
    except Exception as exc:  # onnxruntime raises its own untyped errors for corrupt files
        raise ModelUnavailableError(details={"model": path.stem, "reason": "corrupt"}) from exc
