"""Inspect and trim the Lambda artefacts: wheel provenance, excluded distributions, unzipped sizes.

Lambda refuses a function whose code and layers unpack to more than 250 MB, and a binary compiled on the
build machine may not load on Lambda's Amazon Linux. So the build proves three things before it writes a
template: every binary came from a manylinux wheel, distributions that inference does not need are gone,
and every function with its layers fits in the budget (printed part by part).
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import BudgetExceededError

LAMBDA_UNZIPPED_LIMIT = 262_144_000  # 250 MiB: function code plus every layer, unzipped
RUNTIME_GLIBC = (2, 34)  # Amazon Linux 2023, the base of the python3.12 runtime

# onnxruntime declares these but never imports them to run a model: sympy serves the symbolic shape
# inference of onnxruntime.tools/transformers (offline model preparation), mpmath is sympy's own
# dependency. Together ~70 MB unzipped; the smoke run proves inference works without them.
EXCLUDED_DISTRIBUTIONS: Mapping[str, str] = {
    "sympy": "only used by onnxruntime's offline model tools (symbolic shape inference), not by inference",
    "mpmath": "dependency of sympy only",
}

_LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
_PERENNIAL = re.compile(r"^manylinux_(\d+)_(\d+)_(\w+)$")
_SDIST_BUILDS = re.compile(r"Build missing wheels from sdists \(C compiling (?:True|False)\): (.*)$")
_DIST_INFO = re.compile(r"^([^/]+)-([^/-]+)\.dist-info/$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Distribution:
    """One installed distribution inside a zip, from its .dist-info directory."""

    name: str
    version: str
    dist_info: str
    tags: tuple[str, ...]
    files: tuple[str, ...]


def distributions(archive: zipfile.ZipFile) -> list[Distribution]:
    names = set(archive.namelist())
    dist_infos = sorted({n.split("/", 1)[0] + "/" for n in names if ".dist-info/" in n.split("/", 1)[0] + "/"})
    found = []
    for dist_info in dist_infos:
        match = _DIST_INFO.match(dist_info)
        if not match:
            continue
        wheel = archive.read(dist_info + "WHEEL").decode() if dist_info + "WHEEL" in names else ""
        record = archive.read(dist_info + "RECORD").decode() if dist_info + "RECORD" in names else ""
        tags = tuple(line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:"))
        files = tuple(line.split(",", 1)[0] for line in record.splitlines() if line.strip())
        found.append(Distribution(_normalise(match.group(1)), match.group(2), dist_info, tags, files))
    return found


def _platform_ok(platform: str, architecture: str) -> bool:
    if platform == "any":
        return True
    legacy = platform.removesuffix(f"_{architecture}")
    if legacy != platform and legacy in _LEGACY_MANYLINUX:
        return _LEGACY_MANYLINUX[legacy] <= RUNTIME_GLIBC
    match = _PERENNIAL.match(platform)
    if match:
        glibc = (int(match.group(1)), int(match.group(2)))
        return match.group(3) == architecture and glibc <= RUNTIME_GLIBC
    return False


def unfit_wheels(dists: Iterable[Distribution], architecture: str = "x86_64") -> list[str]:
    """Distributions whose wheel tags are not installable on Lambda (e.g. `linux_x86_64`, built here)."""
    unfit = []
    for dist in dists:
        if not dist.tags:
            unfit.append(f"{dist.name} {dist.version}: no WHEEL tags (not installed from a wheel)")
        elif not any(_platform_ok(tag.split("-")[-1], architecture) for tag in dist.tags):
            unfit.append(f"{dist.name} {dist.version}: {', '.join(dist.tags)}")
    return unfit


def sdist_builds(chalice_log: str) -> list[str] | None:
    """Packages Chalice built from source distributions, read from its --debug log; None when the log
    does not say (Chalice reused its cached package, or its log format changed)."""
    reports = [m.group(1).strip() for m in map(_SDIST_BUILDS.search, chalice_log.splitlines()) if m]
    if not reports:
        return None
    return [report for report in reports if report not in ("set()", "")]


def prune(source: Path, target: Path, excluded: Iterable[str]) -> list[str]:
    """Copy a zip without the files of `excluded` distributions (by their RECORD); return what went."""
    wanted = {_normalise(name) for name in excluded}
    with zipfile.ZipFile(source) as archive:
        dists = [d for d in distributions(archive) if d.name in wanted]
        dropped = {f for d in dists for f in d.files} | {d.dist_info for d in dists}
        drop_prefixes = tuple(d.dist_info for d in dists)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                if info.filename in dropped or info.filename.startswith(drop_prefixes):
                    continue
                out.writestr(info, archive.read(info.filename))
    return sorted(f"{d.name} {d.version}" for d in dists)


@dataclass(frozen=True)
class ZipSize:
    """Sizes of one artefact: on disk, unzipped, and unzipped per top-level entry."""

    path: Path
    zipped: int
    unzipped: int
    by_top: dict[str, int]


def zip_size(path: Path) -> ZipSize:
    by_top: dict[str, int] = defaultdict(int)
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            by_top[PurePosixPath(info.filename).parts[0]] += info.file_size
    return ZipSize(path, path.stat().st_size, sum(by_top.values()), dict(by_top))


def _mb(size: int) -> str:
    return f"{size / 1_048_576:8.1f} MB"


def size_report(parts: Iterable[ZipSize], limit: int = LAMBDA_UNZIPPED_LIMIT, top: int = 8) -> tuple[str, int]:
    """Human-readable sizes of every part and their unzipped total; the total is what Lambda checks."""
    lines = []
    total = 0
    for part in parts:
        total += part.unzipped
        lines.append(f"{part.path.name}: zipped {_mb(part.zipped)}, unzipped {_mb(part.unzipped)}")
        for name, size in sorted(part.by_top.items(), key=lambda item: -item[1])[:top]:
            lines.append(f"    {name:<40} {_mb(size)}")
    lines.append(f"function + layers unzipped: {_mb(total)} of {_mb(limit)} allowed ({total:,} bytes)")
    return "\n".join(lines), total


def check_budget(total: int, limit: int = LAMBDA_UNZIPPED_LIMIT) -> None:
    if total > limit:
        raise BudgetExceededError(
            f"function and layers unzip to {total:,} bytes, over Lambda's {limit:,}",
            {"unzipped": total, "limit": limit},
        )


def write_deterministic_zip(target: Path, files: Mapping[str, Path]) -> None:
    """Zip `files` (archive name → path) with fixed timestamps, so an unchanged layer keeps its hash and
    `aws cloudformation package` does not upload or publish it again."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with files[name].open("rb") as handle:
                out.writestr(info, handle.read())
