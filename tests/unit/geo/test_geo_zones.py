"""Which zones apply to an employee on a day, and which zone a point matches."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.geo import FieldDutyAssignment, ZoneRef, local_day, match_zone, zones_for_day
from tests.unit.geo.geo_testlib import CISARUA, PEMKAB_KBB, ring_from_metres

NIP = "198001012005011001"
OTHER_NIP = "199002022015022002"


def duty(zone: ZoneRef, start: date, end: date) -> FieldDutyAssignment:
    return FieldDutyAssignment(
        assignment_id="dl-1",
        nips=frozenset({NIP}),
        zone=zone,
        start_date=start,
        end_date=end,
        letter_no="800/123/BKPSDM/2026",
        reason="Monitoring posyandu",
    )


def as_assignment(zone: ZoneRef) -> ZoneRef:
    return ZoneRef(zone.zone_id, zone.name, "assignment", zone.cells, zone.shape, assignment_id="dl-1")


def test_field_duty_zone_is_valid_only_within_its_dates_inclusive(kbb_zones: dict[str, ZoneRef]) -> None:
    # GIVEN an office unit zone and a field duty at the puskesmas from 10 to 12 November
    office, puskesmas = kbb_zones["office"], as_assignment(kbb_zones["circle"])
    assignment = duty(puskesmas, date(2026, 11, 10), date(2026, 11, 12))
    expected = {
        date(2026, 11, 9): [office],
        date(2026, 11, 10): [office, puskesmas],
        date(2026, 11, 12): [office, puskesmas],
        date(2026, 11, 13): [office],
    }
    for day, zones in expected.items():
        # THEN the puskesmas is offered on the listed days only, after the unit's zones
        assert zones_for_day(NIP, [office], [assignment], day) == zones
    # AND the offered zone names the letter's assignment even if stored as a plain zone
    (_, offered) = zones_for_day(
        NIP, [office], [duty(kbb_zones["circle"], date(2026, 11, 10), date(2026, 11, 10))], date(2026, 11, 10)
    )
    assert (offered.source, offered.assignment_id) == ("assignment", "dl-1")
    # AND never to someone not named in the letter
    assert zones_for_day(OTHER_NIP, [office], [assignment], date(2026, 11, 11)) == [office]


def test_match_tells_which_zone_and_source_matched(kbb_zones: dict[str, ZoneRef]) -> None:
    office, puskesmas = kbb_zones["office"], as_assignment(kbb_zones["circle"])
    zones = [office, puskesmas]
    assert match_zone(PEMKAB_KBB[0], PEMKAB_KBB[1], zones) is office
    matched = match_zone(CISARUA[0], CISARUA[1], zones)
    assert matched is puskesmas
    assert matched.source == "assignment"
    (far,) = ring_from_metres(PEMKAB_KBB, [(0, 2_000)])
    assert match_zone(far[0], far[1], zones) is None
    assert match_zone(PEMKAB_KBB[0], PEMKAB_KBB[1], []) is None


def test_local_day_follows_the_regency_time_zone() -> None:
    # 23:30 UTC on the 9th is already the 10th in WIB (UTC+7) and WIT (UTC+9)
    instant = datetime(2026, 11, 9, 23, 30, tzinfo=UTC)
    assert local_day(instant, "Asia/Jakarta") == date(2026, 11, 10)
    assert local_day(instant, "Asia/Jayapura") == date(2026, 11, 10)
    assert local_day(datetime(2026, 11, 9, 16, 59, tzinfo=UTC), "Asia/Jakarta") == date(2026, 11, 9)
    with pytest.raises(ValueError, match="aware"):
        local_day(datetime(2026, 11, 9, 12, 0), "Asia/Jakarta")
