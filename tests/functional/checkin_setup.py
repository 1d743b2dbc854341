"""Shared set-up for check-in tests: a unit with a zone, an activated employee, an enrolled face.

Photos are real ones from ../shared/faces/dev, shrunk and recompressed the way a phone app sends a selfie.
"""

from __future__ import annotations

import base64
import io
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image

from chalicelib.domain import people as domain
from chalicelib.store.people import DynamoPeopleRepository
from tests.conftest import faces_dir
from tests.functional.conftest import Api
from tests.liveness_frames import frames_b64

PEOPLE = DynamoPeopleRepository()

NIP = "198501012010011001"
DEVICE = "android-0001-aaaa"
CENTRE = (-6.8468, 107.4857)
OUTSIDE = (-6.8568, 107.4957)  # ~1.5 km away


def selfie(relative: str, long_side: int = 640, quality: int = 85) -> bytes:
    """A dev photo as a phone would upload it: JPEG, long side `long_side` pixels."""
    with Image.open(faces_dir("dev") / relative) as image:
        rgb = image.convert("RGB")
        rgb.thumbnail((long_side, long_side))
        out = io.BytesIO()
        rgb.save(out, "JPEG", quality=quality)
        return out.getvalue()


def picture(seed: int, side: int = 96) -> bytes:
    """A small JPEG that decodes but shows no face (noise), another for each `seed`."""
    noise = random.Random(seed).randbytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), noise).save(out, "JPEG", quality=80)
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@dataclass
class Employee:
    api: Api
    admin: str
    token: str
    nip: str = NIP
    # Whose real photos make the liveness frames (the enrolled person), and the action each challenge asked.
    identity: str = "deepface/img1.jpg"
    asked: dict[str, str | None] = field(default_factory=dict)
    fingerprint: str | None = None  # the phone's fingerprint sent at activation and with every check-in

    def issue(self) -> dict[str, Any]:
        """A challenge answer (its action is remembered so that `body` sends frames showing it)."""
        answer = self.api.call("POST", "/v1/attendance/challenge", token=self.token)
        assert answer.status == 201, answer.body
        self.asked[str(answer.body["challenge_id"])] = answer.body["liveness"]["action"]
        return dict(answer.body)

    def challenge(self) -> str:
        return str(self.issue()["challenge_id"])

    def body(self, photo: bytes, **changes: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "in",
            "challenge_id": self.challenge(),
            "client_request_id": uuid.uuid4().hex,
            "latitude": CENTRE[0],
            "longitude": CENTRE[1],
            "accuracy_m": 12.0,
            "captured_at": "2026-11-27T00:10:00+00:00",
            "mock_location": False,
            "photo": b64(photo),
        }
        if self.fingerprint:
            body["device_fingerprint"] = self.fingerprint
        body.update(changes)
        action = self.asked.get(str(body.get("challenge_id")))
        if action and "frames" not in changes:
            # genuine frames of the enrolled person making the asked movement
            body["frames"] = frames_b64(self.identity, action)  # type: ignore[arg-type]
        return body

    def check_in(self, photo: bytes, **changes: Any) -> Any:
        return self.api.call("POST", "/v1/attendance", self.body(photo, **changes), token=self.token)

    def check_in_offline(self, photo: bytes, hours_ago: float) -> Any:
        """An offline capture sent now (no challenge, captured `hours_ago`): always recorded for review."""
        captured = (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()
        body = self.body(photo, offline=True, captured_at=captured)
        body.pop("challenge_id")
        return self.api.call("POST", "/v1/attendance", body, token=self.token)


def enrolled_employee(
    api: Api,
    enrol: str | None = "deepface/img1.jpg",
    unit: str = "U1",
    nip: str = NIP,
    device: str = DEVICE,
    *,
    fingerprint: str | None = None,
) -> Employee:
    """GIVEN a unit with a zone around CENTRE and an activated employee enrolled with `enrol`."""
    admin = api.admin_token()
    PEOPLE.upsert_unit(unit, f"SDN {unit}")
    PEOPLE.put_employee(domain.Employee(nip=nip, nama="Asep Saepudin", unor_id=unit, jabatan="Guru"))
    zone = api.call(
        "POST",
        "/v1/admin/zones",
        {"name": "Sekolah", "circle": {"lat": CENTRE[0], "lon": CENTRE[1], "radius_m": 200}},
        token=admin,
    )
    assert zone.status == 201, zone.body
    assert (
        api.call("PUT", f"/v1/admin/units/{unit}/zones", {"zone_ids": [zone.body["zone_id"]]}, token=admin).status
        == 200
    )
    code = api.call("POST", f"/v1/admin/employees/{nip}/activation", token=admin).body["activation_code"]
    activated = api.call(
        "POST",
        "/v1/auth/activate",
        {
            "nip": nip,
            "activation_code": code,
            "password": "rahasia-123",
            "device_id": device,
            **({"device_fingerprint": fingerprint} if fingerprint else {}),
        },
    )
    assert activated.status == 200, activated.body
    if enrol:
        enrolled = api.call("POST", f"/v1/admin/employees/{nip}/faces", {"photo": b64(selfie(enrol))}, token=admin)
        assert enrolled.status == 201, enrolled.body
    for action in ("turn_left", "turn_right"):  # built now, so that a check-in follows its challenge at once
        frames_b64(enrol or "deepface/img1.jpg", action)
    token = str(activated.body["token"])
    return Employee(api, admin, token, nip, identity=enrol or "deepface/img1.jpg", fingerprint=fingerprint)
