"""NIPs for the employees that tests and tools create on a running stack."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

# Appointed in this year: after the last one the SIMPEG simulator appoints anyone in (tools.simpeg_sim caps its
# appointments at 2024), so a NIP made here is never one of the simulator's employees.
APPOINTED = 2025
_BIRTHS = (date(1975, 1, 1), date(1999, 12, 31))
_issued: set[str] = set()


def fresh_nip() -> str:
    """An 18-digit NIP (birth date, appointment month, gender digit, serial) that no earlier call of this process
    returned.

    A test session keeps one stack for all its tests. A NIP drawn twice would re-import an employee an earlier
    test had activated, whose bound phone then refuses the new activation (403 DEVICE_MISMATCH; seen in CI when
    NIPs were drawn from 2,000 serials).
    """
    span = (_BIRTHS[1] - _BIRTHS[0]).days
    while True:
        born = _BIRTHS[0] + timedelta(days=secrets.randbelow(span + 1))
        nip = f"{born:%Y%m%d}{APPOINTED}{secrets.randbelow(12) + 1:02d}{secrets.choice('12')}"
        nip += f"{secrets.randbelow(999) + 1:03d}"
        if nip not in _issued:
            _issued.add(nip)
            return nip
