"""The review desk: what waits for an editor, what happened to an officer's posts, and
"approve and publish now"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from publisher.errors import InvalidInput, InvalidTransition, PermissionDenied
from publisher.models import (
    AuditEvent,
    Campaign,
    Channel,
    MediaAsset,
    Post,
    PostMedia,
    PostStatus,
    PostVariant,
    User,
)
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import links, posts
from publisher.timeutil import utcnow

#: Outcomes an officer sees on the review page.
OUTCOMES = (
    PostStatus.REJECTED,
    PostStatus.SCHEDULED,
    PostStatus.PUBLISHING,
    PostStatus.PUBLISHED,
    PostStatus.PARTIALLY_FAILED,
    PostStatus.FAILED,
)
RECENT = timedelta(days=30)


@dataclass
class ReviewItem:
    """A post with everything the review card shows."""

    post: Post
    author: str
    reviewer: str
    #: Who last changed the content (a name, or the actor label such as "cli:admin").
    content_author: str
    variants: list[tuple[Channel, str]] = field(default_factory=list)
    media: list[MediaAsset] = field(default_factory=list)
    #: The campaign's name, "" when the post belongs to none.
    campaign: str = ""
    #: Its time has passed (or is about to) while it waits: approving it as it is would
    #: publish it late; the desk offers «đăng ngay» or «chọn giờ mới» instead.
    overdue: bool = False
    #: How the link will read once posted (the tracked form), or None without a link.
    link_shown: str | None = None


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(ids)))
    return {u.id or 0: (u.full_name or u.username) for u in users}


def items(session: Session, rows: list[Post]) -> list[ReviewItem]:
    """The review cards of ``rows`` (names, channels, media, campaign, overdue, link)."""
    names = _names(
        session,
        {p.author_id for p in rows if p.author_id}
        | {p.reviewed_by for p in rows if p.reviewed_by}
        | {p.content_by for p in rows if p.content_by},
    )
    campaigns = {
        c.id: c.name
        for c in session.exec(
            select(Campaign).where(col(Campaign.id).in_({p.campaign_id for p in rows}))
        )
    }
    now = utcnow()
    out = []
    for p in rows:
        media = list(
            session.exec(
                select(MediaAsset)
                .join(PostMedia, col(PostMedia.asset_id) == col(MediaAsset.id))
                .where(PostMedia.post_id == p.id)
                .order_by(col(PostMedia.position))
            )
        )
        out.append(
            ReviewItem(
                p,
                names.get(p.author_id or 0, ""),
                names.get(p.reviewed_by or 0, ""),
                names.get(p.content_by or 0, "") or p.content_label,
                posts.variant_texts(session, p),
                media,
                campaigns.get(p.campaign_id, ""),
                is_overdue(p, now),
                link_as_posted(p, session),
            )
        )
    return out


#: A post due within this margin can no longer be approved "on time" (the worker needs a
#: moment, and the editor is still reading).
OVERDUE_MARGIN = timedelta(minutes=2)


def is_overdue(post: Post, now: datetime | None = None) -> bool:
    """A post waiting for review whose time has passed (or is within a couple of minutes)."""
    if post.status != PostStatus.IN_REVIEW or post.due_at is None:
        return False
    return post.due_at <= (now or utcnow()) + OVERDUE_MARGIN


def link_as_posted(post: Post, session: Session | None = None) -> str | None:
    """The post's link as readers will get it: the tracked short form (the api's public
    address, ``/l/`` and the code made at approval — dots until then) when tracking is on,
    else the link itself."""
    if not post.link:
        return None
    if not links.tracking_enabled():
        return post.link
    code = "•" * links.CODE_LENGTH
    if session is not None and post.id is not None:
        made = [r for r in links.links_of_post(session, post.id) if r.target.startswith(post.link)]
        code = made[0].code if made else code
    return f"{links.public_url()}/l/{code}"


@dataclass
class QueueFilter:
    """The review desk's filters; None: any."""

    campaign_id: int | None = None
    channel_id: int | None = None
    author_id: int | None = None
    #: Only posts due within this time from now (overdue ones included).
    due_within: timedelta | None = None


@dataclass
class QueueChoices:
    """What the filters can choose from: (id, name) of the waiting posts' campaigns,
    channels and authors."""

    campaigns: list[tuple[int, str]]
    channels: list[tuple[int, str]]
    authors: list[tuple[int, str]]


