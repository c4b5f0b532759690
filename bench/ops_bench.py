"""Operations benchmark: backup, restore, SQLite -> PostgreSQL, metrics and health on a
province's year. Run: ``.venv/bin/python -m bench.ops_bench [--quick]``.

Data: the statistics benchmark's generator (``bench.stats_data``: 100 organisations,
500 channels, posts through 2026 with five engagement snapshots per delivery; ``--quick`` a
tenth of the full size) loaded into PostgreSQL with COPY, plus a media store of random files.
Then, timed once each (these are minutes-long operations, not micro-benchmarks):

1. PostgreSQL: ``/metrics`` rendering and ``health`` (median of 5), ``backup``, ``restore``;
2. ``migrate-db`` PostgreSQL -> SQLite (to obtain the same office on SQLite);
3. SQLite: metrics, health, backup, restore;
4. ``migrate-db`` SQLite -> a fresh PostgreSQL database (the move an office makes).

Writes ``bench/results/ops.json`` and ``bench/results/ops.md``.
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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

RESULTS = Path(__file__).parent / "results"
PG_ADMIN = os.environ.get(
    "PUBLISHER_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _admin() -> Any:
    return create_engine(
        PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )


def _new_database(prefix: str) -> tuple[str, str]:
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def _drop_database(name: str) -> None:
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _use(url: str) -> None:
    from publisher.config import get_settings
    from publisher.db import reset_engines

    os.environ["PUBLISHER_DATABASE_URL"] = url
    get_settings.cache_clear()
    reset_engines()


def _once(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return round(time.perf_counter() - t0, 2), result


def _median_ms(fn: Callable[[], Any], runs: int = 5) -> float:
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


def _make_media(root: Path, files: int, size: int) -> int:
    total = 0
    for i in range(files):
        path = root / "media" / f"{i % 16:02x}" / f"asset-{i:05d}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(size))
        total += size
    return total


def _observe(label: str, out: dict[str, Any], work: Path) -> None:
    """Metrics, health, backup and restore on the configured database."""
    from publisher.db import get_engine, session_scope
    from publisher.services.operations import backup as backup_svc
    from publisher.services.operations.health import health
    from publisher.services.operations.prometheus import render_metrics

    def metrics() -> str:
        with session_scope(readonly=True) as s:
            return render_metrics(s)

    out[f"{label}_metrics_ms"] = _median_ms(metrics)
    out[f"{label}_health_ms"] = _median_ms(lambda: health(get_engine(readonly=True)))
    archive = work / f"{label}.tar"
    out[f"{label}_backup_s"], result = _once(lambda: backup_svc.backup(archive))
    out[f"{label}_archive_mb"] = round(archive.stat().st_size / 1e6, 1)
    out[f"{label}_rows"] = result.rows
    out[f"{label}_restore_s"], _ = _once(lambda: backup_svc.restore(archive, force=True))
    archive.unlink()


def run(quick: bool) -> dict[str, Any]:
    from bench.stats_data import Sizes, load
    from publisher import migrate
    from publisher.db import get_engine, reset_engines, session_scope
    from publisher.services.operations.dbcopy import copy_database
    from publisher.services.publishing.campaigns import seed_national_days

    sizes = Sizes(posts=10_000, tasks=500) if quick else Sizes()
    media_files, media_size = (100, 1_000_000) if quick else (500, 2_000_000)
    out: dict[str, Any] = {}
    names: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ops-bench-") as tmp:
        work = Path(tmp)
        os.environ["PUBLISHER_DATA_DIR"] = str(work / "data")
        out["media_mb"] = round(_make_media(work / "data", media_files, media_size) / 1e6, 1)
        out["media_files"] = media_files
        try:
            name, pg_url = _new_database("ops_bench")
            names.append(name)
            _use(pg_url)
            migrate.upgrade(get_engine())
            with session_scope() as s:
                seed_national_days(s)
            out["load_s"], out["rows"] = _once(lambda: load(pg_url, sizes))
            print("postgresql…", flush=True)
            _observe("pg", out, work)

            print("migrate-db postgresql -> sqlite…", flush=True)
            sqlite_url = f"sqlite:///{work / 'office.db'}"
            out["copy_pg_to_sqlite_s"], _ = _once(lambda: copy_database(get_engine(), sqlite_url))
            _use(sqlite_url)
            print("sqlite…", flush=True)
            _observe("sqlite", out, work)

            print("migrate-db sqlite -> postgresql…", flush=True)
            name2, pg2 = _new_database("ops_bench_target")
            names.append(name2)
            out["copy_sqlite_to_pg_s"], copied = _once(lambda: copy_database(get_engine(), pg2))
            out["copied_rows"] = copied.rows
        finally:
            reset_engines()
            for n in names:
                _drop_database(n)
    return out


def write_results(data: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ops.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    r = data["results"]
    rows = r["rows"]
    lines = [
        "# Operations benchmark",
        "",
        f"Run {data['run_at']} on {data['machine']}"
        + (" (quick)" if data["quick"] else "")
        + f"; command `.venv/bin/python -m bench.ops_bench{' --quick' if data['quick'] else ''}`.",
        "",
        "Data: "
        + ", ".join(f"{v:,} {k}" for k, v in rows.items())
        + f" (all tables: {r['pg_rows']:,} rows); media store {r['media_files']} files, "
        f"{r['media_mb']} MB of random bytes. Each operation timed once.",
        "",
        "| operation | PostgreSQL | SQLite |",
        "|---|---|---|",
        f"| `/metrics` render (median of 5) | {r['pg_metrics_ms']} ms | "
        f"{r['sqlite_metrics_ms']} ms |",
        f"| `health` (median of 5) | {r['pg_health_ms']} ms | {r['sqlite_health_ms']} ms |",
        f"| `backup` (database + media, checksums) | {r['pg_backup_s']} s | "
        f"{r['sqlite_backup_s']} s |",
        f"| archive size | {r['pg_archive_mb']} MB | {r['sqlite_archive_mb']} MB |",
        f"| `restore --force` (verify, swap) | {r['pg_restore_s']} s | {r['sqlite_restore_s']} s |",
        "",
        f"`migrate-db` SQLite -> PostgreSQL (copy, sequences, verification): "
        f"{r['copy_sqlite_to_pg_s']} s for {r['copied_rows']:,} rows "
        f"(PostgreSQL -> SQLite: {r['copy_pg_to_sqlite_s']} s).",
    ]
    (RESULTS / "ops.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="A tenth of the data.")
    args = parser.parse_args()
    os.environ.setdefault("PUBLISHER_SECRET_KEY", "bench-secret-key-0123456789abcdef")
    started = time.perf_counter()
    results = run(args.quick)
    data = {
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "results": results,
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    write_results(data)
    print(json.dumps(data, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
