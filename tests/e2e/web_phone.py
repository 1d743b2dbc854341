"""Helpers of the browser tests of the employee app (tests/e2e/test_web_*.py): a phone (one Playwright browser
context and what went wrong in it), screenshots, the accessibility check (axe-core from web/node_modules), and
the fake camera: a Y4M video made from real face photos that Chromium plays as its webcam
(`--use-file-for-fake-video-capture`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from tools.devstack import REPO_DIR

SCREENSHOTS = REPO_DIR / "build" / "screenshots"
AXE = REPO_DIR / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


@dataclass
class Phone:
    """One browser context (a phone: its own localStorage) and what went wrong in it."""

    page: Any
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)

    def watch(self, api_url: str) -> Phone:
        """Record page errors, console errors and failed answers of the API (`failed`)."""
        self.page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

        def on_console(msg: Any) -> None:
            # A refused API call is also logged by the browser as "Failed to load resource"; those are checked
            # against the expected refusals through `failed` instead.
            if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
                self.console_errors.append(msg.text)

        self.page.on("console", on_console)
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


def _frame_of(photo: Path, width: int, height: int) -> Image.Image:
    with Image.open(photo) as image:
        rgb = ImageOps.exif_transpose(image).convert("RGB")
        return ImageOps.fit(rgb, (width, height), Image.Resampling.LANCZOS, centering=(0.5, 0.4))


def write_y4m(photos: Sequence[Path], out: Path, *, width: int = 640, height: int = 480, fps: int = 2) -> Path:
    """A Y4M (4:2:0) video showing each photo for one frame at `fps`; Chromium loops it as the fake webcam."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for photo in photos:
            ycc = np.asarray(_frame_of(photo, width, height).convert("YCbCr"), dtype=np.uint8)
            f.write(b"FRAME\n")
            f.write(ycc[:, :, 0].tobytes())
            for plane in (1, 2):  # chroma subsampled 2x2 by averaging
                c = ycc[:, :, plane].astype(np.uint16)
                sub = (c[0::2, 0::2] + c[1::2, 0::2] + c[0::2, 1::2] + c[1::2, 1::2] + 2) // 4
                f.write(sub.astype(np.uint8).tobytes())
    return out
