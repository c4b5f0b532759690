"""The supported Python versions (issue 23): one range, stated in pyproject.toml, the README and
dev.py, enforced by dev.py before anything is installed, and checked by the smoke matrix."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dev = load(ROOT / "dev.py", "dev_under_test")


def checkout(tmp_path: Path) -> Path:
    """The files dev.py needs, in a scratch directory (so nothing touches this .venv)."""
    for name in ("dev.py", "pyproject.toml", "constraints.txt"):
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def old_pythons() -> list[Path]:
    """Interpreters older than supported on this machine (pyenv's 3.6-3.10 here)."""
    found = []
    for home in sorted(PYENV.glob("3.*")) if PYENV.is_dir() else []:
        m = re.fullmatch(r"3\.(\d+)\.(\d+)", home.name)
        exe = home / "bin" / "python3"
        if m and (3, int(m[1]), int(m[2])) < dev.OLDEST and exe.exists():
            found.append(exe)
    return found


def test_the_range_is_the_same_everywhere() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    oldest = dev.version_text(dev.OLDEST)
    assert project["requires-python"] == f">={oldest}"
    minors = [f"3.{m}" for m in range(dev.OLDEST[1], dev.NEWEST[1] + 1)]
    assert minors == ["3.11", "3.12", "3.13"]
    tagged = [c.rsplit(" ", 1)[1] for c in project["classifiers"] if re.search(r":: 3\.\d+$", c)]
    assert tagged == minors
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"Python {oldest} to 3.{dev.NEWEST[1]}" in readme
    assert "3.11+" not in readme
    # The image runs one of the tested versions.
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    image = re.search(r"^ARG PYTHON_IMAGE=python:3\.(\d+)-", dockerfile, flags=re.MULTILINE)
    assert image and f"3.{image[1]}" in minors


@pytest.mark.parametrize(
    ("version", "refused"),
    [
        ((3, 10, 13), True),
        ((3, 11, 0), True),
        ((3, 11, 1), True),
        ((3, 11, 2), False),
        ((3, 12, 1), False),
        ((3, 13, 0), False),
        ((3, 14, 0), False),  # untested: a note, not a refusal
    ],
)
def test_python_problem_names_the_version_found_and_the_supported_range(
    version: tuple[int, int, int], refused: bool
) -> None:
    problem = dev.python_problem(version)
    assert (problem is not None) is refused
    if problem:
        assert "\n" not in problem
        assert dev.version_text(version) in problem and "3.11.2" in problem and "3.13" in problem


@pytest.mark.parametrize("python", old_pythons(), ids=lambda p: p.parent.parent.name)
def test_an_old_python_is_refused_in_one_line_before_any_install(
    python: Path, tmp_path: Path
) -> None:
    root = checkout(tmp_path)
    for command in ("test", "demo"):
        done = subprocess.run(
            [str(python), "dev.py", command], cwd=root, capture_output=True, text=True
        )
        version = python.parent.parent.name
        assert done.returncode == 1
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1, done.stderr
        assert f"Python {version} is not supported" in done.stderr
        assert "3.11.2" in done.stderr
        assert not (root / ".venv").exists()


def test_a_venv_made_with_an_old_python_is_refused_in_one_line(tmp_path: Path) -> None:
    root = checkout(tmp_path)
    venv = root / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(
        "home = /root/.pyenv/versions/3.10.13/bin\ninclude-system-site-packages = false\n"
        "version = 3.10.13\n"
    )
    before = tree(venv)
    done = subprocess.run(
        [sys.executable, "dev.py", "test"], cwd=root, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stdout == ""  # no "+ pip install" line: nothing was started
    assert done.stderr.count("\n") == 1, done.stderr
    assert ".venv was made with Python 3.10.13, which is not supported" in done.stderr
    assert "delete" in done.stderr
    assert tree(venv) == before


class Recorder:
    def __init__(self) -> None:
        self.created: list[dict[str, Any]] = []
        self.commands: list[list[str]] = []


@pytest.fixture
def dev_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, Recorder]:
    """dev.py pointed at a scratch checkout, with venv creation and pip recorded."""
    root = checkout(tmp_path)
    module = load(root / "dev.py", "dev_scratch")
    seen = Recorder()

    class Builder:
        def __init__(self, **options: Any) -> None:
            self.options = options

        def create(self, path: Path) -> None:
            seen.created.append({"path": path, **self.options})
            (path / "bin").mkdir(parents=True, exist_ok=True)
            (path / "bin" / "python").touch()
            version = dev.version_text(tuple(sys.version_info[:3]))
            (path / "pyvenv.cfg").write_text(f"version = {version}\n")

    monkeypatch.setattr(module.venv, "EnvBuilder", Builder)
    monkeypatch.setattr(module, "sh", lambda *cmd, env=None: seen.commands.append(list(cmd)))
    return module, seen


def test_a_venv_from_another_supported_python_is_remade_with_this_one(
    dev_in: tuple[ModuleType, Recorder], capsys: pytest.CaptureFixture[str]
) -> None:
    module, seen = dev_in
    (module.VENV / "bin").mkdir(parents=True)
    (module.VENV / "bin" / "python").touch()
    other = (3, 12, 1) if sys.version_info[:2] != (3, 12) else (3, 13, 0)
    (module.VENV / "pyvenv.cfg").write_text(f"version = {dev.version_text(other)}\n")
    module.ensure_venv("[test]")
    assert [c["clear"] for c in seen.created] == [True]
    assert f"made with Python {dev.version_text(other)}; remaking it" in capsys.readouterr().out
    (install,) = seen.commands
    assert install[-2:] == ["-e", ".[test]"]
    assert install[install.index("-c") + 1] == module.CONSTRAINTS
    # Made with this Python and installed: the next run does nothing.
    module.ensure_venv("[test]")
    assert len(seen.created) == 1 and len(seen.commands) == 1


def test_a_venv_from_this_python_is_kept(dev_in: tuple[ModuleType, Recorder]) -> None:
    module, seen = dev_in
    module.ensure_venv()
    module.ensure_venv()
    assert len(seen.created) == 1 and len(seen.commands) == 1


# --- the smoke matrix (its runs are .ci/run's; here only how it finds and reports) ----------
def test_matrix_reports_absent_versions_as_skipped_never_passed(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    os.symlink(sys.executable, tmp_path / "bin" / f"python3.{sys.version_info[1]}")
    done = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "matrix.py"), "--search", str(tmp_path / "empty")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1  # nothing ran: not a pass
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "smoke matrix: 0 passed, 0 failed, 3 skipped"
    assert sum("SKIPPED  not found" in line for line in lines) == 3
    assert "PASSED" not in done.stdout

    matrix = str(ROOT / ".ci" / "matrix.py")
    listed = subprocess.run(
        [sys.executable, matrix, "--list", "--search", str(tmp_path / "bin")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0
    version = dev.version_text(tuple(sys.version_info[:3]))
    minor = f"3.{sys.version_info[1]}"
    rows = {line.split()[0]: line for line in listed.stdout.splitlines()[1:4]}
    assert f"FOUND    Python {version}" in rows[minor]
    assert all("SKIPPED" in row for name, row in rows.items() if name != minor)


def test_ci_runs_the_matrix_after_the_full_suite() -> None:
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    commands = [ln.strip() for ln in script.splitlines() if ln.strip().startswith("python3 ")]
    assert commands[0].split("||")[0].strip() == "python3 dev.py test"
    assert commands[1].split("||")[0].strip() == "python3 .ci/matrix.py"
    assert "set -e" in script and 'exit "$status"' in script


def test_matrix_reports_a_failing_interpreter_with_its_step_and_message(tmp_path: Path) -> None:
    """A Python without the venv module (Debian without python3-venv): FAILED, exit 1."""
    fake = tmp_path / "bin" / "python3.12"
    fake.parent.mkdir()
    fake.write_text(
        '#!/bin/sh\nif [ "$2" = "-c" ]; then echo "3 12 9"; exit 0; fi\n'
        'echo "Error: ensurepip is not available" >&2\nexit 1\n'
    )
    fake.chmod(0o755)
    done = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "matrix.py"), "--search", str(fake.parent)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TMPDIR": str(tmp_path)},  # where the failed run's files are kept
    )
    assert done.returncode == 1
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "smoke matrix: 0 passed, 1 failed, 2 skipped"
    (kept,) = tmp_path.glob("r57-matrix-3.12.9-*")
    assert f"files kept in {kept}" in done.stdout
    (row,) = [line for line in lines if line.startswith("  3.12")]
    assert "FAILED" in row and "Python 3.12.9" in row
    assert "-m venv: Error: ensurepip is not available" in row
    assert "[3.12.9] FAIL install" in done.stdout
