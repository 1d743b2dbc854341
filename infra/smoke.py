"""Smoke run of the built Lambda artefacts, executed by a bare Python 3.12 (``python -S -E``).

Usage: ``python3.12 -S -E infra/smoke.py <unpacked deployment.zip> <model dir> <excluded,...>``.
Only the unpacked package is importable, exactly as on Lambda, so this proves that the package is
complete (the app imports), that every ONNX model of the layer runs on the packaged onnxruntime, and that
the distributions the build removed (e.g. sympy) are neither present nor needed. Prints one JSON line.
Standard library only besides the package: it must not depend on the project's venv.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any


def _input_shape(shape: list[Any]) -> list[int]:
    # Symbolic batch → 1; symbolic spatial sizes → 64, big enough for every MTCNN stage.
    return [dim if isinstance(dim, int) else (1 if i == 0 else 64) for i, dim in enumerate(shape)]


def run_models(model_dir: Path) -> dict[str, list[list[int]]]:
    import numpy as np
    import onnxruntime as ort

    results: dict[str, list[list[int]]] = {}
    for path in sorted(model_dir.glob("*.onnx")):
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        feeds = {
            i.name: np.random.default_rng(0).random(_input_shape(i.shape), dtype=np.float32)
            for i in session.get_inputs()
        }
        outputs = session.run(None, feeds)
        if not all(np.isfinite(out).all() for out in outputs):
            raise SystemExit(f"{path.name}: non-finite output")
        results[path.stem] = [list(out.shape) for out in outputs]
    if not results:
        raise SystemExit(f"no ONNX model in {model_dir}")
    return results


def main(argv: list[str]) -> int:
    root, model_dir, excluded = Path(argv[1]), Path(argv[2]), [n for n in argv[3].split(",") if n]
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ.update({"SMART_STAGE": "local", "SMART_MODEL_DIR": str(model_dir)})
    present = [name for name in excluded if importlib.util.find_spec(name) is not None]
    if present:
        raise SystemExit(f"excluded distributions still importable: {present}")
    models = run_models(model_dir)
    import app  # noqa: F401 - importing the app is the check: every route module and dependency loads

    leaked = [name for name in excluded if name in sys.modules]
    print(json.dumps({"python": sys.version.split()[0], "models": models, "excluded_loaded": leaked}))
    return 1 if leaked else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
