"""kill -9 at each point of one attempt: the ambiguous window is the platform call itself.

A worker process executes one claimed delivery and is killed (SIGKILL, sent by itself at
an exact point): before its pre-call mark is committed, after the mark but before the
request, or after the platform's answer but before the outcome is recorded. A live worker
then sweeps the dead one's rows (as when its heartbeat is missed). A row killed before its
mark was never sent, on any platform: it goes back to ``pending`` with the attempt given
back. A marked row is ambiguous and goes through the policy: the webhook is re-sent with
its key, Facebook is looked up, Telegram (which cannot be asked) is ``unconfirmed``. In
every case nothing is published twice and nothing is lost silently.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from connectors.sandbox.client import SandboxClient
from publisher.engine.claim import ChannelSpecs, claim_due
from publisher.engine.executor import ExecContext, execute
from publisher.engine.ratelimit import RateLimiter
from publisher.engine.reconcile import sweep_expired
from tests.engine.conftest import delivery, fb_spec, hook_spec, schedule, tg_spec
from tests.factories import make_office

GRACE = 6 * 3600
LEASE = 60
PLATFORM = {"fb": "facebook", "tg": "telegram", "hook": "webhook"}

WORKER = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import datetime
    from publisher.engine import executor
    from publisher.engine.ratelimit import RateLimiter
    from publisher.timeutil import FrozenClock, set_clock

    set_clock(FrozenClock(datetime.fromisoformat(sys.argv[2])))
    point = sys.argv[3]

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    real_mark = executor._mark

    def mark_then_die(*args):
        real_mark(*args)
        die()

    if point == "before-mark":
        executor._mark = die
    elif point == "before-request":
        executor._mark = mark_then_die
    elif point == "before-record":
        executor.settle = die  # the platform answered; nothing is recorded yet
    ctx = executor.ExecContext("doomed", RateLimiter(), lease_seconds=60, timeout=10.0)
    executor.execute(int(sys.argv[1]), ctx)
    """
)


def _kill_at(point: str, delivery_id: int, clock: Any) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", WORKER, str(delivery_id), clock.now().isoformat(), point],
        env={**os.environ, "PYTHONPATH": os.getcwd()},
        timeout=120,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture
def office(db: Any, clock: Any, sandbox: Any) -> Any:
    url = sandbox.url
    return make_office(
        "so-khcn", channels={"fb": fb_spec(url), "tg": tg_spec(url), "hook": hook_spec(url)}
    )


#: (point, channel) -> state after the sweep, whether the platform has the post by then.
CASES = {
    ("before-mark", "tg"): ("pending", False),
    ("before-mark", "hook"): ("pending", False),
    ("before-mark", "fb"): ("pending", False),
    ("before-request", "tg"): ("unconfirmed", False),
    ("before-request", "hook"): ("pending", False),
    ("before-request", "fb"): ("pending", False),
    ("before-record", "tg"): ("unconfirmed", True),
    ("before-record", "hook"): ("pending", True),
    ("before-record", "fb"): ("sent", True),
}


@pytest.mark.parametrize(("point", "channel"), list(CASES), ids=[f"{p}-{c}" for p, c in CASES])
def test_a_kill_at_each_point_of_an_attempt_ends_published_once_or_unconfirmed(
    point: str, channel: str, office: Any, clock: Any, sb: SandboxClient
) -> None:
    _, [d_id] = schedule("Bài khi máy bị tắt", [channel])
    specs = ChannelSpecs(ttl=0)
    claimed = claim_due(
        "doomed", RateLimiter(), specs, limit=5, lease_seconds=LEASE, grace_seconds=GRACE
    )
    assert claimed == [d_id]
    _kill_at(point, d_id, clock)
    killed = delivery(d_id)
    assert killed.status == "sending"
    assert (killed.request_started_at is None) == (point == "before-mark")

    assert sweep_expired("alive", lease_seconds=LEASE, timeout=5.0, dead=["doomed"]) == 1
    state, published = CASES[(point, channel)]
    after = delivery(d_id)
    assert after.status == state
    assert len(sb.published(PLATFORM[channel])) == (1 if published else 0)
    if point == "before-mark":
        # Never called: back at once, the attempt given back, nobody asked to check.
        assert after.attempts == 0 and after.next_attempt_at <= clock.now()
        assert after.error_kind is None

    # The live worker carries on (past any backoff): what is pending goes out, once in all.
    clock.advance(60)
    ctx = ExecContext("alive", RateLimiter(), LEASE, 5.0)
    for i in claim_due(
        "alive", RateLimiter(), specs, limit=5, lease_seconds=LEASE, grace_seconds=GRACE
    ):
        execute(i, ctx)
    final = delivery(d_id)
    if state == "unconfirmed":
        assert final.status == "unconfirmed"  # an editor checks Telegram; never re-sent
        assert len(sb.published("telegram")) == (1 if published else 0)
    else:
        assert final.status == "sent"
        assert len(sb.published(PLATFORM[channel])) == 1


pytestmark = pytest.mark.timeout(300)
