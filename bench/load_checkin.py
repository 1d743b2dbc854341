"""Morning-rush load and fault tool: N phones check in against a running local stack, then the store is counted.

Why: the regency's ~7,000 employees check in within the same half hour. This plays that rush over HTTP against
`make run`'s stack (or one it starts itself with `--start`) and then checks what matters more than speed: every
check-in the phones were told was recorded IS recorded, exactly once, even when storage dies mid-run.

Phase 1 (setup, not timed): import employees (SIMPEG import API), create zones, give each unit its zone; per
phone: activation code, activation (binds the phone), enrolment with one `use=pairs` photo of an identity.
Phase 2 (the rush, timed): per phone a challenge, then POST /v1/attendance with ANOTHER photo of the same
identity at a position inside its unit's zone, C phones at a time. A phone retries on timeouts, broken
connections and 503 with the SAME client_request_id and challenge (that is what must not duplicate).
Then DynamoDB is read directly through moto's endpoint and compared with the answers the phones got.

`--fast-setup` keeps the SIMPEG import and the zones on the API but prepares the phones in this process
(about 0.3 CPU-s per phone through the API, which is not what is measured): each distinct enrolment photo is
analysed once with the app's own face code, then the app's store functions write, per phone, what activation
and enrolment write (device binding, password hash shared by all phones, template, fingerprint, photo, audit)
and the token is minted as activation issues it. `--setup-only` stops after phase 1 (to time the set-up).

  python -m bench.load_checkin --start --phones 200 --concurrency 8
  python -m bench.load_checkin --start --phones 20 --concurrency 4 --kill-storage-after 5
  python -m bench.load_checkin --url http://127.0.0.1:8000 --moto-url http://127.0.0.1:4566 --phones 200
  python -m bench.load_checkin --start --phones 7000 --concurrency 8 --fast-setup

Exit status 0 only when the counts are exact (figures are printed either way; `--json FILE` keeps them).
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import json
import math
import os
import random
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import psutil
import urllib3
from boto3.dynamodb.conditions import Attr
from PIL import Image

from chalicelib import runtime
from chalicelib.auth import passwords
from chalicelib.errors import SmartError
from chalicelib.face import FaceAnalysis, FaceError, ModelUnavailableError
from chalicelib.face.liveness import JUDGED_ACTIONS, Action, LivenessLimits
from chalicelib.settings import Settings, build_settings
from chalicelib.store.aws import reset_clients, s3_client
from chalicelib.store.models import configure, shared_connection
from chalicelib.store.people import DynamoPeopleRepository
from chalicelib.usecases import auth as auth_service
from chalicelib.usecases import faces
from evaluation.liveness import cached_identity_photos
from tools.devstack import LocalStack, StackConfig
from tools.devstack_faults import MotoRestart, kill_and_restart_moto

PEOPLE = DynamoPeopleRepository()

REPO_DIR = Path(__file__).resolve().parents[1]
DEFAULT_FACES = REPO_DIR / ".." / "shared" / "faces" / "dev"
RECORDED = ("accepted", "review")
_RETRYABLE_STATUS = 503
_PHONES_PER_UNIT = 100
_ZONE_RADIUS_M = 250.0
_SPREAD_M = 120.0  # phones stand well inside the zone: the test is about load, not zone edges
_IMPORT_CHUNK = 500
_PHONE_PASSWORD = "rahasia-beban-1"


# --- configuration and results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadConfig:
    """One run. Defaults fit `make run`'s stack (ports, table prefix, region, admin password)."""

    api_url: str = f"http://127.0.0.1:{StackConfig.api_port}"
    moto_url: str = f"http://127.0.0.1:{StackConfig.moto_port}"
    table_prefix: str = StackConfig.table_prefix
    region: str = StackConfig.region
    admin_username: str = "admin"
    admin_password: str = StackConfig.admin_password
    phones: int = 200
    concurrency: int = 8
    setup_concurrency: int | None = None  # None: same as `concurrency`
    kill_storage_after: int | None = None  # phones answered in phase 2 before moto is killed; needs --start
    storage_down_s: float = 1.0
    request_timeout_s: float = 30.0
    retry_cap_s: float = 2.0  # a phone waits min(Retry-After, backoff, this) between attempts
    give_up_after_s: float = 300.0
    faces_dir: Path = DEFAULT_FACES
    seed: int = 1
    fast_setup: bool = False  # phones prepared in this process through the store, not one API call each
    model_dir: Path | None = None  # face models of the stack (--fast-setup analyses with them); None: default


@dataclass
class PhoneResult:
    """What one phone was finally told about its check-in, and how it got there."""

    nip: str
    client_request_id: str
    photos: tuple[str, str] = ("", "")  # (enrolled, sent at check-in): to tell the app's refusals apart
    status: int | None = None  # None: gave up (timeouts/connection errors until give_up_after_s)
    outcome: str = "GAVE_UP"  # accepted | review | an error code | HTTP_<status> | GAVE_UP
    event_id: str | None = None
    latency_s: float = 0.0  # challenge + check-in, retries included: what the employee waits
    checkin_latency_s: float = 0.0  # POST /v1/attendance only, retries included
    attempts: int = 0
    retry_reasons: list[str] = field(default_factory=list)


@dataclass
class StoreCount:
    """Events of this run's employees as stored in DynamoDB."""

    by_status: dict[str, int]
    recorded_event_ids: set[str]
    duplicated_nips: list[str]  # employees with more than one event of any status (each phone sends one)


