"""NIPs made for the employees tests create on a stack: never one made before, never one of SIMPEG's."""

from __future__ import annotations

from datetime import datetime

from tools.nips import APPOINTED, fresh_nip
from tools.simpeg_sim import Regency


def test_every_nip_is_new_and_well_formed() -> None:
    # 20,000 draws: with serials alone (the 1,000 or 2,000 the tests drew from before) repeats are certain
    nips = [fresh_nip() for _ in range(20_000)]
    assert len(set(nips)) == len(nips)
    for nip in nips[:500]:
        assert len(nip) == 18 and nip.isdigit()
        datetime.strptime(nip[:8], "%Y%m%d")  # a birth date
        assert nip[8:12] == str(APPOINTED) and 1 <= int(nip[12:14]) <= 12 and nip[14] in "12"
        assert nip[15:] != "000"


def test_the_simpeg_simulator_appoints_nobody_in_that_year() -> None:
    assert all(nip[8:12] != str(APPOINTED) for nip in Regency(7000, 1).employees)
