"""The admin console's calendar screens say what the API does (the `world` of conftest.py: a stack of this
module's own, one unit with an enrolled, activated employee): a unit schedule saved "from today" names the day it
really starts (tomorrow: a day already begun is never judged again), the Ramadan hint says the hours are cut, not
replaced, and a holiday is saved with the kind chosen on "Hari Libur".

Skipped like test_web_admin.py when chromium, the built console (`make web`) or the face photos are missing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from chalicelib.attendance.calendar import plan_day
from chalicelib.attendance.rules import RuleTable
from chalicelib.domain.calendar import DateRange, EmployeePlan, RamadanPeriod, RegencyCalendar
from chalicelib.domain.schedule import ScheduleVersion, WeekSchedule, WorkHours
from tests.e2e.web_console import Desk, World, _expect, _jakarta_today, day_text, expect


def test_a_unit_schedule_saved_for_today_is_shown_to_start_tomorrow(world: World, desk: Callable[..., Desk]) -> None:
    today = _jakarta_today()
    tomorrow = (date.fromisoformat(today) + timedelta(days=1)).isoformat()
    d = desk(admin="unit_admin")
    page = d.page
    d.open("Jadwal")
    form = page.get_by_role("form", name="Jadwal kerja")
    # The form starts at the first day a version saved now can govern
    expect(form.get_by_label("Berlaku mulai")).to_have_value(tomorrow)
    # WHEN the unit admin sets it back to today and saves Monday from 06:45
    form.get_by_label("Berlaku mulai").fill(today)
    form.get_by_label("Masuk Senin").fill("06:45")
    form.get_by_role("button", name="Simpan Jadwal").click()
    # THEN the console names tomorrow, and why, as does the list of versions for the one the API stored as today's
    # (the dates as people read them: "8 Desember 2026", never the ISO form of the API)
    expect(form.get_by_role("status")).to_have_text(
        f"Jadwal tersimpan, berlaku mulai {day_text(tomorrow)}: "
        f"tanggal {day_text(today)} sudah berjalan dan tetap memakai jadwal sebelumnya."
    )
    versions = _expect(world.admin.get(f"/v1/admin/units/{world.unit_id}/schedule"), 200, "schedule")["versions"]
    assert versions[-1]["effective_from"] == today, versions
    row = page.get_by_role("table", name="Versi jadwal unit").get_by_role("row").filter(has_text="Senin 06:45")
    expect(row.locator('td[data-label="Berlaku mulai"]')).to_have_text(
        f"{day_text(tomorrow)} (diisi {day_text(today)})"
    )
    d.assert_clean()


def test_the_ramadan_hint_says_a_unit_s_hours_are_cut_saturday_too(world: World, desk: Callable[..., Desk]) -> None:
    # GIVEN the rule the hint's example names: a school's 07:00-13:00, Monday and Saturday, in Ramadan
    school = WeekSchedule((WorkHours(time(7, 0), time(13, 0)),) * 6 + (None,))
    plan = EmployeePlan(unit_versions=(ScheduleVersion(date(2026, 1, 1), datetime(2026, 1, 1, tzinfo=UTC), school),))
    calendar = RegencyCalendar.of(ramadan=(RamadanPeriod(DateRange(date(2027, 2, 8), date(2027, 3, 9))),))
    for day in (date(2027, 2, 15), date(2027, 2, 20)):
        assert plan_day(day, calendar, plan, RuleTable()).hours == WorkHours(time(8, 0), time(13, 0))
    # WHEN the super admin reads the Ramadan panel, THEN it says so, not that the hours are replaced
    d = desk(admin="bootstrap")
    d.open("Jadwal")
    form = d.page.get_by_role("form", name="Periode Ramadan")
    expect(form).to_contain_text("dipersingkat ke dalam jam kerja Ramadan kabupaten")
    expect(form).to_contain_text("sekolah Senin–Sabtu 07.00–13.00 menjadi 08.00–13.00, Sabtu juga")
    expect(form).not_to_contain_text("diganti")
    d.assert_clean()


def test_a_holiday_is_saved_with_the_kind_chosen_and_listed_with_it(world: World, desk: Callable[..., Desk]) -> None:
    day = f"{2031 + secrets.randbelow(60)}-12-26"  # a year no other test touches
    d = desk(admin="bootstrap")
    page = d.page
    d.open("Hari Libur")
    form = page.get_by_role("form", name="Tambah hari libur")
    expect(form.get_by_label("Jenis libur")).to_have_value("national")
    # WHEN the super admin enters the day after Christmas as cuti bersama
    form.get_by_label("Tanggal libur").fill(day)
    form.get_by_label("Nama hari libur").fill("Cuti Bersama Hari Raya Natal")
    form.get_by_label("Jenis libur").select_option(label="Cuti bersama")
    with page.expect_response(lambda r: r.request.method == "PUT" and r.url.endswith(f"/holidays/{day}")) as saved:
        form.get_by_role("button", name="Simpan Hari Libur").click()
    # THEN the API got that kind, and the console names it in the outcome and in the year's list, the date in words
    assert saved.value.request.post_data_json == {"name": "Cuti Bersama Hari Raya Natal", "kind": "cuti_bersama"}
    expect(page.get_by_role("status")).to_have_text(
        f"Hari libur tersimpan: {day_text(day)} Cuti Bersama Hari Raya Natal (Cuti bersama)."
    )
    page.get_by_label("Tahun").fill(day[:4])
    row = page.get_by_role("table", name=f"Hari libur {day[:4]}").locator("tbody tr").filter(has_text=day_text(day))
    expect(row.locator('td[data-label="Tanggal"]')).to_have_text(day_text(day))
    expect(row.locator('td[data-label="Jenis"]')).to_have_text("Cuti bersama")
    # AND its delete button names the day as well as the holiday (two days of one cuti bersama share a name)
    expect(row.get_by_role("button", name=f"Hapus Cuti Bersama Hari Raya Natal {day_text(day)}")).to_be_visible()
    d.axe("hari-libur-jenis")
    d.assert_clean()
