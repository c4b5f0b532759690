"""Calendar benchmark: the month view's query with thousands of posts.

Run: ``.venv/bin/python -m bench.ui_bench`` (``--postgres URL`` to add a PostgreSQL run).
Seeds one organisation with three channels and N posts spread over one month (every post on
all three channels), then times :func:`publisher.services.publishing.calendar.period` for that
month:
one warm-up, then seven timed runs (median, max). Writes ``bench/results/ui.json`` and
``bench/results/ui.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

RESULTS = Path(__file__).parent / "results"
SIZES = (1_000, 5_000, 20_000)


def _database(backend: str, pg_url: str, tmp: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / f'cal-{uuid.uuid4().hex[:6]}.db'}"
    name = f"ui_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        pg_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return pg_url.rsplit("/", 1)[0] + "/" + name


def _drop(pg_url: str, url: str) -> None:
    admin = create_engine(
        pg_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def _seed(n: int) -> Any:
    from publisher.db import session_scope
    from publisher.models import Post, PostStatus, PostVariant
    from publisher.services.accounts.actor import Actor
    from tests.factories import make_office, telegram_channel, webhook_channel

    office = make_office(
        "bench",
        channels={
            "tg": telegram_channel(),
            "hook": webhook_channel(),
            "tg2": telegram_channel("@khcn_2"),
        },
    )
    statuses = list(PostStatus)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    with session_scope() as s:
        for i in range(n):
            post = Post(
                org_id=office.org.id,
                status=statuses[i % len(statuses)],
                title=f"Bài số {i}",
                text="Nội dung " * 30,
                due_at=start + timedelta(seconds=(i * 2_592_000) // n),
            )
            s.add(post)
            if i % 500 == 499:
                s.flush()
        s.flush()
        ids = [p for (p,) in s.execute(text("SELECT id FROM post"))]
        for pid in ids:
            for channel in office.channels.values():
                s.add(PostVariant(post_id=pid, channel_id=channel.id))
    return Actor.of(office.users["editor"])


def _time(actor: Any) -> dict[str, float]:
    from datetime import date

    from publisher.db import session_scope
    from publisher.services.publishing import calendar as cal

    start, end = cal.month_bounds(2026, 10)
    runs = []
    for i in range(8):
        t0 = time.perf_counter()
        with session_scope(readonly=True) as s:
            p = cal.period(s, actor, start, end, per_day=4)  # what the month view asks
        if i:
            runs.append((time.perf_counter() - t0) * 1000)
    assert p.total > 0 and start <= date(2026, 10, 15) <= end
    return {
        "median_ms": round(statistics.median(runs), 1),
        "max_ms": round(max(runs), 1),
        "posts_in_view": p.total,
    }


def run(backends: list[str], pg_url: str) -> list[dict[str, Any]]:
    from publisher import db as dbmod
    from publisher import migrate
    from publisher.config import get_settings
    from publisher.security import load_secret

    out = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ["PUBLISHER_SECRET_KEY"] = "bench-secret-key-0123456789"
        os.environ["PUBLISHER_DATA_DIR"] = str(tmp)
        for backend in backends:
            for n in SIZES:
                url = _database(backend, pg_url, tmp)
                os.environ["PUBLISHER_DATABASE_URL"] = url
                get_settings.cache_clear()
                load_secret.cache_clear()
                dbmod.reset_engines()
                migrate.upgrade(dbmod.get_engine())
                actor = _seed(n)
                result = {"backend": backend, "posts": n, **_time(actor)}
                print(result)
                out.append(result)
                dbmod.reset_engines()
                if backend == "postgres":
                    _drop(pg_url, url)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default="", help="admin URL of a PostgreSQL server")
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgres"] if args.postgres else [])
    rows = run(backends, args.postgres)
    RESULTS.mkdir(exist_ok=True)
    meta = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
    }
    (RESULTS / "ui.json").write_text(
        json.dumps({"meta": meta, "calendar_month": rows}, indent=1), encoding="utf-8"
    )
    lines = [
        "# Calendar month view (publisher.services.publishing.calendar.period)",
        "",
        f"{meta['when']} · Python {meta['python']} · {meta['cpus']} CPUs · load average "
        f"{meta['load_average']:.1f} (the machine is shared; medians move with its load)",
        "",
        "Every post is on three channels; the view is the 5-week grid of October 2026.",
        "",
        "| backend | posts in the month | median (ms) | max (ms) |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r['backend']} | {r['posts_in_view']:,} | {r['median_ms']} | {r['max_ms']} |"
        for r in rows
    ]
    (RESULTS / "ui.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
