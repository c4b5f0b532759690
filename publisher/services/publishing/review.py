"""The review desk: what waits for an editor, what happened to an officer's posts, and
"approve and publish now"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session, col, select

from publisher.errors import InvalidTransition, PermissionDenied
from publisher.models import Channel, MediaAsset, Post, PostMedia, PostStatus, User
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import posts
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


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(ids)))
    return {u.id or 0: (u.full_name or u.username) for u in users}


def _items(session: Session, rows: list[Post]) -> list[ReviewItem]:
    names = _names(
        session,
        {p.author_id for p in rows if p.author_id}
        | {p.reviewed_by for p in rows if p.reviewed_by}
        | {p.content_by for p in rows if p.content_by},
    )
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
            )
        )
    return out


def queue(session: Session, actor: Actor, limit: int = 100) -> list[ReviewItem]:
    """Posts waiting for review in the actor's organisation, soonest due first.

    Raises PermissionDenied unless the actor may review."""
    actor.require("post.review")
    stmt = (
        select(Post)
        .where(Post.status == PostStatus.IN_REVIEW)
        .order_by(col(Post.due_at), col(Post.id))
        .limit(limit)
    )
    if not actor.all_orgs:
        stmt = stmt.where(Post.org_id == actor.org_id)
    return _items(session, list(session.exec(stmt)))


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
    return _items(session, list(session.exec(stmt)))


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
