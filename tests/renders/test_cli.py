"""``publisher campaign plan --media`` and ``publisher jobs`` through the real console script."""

from __future__ import annotations

import json
from typing import Any

from tests.core.test_cli import run


def test_plan_with_media_then_list_run_and_cancel_jobs(sqlite_db: Any) -> None:
    # SQLite only: each call is a process start; storage is covered on both backends elsewhere.
    assert run("init", "--json").returncode == 0
    added = run(
        "channel", "add", "--kind", "telegram", "--name", "tg-so",
        "--chat-id", "@khcn_dongnai", "--token", "123456:ABC-secret-token",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    args = ("campaign", "plan", "ngay-cds", "--year", "2030", "--channel", "tg-so", "--media")
    first = run(*args, "--json")
    assert first.returncode == 0, first.stderr
    media = json.loads(first.stdout)["media"]
    assert media["queued"] == 7 and media["existing"] == 0
    again = run(*args, lang="en")
    assert again.returncode == 0, again.stderr
    assert "Media: 0 new renders, 7 already there" in again.stdout

    queued = json.loads(run("jobs", "list", "--status", "queued", "--json").stdout)
    assert len(queued) == 7
    deadlines = [j["deadline"] for j in queued]
    assert deadlines == sorted(deadlines)  # queue order: soonest deadline first

    ran = run("jobs", "run", "--max", "1", "--json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {"done": 1}

    victim = queued[-1]["id"]
    cancelled = run("jobs", "cancel", str(victim), lang="en")
    assert cancelled.returncode == 0 and f"#{victim} cancelled" in cancelled.stdout
    twice = run("jobs", "cancel", str(victim), lang="en")
    assert twice.returncode == 1 and twice.stderr.count("\n") == 1
    assert "cannot be cancelled" in twice.stderr
    bad = run("jobs", "list", "--status", "bogus")
    assert bad.returncode == 1 and bad.stderr.strip()


def test_worker_until_idle_drains_the_render_queue_and_says_how_many_it_rendered(
    sqlite_db: Any,
) -> None:
    assert run("init", "--json").returncode == 0
    added = run(
        "channel", "add", "--kind", "telegram", "--name", "tg-so",
        "--chat-id", "@khcn_dongnai", "--token", "123456:ABC-secret-token",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    planned = run("campaign", "plan", "ngay-cds", "--year", "2030", "--channel", "tg-so", "--media")
    assert planned.returncode == 0, planned.stderr

    ran = run("worker", "--until-idle", "--threads", "1", "--json")
    assert ran.returncode == 0, ran.stderr
    summary = json.loads(ran.stdout)
    done = json.loads(run("jobs", "list", "--status", "done", "--json").stdout)
    # The plan's 7 own renders, then the channel versions their completion queued.
    assert summary["rendered"] == len(done) > 7 and summary["render_failed"] == 0
    assert json.loads(run("jobs", "list", "--status", "queued", "--json").stdout) == []
    assert json.loads(run("jobs", "list", "--status", "rendering", "--json").stdout) == []
