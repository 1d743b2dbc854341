"""pynamodb stays inside chalicelib/store: the rest of the code sees plain records (docs/ARCHITECTURE.md).

Read from the source with `ast`, so a lazy import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.store import models

CHALICELIB = Path(__file__).resolve().parents[3] / "chalicelib"
STORE = CHALICELIB / "store"
# Process wiring: points the models at a deployment's tables (`configure`) and nothing else.
WIRING = {CHALICELIB / "runtime.py"}
MODEL_NAMES = {model.__name__ for model in models.ALL_MODELS}
# Store-internal, never handed out of store: items another repository puts into its own transaction, and the
# writes of an HR change's dates that the SIMPEG store adds to its own update.
INTERNAL = {("events", "add_fingerprint"), ("people", "hr_actions")}


def modules_outside_store() -> list[Path]:
    return sorted(p for p in CHALICELIB.rglob("*.py") if STORE not in p.parents and p not in WIRING)


def imported_modules(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def storage_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return sorted(
        {
            name
            for name in imported_modules(tree)
            if name == "pynamodb" or name.startswith("pynamodb.") or name.startswith("chalicelib.store.models")
        }
    )


def test_the_checked_layers_are_all_there() -> None:
    checked = {p.relative_to(CHALICELIB).parts[0] for p in modules_outside_store()}
    assert {"usecases", "attendance", "domain", "api", "face", "geo", "simpeg", "auth"} <= checked


@pytest.mark.parametrize("path", modules_outside_store(), ids=lambda p: str(p.relative_to(CHALICELIB)))
def test_no_module_outside_store_imports_pynamodb_or_the_models(path: Path) -> None:
    assert storage_imports(path) == []


def test_the_check_sees_an_import_of_the_models() -> None:
    # GIVEN the kinds of import that used to leak models into the use cases, THEN each one is seen
    for source in (
        "from chalicelib.store.models import EventModel",
        "from chalicelib.store import models",
        "import pynamodb.attributes",
        "def f():\n    from pynamodb.exceptions import DoesNotExist",
    ):
        imports = set(imported_modules(ast.parse(source)))
        assert imports & {"chalicelib.store.models", "pynamodb.attributes", "pynamodb.exceptions"}, source


def public_signatures() -> Iterator[tuple[str, str, set[str]]]:
    """(module, function, names in one annotation) of every public function and method of the repositories."""
    for path in sorted(STORE.glob("*.py")):
        if path.stem in ("models", "base", "schema", "__init__"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        scopes: list[ast.AST] = [tree] + [
            n for n in tree.body if isinstance(n, ast.ClassDef) and not n.name.startswith("_")
        ]
        for scope in scopes:
            for node in ast.iter_child_nodes(scope):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
                    arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
                    for annotation in [a.annotation for a in arguments] + [node.returns]:
                        if annotation is not None:
                            yield path.stem, node.name, annotation_names(annotation)


def annotation_names(annotation: ast.expr) -> set[str]:
    """Every name an annotation mentions, also inside a string (`from __future__ import annotations`)."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body
    return {n.id for n in ast.walk(annotation) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(annotation) if isinstance(n, ast.Attribute)
    }


def test_repositories_neither_take_nor_hand_out_models() -> None:
    leaks = [
        f"store.{module}.{function}: {sorted(names & (MODEL_NAMES | {'Action'}))}"
        for module, function, names in public_signatures()
        if (module, function) not in INTERNAL and names & (MODEL_NAMES | {"Action"})
    ]
    assert leaks == []


def test_the_signature_check_sees_a_model() -> None:
    # GIVEN the annotations of the former store functions, THEN each names a model or an update action
    for text in ("list[EventModel]", "EmployeeModel | AdminModel", "'DutyModel | None'", "list[update.Action]"):
        assert annotation_names(ast.parse(text, mode="eval").body) & (MODEL_NAMES | {"Action"}), text
