"""The console tells when a report sheet is due to turn final (web/admin/src/provisional.ts `FINAL_AT`) by the moment
the server expects it (chalicelib/usecases/reports.py: the morning run's start plus its longest run, the clock rule
`day_final` keeps for days stored without their judged-at instant); after it, a page of a unit's day says whether
the morning run did judge it whole (`provisional`)."""

from __future__ import annotations

import re

from chalicelib.usecases import reports
from tools.devstack import REPO_DIR

PROVISIONAL_TS = (REPO_DIR / "web" / "admin" / "src" / "provisional.ts").read_text(encoding="utf-8")


def test_the_console_names_the_moment_the_server_turns_a_sheet_final() -> None:
    match = re.search(r'^const FINAL_AT = "(\d\d):(\d\d)";$', PROVISIONAL_TS, re.M)
    assert match, "FINAL_AT not found in provisional.ts"
    final_at = reports.MORNING_RUN + reports.MORNING_RUN_TAKES
    assert (int(match.group(1)), int(match.group(2))) == divmod(int(final_at.total_seconds()) // 60, 60)
