"""The ``publisher`` command line (Typer). Thin: it parses, calls services, prints.

Each area registers its commands from its own module (``register(app)``), listed explicitly
in ``COMMAND_MODULES``. Errors print one line to stderr in the user's language and exit 1.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="publisher",
    help="Resolution 57 multi-channel publishing scheduler.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Modules under publisher.cli that define ``register(app: typer.Typer) -> None``.
COMMAND_MODULES: tuple[str, ...] = (
    "core",
    "library",
    "sandbox",
    "render",
    "worker",
    "ops",
    "ui",
    "stats",
    "jobs",
)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"publisher.cli.{name}")
        module.register(app)


_register_all()


def main() -> None:
    """Console-script entry point."""
    from publisher.fsmodes import restrict_umask
    from publisher.logging import configure_logging

    # First of all: everything this process (worker, api, ui, backups...) creates is 0600
    # and its folders 0700; the database and its WAL are the office's alone.
    restrict_umask()
    # Before any command runs: plain or JSON lines (PUBLISHER_LOG_JSON), secrets redacted.
    configure_logging()
    app()
