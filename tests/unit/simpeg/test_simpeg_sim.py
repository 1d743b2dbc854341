"""The SIMPEG simulator itself: deterministic, realistic enough, steerable, and runnable from the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import urllib3

from chalicelib.simpeg.mapping import FieldMapping, default_mapping, map_listing
from tools.simpeg_sim import Regency

from .conftest import Sim

REPO_DIR = Path(__file__).resolve().parents[3]


def test_same_seed_gives_the_same_regency_and_another_seed_another() -> None:
    assert Regency(300, 5).employees == Regency(300, 5).employees
    assert Regency(300, 5).employees.keys() != Regency(300, 6).employees.keys()


def test_generated_employees_pass_validation_and_look_like_a_regency() -> None:
    regency = Regency(1500, 1)
    batch = map_listing(regency.employees.values(), FieldMapping())
    assert batch.errors == () and len(batch.records) == 1500
    units = {u.unor_nama for u in regency.units}
    assert 55 <= len(units) <= 70
    assert {"Kecamatan Ngamprah", "Kecamatan Lembang", "Dinas Pendidikan", "UPTD Puskesmas Padalarang"} <= units
    assert any(n.startswith("SDN ") for n in units) and any(n.startswith("SMPN ") for n in units)
    titles = {r.gelar_belakang for r in batch.records} | {r.gelar_depan for r in batch.records}
    assert {"S.Pd.", "S.Kep., Ners", "dr.", "A.Md.Kep."} <= titles
    assert {r.unor_id for r in batch.records} == {u.unor_id for u in regency.units}  # every unit staffed


def test_shipped_mapping_json_matches_the_dataclass_defaults() -> None:
    assert default_mapping() == FieldMapping()


def test_unknown_control_action_is_refused(sim: Sim) -> None:
    response = sim.http.request("POST", f"{sim.base_url}/_control", body=b'{"action": "explode"}')
    assert response.status == 400


def test_cli_starts_on_a_free_port_and_serves() -> None:
    # GIVEN the simulator started the way the local stack starts it (port 0: it prints the one it bound)
    argv = [sys.executable, "-m", "tools.simpeg_sim", "--port", "0", "--size", "30", "--seed", "3"]
    process = subprocess.Popen(argv, cwd=REPO_DIR, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().split()[3]
        # WHEN listing with the default API key
        response = urllib3.request(
            "GET", f"{base_url}/api/v1/pegawai?page=1&limit=100", headers={"X-API-Key": "local-simpeg-key"}
        )
        # THEN the 30 employees are served
        body = response.json()
        assert response.status == 200 and body["meta"]["total"] == 30 and len(body["data"]) == 30
    finally:
        process.terminate()
        process.wait(timeout=10)
