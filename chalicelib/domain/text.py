"""How identifiers and numbers written as text are matched: whole, and in the ASCII digits 0-9 only.

Two traps of Python's text matching let a second spelling of one value, or a crash, past a check. `re.match` with
a pattern ending in `$` also matches before a final newline (a clock "16:00\\n", a NIP "1985...1001\\n"). And
`str.isdigit` takes every Unicode digit: Arabic-Indic "٢٠٢٦" and full-width "２０２６", which `int` reads as 2026 (a
second spelling of one year), and superscripts "²⁰²⁶", which `int` refuses with a ValueError (a 500 where the API
owes a 400). pydantic's own `pattern=` runs on the Rust regex engine, where `$` is the end of the text, but its
`\\d` is Unicode there too: patterns name `[0-9]`.
"""

from __future__ import annotations

import re


def is_digits(text: object) -> bool:
    """Whether `text` is a string of one or more of the ASCII digits 0-9 (what `int` reads as written)."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


def matches_whole(pattern: re.Pattern[str], text: object) -> bool:
    """Whether `text` is a string that `pattern` matches from its first character to its last, a trailing
    newline included (`fullmatch`, not `match`: the identifier patterns also go into OpenAPI as written)."""
    return isinstance(text, str) and pattern.fullmatch(text) is not None
