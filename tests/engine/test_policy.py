"""The exactly-once policy table and the backoff schedule, row by row."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConfigError,
    DuplicateError,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from publisher.engine.policy import (
    BACKOFF_BASE_S,
    BACKOFF_CAP_S,
    MAX_ATTEMPTS,
    Action,
    backoff_seconds,
    decide,
)

NOW = datetime(2026, 10, 10, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("error", "dedupes", "can_reconcile", "action"),
    [
        (None, False, False, Action.SENT),
        (DuplicateError("dup"), False, False, Action.SENT),
        (TransientError("refused"), False, False, Action.RETRY),
        (RateLimitedError("429", retry_after=7), False, False, Action.RETRY),
        (PermanentError("bad"), True, True, Action.FAILED),
        (ConfigError("bad url"), True, True, Action.FAILED),
        (AuthError("401"), True, True, Action.FLAG),
        (AmbiguousError("timeout"), True, False, Action.RETRY),
        (AmbiguousError("timeout"), False, True, Action.RECONCILE),
        (AmbiguousError("timeout"), False, False, Action.UNCONFIRMED),
        (RuntimeError("bug"), False, False, Action.UNCONFIRMED),
        (RuntimeError("bug"), False, True, Action.RECONCILE),
    ],
)
def test_policy_table(
    error: BaseException | None, dedupes: bool, can_reconcile: bool, action: Action
) -> None:
    decision = decide(error, attempts=1, now=NOW, dedupes=dedupes, can_reconcile=can_reconcile)
    assert decision.action == action


def test_retry_after_is_honoured_exactly_without_jitter() -> None:
    for _ in range(50):
        d = decide(
            RateLimitedError("429", retry_after=7.5),
            attempts=3,
            now=NOW,
            dedupes=False,
            can_reconcile=False,
        )
        assert d.next_attempt_at == NOW + timedelta(seconds=7.5)
        assert d.pause_until == d.next_attempt_at


def test_backoff_is_exponential_capped_and_jittered() -> None:
    rng = random.Random(7)
    for attempt in range(1, 12):
        nominal = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (attempt - 1))
        for _ in range(20):
            value = backoff_seconds(attempt, rng)
            assert nominal * 0.8 <= value <= min(BACKOFF_CAP_S, nominal * 1.2)
    assert backoff_seconds(30, rng) <= BACKOFF_CAP_S
    values = {round(backoff_seconds(3, rng), 6) for _ in range(20)}
    assert len(values) > 10  # jitter spreads retries of a burst apart


def test_transient_gives_up_after_max_attempts() -> None:
    d = decide(
        TransientError("x"), attempts=MAX_ATTEMPTS, now=NOW, dedupes=False, can_reconcile=False
    )
    assert d.action == Action.FAILED
    d = decide(TransientError("x"), attempts=2, now=NOW, dedupes=False, can_reconcile=False)
    assert d.action == Action.RETRY and d.next_attempt_at is not None
    assert d.next_attempt_at - NOW >= timedelta(seconds=BACKOFF_BASE_S * 2 * 0.8)
