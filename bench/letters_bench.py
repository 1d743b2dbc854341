"""What a letter photo weighs as the employee app encodes it, and how long it takes up a 2G link.

The app draws the rear camera's frame into a canvas at most `longSide` px on its long side and asks Chrome for a
JPEG (`canvas.toDataURL("image/jpeg", q)`: libjpeg-turbo, IJG quality tables at q*100, 4:2:0). Pillow with
libjpeg-turbo at quality round(q*100) and 4:2:0 gives the same tables, so its sizes stand in for the phone's.

No real letter photos are in the repository, so the page is synthetic: an A4 letter (letterhead, 11 pt text,
signature block) photographed filling ~85 % of the frame, on a grey desk, lit unevenly, slightly out of focus,
with the noise a cheap phone camera leaves after its own denoising (Gaussian sigma 0, 2, 4 grey levels). Natural
photos (the dev face photos) are measured too, as pictures with more texture than a page.

Run: /work/main/.venv/bin/python -m bench.letters_bench [--save DIR]
"""

from __future__ import annotations

import argparse
import io
import random
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONTS = Path("/usr/share/fonts/truetype/dejavu")
FACES = Path("/work/shared/faces/dev/deepface")
QUALITIES = (0.82, 0.72, 0.7, 0.6, 0.48, 0.36)
LONG_SIDES = (1600, 1280)
UPLINKS_KBIT = (50, 100)
TEXT = (
    "bahwa dalam rangka pelaksanaan tugas kedinasan pegawai yang namanya tersebut di bawah ini ditugaskan "
    "untuk mengikuti kegiatan bimbingan teknis kurikulum merdeka bagi guru sekolah dasar di kabupaten "
    "dengan ketentuan biaya perjalanan dibebankan pada anggaran dinas pendidikan tahun berjalan dan "
    "melaporkan hasil pelaksanaan tugas kepada kepala sekolah setelah kegiatan selesai dilaksanakan"
)


def page(width: int, height: int) -> Image.Image:
    """An A4 letter in portrait, `width` x `height` px (1:1.414), black text on white."""
    img = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(img)
    mm = width / 210
    bold = ImageFont.truetype(str(FONTS / "DejaVuSerif-Bold.ttf"), round(5.5 * mm))
    body = ImageFont.truetype(str(FONTS / "DejaVuSerif.ttf"), round(3.9 * mm))  # 11 pt: cap height ~2.7 mm
    draw.text((width / 2, 18 * mm), "PEMERINTAH KABUPATEN", font=bold, fill=20, anchor="mm")
    draw.text((width / 2, 26 * mm), "DINAS PENDIDIKAN", font=bold, fill=20, anchor="mm")
    draw.line((20 * mm, 33 * mm, width - 20 * mm, 33 * mm), fill=20, width=max(1, round(0.8 * mm)))
    draw.text((width / 2, 42 * mm), "SURAT TUGAS  Nomor: 800/1234/DISDIK/2026", font=body, fill=20, anchor="mm")
    rng = random.Random(7)
    words = TEXT.split()
    y = 55 * mm
    while y < 235 * mm:
        line = " ".join(rng.choice(words) for _ in range(11))
        draw.text((25 * mm, y), line.capitalize(), font=body, fill=25)
        y += 6.2 * mm
    draw.text((130 * mm, 245 * mm), "Kepala Dinas,", font=body, fill=25)
    draw.text((130 * mm, 270 * mm), "Drs. NAMA PEJABAT, M.Pd.", font=body, fill=25)
    return img


