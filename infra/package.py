"""Build SMART's deployable artefacts: ``python -m infra.package [--stage prod]`` (``make package``).

Steps, each failing loudly:
1. a build venv under build/ on pyenv's Python 3.12 (``chalice package`` takes the Lambda runtime from
   the interpreter that runs it), with the pinned chalice and the runtime requirements (Chalice imports
   app.py to find routes and schedules);
2. ``chalice package`` on a staged copy of the app, so nothing is written into the working tree;
3. proof that every dependency came from a manylinux wheel and none was built from an sdist;
4. removal of distributions inference does not need (artifacts.EXCLUDED_DISTRIBUTIONS);
5. the face-model layer from models/manifest.json, each file checked against its sha256;
6. the unzipped size of every part, failing over Lambda's 250 MB;
7. the merged template (infra/merge.py), then ``cfn-lint`` on it, offline;
8. a smoke run of the artefacts on a bare Python 3.12 (infra/smoke.py).

Output in build/package/<stage>/: template.json, deployment.zip, face-models-layer.zip, sizes.txt.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from chalicelib.settings import DEFAULT_REGION
from chalicelib.store.models import ALL_MODELS
from models.build import default_model_dir, licence_path, load_manifest
from models.sources import file_sha256

from .artifacts import (
    EXCLUDED_DISTRIBUTIONS,
    check_budget,
    distributions,
    prune,
    sdist_builds,
    size_report,
    unfit_wheels,
    write_deterministic_zip,
    zip_size,
)
from .errors import InfraError, PackagingError
from .lint import lint_template
from .merge import MergeConfig, functions_of, merge, stage_environment

REPO = Path(__file__).resolve().parents[1]
PYTHON_VERSION = "3.12"
_APP_SOURCES = ("app.py", "chalicelib", "vendor", "requirements.txt")


@dataclass(frozen=True)
class BuildConfig:
    """Where to build and what to check; defaults are `make package`."""

    repo: Path = REPO
    stage: str = "prod"
    region: str = DEFAULT_REGION
    model_dir: Path | None = None
    python: Path | None = None
    lint: bool = True
    smoke: bool = True

    @property
    def work(self) -> Path:
        return self.repo / "build"

    @property
    def out(self) -> Path:
        return self.work / "package" / self.stage


def _run(
    args: Sequence[str | Path], *, cwd: Path | None = None, env: Mapping[str, str] | None = None, what: str
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-25:])
        raise PackagingError(f"{what} failed (exit {result.returncode}):\n{tail}")
    return result


def find_python(version: str = PYTHON_VERSION) -> Path:
    """The newest pyenv-installed CPython `version`.x, resolved through PYENV_VERSION."""
    versions = _run(["pyenv", "versions", "--bare"], what="pyenv versions").stdout.split()
    candidates = [v for v in versions if re.fullmatch(rf"{re.escape(version)}\.\d+", v)]
    if not candidates:
        raise PackagingError(f"pyenv has no Python {version}.x (install one: pyenv install {version})")
    chosen = max(candidates, key=lambda v: int(v.rsplit(".", 1)[1]))
    env = {**os.environ, "PYENV_VERSION": chosen}
    found = _run(["pyenv", "which", f"python{version}"], env=env, what="pyenv which").stdout.strip()
    return Path(found)


def _pin(requirements: Path, package: str) -> str:
    for line in requirements.read_text(encoding="utf-8").splitlines():
        if re.match(rf"^{package}==", line.strip(), re.IGNORECASE):
            return line.strip()
    raise PackagingError(f"{package} is not pinned in {requirements.name}")


def ensure_build_venv(config: BuildConfig, python: Path) -> Path:
    """A venv on Python 3.12 with the pinned chalice and runtime requirements; rebuilt when a pin changes."""
    venv = config.work / f"venv{PYTHON_VERSION.replace('.', '')}"
    requirements = config.repo / "requirements.txt"
    chalice_pin = _pin(config.repo / "requirements-dev.txt", "chalice")
    stamp_value = hashlib.sha256(
        f"{python}\n{chalice_pin}\n{requirements.read_text(encoding='utf-8')}".encode()
    ).hexdigest()
    stamp = venv / ".smart-build-stamp"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == stamp_value:
        return venv
    if not (venv / "bin" / "python").exists():
        _run([python, "-m", "venv", venv], what="creating the build venv")
    _run(
        [venv / "bin" / "python", "-m", "pip", "install", "--quiet", chalice_pin, "-r", requirements],
        what="installing chalice and the runtime requirements into the build venv",
    )
    stamp.write_text(stamp_value, encoding="utf-8")
    return venv


def stage_sources(config: BuildConfig) -> Path:
    """Copy what Chalice packages into build/, keeping Chalice's dependency cache between builds."""
    source = config.work / "chalice-src"
    (source / ".chalice").mkdir(parents=True, exist_ok=True)
    for name in _APP_SOURCES:
        target = source / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        origin = config.repo / name
        if origin.is_dir():
            shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif origin.is_file():
            shutil.copy2(origin, target)
    chalice_config = json.loads((config.repo / ".chalice" / "config.json").read_text(encoding="utf-8"))
    (source / ".chalice" / "config.json").write_text(json.dumps(chalice_config, indent=2), encoding="utf-8")
    # autogen_policy is false for deployed stages; Chalice then wants a policy file. The merge replaces
    # this empty placeholder by the generated least-privilege policy.
    stage_config = chalice_config.get("stages", {}).get(config.stage, {})
    policy_name = stage_config.get("iam_policy_file", f"policy-{config.stage}.json")
    placeholder = {"Version": "2012-10-17", "Statement": []}
    (source / ".chalice" / policy_name).write_text(json.dumps(placeholder), encoding="utf-8")
    return source


