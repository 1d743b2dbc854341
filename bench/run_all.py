"""`make bench`: the quick benchmarks one after another (each prints its own figures).

The long ones are run by hand (minutes to hours on 2 cores): `bench.face_accuracy`, `bench.face_degraded`,
`bench.load_checkin --start`, `bench.stack_bench`, `bench.startup_bench`, `bench.web_app_bench` (chromium).
"""

from __future__ import annotations

import subprocess
import sys

QUICK = (
    "bench.geo_bench",
    "bench.face_latency",
    "bench.face_verify_latency",
    "bench.liveness_cost",
    "bench.simpeg_bench",
    "bench.recap_bench",
    "bench.evidence_bench",
    "bench.rejudge_bench",
)


def main() -> int:
    failed = []
    for module in QUICK:
        print(f"== {module}", flush=True)
        if subprocess.run([sys.executable, "-m", module], check=False).returncode != 0:
            failed.append(module)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
