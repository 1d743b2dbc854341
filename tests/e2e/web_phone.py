"""Helpers of the browser tests of the employee app (tests/e2e/test_web_*.py): a phone (one Playwright browser
page and what went wrong in it), screenshots, the accessibility check (axe-core from web/node_modules). The fake
camera and the stack-side set-up are in tools/devstack_phone.py (the benchmark uses them too).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from infra.web_files import DIST_DIR
from tools.devstack import REPO_DIR

SCREENSHOTS = REPO_DIR / "build" / "screenshots"
AXE = REPO_DIR / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})

# Page script: the employee app's outbox records as IndexedDB holds them (idb-keyval's store "smart-outbox" /
# "checkins").
KEPT_ON_PHONE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("smart-outbox");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const read = open.result.transaction("checkins").objectStore("checkins").getAll();
    read.onsuccess = () => resolve(read.result);
    read.onerror = () => reject(read.error);
  };
})"""


WEB_APPS = {"app": "the employee app", "admin": "the admin console"}


@contextmanager
def chromium_launcher(app: str = "app") -> Iterator[Callable[[Sequence[str]], Any]]:
    """Launches Debian's chromium, headless, driven by Playwright (one Playwright per module: its sync API does
    not nest); skipped (with the reason) when chromium or the built `app` (a key of WEB_APPS) is missing:
    `make test` provides both."""
    playwright_sync = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (`make browser` installs it)")
    if not (DIST_DIR / app / "index.html").is_file():
        pytest.skip(f"{WEB_APPS[app]} is not built (`make web`)")
    with playwright_sync.sync_playwright() as pw:
        launched: list[Any] = []

        def launch(args: Sequence[str] = ()) -> Any:
            launched.append(pw.chromium.launch(executable_path=chromium, headless=True, args=list(args)))
            return launched[-1]

        try:
            yield launch
        finally:
            for browser in launched:
                browser.close()


@dataclass
class Phone:
    """One browser context (a phone: its own localStorage) and what went wrong in it."""

    page: Any
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    responses: list[Any] = field(default_factory=list)  # every answer of the API (/v1/), in arrival order

    def watch(self, api_url: str) -> Phone:
        """Record page errors, console errors and failed answers of the API (`failed`)."""
        self.page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

        def on_console(msg: Any) -> None:
            # A refused API call is also logged by the browser as "Failed to load resource"; those are checked
            # against the expected refusals through `failed` instead.
            if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
                self.console_errors.append(msg.text)

        self.page.on("console", on_console)
        self.page.on("response", lambda r: self.responses.append(r) if "/v1/" in r.url else None)
        self.page.on(
            "response",
            lambda r: self.failed.append((r.status, r.url.removeprefix(api_url))) if r.status >= 400 else None,
        )
        return self

    def assert_clean(self, allowed_failures: frozenset[tuple[int, str]] = frozenset()) -> None:
        assert self.page_errors == []
        assert self.console_errors == []
        assert set(self.failed) <= allowed_failures, self.failed

    def assert_no_file_input(self) -> None:
        assert self.page.locator("input[type=file]").count() == 0

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def axe_violations(self) -> list[str]:
        """Serious or critical accessibility violations of the screen as it is now (axe-core's WCAG rules)."""
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        return [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in result["violations"]
            if v["impact"] in BLOCKING_IMPACTS
        ]

    def check_screen(self, name: str) -> None:
        """Every screen: a screenshot kept, no file input, no serious or critical accessibility violation."""
        self.shot(name)
        self.assert_no_file_input()
        assert self.axe_violations() == [], name
