"""Position checks: validation, mock flag, impossible travel, accuracy, outside zone, static fixes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.geo import (
    GPS_INACCURATE,
    IMPOSSIBLE_TRAVEL,
    MOCK_LOCATION,
    OUTSIDE_ZONE,
    STATIC_FIX,
    TRAVEL_AFTER_REFUSAL,
    VALIDATION_ERROR,
    Fix,
    GeoConfigError,
    GeoPolicy,
    ImpossibleTravelError,
    PastFix,
    ZoneRef,
    assess_position,
)
from chalicelib.geo.shapes import distance_to_boundary_m
from tests.unit.geo.geo_testlib import PEMKAB_KBB, ring_from_metres

POLICY = GeoPolicy()
MORNING = datetime(2026, 11, 10, 0, 25, tzinfo=UTC)  # 07:25 WIB
HERE = PEMKAB_KBB


def fix(lat: float = HERE[0], lon: float = HERE[1], **kw: object) -> Fix:
    base = Fix(lat=lat, lon=lon, accuracy_m=12.0, mock_location=False, at=MORNING)
    return replace(base, **kw)  # type: ignore[arg-type]


def office(kbb_zones: dict[str, ZoneRef]) -> list[ZoneRef]:
    return [kbb_zones["office"]]


def test_good_fix_in_office_is_accepted_with_its_zone(kbb_zones: dict[str, ZoneRef]) -> None:
    result = assess_position(fix(), office(kbb_zones), [], POLICY)
    assert result.zone is kbb_zones["office"]
    assert result.refusals == ()
    assert result.warnings == ()
    assert result.first_refusal() is None


def test_outside_every_zone_is_refused(kbb_zones: dict[str, ZoneRef]) -> None:
    (far,) = ring_from_metres(HERE, [(0, 1_500)])
    result = assess_position(fix(*far), office(kbb_zones), [], POLICY)
    assert result.zone is None
    assert result.refusals == (OUTSIDE_ZONE,)
    err = result.first_refusal()
    assert err is not None
    assert err.code == "OUTSIDE_ZONE"


def test_a_refusal_outside_every_zone_says_how_far_the_nearest_zone_is(kbb_zones: dict[str, ZoneRef]) -> None:
    # GIVEN a fix 1,500 m north of the office point, and the office zone with its drawn shape
    (far,) = ring_from_metres(HERE, [(0, 1_500)])
    zones = office(kbb_zones)
    shape = zones[0].shape
    assert shape is not None
    # THEN the refusal names the nearest zone and the distance to its edge, in whole metres
    err = assess_position(fix(*far), zones, [], POLICY).first_refusal()
    assert err is not None and err.code == "OUTSIDE_ZONE"
    expected = round(distance_to_boundary_m(shape, *far))
    assert err.details == {"zones": len(zones), "nearest_zone": zones[0].name, "distance_m": expected}
    assert 1_000 < expected < 1_500  # the edge is nearer than the office point
    # WHEN the employee has no zone at all, THEN the refusal says so
    none = assess_position(fix(*far), [], [], POLICY).first_refusal()
    assert none is not None and none.code == "OUTSIDE_ZONE" and none.details == {"zones": 0}


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        (float("nan"), 107.0, "latitude"),
        (-6.8, float("inf"), "longitude"),
        (-95.0, 107.0, "latitude"),
        (-6.8, 190.0, "longitude"),
        (48.8584, 2.2945, "latitude"),  # Paris: a GPS glitch to another continent
        (-12.0, 107.0, "latitude"),  # south of Indonesia's box
        (0.0, 0.0, "latitude"),  # "null island"
    ],
)
def test_unusable_coordinates_are_a_validation_error(
    kbb_zones: dict[str, ZoneRef], lat: float, lon: float, field: str
) -> None:
    result = assess_position(fix(lat, lon), office(kbb_zones), [], POLICY)
    assert result.refusals == (VALIDATION_ERROR,)
    assert result.zone is None
    err = result.first_refusal()
    assert err is not None
    assert err.code == "VALIDATION_ERROR"
    assert err.details["field"] == field
    assert str(err)  # Indonesian message naming the problem


@pytest.mark.parametrize(
    "place",
    [(5.89, 95.32), (-8.49, 140.40), (-10.17, 123.61), (5.56, 126.58), (-0.50, 117.15), (-6.2, 106.8)],
)
def test_coordinates_across_indonesia_are_valid(kbb_zones: dict[str, ZoneRef], place: tuple[float, float]) -> None:
    result = assess_position(fix(*place), office(kbb_zones), [], POLICY)
    assert result.refusals == (OUTSIDE_ZONE,)  # valid, just not at work


def test_bad_accuracy_is_a_validation_error(kbb_zones: dict[str, ZoneRef]) -> None:
    for bad in (float("nan"), -1.0):
        result = assess_position(fix(accuracy_m=bad), office(kbb_zones), [], POLICY)
        assert result.refusals == (VALIDATION_ERROR,)


def test_mock_location_is_refused_even_inside_the_zone(kbb_zones: dict[str, ZoneRef]) -> None:
    result = assess_position(fix(mock_location=True), office(kbb_zones), [], POLICY)
    assert result.zone is kbb_zones["office"]
    assert result.refusals == (MOCK_LOCATION,)


def test_impossible_travel_is_refused(kbb_zones: dict[str, ZoneRef]) -> None:
    # GIVEN a check-out recorded in Surabaya 30 minutes before (≈ 580 km away)
    history = [PastFix(-7.2575, 112.7521, MORNING - timedelta(minutes=30))]
    result = assess_position(fix(), office(kbb_zones), history, POLICY)
    assert result.refusals == (IMPOSSIBLE_TRAVEL,)
    err = result.first_refusal()
    assert isinstance(err, ImpossibleTravelError)
    distance, speed = err.details["distance_m"], err.details["speed_kmh"]
    assert isinstance(distance, int) and distance > 550_000
    assert isinstance(speed, float) and speed > 1_000


def test_plausible_travel_and_gps_noise_are_accepted(kbb_zones: dict[str, ZoneRef]) -> None:
    (two_km,) = ring_from_metres(HERE, [(0, 2_000)])
    (half_km,) = ring_from_metres(HERE, [(0, 500)])
    history = [
        PastFix(two_km[0], two_km[1], MORNING - timedelta(minutes=10)),  # 12 km/h on a motorbike
        PastFix(half_km[0], half_km[1], MORNING - timedelta(seconds=5)),  # a jump within the 1 km noise allowance
        PastFix(-7.2575, 112.7521, MORNING - timedelta(days=2)),  # Surabaya two days ago
    ]
    result = assess_position(fix(), office(kbb_zones), history, POLICY)
    assert IMPOSSIBLE_TRAVEL not in result.refusals + result.warnings


def test_a_jump_from_a_refused_position_sends_to_review_but_never_refuses(kbb_zones: dict[str, ZoneRef]) -> None:
    # GIVEN an attempt refused 30 km away a minute before (at home: outside the zone), none recorded
    (home,) = ring_from_metres(HERE, [(0, 30_000)])
    refused = [PastFix(home[0], home[1], MORNING - timedelta(minutes=1))]
    # WHEN the employee is "at the office" now (fake GPS switched on after the refusal)
    result = assess_position(fix(), office(kbb_zones), [], POLICY, refused)
    # THEN the check-in is recorded for review, never refused by it (a refused fix may have been a GPS glitch)
    assert result.refusals == () and result.warnings == (TRAVEL_AFTER_REFUSAL,)
    assert result.details[TRAVEL_AFTER_REFUSAL]["distance_m"] == pytest.approx(30_000, abs=50)
    # AND a drive that can be made, or a jump already refused as impossible travel, adds nothing
    drove = [PastFix(home[0], home[1], MORNING - timedelta(minutes=40))]
    assert assess_position(fix(), office(kbb_zones), [], POLICY, drove).warnings == ()
    surabaya = [PastFix(-7.2575, 112.7521, MORNING - timedelta(minutes=30))]
    both = assess_position(fix(), office(kbb_zones), surabaya, POLICY, refused)
    assert both.refusals == (IMPOSSIBLE_TRAVEL,) and both.warnings == ()


def test_a_jump_of_a_few_kilometres_from_a_refused_position_is_judged_by_road(kbb_zones: dict[str, ZoneRef]) -> None:
    # GIVEN an attempt refused at home, 3 km from the office (the usual faker: IMPOSSIBLE_TRAVEL's aircraft limits
    # let 3 km in a minute through)
    (home,) = ring_from_metres(HERE, [(0, 3_000)])

    def after(minutes: float) -> tuple[str, ...]:
        refused = [PastFix(home[0], home[1], MORNING - timedelta(minutes=minutes))]
        return assess_position(fix(), office(kbb_zones), [], POLICY, refused).warnings

    # WHEN the employee is "at the office" a minute later, THEN the check-in goes to review
    assert after(1) == (TRAVEL_AFTER_REFUSAL,)
    # AND a motorbike ride of five minutes or more (36 km/h) adds nothing
    assert after(5) == () and after(20) == ()


def test_impossible_travel_also_against_a_later_fix(kbb_zones: dict[str, ZoneRef]) -> None:
    # an offline capture uploaded late is checked against fixes recorded after it too
    history = [PastFix(-7.2575, 112.7521, MORNING + timedelta(minutes=20))]
    result = assess_position(fix(), office(kbb_zones), history, POLICY)
    assert result.refusals == (IMPOSSIBLE_TRAVEL,)


def test_just_over_the_speed_limit_is_impossible(kbb_zones: dict[str, ZoneRef]) -> None:
    # allowed: 1 km + 250 km/h * 1 h = 251 km; go 255 km due south of the office within an hour
    (far,) = ring_from_metres(HERE, [(0, 255_000)])
    history = [PastFix(far[0], far[1], MORNING - timedelta(hours=1))]
    assert IMPOSSIBLE_TRAVEL in assess_position(fix(), office(kbb_zones), history, POLICY).refusals
    (near,) = ring_from_metres(HERE, [(0, 245_000)])
    history = [PastFix(near[0], near[1], MORNING - timedelta(hours=1))]
    assert IMPOSSIBLE_TRAVEL not in assess_position(fix(), office(kbb_zones), history, POLICY).refusals


def test_inaccurate_fix_is_refused(kbb_zones: dict[str, ZoneRef]) -> None:
    result = assess_position(fix(accuracy_m=150.0), office(kbb_zones), [], POLICY)
    assert result.refusals == (GPS_INACCURATE,)
    assert result.details[GPS_INACCURATE]["accuracy_m"] == 150.0


def test_inaccurate_fix_whose_whole_circle_is_inside_a_zone_is_accepted(zone_config: object) -> None:
    # GIVEN a large 600 m x 600 m zone and a fix in its middle with 150 m accuracy
    from chalicelib.geo import ZoneConfig, build_cells, parse_shape

    assert isinstance(zone_config, ZoneConfig)
    ring = ring_from_metres(HERE, [(-300, -300), (300, -300), (300, 300), (-300, 300)])
    shape = parse_shape({"polygon": ring}, zone_config)
    big = ZoneRef("big", "Kompleks", "unit", build_cells(shape, zone_config), shape)
    assert assess_position(fix(accuracy_m=150.0), [big], [], POLICY).refusals == ()
    # BUT near its edge the accuracy circle spills out: refused
    (edge,) = ring_from_metres(HERE, [(250, 0)])
    assert assess_position(fix(*edge, accuracy_m=150.0), [big], [], POLICY).refusals == (GPS_INACCURATE,)
    # AND without the shape the exception cannot be proven
    no_shape = replace(big, shape=None)
    assert assess_position(fix(accuracy_m=150.0), [no_shape], [], POLICY).refusals == (GPS_INACCURATE,)


def static_history(days: int, *, same_day_repeats: int = 0) -> list[PastFix]:
    past = [PastFix(HERE[0], HERE[1], MORNING - timedelta(days=d)) for d in range(1, days + 1)]
    past += [PastFix(HERE[0], HERE[1], MORNING - timedelta(hours=1)) for _ in range(same_day_repeats)]
    return past


def test_identical_coordinates_on_three_other_days_go_to_review(kbb_zones: dict[str, ZoneRef]) -> None:
    result = assess_position(fix(), office(kbb_zones), static_history(3), POLICY)
    assert result.refusals == ()
    assert result.warnings == (STATIC_FIX,)
    assert result.details[STATIC_FIX] == {"days": 3, "min_days": 3}


def test_repeats_on_fewer_days_or_the_same_day_or_with_jitter_are_fine(kbb_zones: dict[str, ZoneRef]) -> None:
    assert assess_position(fix(), office(kbb_zones), static_history(2, same_day_repeats=5), POLICY).warnings == ()
    jitter = [replace(p, lat=p.lat + 3e-6 * (i + 1)) for i, p in enumerate(static_history(5))]
    assert assess_position(fix(), office(kbb_zones), jitter, POLICY).warnings == ()


def test_refusals_are_ordered_by_priority(kbb_zones: dict[str, ZoneRef]) -> None:
    # GIVEN a mocked, vague fix far from the office, just after a fix in Surabaya, repeated on 3 days
    (far,) = ring_from_metres(HERE, [(0, 3_000)])
    history = [PastFix(-7.2575, 112.7521, MORNING - timedelta(minutes=5))]
    history += [PastFix(far[0], far[1], MORNING - timedelta(days=d)) for d in (1, 2, 3)]
    f = fix(*far, accuracy_m=500.0, mock_location=True)
    result = assess_position(f, office(kbb_zones), history, POLICY)
    assert result.refusals == (MOCK_LOCATION, IMPOSSIBLE_TRAVEL, GPS_INACCURATE, OUTSIDE_ZONE)
    assert result.warnings == (STATIC_FIX,)
    err = result.first_refusal()
    assert err is not None
    assert err.code == MOCK_LOCATION


def test_policy_decides_what_refuses_and_what_goes_to_review(kbb_zones: dict[str, ZoneRef]) -> None:
    lenient = GeoPolicy(refuse=frozenset({OUTSIDE_ZONE, STATIC_FIX}))
    result = assess_position(fix(accuracy_m=150.0, mock_location=True), office(kbb_zones), static_history(3), lenient)
    assert result.refusals == (STATIC_FIX,)
    assert result.warnings == (MOCK_LOCATION, GPS_INACCURATE)


def test_validation_error_cannot_be_downgraded(kbb_zones: dict[str, ZoneRef]) -> None:
    lenient = GeoPolicy(refuse=frozenset())
    result = assess_position(fix(float("nan"), 107.0), office(kbb_zones), [], lenient)
    assert result.refusals == (VALIDATION_ERROR,)


def test_naive_fix_time_is_a_programming_error(kbb_zones: dict[str, ZoneRef]) -> None:
    with pytest.raises(ValueError, match="aware"):
        assess_position(fix(at=datetime(2026, 11, 10, 7, 25)), office(kbb_zones), [], POLICY)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_accuracy_m": 0},
        {"max_speed_kmh": float("nan")},
        {"travel_allowance_m": -1},
        {"static_min_days": 0},
        {"refuse": frozenset({"NO_FACE"})},
        {"timezone": "Asia/Atlantis"},
    ],
)
def test_bad_policy_fails_at_construction(kwargs: dict[str, object]) -> None:
    with pytest.raises(GeoConfigError):
        GeoPolicy(**kwargs)  # type: ignore[arg-type]
