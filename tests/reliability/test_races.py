"""Races found under load (bench/load.py): two editors approving the same post at once."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from publisher.db import session_scope
from publisher.errors import InvalidTransition
from publisher.models import Delivery
from publisher.services.publishing import posts
from tests.factories import make_office, telegram_channel


def test_the_second_of_two_concurrent_approvals_gets_a_clear_refusal(db: Any, clock: Any) -> None:
    office = make_office("so-khcn", channels={"tg": telegram_channel()})
    a = office.actor("editor")
    with session_scope() as s:
        post = posts.compose(
            s,
            office.actor("officer"),
            posts.PostInput(text="Tin", channels=["tg"], due_at=clock.now() + timedelta(hours=1)),
        )
        assert post.id is not None
        posts.submit(s, office.actor("officer"), post.id)
        post_id = post.id
    first_done, release = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def first() -> None:
        with session_scope() as s:
            posts.approve(s, a, post_id)
            first_done.set()
            release.wait(30)  # hold the transaction open while the second one arrives

    def second() -> None:
        first_done.wait(30)
        try:
            with session_scope() as s:
                posts.approve(s, office.actor("admin"), post_id)
            outcome["second"] = "approved"
        except Exception as exc:  # the point: which exception reaches the user
            outcome["second"] = exc

    t1, t2 = threading.Thread(target=first), threading.Thread(target=second)
    t1.start()
    t2.start()
    first_done.wait(30)
    t2.join(1.0)  # the second approval is now waiting on the first one's lock
    release.set()
    t1.join(30)
    t2.join(30)
    assert isinstance(outcome["second"], InvalidTransition), outcome
    with session_scope(readonly=True) as s:
        assert len(list(s.exec(select(Delivery).where(Delivery.post_id == post_id)))) == 1


pytestmark = pytest.mark.timeout(120)
