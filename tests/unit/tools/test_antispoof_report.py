"""The anti-spoof calibration report (tools/antispoof_report.py) over events stored by the in-memory twins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.attendance import Event
from chalicelib.domain.people import Employee
from chalicelib.store.events import new_event_id
from chalicelib.store.repositories import Repositories
from tools import antispoof_report

STAFF, ATTACKER, OTHER = "198501012010011001", "199002022015032002", "199103032016041003"
START = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # 07:30 in Jakarta


def event(nip: str, day: int, score: float | None, status: str = "accepted", **fields: object) -> Event:
    at = START + timedelta(days=day, seconds=len(str(score)))
    local = (at + timedelta(hours=7)).date().isoformat()
    return Event(
        new_event_id(nip, at), nip, "in", status, at.isoformat(), at.isoformat(), local, "U1", spoof_score=score,
        **fields,  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_report_groups_scores_and_suggests_the_threshold_genuine_check_ins_allow(
    repos: Repositories, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN three employees of U1 and a month of scored events: 51 genuine check-ins (one scoring 0.93), three
    # attempts of the colleague IT staff photographed, a check-in rejected in review, a face mismatch
    repos.people.upsert_unit("U1", "Dinas Pendidikan")
    for nip in (STAFF, ATTACKER, OTHER):
        repos.people.put_employee(Employee(nip, "Pegawai", "U1"))
    genuine = [event(STAFF, d % 28, d / 100) for d in range(49)]
    genuine += [event(OTHER, 3, 0.93), event(OTHER, 4, 0.2, "review", decision="approve")]
    attacks = [event(ATTACKER, 5, s, "refused", reasons=("LIVENESS_FAILED",)) for s in (0.97, 0.99, 0.4)]
    others = [
        event(OTHER, 6, 0.88, "review", decision="reject"),
        event(OTHER, 7, 0.2, "refused", reasons=("FACE_MISMATCH",)),
        event(OTHER, 8, None),  # scored off: not counted
        event(STAFF, 40, 0.99),  # after the period: not counted
    ]
    assert all(repos.events.put_punches(genuine + attacks + others))
    # WHEN the report of December 2026 is asked with the photographed colleague as labelled attacks
    argv = ["--from", "2026-12-01", "--to", "2026-12-31", "--attack-nip", ATTACKER]
    assert antispoof_report.main(argv) == 0
    out = capsys.readouterr().out
    # THEN each group has its count and spread, genuine first, then the labelled attacks
    table = [(line[:32].strip(), int(line[32:39])) for line in out.split("\n\n")[0].splitlines()[1:]]
    assert table == [("genuine", 51), ("labelled attacks", 3), ("refused FACE_MISMATCH", 1), ("rejected in review", 1)]
    # AND the suggestion is the lowest threshold flagging at most 2 % of the genuine ones (1 of 51 at 0.5)
    assert "suggested SMART_ANTISPOOF_THRESHOLD=0.5: flags 1 of 51 genuine check-ins (2.0%" in out
    assert "catches 67% of 3 labelled attacks" in out
    # AND the highest-scoring genuine check-in comes first, by event id
    listed = out.split("highest-scoring genuine check-ins")[1].split()
    assert listed[listed.index(genuine[49].event_id) + 1] == "0.930"


def test_without_scores_or_a_fitting_threshold_the_report_says_so() -> None:
    assert "no scored check-in" in antispoof_report.report([])
    flagged = [antispoof_report.Scored(f"e{i}", antispoof_report.GENUINE, 0.99) for i in range(3)]
    assert "no threshold of the grid flags at most 2%" in antispoof_report.report(flagged)


def test_the_upper_bound_is_wilson_s() -> None:
    # 0 of 100 flagged can still mean up to 3.7 %; 2 of 106 (bench/antispoof_RESULTS.md) up to about 6.6 %
    assert round(antispoof_report.upper_bound(0, 100), 3) == 0.037
    assert round(antispoof_report.upper_bound(2, 106), 3) == 0.066
