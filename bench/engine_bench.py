"""Delivery engine benchmarks: precision, burst vs a bare loop, scale-out, crash, peak RSS.

Run: ``.venv/bin/python -m bench.engine_bench [--quick]``. Results go to
``bench/results/engine.json`` and ``bench/results/engine.md``. ``--quick`` scales every count
down (for a smoke run); the committed results say which mode produced them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil

from bench import engine_setup as es

RESULTS = Path(__file__).resolve().parent / "results"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def wait_until(cond: Any, timeout: float, step: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(step)
    return bool(cond())


# -- precision --------------------------------------------------------------------------------
def bench_precision(args: argparse.Namespace) -> dict[str, Any]:
    """N posts on 100 channels, due times spread evenly over a 10 s window (each channel gets
    one every 2 s, so per-channel rate limits do not add lateness); lateness = emulator
    receipt time - due time."""
    n_posts = 100 if args.quick else 500
    n_channels = 20 if args.quick else 100
    with es.bench_run("sqlite", args.pg_admin) as (sandbox, db):
        layout = es.make_channels(sandbox.url, n_channels, per_org=n_channels, prefix="p")
        names = [n for ns in layout.orgs.values() for n in ns]
        ids = [
            es.schedule_post(f"Tin đúng giờ #{i}", [names[i % len(names)]]) for i in range(n_posts)
        ]
        worker = es.start_worker(
            db.env, "--threads", str(args.threads), log=db.data_dir / "worker.log"
        )
        # Started (imports take seconds on a loaded machine) and leading before the window.
        wait_until(es.scheduler_ready, 60, 0.1)
        t0 = datetime.now(UTC) + timedelta(seconds=3)
        due = {
            f"Tin đúng giờ #{i}": t0 + timedelta(seconds=10 * i / n_posts) for i in range(n_posts)
        }
        from sqlmodel import select

        from publisher.db import session_scope
        from publisher.models import Delivery, Post

        with session_scope() as s:
            for post in s.exec(select(Post).where(Post.id.in_(ids))):  # type: ignore[union-attr]
                for d in s.exec(select(Delivery).where(Delivery.post_id == post.id)):
                    d.due_at = d.next_attempt_at = due[post.text]
                    s.add(d)
        sb = sandbox.client()
        ok = wait_until(lambda: len(sb.published()) >= n_posts, 60)
        times = psutil.Process(worker.pid).cpu_times()
        es.stop_worker(worker)
        records = sb.published()
        lateness = [
            r["received_at"] - due[r["text"]].timestamp() for r in records if r["text"] in due
        ]
        return {
            "posts": n_posts,
            "channels": n_channels,
            "window_s": 10,
            "completed": ok,
            "received": len(records),
            "duplicates": len(records) - len({r["text"] for r in records}),
            "lateness_p50_s": round(pct(lateness, 50), 3),
            "lateness_p99_s": round(pct(lateness, 99), 3),
            "lateness_max_s": round(max(lateness), 3) if lateness else None,
            "early": sum(1 for x in lateness if x < 0),
            # Whole worker life (start-up included): a starved process shows little CPU.
            "worker_cpu_s": round(times.user + times.system, 2),
            "statuses": es.status_counts(),
        }


# -- burst ------------------------------------------------------------------------------------
def _burst_setup(sandbox_url: str, n_channels: int, per_channel: int, prefix: str) -> es.Layout:
    layout = es.make_channels(sandbox_url, n_channels, prefix=prefix)
    for org, names in layout.orgs.items():
        for k in range(per_channel):
            es.schedule_post(f"Ngày Chuyển đổi số 10/10 — {org} bài {k}", names)
    return layout


def bare_loop(threads: int, *, keep_limits: bool = False) -> dict[str, Any]:
    """The same deliveries published by the same connectors, no database, no scheduler;
    clients kept per thread as the worker keeps them (:mod:`connectors.clients`).

    ``keep_limits``: each delivery waits for the instant the platforms' limits allow it (the
    engine's own token buckets, :mod:`publisher.engine.ratelimit`, planned ahead in delivery
    order, the deliveries then sent in order of those instants): the least any correct client
    must wait, since the real platforms refuse more (a Telegram chat: one message a second).
    Without it, the loop sends everything at once, as only a lenient emulator accepts."""
    from sqlmodel import select

    from connectors.clients import ClientCache
    from publisher.db import session_scope
    from publisher.engine.claim import ChannelSpecs
    from publisher.engine.outgoing import Ready, build
    from publisher.engine.ratelimit import RateLimiter
    from publisher.models import Channel, Delivery
    from publisher.services.publishing import channels as channels_svc

    jobs = []
    clients = ClientCache()
    specs, limiter = ChannelSpecs(), RateLimiter()
    with session_scope(readonly=True) as s:
        channels = {c.id: c for c in s.exec(select(Channel))}
        for d in s.exec(select(Delivery).order_by(Delivery.id)):
            built = build(s, d)
            assert isinstance(built, Ready)  # the benchmark's posts have no media
            at = 0.0
            if keep_limits:
                spec, _ = specs.get(d.channel_id)
                while (ready := limiter.try_acquire(d.channel_id, spec, at)) is not None:
                    at = ready
            jobs.append(
                (
                    at,
                    channels_svc.make_connector(
                        channels[d.channel_id], timeout=30, clients=clients
                    ),
                    built.prepared.outgoing,
                )
            )
    jobs.sort(key=lambda job: job[0])
    errors: Counter[str] = Counter()
    start = 0.0

    def one(job: Any) -> None:
        at, connector, outgoing = job
        wait = start + at - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        try:
            connector.publish(outgoing)
        except Exception as exc:
            errors[type(exc).__name__] += 1

    start = time.perf_counter()
    cpu0 = time.process_time()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, jobs))
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    clients.close()
    return {
        "deliveries": len(jobs),
        "keeps_limits": keep_limits,
        "seconds": round(elapsed, 2),
        "per_second": round(len(jobs) / elapsed, 1),
        "cpu_ms_per_delivery": round(1000 * cpu / len(jobs), 2),
        "errors": dict(errors),
    }


def rate_floor(per_channel: int) -> float:
    """The shortest time in which the platforms' default limits let the engine send
    ``per_channel`` posts to every burst channel: the slowest channel's bucket (``burst``
    posts at once, then ``rate`` a second) or a bot's shared bucket across its chats. The
    bare loop ignores these limits; the engine keeps them, so its time is at least this."""
    from publisher.services.publishing import channels as channels_svc

    floor = 0.0
    for kind in ("webhook", "telegram", "facebook"):
        cls = channels_svc.connector_class(kind)
        burst = max(1, cls.rate_burst)
        floor = max(floor, max(0, per_channel - burst) / cls.rate_per_second)
        if cls.group_rate_per_second > 0:
            # make_channels puts 10 Telegram chats on one bot.
            sent = 10 * per_channel
            group = cls.group_rate_per_second
            floor = max(floor, max(0.0, sent - group) / group)
    return floor


def bench_burst(args: argparse.Namespace) -> dict[str, Any]:
    n_channels = 400 if args.quick else 2000
    per_channel = 5
    with es.bench_run("sqlite", args.pg_admin) as (sandbox, db):
        t = time.perf_counter()
        _burst_setup(sandbox.url, n_channels, per_channel, "b")
        setup_s = time.perf_counter() - t
        total = n_channels * per_channel
        sb = sandbox.client()
        bare = bare_loop(args.threads)
        sandbox.reset()
        bare_limits = bare_loop(args.threads, keep_limits=True)
        sandbox.reset()
        worker = es.start_worker(
            db.env, "--threads", str(args.threads), log=db.data_dir / "worker.log"
        )
        rss = es.RssSampler(worker.pid)
        wait_until(es.scheduler_ready, 60, 0.1)
        es.wait_children_idle(worker.pid)
        ready = psutil.Process(worker.pid).cpu_times()
        ready_family = es.family_cpu(worker.pid)
        t0 = datetime.now(UTC) + timedelta(seconds=1)
        es.set_all_due(t0)
        ok = wait_until(lambda: es.status_counts().get("sent", 0) >= total, 600, 0.5)
        end = time.time()
        peak = rss.stop()
        times = psutil.Process(worker.pid).cpu_times()
        family = es.family_cpu(worker.pid)
        calls = len(psutil.Process(worker.pid).children())
        es.stop_worker(worker)
        records = sb.published()
        last = max((r["received_at"] for r in records), default=end)
        first = min((r["received_at"] for r in records), default=end)
        elapsed = last - t0.timestamp()
        keys = Counter(es.receiver_key(r) for r in records)
        engine = {
            "deliveries": total,
            "completed": ok,
            "seconds_from_due": round(elapsed, 2),
            "first_receipt_after_due_s": round(first - t0.timestamp(), 3),
            "per_second": round(total / elapsed, 1),
            "received": len(records),
            "duplicates": sum(n - 1 for n in keys.values() if n > 1),
            "statuses": es.status_counts(),
            "peak_rss_mb": round(peak / 2**20, 1),
            # The worker and its call processes (publisher.engine.calls) together.
            "call_processes": calls,
            "peak_rss_mb_with_call_processes": round(rss.peak_family / 2**20, 1),
            # Includes the worker's start-up (imports), so slightly above the steady state.
            "cpu_ms_per_delivery": round(1000 * (times.user + times.system) / total, 2),
            # From the moment the worker leads (imports and start-up done) to the last sent.
            "cpu_ms_per_delivery_after_start": round(
                1000 * (times.user + times.system - ready.user - ready.system) / total, 2
            ),
            # The same with the call processes' CPU: what the engine costs in all.
            "cpu_ms_per_delivery_after_start_with_call_processes": round(
                1000 * (family - ready_family) / total, 2
            ),
        }
        floor = rate_floor(per_channel)
        return {
            "channels": n_channels,
            "per_channel": per_channel,
            "threads": args.threads,
            "setup_seconds": round(setup_s, 1),
            "engine": engine,
            "bare_loop": bare,
            "bare_loop_keeping_limits": bare_limits,
            # The target: against a client that waits as the platforms require.
            "ratio_keeping_limits": round(engine["per_second"] / bare_limits["per_second"], 3),
            "ratio": round(engine["per_second"] / bare["per_second"], 3),
            # The platforms' default limits (a Telegram chat: one post a second) keep the
            # engine at least this long; the bare loop sends without them.
            "rate_limit_floor_s": round(floor, 2),
            # 1.0 where the floor does not bind (the bare loop itself takes longer).
            "best_ratio_within_limits": round(min(1.0, bare["seconds"] / floor), 3)
            if floor
            else None,
        }


# -- scale-out --------------------------------------------------------------------------------
def _cpu_now(sandbox_pid: int) -> dict[str, Any]:
    """CPU seconds so far: the machine's busy time, each PostgreSQL process, the sandbox."""
    times = psutil.cpu_times()
    postgres: dict[int, float] = {}
    for proc in psutil.process_iter(["name"]):
        if proc.info["name"] == "postgres":
            try:
                t = proc.cpu_times()
                postgres[proc.pid] = t.user + t.system
            except psutil.Error:
                pass
    try:
        t = psutil.Process(sandbox_pid).cpu_times()
        sandbox = t.user + t.system
    except psutil.Error:
        sandbox = 0.0
    return {
        "busy": times.user + times.nice + times.system + times.irq + times.softirq,
        "postgres": postgres,
        "sandbox": sandbox,
    }


