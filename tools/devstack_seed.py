"""Demo data for a fresh local stack, put in THROUGH THE HTTP API like an administrator would.

Going through the API (not straight into DynamoDB) keeps the seed honest: it exercises login, the SIMPEG sync
and zone routes, and it cannot write a shape the app would not write itself. Runs once per data directory
(the caller keeps a marker).

Zones come from tools/demo_zones.json (kept by the geo work) when present, else from the small fallback list
below: circles at APPROXIMATE positions of real Kabupaten Bandung Barat offices, good enough for a demo.
Each unit gets the zone whose place name appears in the unit's name (e.g. "Lembang"), else the regency
office complex (the first zone), so every demo employee has somewhere to check in. Between zones
naming the same place, the one sharing more words wins ("Puskesmas Cisarua" -> the puskesmas zone).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tools.devstack_http import ApiClient, ApiResponse

__all__ = ["FALLBACK_ZONES", "SeedError", "SeedReport", "load_zones", "seed_demo"]

FALLBACK_ZONES: list[dict[str, Any]] = [
    {
        "name": "Komplek Perkantoran Pemkab Bandung Barat, Ngamprah",
        "circle": {"lat": -6.8468, "lon": 107.4857, "radius_m": 300},
    },
    {"name": "Kantor Kecamatan Padalarang", "circle": {"lat": -6.8437, "lon": 107.4781, "radius_m": 150}},
    {"name": "Kantor Kecamatan Lembang", "circle": {"lat": -6.8117, "lon": 107.6178, "radius_m": 150}},
    {"name": "Kantor Kecamatan Cisarua", "circle": {"lat": -6.8133, "lon": 107.5561, "radius_m": 150}},
    {"name": "Kantor Kecamatan Batujajar", "circle": {"lat": -6.9128, "lon": 107.5007, "radius_m": 150}},
]
# Words too common in unit and office names to tie a unit to a place.
_GENERIC_WORDS = frozenset(
    {
        "kantor",
        "kecamatan",
        "dinas",
        "badan",
        "kabupaten",
        "bandung",
        "barat",
        "pemkab",
        "komplek",
        "perkantoran",
        "negeri",
        "puskesmas",
        "sekolah",
        "dasar",
        "menengah",
        "pertama",
        "umum",
        "daerah",
    }
)
_FINISHED_RUN_STATES = frozenset({"succeeded", "success", "completed", "done", "failed", "needs_confirmation"})
_SYNC_TIMEOUT_S = 600.0


class SeedError(Exception):
    """Seeding demo data failed at a named step (the API answered something unexpected)."""


@dataclass
class SeedReport:
    """What the seed did; written into the data dir's marker and shown in the start-up banner."""

    sync: dict[str, Any] = field(default_factory=dict)
    zones: list[str] = field(default_factory=list)
    units_assigned: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        counts = self.sync.get("counts") or {}
        text = f"SIMPEG sync {self.sync.get('status', '?')} {counts}; {len(self.zones)} zones; "
        text += f"{self.units_assigned} units given zones"
        return text + (f"; warnings: {'; '.join(self.warnings)}" if self.warnings else "")


def load_zones(path: Path) -> list[dict[str, Any]]:
    """Zone bodies for POST /v1/admin/zones from `path` (a list, or {"zones": [...]}) or the fallback list."""
    if not path.exists():
        return FALLBACK_ZONES
    data = json.loads(path.read_text(encoding="utf-8"))
    zones = data.get("zones", []) if isinstance(data, dict) else data
    bodies = [_zone_body(z) for z in zones if isinstance(z, dict)]
    return [b for b in bodies if b] or FALLBACK_ZONES


def _zone_body(zone: dict[str, Any]) -> dict[str, Any] | None:
    """Keep only what the zone route takes ("holes": the geo extension); skip a zone without name/geometry."""
    if "name" not in zone or not ("polygon" in zone or "circle" in zone):
        return None
    return {k: zone[k] for k in ("name", "polygon", "circle", "holes") if k in zone}


