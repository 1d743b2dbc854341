"""A phone for the employee app (/app/) against the local stack, shared by its browser tests
(tests/e2e/test_web_checkin.py) and its benchmark (bench/web_app_bench.py).

- `write_y4m`: a Y4M video made from real face photos (../shared/faces/dev) that Chromium plays as its webcam
  (`--use-fake-device-for-media-stream --use-file-for-fake-video-capture=<file>`);
- `zoned_unit` / `new_employee`: a unit with a circular zone around CENTRE, and an employee of it with an
  activation code, enrolled by an admin with ENROLMENT_PHOTO (the camera plays other photos of that person);
- `phone_context` / `activate`: a 360 px phone with granted (or refused) camera and GPS, activated from the
  QR link of the activation sheet.
Dev tooling only; never shipped to Lambda.
"""

from __future__ import annotations

import base64
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from tools.devstack import REPO_DIR
from tools.devstack_http import ApiClient
from tools.nips import fresh_nip

FACES = REPO_DIR / ".." / "shared" / "faces" / "dev"
ENROLMENT_PHOTO = FACES / "deepface" / "img1.jpg"
# The same person as the enrolment photo, other pictures (tests/functional/test_checkin.py's GENUINE ones).
CAMERA_PHOTOS = (FACES / "deepface" / "img2.jpg", FACES / "deepface" / "img4.jpg")
# Someone nobody is enrolled with (a self-enrolment of CAMERA_PHOTOS' person would be a duplicate face).
NEWCOMER_PHOTOS = tuple(FACES / "deepface" / f"img{n}.jpg" for n in (30, 31, 33))
CAMERA_DIR = REPO_DIR / "build" / "fake-camera"
CENTRE = (-6.8468, 107.4857)
OUTSIDE = (-6.8568, 107.4957)  # ~1.5 km away
UNIT = "UJI-ABSEN"
PASSWORD = "Sawah-Hijau-Pagi-2026"
GPS_ACCURACY_M = 12


def _frame_of(photo: Path, width: int, height: int) -> Image.Image:
    with Image.open(photo) as image:
        rgb = ImageOps.exif_transpose(image).convert("RGB")
        return ImageOps.fit(rgb, (width, height), Image.Resampling.LANCZOS, centering=(0.5, 0.4))


def write_y4m(photos: Sequence[Path], out: Path, *, width: int = 640, height: int = 480, fps: int = 2) -> Path:
    """A Y4M (4:2:0) video showing each photo for one frame at `fps`; Chromium loops it as the fake webcam."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for photo in photos:
            ycc = np.asarray(_frame_of(photo, width, height).convert("YCbCr"), dtype=np.uint8)
            f.write(b"FRAME\n")
            f.write(ycc[:, :, 0].tobytes())
            for plane in (1, 2):  # chroma subsampled 2x2 by averaging
                c = ycc[:, :, plane].astype(np.uint16)
                sub = (c[0::2, 0::2] + c[1::2, 0::2] + c[0::2, 1::2] + c[1::2, 1::2] + 2) // 4
                f.write(sub.astype(np.uint8).tobytes())
    return out


def fake_camera_args(photos: Sequence[Path] = CAMERA_PHOTOS, name: str = "genuine") -> list[str]:
    """Chromium's flags for a webcam playing `photos` (the Y4M, build/fake-camera/<name>.y4m, is written anew)."""
    camera = write_y4m(photos, CAMERA_DIR / f"{name}.y4m")
    return ["--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={camera}"]


def jpeg_b64(path: Path, long_side: int = 640) -> str:
    """A photo as the app sends it: JPEG, long side `long_side` px, base64."""
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        rgb.thumbnail((long_side, long_side))
        out = io.BytesIO()
        rgb.save(out, "JPEG", quality=85)
        return base64.b64encode(out.getvalue()).decode()


def _ok(resp: Any, status: int) -> Any:
    if resp.status != status:
        raise RuntimeError(f"expected HTTP {status}, got {resp.status}: {resp.raw[:300]!r}")
    return resp.body


