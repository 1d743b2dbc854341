"""The demo zones shipped for seeding (tools/demo_zones.json) are valid zones."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.geo import ZoneConfig, build_cells, parse_shape

DEMO = Path(__file__).resolve().parents[3] / "tools" / "demo_zones.json"


def test_every_demo_zone_is_valid_and_its_drawn_points_test_inside() -> None:
    zones = json.loads(DEMO.read_text(encoding="utf-8"))["zones"]
    assert len(zones) >= 4
    config = ZoneConfig()
    for zone in zones:
        assert zone["name"]
        cells = build_cells(parse_shape(zone, config), config)
        if "circle" in zone:
            points = [(zone["circle"]["lat"], zone["circle"]["lon"])]
        else:
            points = [tuple(p) for ring in [zone["polygon"], *zone.get("holes", [])] for p in ring]
        assert all(cells.contains(lat, lon) for lat, lon in points)
