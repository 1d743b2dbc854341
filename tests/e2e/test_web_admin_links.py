"""The console's links to employees' files in a real browser against the local stack (the `world` of conftest.py):
a selfie and a request's letter are handed out as signed links that live a few minutes (`SMART_PRESIGN_TTL_S`,
5 minutes by default; decision 177), and an admin who leaves a list open longer (a meeting, a phone call) and then
opens an item gets fresh links, not a broken photo or S3's English "Request has expired" page. The same for the
photos of the pending-faces queue and of an employee's page that load only then (further down, a phone's screen).

S3 refuses an expired link with 403; here the links the list first handed out are refused so (page routes), and
the tab's clock is moved on six minutes. Skipped like test_web_admin.py when chromium, the built console (`make
web`) or the face photos are missing.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from tests.e2e.web_console import CENTRE, Desk, World, _expect, _import_unit, _jakarta_today, _self_enrol, expect
from tools.nips import fresh_nip

# What S3 answers a presigned link whose time is up
EXPIRED = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
    "<Message>Request has expired</Message><Expires>2026-12-07T03:05:00Z</Expires></Error>"
)
AWAY = "06:00"  # the admin comes back after six minutes, past the links' five


def _refuse_as_expired(page: Any, dead: set[str]) -> None:
    """From now on the links of `dead` answer as S3 answers an expired link."""
    page.route(
        lambda url: url in dead,
        lambda route: route.fulfill(status=403, content_type="application/xml", body=EXPIRED),
    )


def _hold_first_photos(page: Any) -> Callable[[], None]:
    """Hold back every signed link's request from now on (a photo further down that loads when scrolled to); the
    function returned lets them through only once the admin came back: S3 then refuses them as expired."""
    held: list[Any] = []
    dead: set[str] = set()
    back = False

    def hold(route: Any) -> None:
        if route.request.url in dead:
            route.fulfill(status=403, content_type="application/xml", body=EXPIRED)
        elif not back:
            held.append(route)
        else:
            route.fallback()

    page.route(lambda url: "X-Amz-Expires=" in url, hold)

    def answer_as_expired() -> None:
        nonlocal back
        back = True
        dead.update(r.request.url for r in held)
        for route in held:
            route.fulfill(status=403, content_type="application/xml", body=EXPIRED)

    return answer_as_expired


def _shows(page: Any, photo: Any) -> None:
    """`photo` is visible and its picture came (not a broken image)."""
    expect(photo).to_be_visible()
    page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=photo.element_handle())


def _come_back_later(page: Any) -> None:
    """Six minutes pass on the tab's clock (and a real second, so that links signed again differ from the first)."""
    page.clock.fast_forward(AWAY)
    time.sleep(1.1)