@dataclass
class LoadReport:
    """Figures of one run and the verdict of the exactness checks."""

    phones: int
    concurrency: int
    setup_s: float
    rush_s: float
    throughput_per_s: float
    latency_s: dict[str, float]
    checkin_latency_s: dict[str, float]
    outcomes: dict[str, int]
    retries: dict[str, int]
    answered_recorded: int
    answered_events: int  # 201 + 422 refusals: each is one stored event (refused attempts are kept for audit)
    stored_by_status: dict[str, int]
    stored_recorded: int
    duplicated_nips: list[str]
    missing_event_ids: list[str]
    unexpected_event_ids: list[str]
    gave_up: int
    recorded_after_retry: int  # phones that saw an outage (503/timeout) and still got their check-in recorded
    restarts: list[dict[str, float]]
    cpu_s: dict[str, float]
    refused_photo_pairs: dict[str, int]
    problems: list[str]
    people_after: dict[str, int] = field(default_factory=dict)
    setup_failures: dict[str, int] = field(default_factory=dict)  # phones left out of the rush, by answer

    @property
    def exact(self) -> bool:
        return not self.problems


class LoadError(Exception):
    """The run could not be set up (the API answered something unexpected at a named step)."""


# --- HTTP with the phone's retry policy -------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer (timeout, connection error)
    body: Any
    reason: str  # for retries: "503", "timeout", "connection"
    retry_after_s: float = 0.0

    def code(self) -> str:
        if self.status is None:
            return "GAVE_UP"
        error = self.body.get("error") if isinstance(self.body, dict) else None
        if isinstance(error, dict) and error.get("code"):
            return str(error["code"])
        return f"HTTP_{self.status}"


class Http:
    """Keep-alive JSON client shared by all phone threads (urllib3 pools are thread-safe)."""

    def __init__(self, base_url: str, pool_size: int, timeout_s: float) -> None:
        self.base_url = base_url.rstrip("/")
        timeout = urllib3.Timeout(connect=5.0, read=timeout_s)
        self._http = urllib3.PoolManager(maxsize=pool_size, block=True, timeout=timeout, retries=False)

    def once(self, method: str, path: str, body: Any = None, token: str | None = None) -> Answer:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            resp = self._http.request(method, self.base_url + path, body=data, headers=headers)
        except (urllib3.exceptions.TimeoutError, urllib3.exceptions.ReadTimeoutError):
            return Answer(None, None, "timeout")
        except urllib3.exceptions.HTTPError:
            return Answer(None, None, "connection")
        try:
            decoded = json.loads(resp.data) if resp.data else None
        except ValueError:
            decoded = None
        retry_after = _float(resp.headers.get("Retry-After"))
        return Answer(resp.status, decoded, str(resp.status), retry_after)


def _float(text: str | None) -> float:
    try:
        return float(text) if text else 0.0
    except ValueError:
        return 0.0


@dataclass(frozen=True)
class RetryPolicy:
    """A phone's patience: retry 503 and lost answers, back off exponentially, give up after a while."""

    cap_s: float
    give_up_after_s: float

    def send(
        self,
        http: Http,
        method: str,
        path: str,
        body: Any,
        token: str | None,
        *,
        on_retry: Callable[[str], None] | None = None,
    ) -> Answer:
        """The same request (same body) until a real answer other than 503, or until giving up."""
        began = time.monotonic()
        attempt = 0
        while True:
            answer = http.once(method, path, body, token)
            retryable = answer.status is None or answer.status == _RETRYABLE_STATUS
            if not retryable or time.monotonic() - began > self.give_up_after_s:
                return answer
            if on_retry is not None:
                on_retry(answer.reason)
            attempt += 1
            backoff = min(0.1 * 2**attempt, self.cap_s)
            time.sleep(random.uniform(0.5, 1.0) * min(answer.retry_after_s or backoff, backoff))


# --- photos ------------------------------------------------------------------------------------------------


def pair_identities(faces_dir: Path) -> list[list[str]]:
    """Photo paths (relative) of every `use=pairs` identity with at least two photos, in a stable order."""
    labels = faces_dir / "labels.csv"
    if not labels.exists():
        raise LoadError(f"face photos not found at {faces_dir} (labels.csv missing)")
    by_identity: dict[str, list[str]] = {}
    with labels.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            if row["use"] == "pairs":
                by_identity.setdefault(row["identity"], []).append(row["path"])
    return [sorted(paths) for _, paths in sorted(by_identity.items()) if len(paths) >= 2]


class PhotoCache:
    """Base64 selfies as a phone uploads them (640 px long side, JPEG q85), prepared once per photo, and the
    liveness frames a phone sends with them: genuine sequences of the identity's real photos ordered for the
    asked movement (evaluation.liveness), prepared once per identity and movement (frames are not checked
    for replays, only the selfie is)."""

    def __init__(self, faces_dir: Path, model_dir: Path | None = None) -> None:
        self.faces_dir = faces_dir
        self.model_dir = model_dir
        self._cache: dict[str, str] = {}
        self._frames: dict[tuple[str, str], list[str]] = {}
        self._lock = threading.Lock()

    def frames(self, relative: str, action: Action) -> list[str]:
        """Base64 frames of the person in `relative` making `action`."""
        photos = cached_identity_photos(self.faces_dir / "labels.csv", self.model_dir or default_model_dir())
        key = (photos.identity_of[relative], action)
        with self._lock:
            if key not in self._frames:
                built = photos.frames_for(relative, action, LivenessLimits().frames)
                self._frames[key] = [base64.b64encode(f).decode() for f in built]
            return self._frames[key]

    def get(self, relative: str) -> str:
        with self._lock:
            if relative not in self._cache:
                self._cache[relative] = base64.b64encode(_selfie(self.faces_dir / relative)).decode()
            return self._cache[relative]


def _selfie(path: Path) -> bytes:
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        rgb.thumbnail((640, 640))
        out = io.BytesIO()
        rgb.save(out, "JPEG", quality=85)
        return out.getvalue()


# --- the run's people and places -------------------------------------------------------------------------


