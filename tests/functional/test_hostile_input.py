"""Hostile input through the real app (issue 16, API.md "Additions of v1"): every bad value answers 4xx with
the API's error body, never 5xx. Dates outside 2000-01-01..2100-12-31, unpaired surrogates, broken `next`
cursors, JSON nested deeper than 32 levels, unknown enum values, unknown paths and methods, over-long URIs
(414) and headers (431)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from infra.gateway import gateway_responses
from tests.functional.conftest import Answer, Api, client_call

NIP = "198501012010011001"
UNIT = "U1"
EMPLOYEE = {"nip": NIP, "nama": "Asep", "unor_id": UNIT, "unor_nama": "SDN 1", "jabatan": "Guru", "status": "aktif"}
CIRCLE = {"lat": -6.84, "lon": 107.48, "radius_m": 150}


def error_of(answer: Answer, status: int) -> dict[str, Any]:
    assert answer.status == status, (answer.status, answer.body)
    assert answer.headers.get("Content-Type", "").startswith("application/json"), answer.headers
    error = answer.body["error"]
    assert set(error) == {"code", "message", "details"} and isinstance(error["message"], str)
    return dict(error)


def refused(answer: Answer, field: str | None = None) -> dict[str, Any]:
    """A 400 VALIDATION_ERROR whose details name `field` (when given)."""
    error = error_of(answer, 400)
    assert error["code"] == "VALIDATION_ERROR", error
    if field is not None:
        assert field in error["details"], error
    return error


@pytest.fixture()
def admin(api: Api) -> str:
    token = api.admin_token()
    imported = api.call("POST", "/v1/admin/simpeg/import", {"employees": [EMPLOYEE]}, token=token)
    assert imported.status == 200, imported.body
    return token


# --- dates outside 2000-01-01..2100-12-31, in queries, paths and bodies ---------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_dates_outside_the_range_are_refused_in_queries(api: Api, admin: str, day: str) -> None:
    refused(api.call("GET", f"/v1/admin/recaps/daily?date={day}&unor_id={UNIT}", token=admin), "date")
    refused(api.call("GET", f"/v1/admin/monitor?date={day}", token=admin), "date")
    refused(api.call("POST", "/v1/admin/recaps/daily", {"date": day, "unor_id": UNIT}, token=admin), "date")
    refused(api.call("GET", f"/v1/admin/recaps/monthly?month={day[:7]}&unor_id={UNIT}", token=admin), "month")


@pytest.mark.parametrize("at", ["20261399T000000Z", "20260230T003000Z", "20261203T256100Z"])
def test_an_event_id_naming_an_impossible_time_is_refused_not_a_500(api: Api, admin: str, at: str) -> None:
    forged = f"{NIP}.{at}.0a1b2c3d"  # the shape of an event id, a time that never was
    refused(api.call("POST", f"/v1/admin/reviews/{forged}", {"decision": "approve"}, token=admin), "event_id")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_dates_outside_the_range_are_refused_in_paths_and_bodies(api: Api, admin: str, day: str) -> None:
    refused(api.call("PUT", f"/v1/admin/holidays/{day}", {"name": "Libur"}, token=admin), "date")
    leave = {"nip": NIP, "type": "CUTI", "start_date": day, "end_date": day}
    refused(api.call("POST", "/v1/admin/leaves", leave, token=admin), "start_date")
    duty = {
        "nips": [NIP],
        "circle": CIRCLE,
        "start_date": "2026-01-05",
        "end_date": day,
        "letter_no": "1",
        "reason": "x",
    }
    refused(api.call("POST", "/v1/admin/assignments", duty, token=admin), "end_date")
    schedule = {"effective_from": day, "days": {"mon": {"start": "07:30", "end": "16:00"}}}
    refused(api.call("PUT", f"/v1/admin/units/{UNIT}/schedule", schedule, token=admin), "effective_from")


def test_the_range_ends_are_dates_like_any_other(api: Api, admin: str) -> None:
    for day in ("2000-01-01", "2100-12-31"):
        answer = api.call("GET", f"/v1/admin/recaps/daily?date={day}&unor_id={UNIT}", token=admin)
        assert answer.status == 200, answer.body


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "2026-1x"])
def test_a_month_that_is_no_month_is_refused_as_such(api: Api, admin: str, month: str) -> None:
    error = refused(api.call("GET", f"/v1/admin/recaps/monthly?month={month}&unor_id={UNIT}", token=admin), "month")
    assert error["details"]["month"] == "must be a real month YYYY-MM"


def test_a_year_outside_the_range_is_refused(api: Api, admin: str) -> None:
    period = {"start_date": "9999-03-01", "end_date": "9999-03-30"}
    assert error_of(api.call("PUT", "/v1/admin/ramadan/9999", period, token=admin), 400)["code"] == "VALIDATION_ERROR"
    refused(api.call("GET", "/v1/admin/holidays?year=9999", token=admin), "year")
    refused(api.call("GET", "/v1/admin/ramadan/9999", token=admin), "year")


# --- digits that are not 0-9, and a trailing newline ------------------------------------------------------------
# `str.isdigit` also takes superscripts ("²", which `int` refuses: a 500) and Arabic-Indic or full-width digits
# ("٢٠٢٦", which `int` reads as 2026: a second spelling); `re.match` with `$` also takes a trailing "\n".

OTHER_DIGITS = {"superscript": "²⁰²⁶", "arabic_indic": "٢٠٢٦", "full_width": "２０２６"}


@pytest.mark.parametrize("year", OTHER_DIGITS.values(), ids=OTHER_DIGITS.keys())
def test_a_year_written_in_other_digits_is_refused_not_a_500(api: Api, admin: str, year: str) -> None:
    # GIVEN a super admin WHEN a year is written in digits that are not 0-9, in a path and in a query
    period = {"start_date": "2026-02-18", "end_date": "2026-03-19"}
    # THEN each answers 400 VALIDATION_ERROR naming the year, in the API's words (no Python exception text)
    for answer in (
        api.call("PUT", f"/v1/admin/ramadan/{year}", period, token=admin),
        api.call("GET", f"/v1/admin/ramadan/{year}", token=admin),
        api.call("GET", f"/v1/admin/holidays?year={year}", token=admin),
    ):
        assert refused(answer, "year")["details"]["year"] == "2000-2100"


@pytest.mark.parametrize("digits", ["¹²", "٠١", "０１"], ids=["superscript", "arabic_indic", "full_width"])
def test_numbers_written_in_other_digits_are_refused_in_their_own_words(api: Api, admin: str, digits: str) -> None:
    # GIVEN a super admin WHEN a month, a clock correction and a page size are written in digits that are not 0-9
    month = refused(api.call("GET", f"/v1/admin/recaps/monthly?month=2026-{digits}&unor_id={UNIT}", token=admin))
    punches = api.call(
        "POST",
        f"/v1/admin/fingerprint/import?offset_minutes={digits}",
        raw=f"{NIP}\t2026-01-05 07:00:00\t1\t0\t0\t0\n".encode(),
        content_type="text/plain",
        token=admin,
    )
    jobs = api.call("GET", f"/v1/admin/jobs?limit={digits}", token=admin)
    # THEN each is 400 VALIDATION_ERROR saying what the value must be, never a Python "invalid literal for int()"
    assert month["details"]["month"] == "must be a real month YYYY-MM"
    assert refused(punches, "offset_minutes")["details"]["offset_minutes"].startswith("whole minutes")
    assert "invalid literal" not in str(refused(jobs, "limit")["details"])


def test_a_nip_with_a_trailing_newline_is_no_nip(api: Api, admin: str) -> None:
    # GIVEN an imported employee WHEN their NIP is sent with a trailing newline (which `^[0-9]{18}$` lets through
    # Python's re.match) in a body, a query and a login
    spelling = f"{NIP}\n"
    leave = {"nip": spelling, "type": "CUTI", "start_date": "2026-01-05", "end_date": "2026-01-05"}
    login = {"nip": spelling, "password": "bukan-sandinya-1", "device_id": "abcdefgh-1"}
    # THEN each answers 400 VALIDATION_ERROR naming the NIP: not 404 "no such employee", not 401, no lockout kept
    refused(api.call("POST", "/v1/admin/leaves", leave, token=admin), "nip")
    refused(api.call("GET", f"/v1/admin/faces/pending?nip={NIP}%0A", token=admin), "nip")
    refused(api.call("POST", "/v1/auth/login", login), "nip")


def test_a_device_id_with_a_trailing_newline_is_no_device_id(api: Api, admin: str) -> None:
    # GIVEN an imported employee WHEN a login names the phone "abcdefgh-1\n" (a second spelling of one phone)
    login = {"nip": NIP, "password": "bukan-sandinya-1", "device_id": "abcdefgh-1\n"}
    # THEN it is 400 VALIDATION_ERROR naming the device id, before any password is tried
    refused(api.call("POST", "/v1/auth/login", login), "device_id")


# --- unpaired surrogates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["\\ud800", "a\\udfffb", "\\udc00\\ud800"])
def test_unpaired_surrogates_in_json_strings_are_refused(api: Api, admin: str, text: str) -> None:
    zone = f'{{"name": "{text}", "circle": {json.dumps(CIRCLE)}}}'.encode()
    refused(api.call("POST", "/v1/admin/zones", raw=zone, token=admin), "body")
    login = f'{{"username": "{text}", "password": "whatever-long"}}'.encode()
    refused(api.call("POST", "/v1/auth/admin/login", raw=login), "body")
    key = f'{{"{text}": 1, "employees": []}}'.encode()
    refused(api.call("POST", "/v1/admin/simpeg/import", raw=key, token=admin), "body")


@pytest.mark.parametrize("text", ["Kantor\\u0000", "a\\u0007b", "\\u001b[31m", "x\\u007f"])
def test_control_characters_in_json_strings_are_refused(api: Api, admin: str, text: str) -> None:
    # GIVEN a zone's name or an admin's user name holding a control character no one types (NUL, BEL, ESC, DEL)
    zone = f'{{"name": "{text}", "circle": {json.dumps(CIRCLE)}}}'.encode()
    # THEN it is 400 VALIDATION_ERROR naming the body, and no zone is kept
    refused(api.call("POST", "/v1/admin/zones", raw=zone, token=admin), "body")
    login = f'{{"username": "{text}", "password": "whatever-long"}}'.encode()
    refused(api.call("POST", "/v1/auth/admin/login", raw=login), "body")
    assert api.call("GET", "/v1/admin/zones", token=admin).body["items"] == []


def test_tabs_and_line_breaks_are_ordinary_text(api: Api, admin: str) -> None:
    zone = f'{{"name": "Kantor\\tCamat\\r\\nLama", "circle": {json.dumps(CIRCLE)}}}'.encode()
    created = api.call("POST", "/v1/admin/zones", raw=zone, token=admin)
    assert created.status == 201, created.body


def test_a_surrogate_pair_is_an_ordinary_character(api: Api, admin: str) -> None:
    zone = f'{{"name": "Kantor \\ud83c\\udfe2", "circle": {json.dumps(CIRCLE)}}}'.encode()
    created = api.call("POST", "/v1/admin/zones", raw=zone, token=admin)
    assert created.status == 201, created.body
    assert created.body["name"] == "Kantor \U0001f3e2"


# --- a unit id longer than any unit's, on every route that filters by unit ----------------------------------

UNIT_FILTERED_ROUTES = [
    "/v1/admin/recaps/monthly?month=2026-11&",
    "/v1/admin/recaps/monthly/pdf?month=2026-11&",
    "/v1/admin/reports/adoption?from=2026-11-01&to=2026-11-30&",
    "/v1/admin/recaps/daily?date=2026-11-02&",
    "/v1/admin/monitor?",
    "/v1/admin/employees?",
    "/v1/admin/faces/pending?",
    "/v1/admin/requests?",
    "/v1/admin/attempts?",
    "/v1/admin/leaves?",
    "/v1/admin/reviews?",
]


@pytest.mark.parametrize("route", UNIT_FILTERED_ROUTES)
def test_a_unit_id_longer_than_simpeg_takes_is_refused(api: Api, admin: str, route: str) -> None:
    # GIVEN a unit id of 2,100 characters (DynamoDB refuses a key over 2,048 bytes: the monthly recap and the
    # adoption report answered 503 UNAVAILABLE, which a client retries for ever)
    answer = api.call("GET", f"{route}unor_id={'a' * 2100}", token=admin)
    # THEN it is 400 VALIDATION_ERROR naming unor_id
    refused(answer, "unor_id")


# --- broken `next` cursors on every route that pages --------------------------------------------------------


def cursor(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


BROKEN_CURSORS = [
    "!!!",
    "e30",  # base64 without padding
    cursor({}),
    cursor([1, 2]),
    cursor("text"),
    cursor({"pk": {"S": "x"}}),  # a key of no table
    cursor({"nip": {"S": NIP}, "unor_id": {"S": UNIT}, "nama": {"N": "x"}}),
    cursor({"nip": 5}),
    cursor({"unit": "x", "key": None}),
    cursor({"unit": 99, "key": {"x": {"S": "y"}}}),
    base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    "A" * 5000,
]
PAGED_ROUTES = [
    f"/v1/admin/employees?unor_id={UNIT}",
    "/v1/admin/simpeg/runs?",
    f"/v1/admin/recaps/daily?date=2026-01-05&unor_id={UNIT}",
    "/v1/admin/reviews?",
    f"/v1/admin/reviews?unor_id={UNIT}",
    "/v1/admin/attempts?",
    "/v1/admin/audit?",
    "/v1/admin/leaves?",
    "/v1/admin/assignments?",
    "/v1/admin/requests?",
    "/v1/admin/faces/pending?",
    "/v1/admin/monitor?",
    "/v1/admin/recaps/daily?date=2026-01-05&",
]
# Lists that always fit one page: their `next` is null, so a cursor was never issued and any one is broken.
ONE_PAGE_ROUTES = [
    "/v1/admin/units?",
    "/v1/admin/zones?",
    "/v1/admin/users?",
    "/v1/admin/holidays?year=2026",
    f"/v1/admin/employees/{NIP}/faces?",
    "/v1/admin/faces/duplicates?",
    "/v1/admin/jobs?",
    f"/v1/admin/monitor?unor_id={UNIT}",
    f"/v1/admin/recaps/monthly?month=2026-01&unor_id={UNIT}",
]


@pytest.mark.parametrize("route", PAGED_ROUTES)
def test_broken_next_cursors_are_refused(api: Api, admin: str, route: str) -> None:
    for broken in BROKEN_CURSORS:
        separator = "" if route.endswith("?") else "&"
        answer = api.call("GET", f"{route}{separator}next={broken}", token=admin)
        if broken == "A" * 5000:
            assert answer.status == 414, answer.body  # the URI limit comes first
            continue
        refused(answer, "next")


@pytest.mark.parametrize("route", ONE_PAGE_ROUTES)
def test_a_one_page_list_answers_next_null_and_refuses_any_cursor(api: Api, admin: str, route: str) -> None:
    answer = api.call("GET", route, token=admin)
    assert answer.status == 200 and answer.body["next"] is None, answer.body
    separator = "" if route.endswith("?") else "&"
    for broken in ("!!!", cursor({"k": {"S": "x"}})):
        refused(api.call("GET", f"{route}{separator}next={broken}", token=admin), "next")


def test_a_cursor_of_one_list_is_refused_by_another(api: Api, admin: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.usecases import directory

    # GIVEN a genuine cursor of the regency's employees (pages of one), U1's Asep and U2's Cucu
    monkeypatch.setattr(directory, "PAGE", 1)
    elsewhere = {**EMPLOYEE, "nip": "197001012000011003", "nama": "Cucu", "unor_id": "U2", "unor_nama": "SDN 2"}
    assert api.call("POST", "/v1/admin/simpeg/import", {"employees": [elsewhere]}, token=admin).status == 200
    first = api.call("GET", "/v1/admin/employees", token=admin).body
    assert [e["nip"] for e in first["items"]] == [NIP] and first["next"], first
    # THEN it reads the list's next page
    following = api.call("GET", f"/v1/admin/employees?next={first['next']}", token=admin)
    assert following.status == 200 and [e["nip"] for e in following.body["items"]] == [elsewhere["nip"]]
    # AND sent to another list, or to this one with other filters, it is refused (400), never an empty page
    # read from another table's or another filter's position
    for route in ("/v1/admin/reviews?", "/v1/admin/requests?", "/v1/admin/audit?", "/v1/admin/employees?q=Cucu&"):
        refused(api.call("GET", f"{route}next={first['next']}", token=admin), "next")


# --- JSON nested deeper than 32 levels ---------------------------------------------------------------------------


def nested(levels: int) -> bytes:
    return ('{"username": ' + "[" * (levels - 1) + "]" * (levels - 1) + ', "password": "x"}').encode()


def test_json_nested_deeper_than_32_levels_is_refused(api: Api) -> None:
    error = refused(api.call("POST", "/v1/auth/admin/login", raw=nested(33)), "body")
    assert "32" in error["details"]["body"]
    refused(api.call("POST", "/v1/auth/admin/login", raw=nested(100_000)), "body")  # past Python's recursion limit
    at_limit = refused(api.call("POST", "/v1/auth/admin/login", raw=nested(32)))
    assert at_limit["details"] != error["details"] and "username" in at_limit["details"]


# --- unknown enum values -----------------------------------------------------------------------------------------


def test_unknown_enum_values_are_refused(api: Api, admin: str) -> None:
    refused(api.call("GET", f"/v1/admin/recaps/monthly?month=2026-01&unor_id={UNIT}&format=pdf", token=admin), "format")
    refused(api.call("GET", "/v1/admin/reviews?status=bogus", token=admin), "status")
    refused(api.call("GET", "/v1/admin/attempts?code=BOGUS", token=admin), "code")
    refused(api.call("GET", "/v1/admin/requests?status=bogus", token=admin), "status")
    refused(api.call("GET", "/v1/admin/jobs?job=bogus", token=admin), "job")
    leave = {"nip": NIP, "type": "LIBURAN", "start_date": "2026-01-05", "end_date": "2026-01-05"}
    refused(api.call("POST", "/v1/admin/leaves", leave, token=admin), "type")
    refused(api.call("POST", "/v1/admin/simpeg/import?full=maybe", raw=b"nip\n", content_type="text/csv", token=admin))
    user = {"username": "kaisar", "password": "sangat-kuat-sekali-9", "role": "emperor", "unit_ids": []}
    refused(api.call("POST", "/v1/admin/users", user, token=admin))


# --- unknown paths and methods, 414 and 431 ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/nothing", "/v1/nothing/here", "/v1/a/b/c/d/e/f", "/v1/health/x"])
def test_unknown_paths_answer_404_with_the_error_body(api: Api, path: str) -> None:
    assert error_of(api.call("GET", path), 404)["code"] == "NOT_FOUND"
    assert error_of(api.call("POST", path, {}), 404)["code"] == "NOT_FOUND"


GATEWAY_BODY = {"error": {"code": "NOT_FOUND", "message": "Alamat tidak ditemukan.", "details": {}}}


def test_what_only_api_gateway_answers_gets_its_gateway_response(api: Api) -> None:
    # Deeper paths than the app's catch-all routes, and methods API Gateway has no route kind for, never reach
    # the function: the gateway answers them MISSING_AUTHENTICATION_TOKEN (locally chalice does the same, 403).
    assert api.call("GET", "/v1/a/b/c/d/e/f/g/h/i/j").status == 403
    assert api.call("TRACE", "/v1/health").status in (403, 405)
    responses = gateway_responses()
    missing = responses["MISSING_AUTHENTICATION_TOKEN"]
    assert missing["statusCode"] == "404"
    assert json.loads(missing["responseTemplates"]["application/json"]) == GATEWAY_BODY
    assert "statusCode" not in responses["DEFAULT_4XX"]  # its own status (414, 431, ...) with the error body
    assert json.loads(responses["DEFAULT_4XX"]["responseTemplates"]["application/json"])["error"]["code"]


@pytest.mark.parametrize("method", ["OPTIONS", "DELETE", "PUT", "PATCH"])
def test_a_known_path_with_a_wrong_method_answers_405(api: Api, method: str) -> None:
    assert error_of(api.call(method, "/v1/health"), 405)["code"] == "METHOD_NOT_ALLOWED"


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "HEAD"])
def test_other_methods_never_answer_5xx(api: Api, method: str) -> None:
    answer = api.call(method, "/v1/admin/users")
    assert 400 <= answer.status < 500, (answer.status, answer.body)


def test_an_over_long_uri_answers_414(api: Api) -> None:
    assert error_of(api.call("GET", "/v1/health?pad=" + "a" * 5000), 414)["code"] == "URI_TOO_LONG"
    assert error_of(api.call("GET", "/v1/" + "x" * 5000), 414)["code"] == "URI_TOO_LONG"
    assert api.call("GET", "/v1/health?pad=" + "a" * 3000).status == 200


def test_over_large_headers_answer_431(api: Api) -> None:
    headers = {"Content-Type": "application/json", "X-Padding": "a" * 9000}
    response = client_call(api.client, "GET", "/v1/health", headers, b"")
    assert response.status_code == 431
    assert json.loads(response.body)["error"]["code"] == "HEADERS_TOO_LARGE"
    small = client_call(api.client, "GET", "/v1/health", {"X-Padding": "a" * 1000}, b"")
    assert small.status_code == 200
