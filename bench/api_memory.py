"""Memory of a real ``publisher api`` process under unauthenticated abuse.

Run: ``.venv/bin/python -m bench.api_memory [--code DIR --label before]``.

One api process (uvicorn, its own process, SQLite in a temporary data directory, one signed
webhook channel). Its resident memory (RSS, and the kernel's peak ``VmHWM``) is read from
``/proc`` while it receives:

1. 10,000 ``POST /inbound/<unknown name>`` (each name new and 1,000 characters long, as an
   attacker would choose; rate limiting off for this phase so that every request reaches the
   channel lookup: what is measured is the cache);
2. a 1 GB body sent chunked without ``Content-Length``;
3. a 1 GB body with an honest ``Content-Length: 1073741824``;
4. a 1 GB body behind a lying ``Content-Length: 60000`` (under the 64 KB limit).

Each upload is sent over a raw socket, 1 MB at a time, until the 1 GB is sent or the server
closes the connection; the bytes the client got through are recorded. ``--code DIR`` runs the
api from another checkout of the code (e.g. ``git archive`` of an older commit) to measure
the before figure with the same script. Writes ``bench/results/api-memory-<label>.json`` and
``bench/results/api-memory.md`` (every label found).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
GB = 1 << 30
MB = 1 << 20


def _proc_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def _mem(pid: int) -> dict[str, float]:
    return {
        "rss_mb": round(_proc_kb(pid, "VmRSS") / 1024, 1),
        "peak_mb": round(_proc_kb(pid, "VmHWM") / 1024, 1),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _setup(data_dir: Path, env: dict[str, str]) -> None:
    script = (
        "from publisher import migrate\n"
        "from publisher.db import get_engine, session_scope\n"
        "from publisher.services.accounts import orgs\n"
        "from publisher.services.publishing import channels\n"
        "from publisher.services.accounts.actor import Actor\n"
        "migrate.upgrade(get_engine())\n"
        "a = Actor.system('bench')\n"
        "with session_scope() as s:\n"
        "    org = orgs.create_org(s, a, 'So KHCN', slug='so-khcn')\n"
        "    channels.add_channel(s, a, kind='webhook', name='zalo-bench', org=org.slug,\n"
        "        settings={'url': 'https://oa.example.org/h', 'signature': 'hmac'},\n"
        "        credentials={'secret': 'bench-secret'})\n"
    )
    subprocess.run([sys.executable, "-c", script], env=env, cwd=data_dir, check=True)


def _upload(port: int, head: bytes, chunked: bool) -> dict[str, Any]:
    """Send ``head`` then up to 1 GB of body; returns what got through and the answer."""
    sent = 0
    started = time.monotonic()
    answer = ""
    chunk = b"x" * MB
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            sock.sendall(head)
            while sent < GB:
                sock.sendall(frame)
                sent += len(chunk)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:  # the server closed the connection: what it refused is not sent
            pass
        try:
            sock.settimeout(30)
            answer = sock.recv(4096).decode("latin-1").split("\r\n", 1)[0]
        except OSError as exc:
            answer = f"({type(exc).__name__})"
    return {
        "sent_mb": round(sent / MB, 1),
        "answer": answer,
        "s": round(time.monotonic() - started, 2),
    }


def run(code: Path, label: str, names: int, name_length: int) -> dict[str, Any]:
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="api-memory-") as tmp:
        data_dir = Path(tmp)
        env = {
            **os.environ,
            "PUBLISHER_DATA_DIR": str(data_dir),
            "PUBLISHER_SECRET_KEY": "bench-secret-key-0123456789abcdef",
            "PUBLISHER_API_INBOUND_RATE": "0",
            "PYTHONPATH": str(code),
        }
        env.pop("PUBLISHER_DATABASE_URL", None)
        _setup(data_dir, env)
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "publisher.cli", "api", "--port", str(port)],
            env=env,
            cwd=data_dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        out: dict[str, Any] = {"label": label, "names": names, "name_length": name_length}
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(f"{url}/metrics", timeout=2)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            body = b'{"event_id": "e1", "event": "seen", "delivery": "m1"}'
            headers = {"x-r57-timestamp": "0", "x-r57-signature": "sha256=" + "0" * 64}
            with httpx.Client(base_url=url, timeout=30) as http:
                for _ in range(200):  # warm-up: imports, pools, the known channel cached
                    http.post("/inbound/zalo-bench", content=body, headers=headers)
                    http.post("/inbound/warm-unknown", content=body, headers=headers)
                out["start"] = _mem(proc.pid)
                steps = []
                started = time.monotonic()
                statuses: dict[int, int] = {}
                for i in range(names):
                    name = f"unknown-{i:06d}-".ljust(name_length, "x")
                    r = http.post(f"/inbound/{name}", content=body, headers=headers)
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                    if (i + 1) % (names // 5) == 0:
                        steps.append({"after": i + 1, **_mem(proc.pid)})
                out["unknown_names"] = {
                    "steps": steps,
                    "statuses": statuses,
                    "s": round(time.monotonic() - started, 1),
                }
            path = "/inbound/zalo-bench"
            base = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            uploads = {
                "chunked_no_length": (base + "Transfer-Encoding: chunked\r\n\r\n", True),
                "honest_length_1gb": (base + f"Content-Length: {GB}\r\n\r\n", False),
                "lying_length_60000": (base + "Content-Length: 60000\r\n\r\n", False),
            }
            out["uploads"] = {}
            for name, (head, chunked) in uploads.items():
                result = _upload(port, head.encode(), chunked)
                time.sleep(1)  # let the server finish with the connection
                out["uploads"][name] = {**result, **_mem(proc.pid)}
            out["alive"] = proc.poll() is None
            out["end"] = _mem(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    out["load_before"] = [round(x, 2) for x in load_before]
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    out["machine"] = f"{platform.node()} {os.cpu_count()} CPUs, Python {platform.python_version()}"
    out["at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return out


def write_md() -> None:
    rows = []
    for path in sorted(RESULTS.glob("api-memory-*.json")):
        r = json.loads(path.read_text())
        names = r["unknown_names"]["steps"][-1]
        ups = r["uploads"]
        rows.append(
            f"| {r['label']} | {r['start']['rss_mb']} | {names['rss_mb']} "
            f"(after {names['after']:,} names of {r['name_length']} characters) | "
            + " | ".join(
                f"{u['peak_mb']} peak, {u['rss_mb']} after; {u['sent_mb']:,} MB sent; "
                f"`{u['answer']}`"
                for u in (
                    ups["chunked_no_length"],
                    ups["honest_length_1gb"],
                    ups["lying_length_60000"],
                )
            )
            + f" | {r['load_before'][0]} / {r['load_after'][0]} |"
        )
    text = (
        "# api memory under unauthenticated abuse (`bench.api_memory`)\n\n"
        "One `publisher api` process (SQLite). RSS and peak RSS (`VmHWM`) in MB, read from "
        "`/proc`. Uploads are 1 GB offered, 1 MB per send, until the server closes the "
        "connection. Peaks are cumulative (the process's highest RSS so far). Unknown names: "
        "each new, sent one after the other with the per-address rate limit off (so every one "
        "reaches the channel lookup). `before` is the code before the limits (commit 965b4d9, "
        "run with `--code`). Load: 1-minute load average before / after (2 CPUs shared with "
        "other work).\n\n"
        "| code | RSS after warm-up | RSS after unknown names | chunked 1 GB, no length | "
        "Content-Length 1 GB | lying Content-Length 60000 + 1 GB | load |\n"
        "|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )
    (RESULTS / "api-memory.md").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--label", default="after")
    parser.add_argument("--names", type=int, default=10_000)
    parser.add_argument("--name-length", type=int, default=1000)
    args = parser.parse_args()
    result = run(args.code.resolve(), args.label, args.names, args.name_length)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"api-memory-{args.label}.json").write_text(json.dumps(result, indent=2) + "\n")
    write_md()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