@dataclass
class Phone:
    index: int
    nip: str
    unit: str
    device_id: str
    photos: list[str]  # the identity's photos; enrolment uses photos[enrol_at], check-in another one
    position: tuple[float, float]
    enrol_at: int = 0
    token: str = ""

    def probe_photo(self) -> str:
        return self.photo_after(1)

    def photo_after(self, shift: int) -> str:
        """The identity's photo `shift` places after the enrolled one (1: the check-in's)."""
        return self.photos[(self.enrol_at + shift) % len(self.photos)]


def run_nip(tag: int, index: int) -> str:
    """A valid-looking, unique NIP for phone `index` of run `tag` (birth date and TMT digits carry both)."""
    year = 1960 + tag % 40
    month = 1 + (tag // 40) % 12
    day = 1 + (index // 1000) % 28
    tmt_year = year + 22 + (tag // 480) % 4  # the app checks the age at appointment
    tmt_month = 1 + (index // 28000) % 12
    return f"{year:04d}{month:02d}{day:02d}{tmt_year:04d}{tmt_month:02d}{1 + index % 2}{index % 1000:03d}"


def zone_centre(unit_index: int) -> tuple[float, float]:
    """Units' zones on a grid ~2 km apart around Ngamprah (the regency office), far enough not to overlap."""
    row, col = divmod(unit_index, 10)
    return (-6.80 - 0.02 * row, 107.40 + 0.02 * col)


def _offset(centre: tuple[float, float], rng: random.Random) -> tuple[float, float]:
    distance = _SPREAD_M * math.sqrt(rng.random())
    angle = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(angle) / 111_320.0
    dlon = distance * math.sin(angle) / (111_320.0 * math.cos(math.radians(centre[0])))
    return (round(centre[0] + dlat, 7), round(centre[1] + dlon, 7))


def make_phones(config: LoadConfig, tag: int) -> list[Phone]:
    identities = pair_identities(config.faces_dir)
    rng = random.Random(config.seed)
    phones = []
    for i in range(config.phones):
        unit_index = i // _PHONES_PER_UNIT
        photos = identities[i % len(identities)]
        phones.append(
            Phone(
                index=i,
                nip=run_nip(tag, i),
                unit=f"LOAD{tag:04d}U{unit_index:03d}",
                device_id=f"load-{tag:04d}-{i:05d}-{secrets.token_hex(4)}",
                photos=photos,
                position=_offset(zone_centre(unit_index), rng),
                enrol_at=(i // len(identities)) % len(photos),
            )
        )
    return phones


# --- phase 1: setup --------------------------------------------------------------------------------------


class Setup:
    """Puts the run's employees, zones and enrolments in through the API, as an administrator would."""

    def __init__(self, http: Http, policy: RetryPolicy, photos: PhotoCache) -> None:
        self.http = http
        self.policy = policy
        self.photos = photos
        self.admin = ""

    def _expect(self, answer: Answer, status: int, step: str) -> Any:
        if answer.status != status:
            raise LoadError(f"{step}: HTTP {answer.status} {json.dumps(answer.body)[:300]}")
        return answer.body

    def _admin_call(self, method: str, path: str, body: Any, status: int, step: str) -> Any:
        return self._expect(self.policy.send(self.http, method, path, body, self.admin), status, step)

    def login(self, username: str, password: str) -> None:
        answer = self.policy.send(
            self.http, "POST", "/v1/auth/admin/login", {"username": username, "password": password}, None
        )
        self.admin = str(self._expect(answer, 200, "admin login")["token"])

    def employees(self, phones: Sequence[Phone]) -> None:
        records = [
            {
                "nip": p.nip,
                "nama": f"Pegawai Uji {p.index}",
                "unor_id": p.unit,
                "unor_nama": f"Unit Uji Beban {p.unit}",
                "jabatan": "Guru",
                "status": "aktif",
            }
            for p in phones
        ]
        for start in range(0, len(records), _IMPORT_CHUNK):
            body = {"employees": records[start : start + _IMPORT_CHUNK]}
            result = self._admin_call("POST", "/v1/admin/simpeg/import", body, 200, "SIMPEG import")
            if result.get("errors"):
                raise LoadError(f"SIMPEG import refused rows: {result['errors'][:3]}")

    def zones(self, phones: Sequence[Phone]) -> None:
        units = sorted({p.unit for p in phones})
        for unit_index, unit in enumerate(units):
            lat, lon = zone_centre(unit_index)
            zone = {"name": f"Zona uji {unit}", "circle": {"lat": lat, "lon": lon, "radius_m": _ZONE_RADIUS_M}}
            zone_id = self._admin_call("POST", "/v1/admin/zones", zone, 201, f"zone of {unit}")["zone_id"]
            self._admin_call("PUT", f"/v1/admin/units/{unit}/zones", {"zone_ids": [zone_id]}, 200, f"zones of {unit}")

    def phone(self, phone: Phone) -> str | None:
        """Set up one phone; None when ready, else why not (that phone then sits the rush out, and is reported)."""
        try:
            self._phone(phone)
        except LoadError as exc:
            return str(exc).split(": ", 1)[-1][:200]
        return None

    def _phone(self, phone: Phone) -> None:
        """Activation code, activation from the phone, enrolment (next photo of the identity if one is refused)."""
        path = f"/v1/admin/employees/{phone.nip}/activation"
        code = self._admin_call("POST", path, None, 201, f"activation code {phone.index}")["activation_code"]
        body = {"nip": phone.nip, "activation_code": code, "password": _PHONE_PASSWORD, "device_id": phone.device_id}
        answer = self.policy.send(self.http, "POST", "/v1/auth/activate", body, None)
        phone.token = str(self._expect(answer, 200, f"activation {phone.index}")["token"])
        for shift in range(len(phone.photos) - 1):
            at = (phone.enrol_at + shift) % len(phone.photos)
            body = {"photo": self.photos.get(phone.photos[at])}
            answer = self.policy.send(self.http, "POST", f"/v1/admin/employees/{phone.nip}/faces", body, self.admin)
            if answer.status == 201:
                phone.enrol_at = at
                return
            if answer.status != 422:
                self._expect(answer, 201, f"enrolment {phone.index}")
        raise LoadError(f"enrolment {phone.index}: no photo of its identity was accepted")


# --- phase 1 without one API request per phone (--fast-setup) ------------------------------------------


def stack_settings(config: LoadConfig, stack: LocalStack | None) -> Settings:
    """The settings the stack's API runs with, so that this process writes and signs as the API would."""
    return build_settings(stack_env(config, stack))


def stack_env(config: LoadConfig, stack: LocalStack | None) -> dict[str, str]:
    """The environment the stack's API runs with.

    Built the way the stack builds its API's environment (`StackConfig.app_env`: LocalStack's config, its
    defaults for a `make run` stack) and `chalice local` completes it (.chalice/config.json's variables of
    the local stage), with the models dir the stack's API uses (see `own_stack`).
    """
    stack_config = stack.config if stack is not None else StackConfig(data_dir=REPO_DIR / ".local")
    env = stack_config.app_env(config.moto_url, None)
    env.update(SMART_TABLE_PREFIX=config.table_prefix, AWS_DEFAULT_REGION=config.region)
    env.update(_chalice_local_env())
    model_dir = config.model_dir or default_model_dir()  # what `own_stack` gives a --start stack
    if stack is None and config.model_dir is None:
        model_dir = Path(env.get("SMART_MODEL_DIR") or model_dir)  # a `make run` stack reads the environment
    env["SMART_MODEL_DIR"] = str(model_dir)
    return env


def _chalice_local_env() -> dict[str, str]:
    chalice = json.loads((REPO_DIR / ".chalice" / "config.json").read_text(encoding="utf-8"))
    local = chalice.get("stages", {}).get("local", {})
    return {**chalice.get("environment_variables", {}), **local.get("environment_variables", {})}


@contextmanager
def store_of(config: LoadConfig, settings: Settings) -> Iterator[None]:
    """Point chalicelib's store (pynamodb models, S3 client) at the stack's moto, as the API is pointed.

    botocore reads the endpoints from the environment (chalicelib/store/aws.py); they are set only for the
    duration and the cached S3 client is dropped on both sides. The pynamodb models stay configured to the
    stack's tables afterwards (until the next `configure`). The stack's children never see these variables
    (tools/devstack.py strips AWS_* from what it passes on, also when it restarts moto).
    """
    wanted = {
        "AWS_ENDPOINT_URL_DYNAMODB": config.moto_url,
        "AWS_ENDPOINT_URL_S3": config.moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": settings.region,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    reset_clients()
    try:
        configure(settings.table_prefix, settings.region)
        # Creating botocore clients from several threads at once is not safe: create both before the threads.
        _ = shared_connection().client, s3_client(settings.region)
        yield
    finally:
        _restore_env(saved)
        reset_clients()


def _restore_env(saved: Mapping[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


_FAST_SETUP_CODE = "fast-setup"  # no code matches it: it is only there to be spent, as an issued code is


class FastSetup:
    """Activates and enrols phones through chalicelib's own functions instead of one API request per phone.

    What it skips of the API path, on purpose: one scrypt per phone (all phones share one password hash: the
    rush never logs in with it), one face analysis per phone (each distinct photo is analysed once), the
    activation code's checks (a placeholder code is stored, as the admin's request stores one with its issuer, and
    the binding spends it; its audit entry is not written) and the replay check of a first enrolment (the run's
    employees are new: they have no earlier photo).
    """

    def __init__(self, settings: Settings, photos: PhotoCache, actor: str) -> None:
        self.settings = settings
        self.photos = photos
        self.actor = actor  # the administrator the API path enrols as
        self.password_hash = passwords.hash_secret(_PHONE_PASSWORD)
        self._analyses: dict[str, FaceAnalysis | FaceError] = {}
        self._lock = threading.Lock()
        self.analysis_s = 0.0  # spent in the face pipeline (the rest of the set-up is storage writes)

    def analysed(self) -> list[str]:
        with self._lock:
            return sorted(self._analyses)

    def phone(self, phone: Phone) -> str | None:
        """Set up one phone; None when ready, else why not (as `Setup.phone`)."""
        try:
            self._phone(phone)
        except (LoadError, SmartError) as exc:
            return f"{type(exc).__name__}: {exc}"[:200]
        return None

    def _phone(self, phone: Phone) -> None:
        account = PEOPLE.employee_account(phone.nip)
        if account is None:
            raise LoadError(f"employee {phone.index} not imported")
        at, data, analysis = self._accepted_photo(phone)
        now = datetime.now(UTC)
        PEOPLE.set_activation(phone.nip, _FAST_SETUP_CODE, int(now.timestamp()), self.actor)  # spent by the binding
        issued = auth_service.bind_first_phone(account, phone.device_id, self.password_hash, self.settings, now)
        unit = account.holder.unor_id
        faces.keep_enrolment(self.actor, phone.nip, data, analysis, settings=self.settings, now=now, unor_id=unit)
        phone.token = issued.token
        phone.enrol_at = at

    def _accepted_photo(self, phone: Phone) -> tuple[int, bytes, FaceAnalysis]:
        """The first photo of the identity, from `enrol_at` on, that enrolment accepts (as `Setup._phone`)."""
        for shift in range(len(phone.photos) - 1):
            at = (phone.enrol_at + shift) % len(phone.photos)
            data = self._upload(phone.photos[at])
            analysis = self._analysis(phone.photos[at], data)
            if isinstance(analysis, FaceAnalysis):
                return at, data, analysis
        raise LoadError(f"enrolment {phone.index}: no photo of its identity was accepted")

    def _upload(self, relative: str) -> bytes:
        """The bytes the enrolment endpoint gets from the phone's base64 body (decoded by the app's code)."""
        return faces.decode_photo(self.photos.get(relative), self.settings)

    def _analysis(self, relative: str, data: bytes) -> FaceAnalysis | FaceError:
        # One analysis per distinct photo: the lock also keeps the models loading once (2 cores: no gain in
        # analysing in parallel while the other threads write).
        with self._lock:
            if relative not in self._analyses:
                began = time.monotonic()
                engine, _ = runtime.engine_and_policy(self.settings)
                try:
                    self._analyses[relative] = engine.analyse(data, purpose="enrol")
                except ModelUnavailableError as exc:  # the API answers 503: not a refusal of this photo
                    raise LoadError(f"face models unavailable in {self.settings.model_dir}") from exc
                except FaceError as refused:  # the API answers 422: the next photo is tried
                    self._analyses[relative] = refused
                finally:
                    self.analysis_s += time.monotonic() - began
            return self._analyses[relative]


# --- phase 2: the rush -----------------------------------------------------------------------------------


def check_in(
    http: Http, policy: RetryPolicy, photos: PhotoCache, phone: Phone, *, kind: str = "in", shift: int = 1
) -> PhoneResult:
    """One employee's morning: challenge, then the check-in (`kind`, with the photo `shift` places after the
    enrolled one), retried with the same ids until answered."""
    sent_photo = phone.photo_after(shift)
    result = PhoneResult(phone.nip, secrets.token_hex(16), (phone.photos[phone.enrol_at], sent_photo))

    def note(reason: str) -> None:
        result.retry_reasons.append(reason)

    began = time.monotonic()
    challenge = policy.send(
        http, "POST", "/v1/attendance/challenge", None, phone.token, on_retry=lambda reason: note(f"challenge {reason}")
    )
    if challenge.status != 201:
        return _finish(result, challenge, began, began)
    body = {
        "type": kind,
        "challenge_id": challenge.body["challenge_id"],
        "client_request_id": result.client_request_id,
        "latitude": phone.position[0],
        "longitude": phone.position[1],
        "accuracy_m": 12.0,
        "captured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "mock_location": False,
        "photo": photos.get(sent_photo),
    }
    action = (challenge.body.get("liveness") or {}).get("action")
    if action:  # genuine frames of the phone's person making the asked movement
        body["frames"] = photos.frames(sent_photo, action)
    sent = time.monotonic()

    def count_attempt(reason: str) -> None:
        result.attempts += 1
        note(reason)

    answer = policy.send(http, "POST", "/v1/attendance", body, phone.token, on_retry=count_attempt)
    result.attempts += 1
    return _finish(result, answer, began, sent)


def _finish(result: PhoneResult, answer: Answer, began: float, sent: float) -> PhoneResult:
    now = time.monotonic()
    result.latency_s = now - began
    result.checkin_latency_s = now - sent
    result.status = answer.status
    if answer.status == 201 and isinstance(answer.body, dict):
        result.outcome = str(answer.body.get("status"))
        result.event_id = str(answer.body.get("event_id"))
    else:
        result.outcome = answer.code()
    return result


def _pool_map(workers: int, fn: Callable[[Phone], Any], phones: Sequence[Phone]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, phones))


# --- counting what was stored ----------------------------------------------------------------------------


def _table(config: LoadConfig, base_name: str) -> Any:
    return boto3.resource(
        "dynamodb",
        endpoint_url=config.moto_url,
        region_name=config.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).Table(f"{config.table_prefix}{base_name}")


def count_stored(config: LoadConfig, nips: set[str]) -> StoreCount:
    """Scan the events table through moto's endpoint: events (key "E#...") of this run's employees by status."""
    by_status: Counter[str] = Counter()
    per_nip: Counter[str] = Counter()
    recorded: list[str] = []
    events = _scan(
        _table(config, "events"), "nip, #k, #s, event_id", {"#k": "key", "#s": "status"}, Attr("key").begins_with("E#")
    )
    for item in events:
        if item["nip"] not in nips:
            continue
        status = str(item.get("status"))
        by_status[status] += 1
        per_nip[str(item["nip"])] += 1
        if status in RECORDED:
            recorded.append(str(item.get("event_id")))
    return StoreCount(dict(by_status), set(recorded), sorted(n for n, c in per_nip.items() if c > 1))


def check_people(config: LoadConfig, phones: Sequence[Phone]) -> dict[str, int]:
    """After the rush, are the run's employees still as phase 1 left them (bound phone, enrolled face)?

    A storage restart that loses writes shows up here as phones no longer bound, or enrolments gone.
    """
    wanted = {p.nip: p.device_id for p in phones}
    employees = _scan(_table(config, "employees"), "nip, device_id, template_count", {})
    found = [e for e in employees if e["nip"] in wanted]
    templates = {t["nip"] for t in _scan(_table(config, "face_templates"), "nip", {}) if t["nip"] in wanted}
    return {
        "employee_record": len(found),
        "phone_bound": sum(1 for e in found if e.get("device_id") == wanted[e["nip"]]),
        "face_enrolled": len(templates),
    }


def _scan(table: Any, projection: str, names: dict[str, str], where: Any = None) -> Iterator[dict[str, Any]]:
    kwargs: dict[str, Any] = {"ProjectionExpression": projection}
    if names:
        kwargs["ExpressionAttributeNames"] = names
    if where is not None:
        kwargs["FilterExpression"] = where
    while True:
        page = table.scan(**kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# --- the run ---------------------------------------------------------------------------------------------


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max by nearest rank (empty input: zeros)."""
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99), "max": ordered[-1]}


class CpuMeter:
    """CPU seconds used by the stack's processes (API with its workers, moto) and by this tool between two points."""

    def __init__(self, pids: dict[str, int]) -> None:
        self._procs = {name: psutil.Process(pid) for name, pid in pids.items()}
        self._own = psutil.Process()  # its children are the stack's parts when it started the stack
        self._start = self._sample()

    def _sample(self) -> dict[str, float]:
        sample = {"load tool": _cpu_s(self._own)}
        for name, proc in self._procs.items():
            # A killed process (moto in fault mode) has no figure: leaving it out beats a wrong one.
            with suppress(psutil.NoSuchProcess):
                # Running children (API workers) and the ones it has reaped (moto's snapshot writers).
                sample[name] = sum(_cpu_s(p, reaped=True) for p in [proc, *proc.children(recursive=True)])
        return sample

    def used(self) -> dict[str, float]:
        now = self._sample()
        return {name: round(now[name] - self._start[name], 2) for name in now if name in self._start}


def _cpu_s(proc: psutil.Process, *, reaped: bool = False) -> float:
    """User + system CPU seconds of `proc`, with those of its reaped children if `reaped` (not for this tool:
    its reaped children are stack processes killed in fault mode, counted under their own names)."""
    try:
        times = proc.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    own = float(times.user + times.system)
    return own + float(times.children_user + times.children_system) if reaped else own


@dataclass
class Prepared:
    """Phase 1's outcome: the phones ready for the rush and the means to play it."""

    http: Http
    policy: RetryPolicy
    photos: PhotoCache
    phones: list[Phone]
    setup_s: float
    failures: dict[str, int]  # phones left out, by why


def set_up(config: LoadConfig, stack: LocalStack | None = None, log: Callable[[str], None] = print) -> Prepared:
    """Phase 1: employees and zones through the API; phones through the API or, with `fast_setup`, directly."""
    tag = random.Random().randrange(40 * 12 * 4)
    phones = make_phones(config, tag)
    policy = RetryPolicy(config.retry_cap_s, config.give_up_after_s)
    http = Http(config.api_url, max(config.concurrency, config.setup_concurrency or 0) + 2, config.request_timeout_s)
    photos = PhotoCache(config.faces_dir, config.model_dir)

    began = time.monotonic()
    setup = Setup(http, policy, photos)
    setup.login(config.admin_username, config.admin_password)
    setup.employees(phones)
    setup.zones(phones)
    workers = config.setup_concurrency or config.concurrency
    if config.fast_setup:
        log(f"setup: employees and zones through the API in {time.monotonic() - began:.1f}s")
        settings = stack_settings(config, stack)
        fast = FastSetup(settings, photos, config.admin_username)
        with store_of(config, settings):
            failed = _pool_map(workers, fast.phone, phones)
        log(f"setup: {len(fast.analysed())} distinct photos analysed in {fast.analysis_s:.1f}s")
    else:
        failed = _pool_map(workers, setup.phone, phones)
    setup_s = time.monotonic() - began
    failures = dict(Counter(f for f in failed if f is not None))
    ready = [p for p, f in zip(phones, failed, strict=True) if f is None]
    how = "in this process (--fast-setup)" if config.fast_setup else "through the API"
    log(f"setup: {len(ready)} phones activated and enrolled {how} in {setup_s:.1f}s (run tag {tag})")
    log(f"setup failures: {failures}")
    for phone in ready:  # the rush then only sends them
        for action in JUDGED_ACTIONS:
            photos.frames(phone.probe_photo(), action)
    return Prepared(http, policy, photos, ready, setup_s, failures)


def run_load(config: LoadConfig, stack: LocalStack | None = None, log: Callable[[str], None] = print) -> LoadReport:
    """Set up, rush, count. `stack` (started by the caller) is needed for `kill_storage_after` and CPU figures."""
    if config.kill_storage_after is not None and stack is None:
        raise LoadError("--kill-storage-after needs a stack started by this tool (--start)")
    prepared = set_up(config, stack, log)
    http, policy, photos, phones = prepared.http, prepared.policy, prepared.photos, prepared.phones
    setup_s, setup_failures = prepared.setup_s, prepared.failures

    restarts: list[MotoRestart] = []
    meter = CpuMeter({"api": stack.child_pid("api"), "moto": stack.child_pid("moto")} if stack else {})
    rush_began = time.monotonic()
    results = _rush(
        config, lambda p: check_in(http, policy, photos, p), phones, stack=stack, restarts=restarts, log=log
    )
    rush_s = time.monotonic() - rush_began
    cpu = meter.used()  # a killed moto has no figure (see CpuMeter)
    stored = count_stored(config, {p.nip for p in phones})
    report = _report(config, results, stored, setup_s=setup_s, rush_s=rush_s, restarts=restarts, cpu=cpu)
    report.setup_failures = setup_failures
    report.people_after = check_people(config, phones)
    report.problems += _people_problems(report.people_after, len(phones))
    return report


def _rush(
    config: LoadConfig,
    play: Callable[[Phone], PhoneResult],
    phones: Sequence[Phone],
    *,
    stack: LocalStack | None,
    restarts: list[MotoRestart],
    log: Callable[[str], None],
) -> list[PhoneResult]:
    """Play the rush in a worker thread; the calling thread kills and restarts moto once enough phones answered.

    The kill is triggered by progress, not by the clock, so that it lands mid-rush however fast the stack is.
    Why this way round: the stack's children die with the THREAD that started them (Linux PR_SET_PDEATHSIG is
    per thread), so a moto restarted from a short-lived helper thread would be stopped when that thread ends.
    """
    outcome: list[list[PhoneResult]] = []
    failures: list[BaseException] = []
    answered = threading.Semaphore(0)

    def one(phone: Phone) -> PhoneResult:
        try:
            return play(phone)
        finally:
            answered.release()

    def worker() -> None:
        try:
            outcome.append(_pool_map(config.concurrency, one, phones))
        except BaseException as exc:  # re-raised in the calling thread
            failures.append(exc)

    thread = threading.Thread(target=worker, name="rush")
    thread.start()
    if stack is not None and config.kill_storage_after is not None:
        waited = 0
        while waited < config.kill_storage_after and thread.is_alive():
            waited += answered.acquire(timeout=0.5)
        if thread.is_alive():
            restarts.append(kill_and_restart_moto(stack, down_s=config.storage_down_s))
            log(
                f"fault: moto killed after {config.kill_storage_after} answers, "
                f"serving again after {restarts[-1].down_s:.1f}s"
            )
    thread.join()
    if failures:
        raise failures[0]
    return outcome[0]


def _report(
    config: LoadConfig,
    results: list[PhoneResult],
    stored: StoreCount,
    *,
    setup_s: float,
    rush_s: float,
    restarts: list[MotoRestart],
    cpu: dict[str, float],
) -> LoadReport:
    answered = {r.event_id for r in results if r.outcome in RECORDED and r.event_id}
    stored_recorded = sum(stored.by_status.get(s, 0) for s in RECORDED)
    gave_up = sum(1 for r in results if r.status is None)
    report = LoadReport(
        phones=len(results),
        concurrency=config.concurrency,
        setup_s=round(setup_s, 2),
        rush_s=round(rush_s, 2),
        throughput_per_s=round(len(results) / rush_s, 2) if rush_s else 0.0,
        latency_s={k: round(v, 3) for k, v in percentiles([r.latency_s for r in results]).items()},
        checkin_latency_s={k: round(v, 3) for k, v in percentiles([r.checkin_latency_s for r in results]).items()},
        outcomes=dict(Counter(r.outcome for r in results)),
        retries=dict(Counter(reason for r in results for reason in r.retry_reasons)),
        answered_recorded=len(answered),
        answered_events=sum(1 for r in results if r.status in (201, 422)),
        stored_by_status=stored.by_status,
        stored_recorded=stored_recorded,
        duplicated_nips=stored.duplicated_nips,
        missing_event_ids=sorted(answered - stored.recorded_event_ids),
        unexpected_event_ids=sorted(stored.recorded_event_ids - answered),
        gave_up=gave_up,
        recorded_after_retry=sum(1 for r in results if r.retry_reasons and r.outcome in RECORDED),
        restarts=[asdict(r) for r in restarts],
        cpu_s=cpu,
        refused_photo_pairs=dict(
            Counter(f"{r.outcome}: {r.photos[0]} -> {r.photos[1]}" for r in results if r.status == 422)
        ),
        problems=[],
    )
    report.problems = _problems(report, config)
    return report


def _problems(report: LoadReport, config: LoadConfig) -> list[str]:
    problems = []
    if report.answered_recorded != report.stored_recorded:
        problems.append(f"answered accepted+review {report.answered_recorded} != stored {report.stored_recorded}")
    stored_total = sum(report.stored_by_status.values())
    if report.answered_events != stored_total:
        problems.append(f"answered 201/422 {report.answered_events} != stored events of any status {stored_total}")
    if report.duplicated_nips:
        problems.append(f"{len(report.duplicated_nips)} employees have more than one stored event")
    if report.missing_event_ids:
        problems.append(f"{len(report.missing_event_ids)} answered events are not stored (lost)")
    if report.unexpected_event_ids:
        problems.append(f"{len(report.unexpected_event_ids)} stored events no phone was told about")
    if report.outcomes.get("ALREADY_RECORDED"):
        problems.append("ALREADY_RECORDED answers: a retry was treated as a second check-in")
    if config.kill_storage_after is not None and not report.restarts:
        problems.append("the storage kill did not happen (the rush ended before it?)")
    return problems


def _people_problems(people: dict[str, int], phones: int) -> list[str]:
    return [
        f"after the rush only {n} of {phones} phones have their {what} in storage"
        for what, n in people.items()
        if n != phones
    ]


def format_report(report: LoadReport) -> str:
    lines = [
        f"phones {report.phones}, concurrency {report.concurrency}; setup {report.setup_s}s (not timed); "
        f"left out after failed setup: {report.setup_failures}",
        f"rush: {report.phones} check-ins in {report.rush_s}s = {report.throughput_per_s} check-ins/s",
        f"latency challenge+check-in (s): {report.latency_s}",
        f"latency POST /v1/attendance incl. retries (s): {report.checkin_latency_s}",
        f"answers: {report.outcomes}; retries: {report.retries}; gave up: {report.gave_up}; "
        f"recorded after retrying: {report.recorded_after_retry}",
        f"stored events by status: {report.stored_by_status}",
        f"accepted+review: answered {report.answered_recorded}, stored {report.stored_recorded}; "
        f"all events: answered 201/422 {report.answered_events}, stored {sum(report.stored_by_status.values())}; "
        f"employees with >1 event {len(report.duplicated_nips)}",
        f"storage restarts: {report.restarts}",
        f"CPU seconds during the rush: {report.cpu_s}",
        f"run's employees in storage after the rush: {report.people_after}",
        "EXACT: every answered check-in stored once, setup intact" if report.exact else f"NOT EXACT: {report.problems}",
    ]
    return "\n".join(lines)


# --- a stack of our own ---------------------------------------------------------------------------------


def default_model_dir() -> Path:
    return Path.home() / ".cache" / "smart" / "models"


def _overlay_repo(model_dir: Path) -> Path:
    """A temp project dir: symlinks to the repo, and a copy of .chalice/config.json naming `model_dir`.

    Why: `chalice local` puts config.json's environment_variables over the process environment, and that file
    names the Lambda layer path (/opt/smart-models) for every stage, so SMART_MODEL_DIR given to the stack is
    overridden and the local API has no face models. Working on a copy leaves the repo and the machine alone.
    """
    overlay = Path(tempfile.mkdtemp(prefix="smart-load-repo-"))
    for entry in REPO_DIR.iterdir():
        if entry.name != ".chalice":
            (overlay / entry.name).symlink_to(entry)
    config = json.loads((REPO_DIR / ".chalice" / "config.json").read_text(encoding="utf-8"))
    config.setdefault("environment_variables", {})["SMART_MODEL_DIR"] = str(model_dir)
    for stage in config.get("stages", {}).values():
        stage.get("environment_variables", {}).pop("SMART_MODEL_DIR", None)
    (overlay / ".chalice").mkdir()
    (overlay / ".chalice" / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    return overlay


@contextmanager
def own_stack(
    model_dir: Path | None = None,
    data_dir: Path | None = None,
    api_workers: int = StackConfig.api_workers,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[LocalStack]:
    """A started LocalStack (free ports, no demo seed) whose API finds the face models.

    `data_dir` None: a temp dir removed afterwards; else kept, with the parts' logs under logs/. `extra_env`: the
    API's settings beyond the test stack's (e.g. SMART_LIVENESS).
    """
    overlay = _overlay_repo(model_dir or default_model_dir())
    try:
        stack = LocalStack.for_tests(
            data_dir, simpeg_size=10, repo_dir=overlay, api_workers=api_workers, extra_env=dict(extra_env or {})
        )
        with stack:
            yield stack
    finally:
        shutil.rmtree(overlay, ignore_errors=True)


# --- CLI -------------------------------------------------------------------------------------------------


def _parse(argv: Sequence[str] | None) -> tuple[LoadConfig, argparse.Namespace]:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load_checkin", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default=LoadConfig.api_url, help="API of a running stack")
    parser.add_argument("--moto-url", default=LoadConfig.moto_url, help="moto server of that stack (for counting)")
    parser.add_argument("--table-prefix", default=LoadConfig.table_prefix)
    parser.add_argument("--region", default=LoadConfig.region)
    parser.add_argument("--admin-password", default=LoadConfig.admin_password)
    parser.add_argument("--start", action="store_true", help="start a LocalStack (free ports, temp data dir)")
    parser.add_argument(
        "--api-workers", type=int, default=StackConfig.api_workers, help="API processes of a --start stack"
    )
    parser.add_argument("--phones", type=int, default=LoadConfig.phones)
    parser.add_argument("--concurrency", type=int, default=LoadConfig.concurrency)
    parser.add_argument("--setup-concurrency", type=int, default=None)
    parser.add_argument(
        "--fast-setup",
        action="store_true",
        help="prepare phones in this process through the app's store functions (no API request per phone)",
    )
    parser.add_argument(
        "--setup-only", action="store_true", help="stop after phase 1 (set-up) and check what it stored"
    )
    parser.add_argument(
        "--kill-storage-after",
        type=int,
        default=None,
        metavar="ANSWERS",
        help="kill moto once this many phones got their answer in the rush, then restart it (needs --start)",
    )
    parser.add_argument("--storage-down", type=float, default=LoadConfig.storage_down_s, metavar="SECONDS")
    parser.add_argument("--timeout", type=float, default=LoadConfig.request_timeout_s, help="per request, seconds")
    parser.add_argument(
        "--model-dir", type=Path, default=None, help="face models for a --start stack (default ~/.cache/smart/models)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="data dir of a --start stack, kept afterwards with its logs (default: temp, removed)",
    )
    parser.add_argument("--faces", type=Path, default=DEFAULT_FACES)
    parser.add_argument("--seed", type=int, default=LoadConfig.seed)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    config = LoadConfig(
        api_url=args.url,
        moto_url=args.moto_url,
        table_prefix=args.table_prefix,
        region=args.region,
        admin_password=args.admin_password,
        phones=args.phones,
        concurrency=args.concurrency,
        setup_concurrency=args.setup_concurrency,
        kill_storage_after=args.kill_storage_after,
        storage_down_s=args.storage_down,
        request_timeout_s=args.timeout,
        faces_dir=args.faces.resolve(),
        seed=args.seed,
        fast_setup=args.fast_setup,
        model_dir=args.model_dir,
    )
    return config, args


def setup_only(config: LoadConfig, stack: LocalStack | None = None) -> int:
    """Phase 1 alone (to time it), then what the run's employees have in storage; 0 when all are ready."""
    prepared = set_up(config, stack)
    people_after = check_people(config, prepared.phones)
    print(f"setup {prepared.setup_s:.1f}s for {config.phones} phones; in storage: {people_after}")
    ready = len(prepared.phones) == config.phones and all(n == config.phones for n in people_after.values())
    return 0 if ready else 1


def main(argv: Sequence[str] | None = None) -> int:
    config, args = _parse(argv)
    play: Callable[[LoadConfig, LocalStack | None], Any] = setup_only if args.setup_only else run_load
    try:
        if args.start:
            with own_stack(args.model_dir, args.data_dir, args.api_workers) as stack:
                urls = stack.urls
                assert urls is not None
                outcome = play(replace(config, api_url=urls.api, moto_url=urls.moto), stack)
        else:
            outcome = play(config, None)
    except LoadError as exc:
        print(f"load_checkin: {exc}", file=sys.stderr)
        return 2
    if isinstance(outcome, int):
        return outcome
    report: LoadReport = outcome
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(asdict(report), indent=1), encoding="utf-8")
    return 0 if report.exact else 1


if __name__ == "__main__":
    sys.exit(main())
