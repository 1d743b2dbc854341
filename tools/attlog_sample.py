"""Write fingerprint-machine attendance logs the way ZKTeco machines do, for tests and benchmarks.

`ATTLOG.dat` from a USB stick: one punch a line, ``PIN<TAB>YYYY-MM-DD HH:MM:SS<TAB>verify<TAB>in-out<TAB>
workcode<TAB>reserved``, PINs right-aligned with spaces, CRLF endings, sometimes a BOM and blank lines; people
press twice (a second punch seconds later); a machine's clock runs minutes off (`skew_minutes` is added to
every written time, so importing with `offset_minutes = -skew_minutes` restores the true times).
The vendor software's CSV export (`csv=True`): header ``pin,timestamp``.

    python -m tools.attlog_sample --pins 300 --days 365 --out /tmp/ATTLOG.dat
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    """What a generated file holds: its bytes and the true punch times per PIN (before skew and repeats)."""

    data: bytes
    punches: dict[str, list[datetime]]  # pin -> true local times, in order
    repeats: int  # extra presses written seconds after a punch (stored by an import; the day counts one)


def working_days(start: date, days: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(days) if (start + timedelta(days=i)).weekday() < 5]


def generate(
    pins: Sequence[str],
    start: date,
    days: int,
    *,
    seed: int = 1,
    skew_minutes: int = 0,
    repeat_rate: float = 0.05,
    absent_rate: float = 0.05,
    csv: bool = False,
    bom: bool = False,
) -> Sample:
    """Punches of `pins` on the working days of [start, start + days): arrival around 07:25, departure around
    16:05, some people absent, some pressing twice."""
    rng = random.Random(seed)
    skew = timedelta(minutes=skew_minutes)
    truth: dict[str, list[datetime]] = {pin: [] for pin in pins}
    lines: list[tuple[datetime, str, str]] = []
    repeats = 0
    for day in working_days(start, days):
        for pin in pins:
            if rng.random() < absent_rate:
                continue
            arrive = datetime.combine(day, time(7, 0)) + timedelta(seconds=rng.randint(0, 50 * 60))
            leave = datetime.combine(day, time(16, 0)) + timedelta(seconds=rng.randint(0, 40 * 60))
            for at, state in ((arrive, "0"), (leave, "1")):
                truth[pin].append(at)
                lines.append((at + skew, pin, state))
                if rng.random() < repeat_rate:
                    repeats += 1
                    lines.append((at + skew + timedelta(seconds=rng.randint(1, 20)), pin, state))
    lines.sort()
    text = _csv(lines) if csv else _attlog(lines, rng)
    return Sample(("\ufeff" if bom else "").encode() + text.encode("utf-8"), truth, repeats)


def _attlog(lines: list[tuple[datetime, str, str]], rng: random.Random) -> str:
    out = []
    for at, pin, state in lines:
        out.append(f"{pin:>9}\t{at:%Y-%m-%d %H:%M:%S}\t1\t{state}\t0\t0\r\n")
        if rng.random() < 0.001:
            out.append("\r\n")  # machines and USB copies leave blank lines now and then
    return "".join(out)


def _csv(lines: list[tuple[datetime, str, str]]) -> str:
    return "pin,timestamp\r\n" + "".join(f"{pin},{at:%Y-%m-%d %H:%M:%S}\r\n" for at, pin, _ in lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.attlog_sample", description=__doc__)
    parser.add_argument("--pins", type=int, default=30, help="users 1..N on the machine")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 5))
    parser.add_argument("--skew-minutes", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--csv", action="store_true")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    sample = generate(
        [str(n) for n in range(1, args.pins + 1)],
        args.start,
        args.days,
        seed=args.seed,
        skew_minutes=args.skew_minutes,
        csv=args.csv,
    )
    args.out.write_bytes(sample.data)
    count = sum(len(v) for v in sample.punches.values())
    print(f"{args.out}: {count} punches + {sample.repeats} repeats, {len(sample.data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