def test_a_refused_attempt_opened_after_its_links_expired_shows_its_photo(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN a check-in refused outside the zone (its selfie kept as evidence)
    far = (CENTRE[0] + 0.004, CENTRE[1] + 0.004)
    refused = world.check_in("in", far)
    assert refused.status == 422 and refused.error_code() == "OUTSIDE_ZONE", refused.raw[:300]
    d = desk(admin="bootstrap", fake_clock=True)
    page = d.page
    d.open("Percobaan Ditolak")
    with page.expect_response(lambda r: "/v1/admin/attempts" in r.url and world.unit_id in r.url) as listed:
        page.get_by_label("Unit").select_option(world.unit_id)
    d.settled()
    items = [i for i in listed.value.json()["items"] if i["nip"] == world.nip]
    assert items, "the refused attempt is listed"
    _refuse_as_expired(page, {u for i in items for u in [i["selfie_url"], *i["enrolment_urls"]] if u})

    # WHEN the admin opens it after the list's links expired
    _come_back_later(page)
    page.get_by_role("row").filter(has_text=world.nama).first.get_by_role("button", name="Lihat").click()

    # THEN the selfie and the enrolment photo show (links read again), not a broken picture
    evidence = page.get_by_role("article", name=f"Bukti {world.nama}")
    for name in ("Swafoto saat absen", "Foto pendaftaran wajah"):
        _shows(page, evidence.get_by_role("img", name=name, exact=True))
    d.assert_clean(lambda status, path: status == 403 and "X-Amz-" in path)


def test_a_request_s_letter_opened_after_its_link_expired_opens_the_letter(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN the employee's sick leave with a photo of the doctor's letter, far enough ahead that no other test meets it
    day = (date.fromisoformat(_jakarta_today()) + timedelta(days=250 + secrets.randbelow(50))).isoformat()
    reason = f"Sakit demam {secrets.token_hex(3)}"
    body = {"type": "SAKIT", "start_date": day, "end_date": day, "reason": reason, "attachment": world.photos[0]}
    _expect(world.employee.post("/v1/me/requests", body), 201, "request")
    d = desk(admin="unit_admin", fake_clock=True)
    page = d.page
    with page.expect_response(lambda r: "/v1/admin/requests" in r.url and r.request.method == "GET") as listed:
        d.open("Pengajuan")
    d.settled()
    mine = [i for i in listed.value.json()["items"] if i.get("reason") == reason]
    assert mine and mine[0]["attachment_url"], mine
    dead = {mine[0]["attachment_url"]}
    _refuse_as_expired(page, dead)

    # WHEN the admin opens the letter after the list's links expired
    _come_back_later(page)
    with page.context.expect_page() as opened:
        page.get_by_role("row").filter(has_text=reason).get_by_role("link", name="Buka").click()
    letter = opened.value

    # THEN the new tab shows the letter itself (a fresh link), not S3's English refusal
    letter.wait_for_url(lambda url: url.startswith("http") and url not in dead)
    letter.wait_for_load_state()
    assert letter.evaluate("document.contentType") == "image/jpeg"
    d.assert_clean(lambda status, path: status == 403 and "X-Amz-" in path)


def test_a_pending_face_whose_photo_loads_after_its_link_expired_shows_its_photo(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN a unit where one employee enrolled their face in the app, waiting for an admin
    tag = secrets.token_hex(2).upper()
    unit_id, nip, nama = f"TAUT-{tag}", fresh_nip(), f"Rina Kartika {tag}"
    _import_unit(world.admin, unit_id, f"SD Negeri Tautan {tag}", [(nip, nama)])
    _self_enrol(world, nip)
    d = desk(admin="bootstrap", fake_clock=True)
    page = d.page
    d.open("Pegawai")
    page.get_by_label("Unit", exact=True).select_option(unit_id)
    d.settled()
    # ... whose queue the admin opens, its photo further down (it loads only when scrolled to)
    let_through = _hold_first_photos(page)
    page.get_by_label("Tampilkan").select_option(label="Menunggu persetujuan wajah")
    queue = page.get_by_role("region", name="Wajah menunggu persetujuan")
    expect(queue.get_by_role("row").filter(has_text=nama)).to_have_count(1)
    d.settled()

    # WHEN the photo loads after the queue's links expired
    _come_back_later(page)
    let_through()

    # THEN it shows (the queue read again), not a broken picture
    _shows(page, queue.get_by_role("img", name=f"Wajah {nama} yang menunggu persetujuan"))
    d.assert_clean(lambda status, path: status == 403 and "X-Amz-" in path)


def test_an_employee_s_face_whose_photo_loads_after_its_link_expired_shows_its_photo(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN the employee's page, its face photo further down (it loads only when scrolled to)
    d = desk(admin="bootstrap", fake_clock=True)
    page = d.page
    let_through = _hold_first_photos(page)
    page.goto(f"/admin/#/pegawai/{world.nip}")
    faces = page.get_by_role("region", name="Wajah", exact=True)
    expect(faces.get_by_role("img").first).to_be_attached()
    d.settled()

    # WHEN the photo loads after the page's links expired
    _come_back_later(page)
    let_through()

    # THEN it shows (the faces read again), not a broken picture
    _shows(page, faces.get_by_role("img").first)
    d.assert_clean(lambda status, path: status == 403 and "X-Amz-" in path)
