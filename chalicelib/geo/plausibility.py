"""Is a reported position usable and believable, and which work zone is it in? One entry point.

`assess_position` runs every check and returns all findings, split by the policy into refusals (ordered
by codes.REFUSAL_PRIORITY; the app layer raises the first, see PositionAssessment.first_refusal) and
warnings (the check-in is recorded but sent to review). Fake GPS is common in practice, so the checks look
at the phone's own mock flag, at jumps no vehicle can make, and at coordinates that repeat exactly across
days (real GPS jitters).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.geo import codes, errors
from chalicelib.geo.config import GeoPolicy
from chalicelib.geo.earth import haversine_m
from chalicelib.geo.shapes import contains_disc, distance_to_boundary_m, invalid, is_finite_number
from chalicelib.geo.zones import ZoneRef, local_day, match_zone

Details = Mapping[str, object]

_REFUSALS: tuple[type[errors.GeoError], ...] = (
    errors.MockLocationError,
    errors.ImpossibleTravelError,
    errors.GpsInaccurateError,
    errors.OutsideZoneError,
    errors.StaticFixError,
)
_ERRORS: dict[str, type[errors.GeoError]] = {error.code: error for error in _REFUSALS}


@dataclass(frozen=True)
class Fix:
    """A reported position.

    `at` is the instant the app layer trusts for this fix (aware datetime): for an online check-in the
    server's time (e.g. the challenge's issue time), for an offline capture the capture time it accepted.
    """

    lat: float
    lon: float
    accuracy_m: float
    mock_location: bool
    at: datetime


@dataclass(frozen=True)
class PastFix:
    """A position recorded earlier for the same employee (accepted check-ins/outs)."""

    lat: float
    """Degrees north (WGS 84), as the event stored it."""
    lon: float
    """Degrees east (WGS 84)."""
    at: datetime
    """The event's attendance time (timezone-aware): the travel to a new fix is judged over the time between
    them, a position repeated on other days by its local date."""


@dataclass(frozen=True)
class PositionAssessment:
    """Outcome of assess_position: the matched zone, refusal codes (by priority) and warning codes."""

    zone: ZoneRef | None
    refusals: tuple[str, ...]
    warnings: tuple[str, ...]
    details: Mapping[str, Details] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.refusals)

    def first_refusal(self) -> errors.GeoError | None:
        """The error to raise for the highest-priority refusal, or None when nothing refuses."""
        if not self.refusals:
            return None
        code = self.refusals[0]
        details = self.details.get(code, {})
        if code == codes.VALIDATION_ERROR:
            return invalid(str(details.get("field")), str(details.get("problem")))
        return _ERRORS[code](details=details)


def assess_position(
    fix: Fix,
    zones: Sequence[ZoneRef],
    history: Sequence[PastFix],
    policy: GeoPolicy,
    refused: Sequence[PastFix] = (),
) -> PositionAssessment:
    """Run all position checks on `fix` against the employee's candidate `zones` and recent `history`.

    `zones` should come from zones.zones_for_day (unit zones first, then active field duty); `history`
    should be the employee's recently recorded fixes (e.g. the last few weeks; more only costs time);
    `refused`, the believable positions of their recent refused attempts (TRAVEL_AFTER_REFUSAL, a warning).
    """
    if fix.at.tzinfo is None:
        raise ValueError("Fix.at must be timezone-aware")
    findings: dict[str, Details] = {}
    if fix.mock_location:
        findings[codes.MOCK_LOCATION] = {}
    problem = _coordinate_problem(fix, policy)
    if problem is not None:
        findings[codes.VALIDATION_ERROR] = problem.details
        return _split(None, findings, policy)
    zone = match_zone(fix.lat, fix.lon, zones)
    if zone is None:
        findings[codes.OUTSIDE_ZONE] = _outside_finding(fix, zones)
    checks = (
        (codes.IMPOSSIBLE_TRAVEL, _travel_finding(fix, history, policy.max_speed_kmh, policy.travel_allowance_m)),
        (codes.GPS_INACCURATE, _accuracy_finding(fix, zones, policy)),
        (codes.STATIC_FIX, _static_finding(fix, history, policy)),
    )
    findings.update({code: found for code, found in checks if found is not None})
    if codes.IMPOSSIBLE_TRAVEL not in findings:
        after_refusal = _travel_finding(fix, refused, policy.after_refusal_speed_kmh, policy.after_refusal_allowance_m)
        if after_refusal is not None:
            findings[codes.TRAVEL_AFTER_REFUSAL] = after_refusal
    return _split(zone, findings, policy)


def _split(zone: ZoneRef | None, findings: dict[str, Details], policy: GeoPolicy) -> PositionAssessment:
    ordered = [code for code in codes.REFUSAL_PRIORITY if code in findings]
    refusals = tuple(c for c in ordered if c == codes.VALIDATION_ERROR or c in policy.refuse)
    warnings = tuple(c for c in ordered if c not in refusals)
    if codes.TRAVEL_AFTER_REFUSAL in findings:
        warnings += (codes.TRAVEL_AFTER_REFUSAL,)
    return PositionAssessment(zone, refusals, warnings, findings)


def _coordinate_problem(fix: Fix, policy: GeoPolicy) -> errors.GeoValidationError | None:
    numbers = {"latitude": fix.lat, "longitude": fix.lon, "accuracy_m": fix.accuracy_m}
    for name, value in numbers.items():
        if not is_finite_number(value):
            return invalid(name, "not_a_number")
    if not -90 <= fix.lat <= 90:
        return invalid("latitude", "latitude_out_of_range")
    if not -180 <= fix.lon <= 180:
        return invalid("longitude", "longitude_out_of_range")
    if fix.accuracy_m < 0:
        return invalid("accuracy_m", "accuracy_out_of_range")
    if not policy.service_area.contains(fix.lat, fix.lon):
        return invalid("latitude", "outside_service_area")
    return None


def _travel_finding(fix: Fix, history: Sequence[PastFix], speed_kmh: float, allowance_m: float) -> Details | None:
    """The worst earlier fix that could not have been reached in time at `speed_kmh` (plus `allowance_m` for the
    fixes' own errors), if any."""
    speed_mps = speed_kmh / 3.6
    worst: tuple[float, float, float] | None = None  # (excess m, distance m, elapsed s)
    for past in history:
        distance = haversine_m((past.lat, past.lon), (fix.lat, fix.lon))
        # offline captures may arrive after later fixes, so time can run either way
        elapsed = abs((fix.at - past.at).total_seconds())
        excess = distance - (allowance_m + speed_mps * elapsed)
        if excess > 0 and (worst is None or excess > worst[0]):
            worst = (excess, distance, elapsed)
    if worst is None:
        return None
    _, distance, elapsed = worst
    speed = round(distance / elapsed * 3.6, 1) if elapsed > 0 else None
    return {"distance_m": round(distance), "elapsed_s": round(elapsed), "speed_kmh": speed}


def _outside_finding(fix: Fix, zones: Sequence[ZoneRef]) -> Details:
    """How many zones the employee had, and how far the fix is from the edge of the nearest drawn one: the
    employee can tell GPS drift (tens of metres) from the wrong place, and an admin a zone drawn too tight."""
    drawn = [(distance_to_boundary_m(z.shape, fix.lat, fix.lon), z.name) for z in zones if z.shape is not None]
    if not drawn:
        return {"zones": len(zones)}
    distance, name = min(drawn)
    return {"zones": len(zones), "nearest_zone": name, "distance_m": round(distance)}


def _accuracy_finding(fix: Fix, zones: Sequence[ZoneRef], policy: GeoPolicy) -> Details | None:
    if fix.accuracy_m <= policy.max_accuracy_m:
        return None
    # a vague fix is still conclusive when every place it could be lies inside a zone
    if any(z.shape is not None and contains_disc(z.shape, fix.lat, fix.lon, fix.accuracy_m) for z in zones):
        return None
    return {"accuracy_m": round(fix.accuracy_m, 1), "max_accuracy_m": policy.max_accuracy_m}


def _static_finding(fix: Fix, history: Sequence[PastFix], policy: GeoPolicy) -> Details | None:
    tol = policy.static_tolerance_deg
    today = local_day(fix.at, policy.timezone)
    days = {
        day
        for past in history
        if abs(past.lat - fix.lat) <= tol
        and abs(past.lon - fix.lon) <= tol
        and (day := local_day(past.at, policy.timezone)) != today
    }
    if len(days) < policy.static_min_days:
        return None
    return {"days": len(days), "min_days": policy.static_min_days}
