"""Stable reason codes of the position checks (the strings of API.md), in one place.

`REFUSAL_PRIORITY` is the order in which refusals are reported; the app layer raises the first one, so the
most fundamental problem is the one the user hears about: unusable coordinates first, then evidence of
cheating (mock flag, impossible travel), then a fix too vague to judge, and only then "outside the zone"
(which is meaningless when any of the former holds).
"""

from __future__ import annotations

VALIDATION_ERROR = "VALIDATION_ERROR"
MOCK_LOCATION = "MOCK_LOCATION"
IMPOSSIBLE_TRAVEL = "IMPOSSIBLE_TRAVEL"
GPS_INACCURATE = "GPS_INACCURATE"
OUTSIDE_ZONE = "OUTSIDE_ZONE"
STATIC_FIX = "STATIC_FIX"
# A jump no vehicle makes from a position the employee was refused at (outside the zone at home, then "at the
# office" a minute later: fake GPS switched on after a refusal). Never a refusal: a refused fix may be a GPS
# glitch, and the employee must not be locked out by it; the reviewer reads both.
TRAVEL_AFTER_REFUSAL = "TRAVEL_AFTER_REFUSAL"

REFUSAL_PRIORITY: tuple[str, ...] = (
    VALIDATION_ERROR,
    MOCK_LOCATION,
    IMPOSSIBLE_TRAVEL,
    GPS_INACCURATE,
    OUTSIDE_ZONE,
    STATIC_FIX,
)

# Codes a GeoPolicy may place in either its refuse set or (by leaving them out) the review set.
REVIEWABLE_CODES = frozenset({MOCK_LOCATION, IMPOSSIBLE_TRAVEL, GPS_INACCURATE, OUTSIDE_ZONE, STATIC_FIX})
