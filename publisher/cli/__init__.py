"""The ``publisher`` command line (Typer). Thin: it parses, calls services, prints.

Each area registers its commands from its own module (``register(app)``), listed explicitly
in ``COMMAND_MODULES``. Errors print one line to stderr in the user's language and exit 1.

Quick to start: the command modules import the services (SQLAlchemy, the models, the settings)
inside the commands that use them, and the console script configures logging just before a
command runs, so ``publisher --help`` and ``publisher <group> --help`` load none of them; a
line that names a group (``publisher post list``) imports only the modules that make that
group (``GROUP_MODULES``). Pinned by tests/core/test_cli_imports.py, measured by
``bench/cli_bench.py``. ``app`` (the whole app, every module registered) is built on first use.
"""

from __future__ import annotations

import copy
import functools
import importlib
import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import typer

from publisher.cli.usage import OneLineErrorsGroup

if TYPE_CHECKING:
    from typer.models import CommandInfo, TyperInfo

    #: The whole app: every command module registered (built on first use, ``__getattr__``).
    app: typer.Typer

#: The app the command modules register into, module by module (:func:`_load`).
_app = typer.Typer(
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


#: The groups whose name can start a command line -> the modules that make each (the one that
#: registers it, and those that add commands to it). A line naming one of them imports these
#: modules only. A group missing here still works (its line loads every module); a wrong entry
#: fails tests/core/test_cli_imports.py.
GROUP_MODULES: dict[str, tuple[str, ...]] = {
    "org": ("core",),
    "user": ("core",),
    "channel": ("core", "hours"),
    "post": ("core", "bulk"),
    "campaign": ("core",),
    "alert": ("core",),
    "media": ("library",),
    "render": ("render",),
    "brand": ("brand",),
    "stats": ("stats",),
    "task": ("stats",),
    "kpi": ("stats",),
    "report": ("province",),
    "activity": ("province",),
    "criteria": ("province",),
    "jobs": ("jobs",),
    "results": ("feeds",),
    "bulletin": ("bulletin",),
    "bot": ("bot",),
    "faq": ("faq",),
}

#: Module -> the top-level commands and groups its ``register`` added to ``_app``.
_added: dict[str, tuple[list[CommandInfo], list[TyperInfo]]] = {}


def _load(modules: Iterable[str]) -> None:
    """Import and register ``modules`` (each once) into ``_app``; its top level keeps the
    order of ``COMMAND_MODULES`` whichever modules were loaded first."""
    wanted = set(modules)
    for name in COMMAND_MODULES:
        if name in wanted and name not in _added:
            commands, groups = len(_app.registered_commands), len(_app.registered_groups)
            importlib.import_module(f"publisher.cli.{name}").register(_app)
            _added[name] = (_app.registered_commands[commands:], _app.registered_groups[groups:])
    loaded = [name for name in COMMAND_MODULES if name in _added]
    _app.registered_commands = [c for name in loaded for c in _added[name][0]]
    _app.registered_groups = [g for name in loaded for g in _added[name][1]]
    _prepare_before_commands(_app)


def _whole_app() -> typer.Typer:
    _load(COMMAND_MODULES)
    return _app


if not TYPE_CHECKING:  # type checkers see ``app`` declared above, and no catch-all

    def __getattr__(name: str) -> Any:
        """PEP 562: ``from publisher.cli import app`` builds the whole app on first use."""
        if name == "app":
            return _whole_app()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    if getattr(callback, "_publisher_before", False):
        return callback  # wrapped already (``_load`` prepares the app after each module)

    @functools.wraps(callback)  # Typer reads the signature and help through __wrapped__
    def run(*args: Any, **kwargs: Any) -> Any:
        _configure_logging_once()
        return callback(*args, **kwargs)

    run._publisher_before = True  # type: ignore[attr-defined]
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
    line, and only the modules making the named group need importing (``GROUP_MODULES``);
    only that group can run, and its help, usage line and errors are the same."""
    modules = GROUP_MODULES.get(args[0]) if args else None
    if modules is None:  # no arguments, an option, a command, a typo: the whole app
        return _whole_app()
    _load(modules)
    for group in _app.registered_groups:
        name = group.name or (group.typer_instance.info.name if group.typer_instance else None)
        if name == args[0]:
            narrowed = copy.copy(_app)
            narrowed.registered_commands = []
            narrowed.registered_groups = [group]
            return narrowed
    return _whole_app()
