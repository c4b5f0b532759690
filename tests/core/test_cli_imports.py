"""A quick CLI: help loads neither SQLAlchemy/SQLModel, the models, the services nor the
settings (issue 15, item 6).

Each check runs in a fresh interpreter (this test process has long since imported all of
them): a small driver runs the console-script entry point :func:`publisher.cli.main` on one
command line after another and reports which heavy modules are loaded after each.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from publisher.cli import GROUP_MODULES, _app_for, app

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
    loader = sys.modules.get("pydantic.plugin._loader")
    models = sys.modules.get("publisher.models")
    report[" ".join(line)] = {
        "code": code,
        "heavy": loaded,
        "handlers": handlers,
        "plugins_scanned": getattr(loader, "_plugins", None) is not None,
        "post_model_built": bool(models and models.Post.__pydantic_complete__),
    }
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


def test_listing_posts_loads_no_connector_service_and_scans_no_pydantic_plugins(
    tmp_path: Path,
) -> None:
    # Reading posts needs the models and the posts service, not what composing and
    # scheduling use: the channels service (connector clients, the vault), links,
    # attachments. The console script turns pydantic's plugin scan (the entry points of
    # every installed distribution) off, and the tables' pydantic validators are built on
    # first use only (defer_build), which listing never needs.
    env = _env(tmp_path)
    assert _run_driver([["init", "--json"]], env)["init --json"]["code"] == 0
    report = _run_driver(
        [["post", "list", "--json"]],
        env,
        (
            "publisher.services.publishing.channels",
            "publisher.services.publishing.links",
            "publisher.services.publishing.attachments",
            "publisher.security",
            "cryptography",
        ),
    )["post list --json"]
    assert report["code"] == 0
    assert report["heavy"] == []
    assert report["plugins_scanned"] is False
    assert report["post_model_built"] is False


def test_pydantic_plugins_are_scanned_when_the_user_asks_for_them(tmp_path: Path) -> None:
    # An explicit (empty) PYDANTIC_DISABLE_PLUGINS is kept: plugins load as usual.
    env = _env(tmp_path, PYDANTIC_DISABLE_PLUGINS="")
    assert _run_driver([["init", "--json"]], env)["init --json"]["plugins_scanned"] is True


def test_the_console_script_builds_only_the_named_group_with_the_same_output() -> None:
    # main() runs _app_for(argv): a line starting with a group's name gets an app holding
    # that group alone (Typer then builds ~10 commands, not ~120); output and exit codes
    # are those of the whole app.
    groups = len(app.registered_groups)
    assert _app_for([]) is app and _app_for(["--help"]) is app and _app_for(["init"]) is app
    assert _app_for(["postt", "list"]) is app  # a typo: the whole app suggests "post"
    assert list(typer.main.get_command(_app_for(["post", "list"])).commands) == ["post"]  # type: ignore[attr-defined]
    runner = CliRunner()
    for line in (
        ["post", "--help"],
        ["post", "list", "--help"],
        ["post", "lst"],
        ["post"],
        ["report", "--help"],
        ["channel", "add", "--help"],
    ):
        whole = runner.invoke(app, line, prog_name="publisher")
        alone = runner.invoke(_app_for(line), line, prog_name="publisher")
        assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output), line
        assert whole.exit_code in (0, 2) and whole.output
    assert len(app.registered_groups) == groups and app.registered_commands  # untouched


def _modules_of(typer_app: typer.Typer) -> set[str]:
    """The publisher.cli modules whose functions are the commands of ``typer_app`` (and of
    its groups, at every level)."""
    out: set[str] = set()
    for command in typer_app.registered_commands:
        callback = inspect.unwrap(command.callback) if command.callback else None
        if callback is not None:
            out.add(callback.__module__.rsplit(".", 1)[1])
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            out |= _modules_of(group.typer_instance)
    return out


def test_the_group_index_names_every_group_and_the_modules_that_make_it() -> None:
    import publisher.cli as cli

    made: dict[str, set[str]] = {}
    for module, (_, groups) in cli._added.items():
        for group in groups:
            assert group.name is not None and group.typer_instance is not None
            # Modules outside COMMAND_MODULES (render_motion) come with the module using them.
            own = _modules_of(group.typer_instance) & set(cli.COMMAND_MODULES)
            made[group.name] = {module} | own
    assert set(made) == {g.name for g in app.registered_groups}
    assert {name: set(modules) for name, modules in GROUP_MODULES.items()} == made


def _help_in_a_fresh_process(line: list[str], whole: bool) -> tuple[int, str]:
    code = (
        "import sys\n"
        "import publisher.cli as cli\n"
        + ("cli.app\n" if whole else "")
        + "sys.argv = ['publisher', *sys.argv[1:]]\n"
        "cli.main()\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
    env.update(COLUMNS="100", TERM="dumb", NO_COLOR="1")
    proc = subprocess.run(
        [sys.executable, "-c", code, *line], capture_output=True, text=True, env=env, timeout=60
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_a_group_built_from_its_own_modules_prints_what_the_whole_app_prints() -> None:
    # A fresh console-script process imports only the group's modules (GROUP_MODULES); the
    # help, usage and errors are those of the group inside the whole app.
    lines = [[group, "--help"] for group in GROUP_MODULES]
    for line in [*lines, ["post", "no-such-command"], ["channel", "hours", "--help"]]:
        alone = _help_in_a_fresh_process(line, whole=False)
        assert alone == _help_in_a_fresh_process(line, whole=True), line
        assert alone[0] in (0, 2) and alone[1]


def test_listing_posts_loads_only_its_command_modules_and_tables(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert _run_driver([["init", "--json"]], env)["init --json"]["code"] == 0
    report = _run_driver([["post", "list", "--json"]], env, ("publisher.cli", "publisher.models"))
    assert report["post list --json"]["code"] == 0
    assert report["post list --json"]["heavy"] == [
        "publisher.cli",
        "publisher.cli.bulk",
        "publisher.cli.channel_options",
        "publisher.cli.common",
        "publisher.cli.core",
        "publisher.cli.usage",
        "publisher.models",
        "publisher.models.accounts",
        "publisher.models.base",
        "publisher.models.campaigns",
        "publisher.models.channels",
        "publisher.models.deliveries",
        "publisher.models.enums",
        "publisher.models.posts",
    ]
