"""Platform calls in child processes (publisher/engine/calls.py), against the sandbox."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import psutil
import pytest

from connectors import registry
from connectors.base import ChannelConfig, Connector, OutgoingPost, PublishResult
from connectors.errors import AmbiguousError, RateLimitedError
from connectors.sandbox import SandboxHandle
from connectors.sandbox.client import SandboxClient
from publisher.engine.calls import CallPool, _cpu_of, calls_apart_now, chosen_count, default_count
from tests.engine.conftest import hook_spec, tg_spec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pool() -> Iterator[CallPool]:
    calls = CallPool(1, slots=4, adaptive=False).start()
    assert calls.wait_ready(60), "the call process did not start"
    yield calls
    calls.close()


def connector(spec: dict[str, Any], name: str = "Kênh thử") -> Connector:
    config = ChannelConfig(
        kind=spec["kind"], name=name, settings=spec["settings"], credentials=spec["credentials"]
    )
    return registry.get(spec["kind"])(config, timeout=5)


def post(text: str) -> OutgoingPost:
    return OutgoingPost(text=text, idempotency_key=uuid.uuid4().hex, marker=uuid.uuid4().hex[:8])


def test_a_call_in_the_child_publishes_as_one_in_the_worker(
    pool: CallPool, sandbox: SandboxHandle, sb: SandboxClient
) -> None:
    hook = connector(hook_spec(sandbox.url))
    chat = connector(tg_spec(sandbox.url))
    here = hook.publish(post("Tin trong tiến trình chính"))
    there = pool.publish(7, hook, post("Tin trong tiến trình gọi"))
    sent = pool.publish(8, chat, post("Tin Telegram"))
    assert type(there) is PublishResult and there.external_id
    assert there.external_id != here.external_id
    assert sent.external_id.startswith(str(chat.config.settings["chat_id"]))
    texts = sorted(str(r.get("text")) for r in sb.published())
    assert texts == ["Tin Telegram", "Tin trong tiến trình chính", "Tin trong tiến trình gọi"]
    assert pool.pids and os.getpid() not in pool.pids


def test_errors_come_back_as_the_same_class_with_their_fields(
    pool: CallPool, sandbox: SandboxHandle, sb: SandboxClient
) -> None:
    hook = connector(hook_spec(sandbox.url))
    sb.add_fault("webhook", "error", status=429, retry_after=7, times=2)
    errors = []
    for call in (hook.publish, lambda p: pool.publish(1, hook, p)):
        with pytest.raises(RateLimitedError) as caught:
            call(post("Bị giới hạn"))
        errors.append(caught.value)
    here, there = errors
    assert (str(there), there.code, there.retry_after) == (str(here), here.code, here.retry_after)
    sb.add_fault("webhook", "error", status=503, times=1)
    with pytest.raises(AmbiguousError, match="answered 503"):
        pool.publish(1, hook, post("Lỗi máy chủ"))


def test_a_changed_configuration_reaches_the_child(
    pool: CallPool, sandbox: SandboxHandle, sb: SandboxClient
) -> None:
    pool.publish(3, connector(hook_spec(sandbox.url, "cu")), post("Địa chỉ cũ"))
    pool.publish(3, connector(hook_spec(sandbox.url, "moi")), post("Địa chỉ mới"))
    accounts = {str(r.get("text")): r.get("account") for r in sb.published()}
    assert accounts == {"Địa chỉ cũ": "cu", "Địa chỉ mới": "moi"}


class _HereOnly(Connector):
    kind: ClassVar[str] = "webhook"
    platform: ClassVar[str] = "test"
    calls_apart: ClassVar[bool] = False

    def publish(self, post: OutgoingPost) -> PublishResult:
        return PublishResult("x", None, {"pid": os.getpid()})


def test_a_connector_that_needs_the_worker_is_called_in_it(pool: CallPool) -> None:
    config = ChannelConfig(kind="webhook", name="n", settings={}, credentials={})
    result = pool.publish(1, _HereOnly(config), post("Zalo"))
    assert result.raw["pid"] == os.getpid()


def test_a_child_that_dies_during_a_call_leaves_it_ambiguous_and_is_replaced(
    pool: CallPool, sandbox: SandboxHandle, sb: SandboxClient
) -> None:
    hook = connector(hook_spec(sandbox.url))
    sb.add_fault("webhook", "latency", seconds=3, times=1)
    [pid] = pool.pids
    outcome: list[BaseException | PublishResult] = []

    def call() -> None:
        try:
            outcome.append(pool.publish(1, hook, post("Đang gửi")))
        except BaseException as exc:
            outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(1.0)  # the call is in the child, waiting for the slow receiver
    os.kill(pid, signal.SIGKILL)
    caller.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], AmbiguousError)
    # Until a new child is ready, calls run in the worker; then in the new child.
    assert pool.publish(1, hook, post("Ngay sau đó")).external_id
    assert pool.wait_ready(60)
    assert pool.pids and pool.pids != [pid]
    assert pool.publish(1, hook, post("Tiến trình mới")).external_id


def test_a_signal_to_the_process_group_leaves_the_call_to_the_worker(
    pool: CallPool, sandbox: SandboxHandle, sb: SandboxClient
) -> None:
    """Ctrl-C in a terminal and `tini -g` in a container signal the worker's whole group:
    the worker finishes its calls in flight, so its call process must not die under them."""
    hook = connector(hook_spec(sandbox.url))
    sb.add_fault("webhook", "latency", seconds=1.5, times=1)
    [pid] = pool.pids
    outcome: list[Any] = []
    caller = threading.Thread(target=lambda: outcome.append(pool.publish(1, hook, post("Tin"))))
    caller.start()
    time.sleep(0.5)
    os.kill(pid, signal.SIGTERM)
    os.kill(pid, signal.SIGINT)
    caller.join(10)
    assert len(outcome) == 1 and outcome[0].external_id
    assert pool.pids == [pid] and _alive(pid)


def test_the_child_dies_with_the_worker() -> None:
    """A worker killed with SIGKILL takes its call process with it: an orphan could still
    publish what a restarted worker sends again."""
    script = textwrap.dedent(
        """
        import sys, time
        from publisher.engine.calls import CallPool
        pool = CallPool(1, slots=2).start()
        assert pool.wait_ready(60)
        print(pool.pids[0], flush=True)
        time.sleep(60)
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert psutil.pid_exists(child)
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _alive(child):
            time.sleep(0.05)
        assert not _alive(child)
    finally:
        if parent.poll() is None:
            parent.kill()


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_the_child_is_not_given_the_products_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """It needs none (each call brings its channel's credentials): the vault key, the
    database address and the notification tokens stay in the worker."""
    monkeypatch.setenv("PUBLISHER_SECRET_KEY", "vault-key-0123456789")
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", "postgresql://u:pw@db/x")
    monkeypatch.setenv("PUBLISHER_SMTP_PASSWORD", "smtp-pw")
    calls = CallPool(1, slots=1).start()
    try:
        assert calls.wait_ready(60)
        [pid] = calls.pids
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    finally:
        calls.close()
    names = {item.split(b"=", 1)[0].decode() for item in environ if item}
    assert "PUBLISHER_ALLOW_PRIVATE_WEBHOOKS" in names  # what the connectors read is kept
    assert not names & {"PUBLISHER_SECRET_KEY", "PUBLISHER_DATABASE_URL", "PUBLISHER_SMTP_PASSWORD"}


