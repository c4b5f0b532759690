"""Webhook signatures: signers for outgoing events and verifiers for receivers.

Plain functions over bytes and strings so that both the webhook connector (outgoing) and the
API service (inbound events, sandbox receiver) use the same code. Verifiers compare in
constant time and never raise on malformed input: a bad signature is simply ``False``.

Two schemes:

* ``zalo`` — as Zalo Official Account webhooks: header ``X-ZEvent-Signature:
  mac=<hex sha256(app_id + raw_body + timestamp + secret)>`` (plain SHA-256, not HMAC), where
  ``app_id`` and the millisecond ``timestamp`` are also inside the JSON body.
* ``hmac`` — header ``X-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw_body)>``
  with the Unix-seconds timestamp in ``X-Timestamp``.
"""

from __future__ import annotations

import hashlib
import hmac
import time

ZALO_HEADER = "X-ZEvent-Signature"
HMAC_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Timestamp"
SCHEMES = ("zalo", "hmac")
#: Default accepted clock difference between signer and verifier, seconds.
DEFAULT_TOLERANCE_S = 300.0


def _b(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def zalo_signature(app_id: str, raw_body: bytes, timestamp: str, secret: str) -> str:
    """Return ``"mac=<hex>"`` for the Zalo-style scheme. Raises nothing."""
    digest = hashlib.sha256(_b(app_id) + _b(raw_body) + _b(timestamp) + _b(secret)).hexdigest()
    return f"mac={digest}"


def verify_zalo(
    app_id: str,
    raw_body: bytes,
    timestamp: str,
    secret: str,
    signature: str | None,
    *,
    tolerance_s: float | None = None,
    now: float | None = None,
) -> bool:
    """Whether ``signature`` (the header value) is valid for this body.

    ``timestamp`` is the millisecond string taken from the body. With ``tolerance_s`` the
    timestamp must also be within that many seconds of ``now`` (replay protection). Raises
    nothing: malformed input gives ``False``.
    """
    if not signature or not secret:
        return False
    if tolerance_s is not None and not _fresh(timestamp, tolerance_s, now, millis=True):
        return False
    expected = zalo_signature(app_id, raw_body, timestamp, secret)
    return hmac.compare_digest(_b(expected), _b(signature.strip()))


def hmac_signature(secret: str, timestamp: str, raw_body: bytes) -> str:
    """Return ``"sha256=<hex>"`` of HMAC-SHA256(secret, timestamp + "." + raw_body)."""
    mac = hmac.new(_b(secret), _b(timestamp) + b"." + _b(raw_body), hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify_hmac(
    secret: str,
    timestamp: str | None,
    raw_body: bytes,
    signature: str | None,
    *,
    tolerance_s: float | None = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """Whether ``signature`` (``X-Signature``) is valid and ``timestamp`` (``X-Timestamp``,
    Unix seconds) is within ``tolerance_s`` of ``now``. ``tolerance_s=None`` skips the clock
    check (only for known vectors). Raises nothing."""
    if not signature or not secret or not timestamp:
        return False
    if tolerance_s is not None and not _fresh(timestamp, tolerance_s, now, millis=False):
        return False
    expected = hmac_signature(secret, timestamp, raw_body)
    return hmac.compare_digest(_b(expected), _b(signature.strip()))


def _fresh(timestamp: str, tolerance_s: float, now: float | None, *, millis: bool) -> bool:
    try:
        ts = float(timestamp)
    except (TypeError, ValueError):
        return False
    if millis:
        ts /= 1000.0
    current = time.time() if now is None else now
    return abs(current - ts) <= tolerance_s
