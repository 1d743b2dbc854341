"""The password rule of API.md: length, the common list, the account's own name, runs."""

from __future__ import annotations

import pytest

from chalicelib.auth import strength
from chalicelib.errors import WeakPasswordError

NIP = "198501012010011001"


def test_the_common_list_is_shipped_large_and_indonesian() -> None:
    common = strength.common_passwords()
    assert len(common) >= 10_000
    assert {"123456", "password", "qwertyuiop"} <= common
    assert {"bismillah", "sayangku123", "rahasia123", "indonesia2024", "persib1234"} <= common
    assert not any(line.startswith("#") for line in common)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("pendek-9c", "too_short"),
        ("", "too_short"),
        ("Rahasia123", "common"),  # case does not help
        ("BISMILLAH123", "common"),
        ("qwertyuiop", "common"),
        (f"x{NIP}", "contains_identity"),
        ("kopi-Operator.U1-pagi", "contains_identity"),
        ("kopi-12345-hitam", "simple_run"),
        ("kopi-54321-hitam", "simple_run"),
        ("kopi-aaaaa-hitam", "simple_run"),
        ("kopi-hitam-vwxyz", "simple_run"),
    ],
)
def test_weak_passwords_are_named_for_their_weakness(password: str, reason: str) -> None:
    assert strength.weakness(password, (NIP, "operator.u1")) == reason
    with pytest.raises(WeakPasswordError) as raised:
        strength.check_password(password, (NIP, "operator.u1"), "new_password")
    assert raised.value.details == {"new_password": reason}
    assert raised.value.message == strength.REASONS[reason]


@pytest.mark.parametrize(
    "password",
    [
        "rahasia-123",
        "kopi hitam pagi",
        "Salah-Sandi-987",
        "1234-5678-90",
        "aaaa-bbbb-cccc",
        "ab12ab12ab12",
        "ḱopi-hitam-ñ",
    ],
)
def test_no_other_composition_rule(password: str) -> None:
    # Long, uncommon, no own name, no 5-run: accepted however few kinds of characters it has.
    assert strength.weakness(password, (NIP, "operator.u1")) is None
    strength.check_password(password, (NIP,))


def test_runs_are_five_characters_repeating_or_stepping_by_one() -> None:
    assert strength.has_run("abcde") and strength.has_run("zz99999") and strength.has_run("x-edcba")
    assert not strength.has_run("abcd-abcd") and not strength.has_run("aaaa1aaaa") and not strength.has_run("13579")
    assert not strength.has_run("12321")
