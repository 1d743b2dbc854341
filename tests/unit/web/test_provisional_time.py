"""The console tells when a report sheet turns final (web/admin/src/provisional.ts `FINAL_AT`) by the same moment
the server marks it so (chalicelib/usecases/reports.py `day_final`: the morning run's start plus its longest run)."""

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
