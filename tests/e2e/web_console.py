"""Helpers of the browser tests of the admin console (tests/e2e/test_web_admin*.py): an admin's tab (`Desk`: one
Playwright browser context and what went wrong in it) and the world most of those tests look at (`console_world`:
a stack of its own with one unit, its zone and an enrolled, activated employee, made through the API). The
fixtures that hand them out (`world`, `desk`, `console_tab`) are in conftest.py.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.attendance.export import MONTH_NAMES
from tests.e2e.conftest import require_app
from tests.e2e.web_phone import AXE, SCREENSHOTS
from tools.devstack import LocalStack, StackUrls
from tools.devstack_http import ApiClient, ApiResponse
from tools.nips import fresh_nip

expect = pytest.importorskip("playwright.sync_api").expect

PASSWORD = "Kebun-Teh-Lembang-2026"
CENTRE = (-6.84671, 107.4858)  # Ngamprah (tools/demo_zones.json), inside the regency
RADIUS_M = 150.0
LAPTOP = {"width": 1280, "height": 860}
# API.md "Admin views" lists the console reads that other helpers of this session are adding.
ADMIN_VIEWS = (
    "/v1/admin/monitor/summary",
    "/v1/admin/attempts",
    "/v1/admin/audit",
    "/v1/admin/faces/pending",
    "/v1/admin/leaves",
    "/v1/admin/assignments",
    "/v1/admin/requests",
    "/v1/admin/reports/adoption",  # rollout's
)
PHONE = {"width": 360, "height": 740}


# Page script: how many lines `text` spans where it first stands in a text node of the element, as laid out now
# (0: no text node holds it whole).
_LINES_OF = """(element, text) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + text.length);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  }
  return 0;
}"""


def lines_of(element: Any, text: str) -> int:
    """How many lines `text` spans in `element` (a locator) on the page as it is now: an 18-digit NIP in a
    phone's narrow column should keep one."""
    return int(element.evaluate(_LINES_OF, text))


def _expect(resp: ApiResponse, status: int, step: str) -> Any:
    assert resp.status == status, f"{step}: {resp.status} {resp.raw[:300]!r}"
    return resp.body


@dataclass
class World:
    """What the tests look at, made once per module through the API."""

    stack: StackUrls
    admin: ApiClient
    unit_id: str
    unit_name: str
    zone_id: str
    nip: str
    nama: str
    employee: ApiClient
    photos: list[str]  # base64 selfies of one identity; [0] is enrolled, the rest are sent once each
    other_unit_id: str
    other_nip: str
    other_nama: str
    missing: frozenset[str]
    used: int = 1

    def next_photo(self) -> str:
        """A photo of the enrolled person not sent before (the same photo twice is a replay)."""
        photo = self.photos[self.used]
        self.used += 1
        return photo

    def check_in(
        self, kind: str, position: tuple[float, float], *, offline: bool = False, accuracy_m: float = 10.0
    ) -> ApiResponse:
        """A check-in with a photo not sent before; a photo the API finds too close to an earlier one (a replay
        to its eyes: photos of one identity can be near-copies) is followed by the next one."""
        while True:
            resp = self._send(kind, position, offline, accuracy_m)
            if resp.error_code() != "REPLAYED_PHOTO" or self.used >= len(self.photos):
                return resp

    def _send(self, kind: str, position: tuple[float, float], offline: bool, accuracy_m: float) -> ApiResponse:
        body: dict[str, Any] = {
            "type": kind,
            "client_request_id": secrets.token_hex(16),
            "latitude": position[0],
            "longitude": position[1],
            "accuracy_m": accuracy_m,
            "captured_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="seconds"),
            "mock_location": False,
            "photo": self.next_photo(),
        }
        if offline:
            body["offline"] = True
        else:
            body["challenge_id"] = _expect(self.employee.post("/v1/attendance/challenge"), 201, "challenge")[
                "challenge_id"
            ]
        return self.employee.post("/v1/attendance", body)


def _identities() -> list[list[str]]:
    from bench.load_checkin import DEFAULT_FACES, pair_identities

    if not (DEFAULT_FACES / "labels.csv").exists():
        pytest.skip(f"face photos not found at {DEFAULT_FACES.resolve()} (the shared data set is absent)")
    return [photos for photos in pair_identities(DEFAULT_FACES) if len(photos) >= 5]


