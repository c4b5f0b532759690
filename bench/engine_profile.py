"""Where the engine's CPU goes in a burst: ``python -m bench.engine_profile [--channels N]``.

Sets up the burst benchmark's layout on a fresh database (SQLite, or ``--backend postgres``
with ``--latency 0.05 --threads 8`` for the scale-out case; ``N`` channels, 5 posts per
organisation of 100 channels, so ``5 * N`` deliveries), runs an in-process executor-only
:class:`publisher.engine.worker.Worker` with one cProfile per thread (per-thread CPU clock,
merged at the end) until every delivery is sent, and prints the CPU time per delivery and the
top functions. The sandbox runs in its own process, so its CPU is not counted. Profiling slows
the worker down about fivefold (2.5 ms of CPU per delivery becomes about 12 ms), and much
more in the connectors' client libraries (many small Python calls) than in the database
code (mostly C): the shares overstate the connectors.

``--by-thread`` runs without a profiler and prints each kind of thread's CPU per delivery
(executor threads, claimer, recorder, marker, ...): the unbiased split.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import psutil

from bench import engine_setup as es
from bench.engine_bench import _burst_setup, wait_until


def _profiled_threads() -> tuple[list[cProfile.Profile], Any]:
    """Patch ``threading.Thread.run`` so every new thread runs under its own profiler."""
    profiles: list[cProfile.Profile] = []
    original = threading.Thread.run

    def run(self: threading.Thread) -> None:
        # Per-thread CPU clock: time spent blocked (locks, sockets, queues) is not counted.
        profile = cProfile.Profile(time.thread_time)
        profiles.append(profile)
        profile.enable()
        try:
            original(self)
        finally:
            profile.disable()

    threading.Thread.run = run  # type: ignore[method-assign]
    return profiles, original


def _threads_cpu() -> tuple[Counter[str], Any]:
    """Patch ``threading.Thread.run`` to add each thread's CPU, when it ends, to its kind
    (the name up to the first ``-`` or ``_``: ``executor``, ``claimer``, ``recorder``...)."""
    cpu: Counter[str] = Counter()
    original = threading.Thread.run

    def run(self: threading.Thread) -> None:
        try:
            original(self)
        finally:
            cpu[self.name.split("-")[0].split("_")[0]] += time.thread_time()

    threading.Thread.run = run  # type: ignore[method-assign]
    return cpu, original


def _timeline(sandbox: es.Sandbox, due: float) -> None:
    """When each platform's posts reached the emulator, in seconds after the instant due."""
    by_platform: dict[str, list[float]] = {}
    for record in sandbox.client().published():
        by_platform.setdefault(record["platform"], []).append(record["received_at"] - due)
    for platform, times in sorted(by_platform.items()):
        times.sort()
        marks = " ".join(
            f"p{q}={times[min(len(times) - 1, int(q / 100 * len(times)))]:.2f}"
            for q in (10, 50, 90, 99)
        )
        print(f"  {platform:10s} {len(times):6d} received: {marks} last={times[-1]:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channels", type=int, default=400)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--no-profile", action="store_true", help="CPU per delivery only.")
    parser.add_argument(
        "--by-thread", action="store_true", help="No profiler: CPU per delivery by thread kind."
    )
    parser.add_argument("--out", default="", help="Also dump the merged stats to this file.")
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--latency", type=float, default=0.0, help="Emulated platform latency.")
    parser.add_argument("--pg-admin", default=es.PG_ADMIN_DEFAULT)
    parser.add_argument(
        "--call-processes", type=int, default=0, help="Platform calls in N child processes."
    )
    args = parser.parse_args()
    sandbox = es.start_sandbox(latency=args.latency)
    db = es.new_database(args.backend, args.pg_admin)
    try:
        _burst_setup(sandbox.url, args.channels, 5, "p")
        total = args.channels * 5
        from publisher.engine.worker import Worker

        by_thread: Counter[str] = Counter()
        if args.by_thread:
            profiles: list[cProfile.Profile] = []
            by_thread, original = _threads_cpu()
        else:
            profiles, original = ([], None) if args.no_profile else _profiled_threads()
        # Executor-only, as in the scale-out benchmark (no scheduler, no render slots).
        worker = Worker(
            threads=args.threads,
            executor_only=True,
            render_slots=0,
            call_processes=args.call_processes,
        )
        worker.start()
        time.sleep(1.0)  # registered and sharded
        if worker.calls is not None and not worker.calls.wait_ready(60):
            raise SystemExit("the call process did not start")
        children = [psutil.Process(pid) for pid in worker.calls.pids] if worker.calls else []
        child0 = sum(sum(c.cpu_times()[:2]) for c in children)
        cpu0, t0 = time.process_time(), time.perf_counter()
        due = time.time()
        es.set_all_due(datetime.now(UTC))
        worker.wake()
        ok = wait_until(lambda: es.status_counts().get("sent", 0) >= total, 600, 0.2)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
        child_cpu = sum(sum(c.cpu_times()[:2]) for c in children) - child0
        worker.stop()
        if original is not None:
            threading.Thread.run = original  # type: ignore[method-assign]
        print(
            f"deliveries {total} completed={ok} wall {wall:.2f} s ({total / wall:.0f}/s) "
            f"process CPU {cpu:.2f} s = {1000 * cpu / total:.2f} ms per delivery "
            f"(includes this script's status polling)"
        )
        if children:
            print(
                f"call processes' CPU {child_cpu:.2f} s"
                f" = {1000 * child_cpu / total:.2f} ms per delivery"
            )
        print("statuses", es.status_counts())
        _timeline(sandbox, due)
        for kind, seconds in by_thread.most_common():
            # Includes each thread's (idle) second before the burst; negligible.
            print(f"  {kind:12s} {1000 * seconds / total:.3f} ms CPU per delivery")
        if profiles:
            stats = pstats.Stats(profiles[0])
            for profile in profiles[1:]:
                stats.add(profile)
            if args.out:
                stats.dump_stats(args.out)
            buf = io.StringIO()
            stats.stream = buf  # type: ignore[attr-defined]
            stats.sort_stats(args.sort).print_stats(args.top)
            print(buf.getvalue())
    finally:
        sandbox.stop()
        es.drop_database(db, args.pg_admin)


if __name__ == "__main__":
    main()
