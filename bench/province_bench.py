"""The province at a glance on PostgreSQL: the coordinator's dashboard queries and the
provincial report compiled from the units' submissions.

Data: the statistics benchmark's province (``bench.stats_data``: posts on every unit's
channels, five snapshots per delivery; 100,000 posts give about a million snapshots) with
120 units under one ``province``, plus 5,000 activities entered by hand over three years and
a report request to every unit, all of which have submitted. Targets (issue 18): every
dashboard query <= 300 ms, the provincial report <= 15 s.

``python -m bench.province_bench [--quick]`` writes ``bench/results/province.{json,md}``.
``KEEP_BENCH_DB=1`` keeps the loaded database (its name is printed); ``--reuse URL`` measures
again on such a database without loading it (after a change to the queries, or when the
shared machine is quieter).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import text

from bench.stats_bench import RESULTS, _drop_database, _new_database, _time

UNITS = 120
ACTIVITIES = 5000


def _province(url: str) -> dict[str, int]:
    """Put every unit under one province, add the coordinator and the activities."""
    from publisher.db import session_scope
    from publisher.models import Organisation, Role, User
    from publisher.security import hash_password

    rnd = random.Random(57)
    with session_scope() as s:
        province = Organisation(slug="tinh-bench", name="UBND tỉnh (bench)", kind="province")
        s.add(province)
        s.flush()
        s.execute(text("UPDATE organisation SET parent_id = :p WHERE id <> :p"), {"p": province.id})
        first = s.execute(
            text("SELECT min(id) FROM organisation WHERE id <> :p"), {"p": province.id}
        )
        khcn = int(first.scalar_one())
        s.add(
            User(
                username="dieuphoi",
                role=Role.COORDINATOR,
                org_id=khcn,
                password_hash=hash_password("bench password 1"),
            )
        )
        org_ids = [
            int(i)
            for i in s.execute(
                text("SELECT id FROM organisation WHERE id <> :p"), {"p": province.id}
            ).scalars()
        ]
        kinds = ("conference", "workshop", "training", "award", "press")
        themes = ('["khcn"]', '["dmst"]', '["cds"]')
        start = date(2024, 1, 1)
        rows = [
            {
                "org": rnd.choice(org_ids),
                "kind": rnd.choice(kinds),
                "day": start + timedelta(days=rnd.randrange(3 * 365)),
                "title": f"Hoạt động {n}",
                "themes": rnd.choice(themes),
            }
            for n in range(ACTIVITIES)
        ]
        s.execute(
            text(
                "INSERT INTO activity (org_id, kind, on_date, title, themes, audiences, "
                "created_by, created_at) VALUES (:org, :kind, :day, :title, CAST(:themes AS json), "
                "'[]', 'bench', now())"
            ),
            rows,
        )
    return {"units": len(org_ids), "activities": ACTIVITIES, "coordinator_org": khcn}


def _count_rows(url: str) -> dict[str, int]:
    from publisher.db import session_scope

    tables = {
        "organisations": "organisation",
        "posts": "post",
        "deliveries": "delivery",
        "snapshots": "engagementsnapshot",
        "tasks": "sttask",
        "activities": "activity",
    }
    with session_scope() as s:
        return {
            label: int(s.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
            for label, table in tables.items()
        }


def bench(quick: bool, reuse: str | None = None) -> dict[str, Any]:
    from bench.stats_data import Sizes, load
    from publisher import migrate
    from publisher.config import get_settings
    from publisher.db import get_engine, reset_engines, session_scope
    from publisher.models import User
    from publisher.services.accounts.actor import Actor
    from publisher.services.insight import activities, collection, criteria, kpi, stats, tasks
    from publisher.services.insight.periods import parse_period
    from publisher.services.publishing.campaigns import seed_national_days
    from publisher.timeutil import FrozenClock, set_clock

    sizes = Sizes(orgs=UNITS, posts=10_000, tasks=500) if quick else Sizes(orgs=UNITS)
    name, url = ("", reuse) if reuse else _new_database()
    print(f"  database {url}", flush=True)
    os.environ["PUBLISHER_DATABASE_URL"] = url
    get_settings.cache_clear()
    out: dict[str, Any] = {"database": "postgresql"}
    try:
        migrate.upgrade(get_engine())
        if reuse:
            out["rows"] = _count_rows(url)
            out["reused_database"] = True
        else:
            with session_scope() as s:
                seed_national_days(s)
            t0 = time.perf_counter()
            out["rows"] = load(url, sizes)
            out["rows"].update(_province(url))
            out["load_seconds"] = round(time.perf_counter() - t0, 1)
        set_clock(FrozenClock(datetime(2026, 12, 20, 3, tzinfo=UTC)))
        with session_scope() as s:
            user = s.execute(
                text("SELECT id FROM \"user\" WHERE username = 'dieuphoi'")
            ).scalar_one()
            found = s.get(User, user)
            assert found is not None
            coordinator = Actor.of(found)
        year, h2 = parse_period("2026"), parse_period("2026-H2")
        flt = stats.StatsFilter(start=year.start_utc, end=year.end_utc)
        queries: dict[str, Any] = {
            "province totals (year)": lambda s: stats.totals(s, coordinator, flt),
            "by unit (year)": lambda s: stats.breakdown(s, coordinator, flt, "org"),
            "by theme (year)": lambda s: stats.breakdown(s, coordinator, flt, "theme"),
            "by target group (year)": lambda s: stats.breakdown(s, coordinator, flt, "audience"),
            "by month (year)": lambda s: stats.breakdown(s, coordinator, flt, "month"),
            "top 10 posts (year)": lambda s: stats.top_posts(s, coordinator, flt, 10),
            "KPIs (H2)": lambda s: kpi.all_kpis(s, coordinator, h2),
            "task register": lambda s: tasks.list_tasks(s, coordinator),
            "activities (year)": lambda s: activities.in_period(s, coordinator, year),
            "criteria (year)": lambda s: criteria.evaluate(s, coordinator, year),
        }
        timings = {}
        for label, fn in queries.items():
            with session_scope(readonly=True) as s:
                timings[label] = _time(lambda fn=fn, s=s: fn(s), runs=3)
            print(f"  {label}: {timings[label]}", flush=True)
        out["queries"] = timings
        with session_scope() as s:
            request = collection.open_request(s, coordinator, h2.start, h2.end, date(2026, 12, 31))
            request_id = request.id or 0
            s.execute(
                text(
                    "UPDATE reportsubmission SET submitted_at = now(), submitted_by = 'bench' "
                    "WHERE request_id = :r"
                ),
                {"r": request_id},
            )
        with session_scope(readonly=True) as s:
            timings["request status (120 units)"] = _time(
                lambda: collection.status(s, coordinator, request_id), runs=3
            )
        compiled: dict[str, Any] = {}
        for fmt in ("docx", "xlsx"):

            def build(fmt: str = fmt) -> None:
                with session_scope(readonly=True) as s:
                    collection.compile_report(s, coordinator, request_id, fmt)

            # The first DOCX of a process also starts the chart renderer (vl-convert).
            t0 = time.perf_counter()
            build()
            first = round((time.perf_counter() - t0) * 1000, 1)
            compiled[fmt] = {"first_ms": first, **_time(build, runs=2)}
            print(f"  provincial {fmt}: {compiled[fmt]}", flush=True)
        out["compile_ms"] = compiled
    finally:
        reset_engines()
        if name and not os.environ.get("KEEP_BENCH_DB"):
            _drop_database(name)
    return out


def write_results(data: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "province.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# The province at a glance (coordinator)",
        "",
        f"Run {data['run_at']} on {data['machine']}"
        + (" (quick)" if data["quick"] else "")
        + (" (measured again on a kept database)" if data.get("reused_database") else ""),
        "",
        "Data: " + ", ".join(f"{v:,} {k}" for k, v in data["rows"].items()) + ".",
        "",
        "| coordinator query | median ms | max ms | target 300 ms |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {k} | {v['median_ms']} | {v['max_ms']} | {'yes' if v['max_ms'] <= 300 else 'no'} |"
        for k, v in data["queries"].items()
    ]
    lines += [
        "",
        "| provincial report | first run ms | median ms | max ms | target 15 s |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {k} | {v['first_ms']} | {v['median_ms']} | {v['max_ms']} | "
        f"{'yes' if v['max_ms'] <= 15000 else 'no'} |"
        for k, v in data["compile_ms"].items()
    ]
    (RESULTS / "province.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="A tenth of the posts.")
    parser.add_argument("--reuse", metavar="URL", help="Measure on a kept, loaded database.")
    args = parser.parse_args()
    os.environ.setdefault("PUBLISHER_SECRET_KEY", "bench-secret-key-0123456789abcdef")
    load_before = os.getloadavg()
    result = bench(args.quick, args.reuse)
    write_results(
        {
            "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "quick": args.quick,
            "machine": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "load_average_before": [round(x, 1) for x in load_before],
                "load_average_after": [round(x, 1) for x in os.getloadavg()],
            },
            **result,
        }
    )


if __name__ == "__main__":
    main()
