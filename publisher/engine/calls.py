"""Platform calls in a child process: the worker's second core.

A burst of posts due at one instant is bound by the CPU, and a Python process uses one core
(the interpreter lock). The platform calls are most of that CPU (the client libraries build
and parse every request in Python); the bookkeeping around them (claims, the pre-call mark,
the outcome) is the rest. With a :class:`CallProcess` the executor threads keep everything
that touches the database and hand only the call itself, ``connector.publish(post)``, to a
child process, which runs it on a thread of its own with the same connector classes and
kept clients. The two processes then use two cores.

What does not change:

- The order of writes around a call. The pre-call mark is committed before the call is
  handed over, the outcome written after the answer comes back: a kill of either process
  leaves at most the calls in flight ambiguous, as before.
- The child never outlives the worker. It asks the kernel to kill it when the thread that
  started it ends (``PR_SET_PDEATHSIG``) and exits when its pipe to the worker closes; a
  dead worker's deliveries are re-sent only after its heartbeat is missed, so an orphan
  cannot publish a post a second time.
- Timeouts are the connectors' own. The worker waits for the child's answer as it waited
  for the call; if the child dies, every call it held ends as :class:`AmbiguousError` (it
  may have reached the platform) and a new child is started.
- Connectors whose calls need the worker (a Zalo OA channel refreshes and stores its tokens
  through the engine's keeper) say so (``Connector.calls_apart = False``) and are called in
  the worker as before; so is everything while the child is starting (a restarted worker
  publishes at once, not after the child's imports).

The pipe carries pickled tuples. A channel's decrypted configuration crosses it only when
the child has not seen that configuration object yet; it is never logged, and the child
keeps it in memory only. Errors come back as (class, args, attributes) and are rebuilt as
the same :class:`connectors.errors.ConnectorError` subclass.
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from multiprocessing.connection import Connection, Pipe
from pathlib import Path
from typing import Any

from connectors.base import ChannelConfig, Connector, OutgoingPost, PublishResult
from connectors.errors import AmbiguousError

log = logging.getLogger(__name__)
#: Seconds a child may take to import the connectors and say it is ready.
START_TIMEOUT_S = 60.0
#: Most call processes one worker may run.
MAX_CALL_PROCESSES = 16
#: Pause before starting a child again after one died.
RESTART_PAUSE_S = 1.0


class _Call:
    __slots__ = ("done", "outcome")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.outcome: tuple[bool, Any] | None = None


class CallProcess:
    """One child process that runs ``publish`` calls for this worker's executor threads.

    ``slots``: calls the child runs at once (the worker's executor slots, so no call waits
    in the child for a thread). :meth:`start` returns at once; until the child is ready
    :meth:`publish` calls in this process. Thread-safe.
    """

    def __init__(self, slots: int) -> None:
        self.slots = max(1, slots)
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._conn: Connection | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._pending: dict[int, _Call] = {}
        self._ids = itertools.count(1)
        #: The configuration object last sent for each channel (identity: the worker keeps
        #: one per channel until the channel changes).
        self._sent: dict[int, ChannelConfig] = {}
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._supervisor: threading.Thread | None = None
        self.restarts = 0

    # -- life cycle -----------------------------------------------------------------------
    def start(self) -> CallProcess:
        """Start the child in the background (a supervisor thread starts it again if it
        dies); returns at once."""
        if self._supervisor is None:
            self._supervisor = threading.Thread(
                target=self._supervise, name="calls-supervisor", daemon=True
            )
            self._supervisor.start()
        return self

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def wait_ready(self, timeout: float) -> bool:
        return self._ready.wait(timeout)

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None else None

    def close(self, timeout: float = 5.0) -> None:
        """Stop the child (calls it still holds end as ambiguous)."""
        self._stop.set()
        self._ready.clear()
        conn = self._conn
        if conn is not None:
            try:
                with self._send_lock:
                    conn.send(("stop",))
            except OSError:
                pass
        proc = self._proc
        if proc is not None:
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._supervisor is not None:
            self._supervisor.join(timeout)

    def _supervise(self) -> None:
        failed_starts = 0
        while not self._stop.is_set():
            served = False
            try:
                served = self._run_child()
            except Exception:
                log.exception("call process failed")
            self._ready.clear()
            self._fail_pending("the call process ended during the call")
            # A child that cannot start (a broken install) is tried again less and less
            # often, up to once a minute; the calls meanwhile run in the worker.
            failed_starts = 0 if served else failed_starts + 1
            if self._stop.wait(RESTART_PAUSE_S * 2 ** min(failed_starts, 6)):
                return
            self.restarts += 1
            log.warning("call process ended; starting a new one")

    def _run_child(self) -> bool:
        """Start a child and relay its answers until it ends; True if it became ready."""
        parent, child = Pipe(duplex=True)
        env = child_env(os.environ)
        try:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "publisher.engine.calls",
                    str(child.fileno()),
                    str(os.getpid()),
                    str(self.slots),
                ],
                pass_fds=(child.fileno(),),
                env=env,
                stdin=subprocess.DEVNULL,
            )
        finally:
            child.close()
        with self._lock:
            self._proc, self._conn = proc, parent
            self._sent = {}
        became_ready = False
        try:
            if not parent.poll(START_TIMEOUT_S):
                log.error("call process did not start in %.0f s", START_TIMEOUT_S)
                return False
            if parent.recv() != ("ready",):
                return False
            became_ready = True
            self._ready.set()
            log.info("call process %s ready", proc.pid)
            while True:
                message = parent.recv()
                call = self._pending.pop(message[1], None)
                if call is not None:
                    call.outcome = (message[0] == "ok", message[2])
                    call.done.set()
        except (EOFError, OSError):
            pass  # the child ended (or its pipe broke)
        finally:
            self._ready.clear()
            with self._lock:
                self._conn = None
            parent.close()
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        return became_ready

    def _fail_pending(self, why: str) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        for call in pending.values():
            call.outcome = (False, (AmbiguousError, (why,), {"message": why, "code": "calls"}))
            call.done.set()

    # -- calls ----------------------------------------------------------------------------
    def publish(self, channel_id: int, connector: Connector, post: OutgoingPost) -> PublishResult:
        """``connector.publish(post)``, in the child when it is ready and the connector may
        be called apart, else here. Raises what the connector raises (rebuilt), or
        :class:`AmbiguousError` when the child ended during the call."""
        conn = self._conn
        if conn is None or not self._ready.is_set() or not connector.calls_apart:
            return connector.publish(post)
        call = _Call()
        call_id = next(self._ids)
        config: ChannelConfig | None = connector.config
        if self._sent.get(channel_id) is config:
            config = None
        self._pending[call_id] = call
        try:
            with self._send_lock:
                conn.send(
                    ("call", call_id, channel_id, connector.kind, connector.timeout, config, post)
                )
        except (OSError, ValueError, TypeError, AttributeError, pickle.PicklingError):
            # The child is gone (or going), or the post does not pickle (refused before a
            # byte is written): nothing was handed over, so call here.
            self._pending.pop(call_id, None)
            return connector.publish(post)
        if config is not None:
            self._sent[channel_id] = config
        call.done.wait()
        assert call.outcome is not None
        ok, value = call.outcome
        if ok:
            return value  # type: ignore[no-any-return]
        if value is None:
            # A new child that has not seen this channel's configuration: nothing was
            # called; hand it over again with the configuration.
            self._sent.pop(channel_id, None)
            return self.publish(channel_id, connector, post)
        raise _rebuild(value)


class CallPool:
    """``count`` call processes; a channel's calls always go to the same one (its kept
    clients and configuration stay there). Thread-safe.

    ``adaptive``: the calls go to the children only while this process is busy (its CPU
    over :data:`BUSY_SHARE` of a core, :func:`calls_apart_now`): handing a call over costs
    CPU too (pickling, a thread woken on each side), which pays only when this process's
    core is the limit. False: always to the children (tests, benchmarks of the pipe)."""

    def __init__(self, count: int, slots: int, *, adaptive: bool = True) -> None:
        self.processes = [CallProcess(slots) for _ in range(max(1, count))]
        self.adaptive = adaptive
        #: Calls go to the children now (switched by the governor thread when adaptive).
        self.apart = not adaptive
        self._stop = threading.Event()
        self._governor: threading.Thread | None = None

    def start(self) -> CallPool:
        for process in self.processes:
            process.start()
        if self.adaptive and self._governor is None:
            self._governor = threading.Thread(
                target=self._govern, name="calls-governor", daemon=True
            )
            self._governor.start()
        return self

    @property
    def ready(self) -> bool:
        return all(p.ready for p in self.processes)

    def wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        return all(p.wait_ready(max(0.0, deadline - time.monotonic())) for p in self.processes)

    @property
    def pids(self) -> list[int]:
        return [pid for p in self.processes if (pid := p.pid) is not None]

    def close(self, timeout: float = 5.0) -> None:
        self._stop.set()
        for process in self.processes:
            process.close(timeout)
        if self._governor is not None:
            self._governor.join(timeout)

    def publish(self, channel_id: int, connector: Connector, post: OutgoingPost) -> PublishResult:
        """:meth:`CallProcess.publish` on the channel's process (here while not
        :attr:`apart`)."""
        if not self.apart:
            return connector.publish(post)
        process = self.processes[channel_id % len(self.processes)]
        return process.publish(channel_id, connector, post)

    def _govern(self) -> None:
        """Every :data:`GOVERN_INTERVAL_S`, measure this process's and the children's CPU
        and decide where the next calls go (from when the children are ready: a start's
        imports are no burst)."""
        while not self.wait_ready(GOVERN_INTERVAL_S):
            if self._stop.is_set():
                return
        wall, own, kids = time.monotonic(), time.process_time(), _cpu_of(self.pids)
        while not self._stop.wait(GOVERN_INTERVAL_S):
            now, own_now, kids_now = time.monotonic(), time.process_time(), _cpu_of(self.pids)
            span = max(1e-6, now - wall)
            apart = calls_apart_now(
                self.apart, (own_now - own) / span, max(0.0, kids_now - kids) / span
            )
            if apart != self.apart:
                log.info("platform calls %s", "in the call processes" if apart else "here")
                self.apart = apart
            wall, own, kids = now, own_now, kids_now


#: How often an adaptive pool looks at the CPU.
GOVERN_INTERVAL_S = 0.5
#: This process using more than this share of a core: the calls go to the children.
BUSY_SHARE = 0.8
#: This process and its children together using less than this: the calls come back here.
IDLE_SHARE = 0.5


def calls_apart_now(apart: bool, own: float, children: float) -> bool:
    """Where calls go next, from the shares of a core this process (``own``) and its call
    processes (``children``) used lately: to the children once this process is busy (its
    core is the limit); back here once both together would fit in one core with room to
    spare (the hand-over would cost more than it saves). Between the two: as now."""
    if not apart:
        return own >= BUSY_SHARE
    return own + children >= IDLE_SHARE


def _cpu_of(pids: list[int]) -> float:
    """CPU seconds (user + system) used so far by the processes ``pids`` (Linux's
    ``/proc``; 0 where it cannot be read)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def default_count() -> int:
    """Call processes a worker starts when not told: one per core up to four, none on a
    single core (a child would only compete with the worker for it) nor off POSIX (the
    pipe is handed over as an inherited descriptor)."""
    cores = os.cpu_count() or 1
    return 0 if cores < 2 or os.name != "posix" else min(4, cores)


