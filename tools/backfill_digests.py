"""One-off: rebuild the regency monitor summary's day digests from the stored events.

The summary reads one digest item per unit and local date (decision 68). A unit-day with no digest item at all
is rebuilt by the summary itself on first read; a day that has one holding only part of its events cannot be
told apart, so after a release that adds a path to the digests (decisions 82-83: fingerprint punches), run this
over the days written before it, once:

    .venv/bin/python -m tools.backfill_digests --from 2026-11-01 --to 2026-12-03 [--unit U1 ...]

It reads each unit-day's events on the `by_unit_date` index and ADDs their tokens to its digest (idempotent, and
safe while check-ins arrive). The deployment comes from the usual settings (SMART_* environment variables).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date

from chalicelib import runtime
from chalicelib.settings import load_settings
from chalicelib.usecases import recaps

MAX_DAYS = 400


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.backfill_digests", description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="start", type=date.fromisoformat, required=True, help="first local date")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, required=True, help="last local date")
    parser.add_argument("--unit", action="append", help="only these units (repeat); default every unit")
    args = parser.parse_args(argv)
    if args.end < args.start or (args.end - args.start).days >= MAX_DAYS:
        parser.error(f"--to must be on or after --from, at most {MAX_DAYS} days")
    runtime.ensure_ready(load_settings())
    began = time.perf_counter()
    count = recaps.backfill_digests(args.start, args.end, args.unit)
    print(f"rebuilt {count} unit-day digests from {args.start} to {args.end} in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
