"""Both web apps name every code a check-in record can carry, and the console filters attempts by exactly the
codes the API accepts (web/shared/reasons.ts against chalicelib/messages.py and the check-in's warnings)."""

from __future__ import annotations

import re

from chalicelib.geo.codes import STATIC_FIX, TRAVEL_AFTER_REFUSAL
from chalicelib.messages import REFUSAL_CODES, REVIEW_WARNINGS
from chalicelib.usecases import checkin, faces
from tools.devstack import REPO_DIR

REASONS_TS = (REPO_DIR / "web" / "shared" / "reasons.ts").read_text(encoding="utf-8")


def _block(name: str) -> str:
    match = re.search(rf"export const {name}\b[^=]*= [{{\[](.*?)[}}\]];", REASONS_TS, re.S)
    assert match, f"{name} not found in reasons.ts"
    return match.group(1)


def named_codes() -> dict[str, str]:
    return dict(re.findall(r'^\s*([A-Z_]+): "([^"]+)",$', _block("REASONS"), re.M))


def filter_codes() -> list[str]:
    return re.findall(r'"([A-Z_]+)"', _block("REFUSAL_CODES"))


def test_every_refusal_and_review_warning_has_an_indonesian_name() -> None:
    names = named_codes()
    missing = (set(REFUSAL_CODES) | set(REVIEW_WARNINGS)) - names.keys()
    assert not missing, f"codes without a name in the console: {sorted(missing)}"
    assert all(name and not re.fullmatch(r"[A-Z_]+", name) for name in names.values())


def test_the_check_in_warnings_are_the_listed_ones() -> None:
    raised = {
        checkin.OFFLINE_CAPTURE,
        checkin.OFFLINE_AFTER_REFUSAL,
        checkin.FACE_BORDERLINE,
        checkin.SMALL_FACE,
        checkin.EXIF_TIME_MISMATCH,
        STATIC_FIX,
        TRAVEL_AFTER_REFUSAL,
        checkin.SAME_SPOT_OTHER_EMPLOYEE,
        checkin.DEVICE_FINGERPRINT_CHANGED,
        checkin.LIVENESS_BORDERLINE,
        checkin.LIVENESS_MISSING,
        faces.SPOOF_SUSPECTED,
        "LIVENESS_FAILED",  # SMART_LIVENESS=review keeps the refusal's code as the warning
    }
    assert raised == set(REVIEW_WARNINGS)


def test_the_attempts_filter_offers_exactly_the_refusal_codes() -> None:
    offered = filter_codes()
    assert sorted(offered) == sorted(REFUSAL_CODES) and len(offered) == len(set(offered))
