"""The exactly-once policy: what a publish outcome means for the delivery's next state.

=====================  ===================================================================
outcome                next state
=====================  ===================================================================
success                ``sent``
DuplicateError         ``sent`` (the platform already has it)
TransientError         ``pending`` after capped exponential backoff + jitter; ``failed`` +
                       alert once ``max_attempts`` is reached
RateLimitedError       ``pending`` at exactly now + retry_after (never earlier, no jitter);
                       the channel's bucket is paused as long; ``failed`` after
                       ``MAX_RATE_LIMITED`` attempts
AmbiguousError         connector ``dedupes``: ``pending`` after backoff (same idempotency
                       key); ``can_reconcile``: look the post up (found -> ``sent``, certainly
                       absent -> ``pending`` and looked up again before re-sending, lookup
                       failed -> ``unconfirmed`` + alert); otherwise ``unconfirmed`` + alert
PermanentError,        ``failed`` + alert, never retried
ConfigError
AuthError              ``failed``, channel flagged + alert, never retried
any other exception    treated as ambiguous (the request may have left)
=====================  ===================================================================
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConfigError,
    ConnectorError,
    DuplicateError,
    PermanentError,
    RateLimitedError,
    TransientError,
)

#: Backoff of transient failures: base * 2**(attempt-1), capped, with +-jitter.
BACKOFF_BASE_S = 5.0
BACKOFF_CAP_S = 15 * 60.0
JITTER = 0.2
#: Attempts (claims) after which a transient failure is final.
MAX_ATTEMPTS = 6
#: Attempts after which even rate-limited waits stop (throttled for hours: a person decides).
MAX_RATE_LIMITED = 20


class Action(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # back to pending at ``next_attempt_at``
    RECONCILE = "reconcile"  # ask the platform whether it has the post
    UNCONFIRMED = "unconfirmed"
    FAILED = "failed"
    FLAG = "flag"  # failed + the channel's credentials are flagged


@dataclass(frozen=True)
class Decision:
    action: Action
    next_attempt_at: datetime | None = None
    #: Pause the channel's rate bucket until this instant (rate-limited answers).
    pause_until: datetime | None = None
    #: The error class name stored on the delivery (``error_kind``).
    error_kind: str | None = None


def backoff_seconds(attempt: int, rng: random.Random | None = None) -> float:
    """Delay before retry number ``attempt`` (1-based): capped exponential with +-20% jitter.

    Raises nothing; ``attempt`` below 1 counts as 1.
    """
    base = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (max(1, attempt) - 1))
    r = (rng or random).uniform(-JITTER, JITTER)
    return min(BACKOFF_CAP_S, base * (1 + r))


def decide(
    error: BaseException | None,
    *,
    attempts: int,
    now: datetime,
    dedupes: bool,
    can_reconcile: bool,
    rng: random.Random | None = None,
) -> Decision:
    """The next step after one publish attempt (``error`` None means success).

    ``attempts`` counts this attempt. Raises nothing.
    """
    if error is None or isinstance(error, DuplicateError):
        return Decision(Action.SENT, error_kind="duplicate" if error is not None else None)
    if isinstance(error, RateLimitedError):
        if attempts >= MAX_RATE_LIMITED:
            return Decision(Action.FAILED, error_kind=error.kind)
        # Exactly retry_after: jitter would only ever make it later, and "never earlier" is
        # what the platform asked for.
        at = now + timedelta(seconds=error.retry_after)
        return Decision(Action.RETRY, next_attempt_at=at, pause_until=at, error_kind=error.kind)
    if isinstance(error, TransientError):
        if attempts >= MAX_ATTEMPTS:
            return Decision(Action.FAILED, error_kind=error.kind)
        at = now + timedelta(seconds=backoff_seconds(attempts, rng))
        return Decision(Action.RETRY, next_attempt_at=at, error_kind=error.kind)
    if isinstance(error, AuthError):
        return Decision(Action.FLAG, error_kind=error.kind)
    if isinstance(error, PermanentError | ConfigError):
        return Decision(Action.FAILED, error_kind=error.kind)
    # AmbiguousError, an unknown ConnectorError or an unexpected exception: it may have left.
    kind = error.kind if isinstance(error, ConnectorError) else AmbiguousError.kind
    if dedupes:
        if attempts >= MAX_ATTEMPTS:
            return Decision(Action.UNCONFIRMED, error_kind=kind)
        at = now + timedelta(seconds=backoff_seconds(attempts, rng))
        return Decision(Action.RETRY, next_attempt_at=at, error_kind=kind)
    if can_reconcile:
        return Decision(Action.RECONCILE, error_kind=kind)
    return Decision(Action.UNCONFIRMED, error_kind=kind)
