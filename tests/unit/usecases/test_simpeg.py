"""SIMPEG use cases on the in-memory twins: an import goes to the runtime's SIMPEG repositories, its run is
listed, and the admin's import is audited."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.domain.people import Principal
from chalicelib.settings import build_settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import simpeg
from chalicelib.usecases.schemas.simpeg import ImportQuery, RunsQuery

from .admin_fixtures import AuditTrail, audited

__all__ = ["audited"]  # the shared fixture this module uses

SUPER = Principal("admin", "super_admin")
ROWS = [
    {"nip": "198501012010011001", "nama": "Asep", "unor_id": "U1", "unor_nama": "SDN 1", "status": "aktif"},
    {"nip": "199002022015032002", "nama": "Budi", "unor_id": "U2", "unor_nama": "SDN 2", "status": "aktif"},
]


def import_rows(rows: list[dict[str, str]]) -> dict[str, Any]:
    body = json.dumps({"employees": rows}).encode()
    return simpeg.import_records(build_settings({}), SUPER, body, "application/json", ImportQuery()).model_dump(
        mode="json"
    )


def test_an_import_is_applied_listed_and_audited(repos: Repositories, audited: AuditTrail) -> None:
    # WHEN the super admin imports two employees, one row being bad
    answer = import_rows([*ROWS, {"nip": "12345", "nama": "X", "unor_id": "U1", "unor_nama": "SDN 1"}])
    # THEN the good rows are in the SIMPEG repository with their units, the bad one is reported
    assert answer["created"] == 2 and [e["row"] for e in answer["errors"]] == [3]
    assert sorted(e.nip for e in repos.simpeg_employees.list_employees()) == [r["nip"] for r in ROWS]
    assert sorted(u.unor_id for u in repos.simpeg_employees.list_units()) == ["U1", "U2"]
    # AND the run is listed, and the import is in the audit log under the run's id
    runs = simpeg.list_runs(RunsQuery()).model_dump(mode="json")
    assert [r["run_id"] for r in runs["items"]] == [answer["run_id"]] and runs["next"] is None
    [entry] = audited.entries()
    assert (entry.actor, entry.action, entry.target) == ("admin", "simpeg.import", answer["run_id"])
    assert entry.detail is not None and entry.detail["created"] == 2


def test_importing_the_same_rows_again_changes_nothing(repos: Repositories) -> None:
    import_rows(ROWS)
    again = import_rows(ROWS)
    assert again["created"] == 0 and again["unchanged"] == 2
    assert len(simpeg.list_runs(RunsQuery()).items) == 2
