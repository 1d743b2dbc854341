"""Budgets of the employee app (/app/, UI.md; issue 18), measured in Debian's headless chromium:

  1. size: the whole app (every file of web/dist/app: the first load and the service worker's precache,
     fonts and icons included), gzipped (-9) — budget 250 KB;
  2. check-in on Chromium's "Slow 4G" (CDP Network.emulateNetworkConditions with DevTools' preset: 562.5 ms
     latency, 1.44 Mbit/s down, 675 kbit/s up): from the tap on "Absen Masuk" on Home to the answer on the
     screen, including opening the camera, the GPS fix, the challenge, the liveness frames (when asked), the
     photo and the upload — budget 6 s;
  3. a repeat visit from the service worker on the same Slow 4G link: from navigation to the app's first
     screen (the shell comes from the cache; Home's data still needs /v1/me) — budget 1 s.

Against its own local stack (free ports, SMART_LIVENESS=review as in tests/e2e/test_web_checkin.py: the fake
camera plays still photos), a fake camera playing real photos of the enrolled person, GPS inside the zone.
Needs the built app (`make web`), chromium (`make browser`), the face models and ../shared/faces.

Run: .venv/bin/python -m bench.web_app_bench [--runs 5]
Prints figures; copy them with the date and machine into bench/web_RESULTS.md.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import time
from collections import defaultdict
from typing import Any

from infra.web_files import DIST_DIR
from tools.devstack import LocalStack
from tools.devstack_http import ApiClient
from tools.devstack_phone import activate, fake_camera_args, new_employee, phone_context, zoned_unit

SIZE_BUDGET_KB = 250
CHECKIN_BUDGET_S = 6.0
REPEAT_BUDGET_S = 1.0
# Chrome DevTools' "Slow 4G" preset (front_end/core/sdk/NetworkManager.ts): 1.6 Mbit/s down and 750 kbit/s up,
# each x0.9, latency 150 ms x3.75.
SLOW_4G = {
    "offline": False,
    "latency": 150 * 3.75,
    "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,
    "uploadThroughput": 750 * 1000 / 8 * 0.9,
}


def app_size() -> dict[str, int]:
    """Gzipped bytes of web/dist/app by kind of file, and the total."""
    sizes: dict[str, int] = defaultdict(int)
    for f in sorted((DIST_DIR / "app").rglob("*")):
        if f.is_file():
            n = len(gzip.compress(f.read_bytes(), 9))
            sizes[f.suffix.lstrip(".") or "other"] += n
            sizes["total"] += n
    return dict(sizes)


def throttle(page: Any) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)


def one_checkin(browser: Any, base_url: str, admin: ApiClient) -> dict[str, Any]:
    """One employee: activated, service worker installed, Home shown; then on Slow 4G the timed check-in and a
    timed repeat visit."""
    context = phone_context(browser, base_url)
    context.set_default_timeout(60_000)
    page = context.new_page()
    activate(page, new_employee(admin))
    page.evaluate("navigator.serviceWorker.ready.then(r => r.active !== null)")
    start = page.get_by_role("button", name="Absen Masuk")
    start.wait_for()
    throttle(page)
    sent: list[Any] = []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" and r.url.endswith("/v1/attendance") else None)

    began = time.monotonic()
    start.click()
    send = page.get_by_role("button", name="Ambil Foto dan Kirim")
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some(b => b.textContent.includes('Ambil Foto') && !b.disabled)"
    )
    ready = time.monotonic()
    send.click()
    page.locator(".answer").wait_for()
    answered = time.monotonic()
    answer = page.locator(".answer-title").inner_text()
    body = sent[-1].post_data_json if sent else {}

    repeat = context.new_page()
    throttle(repeat)
    t0 = time.monotonic()
    repeat.goto("/app/", wait_until="commit")
    repeat.locator("main .bar").wait_for()
    shell = time.monotonic() - t0
    repeat.locator(".name").wait_for()
    home = time.monotonic() - t0
    nav = repeat.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {worker: n.workerStart > 0, transfer: n.transferSize, dcl: n.domContentLoadedEventEnd}; })()"
    )
    context.close()
    return {
        "tap_to_answer_s": answered - began,
        "tap_to_ready_s": ready - began,
        "send_to_answer_s": answered - ready,
        "answer": answer,
        "photo_kb": len(body.get("photo", "")) * 3 / 4 / 1024,
        "frames": len(body.get("frames") or []),
        "repeat_shell_s": shell,
        "repeat_home_s": home,
        "repeat_from_worker": nav["worker"],
        "repeat_dcl_ms": nav["dcl"],
    }


def first_visit(browser: Any, base_url: str) -> float:
    """A first visit (nothing cached) on Slow 4G: navigation to the login screen."""
    context = phone_context(browser, base_url)
    page = context.new_page()
    throttle(page)
    t0 = time.monotonic()
    page.goto("/app/", wait_until="commit")
    page.get_by_role("button", name="Masuk").wait_for(timeout=60_000)
    took = time.monotonic() - t0
    context.close()
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="check-ins (one new employee each)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None or not (DIST_DIR / "app" / "index.html").is_file():
        raise SystemExit("needs Debian's chromium (`make browser`) and the built app (`make web`)")

    sizes = app_size()
    print(f"app size gzipped: {sizes['total'] / 1024:.1f} KB (budget {SIZE_BUDGET_KB} KB)")
    print("  by kind: " + ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in sorted(sizes.items()) if k != "total"))

    with LocalStack.for_tests(simpeg_size=5, api_workers=2, extra_env={"SMART_LIVENESS": "review"}) as urls:
        admin = ApiClient(urls.api)
        admin.login_admin(urls.admin_username, urls.admin_password)
        zoned_unit(admin)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=fake_camera_args())
            print(f"first visit on Slow 4G (no cache) to the login screen: {first_visit(browser, urls.api):.2f} s")
            runs = [one_checkin(browser, urls.api, admin) for _ in range(args.runs)]
            browser.close()

    for i, r in enumerate(runs, 1):
        print(
            f"run {i}: tap->answer {r['tap_to_answer_s']:.2f} s (tap->camera+GPS ready {r['tap_to_ready_s']:.2f} s, "
            f"send->answer {r['send_to_answer_s']:.2f} s) '{r['answer']}', photo {r['photo_kb']:.0f} KB, "
            f"frames {r['frames']}; repeat visit: shell {r['repeat_shell_s'] * 1000:.0f} ms "
            f"(from service worker: {r['repeat_from_worker']}, DOMContentLoaded {r['repeat_dcl_ms']:.0f} ms), "
            f"Home with /v1/me {r['repeat_home_s']:.2f} s"
        )
    taps = [r["tap_to_answer_s"] for r in runs]
    shells = [r["repeat_shell_s"] for r in runs]
    print(
        f"check-in on Slow 4G, tap 'Absen Masuk' -> answer shown: median {statistics.median(taps):.2f} s, "
        f"max {max(taps):.2f} s (budget {CHECKIN_BUDGET_S:.0f} s)"
    )
    print(
        f"repeat visit from the service worker on Slow 4G, navigation -> first screen: median "
        f"{statistics.median(shells) * 1000:.0f} ms, max {max(shells) * 1000:.0f} ms (budget {REPEAT_BUDGET_S:.0f} s)"
    )
    ok = sizes["total"] <= SIZE_BUDGET_KB * 1024 and max(taps) <= CHECKIN_BUDGET_S and max(shells) < REPEAT_BUDGET_S
    print("budgets: " + ("all met" if ok else "NOT all met"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