def _cpu_used(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
    """CPU seconds between two :func:`_cpu_now` snapshots (PostgreSQL processes that ended
    in between are not counted)."""
    pg = sum(cpu - before["postgres"].get(pid, 0.0) for pid, cpu in after["postgres"].items())
    return {
        "machine": after["busy"] - before["busy"],
        "postgres": pg,
        "sandbox": after["sandbox"] - before["sandbox"],
    }


def bench_scale(args: argparse.Namespace) -> dict[str, Any]:
    n_channels = 400 if args.quick else 2000
    per_channel = 2 if args.quick else 5
    latency = 0.05
    threads = args.scale_threads
    runs: list[dict[str, Any]] = []
    with es.bench_run("postgres", args.pg_admin, latency=latency) as (sandbox, db):
        _burst_setup(sandbox.url, n_channels, per_channel, "s")
        total = n_channels * per_channel
        for procs in (1, 2, 4):
            es.reset_deliveries()
            sandbox.reset(latency)
            workers = [
                es.start_worker(
                    db.env,
                    "--executor-only",
                    "--threads",
                    str(threads),
                    log=db.data_dir / f"scale-{procs}.log",
                )
                for _ in range(procs)
            ]
            from sqlmodel import select

            from publisher.db import session_scope
            from publisher.models import WorkerHeartbeat

            def registered(n: int = procs) -> bool:
                with session_scope(readonly=True) as s:
                    return len(list(s.exec(select(WorkerHeartbeat)))) >= n

            wait_until(registered, 30)
            for w in workers:  # their call processes have imported what they need
                es.wait_children_idle(w.pid)
            time.sleep(3)  # every executor has seen the others: shards are settled
            cpu_before = _cpu_now(sandbox.proc.pid)
            t0 = datetime.now(UTC) + timedelta(seconds=1)
            es.set_all_due(t0)
            ok = wait_until(lambda: es.status_counts().get("sent", 0) >= total, 900, 0.5)
            used = _cpu_used(cpu_before, _cpu_now(sandbox.proc.pid))
            cpu = 0.0
            for w in workers:
                try:
                    times = psutil.Process(w.pid).cpu_times()
                    cpu += times.user + times.system
                except psutil.Error:
                    pass
                es.stop_worker(w)
            records = sandbox.client().published()
            last = max((r["received_at"] for r in records), default=time.time())
            elapsed = last - t0.timestamp()
            keys = Counter(es.receiver_key(r) for r in records)
            runs.append(
                {
                    "processes": procs,
                    "completed": ok,
                    "seconds": round(elapsed, 2),
                    "per_second": round(total / elapsed, 1),
                    "received": len(records),
                    "duplicates": sum(n - 1 for n in keys.values() if n > 1),
                    # CPU the executors used per delivery: on a shared 2-core machine this,
                    # not the 50 ms latency, bounds throughput.
                    "worker_cpu_ms_per_delivery": round(1000 * cpu / total, 2),
                    # From due to the last delivery (workers: whole life, start-up included);
                    # "machine" is every busy CPU second, other jobs on the machine included.
                    "cpu_ms_per_delivery": {k: round(1000 * v / total, 2) for k, v in used.items()},
                    "machine_busy_cpus": round(used["machine"] / max(elapsed, 1e-9), 2),
                }
            )
        base = runs[0]["per_second"]
        for r in runs:
            r["speedup"] = round(r["per_second"] / base, 2)
        return {
            "channels": n_channels,
            "deliveries": total,
            "latency_s": latency,
            "threads_per_process": threads,
            "backend": "postgresql",
            "runs": runs,
        }


# -- crash ------------------------------------------------------------------------------------
def bench_crash(args: argparse.Namespace) -> dict[str, Any]:
    """kill -9 the worker at random moments of a run, restart it each time; then count at the
    receiver what was lost, duplicated or left unconfirmed."""
    n_channels = 100
    total = 300 if args.quick else 1000
    kills = 5 if args.quick else 20
    rng = random.Random(57)
    # Short leases so that a killed worker's deliveries are reconciled within the run.
    run = es.bench_run(args.crash_backend, args.pg_admin, latency=0.05, lease_seconds=6)
    with run as (sandbox, db):
        layout = es.make_channels(sandbox.url, n_channels, prefix="k")
        names = [n for ns in layout.orgs.values() for n in ns]
        per_channel = total // n_channels
        for k in range(per_channel):
            es.schedule_post(f"Bài kiểm thử sự cố {k}", names)
        es.set_all_due(datetime.now(UTC))
        log = db.data_dir / "crash.log"
        from sqlmodel import select

        from publisher.db import session_scope

        killed_while: Counter[str] = Counter()
        from publisher.models import WorkerHeartbeat

        for _ in range(kills):
            worker = es.start_worker(db.env, "--threads", str(args.threads), log=log)
            pid = str(worker.pid)

            def started(pid: str = pid) -> bool:
                with session_scope(readonly=True) as s:
                    return any(hb.pid == int(pid) for hb in s.exec(select(WorkerHeartbeat)))

            wait_until(started, 30, 0.05)
            time.sleep(rng.uniform(0.05, 1.5))  # a random moment of work
            killed_while[str(es.status_counts().get("sending", 0) > 0)] += 1
            worker.kill()  # SIGKILL: no cleanup at all
            worker.wait()
        final = es.start_worker(db.env, "--until-idle", "--threads", str(args.threads), log=log)
        final.wait(600)
        found = es.count_at_receiver(sandbox)
        return {
            "deliveries": total,
            "kills": kills,
            "kills_with_deliveries_in_flight": killed_while.get("True", 0),
            "backend": args.crash_backend,
            "lease_seconds": 6,
            "final_exit_code": final.returncode,
            "statuses": found["statuses"],
            "lost": found["lost"],
            "duplicated_at_receiver": found["duplicated_at_receiver"],
            "unconfirmed": found["unconfirmed"],
            "unconfirmed_by_platform": found["unconfirmed_by_platform"],
            "unconfirmed_actually_published": found["unconfirmed_actually_published"],
        }


# -- report -----------------------------------------------------------------------------------
def markdown(res: dict[str, Any]) -> str:
    lines = [
        f"# Engine benchmarks ({res['mode']}, {res['date']})",
        "",
        f"Machine: {res['machine']}. Command: `.venv/bin/python -m bench.engine_bench"
        f"{' --quick' if res['mode'] == 'quick' else ''}`.",
        "",
    ]
    p = res.get("precision")
    if p:
        lines += [
            "## Precision",
            "",
            "| posts | channels | p50 | p99 | max | early | dup |",
            "|---|---|---|---|---|---|---|",
            f"| {p['posts']} | {p['channels']} | {p['lateness_p50_s']} s | "
            f"{p['lateness_p99_s']} s | {p['lateness_max_s']} s | {p['early']} | "
            f"{p['duplicates']} |",
            "",
            "Target: p99 ≤ 1 s, max ≤ 2 s.",
            "",
        ]
    b = res.get("burst")
    if b:
        e, bare = b["engine"], b["bare_loop"]
        kept = b.get("bare_loop_keeping_limits") or {}
        lines += [
            "## Burst (SQLite, one worker)",
            "",
            "| deliveries | channels | engine/s | bare loop keeping limits/s | ratio | "
            "bare loop ignoring limits/s | ratio | CPU ms per delivery: worker (after start; "
            "with its call processes) / bare loop keeping / ignoring limits | dup | "
            "peak RSS (with call processes) |",
            "|---|---|---|---|---|---|---|---|---|---|",
            f"| {e['deliveries']} | {b['channels']} | {e['per_second']} | "
            f"{kept.get('per_second')} | {b.get('ratio_keeping_limits')} | "
            f"{bare['per_second']} | {b['ratio']} | "
            f"{e['cpu_ms_per_delivery']} ({e['cpu_ms_per_delivery_after_start']}; "
            f"{e.get('cpu_ms_per_delivery_after_start_with_call_processes', '–')}) / "
            f"{kept.get('cpu_ms_per_delivery')} / {bare['cpu_ms_per_delivery']} | "
            f"{e['duplicates']} | {e['peak_rss_mb']} MB "
            f"({e.get('peak_rss_mb_with_call_processes', '–')} MB) |",
            "",
            "Target: ratio ≥ 0.8 against the bare loop keeping the platforms' limits (each "
            "delivery waits for the instant the engine's token buckets allow, planned ahead): "
            f"those limits alone take {b.get('rate_limit_floor_s')} s here (each Telegram chat "
            "gets its posts one second apart), and the real platforms refuse more. The loop "
            "ignoring them is shown for comparison: only a lenient emulator accepts it.",
            "",
        ]
    s = res.get("scale")
    if s:
        lines += [
            f"## Scale-out (PostgreSQL, {s['latency_s'] * 1000:.0f} ms emulated latency,"
            f" {s['threads_per_process']} threads per process)",
            "",
            "| executor processes | deliveries/s | speedup | dup | CPU ms per delivery: "
            "workers / PostgreSQL / sandbox / whole machine | busy CPUs |",
            "|---|---|---|---|---|---|",
        ]
        for r in s["runs"]:
            c = r.get("cpu_ms_per_delivery")
            split = (
                f"{r['worker_cpu_ms_per_delivery']} / {c['postgres']} / {c['sandbox']} / "
                f"{c['machine']}"
                if c
                else f"{r['worker_cpu_ms_per_delivery']} / – / – / –"
            )
            lines.append(
                f"| {r['processes']} | {r['per_second']} | {r['speedup']}× | "
                f"{r['duplicates']} | {split} | {r.get('machine_busy_cpus', '–')} |"
            )
        lines += ["", "Target: 4 executors ≥ 3× one.", ""]
    c = res.get("crash")
    if c:
        lines += [
            "## Crash (kill -9)",
            "",
            "| deliveries | kills | lost | duplicated | unconfirmed (by platform) |",
            "|---|---|---|---|---|",
            f"| {c['deliveries']} | {c['kills']} | {c['lost']} | "
            f"{c['duplicated_at_receiver']} | {c['unconfirmed']} "
            f"{c['unconfirmed_by_platform']} |",
            "",
            "Target: 0 lost, 0 duplicates, unconfirmed only where the platform cannot "
            "be asked (Telegram).",
            "",
        ]
    if res.get("notes"):
        lines += ["## Notes", ""] + [f"- {n}" for n in res["notes"]] + [""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Scaled-down counts.")
    parser.add_argument("--only", nargs="*", default=["precision", "burst", "scale", "crash"])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--scale-threads", type=int, default=8)
    parser.add_argument("--crash-backend", default="postgres", choices=["sqlite", "postgres"])
    parser.add_argument("--pg-admin", default=es.PG_ADMIN_DEFAULT)
    parser.add_argument("--out", default=str(RESULTS / "engine"))
    args = parser.parse_args()
    res: dict[str, Any] = {
        "mode": "quick" if args.quick else "full",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": es.machine(),
        "notes": [],
    }
    out = Path(args.out)
    if out.with_suffix(".json").exists():
        previous = json.loads(out.with_suffix(".json").read_text())
        if previous.get("mode") == res["mode"]:
            # Keep every earlier result until its re-run completes (an interrupted run
            # must not drop the benchmarks it had not reached yet).
            for key in ("precision", "burst", "scale", "crash"):
                if key in previous:
                    res[key] = previous[key]
    for name in args.only:
        t = time.perf_counter()
        load_before = os.getloadavg()[0]
        res[name] = {
            "precision": bench_precision,
            "burst": bench_burst,
            "scale": bench_scale,
            "crash": bench_crash,
        }[name](args)
        res[name]["bench_seconds"] = round(time.perf_counter() - t, 1)
        # The machine is shared: other work competes for its 2 cores during the run.
        res[name]["load_average_1m"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
        print(name, json.dumps(res[name], ensure_ascii=False))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.with_suffix(".json").write_text(json.dumps(res, indent=2, ensure_ascii=False))
    out.with_suffix(".md").write_text(markdown(res))


if __name__ == "__main__":
    main()
