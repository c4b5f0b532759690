"""Helpers of the engine benchmarks: databases, the sandbox process, channels, posts, workers.

Everything runs the real thing: the sandbox emulators in their own process (so that they do
not share the benchmark's GIL), workers as ``python -m publisher.cli worker`` subprocesses,
the real connectors and client libraries.
"""

from __future__ import annotations

import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import create_engine, text, update
from sqlmodel import select

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def machine() -> str:
    """The machine line of a results file."""
    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the sandbox ----------------------------------------------------------------------------
@dataclass
class Sandbox:
    url: str
    proc: subprocess.Popen[bytes]

    def client(self) -> Any:
        from connectors.sandbox.client import SandboxClient

        return SandboxClient(self.url, timeout=120)

    def reset(self, latency: float = 0.0) -> None:
        sb = self.client()
        sb.reset()
        if latency:
            sb.set_latency(latency)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_sandbox(latency: float = 0.0) -> Sandbox:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "publisher.cli",
            "sandbox",
            "--port",
            str(port),
            "--latency",
            str(latency),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_sandbox/health", timeout=1).status_code == 200:
                return Sandbox(url, proc)
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("sandbox did not start")


# -- databases ------------------------------------------------------------------------------
@dataclass
class BenchDB:
    url: str
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)


def _activate(url: str, data_dir: Path, lease_seconds: int) -> dict[str, str]:
    from publisher import db as dbmod
    from publisher.config import get_settings
    from publisher.security import load_secret

    env = {
        "PUBLISHER_DATABASE_URL": url,
        "PUBLISHER_DATA_DIR": str(data_dir),
        "PUBLISHER_SECRET_KEY": "bench-secret-key-0123456789",
        "PUBLISHER_ALLOW_PRIVATE_WEBHOOKS": "1",
        "PUBLISHER_LEASE_SECONDS": str(lease_seconds),
        "PTB_TIMEDELTA": "1",
    }
    os.environ.update(env)
    get_settings.cache_clear()
    load_secret.cache_clear()
    dbmod.reset_engines()
    return env


def new_database(backend: str, pg_admin: str, *, lease_seconds: int = 60) -> BenchDB:
    """A fresh migrated database (SQLite file or a new PostgreSQL database)."""
    from publisher import db as dbmod
    from publisher import migrate

    data_dir = Path(tempfile.mkdtemp(prefix="engine-bench-"))
    if backend == "sqlite":
        url = f"sqlite:///{data_dir / 'publisher.db'}"
    else:
        name = f"engine_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(dbmod._normalise_url(pg_admin), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = dbmod._normalise_url(pg_admin).rsplit("/", 1)[0] + f"/{name}"
    env = _activate(url, data_dir, lease_seconds)
    engine = dbmod.make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return BenchDB(url, data_dir, env)


