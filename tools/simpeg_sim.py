"""Local simulator of a regency SIMPEG API (SIASN field names), for `make run`, tests and benchmarks.

Dev tooling only, never shipped to Lambda. It serves a deterministic regency shaped like Kabupaten
Bandung Barat (dinas/badan, kecamatan, puskesmas, schools) so sync can be exercised without the real
upstream, and it can misbehave on demand so the client's retries and the sync guard can be tested.

Endpoints (all JSON):
  GET  /api/v1/pegawai?page=N&limit=M   page N (from 1) of employees sorted by NIP; limit ≤ 1000 (default 100)
       -> {"data": [...SIASN-named records...], "meta": {"page", "limit", "total", "totalPages"}}
       auth: header `X-API-Key: <key>` or `Authorization: Bearer <token>`
  POST /oauth/token                      OAuth2 client credentials (HTTP Basic or form client_id/secret)
       -> {"access_token", "token_type": "Bearer", "expires_in"}
  GET  /_control                         counters, pending faults, size (no auth: dev only, 127.0.0.1)
  POST /_control {"action": ...}         change data or misbehave:
       hire      {"count", "unor_id"?}                 new employees (returns their NIPs)
       transfer  {"nips"? | "count", "unor_id"?}      move to another unit
       retire    {"nips"? | "count", "mode": "status"|"remove"}   Pensiun, or gone from the list
       update    {"nip", "fields": {...SIASN names...}}
       fault     {"kind": "error"|"rate_limit"|"slow"|"truncate"|"empty"|"repeat", "count": N,
                  "status"?, "retry_after"?, "delay_s"?, "page"?, "target": "list"|"token"}
                 the next N matching requests misbehave
       clear_faults, expire_tokens, set {"token_ttl_s"}, reset (regenerate from the seed)

  python -m tools.simpeg_sim --port 8077 --size 7000 --seed 1
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import random
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DEFAULT_API_KEY = "local-simpeg-key"
DEFAULT_CLIENT_ID = "smart-local"
DEFAULT_CLIENT_SECRET = "smart-local-secret"
LIST_PATH = "/api/v1/pegawai"
TOKEN_PATH = "/oauth/token"
CONTROL_PATH = "/_control"
MAX_LIMIT = 1000

# -- the regency -------------------------------------------------------------------------------------------

KECAMATAN = (
    "Ngamprah", "Padalarang", "Lembang", "Cisarua", "Batujajar", "Cikalongwetan", "Cipatat", "Cipeundeuy",
    "Cipongkor", "Cihampelas", "Cililin", "Gununghalu", "Parongpong", "Rongga", "Saguling", "Sindangkerta",
)  # fmt: skip
OPD = (
    "Sekretariat Daerah", "Sekretariat DPRD", "Inspektorat Daerah", "Dinas Pendidikan", "Dinas Kesehatan",
    "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas Sosial", "Dinas Kependudukan dan Pencatatan Sipil",
    "Dinas Perhubungan", "Dinas Lingkungan Hidup", "Dinas Pertanian dan Ketahanan Pangan",
    "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "Badan Perencanaan Pembangunan Daerah",
    "Badan Pengelolaan Keuangan dan Aset Daerah", "Badan Penanggulangan Bencana Daerah",
    "Satuan Polisi Pamong Praja", "RSUD Cikalongwetan",
)  # fmt: skip
PUSKESMAS = ("Ngamprah", "Padalarang", "Lembang", "Cisarua", "Batujajar", "Cililin", "Cipatat", "Parongpong",
             "Cikalongwetan", "Gununghalu")  # fmt: skip
SDN = ("1 Ngamprah", "2 Ngamprah", "1 Padalarang", "3 Padalarang", "1 Lembang", "4 Lembang", "1 Cisarua",
       "2 Batujajar", "1 Cipatat", "1 Cililin", "2 Cihampelas", "1 Gununghalu", "1 Rongga", "1 Cipongkor")  # fmt: skip
SMPN = ("1 Ngamprah", "1 Padalarang", "1 Lembang", "2 Lembang", "1 Cisarua", "1 Batujajar")

MALE = ("Asep", "Dadang", "Ujang", "Cecep", "Deden", "Agus", "Budi", "Eko", "Bambang", "Slamet", "Joko",
        "Wahyu", "Muhammad", "Ahmad", "Abdul", "Rahmat", "Hendra", "Iwan", "Yusuf", "Ridwan", "Dedi", "Yayat",
        "Engkus", "Aep", "Dodi", "Rudi", "Hadi", "Imam", "Fajar", "Rizki", "Dimas", "Teguh", "Sutrisno",
        "Yudi", "Nandang", "Ayi", "Tatang", "Ilham", "Arif", "Hasan")  # fmt: skip
FEMALE = ("Siti", "Nur", "Dewi", "Euis", "Neneng", "Iis", "Tini", "Yanti", "Rina", "Sri", "Lilis", "Ai",
          "Enok", "Nining", "Wulan", "Fitri", "Aisyah", "Fatimah", "Nurul", "Kartika", "Ratna", "Endang",
          "Yuyun", "Rini", "Ani", "Popon", "Imas", "Cucu", "Hana", "Laila")  # fmt: skip
MALE_LAST = ("Sudrajat", "Hidayat", "Supriatna", "Kusnadi", "Saepudin", "Permana", "Suryana", "Rukmana",
             "Hermawan", "Setiawan", "Nugraha", "Gunawan", "Mulyana", "Wibowo", "Santoso", "Prasetyo",
             "Purnomo", "Hartono", "Wijaya", "Maulana", "Fauzi", "Ramdani", "Hakim", "Rahman",
             "Firmansyah", "Kurniawan")  # fmt: skip
FEMALE_LAST = ("Nurhayati", "Rahmawati", "Kurniasih", "Wulandari", "Suryani", "Lestari", "Handayani",
               "Komalasari", "Sulastri", "Herawati", "Nurhasanah", "Rohmah", "Maryani", "Fitriani",
               "Susilawati", "Rahayu")  # fmt: skip
GOLONGAN = ("II/a", "II/b", "II/c", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b")


@dataclass(frozen=True)
class _Post:
    jabatan: str
    gelar_depan: tuple[str, ...]
    gelar_belakang: tuple[str, ...]
    weight: int


_SCHOOL_POSTS = (
    _Post("Guru Ahli Pertama", ("",), ("S.Pd.", "S.Pd.I.", "S.Pd.SD."), 10),
    _Post("Guru Ahli Muda", ("",), ("S.Pd.", "S.Pd., M.Pd."), 8),
    _Post("Guru Ahli Madya", ("", "Drs."), ("S.Pd.", "M.Pd.", ""), 4),
    _Post("Pengelola Keuangan", ("",), ("S.E.", "A.Md."), 1),
    _Post("Pengadministrasi Umum", ("",), ("",), 1),
)
_HEALTH_POSTS = (
    _Post("Perawat Terampil", ("",), ("A.Md.Kep.",), 8),
    _Post("Perawat Ahli Pertama", ("",), ("S.Kep., Ners",), 5),
    _Post("Bidan Terampil", ("",), ("A.Md.Keb.",), 6),
    _Post("Dokter Ahli Pertama", ("dr.",), ("",), 2),
    _Post("Dokter Gigi Ahli Pertama", ("drg.",), ("",), 1),
    _Post("Apoteker Ahli Pertama", ("",), ("S.Farm., Apt.",), 1),
    _Post("Pranata Laboratorium Kesehatan", ("",), ("A.Md.AK.",), 1),
)
_OFFICE_POSTS = (
    _Post("Analis Kebijakan Ahli Muda", ("",), ("S.Sos.", "S.IP., M.Si.", "S.AP."), 3),
    _Post("Analis Sumber Daya Manusia Aparatur", ("",), ("S.Psi.", "S.Sos."), 2),
    _Post("Pranata Komputer Ahli Pertama", ("",), ("S.Kom.", "S.T."), 2),
    _Post("Analis Keuangan", ("",), ("S.E.", "S.E., M.Ak."), 2),
    _Post("Perencana Ahli Muda", ("", "Ir."), ("S.T., M.T.", "M.Si."), 1),
    _Post("Pengadministrasi Umum", ("",), ("",), 4),
    _Post("Pengemudi", ("",), ("",), 1),
)
_HEADS = {"school": "Kepala Sekolah", "health": "Kepala Puskesmas", "kecamatan": "Camat", "opd": "Kepala"}


@dataclass(frozen=True)
class SimUnit:
    """One unor of the simulated regency."""

    unor_id: str
    unor_nama: str
    kind: str  # school | health | kecamatan | opd
    weight: int


def build_units(seed: int) -> list[SimUnit]:
    """~63 units with stable ids (hex, SIASN-like) derived from the seed and the name."""
    spec: list[tuple[str, str, int]] = [(n, "opd", 3) for n in OPD]
    spec += [(f"Kecamatan {k}", "kecamatan", 2) for k in KECAMATAN]
    spec += [(f"UPTD Puskesmas {p}", "health", 4) for p in PUSKESMAS]
    spec += [(f"SDN {s}", "school", 5) for s in SDN] + [(f"SMPN {s}", "school", 8) for s in SMPN]
    units = []
    for name, kind, weight in spec:
        digest = hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()[:32]
        units.append(
            SimUnit(
                digest,
                name,
                "health" if name.startswith("RSUD") else kind,
                weight * (6 if name.startswith("RSUD") else 1),
            )
        )
    return units


def _gendered(gelar: str, female: bool) -> str:
    return "Dra." if female and gelar == "Drs." else gelar


def _posts(kind: str) -> tuple[_Post, ...]:
    return {"school": _SCHOOL_POSTS, "health": _HEALTH_POSTS}.get(kind, _OFFICE_POSTS)


class Regency:
    """The simulated employees, deterministic for a seed; changed through `/_control`."""

    def __init__(self, size: int, seed: int) -> None:
        self.seed = seed
        self.units = build_units(seed)
        self._unit_by_id = {u.unor_id: u for u in self.units}
        self._rng = random.Random(seed)
        self.employees: dict[str, dict[str, Any]] = {}
        self._sorted: list[str] | None = None
        for unit in self.units[:size]:  # every unit has its head (when size allows)
            self._add(unit, head=True)
        weights = [u.weight for u in self.units]
        while len(self.employees) < size:
            self._add(self._rng.choices(self.units, weights)[0])

    def listing(self) -> list[str]:
        """NIPs in listing order (sorted, so pages are stable)."""
        if self._sorted is None:
            self._sorted = sorted(self.employees)
        return self._sorted

    def hire(self, count: int, unor_id: str | None) -> list[str]:
        """Add `count` new employees (in `unor_id` or weighted random units)."""
        weights = [u.weight for u in self.units]
        units = [self._unit(unor_id) if unor_id else self._rng.choices(self.units, weights)[0] for _ in range(count)]
        return [self._add(u) for u in units]

    def transfer(self, nips: list[str], unor_id: str | None) -> list[str]:
        """Move employees to `unor_id` or to another random unit."""
        for nip in nips:
            record = self.employees[nip]
            choices = [u for u in self.units if u.unor_id != record["unorId"]]
            target = self._unit(unor_id) if unor_id else self._rng.choice(choices)
            record.update(unorId=target.unor_id, unorNama=target.unor_nama)
        return nips

    def retire(self, nips: list[str], mode: str) -> list[str]:
        """Mark as Pensiun (still listed), or remove from the listing altogether."""
        for nip in nips:
            if mode == "remove":
                del self.employees[nip]
            else:
                self.employees[nip]["kedudukanPnsNama"] = "Pensiun"
        self._sorted = None
        return nips

    def pick(self, count: int) -> list[str]:
        """`count` distinct active NIPs chosen by the seeded generator."""
        active = [n for n in self.listing() if self.employees[n]["kedudukanPnsNama"] == "Aktif"]
        return self._rng.sample(active, min(count, len(active)))

    def _unit(self, unor_id: str) -> SimUnit:
        if unor_id not in self._unit_by_id:
            raise KeyError(f"unknown unor_id {unor_id}")
        return self._unit_by_id[unor_id]

    def _add(self, unit: SimUnit, *, head: bool = False) -> str:
        rng = self._rng
        female = rng.random() < (0.6 if unit.kind in ("school", "health") else 0.4)
        birth = date(1966, 1, 1) + timedelta(days=rng.randrange(34 * 365))
        nip = self._new_nip(birth, female)
        post = (
            self._head_post(unit) if head else rng.choices(_posts(unit.kind), [p.weight for p in _posts(unit.kind)])[0]
        )
        self.employees[nip] = {
            "id": hashlib.md5(f"{self.seed}:{nip}".encode()).hexdigest(),
            "nipBaru": nip,
            "nama": self._name(female),
            "gelarDepan": _gendered(rng.choice(post.gelar_depan), female) or None,
            "gelarBelakang": rng.choice(post.gelar_belakang) or None,
            "tanggalLahir": birth.strftime("%d-%m-%Y"),
            "jenisKelamin": "P" if female else "L",
            "jenisPegawaiNama": "PNS",
            "golRuangAkhir": rng.choice(GOLONGAN),
            "unorId": unit.unor_id,
            "unorNama": unit.unor_nama,
            "jabatanNama": post.jabatan,
            "kedudukanPnsNama": "Aktif",
        }
        self._sorted = None
        return nip

    def _head_post(self, unit: SimUnit) -> _Post:
        title = _HEADS[unit.kind]
        if unit.kind == "opd":
            title = (
                f"Kepala {unit.unor_nama.split(' ')[0]}"
                if not unit.unor_nama.startswith("Sekretariat")
                else "Sekretaris"
            )
        gelar = {"school": ("S.Pd., M.Pd.",), "health": ("M.Kes.", "M.K.M.")}.get(
            unit.kind, ("M.Si.", "S.STP., M.Si.", "M.T.", "M.M.")
        )
        return _Post(title, ("", "Drs.", "dr.") if unit.kind == "health" else ("", "Drs."), gelar, 1)

    def _new_nip(self, birth: date, female: bool) -> str:
        rng = self._rng
        tmt_year = min(birth.year + rng.randint(22, 35), 2024)
        month = rng.randint(1, 12)
        # Half of those appointed since 2023 are PPPK: their NI PPPK has the type code 21 where the month stands
        code = 21 if tmt_year >= 2023 and month % 2 == 0 else month
        prefix = f"{birth:%Y%m%d}{tmt_year}{code:02d}{2 if female else 1}"
        while True:
            nip = f"{prefix}{rng.randint(1, 999):03d}"
            if nip not in self.employees:
                return nip

    def _name(self, female: bool) -> str:
        rng = self._rng
        first, last = (FEMALE, FEMALE_LAST) if female else (MALE, MALE_LAST)
        parts = [rng.choice(first)]
        if rng.random() < 0.35:
            parts.append(rng.choice(first))
        if rng.random() < 0.8:
            parts.append(rng.choice(last))
        return " ".join(dict.fromkeys(parts))  # no "Siti Siti"


# -- misbehaviour ------------------------------------------------------------------------------------------


@dataclass
class Fault:
    """The next `count` matching requests misbehave as `kind`."""

    kind: str
    count: int
    target: str = "list"
    page: int | None = None
    status: int = 500
    retry_after: int = 1
    delay_s: float = 2.0

    def matches(self, target: str, page: int | None) -> bool:
        """True when this fault applies to a request of `target` for `page`."""
        return self.count > 0 and self.target == target and (self.page is None or self.page == page)


@dataclass
class SimState:
    """Everything the server knows; guarded by `lock`."""

    size: int
    seed: int
    api_key: str
    client_id: str
    client_secret: str
    token_ttl_s: float = 3600.0
    regency: Regency = field(init=False)
    tokens: dict[str, float] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=lambda: {"list": 0, "token": 0, "unauthorized": 0})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.regency = Regency(self.size, self.seed)

    def take_fault(self, target: str, page: int | None) -> Fault | None:
        """Consume one use of the first fault matching this request."""
        for fault in self.faults:
            if fault.matches(target, page):
                fault.count -= 1
                return fault
        return None


class SimServer(ThreadingHTTPServer):
    """ThreadingHTTPServer carrying the simulator state."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: SimState) -> None:
        super().__init__(address, SimHandler)
        self.state = state

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that time out close the socket mid-answer; that is expected here, not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class SimHandler(BaseHTTPRequestHandler):
    """Routes the few endpoints of the simulator."""

    server: SimServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and benchmarks would drown in access logs."""

    def do_GET(self) -> None:
        """Listing and control status."""
        url = urlsplit(self.path)
        if url.path == LIST_PATH:
            self._list(parse_qs(url.query))
        elif url.path == CONTROL_PATH:
            with self.server.state.lock:
                self._send(200, self._status())
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        """Token and control."""
        path = urlsplit(self.path).path
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if path == TOKEN_PATH:
            self._token(body)
        elif path == CONTROL_PATH:
            self._control(body)
        else:
            self._send(404, {"error": "not_found"})

    # -- listing ---------------------------------------------------------------------------------------

    def _list(self, query: dict[str, list[str]]) -> None:
        state = self.server.state
        try:
            page = int(query.get("page", ["1"])[0])
            limit = min(int(query.get("limit", ["100"])[0]), MAX_LIMIT)
        except ValueError:
            self._send(400, {"error": "bad_request", "message": "page and limit must be integers"})
            return
        if page < 1 or limit < 1:
            self._send(400, {"error": "bad_request", "message": "page and limit must be >= 1"})
            return
        with state.lock:
            state.counters["list"] += 1
            if not self._authorized(state):
                state.counters["unauthorized"] += 1
                self._send(401, {"error": "unauthorized"})
                return
            fault = state.take_fault("list", page)
            nips = state.regency.listing()
            # "repeat": the page answered with the rows of the page before (offset paging over an unstable order)
            shown = page - 1 if fault is not None and fault.kind == "repeat" and page > 1 else page
            items = [dict(state.regency.employees[n]) for n in nips[(shown - 1) * limit : shown * limit]]
            total = len(nips)
        if fault is not None and self._misbehave(fault):
            return
        if fault is not None and fault.kind == "truncate":
            items = items[: len(items) // 2]
        if fault is not None and fault.kind == "empty":
            items, total = [], 0
        meta = {"page": page, "limit": limit, "total": total, "totalPages": math.ceil(total / limit)}
        self._send(200, {"data": items, "meta": meta})

    def _misbehave(self, fault: Fault) -> bool:
        """Apply a fault that replaces or delays the answer; True when the answer was already sent."""
        if fault.kind == "slow":
            time.sleep(fault.delay_s)
            return False
        if fault.kind == "error":
            self._send(fault.status, {"error": "simulated", "status": fault.status})
            return True
        if fault.kind == "rate_limit":
            self._send(429, {"error": "rate_limited"}, {"Retry-After": str(fault.retry_after)})
            return True
        return False

    def _authorized(self, state: SimState) -> bool:
        if self.headers.get("X-API-Key") == state.api_key:
            return True
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            expires = state.tokens.get(auth[7:])
            return expires is not None and time.monotonic() < expires
        return False

    # -- OAuth2 ----------------------------------------------------------------------------------------

    def _token(self, body: bytes) -> None:
        state = self.server.state
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        client_id, secret = self._basic() or (form.get("client_id"), form.get("client_secret"))
        with state.lock:
            state.counters["token"] += 1
            fault = state.take_fault("token", None)
        if fault is not None and self._misbehave(fault):
            return
        with state.lock:
            self._issue(state, form.get("grant_type"), client_id, secret)

    def _issue(self, state: SimState, grant: str | None, client_id: str | None, secret: str | None) -> None:
        if grant != "client_credentials":
            self._send(400, {"error": "unsupported_grant_type"})
        elif client_id != state.client_id or secret != state.client_secret:
            self._send(401, {"error": "invalid_client"})
        else:
            token = secrets.token_urlsafe(24)
            state.tokens[token] = time.monotonic() + state.token_ttl_s
            ttl = state.token_ttl_s
            self._send(200, {"access_token": token, "token_type": "Bearer", "expires_in": ttl})

    def _basic(self) -> tuple[str, str] | None:
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(auth[6:]).decode("utf-8", "replace").partition(":")
        return user, password

    # -- control ---------------------------------------------------------------------------------------

    def _control(self, body: bytes) -> None:
        state = self.server.state
        try:
            command = json.loads(body or b"{}")
            with state.lock:
                result = _apply_control(state, command)
        except (ValueError, KeyError, TypeError) as exc:
            self._send(400, {"error": "bad_control", "message": str(exc)})
            return
        self._send(200, result)

    def _status(self) -> dict[str, Any]:
        state = self.server.state
        pending = [vars(f) for f in state.faults if f.count > 0]
        return {
            "size": len(state.regency.employees),
            "counters": dict(state.counters),
            "faults": pending,
            "units": [{"unor_id": u.unor_id, "unor_nama": u.unor_nama} for u in state.regency.units],
        }

    def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except ConnectionError:
            self.close_connection = True  # the client gave up (timeout test): nothing to answer


def _apply_control(state: SimState, command: dict[str, Any]) -> dict[str, Any]:
    action = command["action"]
    regency = state.regency
    if action == "hire":
        return {"nips": regency.hire(int(command.get("count", 1)), command.get("unor_id"))}
    if action == "transfer":
        nips = command.get("nips") or regency.pick(int(command.get("count", 1)))
        return {"nips": regency.transfer(list(nips), command.get("unor_id"))}
    if action == "retire":
        nips = command.get("nips") or regency.pick(int(command.get("count", 1)))
        return {"nips": regency.retire(list(nips), command.get("mode", "status"))}
    if action == "update":
        regency.employees[command["nip"]].update(command["fields"])
        return {"nips": [command["nip"]]}
    if action == "fault":
        fields = {k: v for k, v in command.items() if k != "action"}
        state.faults.append(Fault(**fields))
        return {"faults": len(state.faults)}
    if action == "clear_faults":
        state.faults.clear()
    elif action == "expire_tokens":
        state.tokens.clear()
    elif action == "set":
        state.token_ttl_s = float(command["token_ttl_s"])
    elif action == "reset":
        state.regency = Regency(state.size, state.seed)
        state.faults.clear()
        state.tokens.clear()
        state.counters.update(dict.fromkeys(state.counters, 0))
    else:
        raise ValueError(f"unknown action {action!r}")
    return {"ok": True}


def start_in_thread(
    port: int = 0,
    size: int = 7000,
    seed: int = 1,
    *,
    api_key: str = DEFAULT_API_KEY,
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
    token_ttl_s: float = 3600.0,
) -> tuple[SimServer, str]:
    """Start on 127.0.0.1 in a daemon thread; returns (server, base_url). Stop with `server.shutdown()`."""
    state = SimState(size, seed, api_key, client_id, client_secret, token_ttl_s)
    server = SimServer(("127.0.0.1", port), state)
    threading.Thread(target=server.serve_forever, args=(0.05,), name="simpeg-sim", daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def stop(server: SimServer) -> None:
    """Stop serving and release the port."""
    server.shutdown()
    server.server_close()


def main(argv: list[str] | None = None) -> None:
    """Command line: serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8077, help="0 picks a free port (printed)")
    parser.add_argument("--size", type=int, default=7000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--api-key", default=DEFAULT_API_KEY)
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument("--token-ttl", type=float, default=3600.0)
    args = parser.parse_args(argv)
    state = SimState(args.size, args.seed, args.api_key, args.client_id, args.client_secret, args.token_ttl)
    server = SimServer(("127.0.0.1", args.port), state)
    print(
        f"simpeg_sim listening on http://127.0.0.1:{server.server_address[1]} "
        f"({len(state.regency.employees)} employees, {len(state.regency.units)} units)",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
