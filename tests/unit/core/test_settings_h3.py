"""SMART_H3_RESOLUTION takes only the resolutions a zone can be built at; the settings check it when built."""

from __future__ import annotations

import pytest

from chalicelib.geo.config import MAX_CELL_DIAMETER_M, overshoot_bound_m
from chalicelib.settings import H3_RESOLUTIONS, SettingsError, build_settings


def test_the_settings_take_exactly_the_resolutions_the_geo_code_builds_zones_at() -> None:
    # The settings may not import the geo code (.importlinter layers): their range and the geo table agree.
    low, high = H3_RESOLUTIONS
    assert set(range(low, high + 1)) == set(MAX_CELL_DIAMETER_M)
    for resolution in range(low, high + 1):
        assert build_settings({"SMART_H3_RESOLUTION": str(resolution)}).h3_resolution == resolution
        assert overshoot_bound_m(resolution) > 0


@pytest.mark.parametrize("value", ["9", "10", "15"])
def test_a_resolution_no_zone_can_be_built_at_stops_the_start(value: str) -> None:
    with pytest.raises(SettingsError, match="SMART_H3_RESOLUTION"):
        build_settings({"SMART_H3_RESOLUTION": value})
