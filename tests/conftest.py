"""Shared fixtures: a fresh database per test on SQLite and (when configured) PostgreSQL.

``db`` is parametrised over the backends: every storage test runs on SQLite, and on a real
PostgreSQL server when ``PUBLISHER_TEST_POSTGRES_URL`` is set (``.ci/run`` always sets it).
A migrated template is built once per session; each test gets a copy of it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from connectors.sandbox import SandboxHandle, run_in_thread
from connectors.sandbox.client import SandboxClient
from connectors.sandbox.state import Accounts
from publisher import db as dbmod
from publisher import migrate
from publisher.config import get_settings
from publisher.models import load_all
from publisher.security import load_secret
from publisher.timeutil import Clock, FrozenClock, set_clock

# Every table in SQLModel.metadata (the models load lazily, module by module): the fixtures
# and the tests that walk the whole schema expect all of them.
load_all()

PG_URL = os.environ.get("PUBLISHER_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


def _pg_admin_url() -> str:
    return dbmod._normalise_url(PG_URL)


def _with_db(url: str, name: str) -> str:
    base = url.rsplit("/", 1)[0]
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tmpl") / "template.db"
    engine = dbmod.make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_template() -> Iterator[str]:
    if not PG_URL:
        yield ""
        return
    name = f"pubtmpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = dbmod.make_engine(_with_db(_pg_admin_url(), name))
    migrate.upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_target() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (dropped afterwards); its URL. Skips without one."""
    if not PG_URL:
        pytest.skip("needs PUBLISHER_TEST_POSTGRES_URL")
    admin_url = _pg_admin_url()
    name = f"target_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield _with_db(admin_url, name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_database(backend: str, tmp_path: Path, sqlite_tmpl: Path, pg_tmpl: str) -> str:
    """A fresh, migrated database URL for one test.

    SQLite: a copy of the migrated template file. PostgreSQL: the session's migrated database,
    emptied (TRUNCATE is far faster than creating a database per test).
    """
    if backend == "sqlite":
        target = tmp_path / "publisher.db"
        shutil.copy(sqlite_tmpl, target)
        return f"sqlite:///{target}"
    url = _with_db(_pg_admin_url(), pg_tmpl)
    engine = create_engine(url)
    tables = [t.name for t in SQLModel.metadata.sorted_tables]
    with engine.begin() as conn:
        # The audit log refuses TRUNCATE by trigger; the test superuser skips triggers for
        # this one reset transaction (SET LOCAL ends with it).
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(
            text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        )
    engine.dispose()
    return url


def drop_database(url: str) -> None:
    """Nothing to drop: the session database is removed at the end of the session."""


@dataclass
class DB:
    backend: str
    url: str
    engine: Engine
    data_dir: Path


@pytest.fixture(params=BACKENDS)
def db(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    _sqlite_template: Path,
    _pg_template: str,
) -> Iterator[DB]:
    """A fresh migrated database, configured as the process's default (settings, engine)."""
    backend: str = request.param
    url = make_database(backend, tmp_path, _sqlite_template, _pg_template)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setenv("PUBLISHER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", url)
    monkeypatch.setenv("PUBLISHER_SECRET_KEY", "test-secret-key-0123456789")
    monkeypatch.setenv("PUBLISHER_LANGUAGE", "vi")
    get_settings.cache_clear()
    load_secret.cache_clear()
    dbmod.reset_engines()
    yield DB(backend, url, dbmod.get_engine(), data_dir)
    dbmod.reset_engines()
    get_settings.cache_clear()
    load_secret.cache_clear()


@pytest.fixture
def sqlite_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _sqlite_template: Path
) -> Iterator[DB]:
    """Like ``db`` but SQLite only (for tests about behaviour, not storage)."""
    url = make_database("sqlite", tmp_path, _sqlite_template, "")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setenv("PUBLISHER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", url)
    monkeypatch.setenv("PUBLISHER_SECRET_KEY", "test-secret-key-0123456789")
    get_settings.cache_clear()
    load_secret.cache_clear()
    dbmod.reset_engines()
    yield DB("sqlite", url, dbmod.get_engine(), data_dir)
    dbmod.reset_engines()
    get_settings.cache_clear()
    load_secret.cache_clear()


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    """A frozen clock at 01/10/2026 00:00 UTC, installed as the process clock."""
    frozen = FrozenClock(datetime(2026, 10, 1, 0, 0, tzinfo=UTC))
    set_clock(frozen)
    yield frozen
    set_clock(Clock())


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a CLI command run in-process with
    ``PUBLISHER_LANGUAGE=en`` sets the language of the whole thread, and xdist runs tests in
    any order, so one such test must not turn the next one's interface English."""
    from publisher.i18n import DEFAULT_LANGUAGE, set_language

    set_language(DEFAULT_LANGUAGE)
    yield
    set_language(DEFAULT_LANGUAGE)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Cheap argon2 parameters in tests (production keeps the library's defaults)."""
    from argon2 import PasswordHasher

    from publisher import security

    original = security._hasher
    security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    security._hasher = original


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    """One platform emulator (Graph API, Bot API, webhook receiver) for the test session."""
    handle = run_in_thread(data_dir=tmp_path_factory.mktemp("sandbox"))
    yield handle
    handle.stop()


@pytest.fixture
def sandbox(sandbox_server: SandboxHandle) -> Iterator[SandboxHandle]:
    """The session's sandbox, reset before each test (faults, records, objects, accounts)."""
    sandbox_server.state.reset()
    sandbox_server.state.accounts = Accounts()
    sandbox_server.state.__dict__.pop("tg_reaction_updates", None)
    yield sandbox_server
    sandbox_server.state.faults.clear()


@pytest.fixture
def sb(sandbox: SandboxHandle) -> SandboxClient:
    return SandboxClient(sandbox.url)
