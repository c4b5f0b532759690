"""Shared CLI plumbing: one-line errors in the user's language, JSON output, the admin actor.

Light on purpose: building the command tree (and so ``--help``) imports this module, so it
imports neither SQLAlchemy/SQLModel, the models, the services nor the settings at module
level; they are imported when a command runs (see docs/architecture.md, "A quick CLI").
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from publisher.errors import PublisherError
from publisher.i18n import set_language, t

if TYPE_CHECKING:
    from sqlmodel import Session

    from publisher.services.accounts.actor import Actor

F = TypeVar("F", bound=Callable[..., Any])

#: The name the CLI acts under: it runs on the server with administrator rights, recorded as
#: such in the audit log.
CLI_ACTOR_NAME = "cli:admin"


@functools.cache
def cli_actor() -> Actor:
    """The CLI's administrator actor (built on first use: the services are not imported
    for ``--help``)."""
    from publisher.services.accounts.actor import Actor

    return Actor.system(CLI_ACTOR_NAME)


def __getattr__(name: str) -> Any:
    # ``CLI_ACTOR`` stays importable without importing the services at module level.
    if name == "CLI_ACTOR":
        return cli_actor()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line to stderr and exit non-zero."""
    typer.echo(message.replace("\n", " "), err=True)
    raise typer.Exit(code)


def handle_errors(fn: F) -> F:
    """Turn every expected failure into one translated line on stderr and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from publisher.config import get_settings

        set_language(get_settings().language)
        try:
            return fn(*args, **kwargs)
        except PublisherError as exc:
            fail(exc.message())
        except OverflowError:
            # An id or number beyond what the database's integers hold (SQLite: 64 bits).
            fail(t("error.value_out_of_range"))
        except UnicodeError:
            # Text with lone surrogates (invalid UTF-8 bytes in an argument or a file).
            fail(t("error.text_invalid_utf8"))
        except OSError as exc:
            if exc.filename is None:  # a socket, a process...: not about a file
                fail(t("error.internal", detail=exc.strerror or exc))
            fail(t("error.file_io", path=exc.filename, reason=exc.strerror or exc))
        except Exception as exc:
            # The time parser and SQLAlchemy are imported when a command runs, not at module
            # level (``--help`` needs neither); neither kind is also one of the above.
            if _is_time_error(exc):
                from publisher.timeutil import DateParseError

                key = (
                    "error.date_invalid"
                    if isinstance(exc, DateParseError)
                    else "error.time_invalid"
                )
                fail(t(key, value=str(exc)))
            if _is_database_error(exc):
                fail(database_error_line(exc))
            raise

    return wrapper  # type: ignore[return-value]


def _is_time_error(exc: BaseException) -> bool:
    from publisher.timeutil import TimeParseError

    return isinstance(exc, TimeParseError)


def _is_database_error(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.DatabaseError):
        return True
    if "sqlalchemy" not in sys.modules:
        return False
    from sqlalchemy.exc import DBAPIError

    return isinstance(exc, DBAPIError)


#: What SQLite says of a file that is not (or no longer) a database.
_CORRUPT_MARKS = ("file is not a database", "malformed", "file is encrypted")


def database_error_line(exc: BaseException) -> str:
    """One translated line for a database failure (corrupt file, value out of range,
    schema missing, server unreachable)."""
    from sqlalchemy.exc import DataError, OperationalError, ProgrammingError

    orig = getattr(exc, "orig", None)
    text = str(orig) if orig is not None else str(exc)
    first = (text.splitlines() or [""])[0][:200]
    if any(mark in text for mark in _CORRUPT_MARKS):
        return t("error.database_corrupt", detail=first)
    if isinstance(exc, DataError):
        return t("error.value_out_of_range")
    if isinstance(exc, OperationalError | ProgrammingError) and (
        "no such table" in text or "does not exist" in text
    ):
        return t("error.schema_outdated")
    return t("error.database_unreachable", detail=first)


def check_out_file(path: Path) -> Path:
    """``--out`` must name a file in an existing folder; raises PublisherError otherwise
    (checked before any work, so that nothing is written)."""
    if path.is_dir():
        raise PublisherError("error.out_is_directory", path=str(path))
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise PublisherError("error.out_parent_missing", path=str(path))
    return path


@contextmanager
def admin_session() -> Iterator[tuple[Session, Actor]]:
    from publisher.db import session_scope

    with session_scope() as session:
        yield session, cli_actor()


def json_default(value: Any) -> Any:
    """JSON for what :mod:`json` cannot write: dates and times in ISO 8601 (``T`` between
    date and time, the offset kept), anything else as its text."""
    if isinstance(value, date | time):  # datetime is a date
        return value.isoformat()
    return str(value)


def emit(data: Any, as_json: bool, human: str | Callable[[], str] | None = None) -> None:
    """Print ``data`` as JSON, or the human-readable text."""
    if as_json:
        sys.stdout.write(
            json.dumps(data, ensure_ascii=False, indent=2, default=json_default) + "\n"
        )
        return
    text = human() if callable(human) else human
    if text is None:
        text = json.dumps(data, ensure_ascii=False, indent=2, default=json_default)
    typer.echo(text)


def parse_kv(pairs: list[str] | None, option: str) -> dict[str, str]:
    """``["a=1", "b=2"]`` -> dict; raises PublisherError for an item without '='."""
    out: dict[str, str] = {}
    for item in pairs or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise PublisherError("error.bad_option", detail=f"{option} {item}")
        out[key.strip()] = value.strip()
    return out


#: Largest secret read from a file, standard input or the environment (tokens are < 1 KB).
SECRET_MAX_BYTES = 64 * 1024


def secret_value(
    value: str | None, file: str | None, env: str | None, *, option: str
) -> str | None:
    """The secret of ``option`` (``--token``) from at most one source: the value itself
    (``--token VALUE``, visible in ``ps`` and shell history), a file (``--token-file PATH``;
    ``-`` reads standard input) or an environment variable (``--token-env VAR``). Whitespace
    around a read secret (a file's final newline) is dropped. ``None`` when none is given.

    Raises PublisherError (one line) for two sources at once, an unreadable, over-long or
    non-UTF-8 file, an unset variable, and an empty secret read from a file or variable.
    """
    if sum(x is not None for x in (value, file, env)) > 1:
        raise PublisherError("error.secret_sources", option=option)
    if value is not None:
        return value
    if file is not None:
        raw = _read_secret_file(file, option)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise PublisherError("error.secret_file_unreadable", option=option, path=file) from None
        source = t("cli.secret_stdin") if file == "-" else file
    elif env is not None:
        if env not in os.environ:
            raise PublisherError("error.secret_env_unset", option=option, var=env)
        text, source = os.environ[env], f"${env}"
        if len(text.encode("utf-8", "surrogateescape")) > SECRET_MAX_BYTES:
            raise PublisherError("error.secret_too_long", option=option, path=source)
    else:
        return None
    text = text.strip()
    if not text:
        raise PublisherError("error.secret_empty", option=option, path=source)
    return text


def _read_secret_file(path: str, option: str) -> bytes:
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(SECRET_MAX_BYTES + 1)
        else:
            with open(path, "rb") as fh:
                raw = fh.read(SECRET_MAX_BYTES + 1)
    except FileNotFoundError:
        raise PublisherError("error.secret_file_missing", option=option, path=path) from None
    except (OSError, ValueError):  # a directory, no permission, a closed stdin
        raise PublisherError("error.secret_file_unreadable", option=option, path=path) from None
    if len(raw) > SECRET_MAX_BYTES:
        raise PublisherError("error.secret_too_long", option=option, path=path)
    return raw