def _enrol(admin: ApiClient, nip: str) -> list[str]:
    """Enrols `nip` with a photo of an identity no other test of the session is likely to use (the list's end):
    answers that identity's selfies, the enrolled one first."""
    from bench.load_checkin import DEFAULT_FACES, PhotoCache

    cache = PhotoCache(DEFAULT_FACES)
    for photos in reversed(_identities()):
        selfies = [cache.get(p) for p in photos]
        resp = admin.post(f"/v1/admin/employees/{nip}/faces", {"photo": selfies[0]})
        if resp.status == 201:
            return selfies
        assert resp.status in (409, 422), resp.raw[:300]  # a refused photo or a face enrolled elsewhere
    pytest.fail("no identity of the shared photos could be enrolled")


def _import_unit(admin: ApiClient, unit_id: str, unit_name: str, people: list[tuple[str, str]]) -> None:
    rows = [
        {"nip": nip, "nama": nama, "unor_id": unit_id, "unor_nama": unit_name, "jabatan": "Guru", "status": "aktif"}
        for nip, nama in people
    ]
    resp = _expect(admin.post("/v1/admin/simpeg/import", {"employees": rows}), 200, "import")
    assert not resp["errors"], resp


@contextmanager
def console_world() -> Iterator[World]:
    """The world on a stack of its own (its employees, faces and zones only): check-ins here are the console's
    test data, so the active liveness check is off (SMART_LIVENESS, read when the API starts)."""
    require_app()
    with LocalStack.for_tests(simpeg_size=5, extra_env={"SMART_LIVENESS": "off"}) as stack:
        yield _world_on(stack)


def _world_on(stack: StackUrls) -> World:
    admin = ApiClient(stack.api)
    _expect(admin.login_admin(stack.admin_username, stack.admin_password), 200, "admin login")
    tag = secrets.token_hex(2).upper()
    unit_id, other_unit_id = f"KONSOL-{tag}", f"KONSOL-LAIN-{tag}"
    unit_name = f"SD Negeri Konsol {tag}"
    nip, nama = fresh_nip(), f"Dewi Lestari {tag}"
    others = [(fresh_nip(), f"Bambang Sutrisno {tag}")] + [(fresh_nip(), f"Pegawai Konsol {tag} {i}") for i in range(3)]
    _import_unit(admin, unit_id, unit_name, [(nip, nama), *others[1:]])
    _import_unit(admin, other_unit_id, f"SMP Negeri Lain {tag}", others[:1])

    circle = {"lat": CENTRE[0], "lon": CENTRE[1], "radius_m": RADIUS_M}
    zone = _expect(admin.post("/v1/admin/zones", {"name": f"Halaman {unit_name}", "circle": circle}), 201, "zone")
    _expect(admin.put(f"/v1/admin/units/{unit_id}/zones", {"zone_ids": [zone["zone_id"]]}), 200, "unit zones")
    # A shift over the whole of today for the employee who checks in (a roster applies at once, unlike a unit
    # schedule, which governs from the next day on): the tests depend on neither the weekday nor the hour. And
    # over tomorrow: a run that crosses midnight in Jakarta finds a working day on the other side too. Tomorrow's
    # begins at 01:45, so that its window (opening 90 minutes before) does not reach into today: from 22:31 on, a
    # check-in would go to a shift beginning 00:01 tomorrow, the nearer start, and today's monitor would not count it.
    today = date.fromisoformat(_jakarta_today())
    whole_day, next_day = {"start": "00:01", "end": "23:59"}, {"start": "01:45", "end": "23:59"}
    shifts = {"shifts": {today.isoformat(): whole_day, (today + timedelta(days=1)).isoformat(): next_day}}
    _expect(admin.put(f"/v1/admin/employees/{nip}/shifts", shifts), 200, "shifts")

    photos = _enrol(admin, nip)
    code = _expect(admin.post(f"/v1/admin/employees/{nip}/activation"), 201, "activation code")["activation_code"]
    employee = ApiClient(stack.api)
    body = {"nip": nip, "activation_code": code, "password": PASSWORD, "device_id": secrets.token_hex(16)}
    employee.token = _expect(employee.post("/v1/auth/activate", body), 200, "activation")["token"]
    missing = frozenset(p for p in ADMIN_VIEWS if _unanswered(admin, p))
    return World(
        stack,
        admin,
        unit_id,
        unit_name,
        zone["zone_id"],
        nip,
        nama,
        employee,
        photos,
        other_unit_id,
        *others[0],
        missing,
    )


