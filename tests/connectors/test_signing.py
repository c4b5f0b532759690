"""Signature schemes against known vectors (computed with sha256sum / openssl dgst)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors import signing

BODY = '{"event":"post.published","text":"Xin chào"}'.encode()
# printf '%s' 'app123<BODY>1700000000000s3cr3t' | sha256sum
ZALO_VECTOR = "mac=0c41b71772ef2983ed9162e65889208524d60abfc73921af89a0d10ffb352643"
# printf '%s' '1700000000.<BODY>' | openssl dgst -sha256 -hmac s3cr3t
HMAC_VECTOR = "sha256=9764573b0fa28f14a141023008655d3030049b55bda5ff62e31e49a6204321cb"


def test_zalo_signature_matches_the_known_vector() -> None:
    assert signing.zalo_signature("app123", BODY, "1700000000000", "s3cr3t") == ZALO_VECTOR


def test_hmac_signature_matches_the_known_vector() -> None:
    assert signing.hmac_signature("s3cr3t", "1700000000", BODY) == HMAC_VECTOR


def test_verify_zalo_accepts_the_vector_and_rejects_any_change() -> None:
    args = ("app123", BODY, "1700000000000", "s3cr3t")
    assert signing.verify_zalo(*args, ZALO_VECTOR)
    assert not signing.verify_zalo("app124", BODY, "1700000000000", "s3cr3t", ZALO_VECTOR)
    assert not signing.verify_zalo("app123", BODY + b" ", "1700000000000", "s3cr3t", ZALO_VECTOR)
    assert not signing.verify_zalo(*args, ZALO_VECTOR.upper())
    assert not signing.verify_zalo(*args, None)
    assert not signing.verify_zalo("app123", BODY, "1700000000000", "", ZALO_VECTOR)


@pytest.mark.parametrize(
    ("now", "ok"), [(1700000000.0, True), (1700000299.0, True), (1700000301.0, False)]
)
def test_verify_zalo_checks_the_millisecond_timestamp_when_asked(now: float, ok: bool) -> None:
    assert (
        signing.verify_zalo(
            "app123", BODY, "1700000000000", "s3cr3t", ZALO_VECTOR, tolerance_s=300, now=now
        )
        is ok
    )


@pytest.mark.parametrize(
    ("now", "ok"),
    [(1700000000.0, True), (1699999800.0, True), (1700000301.0, False), (1699999000.0, False)],
)
def test_verify_hmac_rejects_stale_timestamps(now: float, ok: bool) -> None:
    assert signing.verify_hmac("s3cr3t", "1700000000", BODY, HMAC_VECTOR, now=now) is ok


def test_verify_hmac_rejects_tampering_and_garbage() -> None:
    kw = {"tolerance_s": None}
    assert signing.verify_hmac("s3cr3t", "1700000000", BODY, HMAC_VECTOR, **kw)
    assert not signing.verify_hmac("s3cr3t", "1700000001", BODY, HMAC_VECTOR, **kw)
    assert not signing.verify_hmac("other", "1700000000", BODY, HMAC_VECTOR, **kw)
    assert not signing.verify_hmac("s3cr3t", "1700000000", BODY, "sha256=00", **kw)
    assert not signing.verify_hmac("s3cr3t", None, BODY, HMAC_VECTOR, **kw)
    assert not signing.verify_hmac("s3cr3t", "not-a-number", BODY, HMAC_VECTOR)


# -- properties ---------------------------------------------------------------------------------
texts = st.text(min_size=1, max_size=40)


@given(body=st.binary(max_size=200), secret=texts, ts=st.integers(0, 2**40).map(str))
def test_hmac_round_trip_and_tamper_detection(body: bytes, secret: str, ts: str) -> None:
    sig = signing.hmac_signature(secret, ts, body)
    assert signing.verify_hmac(secret, ts, body, sig, tolerance_s=None)
    assert not signing.verify_hmac(secret, ts, body + b"x", sig, tolerance_s=None)


@given(body=st.binary(max_size=200), secret=texts, app=texts, ts=st.integers(0, 2**40).map(str))
def test_zalo_round_trip_and_tamper_detection(body: bytes, secret: str, app: str, ts: str) -> None:
    sig = signing.zalo_signature(app, body, ts, secret)
    assert signing.verify_zalo(app, body, ts, secret, sig)
    assert not signing.verify_zalo(app, body + b"x", ts, secret, sig)
