"""Activation codes stored as keyed MACs: what verifies, what a table without the key, a copied value or a
longer expiry gives, and codes stored as scrypt hashes before the switch."""

from __future__ import annotations

from chalicelib.auth import codes, passwords

KEY = codes.code_key("x" * 40)
NIP, OTHER = "198501012010011001", "199002022015032002"
EXPIRES = 1_800_000_000


def test_a_sealed_code_verifies_for_its_employee_and_expiry_only() -> None:
    code = codes.new_code()
    stored = codes.seal(KEY, NIP, EXPIRES, code)
    assert stored.startswith("hmac-sha256$") and code not in stored
    assert codes.matches(KEY, NIP, EXPIRES, code, stored)
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    assert not codes.matches(KEY, NIP, EXPIRES, wrong, stored)
    # copied to another employee's row, or given a longer life, it matches nothing
    assert not codes.matches(KEY, OTHER, EXPIRES, code, stored)
    assert not codes.matches(KEY, NIP, EXPIRES + 86400, code, stored)
    # another deployment's key (or a rotated secret) does not verify it
    assert not codes.matches(codes.code_key("y" * 40), NIP, EXPIRES, code, stored)


def test_the_key_is_the_secret_a_leaked_table_lacks() -> None:
    # the same code for the same employee and expiry seals alike under one key and differently under another:
    # a table holds no salt to try guesses against, only values that need the key to reproduce
    assert codes.seal(KEY, NIP, EXPIRES, "12345678") == codes.seal(KEY, NIP, EXPIRES, "12345678")
    assert codes.seal(KEY, NIP, EXPIRES, "12345678") != codes.seal(codes.code_key("y" * 40), NIP, EXPIRES, "12345678")
    assert codes.code_key("x" * 40) != codes.code_key("x" * 41)


def test_missing_or_malformed_values_never_match() -> None:
    for stored in (None, "", "hmac-sha256$", "hmac-sha256$!!!", "md5$abc", "garbage"):
        assert not codes.matches(KEY, NIP, EXPIRES, "12345678", stored)
    assert not codes.matches(KEY, NIP, None, "12345678", codes.seal(KEY, NIP, EXPIRES, "12345678"))


def test_codes_stored_as_scrypt_hashes_before_the_switch_still_verify() -> None:
    stored = passwords.hash_secret("04718293", passwords.KdfParams(n=2**12))
    assert codes.matches(KEY, NIP, EXPIRES, "04718293", stored)
    assert not codes.matches(KEY, NIP, EXPIRES, "04718294", stored)


def test_codes_are_eight_digits_drawn_at_random() -> None:
    drawn = {codes.new_code() for _ in range(200)}
    assert all(len(c) == 8 and c.isdigit() for c in drawn) and len(drawn) > 190
