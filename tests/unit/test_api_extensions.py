"""docs/api_extensions.md must name every endpoint SMART serves beyond API.md, and only endpoints that exist.

Client builders and the regency's IT staff read one page for what SMART adds to the shared contract. The
endpoints are the part a test can hold to the code: docs/openapi.yaml is generated from the routes (and
tests/unit/test_openapi.py keeps it so), API.md names its own with a method and a path.
"""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import REPO, SHARED

SPEC_PATH = REPO / "docs" / "openapi.yaml"
EXTENSIONS_PATH = REPO / "docs" / "api_extensions.md"
API_MD_PATH = SHARED / "docs" / "API.md"
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# "GET /v1/x", and API.md's "GET/PUT/DELETE /v1/x/{id}": one or more methods, then a path.
NAMED = re.compile(
    r"((?:GET|POST|PUT|PATCH|DELETE)(?:/(?:GET|POST|PUT|PATCH|DELETE))*) (/v1/[A-Za-z0-9_/{}.-]*[A-Za-z0-9_}])"
)

Operation = tuple[str, str]


def shape(path: str) -> str:
    """A path with its parameters unnamed: `{nip}` and `{employee_nip}` are the same route."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def named_in(text: str) -> set[Operation]:
    return {(method, shape(path)) for methods, path in NAMED.findall(text) for method in methods.split("/")}


def served() -> set[Operation]:
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return {
        (method.upper(), shape(path))
        for path, item in spec["paths"].items()
        for method in item
        if method.upper() in HTTP_METHODS
    }


def added_table() -> set[Operation]:
    """The operations the page's section 2 lists (one table row each)."""
    section = EXTENSIONS_PATH.read_text(encoding="utf-8").split("\n## 2.")[1].split("\n## 3.")[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {named for row in rows for named in named_in(row.split(" | ")[0])}


def test_every_endpoint_api_md_does_not_name_is_on_the_page() -> None:
    # GIVEN the operations docs/openapi.yaml describes and those API.md names
    if not API_MD_PATH.is_file():
        pytest.skip(f"the shared contract is absent ({API_MD_PATH})")
    beyond = served() - named_in(API_MD_PATH.read_text(encoding="utf-8"))
    # WHEN the page's table of added endpoints is read
    listed = added_table()
    # THEN every operation beyond API.md is in it: a new route cannot reach clients undocumented
    assert sorted(beyond - listed) == []


def test_the_page_lists_only_endpoints_that_are_served() -> None:
    # GIVEN the page's table of added endpoints
    listed = added_table()
    # WHEN it is compared with what the code serves
    # THEN a removed or renamed route leaves no row behind
    assert listed, "section 2 lists the added endpoints"
    assert sorted(listed - served()) == []
