#!/usr/bin/env python3
"""Bootstrap: the README's two commands, on a fresh machine with only Python 3.11+.

    python3 dev.py demo   # install into .venv, then run the whole product on SQLite
    python3 dev.py test   # install into .venv (with test tools), then lint and run every test

Nothing else needs to be installed first. ``test`` also installs Debian's Chromium for the
browser tests when it is missing and the machine allows it (root with apt-get).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"


def sh(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def ensure_venv(extras: str = "") -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (this file runs before the venv exists)
        sys.exit("Python 3.11 or newer is required")
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed{extras}"
    source = (ROOT / "pyproject.toml").stat().st_mtime
    if stamp.exists() and stamp.stat().st_mtime >= source:
        return
    sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f".{extras}")
    stamp.touch()


def ensure_chromium() -> None:
    if Path("/usr/bin/chromium").exists():
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        sh("apt-get", "update", "-qq")
        sh("apt-get", "install", "-y", "-qq", "chromium", "chromium-driver")
    else:
        print("note: /usr/bin/chromium is missing; browser tests will be skipped", flush=True)


def demo(args: list[str]) -> None:
    ensure_venv()
    os.execv(str(VENV / "bin" / "publisher"), ["publisher", "demo", *args])  # noqa: S606


def test(args: list[str]) -> None:
    """Lint, type-check and test; every step runs, and any failure fails the whole."""
    ensure_venv("[test]")
    ensure_chromium()
    steps = {
        "ruff": [PY, "-m", "ruff", "check", "."],
        "ruff format": [PY, "-m", "ruff", "format", "--check", "."],
        "mypy": [PY, "-m", "mypy"],
        "pytest": [PY, "-m", "pytest", *args],
    }
    failed = []
    for name, cmd in steps.items():
        print("+", " ".join(str(c) for c in cmd), flush=True)
        if subprocess.run([str(c) for c in cmd], cwd=ROOT).returncode != 0:
            failed.append(name)
    if failed:
        print(f"FAILED: {', '.join(failed)}", flush=True)
        sys.exit(1)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test"):
        sys.exit(__doc__)
    {"demo": demo, "test": test}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