def zoned_unit(admin: ApiClient) -> None:
    """UNIT with a 250 m circular zone around CENTRE (the unit is created by a SIMPEG import of one employee)."""
    zone = _ok(
        admin.post(
            "/v1/admin/zones",
            {"name": "SDN Uji Absen", "circle": {"lat": CENTRE[0], "lon": CENTRE[1], "radius_m": 250}},
        ),
        201,
    )
    _import(admin, "198501012010012999", "Penjaga Unit")
    _ok(admin.put(f"/v1/admin/units/{UNIT}/zones", {"zone_ids": [zone["zone_id"]]}), 200)


def _import(admin: ApiClient, nip: str, nama: str) -> None:
    record = {
        "nip": nip,
        "nama": nama,
        "unor_id": UNIT,
        "unor_nama": "SD Negeri Uji Absen",
        "jabatan": "Guru",
        "status": "aktif",
    }
    body = _ok(admin.post("/v1/admin/simpeg/import", {"employees": [record]}), 200)
    if body["errors"]:
        raise RuntimeError(f"import refused: {body['errors']}")


@dataclass(frozen=True)
class Employee:
    nip: str
    nama: str
    code: str


def new_employee(admin: ApiClient, *, enrolled: bool = True) -> Employee:
    """An employee of UNIT with an activation code; `enrolled`: an admin enrolled ENROLMENT_PHOTO."""
    nip = fresh_nip()
    nama = f"Dewi Lestari {secrets.token_hex(2).upper()}"
    _import(admin, nip, nama)
    if enrolled:
        _release_enrolment_photo(admin)
        _ok(admin.post(f"/v1/admin/employees/{nip}/faces", {"photo": jpeg_b64(ENROLMENT_PHOTO)}), 201)
    code = _ok(admin.post(f"/v1/admin/employees/{nip}/activation"), 201)
    return Employee(nip, nama, str(code["activation_code"]))


def _release_enrolment_photo(admin: ApiClient) -> None:
    """Delete the faces of UNIT's earlier employees: the fake camera shows one person, and SMART refuses that
    face for a second active employee (409 DUPLICATE_FACE), so one employee at a time holds it."""
    # every page: in a unit of more than a page (100), a holder listed on a later page would keep the face
    for row in admin.every_item(f"/v1/admin/employees?unor_id={UNIT}"):
        if not row.get("enrolled"):
            continue
        faces = _ok(admin.get(f"/v1/admin/employees/{row['nip']}/faces"), 200)
        for face in faces["items"]:
            path = f"/v1/admin/employees/{row['nip']}/faces/{face['template_id']}"
            _ok(admin.request("DELETE", path), 200)


def phone_context(browser: Any, base_url: str, where: tuple[float, float] = CENTRE, *, allow: bool = True) -> Any:
    """A 360 px Android-like phone in Jakarta; camera and GPS granted (at `where`) unless `allow` is false."""
    return browser.new_context(
        base_url=base_url,
        viewport={"width": 360, "height": 740},
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        is_mobile=True,
        has_touch=True,
        permissions=["camera", "geolocation"] if allow else [],
        geolocation={"latitude": where[0], "longitude": where[1], "accuracy": GPS_ACCURACY_M},
    )


def activate(page: Any, employee: Employee) -> None:
    """Activation from the sheet's QR link, then Home with the employee's name."""
    page.goto(f"/app/#/aktivasi?nip={employee.nip}&kode={employee.code}")
    page.get_by_label("Kata sandi baru").fill(PASSWORD)
    page.get_by_role("button", name="Aktifkan").click()
    name, refused = page.get_by_text(employee.nama), page.get_by_role("alert")
    name.or_(refused).first.wait_for()
    if not name.is_visible():  # say why, rather than wait out the timeout for a name that cannot come
        raise AssertionError(f"activation of {employee.nip} refused: {refused.all_inner_texts()}")
