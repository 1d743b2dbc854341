"""Typed request parsing through the API: strict types, names of (nested) fields, limits, messages, order.

Bodies and query strings are parsed into the use cases' pydantic models by the HTTP layer; every problem is a
400 VALIDATION_ERROR whose `details` name the fields and whose `message` is Indonesian.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.store.people import DynamoPeopleRepository
from tests.functional.conftest import ADMIN_PASSWORD, Answer, Api

PEOPLE = DynamoPeopleRepository()

NIP = "198501012010011001"
CIRCLE = {"lat": -6.8468, "lon": 107.4857, "radius_m": 80}


def error(answer: Answer) -> dict[str, Any]:
    assert answer.status == 400, answer.body
    assert answer.body["error"]["code"] == "VALIDATION_ERROR"
    return dict(answer.body["error"])


def test_a_bool_is_not_a_number_and_nested_fields_are_named_with_dots(api: Api) -> None:
    admin = api.admin_token()
    answer = api.call("POST", "/v1/admin/zones", {"name": "x", "circle": {**CIRCLE, "radius_m": True}}, token=admin)
    err = error(answer)
    assert err["details"] == {"circle.radius_m": "not_a_number"}
    assert err["message"] == "Koordinat harus berupa angka"  # the geo package's words, as before


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_refused(api: Api, literal: bytes) -> None:
    admin = api.admin_token()
    raw = b'{"name": "x", "circle": {"lat": ' + literal + b', "lon": 107.4857, "radius_m": 80}}'
    err = error(api.call("POST", "/v1/admin/zones", raw=raw, token=admin))
    assert "circle.lat" in err["details"]


HUGE = "1" + "0" * 400  # valid JSON; an int too large for a float (math.isfinite raised OverflowError: a 500)


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("/v1/admin/zones", f'{{"name": "x", "circle": {{"lat": {HUGE}, "lon": 107.4857, "radius_m": 80}}}}'),
        ("/v1/admin/zones", f'{{"name": "x", "circle": {{"lat": -6.8, "lon": 107.4, "radius_m": {HUGE}}}}}'),
        ("/v1/admin/zones", f'{{"name": "x", "polygon": [[{HUGE}, 107.4], [-6.8, 107.5], [-6.9, 107.4]]}}'),
        (
            "/v1/admin/assignments",
            f'{{"nips": ["{NIP}"], "start_date": "2026-12-10", "end_date": "2026-12-11", "letter_no": "1/2026", '
            f'"reason": "x", "circle": {{"lat": {HUGE}, "lon": 107.4857, "radius_m": 80}}}}',
        ),
    ],
)
def test_a_number_too_large_for_a_float_is_refused(api: Api, route: str, body: str) -> None:
    admin = api.admin_token()
    err = error(api.call("POST", route, raw=body.encode(), token=admin))
    assert "not_a_number" in err["details"].values(), err


def test_a_missing_field_is_named_and_said_to_be_required(api: Api) -> None:
    err = error(api.call("POST", "/v1/auth/admin/login", {"username": "admin"}))
    assert err["details"] == {"password": "required"}
    assert err["message"] == "Kolom 'password' wajib diisi."


def test_a_number_is_not_a_string(api: Api) -> None:
    err = error(api.call("POST", "/v1/auth/admin/login", {"username": 5, "password": "x"}))
    assert list(err["details"]) == ["username"]
    assert err["message"] == "Kolom 'username' tidak valid."


def test_every_invalid_field_is_named(api: Api) -> None:
    err = error(api.call("POST", "/v1/auth/admin/login", {"username": "", "password": 7}))
    assert set(err["details"]) == {"username", "password"}


def test_an_over_long_string_is_refused(api: Api) -> None:
    admin = api.admin_token()
    err = error(api.call("POST", "/v1/admin/zones", {"name": "x" * 121, "circle": CIRCLE}, token=admin))
    assert list(err["details"]) == ["name"]
    ok = api.call("POST", "/v1/admin/zones", {"name": "x" * 120, "circle": CIRCLE}, token=admin)
    assert ok.status == 201, ok.body


def test_a_value_outside_the_choices_is_refused(api: Api) -> None:
    admin = api.admin_token()
    leave = {"nip": NIP, "type": "LIBUR", "start_date": "2026-12-01", "end_date": "2026-12-02"}
    err = error(api.call("POST", "/v1/admin/leaves", leave, token=admin))
    assert err["details"] == {"type": "must be one of CUTI, IZIN, SAKIT"}
    bad_date = error(
        api.call("POST", "/v1/admin/leaves", {**leave, "type": "CUTI", "end_date": "2026-02-30"}, token=admin)
    )
    assert bad_date["details"] == {"end_date": "must be a real date YYYY-MM-DD"}


def test_strings_are_stripped_blank_ones_refused_unknown_fields_ignored(api: Api) -> None:
    login = {"username": "  admin ", "password": ADMIN_PASSWORD, "remember_me": True}
    assert api.call("POST", "/v1/auth/admin/login", login).status == 200
    err = error(api.call("POST", "/v1/auth/admin/login", {"username": "   ", "password": ADMIN_PASSWORD}))
    assert list(err["details"]) == ["username"]


def test_special_messages_are_kept(api: Api) -> None:
    admin = api.admin_token()
    nip = error(api.call("POST", "/v1/auth/login", {"nip": "123", "password": "x", "device_id": "phone-0001"}))
    assert nip["message"] == "NIP harus 18 digit angka." and list(nip["details"]) == ["nip"]
    short = {"nip": NIP, "activation_code": "1", "password": "short", "device_id": "phone-0001"}
    password = api.call("POST", "/v1/auth/activate", short).body["error"]
    assert password["message"] == "Kata sandi minimal 10 karakter." and password["code"] == "WEAK_PASSWORD"
    month = error(api.call("GET", "/v1/admin/recaps/monthly?unor_id=U1", token=admin))
    assert month["message"] == "Format bulan harus TTTT-BB." and month["details"] == {"month": "YYYY-MM"}
    fmt = error(api.call("GET", "/v1/admin/recaps/monthly?month=2026-11&format=pdf", token=admin))
    assert fmt["message"] == "Format harus json, csv, atau xlsx."
    year = error(api.call("GET", "/v1/admin/holidays?year=19x", token=admin))
    assert year == {"code": "VALIDATION_ERROR", "message": "Tahun tidak valid.", "details": {"year": "2000-2100"}}


def test_query_values_are_parsed_and_empty_ones_ignored(api: Api) -> None:
    admin = api.admin_token()
    assert api.call("GET", "/v1/admin/holidays?year=", token=admin).status == 200
    err = error(api.call("GET", "/v1/admin/recaps/daily?date=2026-11-31&unor_id=U1", token=admin))
    assert list(err["details"]) == ["date"]
    confirm = error(
        api.call("POST", "/v1/admin/simpeg/import?confirm_deactivations=-1", {"employees": []}, token=admin)
    )
    assert confirm["message"] == "Kolom 'confirm_deactivations' tidak boleh negatif."


def test_access_and_existence_are_checked_before_the_fields(api: Api) -> None:
    admin = api.admin_token()
    PEOPLE.upsert_unit("U1", "Unit 1")
    unit_admin = api.unit_admin_token(admin, "U1")
    # zones are a super admin's: 403 even for an invalid body (as before the typed requests)
    assert api.call("POST", "/v1/admin/zones", {"name": 5}, token=unit_admin).status == 403
    assert api.call("PUT", "/v1/admin/units/U2/zones", {"zone_ids": 5}, token=unit_admin).status == 403
    assert api.call("PUT", "/v1/admin/units/NOPE/zones", {"zone_ids": 5}, token=admin).status == 404
    assert api.call("PUT", f"/v1/admin/employees/{NIP}/shifts", {"shifts": 5}, token=admin).status == 404
    # ... but a body that is not JSON at all is refused first, as before
    assert error(api.call("POST", "/v1/admin/zones", raw=b"{oops", token=unit_admin))["details"] == {
        "body": "malformed JSON"
    }


def test_bodies_that_are_not_json_objects_keep_their_answers(api: Api) -> None:
    assert error(api.call("POST", "/v1/auth/admin/login", raw=b"[1]"))["details"] == {"body": "must be a JSON object"}
    assert error(api.call("POST", "/v1/auth/admin/login", raw=b""))["message"] == "Badan permintaan kosong."
    other = api.call("POST", "/v1/auth/admin/login", raw=b"username=admin", content_type="application/xml")
    assert other.status == 415 and other.body["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    huge = api.call("POST", "/v1/auth/admin/login", raw=json.dumps({"username": "x" * 5_000_000}).encode())
    assert huge.status == 413 and huge.body["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_the_zone_list_takes_its_geometry_flag_as_true_or_false_only(api: Api) -> None:
    admin = api.admin_token()
    made = api.call("POST", "/v1/admin/zones", {"name": "Sekolah", "circle": CIRCLE}, token=admin)
    assert made.status == 201, made.body
    shaped = api.call("GET", "/v1/admin/zones?geometry=true", token=admin)
    assert shaped.status == 200 and shaped.body["items"] == [made.body], shaped.body
    plain = api.call("GET", "/v1/admin/zones?geometry=false", token=admin)
    assert plain.status == 200 and "geometry" not in plain.body["items"][0], plain.body
    assert error(api.call("GET", "/v1/admin/zones?geometry=yes", token=admin))["details"] == {
        "geometry": "must be one of true, false"
    }


def test_a_zone_read_takes_its_cells_flag_as_true_or_false_only(api: Api) -> None:
    admin = api.admin_token()
    made = api.call("POST", "/v1/admin/zones", {"name": "Sekolah", "circle": CIRCLE}, token=admin)
    assert made.status == 201, made.body
    path = f"/v1/admin/zones/{made.body['zone_id']}"
    plain = api.call("GET", path, token=admin)
    assert plain.status == 200 and plain.body == made.body, plain.body
    with_cells = api.call("GET", f"{path}?cells=true", token=admin)
    assert with_cells.status == 200 and {k: v for k, v in with_cells.body.items() if k != "cells"} == made.body
    assert with_cells.body["cells"] and all(isinstance(c, str) for c in with_cells.body["cells"])
    assert api.call("GET", f"{path}?cells=false", token=admin).body == made.body
    assert error(api.call("GET", f"{path}?cells=yes", token=admin))["details"] == {
        "cells": "must be one of true, false"
    }
