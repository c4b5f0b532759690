"""Property tests (Hypothesis) for text fitting, local time and webhook signatures.

They extend, not repeat, tests/connectors/test_signing.py (round trip + body tampering) and
tests/connectors/test_telegram_html.py (escaping).
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from connectors import signing
from media import errors as media_errors
from media import text as mtext
from publisher.timeutil import TimeParseError, fmt_local, parse_local, to_local

VI_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
vi_word = st.text(
    alphabet=VI_LETTERS + VI_LETTERS.upper() + "0123456789&%/", min_size=1, max_size=14
)
vi_text = st.lists(vi_word, min_size=1, max_size=40).map(" ".join)
FAST = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- text fitting (media.text.fit) ----------------------------------------------------------
@FAST
@given(
    text=vi_text,
    box_w=st.integers(120, 900),
    box_h=st.integers(40, 600),
    max_lines=st.integers(1, 8),
)
def test_fitted_text_stays_in_its_box_loses_nothing_and_is_the_largest_size(
    text: str, box_w: int, box_h: int, max_lines: int
) -> None:
    kw = {
        "family": "Be Vietnam Pro",
        "weight": "Bold",
        "max_size": 72,
        "min_size": 14,
        "max_lines": max_lines,
    }
    try:
        block = mtext.fit(text, box_w, box_h, **kw)  # type: ignore[arg-type]
    except media_errors.MediaError as exc:
        # too long outright, or no room for it at the smallest size
        assert exc.key in (media_errors.TEXT_TOO_LONG, media_errors.TEXT_NO_ROOM)
        small = mtext.layout(text, "Be Vietnam Pro", "Bold", 14, box_w)
        assert len(small.lines) > max_lines or small.width > box_w or small.height > box_h
        return
    assert 14 <= block.size <= 72
    assert block.width <= box_w and block.height <= box_h and len(block.lines) <= max_lines
    # Nothing dropped or reordered: only spaces (and breaks inside long words) differ.
    assert "".join(block.lines).replace(" ", "") == text.replace(" ", "")
    if block.size < 72:  # one pixel larger no longer fits: the search found the largest
        bigger = mtext.layout(text, "Be Vietnam Pro", "Bold", block.size + 1, box_w)
        assert len(bigger.lines) > max_lines or bigger.width > box_w or bigger.height > box_h


@FAST
@given(text=vi_text)
def test_nfd_input_wraps_exactly_like_nfc(text: str) -> None:
    nfd = unicodedata.normalize("NFD", text)
    a = mtext.layout(mtext.nfc(nfd), "Be Vietnam Pro", "Regular", 32, 600)
    b = mtext.layout(text, "Be Vietnam Pro", "Regular", 32, 600)
    assert a.lines == b.lines and a.width == b.width


# -- local time (publisher.timeutil) ---------------------------------------------------------
# Asia/Ho_Chi_Minh was UTC+8 until 1975 (tzdata): the office only deals with later times.
instants = st.datetimes(
    min_value=datetime(1976, 1, 1), max_value=datetime(9998, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=150, deadline=None)
@given(instant=instants)
def test_fmt_local_then_parse_local_is_the_same_minute(instant: datetime) -> None:
    shown = fmt_local(instant)
    back = parse_local(shown)
    assert back == instant.replace(second=0, microsecond=0)
    assert back.tzinfo is UTC or back.utcoffset() == timedelta(0)
    local = to_local(instant)
    assert local.utcoffset() == timedelta(hours=7)  # Asia/Ho_Chi_Minh: no DST
    assert shown == local.strftime("%d/%m/%Y %H:%M")


@settings(max_examples=150, deadline=None)
@given(instant=instants, offset_min=st.integers(-14 * 60, 14 * 60))
def test_iso_with_any_offset_is_the_same_instant(instant: datetime, offset_min: int) -> None:
    from datetime import timezone

    tz = timezone(timedelta(minutes=offset_min))
    text = instant.astimezone(tz).replace(microsecond=0).isoformat()
    assert parse_local(text) == instant.replace(microsecond=0)


@settings(max_examples=200, deadline=None)
@given(
    raw=st.one_of(
        st.text(max_size=30),
        st.builds(
            lambda d, m, y, h, mi: f"{d}/{m}/{y} {h}:{mi}",
            st.integers(0, 99),
            st.integers(0, 99),
            st.integers(0, 9999),
            st.integers(0, 99),
            st.integers(0, 99),
        ),
    )
)
def test_parse_local_accepts_or_says_time_invalid_never_anything_else(raw: str) -> None:
    try:
        value = parse_local(raw)
    except TimeParseError:
        return
    assert value.utcoffset() == timedelta(0)


# -- signatures (connectors.signing) ---------------------------------------------------------
secrets_ = st.text(min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(
    body=st.binary(max_size=200),
    secret=secrets_,
    ts=st.integers(10**9, 2 * 10**9),
    skew=st.floats(-1000, 1000, allow_nan=False),
    tolerance=st.floats(0, 600),
)
def test_hmac_is_accepted_exactly_inside_the_replay_window(
    body: bytes, secret: str, ts: int, skew: float, tolerance: float
) -> None:
    assume(abs(abs(skew) - tolerance) > 1e-6)  # not exactly on the edge (float rounding)
    sig = signing.hmac_signature(secret, str(ts), body)
    ok = signing.verify_hmac(secret, str(ts), body, sig, tolerance_s=tolerance, now=ts + skew)
    assert ok == (abs(skew) <= tolerance)


@settings(max_examples=200, deadline=None)
@given(
    body=st.binary(max_size=100),
    secret=secrets_,
    ts=st.integers(0, 2**40).map(str),
    position=st.integers(0, 63),
    data=st.data(),
)
def test_changing_any_hex_digit_of_a_signature_is_refused(
    body: bytes, secret: str, ts: str, position: int, data: st.DataObject
) -> None:
    for make, verify in (
        (
            lambda: signing.hmac_signature(secret, ts, body),
            lambda sig: signing.verify_hmac(secret, ts, body, sig, tolerance_s=None),
        ),
        (
            lambda: signing.zalo_signature("app", body, ts, secret),
            lambda sig: signing.verify_zalo("app", body, ts, secret, sig),
        ),
    ):
        sig = make()
        prefix, digest = sig.split("=", 1)
        new = data.draw(
            st.sampled_from("0123456789abcdef").filter(lambda c, p=position, d=digest: c != d[p])
        )
        forged = f"{prefix}={digest[:position]}{new}{digest[position + 1 :]}"
        assert not verify(forged)
        assert not verify(sig.upper()) or sig == sig.upper()


@settings(max_examples=150, deadline=None)
@given(
    secret=secrets_,
    body=st.binary(max_size=50),
    ts=st.one_of(st.none(), st.text(max_size=20)),
    header=st.one_of(st.none(), st.text(max_size=80)),
)
def test_verifying_garbage_returns_false_and_never_raises(
    secret: str, body: bytes, ts: str | None, header: str | None
) -> None:
    assert signing.verify_hmac(secret, ts, body, header) in (True, False)
    assert signing.verify_zalo("app", body, ts or "", secret, header, tolerance_s=300) in (
        True,
        False,
    )


def test_the_fit_property_test_can_fail() -> None:
    """Guard: an impossible box is refused with the catalogue key (no room at the smallest
    size), not silently overflowed."""
    with pytest.raises(media_errors.MediaError) as exc:
        mtext.fit(
            "Chuyển đổi số " * 50,
            100,
            20,
            family="Be Vietnam Pro",
            weight="Bold",
            max_size=40,
            min_size=14,
        )
    assert exc.value.key == media_errors.TEXT_NO_ROOM
