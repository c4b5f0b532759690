"""What the bot refuses to search (empty, huge, emoji, another language) and the per-citizen
token bucket (a flood is dropped, with one notice)."""

from __future__ import annotations

import pytest

from publisher.bots.limits import ALLOW, DROP, NOTICE, UserBuckets
from publisher.services.publishing.faq_bot import screen


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("a" * 1001, "too_long"),
        ("😀👍🎉", "no_words"),
        ("123 ??? !!!", "no_words"),
        ("如何注册电子身份账户", "language"),
        ("Как зарегистрироваться?", "language"),
        ("How do I register an electronic identity account?", "language"),
        ("What is the national digital transformation day?", "language"),
    ],
)
def test_messages_that_are_not_a_vietnamese_question_are_screened(text: str, why: str) -> None:
    assert screen(text) == why


@pytest.mark.parametrize(
    "text",
    [
        "làm sao để đăng ký tài khoản định danh điện tử mức 2?",
        "lam sao de dang ky tai khoan dinh danh dien tu muc 2",
        "ngay chuyen doi so quoc gia la ngay nao",
        "CĐS là gì",
        "the can cuoc gan chip o dau",  # "the" is Vietnamese here (thẻ)
        "VNeID",
        "khong nho mk vneid",
    ],
)
def test_vietnamese_questions_with_or_without_marks_go_to_the_search(text: str) -> None:
    assert screen(text) is None


def test_a_citizen_gets_the_burst_then_one_notice_then_silence_and_others_are_untouched() -> None:
    buckets = UserBuckets(per_minute=6, burst=3)
    seen = [buckets.hit("c:1", 100.0) for _ in range(6)]
    assert seen == [ALLOW, ALLOW, ALLOW, NOTICE, DROP, DROP]
    assert buckets.hit("c:2", 100.0) == ALLOW
    assert buckets.hit("c:1", 110.0) == ALLOW  # 10 s at 6 a minute gave a token back
    assert buckets.hit("c:1", 110.0) == NOTICE  # a new flood is told once again
