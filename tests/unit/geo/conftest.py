"""Shared fixtures for the geo tests (zones around Kabupaten Bandung Barat)."""

from __future__ import annotations

import pytest

from chalicelib.geo import ZoneConfig, build_cells
from chalicelib.geo.shapes import Shape
from chalicelib.geo.zones import ZoneRef
from tests.unit.geo.geo_testlib import circle_zone, holed_polygon, l_shaped_polygon, office_polygon


@pytest.fixture(scope="session")
def zone_config() -> ZoneConfig:
    return ZoneConfig()


@pytest.fixture(scope="session")
def kbb_shapes(zone_config: ZoneConfig) -> dict[str, Shape]:
    return {
        "office": office_polygon(zone_config),
        "l_shape": l_shaped_polygon(zone_config),
        "holed": holed_polygon(zone_config),
        "circle": circle_zone(zone_config),
    }


@pytest.fixture(scope="session")
def kbb_zones(kbb_shapes: dict[str, Shape], zone_config: ZoneConfig) -> dict[str, ZoneRef]:
    return {
        name: ZoneRef(name, name.title(), "unit", build_cells(shape, zone_config), shape)
        for name, shape in kbb_shapes.items()
    }