def _waiting(actor: Actor) -> SelectOfScalar[Post]:
    # Posts an editor approved that wait for a manager's sign-off are the manager's
    # (services.publishing.signoff), not the editors'.
    stmt = select(Post).where(
        Post.status == PostStatus.IN_REVIEW, col(Post.first_approved_by).is_(None)
    )
    if not actor.all_orgs:
        stmt = stmt.where(Post.org_id == actor.org_id)
    return stmt


def waiting_count(session: Session, actor: Actor) -> int:
    """How many posts wait for review in the actor's organisation (the tab's number)."""
    actor.require("review.watch")
    stmt = select(func.count()).select_from(_waiting(actor).subquery())
    return int(session.exec(stmt).one())


def queue_choices(session: Session, actor: Actor) -> QueueChoices:
    """The filter options of the waiting posts. Raises PermissionDenied unless the actor
    may watch the queue."""
    actor.require("review.watch")
    waiting = list(session.exec(_waiting(actor)))
    ids = [p.id for p in waiting]
    campaigns = session.exec(
        select(Campaign).where(col(Campaign.id).in_({p.campaign_id for p in waiting}))
    ).all()
    # Only the id and name: DISTINCT over the whole row fails on PostgreSQL (JSON settings).
    channels = session.exec(
        select(Channel.id, Channel.name)
        .join(PostVariant, col(PostVariant.channel_id) == col(Channel.id))
        .where(col(PostVariant.post_id).in_(ids))
        .distinct()
    ).all()
    names = _names(session, {p.author_id for p in waiting if p.author_id})
    return QueueChoices(
        sorted(((c.id or 0, c.name) for c in campaigns), key=lambda x: x[1]),
        sorted(((cid or 0, name) for cid, name in channels), key=lambda x: x[1]),
        sorted(names.items(), key=lambda x: x[1]),
    )


@dataclass
class PlanGroup:
    """A campaign plan's posts waiting for review together (one bulk decision)."""

    campaign_id: int
    year: int
    name: str
    post_ids: list[int]
    overdue: list[int]


def plans_waiting(session: Session, actor: Actor) -> list[PlanGroup]:
    """The campaign plans (scaffolded lead-up posts) with posts waiting for review."""
    actor.require("post.review")
    groups: dict[tuple[int, int], PlanGroup] = {}
    now = utcnow()
    rows = session.exec(
        _waiting(actor)
        .where(col(Post.plan_key).is_not(None), col(Post.campaign_id).is_not(None))
        .order_by(col(Post.due_at), col(Post.id))
    )
    for post in rows:
        key = (post.campaign_id or 0, post.campaign_year or 0)
        if key not in groups:
            campaign = session.get(Campaign, key[0])
            groups[key] = PlanGroup(key[0], key[1], campaign.name if campaign else "", [], [])
        groups[key].post_ids.append(post.id or 0)
        if is_overdue(post, now):
            groups[key].overdue.append(post.id or 0)
    return list(groups.values())


def decide_plan(
    session: Session,
    actor: Actor,
    campaign_id: int,
    year: int,
    *,
    approve: bool,
    comment: str = "",
) -> list[int]:
    """Approve (or send back) every waiting post of one campaign plan with one comment, all
    or none: the first post that cannot be approved (four eyes, its time passed, a channel
    refuses it) refuses the whole decision with its reason. Returns the posts' ids.

    Raises InvalidInput (nothing waits; a post already due), PermissionDenied,
    InvalidTransition, ValidationFailed."""
    actor.require("post.review")
    group = next(
        (
            g
            for g in plans_waiting(session, actor)
            if (g.campaign_id, g.year) == (campaign_id, year)
        ),
        None,
    )
    if group is None:
        raise InvalidInput("review.plan_nothing_waiting")
    if approve and group.overdue:
        raise InvalidInput("review.plan_overdue", ids=", ".join(f"#{i}" for i in group.overdue))
    for post_id in group.post_ids:
        if approve:
            posts.approve(session, actor, post_id, comment=comment)
        else:
            posts.reject(session, actor, post_id, comment)
    audit.record(
        session,
        actor,
        "plan.approve" if approve else "plan.reject",
        "campaign",
        campaign_id,
        org_id=actor.org_id,
        after={"year": year, "posts": group.post_ids, "comment": comment},
    )
    return group.post_ids


@dataclass
class HistoryRow:
    """One review decision: who approved or sent back which post, when, with what comment."""

    post_id: int
    title: str
    approved: bool
    reviewer: str
    at: datetime
    comment: str
    status: str


