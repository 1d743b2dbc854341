"""Replay defence on real photos, and the cost of the history lookup after a year of check-ins.

Run on purpose (never part of the tests):
    .venv/bin/python bench/replay_bench.py [--skip-photos] [--skip-lookup]

1. Photos (../shared/faces dev and dev-asia, every `pairs` photo): each is copied the ways a replay would
   copy it (rotated 8°, -10°, 12° and re-encoded; mirrored; an 80 % crop; half size; JPEG q50; mirrored +
   rotated 10° + q60) and sent against a history holding every photo of the set (the production lookup:
   `candidate_keys` on the face-hash index, then `check_replay`); printed: the share refused per copy kind.
   Then every genuine pair (two different photos of one person) is judged the same way: the false replay rate.
2. Lookup: DynamoDB (moto in-process) and the in-memory twin holding 10, 100 and 500 earlier check-ins of one
   employee (250 working days × 2 check-ins = 500); printed: median time of `replay_candidates` and of the old
   full read `fingerprints_of`.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chalicelib.face import DetectLimits, FaceConfig, FaceEngine, FaceError, PhotoFingerprint, ReplayLimits
from chalicelib.face.replay import replay_reason
from chalicelib.store.events import candidate_keys

FACES = Path(__file__).resolve().parents[2] / "shared" / "faces"
LIMITS = ReplayLimits()
BASE_HASH = 0x0123_4567_89AB_CDEF


def jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def copies(data: bytes) -> dict[str, bytes]:
    """The ways a replayed selfie is altered before it is sent again."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = image.size
    grey = (128, 128, 128)
    out = {
        f"rotated {angle}° q80": jpeg(image.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=grey), 80)
        for angle in (8, -10, 12)
    }
    out["mirrored q85"] = jpeg(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), 85)
    out["80 % crop q85"] = jpeg(image.crop((w // 10, h // 10, w - w // 10, h - h // 10)), 85)
    if min(w, h) // 2 >= 64:
        out["half size q85"] = jpeg(image.resize((w // 2, h // 2), Image.Resampling.BILINEAR), 85)
    out["re-encoded q50"] = jpeg(image, 50)
    mirrored = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    out["mirrored, rotated 10°, q60"] = jpeg(mirrored.rotate(10, Image.Resampling.BICUBIC, expand=True), 60)
    return out


def refused(probe: PhotoFingerprint, history: dict[str, PhotoFingerprint]) -> str | None:
    """The reason the probe would be refused against `history` through the production lookup, or None."""
    index = [(k, fp.face_hash) for k, fp in history.items() if fp.face_hash is not None]
    for key in candidate_keys(index, probe, LIMITS):
        found = replay_reason(probe, history[key], LIMITS)
        if found is not None:
            return found[0]
    return None


def photo_rates() -> None:
    # News photos: several faces, take the largest (as the evaluation tools do).
    config = FaceConfig(
        model_dir=Path.home() / ".cache" / "smart" / "models", detect=DetectLimits(refuse_multiple=False)
    )
    engine = FaceEngine(config)
    for dataset in ("dev", "dev-asia"):
        rows = [r for r in csv.DictReader((FACES / dataset / "labels.csv").open()) if r["use"] == "pairs"]
        prints: dict[str, tuple[str, PhotoFingerprint]] = {}
        for row in rows:
            try:
                prints[row["path"]] = (row["identity"], engine.analyse((FACES / dataset / row["path"]).read_bytes(),
                                                                       purpose="verify").fingerprint)  # fmt: skip
            except FaceError:
                continue
        history = {path: fp for path, (_, fp) in prints.items()}
        outcome: dict[str, list[bool]] = {}
        no_face = 0
        for path in prints:
            for kind, data in copies((FACES / dataset / path).read_bytes()).items():
                try:
                    probe = engine.analyse(data, purpose="verify").fingerprint
                except FaceError:
                    no_face += 1
                    outcome.setdefault(kind, []).append(False)
                    continue
                outcome.setdefault(kind, []).append(refused(probe, history) is not None)
        total = [x for v in outcome.values() for x in v]
        print(f"\n{dataset}: {len(prints)} photos, history = all of them; copies refused as REPLAYED_PHOTO:")
        for kind, results in outcome.items():
            print(f"  {kind:<28} {sum(results):4d} / {len(results):4d}  {100 * sum(results) / len(results):5.1f} %")
        print(f"  {'all copies':<28} {sum(total):4d} / {len(total):4d}  {100 * sum(total) / len(total):5.1f} %"
              f"   (copies where no face was found: {no_face})")  # fmt: skip
        false_replays = []
        pairs = 0
        for (a, (ida, fpa)), (b, (idb, fpb)) in itertools.combinations(prints.items(), 2):
            if ida != idb:
                continue
            pairs += 1
            for probe, earlier, names in ((fpb, fpa, (b, a)), (fpa, fpb, (a, b))):
                found = replay_reason(probe, earlier, LIMITS)
                if found is not None:
                    false_replays.append((names, found[0]))
                    break
        print(f"  genuine pairs (either photo sent after the other) refused: {len(false_replays)} / {pairs} "
              f"= {100 * len(false_replays) / max(pairs, 1):.2f} %")  # fmt: skip
        for names, reason in false_replays:
            print(f"    {names[0]} after {names[1]}: {reason}")


def lookup_times() -> None:
    from moto import mock_aws

    from chalicelib.domain.attendance import Event
    from chalicelib.settings import build_settings
    from chalicelib.store.aws import reset_clients
    from chalicelib.store.base import iso
    from chalicelib.store.events import (
        CheckinWrite,
        DynamoEventsRepository,
        EventsRepository,
        StoredAnswer,
        new_event_id,
    )
    from chalicelib.store.memory.events import InMemoryEventsRepository
    from chalicelib.store.models import configure
    from chalicelib.store.schema import create_all
    from tools import moto_scaling

    nip, now = "198501012010011001", datetime(2026, 12, 3, 0, 30, tzinfo=UTC)
    rng = np.random.default_rng(7)

    def fingerprint(i: int) -> PhotoFingerprint:
        chip = rng.integers(0, 256, 32 * 32, dtype=np.uint8).tobytes()
        vectors = {"dlib_resnet_v1": rng.standard_normal(128).astype(np.float32)}
        # One person's faces hash alike: 4 to 24 of the 64 bits differ from a common value, so the nearest
        # `candidates` photos are always there to be read in full (the lookup's worst case).
        flips = rng.choice(64, size=int(rng.integers(4, 25)), replace=False)
        face_hash = BASE_HASH ^ sum(1 << int(b) for b in flips)
        return PhotoFingerprint(f"{i:064x}", i, vectors, face_chip=chip, face_hash=face_hash)

    def fill(repo: EventsRepository, nip: str, count: int) -> None:
        for i in range(count):
            at = now - timedelta(days=365) + timedelta(hours=17 * i)
            e = Event(new_event_id(nip, at), nip, "in", "accepted", iso(at), iso(at), iso(at)[:10], "U1")
            repo.write_checkin(CheckinWrite(e, f"{nip}#r-{i}", "body", StoredAnswer(201, {}), at, photo=fingerprint(i)))

    def median_ms(action: Callable[[], object], runs: int = 15) -> float:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            action()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    probe = PhotoFingerprint("probe", 0, face_hash=BASE_HASH)

    def measure(name: str, repo: EventsRepository) -> None:
        """Each history size on its own employee, written in time order as check-ins are (the past months of
        the DynamoDB index are folded by the first lookup: timed apart, then the median of 15 more)."""
        print(f"\n{name}: median of 15 lookups (ms), after a first lookup")
        print(f"  {'history':>8} {'first lookup':>13} {'replay_candidates':>18} {'candidates':>11} "
              f"{'fingerprints_of (full read)':>28}")  # fmt: skip
        for count in (10, 100, 500):
            owner = f"{nip[:-3]}{count:03d}"
            fill(repo, owner, count)
            started = time.perf_counter()
            repo.replay_candidates(owner, probe, now, LIMITS)
            first = (time.perf_counter() - started) * 1000
            lookup = median_ms(lambda owner=owner: repo.replay_candidates(owner, probe, now, LIMITS))  # type: ignore[misc]
            found = len(repo.replay_candidates(owner, probe, now, LIMITS))
            full = median_ms(lambda owner=owner: repo.fingerprints_of(owner, now))  # type: ignore[misc]
            print(f"  {count:>8} {first:>13.2f} {lookup:>18.2f} {found:>11} {full:>28.2f}")

    measure("in-memory twin", InMemoryEventsRepository())
    with moto_scaling.patched(), mock_aws():
        settings = build_settings({"SMART_STAGE": "local", "SMART_TABLE_PREFIX": "bench-"})
        reset_clients()
        configure(settings.table_prefix, settings.region)
        create_all(settings)
        measure("DynamoDB (moto in-process)", DynamoEventsRepository())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-photos", action="store_true")
    parser.add_argument("--skip-lookup", action="store_true")
    args = parser.parse_args()
    if not args.skip_lookup:
        lookup_times()
    if not args.skip_photos:
        photo_rates()


if __name__ == "__main__":
    main()
