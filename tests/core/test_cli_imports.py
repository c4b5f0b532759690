"""A quick CLI: help loads neither SQLAlchemy/SQLModel, the models, the services nor the
settings (issue 15, item 6).

Each check runs in a fresh interpreter (this test process has long since imported all of
them): a small driver runs the console-script entry point :func:`publisher.cli.main` on one
command line after another and reports which heavy modules are loaded after each.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import typer.main

from publisher.cli import app

#: Modules ``--help`` must not load (prefixes: a package and its submodules).
HEAVY = ("sqlalchemy", "sqlmodel", "publisher.models", "publisher.db", "publisher.services")

DRIVER = r"""
import json, logging, sys

from publisher.cli import main

HEAVY = tuple(json.loads(sys.argv[1]))
report = {}
for line in json.loads(sys.argv[2]):
    sys.argv = ["publisher", *line]
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    loaded = sorted(
        m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in HEAVY)
    )
    handlers = [h.get_name() for h in logging.getLogger().handlers]
    report[" ".join(line)] = {"code": code, "heavy": loaded, "handlers": handlers}
print("@@REPORT@@" + json.dumps(report))
"""


def _help_lines() -> list[list[str]]:
    """``--help`` of the app, of every group and of every command (at every level)."""
    lines: list[list[str]] = [["--help"], []]  # no arguments prints the help too

    def walk(command: object, path: list[str]) -> None:
        sub = getattr(command, "commands", None)
        if sub is None:
            return
        for name, child in sorted(sub.items()):
            lines.append([*path, name, "--help"])
            walk(child, [*path, name])

    walk(typer.main.get_command(app), [])
    return lines


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
    env["PUBLISHER_DATA_DIR"] = str(tmp_path / "data")
    env.update(extra)
    return env


def _run_driver(
    lines: list[list[str]], env: dict[str, str], heavy: tuple[str, ...] = HEAVY
) -> dict[str, dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(heavy), json.dumps(lines)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    marker = proc.stdout.rindex("@@REPORT@@")
    report: dict[str, dict[str, object]] = json.loads(proc.stdout[marker + len("@@REPORT@@") :])
    return report


def test_help_of_every_group_and_command_loads_no_orm(tmp_path: Path) -> None:
    lines = _help_lines()
    assert len(lines) > 40  # the whole tree: groups and their commands
    report = _run_driver(lines, _env(tmp_path))
    assert set(report) == {" ".join(line) for line in lines}
    heavy = {line: r["heavy"] for line, r in report.items() if r["heavy"]}
    assert heavy == {}
    assert {r["code"] for r in report.values()} <= {0, 2}  # help; no_args_is_help exits 2
    assert report["--help"]["code"] == 0


def test_help_loads_no_orm_with_a_postgresql_url_configured(tmp_path: Path) -> None:
    # Logging (which parses the database URL with SQLAlchemy) is configured only when a
    # command runs, so a server configuration does not slow help down either.
    env = _env(tmp_path, PUBLISHER_DATABASE_URL="postgresql://u:secretpw@127.0.0.1:1/none")
    report = _run_driver([["--help"], ["post", "--help"], ["post", "list", "--help"]], env)
    assert all(r["heavy"] == [] and r["code"] == 0 for r in report.values()), report


def test_a_command_still_loads_and_runs_after_help_was_built(tmp_path: Path) -> None:
    # The same driver, then real commands: logging is configured, the deferred imports happen.
    env = _env(tmp_path)
    report = _run_driver([["--help"], ["init", "--json"], ["post", "list", "--json"]], env)
    assert report["--help"]["heavy"] == []
    assert report["--help"]["handlers"] == []  # logging is configured only to run a command
    assert report["init --json"]["code"] == 0
    assert report["init --json"]["handlers"] == ["publisher"]  # redacting, before it ran
    assert report["post list --json"]["code"] == 0
    assert "publisher.models" in report["post list --json"]["heavy"]


def test_listing_posts_loads_no_http_client_library(tmp_path: Path) -> None:
    # The connectors' HTTP stacks (httpx, requests) are for talking to platforms: a command
    # that only reads the database does not pay for importing them.
    env = _env(tmp_path)
    assert _run_driver([["init", "--json"]], env)["init --json"]["code"] == 0
    report = _run_driver([["post", "list", "--json"]], env, ("httpx", "requests", "urllib3"))
    assert report["post list --json"]["code"] == 0
    assert report["post list --json"]["heavy"] == []


def test_python_m_and_console_script_print_the_same_help(tmp_path: Path) -> None:
    env = _env(tmp_path)
    by_module = subprocess.run(
        [sys.executable, "-m", "publisher.cli", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert by_module.returncode == 0, by_module.stderr
    assert "Usage" in by_module.stdout and "post" in by_module.stdout
    script = Path(sys.executable).with_name("publisher")
    if not script.exists():  # an environment without the console script installed
        found = shutil.which("publisher")
        assert found is not None, "the publisher console script is not installed"
        script = Path(found)
    by_script = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert by_script.returncode == 0, by_script.stderr
    for out in (by_module.stdout, by_script.stdout):
        assert all(name in out for name in ("init", "post", "worker", "render", "jobs"))
