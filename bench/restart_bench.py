"""Restart latency: from a worker process's spawn to its first platform receipt.

Run: ``.venv/bin/python -m bench.restart_bench [--rounds 9] [--baseline-root PATH]``.
Results go to ``bench/results/restart.json`` and ``.md``.

100 channels (half webhooks, Telegram chats, Facebook Pages: :func:`bench.engine_setup.
make_channels`), 5 posts each, all due. Each round puts every delivery back to ``pending``
and due now, clears the emulator's records, spawns ``publisher worker --threads 8`` and
measures the emulator's first receipt after the spawn (bytecode caches written by a
warm-up round, as an installed package has them: :func:`bench.engine_setup.worker_env`),
and the worker's CPU time when its first platform call starts; the worker is then killed
(kill -9, as in the recovery benchmark: the next start finds a dead worker of this host). With
``--baseline-root`` the rounds alternate between this tree and the other checkout, so both
see the same load; the medians and their ratio come from the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import engine_setup as es
from bench.engine_bench import wait_until
from bench.resilience import uptime

RESULTS = Path(__file__).resolve().parent / "results"


#: ``publisher worker`` with one probe: the process's CPU time (user + system, from its start)
#: when its first platform call starts (``zalo_broadcast.reserve`` runs right before every
#: ``connector.publish``, in both trees), written to the file named in argv[1]. CPU time
#: hardly depends on what else the machine runs; the wall time does.
PROBED_WORKER = """
import os, runpy, sys
out = sys.argv.pop(1)
from publisher.services.publishing import zalo_broadcast as zb
real = zb.reserve
def reserve(*args, **kwargs):
    if not os.path.exists(out):
        t = os.times()
        with open(out, "w") as f:
            f.write(str(t.user + t.system))
    return real(*args, **kwargs)
zb.reserve = reserve
sys.argv = ["publisher", *sys.argv[1:]]
runpy.run_module("publisher.cli", run_name="__main__")
"""


def _round(root: Path, db: Any, sb: Any, log: Path) -> tuple[float, float] | None:
    """(wall seconds from spawn to the first receipt, CPU seconds to the first call)."""
    es.reset_deliveries()
    sb.clear_records()
    es.set_all_due(datetime.now(UTC))
    probe = db.data_dir / "first-call-cpu"
    probe.unlink(missing_ok=True)
    spawned = time.time()
    out = open(log, "ab")
    proc = subprocess.Popen(
        [sys.executable, "-c", PROBED_WORKER, str(probe), "worker", "--threads", "8"],
        cwd=root,
        env=es.worker_env(db.env, root),
        stdout=out,
        stderr=out,
    )
    try:
        ok = wait_until(lambda: len(sb.published()) > 0, 60, 0.01)
        first = min((r["received_at"] for r in sb.published()), default=None)
    finally:
        proc.kill()
        proc.wait()
        out.close()
    if not ok or first is None or not probe.exists():
        return None
    return round(first - spawned, 3), round(float(probe.read_text()), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--baseline-root", default=None)
    parser.add_argument("--pg-admin", default=es.PG_ADMIN_DEFAULT)
    parser.add_argument("--out", default=str(RESULTS / "restart"))
    args = parser.parse_args()
    trees = {"this tree": es.ROOT}
    if args.baseline_root:
        trees["baseline"] = Path(args.baseline_root)
    samples: dict[str, list[float]] = {name: [] for name in trees}
    cpu: dict[str, list[float]] = {name: [] for name in trees}
    failed: dict[str, int] = dict.fromkeys(trees, 0)
    before, load_before = uptime(), os.getloadavg()
    with es.bench_run("sqlite", args.pg_admin) as (sandbox, db):
        layout = es.make_channels(sandbox.url, 100, prefix="s")
        names = [n for ns in layout.orgs.values() for n in ns]
        for k in range(5):
            es.schedule_post(f"Bài khởi động lại {k}", names)
        sb = sandbox.client()
        log = db.data_dir / "worker.log"
        for root in trees.values():  # warm-up: bytecode caches (as installed), page cache
            _round(root, db, sb, log)
        for i in range(args.rounds):
            order = list(trees.items())
            if i % 2:
                order.reverse()
            for name, root in order:
                took = _round(root, db, sb, log)
                if took is None:
                    failed[name] += 1
                else:
                    samples[name].append(took[0])
                    cpu[name].append(took[1])
    res: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": es.machine(),
        "uptime_before": before,
        "uptime_after": uptime(),
        "load_average_1m": [round(load_before[0], 1), round(os.getloadavg()[0], 1)],
        "rounds": args.rounds,
        "trees": {name: str(root) for name, root in trees.items()},
        "first_receipt_after_spawn_s": {
            name: {
                "median": round(statistics.median(v), 3) if v else None,
                "min": min(v, default=None),
                "max": max(v, default=None),
                "samples": v,
                "failed": failed[name],
            }
            for name, v in samples.items()
        },
    }
    res["cpu_s_to_first_call"] = {
        name: {
            "median": round(statistics.median(v), 3) if v else None,
            "min": min(v, default=None),
            "max": max(v, default=None),
            "samples": v,
        }
        for name, v in cpu.items()
    }
    if args.baseline_root and samples["this tree"] and samples["baseline"]:
        res["ratio_this_to_baseline"] = round(
            statistics.median(samples["this tree"]) / statistics.median(samples["baseline"]), 3
        )
        res["cpu_ratio_this_to_baseline"] = round(
            statistics.median(cpu["this tree"]) / statistics.median(cpu["baseline"]), 3
        )
    out = Path(args.out)
    out.with_suffix(".json").write_text(json.dumps(res, indent=2, ensure_ascii=False))
    lines = [
        "# Restart: from a worker's spawn to its first platform receipt",
        "",
        f"{res['date']}, {res['machine']}; {args.rounds} interleaved rounds per tree.",
        "",
        f"- uptime before: `{res['uptime_before']}`",
        f"- uptime after: `{res['uptime_after']}`",
        "",
        "| tree | spawn to first receipt: median (min-max) | CPU to first call: median "
        "(min-max) | failed |",
        "|---|---|---|---|",
    ]
    for name, row in res["first_receipt_after_spawn_s"].items():
        c = res["cpu_s_to_first_call"][name]
        lines.append(
            f"| {name} (`{trees[name]}`) | {row['median']} s ({row['min']}-{row['max']}) | "
            f"{c['median']} s ({c['min']}-{c['max']}) | {row['failed']} |"
        )
    if "ratio_this_to_baseline" in res:
        lines += [
            "",
            f"Ratio this tree / baseline: wall {res['ratio_this_to_baseline']}x, "
            f"CPU {res['cpu_ratio_this_to_baseline']}x.",
        ]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print(json.dumps(res, ensure_ascii=False))


if __name__ == "__main__":
    main()
