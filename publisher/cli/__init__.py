"""The ``publisher`` command line (Typer). Thin: it parses, calls services, prints.

Each area registers its commands from its own module (``register(app)``), listed explicitly
in ``COMMAND_MODULES``. Errors print one line to stderr in the user's language and exit 1.

Quick to start: the command modules import the services (SQLAlchemy, the models, the settings)
inside the commands that use them, and the console script configures logging just before a
command runs, so ``publisher --help`` and ``publisher <group> --help`` load none of them
(pinned by tests/core/test_cli_imports.py, measured by ``bench/cli_bench.py``).
"""

from __future__ import annotations

import copy
import functools
import importlib
import os
import sys
from collections.abc import Callable
from typing import Any

import typer

from publisher.cli.usage import OneLineErrorsGroup

app = typer.Typer(
    name="publisher",
    cls=OneLineErrorsGroup,
    help="Resolution 57 multi-channel publishing scheduler.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Modules under publisher.cli that define ``register(app: typer.Typer) -> None``.
COMMAND_MODULES: tuple[str, ...] = (
    "core",
    "hours",
    "bulk",
    "library",
    "sandbox",
    "render",
    "brand",
    "worker",
    "ops",
    "ui",
    "stats",
    "province",
    "jobs",
    "feeds",
    "bulletin",
    "bot",
    "faq",
)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"publisher.cli.{name}")
        module.register(app)
    _prepare_before_commands(app)


#: Set by :func:`main`: configure logging before a command runs (the console script and
#: ``python -m publisher.cli``; not an in-process ``CliRunner``, which keeps its caller's).
_configure_logging_on_run = False


def _configure_logging_once() -> None:
    global _configure_logging_on_run
    if not _configure_logging_on_run:
        return
    _configure_logging_on_run = False
    from publisher.logging import configure_logging

    # Plain or JSON lines (PUBLISHER_LOG_JSON), secrets redacted. It reads the settings
    # (pydantic) and the key file (cryptography): not needed to print help.
    configure_logging()


def _before(callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback)  # Typer reads the signature and help through __wrapped__
    def run(*args: Any, **kwargs: Any) -> Any:
        _configure_logging_once()
        return callback(*args, **kwargs)

    return run


def _prepare_before_commands(typer_app: typer.Typer) -> None:
    """Wrap every command of ``typer_app`` and of its groups so that logging is configured
    just before it runs, once the command line has been parsed (a group's own callback too:
    ``publisher report --period ...`` writes a report from the ``report`` group's)."""
    for command in typer_app.registered_commands:
        if command.callback is not None:
            command.callback = _before(command.callback)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            own = group.typer_instance.registered_callback
            if own is not None and own.callback is not None:
                own.callback = _before(own.callback)
            _prepare_before_commands(group.typer_instance)


_register_all()


def main() -> None:
    """Console-script entry point."""
    global _configure_logging_on_run
    from publisher.fsmodes import restrict_umask

    # First of all: everything this process (worker, api, ui, backups...) creates is 0600
    # and its folders 0700; the database and its WAL are the office's alone.
    restrict_umask()
    # Pydantic (the settings, the models, Typer's option parsing) scans the entry points of
    # every installed distribution for plugins the first time it builds a model: tens of ms
    # on each command. The project uses no pydantic plugin, so the console script turns the
    # scan off; nothing has imported pydantic yet at this point (tests/core/test_cli_imports.py).
    # Set PYDANTIC_DISABLE_PLUGINS to an empty value to load plugins anyway (README).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # Before any command runs (not for --help): plain or JSON lines, secrets redacted.
    _configure_logging_on_run = True
    _app_for(sys.argv[1:])()


def _app_for(args: list[str]) -> typer.Typer:
    """The app to run for this command line: the whole app, or when the line starts with a
    group's name (``publisher post list``), the app holding that group alone.

    Typer builds the Click command of every command of the app it runs (each function's
    signature and type hints: a tenth of a second for the ~120 commands) before it parses the
    line; only the named group can run, and its help, usage line and errors are the same."""
    if not args:
        return app
    for group in app.registered_groups:
        name = group.name or (group.typer_instance.info.name if group.typer_instance else None)
        if name == args[0]:
            narrowed = copy.copy(app)
            narrowed.registered_commands = []
            narrowed.registered_groups = [group]
            return narrowed
    return app
