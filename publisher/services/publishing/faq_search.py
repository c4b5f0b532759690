"""Answering the public's questions from the office's knowledge base (issue 21).

:func:`ask` is what the bots, the CLI (``publisher faq ask``) and the benchmark call. It only
ever returns a stored, approved answer inside its valid dates, of the asking organisation or
of an organisation above it (the province's answers hold for its units): never made-up text.
No actor: the public asks. The index of each set of organisations is kept in memory and
rebuilt when its answers change (a cheap fingerprint query at most every two seconds, the
same on SQLite and PostgreSQL).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from publisher.db import is_row_id
from publisher.errors import InvalidInput, NotFound
from publisher.models import FaqAnswer, FaqQuery, Organisation
from publisher.services.publishing.faq_index import Entry, FaqIndex, Hit
from publisher.services.publishing.faq_text import normalise
from publisher.timeutil import ensure_utc, to_local

APPROVED = "approved"
#: At or above: the best answer is given. Calibrated on bench/data/faq/dev.csv (never on the
#: held-out set): see docs/faq.md and bench/results/faq.md.
ANSWER_THRESHOLD = 0.4
#: At or above (and below the answer threshold): «Bạn có muốn hỏi: ...» suggestions.
SUGGEST_THRESHOLD = 0.25
MAX_SUGGESTIONS = 3
#: Longer questions are cut before matching (a bot message can be huge).
MAX_QUESTION_CHARS = 500


@dataclass(frozen=True)
class FaqSuggestion:
    answer_id: int
    question: str


@dataclass(frozen=True)
class FaqReply:
    answered: bool
    answer_id: int | None
    answer: str | None
    source_url: str | None
    score: float
    #: For «Bạn có muốn hỏi: ...» when unsure or not answered (may be empty).
    suggestions: tuple[FaqSuggestion, ...]
    #: The logged question (for :func:`feedback`); None when ``log`` was False.
    query_id: int | None


_lock = threading.Lock()
#: How long an index (and a unit's place in the tree) is trusted before the database is asked
#: again whether it changed: a change made by another process (the page, the CLI) reaches the
#: bots within this time; changes in this process drop the index at once (``invalidate``).
#: Saves one or two queries on every question (issue 21's 50 questions/s).
RECHECK_SECONDS = 2.0

#: (database, organisations) -> (fingerprint, index, when checked: time.monotonic()).
_cache: dict[tuple[str, tuple[int, ...] | None], tuple[tuple[object, ...], FaqIndex, float]] = {}
#: (database, organisation) -> (scope, when checked).
_scopes: dict[tuple[str, int], tuple[tuple[int, ...], float]] = {}


def _db(session: Session) -> str:
    return str(session.get_bind().engine.url)


def org_scope(session: Session, org_id: int | None) -> tuple[int, ...] | None:
    """The organisations whose answers hold for ``org_id``: itself and those above it
    (None: every organisation). Raises NotFound for an unknown organisation."""
    if org_id is None:
        return None
    key = (_db(session), org_id)
    with _lock:
        known = _scopes.get(key)
    if known is not None and time.monotonic() - known[1] < RECHECK_SECONDS:
        return known[0]
    ids: list[int] = []
    current: int | None = org_id
    while current is not None and current not in ids and len(ids) < 8:
        org = session.get(Organisation, current) if is_row_id(current) else None
        if org is None:
            if not ids:
                raise NotFound("error.org_not_found", org=org_id)
            break
        ids.append(current)
        current = org.parent_id
    scope = tuple(sorted(ids))
    with _lock:
        _scopes[key] = (scope, time.monotonic())
    return scope


def _approved(scope: tuple[int, ...] | None) -> list[Any]:
    where: list[Any] = [FaqAnswer.status == APPROVED]
    if scope is not None:
        where.append(col(FaqAnswer.org_id).in_(scope))
    return where


def _index(session: Session, scope: tuple[int, ...] | None) -> FaqIndex:
    where = _approved(scope)
    key = (_db(session), scope)
    with _lock:
        cached = _cache.get(key)
    if cached is not None and time.monotonic() - cached[2] < RECHECK_SECONDS:
        return cached[1]
    row = session.exec(
        select(  # type: ignore[call-overload]
            func.count(col(FaqAnswer.id)),
            func.max(FaqAnswer.updated_at),
            func.max(FaqAnswer.id),
            func.sum(FaqAnswer.id),
        ).where(*where)
    ).one()
    fingerprint = tuple(row)
    if cached is not None and cached[0] == fingerprint:
        with _lock:
            _cache[key] = (fingerprint, cached[1], time.monotonic())
        return cached[1]
    rows = session.exec(select(FaqAnswer).where(*where).order_by(col(FaqAnswer.id))).all()
    entries = [
        Entry(
            answer_id=r.id or 0,
            org_id=r.org_id,
            question=r.question,
            answer=r.answer,
            source_url=r.source_url,
            valid_from=r.valid_from,
            valid_until=r.valid_until,
        )
        for r in rows
    ]
    variants: dict[int, list[str]] = defaultdict(list)
    for r in rows:
        variants[r.id or 0].extend(v for v in r.variants if isinstance(v, str))
    index = FaqIndex(entries, dict(variants))
    with _lock:
        _cache[key] = (fingerprint, index, time.monotonic())
    return index


def invalidate() -> None:
    """Forget every index and scope: called by every change to the answers in this process
    (another process's change is caught by the fingerprint -- count, last change, ids --
    checked at most every ``RECHECK_SECONDS``)."""
    with _lock:
        _cache.clear()
        _scopes.clear()


def _reply(hits: list[Hit], query_id: int | None) -> FaqReply:
    if not hits:
        return FaqReply(False, None, None, None, 0.0, (), query_id)
    top = hits[0]
    answered = top.confidence >= ANSWER_THRESHOLD and not FaqIndex.ambiguous(hits)
    rest = hits[1:] if answered else hits
    suggestions = tuple(
        FaqSuggestion(h.entry.answer_id, h.entry.question)
        for h in rest
        if h.confidence >= SUGGEST_THRESHOLD
    )[:MAX_SUGGESTIONS]
    if not answered:
        return FaqReply(False, None, None, None, top.confidence, suggestions, query_id)
    e = top.entry
    return FaqReply(
        True, e.answer_id, e.answer, e.source_url, top.confidence, suggestions, query_id
    )


def ask(
    session: Session,
    text: str,
    *,
    org_id: int | None,
    now: datetime,
    log: bool = False,
    channel_id: int | None = None,
) -> FaqReply:
    """The approved answer to ``text`` for ``org_id`` (None: every organisation), or not
    answered with up to three suggestions. ``log``: keep the question (normalised text,
    organisation, channel, score, answer; nothing about who asked) for :func:`feedback` and
    the learning page. Raises NotFound for an unknown organisation; never raises on text."""
    scope = org_scope(session, org_id)
    question = normalise(text)[:MAX_QUESTION_CHARS]
    day = to_local(ensure_utc(now)).date()
    index = _index(session, scope)
    allowed = {i for i, e in enumerate(index.entries) if e.valid_on(day)}
    hits = index.search(question, allowed) if question else []
    reply = _reply(hits, None)
    if not log:
        return reply
    outcome = "answered" if reply.answered else ("suggested" if reply.suggestions else "unanswered")
    row = FaqQuery(
        org_id=org_id,
        channel_id=channel_id,
        text=question or "-",
        score=reply.score,
        outcome=outcome,
        answer_id=reply.answer_id,
        asked_at=ensure_utc(now),
    )
    session.add(row)
    session.flush()
    return _reply(hits, row.id)


def feedback(session: Session, query_id: int, *, helpful: bool, now: datetime) -> None:
    """Record 👍 (``helpful``) or 👎 on a logged question; the last press counts.
    Raises NotFound for an unknown question, InvalidInput when it got no answer."""
    row = session.get(FaqQuery, query_id) if is_row_id(query_id) else None
    if row is None:
        raise NotFound("faqkb.error.query_not_found", id=query_id)
    if row.answer_id is None:
        raise InvalidInput("faqkb.error.feedback_unanswered", id=query_id)
    row.helpful = helpful
    row.feedback_at = ensure_utc(now)
    session.add(row)