def photographed(width: int, height: int, noise: float) -> Image.Image:
    """A camera frame `width` x `height` (landscape, as the rear camera gives it) of the page, turned to fill it."""
    frame = Image.linear_gradient("L").rotate(90).resize((width, height)).point(lambda v: 95 + v // 6)  # the desk
    ph = round(height * 0.92)
    pw = round(ph / 1.414)
    sheet = page(pw, ph)
    shade = Image.linear_gradient("L").resize((pw, ph)).point(lambda v: 255 - v * 60 // 255)  # lit from one side
    sheet = ImageChops.multiply(sheet, shade)
    frame.paste(sheet, ((width - pw) // 2, (height - ph) // 2))
    frame = frame.rotate(1.5, resample=Image.Resampling.BILINEAR, fillcolor=110)
    frame = frame.filter(ImageFilter.GaussianBlur(radius=width / 2600))  # a hand-held phone's focus
    planes = [frame, frame.point(lambda v: v * 98 // 100), frame.point(lambda v: v * 93 // 100)]  # warm light
    if noise:
        planes = [_grainy(c, noise) for c in planes]
    return Image.merge("RGB", planes)


def _grainy(channel: Image.Image, sigma: float) -> Image.Image:
    """`channel` plus zero-mean Gaussian grain of `sigma` grey levels, clipped."""
    grain = Image.effect_noise(channel.size, sigma)  # centred on 128
    return ImageChops.add(channel, grain, 1.0, -128)  # (a + b) / 1 - 128, clipped once at the end


def encoded(img: Image.Image, long_side: int, quality: float) -> tuple[bytes, tuple[int, int]]:
    """The app's `grab`: scaled to `long_side` (never up), JPEG at `quality` (canvas scale 0-1)."""
    scale = min(1.0, long_side / max(img.size))
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    scaled = img.resize(size, Image.Resampling.BILINEAR) if size != img.size else img
    out = io.BytesIO()
    scaled.save(out, "JPEG", quality=round(quality * 100), subsampling="4:2:0", optimize=False)
    return out.getvalue(), size


def upload_s(decoded: int, kbit: int) -> float:
    """Seconds to send the filing's body (base64 of `decoded` bytes in JSON, ~300 bytes of other fields)."""
    wire = (decoded + 2) // 3 * 4 + 300
    return wire * 8 / (kbit * 1000)


OLD_PLAN = [(1600, q, 600 * 1024) for q in (0.82, 0.72, 0.6, 0.48, 0.36)]  # before: grab(video, 1600, 600 KB)
NEW_PLAN = [(1600, 0.7), (1600, 0.6), (1600, 0.5), (1280, 0.6), (1280, 0.5)]  # camera.LETTER_TRIES
NEW_BYTES = 200 * 1024  # camera.LETTER_BYTES


def chosen(img: Image.Image, plan: list[tuple[int, float]], max_bytes: int) -> tuple[int, float, int]:
    """What `camera.fitted` sends: the first encoding of `plan` within `max_bytes`, else the smallest."""
    tried = []
    for side, q in plan:
        data, _ = encoded(img, side, q)
        if len(data) <= max_bytes:
            return side, q, len(data)
        tried.append((len(data), side, q))
    size, side, q = min(tried)
    return side, q, size


def timeout_s(decoded: int) -> float:
    """`session.uploadTimeoutMs` of the filing: 30 s for SMART and the upload at 50 kbit/s, at least 60 s."""
    return max(60.0, 30 + upload_s(decoded, 50))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--save", type=Path, help="write a few encodings here to look at")
    args = parser.parse_args()
    sources = {f"letter {w}x{h} noise {n}": (w, h, n) for (w, h) in ((1920, 1440), (4000, 3000)) for n in (0, 2, 4)}
    sources |= {f"letter 1920x1440 noise {n}": (1920, 1440, n) for n in (8, 12)}
    images = {label: photographed(w, h, n) for label, (w, h, n) in sources.items()}
    faces = sorted(FACES.glob("*.jpg"))
    busiest = max(faces, key=lambda p: len(encoded(Image.open(p).convert("RGB"), 1600, 0.82)[0]))
    face = Image.open(busiest).convert("RGB")
    images[f"face photo {busiest.name} {face.width}x{face.height}"] = face
    print("| source | long side | q | KB decoded | KB base64 | s @ 50 kbit/s | s @ 100 kbit/s |")
    print("|---|---|---|---|---|---|---|")
    for label, img in images.items():
        for side in LONG_SIDES:
            for q in QUALITIES:
                data, size = encoded(img, side, q)
                secs = " | ".join(f"{upload_s(len(data), k):.0f}" for k in UPLINKS_KBIT)
                b64 = (len(data) + 2) // 3 * 4
                print(f"| {label} | {size[0]}x{size[1]} | {q} | {len(data) / 1024:.0f} | {b64 / 1024:.0f} | {secs} |")
                if args.save and q in (0.7, 0.5) and "noise 12" in label:
                    args.save.mkdir(parents=True, exist_ok=True)
                    (args.save / f"letter_{side}_{round(q * 100)}.jpg").write_bytes(data)
        sys.stdout.flush()
    for side in LONG_SIDES:
        for q in (0.82, 0.7, 0.6):
            sizes = sorted(len(encoded(Image.open(p).convert("RGB"), side, q)[0]) for p in faces)
            print(
                f"| {len(faces)} dev face photos (median / max) | <= {side} | {q} | "
                f"{sizes[len(sizes) // 2] / 1024:.0f} / {sizes[-1] / 1024:.0f} | | | |"
            )
    print()
    print("| source | before: sent | KB | s @ 50 / 100 kbit/s | now: sent | KB | s @ 50 / 100 kbit/s | time limit s |")
    print("|---|---|---|---|---|---|---|---|")
    for label, img in images.items():
        old = chosen(img, [(side, q) for side, q, _ in OLD_PLAN], OLD_PLAN[0][2])
        new = chosen(img, NEW_PLAN, NEW_BYTES)
        cells = []
        for px, quality, weight in (old, new):
            secs = f"{upload_s(weight, 50):.0f} / {upload_s(weight, 100):.0f}"
            cells.append(f"{px} px q{quality} | {weight / 1024:.0f} | {secs}")
        print(f"| {label} | {cells[0]} | {cells[1]} | {timeout_s(new[2]):.0f} |")


if __name__ == "__main__":
    main()