def _jakarta_today() -> str:
    return (datetime.now(UTC) + timedelta(hours=7)).date().isoformat()


def day_text(day: str | date) -> str:
    """A date as the console writes it for people (shared/months.ts `dayText`): "2026-12-03" → "3 Desember 2026"."""
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


@dataclass
class Desk:
    """One browser context (an admin's tab) and what went wrong in it."""

    page: Any
    missing: frozenset[str]  # API paths this branch does not answer yet (other helpers are building them)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    username: str = ""  # of the admin signed in by `desk(admin=...)`

    def assert_clean(self, allowed: Callable[[int, str], bool] = lambda status, path: False) -> None:
        assert self.page_errors == []
        assert self.console_errors == []
        unbuilt = [f for f in self.failed if f[0] in (404, 405) and f[1].split("?")[0] in self.missing]
        assert [f for f in self.failed if f not in unbuilt and not allowed(*f)] == []

    def login(self, username: str, password: str, otp: str | None = None) -> None:
        page = self.page
        page.goto("/admin/")
        page.get_by_label("Nama pengguna").fill(username)
        page.get_by_label("Kata sandi").fill(password)
        page.get_by_role("button", name="Masuk").click()
        if otp is not None:
            page.get_by_label("Kode OTP").fill(otp)
            page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_role("heading", name="Pemantauan")).to_be_visible()

    def settled(self) -> None:
        """Wait until nothing on the page is loading (`aria-busy`): what a load brings in moves what is below it, so
        a click aimed before it lands could meet another element (a checkbox click "did not change its state",
        seen in CI on an employee's page, under the face photos that came in meanwhile)."""
        expect(self.page.locator("[aria-busy='true']")).to_have_count(0)

    def open(self, menu: str, *, settle: bool = True) -> None:
        """Open a screen from the menu and, unless `settle` is false (a test holding a read), wait until it settled."""
        nav = self.page.get_by_role("navigation", name="Menu utama")
        if not nav.is_visible():
            self.page.get_by_role("button", name="Menu").click()
        nav.get_by_role("link", name=menu, exact=True).click()
        expect(self.page.get_by_role("heading", name=menu, exact=True)).to_be_visible()
        if settle:
            self.settled()

    @contextmanager
    def holding(self, url: str | re.Pattern[str]) -> Iterator[None]:
        """Within the block the page's requests to `url` (a glob or a pattern, as Playwright takes them) wait
        unanswered (what a screen shows while its read is on the way); after it, they go on unchanged. Fails when
        the block sent none."""
        held: list[Any] = []

        def hold(route: Any) -> None:  # a Python function: Playwright does not take a bound builtin like held.append
            held.append(route)

        self.page.route(url, hold)
        try:
            yield
            # A request's hold is taken when Playwright dispatches the route (in a wait such as this one)
            for _ in range(50):
                if held:
                    break
                self.page.wait_for_timeout(100)
            assert held, f"no request to {url if isinstance(url, str) else url.pattern} was held"
        finally:
            self.page.unroute(url)  # the held requests go on unchanged (Playwright continues what a removed route held)

    def requests_to(self, part: str) -> list[str]:
        """The URLs containing `part` of the requests the page sends from now on, filled in as they are sent (a
        screen's reads: which it makes, and when)."""
        urls: list[str] = []
        self.page.on("request", lambda r: urls.append(r.url) if part in r.url else None)
        return urls

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"admin-{name}.png"), full_page=True)

    def axe(self, where: str) -> None:
        """No serious or critical axe-core violation on the page as it is now."""
        if not AXE.is_file():
            pytest.skip("axe-core is not installed (web/node_modules; `make web`)")
        self.page.add_script_tag(path=str(AXE))
        found = self.page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
                 .filter(v => v.impact === "serious" || v.impact === "critical")
                 .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
        )
        assert found == [], f"{where}: {found}"


