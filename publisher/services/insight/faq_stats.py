"""Learning from the questions people ask (issue 21, item 4): how many were answered, which
come back most, which found no answer, and how satisfied people were (👍/👎). Read by the
knowledge base page and by the semi-annual report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from publisher.models import FaqQuery
from publisher.services.accounts import orgs
from publisher.services.accounts.actor import Actor


@dataclass(frozen=True)
class FaqFigures:
    asked: int
    answered: int
    suggested: int
    unanswered: int
    rated: int
    helpful: int

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None

    @property
    def satisfaction(self) -> float | None:
        """👍 among the rated answers (None: nothing rated)."""
        return self.helpful / self.rated if self.rated else None


@dataclass(frozen=True)
class QuestionRow:
    """One question as people wrote it (normalised), with how often it was asked."""

    text: str
    count: int
    #: The answer it got last (None: none).
    answer_id: int | None
    best_score: float
    #: The latest time it was asked: the row an editor turns into an answer.
    query_id: int
    last_asked: datetime
    not_helpful: int


@dataclass(frozen=True)
class FaqLearning:
    figures: FaqFigures
    top: list[QuestionRow]
    #: Unanswered, only suggested, or rated 👎: what the knowledge base is missing.
    to_improve: list[QuestionRow]


def _where(org_ids: Sequence[int] | None, start: datetime, end: datetime) -> list[Any]:
    where: list[Any] = [FaqQuery.asked_at >= start, FaqQuery.asked_at < end]
    if org_ids is not None:
        where.append(col(FaqQuery.org_id).in_(list(org_ids)))
    return where


def figures(
    session: Session, org_ids: Sequence[int] | None, start: datetime, end: datetime
) -> FaqFigures:
    """The counts of ``[start, end)`` for these organisations (None: all). No permission
    check: callers (``learning``, the report's ``gather``) check theirs."""
    row = session.exec(
        select(  # type: ignore[call-overload]
            func.count(),
            func.sum(case((col(FaqQuery.outcome) == "answered", 1), else_=0)),
            func.sum(case((col(FaqQuery.outcome) == "suggested", 1), else_=0)),
            func.sum(case((col(FaqQuery.outcome) == "unanswered", 1), else_=0)),
            func.sum(case((col(FaqQuery.helpful).is_not(None), 1), else_=0)),
            func.sum(case((col(FaqQuery.helpful).is_(True), 1), else_=0)),
        ).where(*_where(org_ids, start, end))
    ).one()
    return FaqFigures(*(int(v or 0) for v in row))


def _rows(
    session: Session,
    org_ids: Sequence[int] | None,
    start: datetime,
    end: datetime,
    limit: int,
    only_missing: bool,
) -> list[QuestionRow]:
    where = _where(org_ids, start, end)
    if only_missing:
        where.append(
            col(FaqQuery.outcome).in_(("unanswered", "suggested"))
            | col(FaqQuery.helpful).is_(False)
        )
    grouped = session.exec(
        select(  # type: ignore[call-overload]
            FaqQuery.text,
            func.count(),
            func.max(FaqQuery.score),
            func.max(FaqQuery.id),
            func.max(FaqQuery.asked_at),
            func.sum(case((col(FaqQuery.helpful).is_(False), 1), else_=0)),
        )
        .where(*where)
        .group_by(FaqQuery.text)
        .order_by(func.count().desc(), func.max(FaqQuery.id).desc())
        .limit(limit)
    ).all()
    last_ids = [int(r[3]) for r in grouped]
    answers = dict(
        session.exec(
            select(FaqQuery.id, FaqQuery.answer_id).where(col(FaqQuery.id).in_(last_ids))
        ).all()
    )
    return [
        QuestionRow(
            text=text,
            count=int(count),
            answer_id=answers.get(int(last_id)),
            best_score=float(score or 0.0),
            query_id=int(last_id),
            last_asked=last,
            not_helpful=int(bad or 0),
        )
        for text, count, score, last_id, last, bad in grouped
    ]


def learning(
    session: Session, actor: Actor, *, start: datetime, end: datetime, limit: int = 50
) -> FaqLearning:
    """The learning page of the actor's organisations (a coordinator: its province's).
    Raises PermissionDenied unless the role may view the knowledge base."""
    actor.require("faq.view")
    org_ids = orgs.readable_org_ids(session, actor)
    return FaqLearning(
        figures=figures(session, org_ids, start, end),
        top=_rows(session, org_ids, start, end, limit, only_missing=False),
        to_improve=_rows(session, org_ids, start, end, limit, only_missing=True),
    )
