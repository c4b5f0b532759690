"""Render queue benchmark: the province's 10/10 campaign media with 1 and 2 executors.

Run: ``.venv/bin/python -m bench.render_bench [--quick] [--orgs N]``.

The case: N organisations (100 in the full case; ``--quick`` takes 10), each with a Facebook
Page and a Telegram channel, scaffold the 10/10 lead-up plan with media on D-14 at 00:00
(14 days ahead): per organisation 6 countdown/day/recap cards (the post's size), the day's
15 s clip (1080x1080, 30 fps), and one channel version per post and channel (Facebook's
1080x1350 cards are re-renders; Telegram takes the square cards and the clip as they are,
which the fit job checks). Everything runs on PostgreSQL with the real executor code
(``claim_jobs`` with SKIP LOCKED, ``run_job``), each executor a separate process with one
render slot and one encoder thread.

Both configurations run in this one invocation on identical, separate databases: first one
executor process, then two. For each: wall time until the queue is empty, renders per second
per executor process (one process ~ one core: renders are single-threaded), per-kind mean
render time, peak RSS per executor (the Python process plus its ffmpeg children, sampled
every 50 ms), and the slack of the renders against their deadlines on the simulated
timeline (plan made at D-14 00:00 local; a render finishing ``t`` seconds into the run is
ready at plan time + ``t``).

Writes ``bench/results/render.json`` and ``bench/results/render.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SLUG, YEAR = "ngay-cds", 2027
#: Plan made at D-14 00:00 local (Asia/Ho_Chi_Minh) = 25/09/2027 17:00 UTC.
PLAN_AT = datetime(2027, 9, 25, 17, 0, tzinfo=UTC)


def _env(url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PUBLISHER_DATABASE_URL": url,
        "PUBLISHER_DATA_DIR": str(data_dir),
        "PUBLISHER_SECRET_KEY": "render-bench-secret-key-0123456789",
        "PUBLISHER_RENDER_ORG_CAP": "1000",
    }


# -- the executor process ---------------------------------------------------------------------
def executor_main(owner: str) -> None:
    """One executor: render until the queue stays empty; print stats as JSON."""
    import psutil

    from publisher.engine.renders import claim_jobs, run_job

    proc = psutil.Process()
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.05):
            try:
                rss = proc.memory_info().rss
                for child in proc.children(recursive=True):
                    try:
                        rss += child.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                continue
            peak = max(peak, rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    results: dict[str, int] = {}
    idle = 0
    while idle < 3:  # fit jobs appear when cards finish: look twice more before leaving
        ids = claim_jobs(owner, limit=1)
        if not ids:
            idle += 1
            time.sleep(0.3)
            continue
        idle = 0
        state = run_job(ids[0], owner)
        results[state] = results.get(state, 0) + 1
    stop.set()
    sampler.join()
    cpu = proc.cpu_times()  # children: the ffmpeg processes this executor started and reaped
    cpu_s = cpu.user + cpu.system + cpu.children_user + cpu.children_system
    print(json.dumps({"owner": owner, "results": results, "peak_rss": peak, "cpu_s": cpu_s}))


# -- setup ----------------------------------------------------------------------------------------
def _database(tag: str) -> str:
    from sqlalchemy import create_engine, text

    name = f"renderbench_{tag}_{os.getpid()}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def _drop(url: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


SETUP = """
import sys
from publisher import migrate
from publisher.db import get_engine, session_scope
from publisher.services.publishing import channels as channels_svc
from publisher.services.accounts import orgs as orgs_svc
from publisher.services.accounts.actor import Actor
from publisher.services.publishing.campaigns import seed_national_days
from publisher.services.publishing.campaign_media import scaffold_with_media
from publisher.timeutil import FrozenClock, set_clock
from datetime import datetime, UTC
migrate.upgrade(get_engine())
set_clock(FrozenClock(datetime.fromisoformat(sys.argv[1])))
admin = Actor.system("bench")
jobs = 0
with session_scope() as s:
    seed_national_days(s)
for i in range(int(sys.argv[2])):
    with session_scope() as s:
        org = orgs_svc.create_org(s, admin, f"Đơn vị {i:03d}", slug=f"dv-{i:03d}")
        channels_svc.add_channel(s, admin, kind="telegram", name=f"tg-{i:03d}", org=org.slug,
            settings={"chat_id": f"@dv{i:03d}"}, credentials={"bot_token": "1:bench"})
        channels_svc.add_channel(s, admin, kind="facebook", name=f"fb-{i:03d}", org=org.slug,
            settings={"page_id": str(1000 + i)}, credentials={"access_token": "EAAB-bench"})
        _, plan = scaffold_with_media(s, admin, "ngay-cds", 2027, [f"tg-{i:03d}", f"fb-{i:03d}"])
        jobs += plan.queued