def chosen_count(option: int | None, setting: int | None, *, executor_only: bool) -> int:
    """The call processes a worker starts: the command line's, else the setting's, else
    :func:`default_count`, except for an ``--executor-only`` process: it is itself the unit
    of scale-out, a host running several gives each its core, and children would outnumber
    the cores (measured: four executors on two cores ran slower with them)."""
    if option is not None:
        return option
    if setting is not None:
        return setting
    return 0 if executor_only else default_count()


#: Words that mark a variable as a secret (the vault key, passwords, tokens): a call
#: process is not given them. It needs none: the worker hands it each channel's credentials.
_SECRET_WORDS = ("KEY", "TOKEN", "PASSWORD", "SECRET", "DATABASE_URL")


def child_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment a call process starts with: the worker's (the outbound guard's
    settings, the CA bundle), without the product's secrets, and with this checkout on the
    import path."""
    env = {
        name: value
        for name, value in environ.items()
        if not (name.startswith("PUBLISHER_") and any(w in name for w in _SECRET_WORDS))
    }
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def _rebuild(value: tuple[type[BaseException], tuple[Any, ...], dict[str, Any]]) -> BaseException:
    cls, args, attrs = value
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(attrs)
    return exc


def _flatten(exc: BaseException) -> tuple[type[BaseException], tuple[Any, ...], dict[str, Any]]:
    """An exception as (class, args, attributes) that survive pickling; anything else (a
    client library's own type that does not pickle, a BaseException that is no Exception)
    as a RuntimeError with its text."""
    text = f"{type(exc).__name__}: {exc}"[:500]
    if not isinstance(exc, Exception):  # SystemExit and kin: an unexpected failure here
        return (RuntimeError, (text,), {})
    value = (type(exc), exc.args, dict(exc.__dict__))
    try:
        pickle.dumps(value)
    except Exception:
        return (RuntimeError, (text,), {})
    return value


# -- the child ------------------------------------------------------------------------------
def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this process when the thread that started it ends."""
    if sys.platform.startswith("linux"):  # elsewhere the pipe's end is the only signal
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:
        os._exit(0)


def child_main(fd: int, parent_pid: int, slots: int) -> None:
    """Serve calls from the worker over the pipe ``fd`` until it closes."""
    _die_with_parent(parent_pid)
    # A terminal's Ctrl-C and a container's `tini -g` signal the whole process group: the
    # worker then finishes its calls in flight and stops this child itself (or its death
    # kills it), so the child must not stop halfway through a call on its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from concurrent.futures import ThreadPoolExecutor

    from connectors import registry
    from connectors.clients import ClientCache

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s calls: %(message)s")
    conn = Connection(fd)
    send_lock = threading.Lock()
    configs: dict[int, ChannelConfig] = {}
    clients = ClientCache()
    registry.warm_up()  # the client libraries load now, not during the first call

    def reply(message: tuple[Any, ...]) -> None:
        with send_lock:
            try:
                conn.send(message)
            except Exception as exc:  # a result that does not pickle: say so instead
                if message[0] != "ok":
                    raise
                conn.send(("err", message[1], _flatten(exc)))

    def run(call_id: int, config: ChannelConfig, kind: str, timeout: float, post: Any) -> None:
        try:
            connector = registry.get(kind)(config, timeout=timeout, clients=clients)
            reply(("ok", call_id, connector.publish(post)))
        except BaseException as exc:  # even SystemExit: the worker must get an answer
            reply(("err", call_id, _flatten(exc)))

    conn.send(("ready",))
    with ThreadPoolExecutor(slots, thread_name_prefix="call") as pool:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                os._exit(0)  # the worker is gone: stop every call now
            if message[0] == "stop":
                break
            _, call_id, channel_id, kind, timeout, config, post = message
            if config is not None:
                configs[channel_id] = config
            elif channel_id not in configs:
                reply(("err", call_id, None))  # the worker sends it again, configured
                continue
            pool.submit(run, call_id, configs[channel_id], kind, timeout, post)
    clients.close()


if __name__ == "__main__":
    child_main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
