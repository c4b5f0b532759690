"""A manager's optional second sign-off (issue 18, item 6).

An organisation may require that a manager («lãnh đạo») signs a post off after the
editor's approval. The editor's approval (:func:`posts.approve`) then only records itself
on the post (``first_approved_by``): the post stays in review and has no deliveries, so
the engine has nothing to publish until a manager — another person than the editor, the
author and whoever changed the content last — signs it off here, which creates the
deliveries exactly as a single approval does. A manager may also send the post back.
Changing the content, sending it back or a new round of review drops the editor's approval.

The server's operator (the CLI, no user account) is not bound, as with the four-eyes rule.
"""

from __future__ import annotations

from sqlmodel import Session, col, func, select, update

from publisher.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from publisher.models import Organisation, Post, PostStatus
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import posts, review


def is_required(session: Session, actor: Actor, org_id: int | None = None) -> bool:
    """Whether the organisation (the actor's own by default) requires a manager's
    sign-off. Raises PermissionDenied for another organisation, NotFound for none."""
    actor.require("post.view")
    org_id = org_id if org_id is not None else actor.org_id
    actor.require_org(org_id)
    org = session.get(Organisation, org_id) if org_id is not None else None
    if org is None:
        raise NotFound("error.org_not_found", org=org_id)
    return org.requires_signoff


def set_required(session: Session, actor: Actor, org_id: int | None, required: bool) -> int:
    """Turn the organisation's sign-off on or off (its manager, or an administrator).
    Turning it off sends posts an editor approved and that wait for the manager back to
    the editors' desk (approved once more, they publish): nothing publishes unseen.
    Returns how many posts went back. Raises PermissionDenied, NotFound."""
    actor.require("org.signoff")
    org_id = org_id if org_id is not None else actor.org_id
    actor.require_org(org_id)
    org = session.get(Organisation, org_id) if org_id is not None else None
    if org is None:
        raise NotFound("error.org_not_found", org=org_id)
    before = org.requires_signoff
    org.requires_signoff = bool(required)
    session.add(org)
    returned = 0
    if before and not required:
        result = session.exec(
            update(Post)
            .where(
                col(Post.org_id) == org.id,
                col(Post.status) == PostStatus.IN_REVIEW,
                col(Post.first_approved_by).is_not(None),
            )
            .values(first_approved_by=None, first_approved_at=None)
        )
        returned = int(result.rowcount or 0)
    audit.record(
        session,
        actor,
        "org.signoff",
        "organisation",
        org.id,
        org_id=org.id,
        before={"requires_signoff": before},
        after={"requires_signoff": org.requires_signoff, "returned_to_editors": returned},
    )
    return returned


def _waiting_stmt(actor: Actor):  # type: ignore[no-untyped-def]
    stmt = select(Post).where(
        Post.status == PostStatus.IN_REVIEW, col(Post.first_approved_by).is_not(None)
    )
    if not actor.all_orgs:
        stmt = stmt.where(Post.org_id == actor.org_id)
    return stmt


def waiting_count(session: Session, actor: Actor) -> int:
    """How many posts an editor approved wait for the manager's sign-off."""
    actor.require("post.signoff")
    stmt = select(func.count()).select_from(_waiting_stmt(actor).subquery())
    return int(session.exec(stmt).one())


def queue(session: Session, actor: Actor, limit: int = 100) -> list[review.ReviewItem]:
    """Posts an editor approved that wait for the manager, soonest due first.
    Raises PermissionDenied unless the actor may sign off."""
    actor.require("post.signoff")
    stmt = _waiting_stmt(actor).order_by(col(Post.due_at), col(Post.id)).limit(limit)
    return review.items(session, list(session.exec(stmt)))


def _waiting_post(session: Session, actor: Actor, post_id: int) -> Post:
    actor.require("post.signoff")
    post = posts.get_post(session, actor, post_id)
    session.flush()
    # Two managers at once: the second waits here and then finds it scheduled.
    session.refresh(post, with_for_update=True)
    if post.status != PostStatus.IN_REVIEW or post.first_approved_by is None:
        raise InvalidTransition("signoff.not_waiting", id=post_id)
    return post


def refusal(post: Post, actor: Actor) -> str | None:
    """Why ``actor`` may not sign ``post`` off (an error key taking ``id``), or None: the
    editor who approved it, its author, whoever changed its content last."""
    if actor.user_id is not None and post.first_approved_by == actor.user_id:
        return "signoff.same_person"
    return posts.approval_refusal(post, actor)


def approve(session: Session, actor: Actor, post_id: int, comment: str = "") -> Post:
    """The manager's sign-off: the post's deliveries are created and it is scheduled.

    Raises PermissionDenied (not a manager; the editor who approved it; the author or the
    content's last editor), InvalidTransition (not waiting for a sign-off), InvalidInput
    (its time passed), ValidationFailed."""
    post = _waiting_post(session, actor, post_id)
    why = refusal(post, actor)
    if why:
        raise PermissionDenied(why, id=post_id)
    return posts._schedule(
        session, actor, post, comment, signoff="signed", first_approved_by=post.first_approved_by
    )


def reject(session: Session, actor: Actor, post_id: int, comment: str) -> Post:
    """The manager sends the post back to its author with a comment (required); the
    editor's approval is dropped. Raises PermissionDenied, InvalidTransition, InvalidInput."""
    post = _waiting_post(session, actor, post_id)
    comment = posts._nfc(comment)
    if not comment:
        raise InvalidInput("error.reject_comment_required")
    post.review_comment = comment
    post.reviewed_by = actor.user_id
    post.reviewed_at = posts.utcnow()
    posts._move(session, actor, post, PostStatus.REJECTED, "post.reject", comment=comment)
    posts._notify(session, post, "post_rejected")
    return post
