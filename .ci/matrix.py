#!/usr/bin/env python3
"""Smoke matrix: the product on every supported Python present on this machine.

    python3 .ci/matrix.py            # run it (one interpreter after another)
    python3 .ci/matrix.py --list     # only show which interpreters it would use

For each supported minor version (3.11, 3.12, 3.13) it takes the oldest interpreter found (on
PATH, in /usr/bin and /usr/local/bin, in pyenv's versions directory), makes a fresh virtualenv,
installs this project with the versions of constraints.txt from wheels only
(PIP_ONLY_BINARY=:all:, so any source build fails), and drives the installed ``publisher``
command: init, a post with an infographic published to the sandbox emulators, a short clip,
backup and restore into a new data directory, and the demo seeding. A version that is not on
the machine is reported as skipped, never as passed. Exit status 1 when any run failed or
none ran.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import dev  # noqa: E402  (the supported range lives in one place)

MINORS = [(3, minor) for minor in range(dev.OLDEST[1], dev.NEWEST[1] + 1)]
PROBE = "import sys; print(sys.version_info[0], sys.version_info[1], sys.version_info[2])"
STEP_TIMEOUT = 300
INSTALL_TIMEOUT = 1200


@dataclass
class Python:
    version: tuple[int, int, int]
    path: Path

    @property
    def label(self) -> str:
        return f"Python {dev.version_text(self.version)} ({self.path})"


@dataclass
class Outcome:
    minor: tuple[int, int]
    python: Python | None = None
    status: str = "skipped"  # passed | failed | skipped
    detail: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        name = f"{self.minor[0]}.{self.minor[1]}"
        if self.python is None:
            return f"  {name:5} SKIPPED  not found on this machine ({self.detail})"
        took = ", ".join(f"{k} {v:.0f} s" for k, v in self.timings.items())
        line = f"  {name:5} {self.status.upper():8} {self.python.label}"
        line += f": {took}" if took else ""
        return line + (f" — {self.detail}" if self.detail else "")


class StepFailed(Exception):
    pass


# --- finding interpreters -----------------------------------------------------------------
def default_search() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    dirs += [Path("/usr/bin"), Path("/usr/local/bin")]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if pyenv.is_dir():
        dirs += sorted(p / "bin" for p in pyenv.iterdir())
    return dirs


def candidates(search: list[Path]) -> Iterator[Path]:
    names = ["python3", *(f"python{major}.{minor}" for major, minor in MINORS)]
    for directory in search:
        if "shims" in directory.parts:
            continue  # pyenv shims run whatever version is selected, not the one named
        for name in names:
            path = directory / name
            if path.is_file() and os.access(path, os.X_OK):
                yield path


def probe(path: Path) -> tuple[int, int, int] | None:
    try:
        out = subprocess.run(
            [str(path), "-I", "-c", PROBE], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.fullmatch(r"(\d+) (\d+) (\d+)\s*", out.stdout)
    if out.returncode != 0 or not found:
        return None
    major, minor, micro = (int(g) for g in found.groups())
    return major, minor, micro


def find_pythons(search: list[Path]) -> dict[tuple[int, int], Python]:
    """The oldest supported interpreter of each minor version (the floor is what users have)."""
    best: dict[tuple[int, int], Python] = {}
    seen: set[Path] = set()
    for path in candidates(search):
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        version = probe(path)
        if version is None or dev.python_problem(version) or version[:2] not in MINORS:
            continue
        minor = (version[0], version[1])
        if minor not in best or version < best[minor].version:
            best[minor] = Python(version, path)
    return best


# --- one interpreter ----------------------------------------------------------------------
def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PUBLISHER_", "PYTHON"))}
    env.pop("VIRTUAL_ENV", None)
    env.update(extra)
    return env


def run(
    argv: list[str | Path], *, cwd: Path, env: dict[str, str], timeout: float = STEP_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(
            [str(a) for a in argv],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        name = f"{Path(str(argv[0])).name} {argv[1]}"
        raise StepFailed(f"{name}: no answer in {timeout:.0f} s") from None
    if done.returncode != 0:
        lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
        last = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise StepFailed(f"{' '.join(str(a) for a in argv[1:3])}: {last[:300]}")
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(port: int, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StepFailed(f"sandbox exited with status {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise StepFailed(f"sandbox: port {port} not open after {seconds:.0f} s")


def install(python: Python, work: Path) -> Path:
    """A fresh venv with this project installed from wheels only; returns its bin directory."""
    venv_dir = work / "venv"
    run([python.path, "-m", "venv", venv_dir], cwd=work, env=clean_env())
    env = clean_env(
        PIP_ONLY_BINARY=":all:",
        # feedgen publishes an sdist only (pure Python, builds without a compiler).
        PIP_NO_BINARY="feedgen",
        PIP_CONSTRAINT=str(ROOT / "constraints.txt"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        # No byte-compiling of every installed file (CPU the smoke run does not need):
        # the smoke run compiles only what it imports.
        PIP_NO_COMPILE="1",
    )
    # What the Dockerfile copies: the build writes build/ and *.egg-info beside the sources.
    src = work / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("publisher", "connectors", "media", "ui"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    pip: list[str | Path] = [venv_dir / "bin" / "python", "-m", "pip", "install", "--quiet"]
    run([*pip, src], cwd=work, env=env, timeout=INSTALL_TIMEOUT)
    return venv_dir / "bin"


def smoke(bin_dir: Path, work: Path, step: StepTimer) -> None:
    """The product through its installed command, the way an administrator uses it."""
    publisher = bin_dir / "publisher"
    office, copy, demo = work / "office", work / "restored", work / "demo"
    for d in (office, copy, demo):
        d.mkdir()
    # The sandbox listens on loopback, which the outbound guard refuses unless told otherwise.
    env = clean_env(
        PUBLISHER_DATA_DIR=str(office), PUBLISHER_LANGUAGE="en", PUBLISHER_ALLOW_PRIVATE_TARGETS="1"
    )

    def pub(*args: str | Path, env: dict[str, str] = env) -> subprocess.CompletedProcess[str]:
        return run([publisher, *args], cwd=work, env=env)

    with step("init"):
        pub("init", "--json")

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (work / "sandbox.log").open("wb")
    sandbox = subprocess.Popen(
        [str(publisher), "sandbox", "--port", str(port), "--data-dir", str(office)],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with step("sandbox"):
            wait_for_port(port, sandbox)
            pub(
                "channel",
                "add",
                "--kind",
                "facebook",
                "--name",
                "fb",
                "--page-id",
                "1001",
                "--token",
                "sandbox-fb-1001",
                "--graph-url",
                url + "/",
            )
            pub(
                "channel",
                "add",
                "--kind",
                "telegram",
                "--name",
                "tg",
                "--chat-id",
                "@sandbox_news",
                "--token",
                "4242:sandbox-test",
                "--api-base-url",
                url,
            )
        picture = work / "infographic.png"
        with step("infographic"):
            pub(
                "render",
                "infographic",
                "--out",
                picture,
                "--template",
                "campaign",
                "--title",
                "Ngày Chuyển đổi số quốc gia",
                "--date",
                "10/10/2026",
            )
            if not picture.is_file() or picture.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
                raise StepFailed("render infographic: no PNG written")
        clip = work / "clip.mp4"
        with step("clip"):
            pub(
                "render",
                "video",
                "--out",
                clip,
                "--image",
                picture,
                "--seconds-per-image",
                "1",
                "--crossfade",
                "0",
                "--size",
                "16:9-720",
            )
            if not clip.is_file() or b"ftyp" not in clip.read_bytes()[:64]:
                raise StepFailed("render video: no MP4 written")
        with step("publish"):
            text = "Hưởng ứng Ngày Chuyển đổi số quốc gia 10/10"
            created = pub(
                "post",
                "create",
                "--text",
                text,
                "--channel",
                "fb",
                "--channel",
                "tg",
                "--media",
                picture,
                "--approve",
                "--json",
                "--at",
                datetime.now(UTC).isoformat(),
            )
            post_id = str(json.loads(created.stdout)["id"])
            ran = pub("worker", "--until-idle", "--json")
            sent = json.loads(ran.stdout)
            if sent.get("sent") != 2 or sent.get("failed"):
                raise StepFailed(f"worker: expected 2 sent, 0 failed; got {sent}")
            shown = pub("post", "show", post_id, "--json")
            if json.loads(shown.stdout)["status"] != "published":
                raise StepFailed(f"post {post_id} is not published")
    finally:
        sandbox.terminate()
        try:
            sandbox.wait(timeout=20)
        except subprocess.TimeoutExpired:
            sandbox.kill()
            sandbox.wait()
        log.close()
    records = (office / "sandbox-records.jsonl").read_text("utf-8").splitlines()
    if not any(text in line for line in records):
        raise StepFailed("sandbox: the post's text never reached the emulators")

    archive = work / "office.tar"
    with step("backup+restore"):
        pub("backup", "--out", archive, "--json")
        shutil.copy2(office / "secret.key", copy / "secret.key")
        copy_env = clean_env(
            PUBLISHER_DATA_DIR=str(copy),
            PUBLISHER_LANGUAGE="en",
            PUBLISHER_ALLOW_PRIVATE_TARGETS="1",
        )
        restored = json.loads(pub("restore", archive, "--json", env=copy_env).stdout)
        if restored.get("key_matches") is not True:
            raise StepFailed(f"restore: {restored}")
        shown = pub("post", "show", post_id, "--json", env=copy_env)
        if json.loads(shown.stdout)["status"] != "published":
            raise StepFailed(f"restored post {post_id} is not published")
        media = sorted(p.relative_to(office) for p in (office / "media").rglob("*") if p.is_file())
        back = sorted(p.relative_to(copy) for p in (copy / "media").rglob("*") if p.is_file())
        if not media or media != back:
            raise StepFailed(f"restore: media differ ({len(media)} files, {len(back)} back)")

    with step("demo seed"):
        pub(
            "demo",
            "--seed-only",
            "--no-browser",
            "--data-dir",
            demo,
            "--sandbox-port",
            "0",
            env=clean_env(PUBLISHER_LANGUAGE="en"),
        )
        if not (demo / "publisher.db").is_file():
            raise StepFailed("demo --seed-only: no database")


class StepTimer:
    def __init__(self, outcome: Outcome, python: Python) -> None:
        self.outcome, self.python = outcome, python

    def __call__(self, name: str) -> _Step:
        return _Step(self, name)


class _Step:
    def __init__(self, timer: StepTimer, name: str) -> None:
        self.timer, self.name = timer, name

    def __enter__(self) -> None:
        self.start = time.monotonic()

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        took = time.monotonic() - self.start
        self.timer.outcome.timings[self.name] = took
        mark = "ok  " if kind is None else "FAIL"
        version = dev.version_text(self.timer.python.version)
        print(f"[{version}] {mark} {self.name} ({took:.1f} s)", flush=True)


def check(python: Python, keep: bool) -> Outcome:
    outcome = Outcome((python.version[0], python.version[1]), python)
    step = StepTimer(outcome, python)
    work = Path(tempfile.mkdtemp(prefix=f"r57-matrix-{dev.version_text(python.version)}-"))
    try:
        with step("install"):
            bin_dir = install(python, work)
        smoke(bin_dir, work, step)
        outcome.status = "passed"
    except (StepFailed, OSError, ValueError, KeyError) as exc:
        outcome.status, outcome.detail = "failed", f"{type(exc).__name__}: {exc}"[:400]
        if not isinstance(exc, StepFailed):
            outcome.detail = f"{exc!r}"[:400]
        outcome.detail += f" (files kept in {work})"
        keep = True
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="show the interpreters, run nothing")
    parser.add_argument("--search", action="append", type=Path, help="look only in this dir")
    parser.add_argument("--keep", action="store_true", help="keep the work directories")
    args = parser.parse_args(argv)
    search = args.search or default_search()
    found = find_pythons(search)
    outcomes = []
    started = time.monotonic()
    where = "looked in " + ", ".join(str(d) for d in (args.search or ["PATH", "pyenv"]))
    for minor in MINORS:
        python = found.get(minor)
        if python is None:
            outcomes.append(Outcome(minor, detail=where))
        elif args.list:
            outcomes.append(Outcome(minor, python, "found"))
        else:
            print(f"== {python.label}", flush=True)
            outcomes.append(check(python, args.keep))
    counts = {s: sum(o.status == s for o in outcomes) for s in ("passed", "failed", "skipped")}
    print(f"smoke matrix ({time.monotonic() - started:.0f} s):", flush=True)
    for outcome in outcomes:
        print(outcome.summary(), flush=True)
    print(
        f"smoke matrix: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['skipped']} skipped",
        flush=True,
    )
    if args.list:
        return 0
    return 1 if counts["failed"] or not counts["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
