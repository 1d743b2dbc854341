"""The user guides' screenshots (docs/panduan_*.md): taken by the browser tests, copied next to the guides.

The browser tests (tests/e2e/test_web_*.py) save a screenshot of every screen they drive into
build/screenshots/. The guides show some of them; `python -m tools.guides` (`make guides`, after `make test`)
copies exactly those into docs/screenshots/, so the guides show the screens as they are now. A unit test
(tests/unit/tools/test_guides.py) checks that every picture a guide shows is committed and is taken by a test.

Run: python -m tools.guides [--check]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
GUIDES = (REPO_DIR / "docs" / "panduan_pegawai.md", REPO_DIR / "docs" / "panduan_admin.md")
GUIDE_SHOTS = REPO_DIR / "docs" / "screenshots"
TEST_SHOTS = REPO_DIR / "build" / "screenshots"
BROWSER_TESTS = REPO_DIR / "tests" / "e2e"
_PICTURE = re.compile(r"!\[[^\]]*\]\(screenshots/([A-Za-z0-9_-]+)\.png\)")
_SHOT_PREFIX = re.compile(r"""f["']([a-z0-9_-]+)\{name\}\.png["']""")
_IMPORTED_HELPER = re.compile(r"^from tests\.e2e\.(\w+) import", re.MULTILINE)


def shown(guides: Sequence[Path] = GUIDES) -> list[str]:
    """The screenshot names the guides show, in order of first appearance."""
    texts = [guide.read_text(encoding="utf-8") for guide in guides if guide.is_file()]
    return list(dict.fromkeys(name for text in texts for name in _PICTURE.findall(text)))


def taken_by_tests(tests_dir: Path = BROWSER_TESTS) -> set[str]:
    """Names the browser tests give their screenshots: every quoted name in tests/e2e/test_web*.py, also with
    the prefix a file's screenshot helper puts before it (`f"admin-{name}.png"`), in the file itself or in a
    helper module of tests/e2e it imports (web_console.py's tab)."""
    found: set[str] = set()
    for path in tests_dir.glob("test_web*.py"):
        text = path.read_text(encoding="utf-8")
        names = set(re.findall(r"""["']([a-z0-9][a-z0-9_-]*)["']""", text))
        helpers = [tests_dir / f"{module}.py" for module in _IMPORTED_HELPER.findall(text)]
        sources = [text, *(helper.read_text(encoding="utf-8") for helper in helpers if helper.is_file())]
        prefixes = {"", *(prefix for source in sources for prefix in _SHOT_PREFIX.findall(source))}
        found |= {prefix + name for prefix in prefixes for name in names}
    return found


def copy(names: Sequence[str], source: Path = TEST_SHOTS, target: Path = GUIDE_SHOTS) -> list[str]:
    """Copy the named screenshots from the last browser test run; the names that run did not take."""
    target.mkdir(parents=True, exist_ok=True)
    missing = []
    for name in names:
        shot = source / f"{name}.png"
        if shot.is_file():
            shutil.copyfile(shot, target / shot.name)
        else:
            missing.append(name)
    return missing


def committed_missing(names: Sequence[str]) -> list[str]:
    """The names whose screenshot is not in docs/screenshots/."""
    return [n for n in names if not (GUIDE_SHOTS / f"{n}.png").is_file()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only check that every picture shown is committed")
    args = parser.parse_args(argv)
    names = shown()
    missing = committed_missing(names) if args.check else copy(names)
    for name in missing:
        print(f"missing screenshot: {name}.png (run the browser tests: make test)", file=sys.stderr)
    print(f"{len(names) - len(missing)} of {len(names)} screenshots of the guides in place")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
