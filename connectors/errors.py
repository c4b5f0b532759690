"""The one error taxonomy shared by every connector and understood by the engine.

Every connector maps its platform's failures onto exactly one of these classes, in one table
that is tested row by row. The engine decides what to do from the class alone:

========================  =====================================================================
class                     engine policy
========================  =====================================================================
TransientError            nothing reached the platform; retry with capped backoff + jitter
RateLimitedError          retry no earlier than ``retry_after`` seconds
AmbiguousError            the platform may have published; retry only if the channel
                          de-duplicates (idempotency key), otherwise reconcile or mark
                          ``unconfirmed`` and alert
PermanentError            content rejected; never retried, the delivery fails
AuthError                 credentials expired or revoked; never retried, the channel is flagged
DuplicateError            the platform says it already has this post; treated as sent
========================  =====================================================================
"""

from __future__ import annotations


class ConnectorError(Exception):
    """Base of every connector failure.

    ``message`` is a short English technical description (logged, shown to admins);
    ``code`` is the platform's own error code when there is one (``"fb:190"``, ``"http:503"``).
    """

    #: Stable name of the class, stored on deliveries and used for i18n lookups.
    kind: str = "error"
    #: Whether the engine may retry without any further check.
    retryable: bool = False

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]" if self.code else self.message


class TransientError(ConnectorError):
    """The request certainly did not reach the platform (connection refused, DNS failure)."""

    kind = "transient"
    retryable = True


class RateLimitedError(ConnectorError):
    """The platform asked us to slow down; ``retry_after`` is in seconds (never retry earlier)."""

    kind = "rate_limited"
    retryable = True

    def __init__(self, message: str, *, retry_after: float, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = max(0.0, float(retry_after))


class AmbiguousError(ConnectorError):
    """The platform may have received and acted on the request (timeout after send, 5xx)."""

    kind = "ambiguous"


class PermanentError(ConnectorError):
    """The platform rejected the content or request; retrying cannot help."""

    kind = "permanent"


class AuthError(ConnectorError):
    """The channel's credentials are invalid, expired or revoked."""

    kind = "auth"


class DuplicateError(ConnectorError):
    """The platform reports that this exact post already exists (treated as published)."""

    kind = "duplicate"

    def __init__(
        self,
        message: str,
        *,
        external_id: str | None = None,
        url: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.external_id = external_id
        self.url = url


class ConfigError(ConnectorError):
    """The channel configuration itself is unusable (missing page id, bad URL, SSRF target)."""

    kind = "config"


ERROR_KINDS: dict[str, type[ConnectorError]] = {
    cls.kind: cls
    for cls in (
        TransientError,
        RateLimitedError,
        AmbiguousError,
        PermanentError,
        AuthError,
        DuplicateError,
        ConfigError,
    )
}