def seed_demo(api_url: str, username: str, password: str, zones_file: Path) -> SeedReport:
    """Log in as the bootstrap admin, pull employees from SIMPEG, create zones, give units their zones."""
    client = ApiClient(api_url, timeout_s=_SYNC_TIMEOUT_S)
    _expect(client.login_admin(username, password), 200, "admin login")
    report = SeedReport()
    report.sync = _sync_employees(client, report)
    zone_ids = _create_zones(client, load_zones(zones_file), report)
    if zone_ids:
        report.units_assigned = _assign_units(client, zone_ids)
    return report


def _expect(resp: ApiResponse, status: int | tuple[int, ...], step: str) -> Any:
    wanted = (status,) if isinstance(status, int) else status
    if resp.status not in wanted:
        raise SeedError(f"{step}: HTTP {resp.status} {resp.raw[:300]!r}")
    return resp.body


def _sync_employees(client: ApiClient, report: SeedReport) -> dict[str, Any]:
    resp = client.post("/v1/admin/simpeg/sync", {})
    if resp.status in (404, 405, 501):
        report.warnings.append(f"POST /v1/admin/simpeg/sync not available (HTTP {resp.status}): no employees")
        return {"status": "skipped"}
    run = _expect(resp, (200, 201, 202), "SIMPEG sync")
    if not isinstance(run, dict):
        raise SeedError(f"SIMPEG sync: unexpected answer {resp.raw[:300]!r}")
    return _wait_for_run(client, run)


def _wait_for_run(client: ApiClient, run: dict[str, Any]) -> dict[str, Any]:
    """A sync may answer 202 and go on in the background: poll the run log until that run has finished."""
    deadline = time.monotonic() + _SYNC_TIMEOUT_S
    while str(run.get("status", "")).lower() not in _FINISHED_RUN_STATES and "counts" not in run:
        if time.monotonic() > deadline:
            raise SeedError(f"SIMPEG sync run {run.get('run_id')} did not finish in {_SYNC_TIMEOUT_S:.0f}s")
        time.sleep(1.0)
        runs = _expect(client.get("/v1/admin/simpeg/runs"), 200, "SIMPEG run log")
        run = next((r for r in runs.get("items", []) if r.get("run_id") == run.get("run_id")), run)
    return run


def _create_zones(client: ApiClient, zones: list[dict[str, Any]], report: SeedReport) -> list[tuple[str, str]]:
    """Create the demo zones; ones already there (an earlier, interrupted seed) are reused by name."""
    existing = {z.get("name"): str(z.get("zone_id")) for z in _all_items(client, "/v1/admin/zones", "zone list")}
    created = []
    for zone in zones:
        zone_id = existing.get(zone["name"])
        if zone_id is None:
            body = _expect(client.post("/v1/admin/zones", zone), 201, f"zone {zone['name']!r}")
            zone_id = str(body["zone_id"])
        created.append((zone_id, zone["name"]))
        report.zones.append(zone["name"])
    return created


def _assign_units(client: ApiClient, zones: list[tuple[str, str]]) -> int:
    assigned = 0
    for unit in _all_items(client, "/v1/admin/units", "unit list"):
        zone_id = _zone_for_unit(str(unit.get("unor_nama", "")), zones)
        path = f"/v1/admin/units/{unit['unor_id']}/zones"
        _expect(client.put(path, {"zone_ids": [zone_id]}), (200, 204), f"zones of unit {unit['unor_id']}")
        assigned += 1
    return assigned


def _all_items(client: ApiClient, path: str, step: str) -> list[dict[str, Any]]:
    """Every item of an API.md list endpoint (`ApiClient.every_item`), a failure named by the seeding step."""
    try:
        return client.every_item(path)
    except RuntimeError as exc:
        raise SeedError(f"{step}: {exc}") from exc


def _words(name: str) -> set[str]:
    return set(re.findall(r"[a-z]+", name.lower()))


def _zone_for_unit(unit_name: str, zones: list[tuple[str, str]]) -> str:
    """The zone sharing a place name with the unit (most shared words wins), else the first zone."""
    unit_words = _words(unit_name)
    place_words = {w for w in unit_words if len(w) >= 4 and w not in _GENERIC_WORDS}
    best, best_score = zones[0][0], (0, 0)
    for zone_id, zone_name in zones:
        zone_words = _words(zone_name)
        score = (len(place_words & zone_words), len(unit_words & zone_words))
        if score[0] and score > best_score:
            best, best_score = zone_id, score
    return best
