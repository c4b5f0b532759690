"""Crash suite: kill -9 the worker, an executor, or the database connection under load.

Three scenarios, each on SQLite and on PostgreSQL (the harness is ``bench.engine_setup``, the
same one the engine crash benchmark in ``bench/engine_bench.py`` uses, and so is the counting,
``engine_setup.count_at_receiver``):

- ``worker``: one full worker (scheduler + executor threads), SIGKILLed at random moments and
  restarted each time.
- ``executor``: a leading worker plus two ``--executor-only`` processes; the executors are
  SIGKILLed at random moments and restarted, the leader lives on.
- ``connection``: PostgreSQL: every database backend of the worker is terminated with
  ``pg_terminate_backend`` at random moments while it keeps running (it must reconnect and
  carry on). SQLite has no server connection to cut, so the process is SIGKILLed *while it
  holds the write lock* (detected by a ``BEGIN IMMEDIATE`` that cannot get the lock): a kill
  in the middle of a write transaction.

Afterwards one ``--until-idle`` worker drains what is left; then every delivery is compared
with what the sandbox receiver recorded: lost (neither at the receiver nor flagged for a
person), duplicated at the receiver, unconfirmed (flagged). Target: 0 lost, 0 duplicated.

Run: ``.venv/bin/python -m bench.crash [--quick]`` (< 10 min); results in
``bench/results/crash.json`` and ``crash.md``.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench import engine_setup as es

RESULTS = Path(__file__).resolve().parent / "results"
LEASE_S = 6


def _load(sandbox_url: str, n_channels: int, total: int, prefix: str) -> None:
    layout = es.make_channels(sandbox_url, n_channels, prefix=prefix)
    names = [n for ns in layout.orgs.values() for n in ns]
    for k in range(max(1, total // n_channels)):
        es.schedule_post(f"Bài kiểm thử sự cố {prefix} {k}", names)
    es.set_all_due(datetime.now(UTC))


def wait_in_flight(timeout: float = 20.0) -> bool:
    """Wait until some delivery is ``sending``: the worker is up and mid-publish."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if es.status_counts().get("sending"):
            return True
        time.sleep(0.05)
    return False


