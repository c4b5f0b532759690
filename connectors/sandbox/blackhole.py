"""A receiver that accepts TCP connections and never reads from them (nor answers).

The worst webhook receiver: the client's connect succeeds, its request sits in the kernel's
buffers, and no answer ever comes, so only the client's read timeout ends the call. Used by
the engine's bulkhead tests and the isolation benchmark::

    with Blackhole() as hole:
        url = hole.url + "/hook"   # http://127.0.0.1:<port>/hook
"""

from __future__ import annotations

import socket
import threading


class Blackhole:
    """Listens on 127.0.0.1 (a free port); keeps every accepted socket open, unread."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = int(self._server.getsockname()[1])
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="blackhole", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Blackhole:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(conn)
            self.accepted += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for conn in self._held:
            conn.close()
        self._server.close()

    def __enter__(self) -> Blackhole:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
