"""Pure logic of the foundation: settings validation, passwords, tokens, request fields, ids, vector packing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from pydantic import Field

from chalicelib import runtime
from chalicelib.api.binding import parse
from chalicelib.attendance.rules import RuleTable
from chalicelib.auth import passwords, tokens
from chalicelib.domain.people import Principal
from chalicelib.errors import UnauthenticatedError, ValidationError
from chalicelib.settings import SettingsError, build_settings
from chalicelib.store.events import event_keys, new_event_id
from chalicelib.store.vectors import pack, unpack
from chalicelib.usecases.schemas.common import Day, Instant, Request, parse_date

SECRET = "x" * 40
NOW = datetime(2026, 11, 27, 0, 10, tzinfo=UTC)


def test_local_settings_have_safe_defaults() -> None:
    settings = build_settings({})
    assert settings.stage == "local" and settings.bootstrap_admin_password == "admin-local"
    assert settings.timezone == "Asia/Jakarta" and settings.h3_resolution == 13


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SMART_STAGE": "prod"}, "SMART_TOKEN_SECRET"),
        ({"SMART_STAGE": "prod", "SMART_TOKEN_SECRET": "short"}, "SMART_TOKEN_SECRET"),
        (
            {"SMART_STAGE": "prod", "SMART_TOKEN_SECRET": SECRET, "SMART_BOOTSTRAP_ADMIN_PASSWORD": "admin-local"},
            "SMART_BOOTSTRAP_ADMIN_PASSWORD",
        ),
        ({"SMART_STAGE": "staging"}, "SMART_STAGE"),
        # a deployed stage's zone is set, never assumed: an operator's tool would judge WITA's days in WIB
        ({"SMART_STAGE": "prod", "SMART_TOKEN_SECRET": SECRET}, "SMART_TIMEZONE must be set"),
        ({"SMART_STAGE": "dev", "SMART_TOKEN_SECRET": SECRET}, "SMART_TIMEZONE must be set"),
        ({"SMART_TIMEZONE": "Mars/Olympus"}, "SMART_TIMEZONE"),
        ({"SMART_CHALLENGE_TTL_S": "ten"}, "SMART_CHALLENGE_TTL_S"),
        ({"SMART_CHALLENGE_TTL_S": "5"}, "SMART_CHALLENGE_TTL_S"),
        ({"SMART_RULES_FILE": "/nonexistent/rules.json"}, "SMART_RULES_FILE"),
        ({"SMART_RULES": "{tk_deduction_percent: 4}"}, "SMART_RULES"),
        ({"SMART_RULES": "[4]"}, "SMART_RULES"),
        ({"SMART_RULES": "{}", "SMART_RULES_FILE": __file__}, "SMART_RULES"),
        ({"SMART_RULES_FILE": __file__}, "SMART_RULES_FILE"),  # a file that is not JSON
        ({"SMART_ANTISPOOF": "perhaps"}, "SMART_ANTISPOOF"),
        ({"SMART_ANTISPOOF_THRESHOLD": "1.5"}, "SMART_ANTISPOOF_THRESHOLD"),
        ({"SMART_ANTISPOOF_THRESHOLD": "high"}, "SMART_ANTISPOOF_THRESHOLD"),
        # an entry the face calibration lacks: every face check would fail, while /v1/health said 200
        ({"SMART_FACE_POLICY": "arcface"}, "SMART_FACE_POLICY must be one of default, cc0, got 'arcface'"),
        ({"SMART_FACE_POLICY": "cc-0"}, "SMART_FACE_POLICY"),
    ],
)
def test_bad_settings_fail_at_once_naming_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        build_settings(env)


def test_production_settings_need_no_local_defaults() -> None:
    settings = build_settings({"SMART_STAGE": "prod", "SMART_TOKEN_SECRET": SECRET, "SMART_TIMEZONE": "Asia/Makassar"})
    assert settings.bootstrap_admin_password is None and settings.tz.key == "Asia/Makassar"


def test_the_rule_table_comes_from_smart_rules_or_its_file_and_a_bad_field_stops_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the same two fields as the SMART_RULES value (e.g. an SSM parameter) and in a SMART_RULES_FILE
    document = json.dumps({"tk_deduction_percent": "4", "corrections_per_month": None})
    (tmp_path / "rules.json").write_text(document)
    inline = build_settings({"SMART_RULES": document, "SMART_TIMEZONE": "Asia/Makassar"})
    from_file = build_settings({"SMART_RULES_FILE": str(tmp_path / "rules.json"), "SMART_TIMEZONE": "Asia/Makassar"})
    # THEN both give the same table: those fields set, the others DOMAIN.md's, the zone SMART_TIMEZONE's
    for settings in (inline, from_file):
        table = runtime.rule_table(settings)
        assert (table.tk_deduction_percent, table.corrections_per_month) == (Decimal(4), None)
        assert table.monthly_cap_percent == Decimal(100) and table.timezone == "Asia/Makassar"
    assert runtime.rule_table(build_settings({})) == RuleTable()
    # AND a field the table refuses stops the start, naming the setting, before any table is touched
    bad = build_settings({"SMART_RULES": json.dumps({"tk_deduction_percent": "lima"}), "SMART_TABLE_PREFIX": "t-r-"})
    monkeypatch.setattr(runtime, "configure", lambda *args: pytest.fail("the start went on"))
    with pytest.raises(SettingsError, match="SMART_RULES"):
        runtime.ensure_ready(bad)
    # AND a zone other than SMART_TIMEZONE's is refused (punches and dates would be read in one, hours in the
    # other: a 07:25 punch judged 55 minutes late); the same zone written out is accepted
    elsewhere = json.dumps({"timezone": "Asia/Makassar"})
    with pytest.raises(SettingsError, match="SMART_TIMEZONE"):
        runtime.rule_table(build_settings({"SMART_RULES": elsewhere}))
    assert runtime.rule_table(build_settings({"SMART_RULES": elsewhere, "SMART_TIMEZONE": "Asia/Makassar"})).tz.key == (
        "Asia/Makassar"
    )


def test_password_hashes_verify_and_resist_tampering() -> None:
    stored = passwords.hash_secret("rahasia-123")
    assert passwords.verify_secret("rahasia-123", stored)
    assert not passwords.verify_secret("rahasia-124", stored)
    assert not passwords.verify_secret("rahasia-123", stored.replace("scrypt", "md5"))
    assert not passwords.verify_secret("rahasia-123", "garbage")
    assert not passwords.verify_secret("rahasia-123", None)
    assert stored != passwords.hash_secret("rahasia-123")  # salted


def test_tokens_round_trip_and_expire() -> None:
    principal = Principal("198501012010011001", "employee", frozenset({"U1"}), "android-1", 3)
    issued = tokens.issue(principal, SECRET, 60, NOW)
    assert tokens.verify(issued.token, SECRET, NOW + timedelta(seconds=59)) == principal
    with pytest.raises(UnauthenticatedError):
        tokens.verify(issued.token, SECRET, NOW + timedelta(seconds=61))
    with pytest.raises(UnauthenticatedError):
        tokens.verify(issued.token, "y" * 40, NOW)


class Position(Request):
    latitude: float = Field(ge=-90, le=90)


class Moment(Request):
    day: Day | None = None
    at: Instant | None = None


def test_fields_name_the_bad_field() -> None:
    with pytest.raises(ValidationError) as missing:
        parse(Position, {})
    assert "latitude" in missing.value.details
    for bad in (float("nan"), float("inf"), True, "1.0", 91):
        with pytest.raises(ValidationError):
            parse(Position, {"latitude": bad})
    with pytest.raises(ValidationError):
        parse_date("2026-02-30", "date")
    with pytest.raises(ValidationError):
        parse(Moment, {"day": "2026-02-30"})
    with pytest.raises(ValidationError):
        parse(Moment, {"at": "2026-11-27T07:00:00"})  # no offset
    assert parse(Moment, {"at": "2026-11-27T00:00:00Z"}).at == datetime(2026, 11, 27, tzinfo=UTC)


def test_event_ids_encode_their_keys() -> None:
    event_id = new_event_id("198501012010011001", NOW)
    nip, key = event_keys(event_id)
    assert nip == "198501012010011001" and key.startswith("E#2026-11-27T00:10:00+00:00#")
    for bad in ("", "abc", "198501012010011001.2026.x", "1" * 18 + ".20261127T001000Z.zzzzzzzz"):
        with pytest.raises(ValidationError):
            event_keys(bad)


def test_vectors_of_several_models_pack_losslessly() -> None:
    rng = np.random.default_rng(1)
    vectors = {
        "dlib_resnet_v1": rng.random(128, dtype=np.float32),
        "mobilefacenet_fp": rng.random(512, dtype=np.float32),
    }
    data, layout = pack(vectors)
    assert layout == [["dlib_resnet_v1", 128], ["mobilefacenet_fp", 512]]
    back = unpack(data, layout)
    assert all(np.array_equal(back[k], vectors[k]) for k in vectors)


@pytest.mark.parametrize(
    "bad",
    [
        {"day": "9999-12-31"},
        {"day": "0001-01-01"},
        {"day": "1999-12-31"},
        {"day": "2101-01-01"},
        {"at": "9999-12-31T23:59:59-14:00"},  # converting it to UTC used to overflow (500)
        {"at": "0001-01-01T00:00:00+14:00"},
        {"at": "2101-01-01T00:00:00Z"},
    ],
)
def test_dates_and_instants_outside_2000_to_2100_are_bad_values(bad: dict[str, str]) -> None:
    with pytest.raises(ValidationError) as refused:
        parse(Moment, bad)
    (name,) = bad
    assert "between 2000-01-01 and 2100-12-31" in str(refused.value.details[name])
    with pytest.raises(ValidationError):
        parse_date(bad.get("day", "9999-01-01"), "date")


def test_the_ends_of_the_range_are_good_values() -> None:
    assert parse(Moment, {"day": "2000-01-01", "at": "2100-12-31T23:59:59+07:00"}).day == date(2000, 1, 1)
    assert parse_date("2100-12-31", "date") == date(2100, 12, 31)
