"""Calibrate the passive anti-spoof threshold on a deployment's own check-ins (SMART_ANTISPOOF=shadow).

In shadow mode every check-in selfie is scored and the score stored with its event, while nothing is sent to
review for it (decision 100). After a few weeks, and after a session in which IT staff try check-ins with printed
and on-screen photos of consenting colleagues (their NIPs are the labelled attacks), this reads the scored
events and prints, per group, how the scores spread and what share each threshold would flag:

    .venv/bin/python -m tools.antispoof_report --from 2026-12-01 --to 2026-12-31 \\
        [--attack-nip 198501012010011001 ...] [--unit U1 ...]

Groups: "genuine" (accepted, or approved in review), "rejected in review", "pending review", each refusal code,
and "labelled attacks" (every event of the --attack-nip employees, whatever its outcome). Switch SMART_ANTISPOOF
to on with a threshold that flags few genuine check-ins and most labelled attacks; the suggestion printed is the
lowest threshold of the grid that flags at most 2 % of the genuine ones (with the 95 % upper bound of that share).
The deployment comes from the usual settings (SMART_* environment variables). Prints event ids only, no names.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from chalicelib import runtime
from chalicelib.domain.attendance import Event
from chalicelib.settings import load_settings

MAX_DAYS = 120
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98)
GENUINE_FLAG_TARGET = 0.02
GENUINE, ATTACKS = "genuine", "labelled attacks"
READERS = 8  # employees read at once (one events Query each)


@dataclass(frozen=True)
class Scored:
    event_id: str
    group: str
    score: float


def group_of(event: Event, attackers: frozenset[str]) -> str:
    """The group a scored event is judged in."""
    if event.nip in attackers:
        return ATTACKS
    if event.status == "accepted" or (event.status == "review" and event.decision == "approve"):
        return GENUINE
    if event.status == "review":
        return "rejected in review" if event.decision == "reject" else "pending review"
    return f"refused {(event.reasons or ('?',))[0]}"


def scored(events: Iterable[Event], attackers: frozenset[str]) -> list[Scored]:
    """The events that carry a spoof score, each with its group."""
    return [Scored(e.event_id, group_of(e, attackers), e.spoof_score) for e in events if e.spoof_score is not None]


def quantile(values: Sequence[float], q: float) -> float:
    """The `q` quantile of sorted `values` (nearest rank)."""
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


def upper_bound(flagged: int, n: int, z: float = 1.96) -> float:
    """Wilson's 95 % upper bound of a share `flagged` / `n`."""
    if n == 0:
        return 1.0
    p = flagged / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return min(1.0, (centre + spread) / (1 + z * z / n))


def flag_rate(scores: Sequence[float], threshold: float) -> float:
    return sum(s >= threshold for s in scores) / len(scores)


def suggestion(genuine: Sequence[float], thresholds: Sequence[float] = THRESHOLDS) -> float | None:
    """The lowest threshold that flags at most GENUINE_FLAG_TARGET of the genuine scores (None: none does)."""
    return next((t for t in sorted(thresholds) if genuine and flag_rate(genuine, t) <= GENUINE_FLAG_TARGET), None)


def report(rows: Sequence[Scored], thresholds: Sequence[float] = THRESHOLDS, top: int = 10) -> str:
    """The calibration tables as text."""
    groups: dict[str, list[float]] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row.score)
    if not groups:
        return "no scored check-in in the period (is SMART_ANTISPOOF shadow or on?)"
    names = sorted(groups, key=lambda g: (g != GENUINE, g != ATTACKS, g))
    heads = f"{'group':<32}{'n':>7}{'p50':>8}{'p90':>8}{'p98':>8}{'max':>8}   "
    lines = [heads + "".join(f"≥{t:<7}" for t in thresholds)]
    for name in names:
        values = sorted(groups[name])
        spread = "".join(f"{quantile(values, q):>8.3f}" for q in (0.5, 0.9, 0.98, 1.0))
        rates = "".join(f"{flag_rate(values, t):<8.1%}" for t in thresholds)
        lines.append(f"{name:<32}{len(values):>7}{spread}   {rates}")
    genuine = sorted(groups.get(GENUINE, []))
    chosen = suggestion(genuine, thresholds)
    if chosen is None:
        lines.append(f"\nno threshold of the grid flags at most {GENUINE_FLAG_TARGET:.0%} of the genuine check-ins")
    else:
        flagged = sum(s >= chosen for s in genuine)
        caught = groups.get(ATTACKS)
        lines.append(
            f"\nsuggested SMART_ANTISPOOF_THRESHOLD={chosen}: flags {flagged} of {len(genuine)} genuine check-ins "
            f"({flagged / len(genuine):.1%}, 95 % upper bound {upper_bound(flagged, len(genuine)):.1%})"
            + (f", catches {flag_rate(caught, chosen):.0%} of {len(caught)} labelled attacks" if caught else "")
        )
    highest = sorted((r for r in rows if r.group == GENUINE), key=lambda r: -r.score)[:top]
    if highest:
        lines.append("highest-scoring genuine check-ins (look at their photos in the console):")
        lines += [f"  {r.event_id}  {r.score:.3f}" for r in highest]
    return "\n".join(lines)


def read_events(start: date, end: date, units: Sequence[str] | None, extra_nips: Iterable[str]) -> list[Event]:
    """Every stored event of the units' employees (and of `extra_nips`) with a local date from `start` to `end`."""
    people = runtime.people()
    nips = {m.nip for u in (units or people.list_unit_ids()) for m in people.members_of_unit(u)} | set(extra_nips)
    tz = load_settings().tz
    low = datetime.combine(start, time.min, tz) - timedelta(hours=12)  # check-outs of night shifts, offline times
    high = datetime.combine(end + timedelta(days=1), time.min, tz) + timedelta(hours=12)
    wanted = (start.isoformat(), end.isoformat())
    with ThreadPoolExecutor(READERS) as pool:
        batches = pool.map(lambda nip: runtime.events().events_between(nip, low, high), sorted(nips))
        return [e for batch in batches for e in batch if e.local_date and wanted[0] <= e.local_date <= wanted[1]]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.antispoof_report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="start", type=date.fromisoformat, required=True, help="first local date")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, required=True, help="last local date")
    parser.add_argument("--attack-nip", action="append", default=[], help="an employee whose check-ins were attacks")
    parser.add_argument("--unit", action="append", help="only these units (repeat); default every unit")
    args = parser.parse_args(argv)
    if args.end < args.start or (args.end - args.start).days >= MAX_DAYS:
        parser.error(f"--to must be on or after --from, at most {MAX_DAYS} days")
    runtime.ensure_ready(load_settings())
    events = read_events(args.start, args.end, args.unit, args.attack_nip)
    print(report(scored(events, frozenset(args.attack_nip))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
