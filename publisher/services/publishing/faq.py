"""The knowledge base as the office edits it: answers written, reviewed and approved like
posts (draft -> in_review -> approved | rejected; archived), seeded from published posts and
from questions people asked (issue 21). The public side is ``faq_search``.

Four eyes, as for posts: a web account never approves an answer whose content (question,
answer, variants, source) it changed last; the server's operator (CLI) is not bound, and the
audit row says so.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from publisher.db import is_row_id
from publisher.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from publisher.models import Delivery, FaqAnswer, FaqQuery, Post
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import topics
from publisher.timeutil import utcnow

DRAFT, IN_REVIEW, APPROVED, REJECTED, ARCHIVED = (
    "draft",
    "in_review",
    "approved",
    "rejected",
    "archived",
)
STATUSES = (DRAFT, IN_REVIEW, APPROVED, REJECTED, ARCHIVED)
MAX_QUESTION = 500
MAX_ANSWER = 4000
MAX_VARIANTS = 30
MAX_URL = 2000


@dataclass
class AnswerInput:
    """What an editor types; checked by :func:`clean`."""

    question: str
    answer: str
    source_url: str
    variants: list[str] = field(default_factory=list)
    theme: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    post_id: int | None = None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def clean(data: AnswerInput) -> AnswerInput:
    """The input trimmed and checked. Raises InvalidInput (one line, in the user's language)
    for an empty question or answer, a missing or non-web source, a bad theme, dates out of
    order or texts over their limits."""
    question = " ".join(_nfc(data.question).split())
    answer = _nfc(data.answer)
    source = _nfc(data.source_url)
    if not question:
        raise InvalidInput("faqkb.error.question_required")
    if len(question) > MAX_QUESTION:
        raise InvalidInput("faqkb.error.question_too_long", max=MAX_QUESTION)
    if not answer:
        raise InvalidInput("faqkb.error.answer_required")
    if len(answer) > MAX_ANSWER:
        raise InvalidInput("faqkb.error.answer_too_long", max=MAX_ANSWER)
    # Every answer shows its source (issue 21, safety).
    if not source.startswith(("https://", "http://")) or len(source) > MAX_URL or " " in source:
        raise InvalidInput("faqkb.error.source_invalid")
    variants: list[str] = []
    for raw in data.variants:
        v = " ".join(_nfc(raw).split())
        if v and v != question and v not in variants:
            if len(v) > MAX_QUESTION:
                raise InvalidInput("faqkb.error.question_too_long", max=MAX_QUESTION)
            variants.append(v)
    if len(variants) > MAX_VARIANTS:
        raise InvalidInput("faqkb.error.too_many_variants", max=MAX_VARIANTS)
    themes = topics.parse_themes(data.theme) if data.theme else []
    if len(themes) > 1:
        raise InvalidInput("faqkb.error.one_theme")
    if data.valid_from and data.valid_until and data.valid_until < data.valid_from:
        raise InvalidInput("faqkb.error.dates_order")
    return AnswerInput(
        question,
        answer,
        source,
        variants,
        themes[0] if themes else None,
        data.valid_from,
        data.valid_until,
        data.post_id,
    )


def _content(row: FaqAnswer) -> tuple[Any, ...]:
    return (row.question, row.answer, list(row.variants), row.source_url)


def _changed() -> None:
    from publisher.services.publishing import faq_search

    faq_search.invalidate()


def _mark(row: FaqAnswer, actor: Actor) -> None:
    row.content_by = actor.user_id
    row.content_label = actor.label or f"role:{actor.role}"
    row.updated_at = utcnow()


def _check_post(session: Session, actor: Actor, org_id: int, post_id: int | None) -> None:
    if post_id is None:
        return
    post = session.get(Post, post_id) if is_row_id(post_id) else None
    if post is None or not actor.sees(post.org_id) or post.org_id != org_id:
        raise NotFound("error.post_not_found", id=post_id)


def get_answer(session: Session, actor: Actor, answer_id: int) -> FaqAnswer:
    """An answer of the actor's organisation; raises NotFound (other organisations' too)."""
    actor.require("faq.view")
    row = session.get(FaqAnswer, answer_id) if is_row_id(answer_id) else None
    if row is None or not actor.sees(row.org_id):
        raise NotFound("faqkb.error.answer_not_found", id=answer_id)
    return row


def list_answers(
    session: Session, actor: Actor, *, status: str | None = None, limit: int = 1000
) -> list[FaqAnswer]:
    """The actor's organisation's answers (every one for an administrator), newest first."""
    actor.require("faq.view")
    query = select(FaqAnswer).order_by(col(FaqAnswer.updated_at).desc()).limit(limit)
    if not actor.all_orgs:
        query = query.where(FaqAnswer.org_id == actor.org_id)
    if status:
        query = query.where(FaqAnswer.status == status)
    return list(session.exec(query).all())


def create(
    session: Session, actor: Actor, data: AnswerInput, *, org_id: int | None = None
) -> FaqAnswer:
    """A new draft answer of ``org_id`` (default: the actor's). Raises PermissionDenied,
    InvalidInput, NotFound (a post of another organisation)."""
    actor.require("faq.edit")
    org = org_id if org_id is not None else actor.org_id
    if org is None:
        raise InvalidInput("faqkb.error.org_required")
    actor.require_org(org)
    data = clean(data)
    _check_post(session, actor, org, data.post_id)
    row = FaqAnswer(
        org_id=org,
        question=data.question,
        answer=data.answer,
        source_url=data.source_url,
        variants=data.variants,
        theme=data.theme,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        post_id=data.post_id,
        created_by=actor.user_id,
    )
    _mark(row, actor)
    session.add(row)
    session.flush()
    audit.record(session, actor, "faq.create", "faqanswer", row.id, org_id=org)
    return row


def update(session: Session, actor: Actor, answer_id: int, data: AnswerInput) -> FaqAnswer:
    """Change an answer. A changed content sends an approved or rejected answer back to
    draft (it must be reviewed again). Raises PermissionDenied, NotFound, InvalidInput."""
    actor.require("faq.edit")
    row = get_answer(session, actor, answer_id)
    actor.require_org(row.org_id)
    data = clean(data)
    _check_post(session, actor, row.org_id, data.post_id)
    before = _content(row)
    row.question, row.answer, row.source_url = data.question, data.answer, data.source_url
    row.variants = data.variants
    row.theme, row.valid_from, row.valid_until = data.theme, data.valid_from, data.valid_until
    row.post_id = data.post_id
    row.updated_at = utcnow()
    if _content(row) != before:
        _mark(row, actor)
        if row.status in (APPROVED, REJECTED):
            row.status = DRAFT
    session.add(row)
    _changed()
    audit.record(session, actor, "faq.update", "faqanswer", row.id, org_id=row.org_id)
    return row


def _move(session: Session, actor: Actor, row: FaqAnswer, to: str, **extra: Any) -> FaqAnswer:
    frm = row.status
    row.status = to
    row.updated_at = utcnow()
    session.add(row)
    _changed()
    audit.record(
        session,
        actor,
        f"faq.{to}",
        "faqanswer",
        row.id,
        org_id=row.org_id,
        before={"status": frm},
        after={"status": to, **extra},
    )
    return row


def submit(session: Session, actor: Actor, answer_id: int) -> FaqAnswer:
    """Send a draft (or rejected) answer for review. Raises InvalidTransition."""
    actor.require("faq.edit")
    row = get_answer(session, actor, answer_id)
    actor.require_org(row.org_id)
    if row.status not in (DRAFT, REJECTED):
        raise InvalidTransition("faqkb.error.transition", frm=row.status, to=IN_REVIEW)
    return _move(session, actor, row, IN_REVIEW)


def approval_refusal(row: FaqAnswer, actor: Actor) -> str | None:
    """Why ``actor`` may not approve ``row`` (an error key), or None (as posts: four eyes)."""
    if actor.user_id is None:
        return None
    if row.content_by == actor.user_id:
        return "faqkb.error.approve_own"
    return None


def approve(session: Session, actor: Actor, answer_id: int, *, comment: str = "") -> FaqAnswer:
    """Approve an answer in review (an administrator: a draft too); from now on the bots give
    it. Raises PermissionDenied (role; the four-eyes rule), InvalidTransition, NotFound."""
    actor.require("faq.review")
    row = get_answer(session, actor, answer_id)
    actor.require_org(row.org_id)
    allowed = (IN_REVIEW, DRAFT) if actor.is_admin else (IN_REVIEW,)
    if row.status not in allowed:
        raise InvalidTransition("faqkb.error.transition", frm=row.status, to=APPROVED)
    refusal = approval_refusal(row, actor)
    if refusal:
        raise PermissionDenied(refusal, id=row.id)
    row.reviewed_by, row.reviewed_at = actor.user_id, utcnow()
    row.review_comment = _nfc(comment)
    return _move(
        session,
        actor,
        row,
        APPROVED,
        content_by=row.content_label,
        four_eyes="operator" if actor.user_id is None else "checked",
    )


def reject(session: Session, actor: Actor, answer_id: int, comment: str) -> FaqAnswer:
    """Send an answer in review back with a comment (required). Raises InvalidInput too."""
    actor.require("faq.review")
    row = get_answer(session, actor, answer_id)
    actor.require_org(row.org_id)
    if row.status != IN_REVIEW:
        raise InvalidTransition("faqkb.error.transition", frm=row.status, to=REJECTED)
    if not _nfc(comment):
        raise InvalidInput("error.reject_comment_required")
    row.review_comment = _nfc(comment)
    row.reviewed_by, row.reviewed_at = actor.user_id, utcnow()
    return _move(session, actor, row, REJECTED, comment=row.review_comment)


def archive(session: Session, actor: Actor, answer_id: int) -> FaqAnswer:
    """Withdraw an answer (the bots stop giving it at once). Raises PermissionDenied."""
    actor.require("faq.review")
    row = get_answer(session, actor, answer_id)
    actor.require_org(row.org_id)
    if row.status == ARCHIVED:
        raise InvalidTransition("faqkb.error.transition", frm=row.status, to=ARCHIVED)
    return _move(session, actor, row, ARCHIVED)


def _post_source(session: Session, post: Post) -> str:
    url = session.exec(
        select(Delivery.url)
        .where(Delivery.post_id == post.id, col(Delivery.url).is_not(None))
        .order_by(col(Delivery.id))
    ).first()
    return url or post.link or ""


def from_post(session: Session, actor: Actor, post_id: int, question: str) -> FaqAnswer:
    """A draft answer made from a published post: its text is the answer, its published
    address (or link) the source, and the answer stays linked to it. Raises NotFound,
    InvalidInput (no address to show as the source)."""
    actor.require("faq.edit")
    post = session.get(Post, post_id) if is_row_id(post_id) else None
    if post is None or not actor.sees(post.org_id):
        raise NotFound("error.post_not_found", id=post_id)
    actor.require_org(post.org_id)
    data = AnswerInput(question, post.text, _post_source(session, post), post_id=post.id)
    return create(session, actor, data, org_id=post.org_id)


def from_query(session: Session, actor: Actor, query_id: int, data: AnswerInput) -> FaqAnswer:
    """One step from a question people asked to a new answer sent for review: the asked
    text becomes a variant when the editor rewords the question. Raises NotFound."""
    actor.require("faq.edit")
    query = session.get(FaqQuery, query_id) if is_row_id(query_id) else None
    if query is None or query.org_id is None or not actor.sees(query.org_id):
        raise NotFound("faqkb.error.query_not_found", id=query_id)
    actor.require_org(query.org_id)
    asked = query.text
    if asked and asked not in (data.question, *data.variants):
        data = AnswerInput(**{**data.__dict__, "variants": [*data.variants, asked]})
    row = create(session, actor, data, org_id=query.org_id)
    return _move(session, actor, row, IN_REVIEW, from_query=query_id)


def from_campaign(
    session: Session, actor: Actor, slug: str, source_url: str, *, year: int | None = None
) -> FaqAnswer:
    """A draft answer «<campaign> là ngày nào?» from a campaign: its date (this year's
    occurrence, or the rule of a yearly one) and description; ``source_url`` the page that
    announces it. Raises NotFound (another unit's campaign), InvalidInput."""
    from publisher.services.publishing import campaigns
    from publisher.timeutil import fmt_date, to_local

    actor.require("faq.edit")
    campaign = campaigns.get_campaign(session, actor, slug)
    year = year or to_local(utcnow()).year
    on = campaigns.occurrence_in(campaign, year)
    when = fmt_date(on) if on else ""
    if campaign.month and campaign.day:
        when = f"{campaign.day}/{campaign.month}"
    text = f"{campaign.name}: {when}. {campaign.description}".strip()
    variants = [f"ngày {when} là ngày gì"] if when else []
    if campaign.hashtag:
        variants.append(campaign.hashtag.lstrip("#"))
    data = AnswerInput(f"{campaign.name} là ngày nào?", text, source_url, variants=variants)
    return create(session, actor, data)
