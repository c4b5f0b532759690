"""The fault matrix (bench/faults.py) as a test: every connector x every injected fault."""

from __future__ import annotations

from typing import Any

from bench.faults import CONNECTORS, FAULTS, run_matrix
from connectors.sandbox import SandboxHandle


def test_every_fault_settles_as_the_policy_says_with_nothing_lost_or_duplicated(
    db: Any, clock: Any, sandbox: SandboxHandle
) -> None:
    results = run_matrix(sandbox.url, clock)
    assert len(results) == len(FAULTS) * len(CONNECTORS)
    bad = [r for r in results if not r.ok]
    assert bad == [], "\n".join(
        f"{r.connector}/{r.fault}: {r.final_state} (expected {r.expected}), "
        f"received {r.received}, dup {r.duplicates}, lost {r.lost}, "
        f"retry_after honoured {r.retry_after_honoured}"
        for r in bad
    )
    assert sum(r.duplicates for r in results) == 0
    assert sum(r.lost for r in results) == 0
    # Every rate-limited case was checked one tick before retry_after, and honoured it.
    limited = [r for r in results if r.fault == "rate_limited"]
    assert [r.retry_after_honoured for r in limited] == [True] * len(CONNECTORS)
    # Whatever did not end "sent" told a person, in Vietnamese.
    for r in results:
        if r.applicable and r.final_state != "sent":
            assert r.user_told_vi and all(text.strip() for text in r.user_told_vi)
    # A bad token flags the channel (the UI shows it), it is never retried.
    for r in results:
        if r.fault == "bad_token":
            assert r.channel_flagged and r.attempts == 1