def run_chalice_package(config: BuildConfig, venv: Path, source: Path) -> Path:
    """`chalice package`; returns its output directory. The --debug log is kept for the sdist check."""
    target = config.work / "chalice-out" / config.stage
    shutil.rmtree(target, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    # Packaging needs a region name but no credentials; never let botocore probe for instance metadata.
    env.update({"AWS_DEFAULT_REGION": config.region, "AWS_EC2_METADATA_DISABLED": "true"})
    result = subprocess.run(
        [
            str(venv / "bin" / "chalice"),
            "--debug",
            "package",
            "--stage",
            config.stage,
            "--pkg-format",
            "cloudformation",
            str(target),
        ],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    log = result.stdout + result.stderr
    (config.work / f"chalice-package-{config.stage}.log").write_text(log, encoding="utf-8")
    if result.returncode != 0:
        lines = [line for line in log.splitlines() if "botocore" not in line and "urllib3" not in line]
        raise PackagingError("chalice package failed:\n" + "\n".join(lines[-25:]))
    built = sdist_builds(log)
    if built:
        raise PackagingError(f"chalice built these from source distributions, not manylinux wheels: {built}")
    if built is None and "Reusing existing deployment package" not in log:
        raise PackagingError("cannot tell from chalice's log whether it built from sdists (log format changed?)")
    print(
        "chalice built nothing from an sdist"
        if built is not None
        # A reused package was checked when first built; the wheel-tag check still runs on it.
        else "chalice reused its cached dependency package"
    )
    return target


def verify_wheels(deployment: Path, architecture: str) -> int:
    with zipfile.ZipFile(deployment) as archive:
        dists = distributions(archive)
    unfit = unfit_wheels(dists, architecture)
    if unfit:
        raise PackagingError("distributions not installable on Lambda (built on this machine?):\n" + "\n".join(unfit))
    return len(dists)


def build_model_layer(model_dir: Path, layer_dir: str, target: Path) -> list[str]:
    """Zip every model of the manifest under `layer_dir` (e.g. smart-models → /opt/smart-models)."""
    files: dict[str, Path] = {}
    for entry in load_manifest():
        path = model_dir / f"{entry.model_id}.onnx"
        if not path.is_file():
            raise PackagingError(f"{path} is missing: build the models first (make models)")
        if file_sha256(path) != entry.onnx_sha256:
            raise PackagingError(f"{path} does not match the sha256 of models/manifest.json: rebuild it")
        files[f"{layer_dir}/{path.name}"] = path
        if entry.licence_file is not None:  # a licence that must travel with the weights (Apache-2.0)
            files[f"{layer_dir}/{licence_path(path).name}"] = licence_path(path)
    write_deterministic_zip(target, files)
    return sorted(files)


def lint(template: Path, region: str) -> str:
    findings = lint_template(template.read_text(encoding="utf-8"), region)
    if findings:
        raise PackagingError(f"cfn-lint found problems in {template}:\n" + "\n".join(findings))
    return f"cfn-lint ({region}): no errors, warnings or notes"


def smoke(python: Path, deployment: Path, layer: Path, layer_dir: str) -> str:
    """Unpack the artefacts and run infra/smoke.py on a bare Python 3.12 against them."""
    with tempfile.TemporaryDirectory(prefix="smart-smoke-") as tmp:
        root, opt = Path(tmp) / "task", Path(tmp) / "opt"
        for archive, target in ((deployment, root), (layer, opt)):
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(target)
        result = _run(
            [
                python,
                "-S",
                "-E",
                Path(__file__).with_name("smoke.py"),
                root,
                opt / layer_dir,
                ",".join(EXCLUDED_DISTRIBUTIONS),
            ],
            what="the smoke run of the package",
        )
    return result.stdout.strip()


def build(config: BuildConfig) -> Path:
    """Run every step; return the merged template's path."""
    python = config.python or find_python()
    venv = ensure_build_venv(config, python)
    chalice_out = run_chalice_package(config, venv, stage_sources(config))
    chalice_template = json.loads((chalice_out / "sam.json").read_text(encoding="utf-8"))
    env = stage_environment(functions_of(chalice_template))
    merge_config = MergeConfig()
    print(
        f"chalice package: {verify_wheels(chalice_out / 'deployment.zip', merge_config.architecture)} "
        "distributions, all from manylinux or pure-Python wheels"
    )
    config.out.mkdir(parents=True, exist_ok=True)
    deployment, layer = config.out / "deployment.zip", config.out / "face-models-layer.zip"
    removed = prune(chalice_out / "deployment.zip", deployment, EXCLUDED_DISTRIBUTIONS)
    print(f"excluded distributions removed: {', '.join(removed) or 'none were present'}")
    layer_dir = env["SMART_MODEL_DIR"].removeprefix("/opt/").strip("/")
    build_model_layer(config.model_dir or default_model_dir(), layer_dir, layer)
    report, total = size_report([zip_size(deployment), zip_size(layer)])
    print(report)
    (config.out / "sizes.txt").write_text(report + "\n", encoding="utf-8")
    check_budget(total)
    result = merge(chalice_template, ALL_MODELS, merge_config)
    for warning in result.warnings:
        print(f"warning: {warning}")
    template = config.out / "template.json"
    # Compact: the REST API definition grows with every route and CloudFormation accepts at most 1 MB.
    template.write_text(json.dumps(result.template, separators=(",", ":")), encoding="utf-8")
    if config.lint:
        print(lint(template, config.region))
    if config.smoke:
        print("smoke:", smoke(python, deployment, layer, layer_dir))
    print(f"ready: {template}")
    return template


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.package", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="prod", choices=("dev", "prod"))
    parser.add_argument("--region", default=DEFAULT_REGION, help="region cfn-lint checks resources against")
    parser.add_argument("--model-dir", type=Path, default=None, help="built ONNX models (default: models.build's)")
    parser.add_argument("--python", type=Path, default=None, help="Python 3.12 interpreter (default: pyenv's)")
    parser.add_argument("--no-lint", action="store_true")
    parser.add_argument("--no-smoke", action="store_true")
    args = parser.parse_args(argv)
    config = BuildConfig(
        stage=args.stage,
        region=args.region,
        model_dir=args.model_dir,
        python=args.python,
        lint=not args.no_lint,
        smoke=not args.no_smoke,
    )
    try:
        build(config)
    except InfraError as exc:
        print(f"package failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