def drop_database(db: BenchDB, pg_admin: str) -> None:
    from publisher import db as dbmod

    dbmod.reset_engines()
    if db.url.startswith("postgresql"):
        name = db.url.rsplit("/", 1)[1]
        admin = create_engine(dbmod._normalise_url(pg_admin), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def bench_run(
    backend: str, pg_admin: str, *, latency: float = 0.0, lease_seconds: int = 60
) -> Iterator[tuple[Sandbox, BenchDB]]:
    """A sandbox process and a fresh database for one run; the sandbox is stopped and the
    database dropped afterwards, whatever happened."""
    sandbox = start_sandbox(latency=latency)
    db: BenchDB | None = None
    try:
        db = new_database(backend, pg_admin, lease_seconds=lease_seconds)
        yield sandbox, db
    finally:
        sandbox.stop()
        if db is not None:
            drop_database(db, pg_admin)


# -- channels and posts ---------------------------------------------------------------------
@dataclass
class Layout:
    """Channel names per organisation; ``kinds`` maps name -> kind."""

    orgs: dict[str, list[str]]
    kinds: dict[str, str]


def make_channels(
    sandbox_url: str,
    n_channels: int,
    per_org: int = 100,
    *,
    tg_chats_per_bot: int = 10,
    prefix: str = "c",
) -> Layout:
    """``n_channels`` channels: 50 % webhooks, 30 % Telegram chats (10 per bot), 20 %
    Facebook Pages, in organisations of ``per_org`` channels."""
    from publisher.db import session_scope
    from publisher.services.accounts import orgs as orgs_svc
    from publisher.services.accounts.actor import Actor
    from publisher.services.publishing import channels as channels_svc

    admin = Actor.system("bench")
    layout = Layout({}, {})
    tg_index = 0
    for start in range(0, n_channels, per_org):
        slug = f"{prefix}-org-{start // per_org}"
        names: list[str] = []
        with session_scope() as s:
            orgs_svc.create_org(s, admin, f"Đơn vị {slug}", slug=slug)
            for i in range(start, min(n_channels, start + per_org)):
                name = f"{prefix}{i}"
                slot = i % 10
                if slot < 5:
                    kind, settings, creds = (
                        "webhook",
                        {"url": f"{sandbox_url}/hooks/{name}", "signature": "hmac"},
                        {"secret": "sandbox-secret"},
                    )
                elif slot < 8:
                    bot = 7000 + tg_index // tg_chats_per_bot
                    tg_index += 1
                    kind, settings, creds = (
                        "telegram",
                        {"chat_id": f"@sandbox_{name}", "api_base_url": sandbox_url},
                        {"bot_token": f"{bot}:sandbox-bench"},
                    )
                else:
                    page = str(100000 + i)
                    kind, settings, creds = (
                        "facebook",
                        {"page_id": page, "graph_url": sandbox_url + "/"},
                        {"access_token": f"sandbox-fb-{page}"},
                    )
                channels_svc.add_channel(
                    s, admin, kind=kind, name=name, org=slug, settings=settings, credentials=creds
                )
                names.append(name)
                layout.kinds[name] = kind
        layout.orgs[slug] = names
    return layout


def schedule_post(text_: str, channels: list[str], due_at: datetime | None = None) -> int:
    """Compose + approve (admin) one post; returns its id."""
    from publisher.db import session_scope
    from publisher.services.accounts.actor import Actor
    from publisher.services.publishing import posts as posts_svc

    admin = Actor.system("bench")
    due_at = due_at or datetime.now(UTC) + timedelta(days=1)
    with session_scope() as s:
        post = posts_svc.compose(
            s, admin, posts_svc.PostInput(text=text_, channels=channels, due_at=due_at)
        )
        assert post.id is not None
        posts_svc.approve(s, admin, post.id)
        return post.id


def set_all_due(at: datetime) -> int:
    """Move every pending delivery's due time to ``at`` (one instant: the burst)."""
    from publisher.db import session_scope
    from publisher.models import Delivery

    with session_scope() as s:
        result = s.execute(
            update(Delivery)
            .where(Delivery.status == "pending")  # type: ignore[arg-type]
            .values(due_at=at, next_attempt_at=at)
        )
        return int(getattr(result, "rowcount", 0))


def reset_deliveries() -> None:
    """Put every delivery back to pending (between scale-out runs; the sandbox is reset too)."""
    from publisher.db import session_scope
    from publisher.models import Delivery, WorkerHeartbeat

    far = datetime.now(UTC) + timedelta(days=1)
    with session_scope() as s:
        s.execute(
            update(Delivery).values(
                status="pending",
                attempts=0,
                lease_owner=None,
                lease_until=None,
                external_id=None,
                url=None,
                error_kind=None,
                last_error=None,
                first_attempt_at=None,
                sent_at=None,
                due_at=far,
                next_attempt_at=far,
            )
        )
        for hb in s.exec(select(WorkerHeartbeat)):
            s.delete(hb)


def status_counts() -> dict[str, int]:
    from sqlalchemy import func

    from publisher.db import session_scope
    from publisher.models import Delivery

    with session_scope(readonly=True) as s:
        rows = s.exec(select(Delivery.status, func.count()).group_by(Delivery.status)).all()
    return {status: int(n) for status, n in rows}


def scheduler_ready() -> bool:
    """A worker holds the scheduler lease (it has started and is leading)."""
    from publisher.db import session_scope
    from publisher.models import SchedulerLease

    with session_scope(readonly=True) as s:
        lease = s.get(SchedulerLease, "scheduler")
        return lease is not None and lease.lease_until > datetime.now(UTC)


# -- the receiver's judgement ---------------------------------------------------------------
def receiver_key(record: dict[str, Any]) -> tuple[str, str, str]:
    """What identifies one publication at the sandbox: platform, account, text."""
    return record["platform"], str(record.get("account")), str(record.get("text"))


def count_at_receiver(sandbox: Sandbox) -> dict[str, Any]:
    """Lost / duplicated / unconfirmed, comparing every delivery with the receiver."""
    from publisher.db import session_scope
    from publisher.models import Channel, Delivery, Post

    got = Counter(receiver_key(r) for r in sandbox.client().published())
    lost = dup = unconfirmed = unconfirmed_present = pending = 0
    by_kind: Counter[str] = Counter()
    with session_scope(readonly=True) as s:
        chans = {c.id: c for c in s.exec(select(Channel))}
        posts = {p.id: p for p in s.exec(select(Post))}
        deliveries = list(s.exec(select(Delivery)))
        for d in deliveries:
            ch, post = chans[d.channel_id], posts[d.post_id]
            account = {
                "facebook": ch.settings.get("page_id"),
                "telegram": ch.settings.get("chat_id"),
                "webhook": ch.name,
            }[ch.kind]
            n = got.get((ch.kind, str(account), post.text), 0)
            dup += max(0, n - 1)
            if d.status == "unconfirmed":
                unconfirmed += 1
                by_kind[ch.kind] += 1
                unconfirmed_present += n > 0
            elif d.status in ("pending", "sending"):
                pending += 1
                lost += n == 0
            elif n == 0:
                lost += 1  # "sent"/"failed" yet nothing at the receiver and no one asked
    return {
        "deliveries": len(deliveries),
        "lost": lost,
        "duplicated_at_receiver": dup,
        "unconfirmed": unconfirmed,
        "unconfirmed_by_platform": dict(by_kind),
        "unconfirmed_actually_published": unconfirmed_present,
        "left_pending": pending,
        "statuses": status_counts(),
    }


# -- workers --------------------------------------------------------------------------------
def worker_env(env: dict[str, str], root: Path) -> dict[str, str]:
    """The environment of a worker process started from the checkout ``root``.

    ``PYTHONDONTWRITEBYTECODE`` (set in the sessions' environment) is left out: with it every
    worker start compiled the project's modules from source (a checkout has no bytecode
    caches), which an installed package never does (pip compiles them at install), and
    which cost a restart more CPU than the imports themselves."""
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**base, **env, "PYTHONPATH": str(root)}


