"""Client CPU per publish of each connector: ``python -m bench.connector_bench [--posts N]``.

One thread publishes text posts to the sandbox (its own process, no emulated latency, so its
CPU is not counted) through each connector, first with a client built per call
(``clients=None``), then with kept clients (:class:`connectors.clients.ClientCache`, as the
worker's executor threads have them). After warm-up posts, the thread's CPU clock is read
around ``N`` publishes. Writes ``bench/results/connectors.json`` and ``connectors.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import engine_setup as es

RESULTS = Path(__file__).resolve().parent / "results"
WARM_UP = 20


def _configs(url: str) -> dict[str, Any]:
    from connectors.base import ChannelConfig

    return {
        "facebook": ChannelConfig(
            "facebook",
            "fb",
            {"page_id": "1001", "graph_url": url + "/"},
            {"access_token": "sandbox-fb-1001"},
        ),
        "telegram": ChannelConfig(
            "telegram",
            "tg",
            {"chat_id": "@sandbox_bench", "api_base_url": url},
            {"bot_token": "7000:sandbox-bench"},
        ),
        "webhook": ChannelConfig(
            "webhook",
            "wh",
            {"url": f"{url}/hooks/bench", "signature": "hmac"},
            {"secret": "sandbox-secret"},
        ),
    }


def _run(cls: Any, config: Any, clients: Any, count: int, tag: str) -> None:
    from connectors.base import OutgoingPost

    for i in range(count):
        post = OutgoingPost(
            f"Ngày Chuyển đổi số quốc gia 10/10 — {tag} {i}",
            idempotency_key=f"{config.kind}-{tag}-{i}-{time.time_ns()}",
        )
        cls(config, timeout=10, clients=clients).publish(post)


def measure(url: str, posts: int) -> list[dict[str, Any]]:
    """CPU and wall time per publish, per connector and client mode."""
    from connectors import registry
    from connectors.clients import ClientCache

    rows = []
    for kind, config in _configs(url).items():
        cls = registry.get(kind)
        for mode in ("per call", "kept"):
            clients = ClientCache() if mode == "kept" else None
            try:
                _run(cls, config, clients, WARM_UP, "warm")
                cpu0, wall0 = time.thread_time(), time.perf_counter()
                _run(cls, config, clients, posts, "post")
                cpu, wall = time.thread_time() - cpu0, time.perf_counter() - wall0
            finally:
                if clients is not None:
                    clients.close()
            rows.append(
                {
                    "connector": kind,
                    "clients": mode,
                    "posts": posts,
                    "cpu_ms_per_publish": round(1000 * cpu / posts, 3),
                    "wall_ms_per_publish": round(1000 * wall / posts, 3),
                }
            )
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    return rows


def markdown(res: dict[str, Any]) -> str:
    lines = [
        f"# Connector client CPU per publish ({res['date']})",
        "",
        f"Machine: {res['machine']}. Command: `.venv/bin/python -m bench.connector_bench`. "
        f"One thread, {res['posts']} text posts per row after {WARM_UP} warm-up posts, the "
        "sandbox in its own process without emulated latency; CPU is the publishing thread's "
        f"clock. Load average (1 min) before/after: {res['load_average_1m']}.",
        "",
        "| connector | clients | CPU ms / publish | wall ms / publish |",
        "|---|---|---|---|",
    ]
    for r in res["rows"]:
        lines.append(
            f"| {r['connector']} | {r['clients']} | {r['cpu_ms_per_publish']} | "
            f"{r['wall_ms_per_publish']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--out", default=str(RESULTS / "connectors"))
    args = parser.parse_args()
    os.environ["PUBLISHER_ALLOW_PRIVATE_WEBHOOKS"] = "1"  # the sandbox is on loopback
    load_before = os.getloadavg()[0]
    sandbox = es.start_sandbox(latency=0.0)
    try:
        rows = measure(sandbox.url, args.posts)
    finally:
        sandbox.stop()
    res = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": es.machine(),
        "posts": args.posts,
        "load_average_1m": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "rows": rows,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(res, indent=2, ensure_ascii=False))
    out.with_suffix(".md").write_text(markdown(res))


if __name__ == "__main__":
    main()