def history(session: Session, actor: Actor, limit: int = 100) -> list[HistoryRow]:
    """The latest review decisions in the actor's organisation (from the audit log), newest
    first. Raises PermissionDenied unless the actor may view posts."""
    actor.require("post.view")
    stmt = (
        select(AuditEvent, Post)
        .join(Post, col(Post.id) == col(AuditEvent.object_id))
        .where(
            AuditEvent.object_type == "post",
            col(AuditEvent.action).in_(("post.approve", "post.reject")),
        )
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
    )
    if not actor.all_orgs:
        stmt = stmt.where(Post.org_id == actor.org_id)
    rows = session.exec(stmt).all()
    names = _names(session, {e.actor_id for e, _ in rows if e.actor_id})
    return [
        HistoryRow(
            post_id=p.id or 0,
            title=p.title or p.text[:80],
            approved=e.action == "post.approve",
            reviewer=names.get(e.actor_id or 0, "") or e.actor_label,
            at=e.at,
            comment=str(e.after.get("comment", "") or ""),
            status=p.status,
        )
        for e, p in rows
    ]


def approve_at(session: Session, actor: Actor, post_id: int, due_at: datetime) -> Post:
    """«Chọn giờ mới»: move an (overdue) post to ``due_at``, then approve it, in one
    transaction. Raises what :func:`posts.reschedule` and :func:`posts.approve` raise."""
    actor.require("post.review")
    post = posts.get_post(session, actor, post_id)
    refusal = posts.approval_refusal(post, actor)
    if refusal:
        raise PermissionDenied(refusal, id=post_id)
    posts.reschedule(session, actor, post_id, due_at)
    return posts.approve(session, actor, post_id)


def queue(
    session: Session, actor: Actor, limit: int = 100, flt: QueueFilter | None = None
) -> list[ReviewItem]:
    """Posts waiting for review in the actor's organisation, soonest due first, narrowed by
    ``flt``. Raises PermissionDenied unless the actor may watch the queue (reviewers,
    managers, coordinators)."""
    actor.require("review.watch")
    flt = flt or QueueFilter()
    stmt = _waiting(actor).order_by(col(Post.due_at), col(Post.id)).limit(limit)
    if flt.campaign_id is not None:
        stmt = stmt.where(Post.campaign_id == flt.campaign_id)
    if flt.author_id is not None:
        stmt = stmt.where(Post.author_id == flt.author_id)
    if flt.channel_id is not None:
        stmt = stmt.where(
            col(Post.id).in_(
                select(PostVariant.post_id).where(PostVariant.channel_id == flt.channel_id)
            )
        )
    if flt.due_within is not None:
        stmt = stmt.where(col(Post.due_at) <= utcnow() + flt.due_within)
    return items(session, list(session.exec(stmt)))


def my_posts(session: Session, actor: Actor, limit: int = 50) -> list[ReviewItem]:
    """The actor's own posts that are waiting or were reviewed in the last 30 days."""
    actor.require("post.view")
    since = utcnow() - RECENT
    stmt = (
        select(Post)
        .where(
            Post.author_id == actor.user_id,
            col(Post.status).in_((PostStatus.IN_REVIEW, *OUTCOMES)),
            col(Post.updated_at) >= since,
        )
        .order_by(col(Post.updated_at).desc())
        .limit(limit)
    )
    return items(session, list(session.exec(stmt)))


def approve(session: Session, actor: Actor, post_id: int, *, publish_now: bool = False) -> Post:
    """Approve (see :func:`posts.approve`); ``publish_now`` moves the time to now first.

    Raises PermissionDenied, InvalidTransition, ValidationFailed like ``posts.approve``."""
    if publish_now:
        actor.require("post.review")
        post = posts.get_post(session, actor, post_id)
        refusal = posts.approval_refusal(post, actor)
        if refusal:  # before the time moves (posts.approve checks again, under the row lock)
            raise PermissionDenied(refusal, id=post_id)
        if post.status != PostStatus.IN_REVIEW and not actor.is_admin:
            raise InvalidTransition(
                "error.post_transition", frm=post.status, to=PostStatus.SCHEDULED
            )
        before = post.due_at
        post.due_at = utcnow()
        session.add(post)
        # Flushed now: posts.approve re-reads the row (FOR UPDATE), which would drop it.
        session.flush()
        audit.record(
            session,
            actor,
            "post.reschedule",
            "post",
            post.id,
            org_id=post.org_id,
            before={"due_at": before},
            after={"due_at": post.due_at, "reason": "publish now"},
        )
    return posts.approve(session, actor, post_id)
