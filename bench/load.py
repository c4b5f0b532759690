"""Load: 50 concurrent editors on the service layer and the api service while the worker drains
a national-day burst.

Per backend: the sandbox emulators (own process, 50 ms latency), a fresh database, 200
channels in 10 organisations with 5 posts each due at one instant (1 000 deliveries: the
10/10 burst), one worker process, one api process. 50 editor threads (5 per organisation,
real users with the editor role) loop for ``--seconds``: list posts, compose + submit a post,
approve a colleague's post, the calendar month, statistics totals, alerts, the review queue,
and over HTTP ``/health`` and a signed inbound event. Every call's latency and every error is
recorded; at the end the receiver is checked for duplicates and the burst for completeness.

Run: ``.venv/bin/python -m bench.load [--seconds 60] [--backends sqlite postgres]``; results
in ``bench/results/load.json`` and ``load.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench import engine_setup as es
from bench.engine_bench import pct, wait_until

RESULTS = Path(__file__).resolve().parent / "results"
EDITORS = 50
ORGS = 10
CHANNELS = 200
PER_CHANNEL = 5
HEALTH_TOKEN = "bench-health-token-0123456789"


def _users(layout: es.Layout) -> dict[str, list[Any]]:
    """Five editors and one officer per organisation (real rows, argon2 hashes)."""
    from publisher.db import session_scope
    from publisher.models import Role
    from publisher.services.accounts import users as users_svc
    from publisher.services.accounts.actor import Actor

    out: dict[str, list[Any]] = {}
    admin = Actor.system("bench:load")
    for org in layout.orgs:
        with session_scope() as s:
            rows = [
                users_svc.create_user(
                    s, admin, f"{org}-bt{i}", Role.EDITOR, org, password="bench password 12345"
                )[0]
                for i in range(EDITORS // ORGS)
            ]
            out[org] = [Actor.of(u) for u in rows]
    return out


class Recorder:
    def __init__(self) -> None:
        self.lat: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.health: Counter[str] = Counter()  # /health answers: ok, warn, fail (+ which check)
        self.lock = threading.Lock()

    def time(self, op: str, fn: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn()
        except Exception as exc:  # every failure is counted, none stops the editor
            with self.lock:
                self.errors[f"{op}: {type(exc).__name__}: {str(exc)[:80]}"] += 1
            return None
        finally:
            with self.lock:
                self.lat[op].append(time.perf_counter() - t)


def editor_loop(
    actor: Any,
    channels: list[str],
    api: str,
    hook: tuple[str, str],
    rec: Recorder,
    stop: threading.Event,
    seed: int,
) -> None:
    from connectors import signing
    from publisher.db import session_scope
    from publisher.errors import PublisherError
    from publisher.services.accounts import alerts
    from publisher.services.insight import stats
    from publisher.services.publishing import calendar, posts, review

    rng = random.Random(seed)
    http = httpx.Client(timeout=30)
    n = 0

    def compose() -> None:
        with session_scope() as s:
            p = posts.compose(
                s,
                actor,
                posts.PostInput(
                    text=f"Tin của {actor.username} số {n} — Ngày Chuyển đổi số",
                    channels=[rng.choice(channels)],
                    due_at=datetime.now(UTC) + timedelta(days=2),
                ),
            )
            assert p.id is not None
            posts.submit(s, actor, p.id)

    def approve() -> None:
        with session_scope() as s:
            items = [
                i
                for i in review.queue(s, actor, limit=20)
                if getattr(i, "author", None) != actor.username
            ]
            for item in items[:1]:
                try:
                    posts.approve(s, actor, item.post.id)  # type: ignore[arg-type]
                except PublisherError:
                    pass  # own post, or a colleague approved it first: expected refusals

    def read(fn: Any) -> Any:
        def run() -> Any:
            with session_scope(readonly=True) as s:
                return fn(s)

        return run

    def inbound() -> None:
        body = json.dumps(
            {"event_id": f"{actor.username}-{n}", "event": "seen", "delivery": "unknown"}
        ).encode()
        ts = str(int(time.time()))
        r = http.post(
            f"{api}/inbound/{hook[0]}",
            content=body,
            headers={
                signing.TIMESTAMP_HEADER: ts,
                signing.HMAC_HEADER: signing.hmac_signature(hook[1], ts, body),
            },
        )
        if r.status_code not in (200, 404):  # 404: the delivery is unknown (by design here)
            raise RuntimeError(f"inbound {r.status_code}")

    def health() -> None:
        r = http.get(f"{api}/health", headers={"authorization": f"Bearer {HEALTH_TOKEN}"})
        status = r.json().get("status", "?") if r.status_code in (200, 503) else "error"
        failing = [c.get("name") for c in r.json().get("checks", []) if c.get("status") == "fail"]
        with rec.lock:
            rec.health[f"{status} {','.join(str(f) for f in failing)}".strip()] += 1
        if status == "error":
            raise RuntimeError(f"health answered {r.status_code}")

    ops = [
        ("list_posts", read(lambda s: posts.list_posts(s, actor))),
        ("compose_submit", compose),
        ("approve", approve),
        (
            "calendar_month",
            read(lambda s: calendar.period(s, actor, date(2026, 10, 1), date(2026, 10, 31))),
        ),
        ("stats_totals", read(lambda s: stats.totals(s, actor, stats.StatsFilter()))),
        ("alerts", read(lambda s: alerts.list_alerts(s, actor))),
        ("review_queue", read(lambda s: review.queue(s, actor))),
        ("api_health", health),
        ("api_inbound", inbound),
    ]
    while not stop.is_set():
        name, fn = rng.choice(ops)
        rec.time(name, fn)
        n += 1
        time.sleep(rng.uniform(0.05, 0.3))  # think time between clicks
    http.close()


def start_api(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = es.free_port()
    out = open(log, "ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "publisher.cli", "api", "--port", str(port)],
        cwd=es.ROOT,
        env={
            **os.environ,
            **env,
            "PYTHONPATH": str(es.ROOT),
            "PUBLISHER_HEALTH_TOKEN": HEALTH_TOKEN,  # the checks failing are recorded
        },
        stdout=out,
        stderr=out,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: _up(url), 30, 0.2)
    return proc, url


def _up(url: str) -> bool:
    try:
        httpx.get(f"{url}/health", timeout=2)
        return True
    except httpx.HTTPError:
        return False


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    with es.bench_run(backend, args.pg_admin, latency=0.05) as (sandbox, db):
        layout = es.make_channels(sandbox.url, CHANNELS, per_org=CHANNELS // ORGS, prefix="l")
        for org, names in layout.orgs.items():
            for k in range(PER_CHANNEL):
                es.schedule_post(f"10/10 — {org} bài {k}", names)
        total = CHANNELS * PER_CHANNEL
        actors = _users(layout)
        hook = next(n for n, kind in layout.kinds.items() if kind == "webhook")
        api, api_url = start_api(db.env, db.data_dir / "api.log")
        worker = es.start_worker(
            db.env, "--threads", str(args.threads), log=db.data_dir / "worker.log"
        )
        time.sleep(3)
        due = datetime.now(UTC) + timedelta(seconds=2)
        es.set_all_due(due)
        rec = Recorder()
        stop = threading.Event()
        threads = []
        for i, (org, org_actors) in enumerate(sorted(actors.items())):
            for j, actor in enumerate(org_actors):
                t = threading.Thread(
                    target=editor_loop,
                    args=(
                        actor,
                        layout.orgs[org],
                        api_url,
                        (hook, "sandbox-secret"),
                        rec,
                        stop,
                        i * 100 + j,
                    ),
                    daemon=True,
                )
                t.start()
                threads.append(t)
        t0 = time.monotonic()
        drained = wait_until(lambda: es.status_counts().get("sent", 0) >= total, args.seconds, 0.5)
        drain_s = time.monotonic() - t0 if drained else None
        while time.monotonic() - t0 < args.seconds:
            time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(60)
        if not drained:  # editors gone: how long the rest of the burst takes
            drained = wait_until(lambda: es.status_counts().get("sent", 0) >= total, 180, 0.5)
            drain_s = time.monotonic() - t0 if drained else None
        es.stop_worker(worker)
        es.stop_worker(api)
        records = sandbox.client().published()
        keys = Counter(es.receiver_key(r) for r in records)
        ops = {
            op: {
                "calls": len(v),
                "p50_ms": round(pct(v, 50) * 1000, 1),
                "p95_ms": round(pct(v, 95) * 1000, 1),
                "p99_ms": round(pct(v, 99) * 1000, 1),
                "max_ms": round(max(v) * 1000, 1),
            }
            for op, v in sorted(rec.lat.items())
        }
        return {
            "backend": backend,
            "editors": EDITORS,
            "seconds": args.seconds,
            "burst_deliveries": total,
            "burst_drained": drained,
            "burst_drain_seconds": round(drain_s, 1) if drain_s else None,
            "statuses": es.status_counts(),
            "received": len(records),
            "duplicates": sum(n - 1 for n in keys.values() if n > 1),
            "calls": sum(len(v) for v in rec.lat.values()),
            "errors": sum(rec.errors.values()),
            "error_kinds": dict(rec.errors.most_common(10)),
            "health_answers": dict(rec.health),
            "ops": ops,
        }


def markdown(res: dict[str, Any]) -> str:
    lines = [
        f"# Load: {EDITORS} editors during a national-day burst ({res['date']})",
        "",
        f"Machine: {res['machine']}. Command: `.venv/bin/python -m bench.load`. "
        f"{CHANNELS} channels in {ORGS} organisations, {PER_CHANNEL} posts each due at "
        "one instant; one worker process; one api process; sandbox latency 50 ms; "
        "editors think 50–300 ms between calls.",
        "",
    ]
    for r in res["runs"]:
        lines += [
            f"## {r['backend']}",
            "",
            f"Burst of {r['burst_deliveries']} deliveries drained: "
            f"{r['burst_drained']} in {r['burst_drain_seconds']} s; duplicates at the "
            f"receiver: {r['duplicates']}. Editor calls: {r['calls']}, errors: "
            f"{r['errors']}.",
            "",
            "| operation | calls | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {op} | {o['calls']} | {o['p50_ms']} | {o['p95_ms']} | {o['p99_ms']} | "
            f"{o['max_ms']} |"
            for op, o in r["ops"].items()
        ]
        lines += [
            "",
            "`/health` answers during the run: "
            + ", ".join(f"{k} × {v}" for k, v in r["health_answers"].items())
            + ".",
        ]
        if r["error_kinds"]:
            lines += ["", "Errors:"] + [f"- {k} × {v}" for k, v in r["error_kinds"].items()]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--backends", nargs="*", default=["postgres", "sqlite"])
    parser.add_argument("--pg-admin", default=es.PG_ADMIN_DEFAULT)
    parser.add_argument("--out", default=str(RESULTS / "load"))
    args = parser.parse_args()
    res: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": es.machine(),
        "runs": [],
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for backend in args.backends:
        r = run_backend(backend, args)
        print(json.dumps(r, ensure_ascii=False), flush=True)
        res["runs"].append(r)
        out.with_suffix(".json").write_text(json.dumps(res, indent=2, ensure_ascii=False))
    out.with_suffix(".md").write_text(markdown(res))


if __name__ == "__main__":
    main()
