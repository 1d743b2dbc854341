"""Budgets of the admin console (/admin/, UI.md: "nothing freezes with 7,000 employees"):

1. first load: index.html + the entry script + the stylesheet it links, gzipped (level 9), without map tiles
   and without the screens loaded on first use (Zona with h3-js, Pengguna Admin with the QR generator);
   budget 500 KB;
2. the largest unit's employee table in a real browser (Debian's chromium, headless, Playwright): one unit of
   `--employees` people imported into a fresh local stack, then "Pegawai" of that unit opened: time until the
   first page of rows is on screen (split into the API's answer to the first page request and the rendering
   after it; budget < 1 s), until every row is loaded, and a sort and a page turn over all of them (each
   < 1 s).

    .venv/bin/python -m bench.console_bench --employees 7000

Prints the figures (and `--json PATH` writes them). Needs the built console (`make web`) and chromium.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import statistics
import time
from pathlib import Path

from infra.web_files import DIST_DIR
from tools.devstack import LocalStack, StackUrls
from tools.devstack_http import ApiClient, wait_until

BUDGET_FIRST_LOAD = 500 * 1024
_UNIT = "BENCH-BESAR"
_CHUNK = 1000


def first_load_bytes(dist: Path = DIST_DIR / "admin") -> dict[str, int]:
    """Gzipped size of each file a first visit loads (index.html and what it links), by name."""
    index = (dist / "index.html").read_bytes()
    linked = re.findall(rb'(?:src|href)="/admin/([^"]+)"', index)
    files = {"index.html": index} | {name.decode(): (dist / name.decode()).read_bytes() for name in linked}
    return {name: len(gzip.compress(body, 9)) for name, body in files.items()}


def _import(admin: ApiClient, count: int) -> None:
    rows = [
        {
            "nip": _nip(i),
            "nama": f"Pegawai Bench {i:05d}",
            "unor_id": _UNIT,
            "unor_nama": "RSUD Bench (unit terbesar)",
            "jabatan": "Perawat",
            "status": "aktif",
        }
        for i in range(count)
    ]
    for start in range(0, count, _CHUNK):
        resp = admin.post("/v1/admin/simpeg/import", {"employees": rows[start : start + _CHUNK]})
        if resp.status == 202:
            _wait_for_run(admin, str(resp.body["run_id"]))
        elif resp.status != 200 or resp.body["errors"]:
            raise SystemExit(f"import failed: {resp.status} {resp.raw[:300]!r}")


def _nip(i: int) -> str:
    """18 digits, distinct for i < 1,000,000: birth date by i // 1000, gender 1, serial i % 1000."""
    day = 1 + (i // 1000) % 28
    return f"1980{1 + (i // 28000) % 12:02d}{day:02d}2005011{i % 1000:03d}"


def _wait_for_run(admin: ApiClient, run_id: str) -> None:
    def done() -> bool:
        runs = admin.get("/v1/admin/simpeg/runs").body["items"]
        return any(r["run_id"] == run_id and r["status"] not in ("running", "queued") for r in runs)

    wait_until(done, timeout_s=300, interval_s=1.0, what=f"import run {run_id}")


# In the page: open "Pegawai" of the unit and time the table (performance.now, rendered = after a frame).
_MEASURE = """async ([unit, total]) => {
  const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const rows = () => document.querySelectorAll("tbody tr td[data-label=NIP]").length;
  const caption = () => document.querySelector("caption")?.textContent ?? "";
  const until = async (ok) => { while (!ok()) await frame(); return performance.now(); };
  const t0 = performance.now();
  location.hash = `#/pegawai?unit=${unit}`;
  const first = await until(() => rows() > 0);
  const page1 = performance.getEntriesByType("resource")
    .filter(e => e.name.includes("/v1/admin/employees") && e.startTime >= t0)
    .sort((a, b) => a.startTime - b.startTime)[0];
  const all = await until(() => caption().includes(`(${total})`) && !document.querySelector("[aria-busy=true]"));
  const firstName = () => document.querySelector("tbody tr td[data-label=Nama]")?.textContent;
  const before = firstName();
  const nameHeader = () => [...document.querySelectorAll("th button")].find(b => b.textContent.startsWith("Nama"));
  nameHeader().click();  // ascending: the first name is the same as in NIP order here
  await until(() => nameHeader().textContent.includes("▲"));
  const s0 = performance.now();
  nameHeader().click();  // descending: the measured sort of all rows
  const sorted = await until(() => firstName() !== before);
  const p0 = performance.now();
  const shownFirst = firstName();
  [...document.querySelectorAll(".pager button")].find(b => b.textContent === "Berikutnya").click();
  const paged = await until(() => firstName() !== shownFirst);
  return {first_rows_ms: first - t0, first_page_request_ms: page1.responseEnd - page1.startTime,
          first_page_render_ms: first - page1.responseEnd, all_rows_ms: all - t0, sort_ms: sorted - s0,
          page_ms: paged - p0, dom_rows: rows()};
}"""


def measure_table(urls: StackUrls, employees: int, repeat: int) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Debian's chromium is not installed (`make browser`)")
    runs = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True)
        for _ in range(repeat):
            context = browser.new_context(base_url=urls.api, viewport={"width": 1280, "height": 860})
            context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
            page = context.new_page()
            page.goto("/admin/")
            page.get_by_label("Nama pengguna").fill(urls.admin_username)
            page.get_by_label("Kata sandi").fill(urls.admin_password)
            page.get_by_role("button", name="Masuk").click()
            page.get_by_role("heading", name="Pemantauan").wait_for()
            runs.append(page.evaluate(_MEASURE, [_UNIT, employees]))
            context.close()
        browser.close()
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=7000, help="people in the one large unit")
    parser.add_argument("--repeat", type=int, default=3, help="browser runs (a fresh tab each)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)

    sizes = first_load_bytes()
    total = sum(sizes.values())
    print(f"first load (gzip -9): {total / 1024:.1f} KB of {BUDGET_FIRST_LOAD // 1024} KB budget")
    for name, size in sizes.items():
        print(f"  {name}: {size / 1024:.1f} KB")
    lazy = {p.name: len(gzip.compress(p.read_bytes(), 9)) for p in (DIST_DIR / "admin" / "assets").glob("*.js")}
    for name, size in sorted(lazy.items()):
        if f"assets/{name}" not in sizes:
            print(f"  (loaded on first use) {name}: {size / 1024:.1f} KB")

    with LocalStack.for_tests(simpeg_size=5) as urls:
        admin = ApiClient(urls.api)
        admin.login_admin(urls.admin_username, urls.admin_password)
        began = time.monotonic()
        _import(admin, args.employees)
        print(f"import of {args.employees} employees into one unit: {time.monotonic() - began:.1f} s (setup)")
        runs = measure_table(urls, args.employees, args.repeat)
    keys = ("first_rows_ms", "first_page_request_ms", "first_page_render_ms", "all_rows_ms", "sort_ms", "page_ms")
    for key in keys:
        values = [r[key] for r in runs]
        print(f"{key}: median {statistics.median(values):.0f} ms, runs {[round(v) for v in values]}")
    print(f"rows in the DOM: {runs[0]['dom_rows']} (one page)")
    if args.json:
        args.json.write_text(json.dumps({"first_load": sizes, "lazy": lazy, "runs": runs}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
