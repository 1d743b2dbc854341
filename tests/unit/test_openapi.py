"""docs/openapi.yaml must describe the API the app really serves.

The document is generated from the route declarations and the use cases' models (`python -m tools.openapi`);
the committed file must be exactly what the code generates, and these tests check what it says: the same
(path, method) pairs as the Chalice app, the same roles and success statuses as the route declarations, the
same error codes as the one status table, and a structurally valid OpenAPI 3.1 document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from chalicelib.api.errors import REFUSAL_CODES, STATUS_BY_CODE
from chalicelib.api.openapi import REGENERATE, render, served_endpoints

SPEC_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
FALLBACK_VIEWS = {"_method_not_allowed", "_not_found"}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}
ROLES_BY_AUTH = {
    "none": set(),
    "employee": {"employee"},
    "admin": {"unit_admin", "super_admin", "auditor"},
    "super_admin": {"super_admin", "auditor"},  # auditor: reads only (decision 67)
    "any": {"employee", "unit_admin", "super_admin", "auditor"},
}
ERROR_REF = "#/components/schemas/Error"
CODE_IN_TEXT = re.compile(r"`([A-Z][A-Z_]{2,})`")

Operation = dict[str, Any]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def served() -> dict[tuple[str, str], dict[str, Any]]:
    """(path, METHOD) → the arguments the route was declared with (auth_as, status)."""
    from app import app

    routes: dict[tuple[str, str], dict[str, Any]] = {}
    for path, entries in app.routes.items():
        for method, entry in entries.items():
            if entry.view_name not in FALLBACK_VIEWS:
                routes[(path, method.upper())] = {}
    # endpoint() keeps what each route was declared with in a registry: read it instead of repeating it here.
    for declared in served_endpoints(app):
        routes[(declared.path, declared.method)] = {
            "auth_as": declared.auth_as,
            "status": declared.status,
            "accepted": declared.accepted is not None,
        }
    assert all(routes.values()), "every route is declared with endpoint()"
    return routes


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, Operation]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method.upper(), operation


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow local $refs until a concrete node."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"only local references are used: {ref}"
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def is_public(spec: dict[str, Any], operation: Operation) -> bool:
    return bool(operation.get("security", spec.get("security", [])) == [])


def success_statuses(operation: Operation) -> set[int]:
    return {int(s) for s in operation["responses"] if s.isdigit() and 200 <= int(s) < 300}


def all_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from all_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_refs(value)


# --- (a) the document and the app serve the same operations -------------------------------------------


def test_committed_document_is_what_the_code_generates() -> None:
    from app import app

    assert SPEC_PATH.read_text(encoding="utf-8") == render(app), f"docs/openapi.yaml is out of date: run `{REGENERATE}`"


def test_documented_operations_are_exactly_the_served_routes(
    spec: dict[str, Any], served: dict[tuple[str, str], dict[str, Any]]
) -> None:
    # GIVEN the app's routes without the 404/405 fallbacks, and the document's operations
    documented = {(path, method) for path, method, _ in operations(spec)}
    # THEN neither has an operation the other lacks
    assert sorted(set(served) - documented) == [], "served but not documented"
    assert sorted(documented - set(served)) == [], "documented but not served"


def test_fallback_routes_are_not_documented(spec: dict[str, Any]) -> None:
    catch_all = [path for path in spec["paths"] if re.fullmatch(r"(/\{p\d+\})+", path)]
    assert catch_all == []


# --- (b) responses ----------------------------------------------------------------------------------


def test_every_operation_has_one_success_response_equal_to_the_route_status(
    spec: dict[str, Any], served: dict[tuple[str, str], dict[str, Any]]
) -> None:
    # ... and 202 where the route may hand its work to the background (SIMPEG import and sync).
    for path, method, operation in operations(spec):
        route = served[(path, method)]
        expected = {route["status"], 202} if route["accepted"] else {route["status"]}
        assert success_statuses(operation) == expected, f"{method} {path}"


def test_every_authenticated_operation_documents_401_and_403(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        if not is_public(spec, operation):
            assert {"401", "403"} <= set(operation["responses"]), f"{method} {path}"


def test_every_operation_documents_503_and_a_default(spec: dict[str, Any]) -> None:
    # Every request first makes sure the tables are configured, so storage trouble can reach any route.
    for path, method, operation in operations(spec):
        assert {"503", "default"} <= set(operation["responses"]), f"{method} {path}"


def test_operations_with_a_request_body_document_400_and_413(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        if "requestBody" in operation:
            assert {"400", "413"} <= set(operation["responses"]), f"{method} {path}"


def test_error_responses_use_the_error_schema(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status == "default" or int(status) >= 400:
                schema = resolve(spec, response)["content"]["application/json"]["schema"]
                assert ERROR_REF in set(all_refs(schema)), f"{method} {path} {status}"


def test_codes_named_by_an_error_response_belong_to_its_status(spec: dict[str, Any]) -> None:
    # A response description like "`FORBIDDEN`, `DEVICE_MISMATCH`" must only name codes answered with that status.
    checked = 0
    for path, method, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status == "default" or int(status) < 400:
                continue
            codes = CODE_IN_TEXT.findall(resolve(spec, response)["description"])
            assert codes, f"{method} {path} {status}: the description names no error code"
            wrong = [c for c in codes if STATUS_BY_CODE.get(c) != int(status)]
            assert wrong == [], f"{method} {path} {status}: {wrong}"
            checked += 1
    assert checked > 0


# --- roles --------------------------------------------------------------------------------------------


def test_documented_roles_agree_with_the_route_auth(
    spec: dict[str, Any], served: dict[tuple[str, str], dict[str, Any]]
) -> None:
    for path, method, operation in operations(spec):
        auth_as = served[(path, method)]["auth_as"]
        roles = set(operation["x-roles"])
        # A use case may narrow the route's gate (zones: super_admin only), never widen it.
        assert roles <= ROLES_BY_AUTH[auth_as], f"{method} {path}"
        assert bool(roles) == (auth_as != "none"), f"{method} {path}"
        assert is_public(spec, operation) == (auth_as == "none"), f"{method} {path}"
        shown = "none" if not roles else ", ".join(sorted(roles))
        assert all(role in operation["description"] for role in shown.split(", ")), f"{method} {path}"


# --- (c) error codes ----------------------------------------------------------------------------------


def error_code_enum(spec: dict[str, Any]) -> list[str]:
    error = spec["components"]["schemas"]["Error"]
    codes: list[str] = error["properties"]["error"]["properties"]["code"]["enum"]
    return codes


def test_error_code_enum_equals_the_status_table(spec: dict[str, Any]) -> None:
    codes = error_code_enum(spec)
    assert len(codes) == len(set(codes)), "duplicate codes in the enum"
    assert set(codes) == set(STATUS_BY_CODE)


def test_check_in_422_lists_exactly_the_refusal_codes(spec: dict[str, Any]) -> None:
    response = resolve(spec, spec["paths"]["/v1/attendance"]["post"]["responses"]["422"])
    schema = response["content"]["application/json"]["schema"]
    narrowed = [part for part in schema["allOf"] if "$ref" not in part]
    enums = [p["properties"]["error"]["properties"]["code"]["enum"] for p in narrowed]
    assert [set(e) for e in enums] == [set(REFUSAL_CODES)]
    assert "event_id" in narrowed[0]["properties"]


def test_every_status_of_the_table_is_used_by_some_operation(spec: dict[str, Any]) -> None:
    # 405, 414, 415, 431 and 500 come from the router, the request's shape or a bug: they are the `default`
    # response, not per operation.
    documented = {int(s) for _, _, op in operations(spec) for s in op["responses"] if s.isdigit()}
    expected = set(STATUS_BY_CODE.values()) - {405, 414, 415, 431, 500}
    assert expected <= documented


# --- (d) a valid OpenAPI 3.1 document ------------------------------------------------------------------


def test_document_passes_openapi_spec_validator(spec: dict[str, Any]) -> None:
    validator = pytest.importorskip(
        "openapi_spec_validator", reason="openapi-spec-validator is not installed (requirements-dev.txt)"
    )
    validator.validate(spec)


def test_document_structure(spec: dict[str, Any]) -> None:
    # Checked by hand as well, so that the essentials hold even without the validator package.
    assert str(spec["openapi"]).startswith("3.1.")
    assert {"title", "version"} <= set(spec["info"])
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    tags = {t["name"] for t in spec["tags"]}
    operation_ids = [op["operationId"] for _, _, op in operations(spec)]
    assert len(operation_ids) == len(set(operation_ids)), "operationId must be unique"
    for path, method, operation in operations(spec):
        assert operation["summary"], f"{method} {path}"
        assert operation["tags"] and set(operation["tags"]) <= tags, f"{method} {path}"


def test_every_reference_resolves(spec: dict[str, Any]) -> None:
    refs = set(all_refs(spec))
    assert refs
    for ref in refs:
        assert resolve(spec, {"$ref": ref}) is not None, ref


def test_path_parameters_match_the_path_templates(spec: dict[str, Any]) -> None:
    for path, item in spec["paths"].items():
        in_template = set(re.findall(r"\{(\w+)\}", path))
        shared = [resolve(spec, p) for p in item.get("parameters", [])]
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            params = shared + [resolve(spec, p) for p in operation.get("parameters", [])]
            declared = {p["name"] for p in params if p["in"] == "path"}
            assert declared == in_template, f"{method.upper()} {path}"
            assert all(p["required"] for p in params if p["in"] == "path"), f"{method.upper()} {path}"


def test_a_punch_file_is_documented_as_the_files_the_import_reads(spec: dict[str, Any]) -> None:
    # the machine's log is a file (ATTLOG or CSV, perhaps gzipped); a JSON body is refused (415)
    content = spec["paths"]["/v1/admin/fingerprint/import"]["post"]["requestBody"]["content"]
    assert sorted(content) == ["application/gzip", "text/csv", "text/plain"]