def _sqlite_write_locked(path: Path) -> bool:
    """True while another process holds SQLite's write lock (a write transaction is open)."""
    conn = sqlite3.connect(path, timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.rollback()
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def _terminate_backends(db: es.BenchDB, pg_admin: str) -> int:
    from publisher import db as dbmod

    name = db.url.rsplit("/", 1)[1]
    admin = create_engine(dbmod._normalise_url(pg_admin), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            ).all()
        return len(rows)
    finally:
        admin.dispose()


def run_scenario(scenario: str, backend: str, args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(f"{scenario}-{backend}-57")
    run = es.bench_run(backend, args.pg_admin, latency=args.latency, lease_seconds=LEASE_S)
    with run as (sandbox, db):
        t0 = time.perf_counter()
        _load(sandbox.url, args.channels, args.deliveries, f"{scenario[:2]}{backend[:2]}")
        log = db.data_dir / "crash.log"
        threads = str(args.threads)
        events: Counter[str] = Counter()
        if scenario == "worker":
            for _ in range(args.kills):
                w = es.start_worker(db.env, "--threads", threads, log=log)
                wait_in_flight()
                time.sleep(rng.uniform(0.0, 1.0))
                events["in_flight" if es.status_counts().get("sending") else "idle"] += 1
                w.kill()
                w.wait()
                events["kills"] += 1
        elif scenario == "executor":
            leader = es.start_worker(db.env, "--threads", "2", log=log)
            execs = [
                es.start_worker(db.env, "--executor-only", "--threads", threads, log=log)
                for _ in range(2)
            ]
            for _ in range(args.kills):
                wait_in_flight()
                time.sleep(rng.uniform(0.0, 1.0))
                i = rng.randrange(len(execs))
                events["in_flight" if es.status_counts().get("sending") else "idle"] += 1
                execs[i].kill()
                execs[i].wait()
                events["kills"] += 1
                execs[i] = es.start_worker(db.env, "--executor-only", "--threads", threads, log=log)
            for w in [leader, *execs]:
                es.stop_worker(w)
        elif backend == "postgres":
            w = es.start_worker(db.env, "--threads", threads, log=log)
            for _ in range(args.kills):
                wait_in_flight()
                time.sleep(rng.uniform(0.0, 1.0))
                events["backends_terminated"] += _terminate_backends(db, args.pg_admin)
                events["kills"] += 1
            time.sleep(2.0)
            events["worker_alive_after"] = int(w.poll() is None)
            es.stop_worker(w)
        else:
            path = Path(db.url.removeprefix("sqlite:///"))
            for _ in range(args.kills):
                w = es.start_worker(db.env, "--threads", threads, log=log)
                wait_in_flight()
                deadline = time.monotonic() + rng.uniform(0.5, 3.0)
                hit = False
                while time.monotonic() < deadline and not hit:
                    hit = _sqlite_write_locked(path)
                w.kill()
                w.wait()
                events["kills"] += 1
                events["killed_holding_write_lock"] += int(hit)
        final = es.start_worker(db.env, "--until-idle", "--threads", threads, log=log)
        final.wait(args.drain_timeout)
        res = es.count_at_receiver(sandbox)
        res.update(
            scenario=scenario,
            backend=backend,
            events=dict(events),
            lease_seconds=LEASE_S,
            final_exit_code=final.returncode,
            seconds=round(time.perf_counter() - t0, 1),
        )
        return res


def markdown(res: dict[str, Any]) -> str:
    lines = [
        f"# Crash suite ({res['mode']}, {res['date']})",
        "",
        f"Machine: {res['machine']}. Command: `.venv/bin/python -m bench.crash"
        f"{' --quick' if res['mode'] == 'quick' else ''}`. Lease {LEASE_S} s; the sandbox "
        "receiver is the judge of what was published; emulated latency "
        f"{res['latency_s']} s per call keeps deliveries in flight when the kills land.",
        "",
        "| scenario | backend | deliveries | kills | lost | duplicated | unconfirmed "
        "(published) | left pending | events |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in res["runs"]:
        ev = ", ".join(f"{k} {v}" for k, v in r["events"].items())
        lines.append(
            f"| {r['scenario']} | {r['backend']} | {r['deliveries']} | "
            f"{r['events'].get('kills', 0)} | {r['lost']} | "
            f"{r['duplicated_at_receiver']} | {r['unconfirmed']} "
            f"({r['unconfirmed_actually_published']}) | {r['left_pending']} | {ev} |"
        )
    lines += [
        "",
        "Target: 0 lost, 0 duplicated. Unconfirmed deliveries are raised as alerts "
        "for a person (Telegram cannot be asked whether a message exists).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--scenarios", nargs="*", default=["worker", "executor", "connection"])
    parser.add_argument("--backends", nargs="*", default=["sqlite", "postgres"])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--pg-admin", default=es.PG_ADMIN_DEFAULT)
    parser.add_argument(
        "--latency",
        type=float,
        default=0.25,
        help="Emulated platform latency: keeps deliveries in flight.",
    )
    parser.add_argument("--drain-timeout", type=float, default=120)
    parser.add_argument("--out", default=str(RESULTS / "crash"))
    args = parser.parse_args()
    args.channels = 40 if args.quick else 100
    args.deliveries = 200 if args.quick else 600
    args.kills = 3 if args.quick else 8
    res: dict[str, Any] = {
        "mode": "quick" if args.quick else "full",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": es.machine(),
        "latency_s": args.latency,
        "runs": [],
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for scenario in args.scenarios:
        for backend in args.backends:
            r = run_scenario(scenario, backend, args)
            print(json.dumps(r, ensure_ascii=False), flush=True)
            res["runs"].append(r)
            out.with_suffix(".json").write_text(json.dumps(res, indent=2, ensure_ascii=False))
    out.with_suffix(".md").write_text(markdown(res))


if __name__ == "__main__":
    main()