class _Anywhere(_HereOnly):
    calls_apart: ClassVar[bool] = True


def test_a_post_that_cannot_cross_the_pipe_is_published_by_the_worker(pool: CallPool) -> None:
    config = ChannelConfig(kind="webhook", name="n", settings={}, credentials={})
    odd = OutgoingPost(text="x", idempotency_key="k", metadata={"lock": threading.Lock()})
    assert pool.publish(1, _Anywhere(config), odd).raw["pid"] == os.getpid()


def test_an_adaptive_pool_calls_in_the_worker_until_the_worker_is_busy() -> None:
    """Handing a call over costs CPU: worth it only while the worker's own core is the
    limit. Busy (80 % of a core) sends the calls to the children; they come back once the
    worker and its children together use less than half a core."""
    assert calls_apart_now(False, own=0.85, children=0.0)
    assert not calls_apart_now(False, own=0.6, children=0.0)
    assert calls_apart_now(True, own=0.45, children=0.9)  # the burst goes on, apart
    assert not calls_apart_now(True, own=0.1, children=0.2)  # over: back here
    calls = CallPool(1, slots=1).start()
    try:
        assert calls.wait_ready(60) and not calls.apart
        config = ChannelConfig(kind="webhook", name="n", settings={}, credentials={})
        assert calls.publish(1, _Anywhere(config), post("x")).raw["pid"] == os.getpid()
    finally:
        calls.close()


def test_the_cpu_of_a_process_is_read_from_proc() -> None:
    start = time.process_time()
    while time.process_time() < start + 0.2:  # 0.2 s of this process's CPU
        pass
    read = _cpu_of([os.getpid()])
    assert start + 0.15 <= read <= time.process_time() + 0.05
    assert _cpu_of([2**22 + 7]) == 0.0  # no such process


def test_how_many_call_processes_a_worker_starts() -> None:
    assert chosen_count(3, 1, executor_only=True) == 3  # the command line first
    assert chosen_count(None, 1, executor_only=True) == 1  # then the setting
    assert chosen_count(None, None, executor_only=False) == default_count()
    assert chosen_count(None, None, executor_only=True) == 0  # executors scale as processes
