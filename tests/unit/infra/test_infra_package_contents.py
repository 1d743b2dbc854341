"""What `make package` hands to Chalice: the app's sources without the evaluation tools.

Chalice bundles `app.py` and `chalicelib/` into the Lambda zip. The face evaluation CLI and metrics live in
the top-level `evaluation/` package so they stay out of it; these tests fail if they are moved back under
`chalicelib/`, copied there, or imported by deployed code (which would then break on Lambda).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from infra.package import REPO, BuildConfig, stage_sources

from .conftest import EVALUATION_PACKAGE, evaluation_tools_in


@dataclass(frozen=True)
class _StagingConfig(BuildConfig):
    """The real repository staged into a scratch directory instead of build/."""

    scratch: Path = Path()

    @property
    def work(self) -> Path:
        return self.scratch


def _staged_files(tmp_path: Path) -> dict[str, Path]:
    staged = stage_sources(_StagingConfig(scratch=tmp_path))
    return {p.relative_to(staged).as_posix(): p for p in staged.rglob("*") if p.is_file()}


def _imported_modules(source: str) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_the_checker_names_evaluation_tools_wherever_they_would_be_bundled() -> None:
    names = ["app.py", "chalicelib/face/scoring.py", "chalicelib/face/cli.py", "evaluation/metrics.py", "evaluation/"]

    assert evaluation_tools_in(names) == ["chalicelib/face/cli.py", "evaluation/", "evaluation/metrics.py"]


def test_staged_app_sources_carry_no_evaluation_tool(tmp_path: Path) -> None:
    # WHEN the app is staged for `chalice package` exactly as `make package` does
    files = _staged_files(tmp_path)
    # THEN the staging is the real app (not an empty copy) ...
    assert {"app.py", "chalicelib/face/scoring.py", "chalicelib/face/engine.py"} <= set(files)
    # ... without the evaluation package, nor the CLI/metrics where they used to be ...
    assert evaluation_tools_in(files) == []
    # ... nor a copy of any of their files under another name
    tool_sources = {p.read_bytes(): p.name for p in (REPO / EVALUATION_PACKAGE).glob("*.py")}
    assert {"cli.py", "metrics.py", "__main__.py"} <= set(tool_sources.values())
    copies = {name: tool_sources[p.read_bytes()] for name, p in files.items() if p.read_bytes() in tool_sources}
    assert copies == {}


def test_deployed_code_does_not_import_the_evaluation_package(tmp_path: Path) -> None:
    files = _staged_files(tmp_path)

    importers = sorted(
        name
        for name, path in files.items()
        if name.endswith(".py")
        and any(m.split(".")[0] == EVALUATION_PACKAGE for m in _imported_modules(path.read_text(encoding="utf-8")))
    )

    assert importers == []
