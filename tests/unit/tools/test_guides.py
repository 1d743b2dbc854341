"""The guides show only screenshots that are committed and that a browser test takes (tools/guides.py)."""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.usecases import faces
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


def test_a_screenshot_helper_imported_from_a_helper_module_prefixes_the_names_of_the_test_file(tmp_path: Path) -> None:
    # GIVEN a browser test whose tab (imported from a helper module next to it) saves "admin-{name}.png", and one
    # of the employee app that does not use that helper
    (tmp_path / "web_console.py").write_text('def shot(name):\n    save(f"admin-{name}.png")\n')
    (tmp_path / "test_web_console_x.py").write_text('from tests.e2e.web_console import shot\n\nshot("pemantauan")\n')
    (tmp_path / "test_web_app_x.py").write_text('from tests.e2e.web_phone import Phone\n\nPhone.shot("beranda")\n')
    # WHEN the names the tests take are read, THEN the helper's prefix counts for the file that imports it only
    taken = guides.taken_by_tests(tmp_path)
    assert {"admin-pemantauan", "beranda"} <= taken
    assert "admin-beranda" not in taken


def _section(guide: str, heading: str) -> str:
    """The text of the guide's section `## {heading}`, up to the next one, its lines joined as Markdown shows them."""
    start = guide.index(f"\n## {heading}\n")
    end = guide.find("\n## ", start + 1)
    return " ".join(guide[start : end if end >= 0 else len(guide)].split())


def test_the_employee_guide_names_the_app_s_own_words_for_a_stale_gps_fix_and_showing_the_password() -> None:
    # The words as the app shows them, read from its source (the minutes as N).
    web = guides.REPO_DIR / "web"
    stale = re.search(r"`(Lokasi GPS terakhir [^`]*)`", (web / "app" / "src" / "geo.ts").read_text(encoding="utf-8"))
    assert stale is not None, "geo.staleText changed shape"
    waiting = stale.group(1).replace("${minutes}", "N")
    ui = (web / "shared" / "ui.tsx").read_text(encoding="utf-8")
    button = re.search(r"export function ShowPassword\b.*?>\s*([^<>{}]+?)\s*</button>", ui, re.S)
    assert button is not None, "ShowPassword changed shape"
    show = button.group(1)
    guide = guides.GUIDES[0].read_text(encoding="utf-8")
    # the check-in screen's wait for a fresh fix: where the GPS is waited for, and among the messages
    assert f"**{waiting}**" in _section(guide, "6. Absen masuk dan pulang")
    assert waiting in _section(guide, "8. Arti pesan penolakan")
    # the button under every form a password is typed in: activation, login, and changing it
    for heading in ("3. Aktivasi (sekali saja)", "4. Masuk", "7. Menu lain"):
        assert f"**{show}**" in _section(guide, heading), heading


def test_the_employee_guide_sends_a_new_phone_to_a_login_after_the_reset_not_to_a_new_code() -> None:
    # A login binds a released phone (usecases.auth.employee_login); a new code is for a forgotten password only,
    # and using it ends every session and puts the next face under four eyes.
    guide = guides.GUIDES[0].read_text(encoding="utf-8")
    activation = _section(guide, "3. Aktivasi (sekali saja)")
    after_reset = activation[activation.index("**reset perangkat**") :]
    assert "lalu masuk di ponsel baru dengan NIP dan kata sandi" in after_reset
    assert "lalu minta kode aktivasi baru" not in guide
    assert "hanya diperlukan bila Anda lupa kata sandi" in after_reset


def test_the_employee_guide_names_the_enrolment_s_own_words_for_a_photo_sent_before() -> None:
    guide = guides.GUIDES[0].read_text(encoding="utf-8")
    first_sentence = faces.ENROL_REPLAYED.split(". ")[0]
    assert f"| {first_sentence} (`REPLAYED_PHOTO`, saat daftar wajah) |" in guide


def test_the_employee_guide_names_the_check_in_s_screen_lamp_in_the_app_s_own_words() -> None:
    # GIVEN a teacher checking in at 06:45 in a dark classroom, whose screen turns white (lamp.ts)
    app = guides.REPO_DIR / "web" / "app" / "src"
    live = (app / "live.tsx").read_text(encoding="utf-8")
    button = re.search(r"export function LampToggle\b.*?>\s*([^<>{}]+?)\s*</button>", live, re.S)
    assert button is not None, "LampToggle changed shape"
    note = re.search(r'"(Ruangan gelap: [^"]*)"', (app / "lamp.ts").read_text(encoding="utf-8"))
    assert note is not None, "lamp.lampNote changed shape"
    # WHEN they read the guide's check-in section
    section = _section(guides.GUIDES[0].read_text(encoding="utf-8"), "6. Absen masuk dan pulang")
    # THEN it says what the white screen is, in the words the screen shows, and how to turn it on or off by hand
    assert f"**{note.group(1).split(':')[0]}**" in section
    assert f"**{button.group(1)}**" in section