def new_desk(
    browser: Any,
    base_url: str,
    viewport: dict[str, int] = LAPTOP,
    missing: frozenset[str] = frozenset(),
) -> Desk:
    """A new admin's tab on the stack at `base_url`, whose page errors, console errors and refused API calls
    are collected for `Desk.assert_clean` (the caller closes its context: `Desk.page.context`)."""
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="id-ID")
    context.set_default_timeout(15_000)
    # No internet here: the base map's tiles fail at once instead of waiting for DNS.
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    d = Desk(page, missing)
    page.on("pageerror", lambda exc: d.page_errors.append(str(exc)))

    def on_console(msg: Any) -> None:
        # Refused API calls and the blocked tiles are logged by the browser as "Failed to load resource"; the
        # API's are checked through `failed` instead.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            d.console_errors.append(msg.text)

    page.on("console", on_console)
    page.on(
        "response", lambda r: d.failed.append((r.status, r.url.removeprefix(base_url))) if r.status >= 400 else None
    )
    return d


def world_desk(
    tab: Callable[..., Desk],
    world: World,
    viewport: dict[str, int] = LAPTOP,
    *,
    admin: str | None = None,
    fake_clock: bool = False,
) -> Desk:
    """A new tab (`tab`: the `console_tab` fixture) on the world's stack; `admin`: signed in as the stack's bootstrap
    super admin ("bootstrap") or as a new admin user of that role (a unit admin of the world's unit, a regency-wide
    auditor or super admin; "unit_auditor": an auditor of the world's unit); `fake_clock`: its timers are the
    test's to move from the start (`page.clock.fast_forward`)."""
    d = tab(world.stack.api, viewport=viewport, missing=world.missing)
    page = d.page
    if fake_clock:
        page.clock.install()
    if admin == "bootstrap":
        d.login(world.stack.admin_username, world.stack.admin_password)
    elif admin is not None:
        role = "auditor" if admin == "unit_auditor" else admin
        units = [world.unit_id] if admin in ("unit_admin", "unit_auditor") else []
        d.username, password = _admin_user(world, role, units)
        d.login(d.username, password)
    return d


def _admin_user(world: World, role: str, unit_ids: list[str]) -> tuple[str, str]:
    username = f"konsol-{role.replace('_', '-')}-{secrets.token_hex(3)}"
    body = {"username": username, "password": PASSWORD, "role": role, "unit_ids": unit_ids}
    resp = world.admin.post("/v1/admin/users", body)
    if role == "auditor" and resp.status == 400:
        pytest.skip("the auditor role is not on this branch yet (adminviews)")
    _expect(resp, 201, f"create {role}")
    return username, PASSWORD


def _self_enrol(world: World, nip: str) -> str:
    """`nip` activates the app and enrols their own face (a photo of an identity no one else has): the template
    id, which waits for an admin."""
    from bench.load_checkin import DEFAULT_FACES, PhotoCache

    code = _expect(world.admin.post(f"/v1/admin/employees/{nip}/activation"), 201, "code")["activation_code"]
    phone = ApiClient(world.stack.api)
    body = {"nip": nip, "activation_code": code, "password": PASSWORD, "device_id": secrets.token_hex(16)}
    phone.token = _expect(phone.post("/v1/auth/activate", body), 200, "activation")["token"]
    cache = PhotoCache(DEFAULT_FACES)
    for photos in _identities():
        sent = phone.post("/v1/me/faces", {"photo": cache.get(photos[0])})
        if sent.status == 201:
            return str(sent.body["template_id"])
        assert sent.status in (409, 422), sent.raw[:300]  # a refused photo or a face enrolled for someone else
    pytest.fail("no identity of the shared photos could be enrolled")


def _unanswered(admin: ApiClient, path: str) -> bool:
    """Whether the stack has no route for `path` yet (an endpoint another helper is building)."""
    resp = admin.get(path)
    return resp.status in (404, 405)  # no route at all, or a route for other methods only
