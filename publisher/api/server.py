"""Running the API service: in the foreground (``publisher api``) or in a thread (tests,
benchmarks, the demo)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import uvicorn
from sqlalchemy.engine import Engine

from publisher.api.app import create_app
from publisher.timeutil import Clock


def _config(engine: Engine | None, clock: Clock | None) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(engine, clock),
        log_level="warning",
        access_log=False,
        lifespan="off",
        backlog=2048,
        timeout_keep_alive=30,
        timeout_graceful_shutdown=2,
    )


def serve(host: str = "127.0.0.1", port: int = 8780) -> None:
    """Serve until interrupted. Raises OSError if the port is taken."""
    config = _config(None, None)
    config.host, config.port = host, port
    uvicorn.Server(config).run()


@dataclass
class ApiHandle:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def __enter__(self) -> ApiHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_in_thread(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
) -> ApiHandle:
    """Start the service on a free port in a daemon thread; returns once it accepts
    connections. Raises RuntimeError if it does not start within 10 s."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    server = uvicorn.Server(_config(engine, clock))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="api", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("API service did not start")
        time.sleep(0.01)
    return ApiHandle(f"http://{host}:{sock.getsockname()[1]}", server, thread)
