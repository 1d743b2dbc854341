"""The console's "Akun Saya" in a real browser against the local stack: an admin changes their own password (a
wrong current one is said so, the session goes on with the answer's token, other sessions end), two-factor login
is shown when on instead of offered again, and a super admin made to set it up first can sign out.

A stack of this module's own, where super admins must use two-factor login (SMART_MFA_REQUIRED_SUPER_ADMIN, read
when the API starts); no faces or employees. Skipped like test_web_admin.py when chromium or the built console
(`make web`) is missing.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator

import pytest

from tests.e2e.conftest import require_app
from tests.e2e.web_console import PASSWORD, Desk, _expect, _import_unit, expect
from tools.devstack import LocalStack, StackUrls
from tools.devstack_http import ApiClient
from tools.nips import fresh_nip

pyotp = pytest.importorskip("pyotp")
UNIT = f"AKUN-{secrets.token_hex(2).upper()}"
SESSION_TOKEN = "JSON.parse(sessionStorage.getItem('smart.admin.session')).token"


@pytest.fixture(scope="module")
def stack() -> Iterator[StackUrls]:
    require_app()
    with LocalStack.for_tests(simpeg_size=5, extra_env={"SMART_MFA_REQUIRED_SUPER_ADMIN": "true"}) as urls:
        yield urls


@pytest.fixture(scope="module")
def root(stack: StackUrls) -> ApiClient:
    """The bootstrap super admin, with the two-factor login this stack requires set up."""
    client = ApiClient(stack.api)
    assert _expect(client.login_admin(stack.admin_username, stack.admin_password), 200, "login")["mfa_setup_required"]
    secret = _expect(client.post("/v1/admin/me/mfa"), 201, "mfa")["secret"]
    _expect(client.post("/v1/admin/me/mfa/confirm", {"otp": pyotp.TOTP(secret).now()}), 200, "mfa confirm")
    _import_unit(client, UNIT, "SD Negeri Akun", [(fresh_nip(), "Sri Wahyuni")])  # the unit admins' unit
    return client


@pytest.fixture
def desk(stack: StackUrls, console_tab: Callable[..., Desk]) -> Callable[[], Desk]:
    return lambda: console_tab(stack.api)


def _admin(root: ApiClient, role: str = "unit_admin") -> str:
    username = f"akun-{role.replace('_', '-')}-{secrets.token_hex(3)}"
    body = {
        "username": username,
        "password": PASSWORD,
        "role": role,
        "unit_ids": [] if role == "super_admin" else [UNIT],
    }
    _expect(root.post("/v1/admin/users", body), 201, f"create {role}")
    return username


def test_an_admin_changes_their_own_password_and_their_session_goes_on(
    stack: StackUrls, root: ApiClient, desk: Callable[[], Desk]
) -> None:
    username, new_password = _admin(root), "Sawah-Hijau-Padalarang-7"
    elsewhere = ApiClient(stack.api)  # the same admin signed in on another computer
    _expect(elsewhere.login_admin(username, PASSWORD), 200, "login elsewhere")
    d = desk()
    d.login(username, PASSWORD)
    d.open("Akun Saya")
    page = d.page
    form = page.get_by_role("form", name="Ubah kata sandi")

    def change(old: str, new: str, again: str | None = None) -> None:
        form.get_by_label("Kata sandi lama", exact=True).fill(old)
        form.get_by_label("Kata sandi baru", exact=True).fill(new)
        form.get_by_label("Ulangi kata sandi baru", exact=True).fill(new if again is None else again)
        form.get_by_role("button", name="Simpan Kata Sandi").click()

    # WHEN the current password is wrong, THEN the form says so and the admin stays signed in
    change("Bukan-Kata-Sandinya-1", new_password)
    expect(page.get_by_role("alert").filter(has_text="Kata sandi lama salah.")).to_be_visible()
    # AND a weak new one, or a repeat that differs, is refused with what to do
    change(PASSWORD, "pendek")
    expect(page.get_by_role("alert").filter(has_text="Kata sandi baru tidak dapat dipakai.")).to_contain_text("10")
    change(PASSWORD, new_password, "Sawah-Hijau-Lain-8")
    expect(page.get_by_role("alert").filter(has_text="Ulangan kata sandi baru tidak sama")).to_be_visible()
    old_token = page.evaluate(SESSION_TOKEN)
    # WHEN it is right, THEN the change is confirmed and the tab goes on with a new token, through a reload too
    change(PASSWORD, new_password)
    expect(page.get_by_role("status")).to_contain_text("Kata sandi diubah.")
    token = page.evaluate(SESSION_TOKEN)
    assert token != old_token
    page.reload()
    d.open("Pemantauan")
    assert _expect(ApiClient(stack.api, token=token).get("/v1/admin/units"), 200, "new token")["items"]
    # AND the other computer's session has ended, and only the new password logs in
    assert elsewhere.get("/v1/admin/units").status == 401
    assert ApiClient(stack.api).login_admin(username, PASSWORD).status == 401
    _expect(ApiClient(stack.api).login_admin(username, new_password), 200, "new password")
    d.assert_clean(lambda status, path: path == "/v1/me/password" and status in (400, 401))


def _shows_two_factor_on(d: Desk) -> None:
    panel = d.page.get_by_role("region", name="Verifikasi dua langkah")
    expect(panel.get_by_text("Verifikasi dua langkah aktif.")).to_be_visible()
    expect(panel.get_by_role("button", name="Aktifkan Verifikasi Dua Langkah")).to_have_count(0)
    expect(panel.locator("p.error")).to_have_text("")  # no error line (an empty one has no role to find)


def test_akun_saya_shows_two_factor_login_once_on_and_offers_no_second_set_up(
    root: ApiClient, desk: Callable[[], Desk]
) -> None:
    username = _admin(root)
    a, b = desk(), desk()  # two tabs of the admin's, signed in before two-factor login is on
    a.login(username, PASSWORD)
    b.login(username, PASSWORD)
    # WHEN the admin sets it up in one tab, THEN that tab says it is on and offers no set-up any more
    a.open("Akun Saya")
    a.page.get_by_role("button", name="Aktifkan Verifikasi Dua Langkah").click()
    totp = pyotp.TOTP(a.page.locator("code.secret").inner_text())
    a.page.get_by_label("Kode OTP").fill(totp.now())
    a.page.get_by_role("button", name="Konfirmasi").click()
    _shows_two_factor_on(a)
    # AND the other tab, still offering it, learns it from the API's 409 at its first try, without an error
    b.open("Akun Saya")
    b.page.get_by_role("button", name="Aktifkan Verifikasi Dua Langkah").click()
    _shows_two_factor_on(b)
    # AND a new login (with a code) is told so by the login answer
    c = desk()
    c.login(username, PASSWORD, totp.at(time.time() + 30))  # the confirming step is spent: the next one
    c.open("Akun Saya")
    _shows_two_factor_on(c)
    b.assert_clean(lambda status, path: (status, path) == (409, "/v1/admin/me/mfa"))
    c.assert_clean(lambda status, path: (status, path) == (401, "/v1/auth/admin/login"))  # the otp asked for


def test_a_super_admin_made_to_set_up_two_factor_login_first_can_sign_out(
    stack: StackUrls, root: ApiClient, desk: Callable[[], Desk]
) -> None:
    username = _admin(root, "super_admin")
    d = desk()
    page = d.page
    page.goto("/admin/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("wajib memakai verifikasi dua langkah")).to_be_visible()
    expect(page.get_by_role("button", name="Aktifkan Verifikasi Dua Langkah")).to_be_visible()
    expect(page.get_by_role("form", name="Ubah kata sandi")).to_have_count(0)  # the API refuses it until then
    token = page.evaluate(SESSION_TOKEN)
    # WHEN they leave without setting it up, THEN the login screen is back and the token has ended
    with page.expect_response("**/v1/auth/logout"):
        page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    assert ApiClient(stack.api, token=token).post("/v1/admin/me/mfa").status == 401
    d.assert_clean()


def test_a_session_that_ends_while_a_form_is_filled_keeps_the_form_for_after_the_login(
    stack: StackUrls, root: ApiClient, desk: Callable[[], Desk]
) -> None:
    # GIVEN a unit admin typing a sick leave into "Cuti & Izin"
    username, nip = _admin(root), fresh_nip()
    _import_unit(root, UNIT, "SD Negeri Akun", [(nip, "Agus Salim")])
    d = desk()
    d.login(username, PASSWORD)
    d.open("Cuti & Izin")
    page = d.page
    form = page.get_by_role("form", name="Catat cuti atau izin")
    day, reason = f"2027-0{1 + secrets.randbelow(9)}-1{secrets.randbelow(10)}", f"Demam tinggi {secrets.token_hex(3)}"
    form.get_by_label("NIP pegawai").fill(nip)
    form.get_by_label("Jenis").select_option("SAKIT")
    form.get_by_label("Tanggal mulai").fill(day)
    form.get_by_label("Tanggal selesai").fill(day)
    form.get_by_label("Alasan").fill(reason)
    # AND their session ends meanwhile (its 12 hours are over, or a super admin changed their account)
    _expect(ApiClient(stack.api, token=page.evaluate(SESSION_TOKEN)).post("/v1/auth/logout"), 204, "logout")

    # WHEN they save, THEN the login asks again, saying why
    form.get_by_role("button", name="Simpan Cuti/Izin").click()
    expect(page.get_by_role("alert").filter(has_text="Sesi Anda berakhir. Silakan masuk lagi.")).to_be_visible()
    d.shot("sesi-berakhir")
    d.axe("login over the screens of an ended session")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    # AND after it the form holds what was typed, and saving it again records the leave
    expect(form.get_by_label("NIP pegawai")).to_have_value(nip)
    expect(form.get_by_label("Jenis")).to_have_value("SAKIT")
    expect(form.get_by_label("Alasan")).to_have_value(reason)
    form.get_by_role("button", name="Simpan Cuti/Izin").click()
    expect(page.get_by_role("status").filter(has_text="Cuti/izin tercatat.")).to_be_visible()
    leaves = _expect(root.get(f"/v1/admin/leaves?unor_id={UNIT}&from={day}&to={day}"), 200, "leaves")["items"]
    assert [(x["nip"], x["type"], x.get("reason")) for x in leaves] == [(nip, "SAKIT", reason)]
    # AND the list, which showed this month up to today, now reaches the day saved and shows the leave there
    expect(page.get_by_label("Sampai")).to_have_value(day)
    expect(page.get_by_role("table", name="Cuti dan izin").get_by_role("row").filter(has_text=reason)).to_have_count(1)
    d.assert_clean(lambda status, path: status == 401)
