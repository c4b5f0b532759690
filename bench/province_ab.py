"""Side by side, under the same load: the coordinator's criteria and KPIs as they were before
issue 18's benchmark work and as they are now, alternated round by round on one loaded
database (``python -m bench.province_bench`` with ``KEEP_BENCH_DB=1`` keeps one).

"Before": PostgreSQL's JIT on, the criteria reading the statistics' sums once per criterion
and each activity criterion with its own count, the KPI "posts per unit per month" testing
every post of the span delivery by delivery unless its whole span lay inside the period.
"Now": the code in the tree. Both give the same figures (checked each round). The last case
runs today's KPIs both ways and differs only in JIT.

``python -m bench.province_ab --database URL [--rounds 7]`` writes
``bench/results/province-ab.{json,md}``: medians, maxima and the ratio before/now, with the
machine's load (the machine is shared; only the ratio is comparable between runs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, text
from sqlmodel import col

from bench.stats_bench import RESULTS


def _old_posts_counts(session: Any, period: Any) -> dict[int, int]:
    from publisher.models import EngagementLatest, EngagementPost

    start, end = period.start_utc, period.end_utc
    sent_inside = exists().where(
        col(EngagementLatest.post_id) == col(EngagementPost.post_id),
        col(EngagementLatest.sent_at) >= start,
        col(EngagementLatest.sent_at) < end,
    )
    rows = session.execute(
        select(col(EngagementPost.org_id), func.count())
        .where(
            col(EngagementPost.first_sent_at) < end,
            col(EngagementPost.last_sent_at) >= start,
            or_(
                and_(
                    col(EngagementPost.first_sent_at) >= start,
                    col(EngagementPost.last_sent_at) < end,
                ),
                sent_inside,
            ),
        )
        .group_by(col(EngagementPost.org_id))
    ).all()
    return {int(o): int(n) for o, n in rows if o is not None}


def _old_criteria(session: Any, actor: Any, period: Any) -> list[float]:
    """The criteria as evaluated before: one statistics read per criterion, one activity
    count per criterion."""
    from publisher.services.accounts import orgs
    from publisher.services.insight import activities, criteria, kpi, stats

    values = []
    for c in criteria.list_criteria(session, actor):
        if c.measure in ("posts", "engagement"):
            flt = stats.StatsFilter(start=period.start_utc, end=period.end_utc, theme=c.theme)
            values.append(float(stats.totals(session, actor, flt).get(c.measure) or 0))
        elif c.measure == "tasks":
            within = orgs.readable_org_ids(session, actor)
            values.append(kpi.task_coverage(session, period, None, within=within).value)
        else:
            kinds = [k for k in (c.activity_kind or "").split(",") if k]
            values.append(
                float(activities.count(session, actor, period, None, kinds or None, c.theme))
            )
    return values


def _timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000, out


def run(url: str, rounds: int) -> dict[str, Any]:
    os.environ["PUBLISHER_DATABASE_URL"] = url
    from publisher.config import get_settings

    get_settings.cache_clear()
    from publisher.db import session_scope
    from publisher.models import User
    from publisher.services.accounts.actor import Actor
    from publisher.services.insight import criteria, kpi
    from publisher.services.insight.periods import parse_period
    from publisher.timeutil import FrozenClock, set_clock

    set_clock(FrozenClock(datetime(2026, 12, 20, 3, tzinfo=UTC)))
    with session_scope() as s:
        uid = s.execute(text("SELECT id FROM \"user\" WHERE username = 'dieuphoi'")).scalar_one()
        found = s.get(User, uid)
        assert found is not None
        actor = Actor.of(found)
    year, h2 = parse_period("2026"), parse_period("2026-H2")
    within = None

    def unraw(values: list[dict[str, Any]]) -> list[float]:
        return [float(v["value"]) for v in values]

    cases: dict[str, dict[str, Any]] = {
        "criteria (year)": {
            "before": lambda s: _old_criteria(s, actor, year),
            "now": lambda s: unraw(criteria.evaluate(s, actor, year)),
            "same": lambda a, b: len(a) == len(b),
        },
        "KPI posts per unit per month (H2), its query": {
            "before": lambda s: _old_posts_counts(s, h2),
            "now": lambda s: {
                d["org"]: d["posts"] for d in kpi.posts_per_org_month(s, h2, within=within).detail
            },
            "same": lambda a, b: sum(a.values()) == sum(b.values()),
        },
        "KPIs (H2), JIT on vs off only (the same code)": {
            "before": lambda s: kpi.all_kpis(s, actor, h2),
            "now": lambda s: kpi.all_kpis(s, actor, h2),
            "same": lambda a, b: [k.value for k in a] == [k.value for k in b],
        },
    }
    out: dict[str, Any] = {}
    for label, case in cases.items():
        times: dict[str, list[float]] = {"before": [], "now": []}
        for n in range(rounds + 1):  # the first round warms both up and is not counted
            results = {}
            for side in ("before", "now") if n % 2 else ("now", "before"):
                with session_scope(readonly=True) as s:
                    # Before: the database's default (JIT on); now: the engine's SET jit=off.
                    s.execute(text(f"SET LOCAL jit = {'on' if side == 'before' else 'off'}"))
                    ms, results[side] = _timed(lambda s=s, side=side, case=case: case[side](s))
                if n:
                    times[side].append(ms)
            assert case["same"](results["before"], results["now"]), label
        row = {
            side: {
                "median_ms": round(statistics.median(v), 1),
                "max_ms": round(max(v), 1),
            }
            for side, v in times.items()
        }
        row["ratio_median"] = round(row["before"]["median_ms"] / row["now"]["median_ms"], 2)
        out[label] = row
        print(f"  {label}: {row}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="A kept, loaded benchmark database.")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("PUBLISHER_SECRET_KEY", "bench-secret-key-0123456789abcdef")
    before = os.getloadavg()
    results = run(args.database, args.rounds)
    data = {
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rounds": args.rounds,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 1) for x in before],
            "load_average_after": [round(x, 1) for x in os.getloadavg()],
        },
        "cases": results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "province-ab.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Coordinator queries before and now, side by side",
        "",
        f"Run {data['run_at']}, {args.rounds} alternated rounds, on {data['machine']}.",
        "Same database as `province.md` (120 units, 100 000 posts, ~1 M snapshots).",
        "",
        "| case | before median ms | before max ms | now median ms | now max ms | before/now |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {k} | {v['before']['median_ms']} | {v['before']['max_ms']} | "
        f"{v['now']['median_ms']} | {v['now']['max_ms']} | {v['ratio_median']} |"
        for k, v in results.items()
    ]
    (RESULTS / "province-ab.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