def start_worker(
    env: dict[str, str], *args: str, log: Path | None = None
) -> subprocess.Popen[bytes]:
    out = open(log, "ab") if log else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "publisher.cli", "worker", *args],
        cwd=ROOT,
        env=worker_env(env, ROOT),
        stdout=out,
        stderr=out,
    )


def stop_worker(proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _rss(proc: psutil.Process) -> int:
    try:
        return int(proc.memory_info().rss)
    except psutil.Error:  # ended meanwhile
        return 0


def family_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its live child processes."""
    proc = psutil.Process(pid)
    total = 0.0
    for p in (proc, *proc.children(recursive=True)):
        try:
            times = p.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def wait_children_idle(pid: int, timeout: float = 20.0) -> None:
    """Wait until the child processes of ``pid`` (a worker's call processes) have done
    their start-up: their CPU time stops growing for half a second."""
    deadline = time.monotonic() + timeout
    last = -1.0
    while time.monotonic() < deadline:
        kids = psutil.Process(pid).children(recursive=True)
        if not kids:
            return  # no call processes
        used = sum(sum(_times(k)) for k in kids)
        if used == last:
            return
        last = used
        time.sleep(0.5)


def _times(proc: psutil.Process) -> tuple[float, float]:
    try:
        times = proc.cpu_times()
    except psutil.Error:
        return (0.0, 0.0)
    return (times.user, times.system)


class RssSampler:
    """Peak resident memory of a process, sampled every 50 ms from a thread; ``children``
    (the peak of the process and its child processes together, such as a worker's call
    processes) as ``peak_family``."""

    def __init__(self, pid: int) -> None:
        import threading

        self.peak = 0
        self.peak_family = 0
        self._proc = psutil.Process(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            try:
                own = self._proc.memory_info().rss
                family = own + sum(_rss(c) for c in self._proc.children(recursive=True))
            except psutil.Error:
                return
            self.peak = max(self.peak, own)
            self.peak_family = max(self.peak_family, family)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(2)
        return self.peak
