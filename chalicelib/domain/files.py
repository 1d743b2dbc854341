"""Reading the text files admins upload (a SIMPEG export, a fingerprint machine's log or PIN map): kept below the
capabilities that read them, so that each reads a line of a CSV the same way."""

from __future__ import annotations

import csv


def csv_cells(line: str, delimiter: str) -> list[str] | None:
    """One line of a CSV, read on its own, or None when it cannot be read (a cell over the reader's limit). Read
    together, a quote left open took every later line into one cell: the rest of the file vanished without a
    word, and some 8,000 lines on the reader failed (a 500). A quote left open ends with its line here, so a bad
    line is reported by its number and the good ones are kept (a cell holding a line break is two bad lines).
    Spaces after a delimiter are skipped, so `a, "Budi, S.Pd"` (as people type it) is two cells, not three."""
    try:
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
    except csv.Error:
        return None
