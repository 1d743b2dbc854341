"""The guides show only screenshots that are committed and that a browser test takes (tools/guides.py)."""

from __future__ import annotations

from pathlib import Path

from tools import guides


def test_every_picture_of_the_guides_is_committed_and_taken_by_a_browser_test() -> None:
    names = guides.shown()
    assert len(names) >= 8  # the employee guide alone shows its main screens
    taken = guides.taken_by_tests()
    assert [n for n in names if n not in taken] == []
    assert guides.committed_missing(names) == []


def test_pictures_are_found_in_guide_order_and_copied_from_the_last_run(tmp_path: Path) -> None:
    guide = tmp_path / "panduan.md"
    guide.write_text("a ![Masuk](screenshots/masuk.png) b ![x](screenshots/rekap.png) ![Masuk](screenshots/masuk.png)")
    assert guides.shown([guide]) == ["masuk", "rekap"]
    run = tmp_path / "run"
    run.mkdir()
    (run / "masuk.png").write_bytes(b"\x89PNG")
    assert guides.copy(["masuk", "rekap"], run, tmp_path / "docs") == ["rekap"]
    assert (tmp_path / "docs" / "masuk.png").read_bytes() == b"\x89PNG"
