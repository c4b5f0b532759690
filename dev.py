#!/usr/bin/env python3
"""Bootstrap: the README's two commands, on a fresh machine with only Python 3.11.2 to 3.13.

    python3 dev.py demo   # install into .venv, then run the whole product on SQLite
    python3 dev.py test   # install into .venv (with test tools), then lint and run every test

Nothing else needs to be installed first. ``test`` also installs Debian's Chromium for the
browser tests when it is missing and the machine allows it (root with apt-get). Both install
the versions of constraints.txt into a .venv made with the Python that runs this file.
"""

# This file must stay readable by any Python 3 (no `from __future__ import annotations`, no
# newer syntax, annotations in quotes), so that an unsupported one gets the one-line refusal
# below instead of a SyntaxError.
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
CONSTRAINTS = ROOT / "constraints.txt"

# The versions the smoke matrix (.ci/matrix.py) checks: Debian 12's 3.11.2 through 3.13.
OLDEST = (3, 11, 2)
NEWEST = (3, 13)
SUPPORTED = "3.11.2 to 3.13"


def version_text(version: "tuple[int, ...]") -> str:
    return ".".join(str(part) for part in version)


def python_problem(version: "tuple[int, ...]", subject: str = "") -> "str | None":
    """One line refusing ``version``, or None when it is supported."""
    if tuple(version) < OLDEST:
        return (
            f"{subject or 'Python ' + version_text(version)} is not supported: R57 Publisher "
            f"needs Python {version_text(OLDEST)} or newer (tested: {SUPPORTED})"
        )
    return None


_checked: "list[tuple[int, ...]]" = []


def check_python() -> None:
    """Refuse this Python in one line when it is too old; note once when it is untested."""
    version = tuple(sys.version_info[:3])
    problem = python_problem(version)
    if problem:
        sys.exit(problem)
    if version[:2] > NEWEST and not _checked:
        print(
            f"note: Python {version_text(version)} is newer than the versions tested "
            f"({SUPPORTED}); continuing",
            file=sys.stderr,
            flush=True,
        )
    _checked.append(version)


def venv_version() -> "tuple[int, ...] | None":
    """The Python version .venv was made with (from its pyvenv.cfg), None when there is none."""
    try:
        cfg = (VENV / "pyvenv.cfg").read_text("utf-8", errors="replace")
    except OSError:
        return None
    found = re.search(r"^\s*version(?:_info)?\s*=\s*(\d+)\.(\d+)\.(\d+)", cfg, re.MULTILINE)
    return tuple(int(part) for part in found.groups()) if found else None


def sh(*cmd: "str | Path", env: "dict[str, str] | None" = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def ensure_venv(extras: str = "") -> None:
    """Make .venv with this Python and install the project (``extras``) into it, once.

    Refuses, before anything is installed, an unsupported Python or a .venv made with one; a
    .venv made with another supported Python is remade, so the tests run on the Python that
    started them.
    """
    check_python()
    running = tuple(sys.version_info[:3])
    made_with = venv_version()
    if made_with is not None:
        subject = f".venv was made with Python {version_text(made_with)}, which"
        problem = python_problem(made_with, subject)
        if problem:
            sys.exit(f"{problem}; delete {VENV} and run again")
        if made_with != running:
            print(
                f"note: .venv was made with Python {version_text(made_with)}; remaking it with "
                f"Python {version_text(running)} ({sys.executable})",
                flush=True,
            )
    if made_with != running or not PY.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    stamp = VENV / f".installed{extras}"
    source = max(p.stat().st_mtime for p in (ROOT / "pyproject.toml", CONSTRAINTS))
    if stamp.exists() and stamp.stat().st_mtime >= source:
        return
    sh(
        PY,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-c",
        CONSTRAINTS,
        "-e",
        f".{extras}",
    )
    stamp.touch()


def ensure_chromium() -> None:
    if Path("/usr/bin/chromium").exists():
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        sh("apt-get", "update", "-qq")
        sh("apt-get", "install", "-y", "-qq", "chromium", "chromium-driver")
    else:
        print("note: /usr/bin/chromium is missing; browser tests will be skipped", flush=True)


def ensure_espeak() -> None:
    """espeak-ng (its Vietnamese voice) is the audio bulletins' embedded voice."""
    if shutil.which("espeak-ng"):
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        sh("apt-get", "update", "-qq")
        sh("apt-get", "install", "-y", "-qq", "espeak-ng")
    else:
        print(
            "note: espeak-ng is missing; machine-voice bulletin tests will be skipped", flush=True
        )


def demo(args: "list[str]") -> None:
    ensure_venv()
    os.execv(str(VENV / "bin" / "publisher"), ["publisher", "demo", *args])  # noqa: S606


#: pytest-xdist workers. Most tests wait (for a subprocess, a server, Chromium) more than they
#: compute, so four share the two cores of the build machine well: 11.5 minutes where one
#: took 47. PUBLISHER_TEST_WORKERS overrides it (0: one process, no xdist).
TEST_WORKERS = 4


def parallel(args: "list[str]") -> "list[str]":
    """xdist's options, unless the caller chose their own (``-n``, or ``-p no:xdist``)."""
    if "no:xdist" in args or any(a.startswith(("-n", "--numprocesses", "--dist")) for a in args):
        return []
    workers = int(os.environ.get("PUBLISHER_TEST_WORKERS", TEST_WORKERS))
    # loadscope: each test module runs whole, in order, on one worker. Its module-scoped
    # fixtures (a demo server, a browser) start once, and a module's later tests may rely
    # on its earlier ones (the browser journeys do): spread over workers, they failed.
    return ["-n", str(workers), "--dist", "loadscope"] if workers > 0 else []


def test(args: "list[str]") -> None:
    """Lint, type-check and test; every step runs, and any failure fails the whole."""
    ensure_venv("[test]")
    ensure_chromium()
    ensure_espeak()
    steps = {
        "ruff": [PY, "-m", "ruff", "check", "."],
        "ruff format": [PY, "-m", "ruff", "format", "--check", "."],
        "mypy": [PY, "-m", "mypy"],
        # The import contracts of pyproject.toml ([tool.importlinter]; docs/architecture.md).
        "import contracts": [VENV / "bin" / "lint-imports", "--no-cache"],
        "pytest": [PY, "-m", "pytest", *parallel(args), *args],
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
    check_python()
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test"):
        sys.exit(__doc__)
    {"demo": demo, "test": test}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