print(jobs)
"""


def setup(url: str, data_dir: Path, orgs: int) -> int:
    out = subprocess.run(
        [sys.executable, "-c", SETUP, PLAN_AT.isoformat(), str(orgs)],
        env=_env(url, data_dir),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


# -- one configuration ----------------------------------------------------------------------------
def run_config(executors: int, orgs: int) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"render-bench-{executors}-"))
    url = _database(f"x{executors}")
    try:
        queued = setup(url, data_dir, orgs)
        started = datetime.now(UTC)
        t0 = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "bench.render_bench", "--executor", f"exec-{n}"],
                env=_env(url, data_dir),
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
                # Each executor in its own session, as separate services or machines are: with
                # the kernel's autogroup scheduling, processes of one session share one CPU
                # share, so on a busy shared machine a second executor in the same session
                # would only split the first one's share.
                start_new_session=True,
            )
            for n in range(executors)
        ]
        outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
        wall = time.perf_counter() - t0
        return {"executors": executors, "queued_by_plan": queued, "wall_s": round(wall, 1),
                **_analyse(url, data_dir, started, outs, wall, executors)}  # fmt: skip
    finally:
        _drop(url)


def _analyse(
    url: str, data_dir: Path, started: datetime, outs: list[dict[str, Any]], wall: float, n: int
) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT j.kind, j.status, j.deadline, j.started_at, j.finished_at, a.source"
                " FROM renderjob j LEFT JOIN mediaasset a ON a.id = j.result_asset_id"
            )
        ).all()
    engine.dispose()
    kinds: dict[str, list[float]] = {}
    slacks: list[tuple[float, str]] = []
    last_finish: tuple[datetime, float] | None = None
    for kind, status, deadline, t_start, t_end, source in rows:
        label = kind
        if kind == "fit":  # a new "fitted" asset: re-rendered or re-encoded; else checked only
            label = "fit (made)" if source == "fitted" else "fit (check)"
        if status == "done" and t_start and t_end:
            kinds.setdefault(label, []).append((t_end - t_start).total_seconds())
        if t_end is not None and deadline is not None:
            ready_at = PLAN_AT + (t_end - started)
            slack = (deadline - ready_at).total_seconds()
            slacks.append((slack, label))
            if last_finish is None or t_end > last_finish[0]:
                last_finish = (t_end, slack)
    statuses: dict[str, int] = {}
    for _, status, *_rest in rows:
        statuses[status] = statuses.get(status, 0) + 1
    done = statuses.get("done", 0)
    worst = min(slacks) if slacks else (0.0, "")
    return {
        "jobs": statuses,
        "renders_per_s": round(done / wall, 3),
        "renders_per_s_per_executor": round(done / wall / n, 3),
        "mean_render_s": {k: round(sum(v) / len(v), 3) for k, v in sorted(kinds.items())},
        "count_by_kind": {k: len(v) for k, v in sorted(kinds.items())},
        "latest_render_slack_h": round(last_finish[1] / 3600, 2) if last_finish else None,
        "min_slack_h": round(worst[0] / 3600, 2),
        "min_slack_kind": worst[1],
        "peak_rss_mb_per_executor": [round(o["peak_rss"] / 2**20, 1) for o in outs],
        "cpu_s": round(sum(o["cpu_s"] for o in outs), 1),
        # Load-independent: renders per CPU-second (one executor keeps about one core busy).
        "renders_per_cpu_s": round(done / max(1e-9, sum(o["cpu_s"] for o in outs)), 3),
        "executor_results": [o["results"] for o in outs],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 organisations instead of 100")
    parser.add_argument("--orgs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1, help="2: run 1,2,2,1 executors")
    parser.add_argument("--executor", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.executor:
        executor_main(args.executor)
        return
    orgs = args.orgs or (10 if args.quick else 100)
    load_before = os.getloadavg()
    # ABBA order (1, 2, 2, 1 executors) with --repeat 2: the machine is shared, so its load
    # drifts; alternating cancels a steady drift out of the comparison.
    order = [1, 2] if args.repeat < 2 else [1, 2, 2, 1]
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    loads: list[float] = []
    for n in order:
        runs[n].append(run_config(n, orgs))
        loads.append(round(os.getloadavg()[0], 2))
    load_after = os.getloadavg()
    one = min(runs[1], key=lambda r: r["wall_s"])
    two = min(runs[2], key=lambda r: r["wall_s"])
    speedup = round(one["wall_s"] / two["wall_s"], 2) if two["wall_s"] else None
    pairs = [round(a["wall_s"] / b["wall_s"], 2) for a, b in zip(runs[1], runs[2], strict=True)]
    per_org_s = two["wall_s"] / orgs
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in load_after],
        },
        "case": {
            "organisations": orgs,
            "quick": orgs != 100,
            "id": uuid.uuid4().hex[:8],
            "plan_made_at": PLAN_AT.isoformat(),
        },
        "one_executor": one,
        "two_executors": two,
        "speedup_2_vs_1": speedup,
        "speedup_per_pair": pairs,
        "all_runs": {
            "1": [r["wall_s"] for r in runs[1]],
            "2": [r["wall_s"] for r in runs[2]],
            "load_after_each": loads,
            "order": order,
        },
        "projected_full_case_2_executors_min": round(per_org_s * 100 / 60, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "render.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / "render.md").write_text(_markdown(result))
    print(json.dumps(result, indent=2, ensure_ascii=False))


def _markdown(r: dict[str, Any]) -> str:
    one, two = r["one_executor"], r["two_executors"]
    lines = [
        "# Render queue benchmark (10/10 campaign media)",
        "",
        f"Run {r['when']} on {r['machine']['cpus']} CPUs (shared; load average "
        f"{r['machine']['load_before'][0]} before, {r['machine']['load_after'][0]} after), "
        f"PostgreSQL, {r['case']['organisations']} organisations"
        f"{' (--quick)' if r['case']['quick'] else ''}, plan made at D-14 00:00 local.",
        "",
        "| | 1 executor | 2 executors |",
        "|---|---|---|",
        f"| jobs done | {one['jobs'].get('done', 0)} | {two['jobs'].get('done', 0)} |",
        f"| wall time (s) | {one['wall_s']} | {two['wall_s']} |",
        f"| renders/s | {one['renders_per_s']} | {two['renders_per_s']} |",
        f"| renders/s per executor (core) | {one['renders_per_s_per_executor']} | "
        f"{two['renders_per_s_per_executor']} |",
        f"| CPU seconds (executors + ffmpeg) | {one['cpu_s']} | {two['cpu_s']} |",
        f"| renders per CPU-second | {one['renders_per_cpu_s']} | {two['renders_per_cpu_s']} |",
        f"| peak RSS per executor (MB, incl. ffmpeg) | {one['peak_rss_mb_per_executor']} | "
        f"{two['peak_rss_mb_per_executor']} |",
        f"| slack of the last render to finish (h) | {one['latest_render_slack_h']} | "
        f"{two['latest_render_slack_h']} |",
        f"| smallest slack of any render (h) | {one['min_slack_h']} ({one['min_slack_kind']}) | "
        f"{two['min_slack_h']} ({two['min_slack_kind']}) |",
        "",
        f"Runs (wall s): 1 executor {r['all_runs']['1']}, 2 executors {r['all_runs']['2']}; "
        f"order {r['all_runs']['order']}, load average after each run "
        f"{r['all_runs']['load_after_each']}. The table shows "
        "each configuration's fastest run.",
        "",
        f"Speed-up, 2 executors vs 1: **{r['speedup_2_vs_1']}x** (per pair: "
        f"{r['speedup_per_pair']}). Projected full case "
        f"(100 organisations) with 2 executors: {r['projected_full_case_2_executors_min']} min.",
        "",
        "Mean render time per kind (s), 1 executor: "
        + ", ".join(
            f"{k} {v} (n={one['count_by_kind'][k]})" for k, v in one["mean_render_s"].items()
        ),
        "",
        "Mean render time per kind (s), 2 executors: "
        + ", ".join(f"{k} {v}" for k, v in two["mean_render_s"].items()),
        "",
        "Slack: a render finishing t seconds into the run counts as ready at plan time + t; "
        "its deadline is its post's due time (cards: 2 h before). The D-14 post is due at "
        "08:00 on the day the plan is made, so its card's deadline (06:00) is at most 6 h "
        "after the plan: the smallest slack is bounded by that, not by render speed.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
