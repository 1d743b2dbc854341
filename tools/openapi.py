"""Write docs/openapi.yaml from the app's routes and models: ``python -m tools.openapi`` (``--check`` only
compares and fails when the committed file is out of date)."""

from __future__ import annotations

import argparse
import sys

from chalicelib.api.openapi import REGENERATE, SPEC_PATH, render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when the file differs")
    args = parser.parse_args(argv)
    from app import app

    text = render(app)
    if args.check:
        current = SPEC_PATH.read_text(encoding="utf-8") if SPEC_PATH.exists() else ""
        if current != text:
            print(f"{SPEC_PATH} is out of date: run `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    SPEC_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SPEC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
