"""Posts: compose once with per-channel variants, review, approve, schedule, cancel.

The post workflow (enforced here, not in the UI)::

    draft -> in_review -> scheduled -> publishing -> published | partially_failed | failed
    in_review -> rejected -> (edit) draft        draft|in_review|rejected|scheduled -> cancelled

Officers compose and submit; editors approve or reject (never their own post). Four eyes:
whoever last changed the content (:data:`CONTENT`) cannot approve it either, whatever their
role (:func:`approval_refusal`); the server's operator at the CLI, who has no user account, is
the root of trust and approves anything, and the audit log says so. Everyone acts within their
own organisation.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, delete, func, select

from publisher.db import is_row_id
from publisher.errors import (
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from publisher.models import (
    Campaign,
    Channel,
    Delivery,
    DeliveryStatus,
    Organisation,
    Post,
    PostStatus,
    PostVariant,
    Recurrence,
    Role,
    STTask,
    User,
)
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import deliveries, topics
from publisher.timeutil import fmt_date, fmt_local, to_local, utcnow

if TYPE_CHECKING:
    from connectors.base import Problem

# Imported inside the functions that use them, not here: the connectors (connectors.base,
# channels and their HTTP clients), links, attachments and the media tables (PostMedia, which
# loads publisher.models.media) are for composing and scheduling; reading posts (``publisher
# post list``) does not pay for importing them (issue 15, item 6; tests/core/test_cli_imports.py).

S = PostStatus
#: A schedule time this far in the past is still accepted ("publish now" from a slow form).
PAST_TOLERANCE = timedelta(seconds=60)
#: Further ahead than this is a typo of the year (31/12/9999), not a plan.
MAX_AHEAD_YEARS = 10
#: Problems media fitting repairs before publishing, so they do not block composing.
FIXABLE_BY_FITTING = frozenset({"media_too_large"})
EDITABLE = frozenset({S.DRAFT, S.REJECTED, S.IN_REVIEW})
#: What the four-eyes rule calls the content of a post: what its readers get. The time,
#: recurrence and campaign/task filing are not content (a reviewer may move the time and
#: still approve); media the worker renders for a post from its campaign's brand (plan cards
#: and clips, per-channel fitted versions) is not written by anyone and does not count.
CONTENT = ("title", "text", "link", "channels and their own texts", "media and their order")


@dataclass
class PostInput:
    """What an officer composes. ``variants`` maps channel name/id to its own text."""

    text: str
    channels: Sequence[str | int]
    due_at: datetime | None = None
    variants: Mapping[Any, str] = field(default_factory=dict)
    media_ids: Sequence[int] = ()
    link: str | None = None
    title: str = ""
    campaign: str | None = None
    campaign_year: int | None = None
    task: str | None = None
    recurrence: str = Recurrence.NONE
    recurrence_until: date | None = None
    plan_key: str | None = None
    #: Theme codes or labels (``topics.THEMES``: khcn, dmst, cds; "KH&CN" is accepted).
    themes: Sequence[str] = ()
    #: Target-group codes or labels (``topics.AUDIENCES``; "Doanh nghiệp" is accepted).
    audiences: Sequence[str] = ()


def _nfc(text: str | None) -> str:
    """NFC, trimmed; raises InvalidInput for invalid UTF-8 (lone surrogates) and control
    characters (NUL is refused by PostgreSQL and invisible to a reader). Text made only of
    invisible characters (zero-width spaces, joiners) is empty."""
    clean = unicodedata.normalize("NFC", text or "").strip()
    if any(unicodedata.category(c) == "Cs" for c in clean):
        # Lone surrogates: invalid UTF-8 bytes of an argument or a file (surrogateescape).
        raise InvalidInput("error.text_invalid_utf8")
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in clean):
        raise InvalidInput("error.text_control_chars")
    if all(c.isspace() or unicodedata.category(c) == "Cf" for c in clean):
        return ""
    return clean


def _check_due(due_at: datetime | None) -> None:
    if due_at is None:
        return
    if due_at.tzinfo is None:
        raise InvalidInput("error.time_naive")
    if due_at < utcnow() - PAST_TOLERANCE:
        raise InvalidInput("error.time_in_past")
    if due_at > utcnow() + timedelta(days=366 * MAX_AHEAD_YEARS):
        raise InvalidInput("error.time_too_far", years=MAX_AHEAD_YEARS)


def _check_recurrence(data: PostInput) -> None:
    """A known rule, and an end date not before the first publication (local day)."""
    if data.recurrence not in tuple(Recurrence):
        raise InvalidInput("error.recurrence_invalid", value=data.recurrence)
    until = data.recurrence_until
    if data.recurrence == Recurrence.NONE or until is None or data.due_at is None:
        return
    if until < to_local(data.due_at).date():
        raise InvalidInput("error.repeat_until_before", until=fmt_date(until))


def schedule_problems(
    due_at: datetime | None, recurrence: str = Recurrence.NONE, until: date | None = None
) -> list[str]:
    """Why this time and repeat rule would be refused when saved or sent, translated (the
    compose page shows the post as valid only when this is empty). Raises nothing."""
    data = PostInput(
        text="", channels=(), due_at=due_at, recurrence=recurrence, recurrence_until=until
    )
    try:
        _check_due(due_at)
        _check_recurrence(data)
    except InvalidInput as exc:
        return [exc.message()]
    return []


def _resolve_channels(session: Session, actor: Actor, refs: Sequence[str | int]) -> list[Channel]:
    if not refs:
        raise InvalidInput("error.channels_required")
    from publisher.services.publishing.channels import get_channel

    channels: list[Channel] = []
    for ref in refs:
        channel = get_channel(session, actor, ref)
        if channel not in channels:
            channels.append(channel)
    orgs = {c.org_id for c in channels}
    if len(orgs) > 1:
        raise InvalidInput("error.channels_one_org")
    return channels


def problems_for(
    session: Session,
    post: Post,
    channels_texts: Sequence[tuple[Channel, str]],
    media_ids: Sequence[int] | None = None,
    *,
    for_compose: bool = True,
) -> list[Problem]:
    """Every connector's validation problems for this post on these channels, and each
    channel's posting hours that refuse the post's time (:mod:`.posting_hours`)."""
    from connectors.base import OutgoingPost
    from publisher.services.publishing import posting_hours
    from publisher.services.publishing.attachments import post_media_items
    from publisher.services.publishing.channels import make_connector

    items = post_media_items(session, post, media_ids)
    out: list[Problem] = posting_hours.refusals([c for c, _ in channels_texts], post.due_at)
    for channel, text in channels_texts:
        connector = make_connector(channel)
        outgoing = OutgoingPost(
            text=text, media=tuple(items), link=post.link, metadata={"title": post.title or None}
        )
        for problem in connector.validate(outgoing):
            if for_compose and problem.code in FIXABLE_BY_FITTING:
                continue
            out.append(problem)
    return out


def compose(session: Session, actor: Actor, data: PostInput, *, strict: bool = True) -> Post:
    """Create a draft. ``strict`` refuses it when any channel would reject it."""
    from publisher.services.publishing import links

    actor.require("post.compose")
    text = _nfc(data.text)
    channels = _resolve_channels(session, actor, data.channels)
    _check_due(data.due_at)
    _check_recurrence(data)
    org_id = channels[0].org_id
    actor.require_org(org_id)
    themes, audiences = topics.parse_themes(data.themes), topics.parse_audiences(data.audiences)
    post = Post(
        org_id=org_id,
        author_id=actor.user_id,
        status=S.DRAFT,
        title=_nfc(data.title)[:255],
        text=text,
        link=links.checked_link(data.link),
        due_at=data.due_at,
        recurrence=data.recurrence,
        recurrence_until=data.recurrence_until,
        plan_key=data.plan_key,
    )
    _mark_content(post, actor)
    _apply_links(session, actor, post, data)
    session.add(post)
    session.flush()
    assert post.id is not None
    topics.write_post_tags(session, post.id, themes, audiences)
    texts = _write_variants(session, post, channels, data.variants)
    _write_media(session, actor, post, data.media_ids)
    if not text and not data.media_ids and not any(t for _, t in texts):
        raise InvalidInput("error.text_required")
    if strict:
        problems = problems_for(session, post, texts)
        if problems:
            raise ValidationFailed(problems)
    audit.record(
        session,
        actor,
        "post.create",
        "post",
        post.id,
        org_id=org_id,
        after={
            "channels": [c.name for c in channels],
            "due_at": post.due_at,
            "status": post.status,
        },
    )
    return post


def _apply_links(session: Session, actor: Actor, post: Post, data: PostInput) -> None:
    if data.campaign:
        campaign = session.exec(select(Campaign).where(Campaign.slug == data.campaign)).first()
        if campaign is None or not (campaign.org_id is None or actor.sees(campaign.org_id)):
            raise NotFound("error.campaign_not_found", slug=data.campaign)
        post.campaign_id = campaign.id
        post.campaign_year = data.campaign_year or (
            post.due_at.year if post.due_at else utcnow().year
        )
    else:
        post.campaign_id = None
        post.campaign_year = None
    if data.task:
        task = session.exec(select(STTask).where(STTask.code == data.task)).first()
        if task is None or not actor.sees(task.org_id):
            raise NotFound("error.task_not_found", code=data.task)
        post.task_id = task.id
    else:
        post.task_id = None


def _write_variants(
    session: Session, post: Post, channels: list[Channel], variants: Mapping[Any, str]
) -> list[tuple[Channel, str]]:
    targeted = {c.name for c in channels} | {str(c.id) for c in channels}
    for key in variants:
        if str(key) not in targeted:
            # Dropping it silently would publish the common text where the author wrote
            # their own: refuse instead.
            raise InvalidInput("error.variant_channel_not_targeted", channel=str(key))
    by_key: dict[str, str] = {str(k): _nfc(v) for k, v in variants.items() if _nfc(v)}
    session.exec(delete(PostVariant).where(col(PostVariant.post_id) == post.id))  # type: ignore[call-overload]
    out = []
    for channel in channels:
        own = by_key.get(channel.name) or by_key.get(str(channel.id))
        assert post.id is not None and channel.id is not None
        session.add(PostVariant(post_id=post.id, channel_id=channel.id, text=own or None))
        out.append((channel, own or post.text))
    session.flush()
    return out


def _write_media(session: Session, actor: Actor, post: Post, media_ids: Sequence[int]) -> None:
    from publisher.models import MediaAsset, PostMedia

    session.exec(delete(PostMedia).where(col(PostMedia.post_id) == post.id))  # type: ignore[call-overload]
    for position, asset_id in enumerate(dict.fromkeys(media_ids)):
        asset = session.get(MediaAsset, asset_id)
        if asset is None or asset.org_id != post.org_id:
            raise NotFound("error.media_not_found", id=asset_id)
        assert post.id is not None
        session.add(PostMedia(post_id=post.id, asset_id=asset_id, position=position))
    session.flush()


def _content(session: Session, post: Post) -> tuple[Any, ...]:
    """The post's :data:`CONTENT` as comparable data (as stored, after a flush)."""
    from publisher.models import PostMedia

    variants = session.exec(
        select(PostVariant.channel_id, PostVariant.text).where(PostVariant.post_id == post.id)
    ).all()
    media = session.exec(
        select(PostMedia.asset_id, PostMedia.position).where(PostMedia.post_id == post.id)
    ).all()
    return (post.title, post.text, post.link, sorted(variants), sorted(media))


def _mark_content(post: Post, actor: Actor) -> None:
    post.content_by = actor.user_id
    post.content_label = actor.label or f"role:{actor.role}"
    post.content_at = utcnow()


def approval_refusal(post: Post, actor: Actor) -> str | None:
    """Why ``actor`` may not approve ``post`` (an error key taking ``id``), or None.

    A web account never approves a post whose content it changed last, nor (unless an
    administrator) a post it wrote. The server's operator (an actor without a user account:
    the CLI, ``post create --approve``) is not bound; :func:`approve` audits it."""
    if actor.user_id is None:
        return None
    if post.author_id == actor.user_id and not actor.is_admin:
        return "error.approve_own_post"
    if post.content_by == actor.user_id:
        return "error.approve_own_content"
    return None


def get_post(session: Session, actor: Actor, post_id: int) -> Post:
    """A post visible to ``actor``; raises NotFound (also for other organisations' posts)."""
    actor.require("post.view")
    post = session.get(Post, post_id) if is_row_id(post_id) else None
    if post is None or not actor.sees(post.org_id):
        raise NotFound("error.post_not_found", id=post_id)
    return post


def update(
    session: Session, actor: Actor, post_id: int, data: PostInput, *, strict: bool = False
) -> Post:
    """Edit a draft, rejected or in-review post (a rejected post becomes a draft again)."""
    from publisher.services.publishing import links

    actor.require("post.compose")
    post = get_post(session, actor, post_id)
    if post.status not in EDITABLE:
        raise InvalidTransition("error.post_not_editable", status=post.status)
    if post.status == S.IN_REVIEW and not actor.can("post.review"):
        raise PermissionDenied("error.post_in_review_locked")
    before = {"text": post.text, "due_at": post.due_at, "status": post.status}
    content_before = _content(session, post)
    channels = _resolve_channels(session, actor, data.channels)
    if {c.org_id for c in channels} != {post.org_id}:
        raise InvalidInput("error.channels_one_org")
    _check_due(data.due_at)
    _check_recurrence(data)
    themes, audiences = topics.parse_themes(data.themes), topics.parse_audiences(data.audiences)
    post.text = _nfc(data.text)
    post.title = _nfc(data.title)[:255]
    post.link = links.checked_link(data.link)
    post.due_at = data.due_at
    post.recurrence = data.recurrence
    post.recurrence_until = data.recurrence_until
    _apply_links(session, actor, post, data)
    if post.status == S.REJECTED:
        post.status = S.DRAFT
    post.updated_at = utcnow()
    session.add(post)
    assert post.id is not None
    topics.write_post_tags(session, post.id, themes, audiences)
    texts = _write_variants(session, post, channels, data.variants)
    _write_media(session, actor, post, data.media_ids)
    content_changed = _content(session, post) != content_before
    if content_changed:
        _mark_content(post, actor)
        # The editor approved other content: the manager's sign-off needs a new approval.
        post.first_approved_by = None
        post.first_approved_at = None
    if strict:
        problems = problems_for(session, post, texts)
        if problems:
            raise ValidationFailed(problems)
    audit.record(
        session,
        actor,
        "post.update",
        "post",
        post.id,
        org_id=post.org_id,
        before=before,
        after={
            "text": post.text,
            "due_at": post.due_at,
            "status": post.status,
            "content_changed": content_changed,
        },
    )
    return post


def variant_texts(session: Session, post: Post) -> list[tuple[Channel, str]]:
    rows = session.exec(
        select(PostVariant, Channel)
        .join(Channel, col(Channel.id) == col(PostVariant.channel_id))
        .where(PostVariant.post_id == post.id)
        .order_by(col(Channel.name))
    ).all()
    return [(c, v.text if v.text is not None else post.text) for v, c in rows]


def _notify(session: Session, post: Post, event: str, roles: Sequence[str] = ()) -> None:
    """Tell the people concerned (the unit's ``roles``, else the post's author), queued in
    this transaction (``services.accounts.notifications``)."""
    from publisher.services.accounts import notifications

    if roles:
        users = notifications.recipients(session, post.org_id, roles)
    else:
        author = session.get(User, post.author_id) if post.author_id else None
        users = [author] if author is not None else []
    if event in ("post_approved", "post_rejected"):  # decided: no longer waiting
        notifications.withdraw(session, "review_requested", f"post:{post.id}:")
    stamp = (post.updated_at or utcnow()).isoformat()
    notifications.enqueue(
        session,
        event,
        users,
        key=f"post:{post.id}:{stamp}",
        org_id=post.org_id,
        message_key=f"notify.msg.{event}",
        params={
            "id": post.id,
            "title": (post.title or post.text[:60]).replace("\n", " "),
            "due": fmt_local(post.due_at) if post.due_at else "",
            "comment": post.review_comment,
        },
    )


def _move(session: Session, actor: Actor, post: Post, to: str, action: str, **after: Any) -> Post:
    before = post.status
    if to in (S.DRAFT, S.REJECTED) or (to == S.IN_REVIEW and before != S.IN_REVIEW):
        # A new round of review: an editor's earlier approval (sign-off) no longer counts.
        post.first_approved_by = None
        post.first_approved_at = None
    post.status = to
    post.updated_at = utcnow()
    session.add(post)
    audit.record(
        session,
        actor,
        action,
        "post",
        post.id,
        org_id=post.org_id,
        before={"status": before},
        after={"status": to, **after},
    )
    return post


def save(
    session: Session, actor: Actor, post_id: int | None, data: PostInput, *, for_review: bool
) -> int:
    """The compose page's "save" and "send for review": update post ``post_id`` (or compose
    a new draft when None, not strict), then submit it if ``for_review``, in the caller's one
    transaction. An approved post whose deliveries have not started is withdrawn first (it
    goes back to review, see :func:`edit`). Returns the post's id; raises what
    :func:`update`, :func:`compose` and :func:`submit` raise."""
    if post_id:
        if get_post(session, actor, int(post_id)).status == S.SCHEDULED:
            _withdraw(session, actor, _changeable(session, actor, int(post_id)), "edited")
        post = update(session, actor, int(post_id), data)
    else:
        post = compose(session, actor, data, strict=False)
    post_id = post.id
    assert post_id is not None
    if for_review:
        submit(session, actor, post_id)
    return post_id


def submit(session: Session, actor: Actor, post_id: int) -> Post:
    """Send a draft for review, after every channel's validation passes."""
    actor.require("post.submit")
    post = get_post(session, actor, post_id)
    if post.status not in (S.DRAFT, S.REJECTED):
        raise InvalidTransition("error.post_transition", frm=post.status, to=S.IN_REVIEW)
    if post.due_at is None:
        raise InvalidInput("error.time_required")
    _check_due(post.due_at)
    problems = problems_for(session, post, variant_texts(session, post))
    if problems:
        raise ValidationFailed(problems)
    _move(session, actor, post, S.IN_REVIEW, "post.submit")
    _notify(session, post, "review_requested", (Role.EDITOR,))
    return post


def approve(session: Session, actor: Actor, post_id: int, *, comment: str = "") -> Post:
    """Approve and schedule: the post's deliveries are created in this same transaction.
    ``comment``: the reviewer's note, kept on the post and in the audit row. In an
    organisation that requires a manager's sign-off, a web account's approval is the first
    of two: the post stays in review, without deliveries, until a manager signs it off.

    Raises PermissionDenied, InvalidTransition (not waiting, or already approved and
    waiting for the manager), InvalidInput, ValidationFailed."""
    actor.require("post.review")
    post = get_post(session, actor, post_id)
    # Two editors approving at once: the second waits here, then sees "scheduled" and gets a
    # clear InvalidTransition instead of a unique-key violation on the deliveries.
    session.flush()  # refresh would drop this session's own unflushed changes (submit, edits)
    session.refresh(post, with_for_update=True)
    allowed_from = (S.IN_REVIEW, S.DRAFT) if actor.is_admin else (S.IN_REVIEW,)
    if post.status not in allowed_from:
        raise InvalidTransition("error.post_transition", frm=post.status, to=S.SCHEDULED)
    refusal = approval_refusal(post, actor)
    if refusal:
        raise PermissionDenied(refusal, id=post.id)
    if post.first_approved_by is not None:
        raise InvalidTransition("signoff.waiting_manager", id=post.id)
    if actor.user_id is not None and _signoff_required(session, post.org_id):
        return _first_approval(session, actor, post, comment)
    return _schedule(session, actor, post, comment)


def _signoff_required(session: Session, org_id: int) -> bool:
    org = session.get(Organisation, org_id)
    return bool(org is not None and org.requires_signoff)


def _ready(session: Session, post: Post) -> None:
    """Raises InvalidInput (no time, or its time passed) or ValidationFailed (a channel
    refuses the post)."""
    if post.due_at is None:
        raise InvalidInput("error.time_required")
    _check_due(post.due_at)
    problems = problems_for(session, post, variant_texts(session, post))
    if problems:
        raise ValidationFailed(problems)


def _first_approval(session: Session, actor: Actor, post: Post, comment: str) -> Post:
    """The editor's approval in an organisation that wants a manager's sign-off too: the
    post stays in review without deliveries (the engine has nothing to publish) until
    :func:`publisher.services.publishing.signoff.approve`."""
    _ready(session, post)
    post.review_comment = _nfc(comment)
    post.reviewed_by = actor.user_id
    post.reviewed_at = utcnow()
    extra = {"comment": post.review_comment} if post.review_comment else {}
    _move(session, actor, post, S.IN_REVIEW, "post.first_approve", signoff="waiting", **extra)
    post.first_approved_by = actor.user_id
    post.first_approved_at = post.reviewed_at
    session.add(post)
    _notify(session, post, "review_requested", (Role.MANAGER,))  # the sign-off is theirs
    return post


def _schedule(session: Session, actor: Actor, post: Post, comment: str, **more: Any) -> Post:
    """Create the approved post's deliveries and move it to scheduled (the last approval).
    Raises InvalidInput, ValidationFailed (see :func:`_ready`)."""
    from publisher.services.publishing import links

    _ready(session, post)
    assert post.due_at is not None  # _ready refused it otherwise
    occurrence = post.due_at.date().isoformat() if post.recurrence != Recurrence.NONE else ""
    created = deliveries.create_for_post(session, post, post.due_at, occurrence)
    links.track_deliveries(session, post, created)
    post.reviewed_by = actor.user_id
    post.reviewed_at = utcnow()
    post.review_comment = _nfc(comment)
    extra = {"comment": post.review_comment} if post.review_comment else {}
    _notify(session, post, "post_approved")
    return _move(
        session,
        actor,
        post,
        S.SCHEDULED,
        "post.approve",
        deliveries=[d.id for d in created],
        due_at=post.due_at,
        content_by=post.content_label,
        # "operator": the server's operator approved, the four-eyes rule does not bind it
        # (its own content too: self_approved); "checked": a web account passed the rule.
        four_eyes="operator" if actor.user_id is None else "checked",
        self_approved=post.content_label == (actor.label or f"role:{actor.role}"),
        **extra,
        **more,
    )


def reject(session: Session, actor: Actor, post_id: int, comment: str) -> Post:
    actor.require("post.review")
    post = get_post(session, actor, post_id)
    if post.status != S.IN_REVIEW:
        raise InvalidTransition("error.post_transition", frm=post.status, to=S.REJECTED)
    comment = _nfc(comment)
    if not comment:
        raise InvalidInput("error.reject_comment_required")
    post.review_comment = comment
    post.reviewed_by = actor.user_id
    post.reviewed_at = utcnow()
    _move(session, actor, post, S.REJECTED, "post.reject", comment=comment)
    _notify(session, post, "post_rejected")
    return post


def cancel(session: Session, actor: Actor, post_id: int) -> Post:
    """Cancel a post; deliveries not yet sent are cancelled, sent ones are kept as history."""
    actor.require("post.cancel")
    post = get_post(session, actor, post_id)
    if post.status in (S.SCHEDULED, S.PUBLISHING):
        actor.require("delivery.manage")
    elif post.status not in (S.DRAFT, S.IN_REVIEW, S.REJECTED):
        raise InvalidTransition("error.post_transition", frm=post.status, to=S.CANCELLED)
    for delivery in session.exec(select(Delivery).where(Delivery.post_id == post.id)):
        if delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.MISSED):
            deliveries.transition(
                session, delivery, DeliveryStatus.CANCELLED, actor, reason="post cancelled"
            )
    sent = session.exec(
        select(func.count())
        .select_from(Delivery)
        .where(Delivery.post_id == post.id, Delivery.status == DeliveryStatus.SENT)
    ).one()
    if sent:
        deliveries.refresh_post_status(session, post)
        audit.record(
            session,
            actor,
            "post.cancel",
            "post",
            post.id,
            org_id=post.org_id,
            after={"status": post.status, "kept_sent": sent},
        )
        return post
    return _move(session, actor, post, S.CANCELLED, "post.cancel")


@dataclass
class PostFilter:
    status: str | None = None
    org_id: int | None = None
    campaign_id: int | None = None
    channel_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    limit: int = 500


def list_posts(session: Session, actor: Actor, flt: PostFilter | None = None) -> list[Post]:
    actor.require("post.view")
    flt = flt or PostFilter()
    stmt = select(Post).order_by(col(Post.due_at).desc(), col(Post.id).desc()).limit(flt.limit)
    if not actor.all_orgs:
        stmt = stmt.where(Post.org_id == actor.org_id)
    elif flt.org_id is not None:
        stmt = stmt.where(Post.org_id == flt.org_id)
    if flt.status:
        if flt.status not in tuple(S):
            raise InvalidInput("error.status_invalid", status=flt.status, statuses=", ".join(S))
        stmt = stmt.where(Post.status == flt.status)
    if flt.campaign_id is not None:
        stmt = stmt.where(Post.campaign_id == flt.campaign_id)
    if flt.channel_id is not None:
        stmt = stmt.where(
            col(Post.id).in_(
                select(PostVariant.post_id).where(PostVariant.channel_id == flt.channel_id)
            )
        )
    if flt.start is not None:
        stmt = stmt.where(col(Post.due_at) >= flt.start)
    if flt.end is not None:
        stmt = stmt.where(col(Post.due_at) < flt.end)
    return list(session.exec(stmt))


def detail(session: Session, actor: Actor, post_id: int) -> dict[str, Any]:
    """Everything about a post, as plain data (the CLI's JSON and the UI's post page)."""
    from publisher.models import PostMedia

    post = get_post(session, actor, post_id)
    campaign = session.get(Campaign, post.campaign_id) if post.campaign_id else None
    return {
        "id": post.id,
        "status": post.status,
        "org_id": post.org_id,
        "title": post.title,
        "text": post.text,
        "link": post.link,
        "due_at": post.due_at.isoformat() if post.due_at else None,
        "campaign": campaign.slug if campaign else None,
        **topics.post_tags(session, post.id or 0),
        "review_comment": post.review_comment,
        "author": _username(session, post.author_id),
        "content_by": post.content_label or None,
        "content_at": post.content_at.isoformat() if post.content_at else None,
        "reviewed_by": _username(session, post.reviewed_by),
        "variants": [
            {"channel": c.name, "kind": c.kind, "text": text}
            for c, text in variant_texts(session, post)
        ],
        "media": [
            {"id": pm.asset_id, "position": pm.position}
            for pm in session.exec(
                select(PostMedia)
                .where(PostMedia.post_id == post.id)
                .order_by(col(PostMedia.position))
            )
        ],
        "deliveries": [deliveries.describe(d, c) for d, c in deliveries.for_post(session, post_id)],
    }


def _username(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user.username if user is not None else None


#: Statuses whose time and content may still change: the editable ones, and an approved
#: post none of whose deliveries has started (it goes back to review, see :func:`edit`).
CHANGEABLE = EDITABLE | {S.SCHEDULED}
_UNSENT = (DeliveryStatus.PENDING, DeliveryStatus.MISSED, DeliveryStatus.CANCELLED)


def _changeable(session: Session, actor: Actor, post_id: int) -> Post:
    """The post ``actor`` may move or edit now, locked for the rest of the transaction.

    Raises NotFound (also another organisation's post), PermissionDenied (an officer and a
    post in review), InvalidTransition (publishing or published, or an approved post one of
    whose deliveries has started)."""
    actor.require("post.compose")
    post = get_post(session, actor, post_id)
    session.flush()
    session.refresh(post, with_for_update=True)
    if post.status not in CHANGEABLE:
        raise InvalidTransition("error.post_not_editable", status=post.status)
    if post.status == S.IN_REVIEW and not actor.can("post.review"):
        raise PermissionDenied("error.post_in_review_locked")
    if post.status == S.SCHEDULED:
        started = session.exec(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.post_id == post.id, col(Delivery.status).not_in(_UNSENT))
        ).one()
        if started:
            raise InvalidTransition("error.post_not_editable", status=S.PUBLISHING)
    return post


def _withdraw(session: Session, actor: Actor, post: Post, reason: str) -> list[int]:
    """Take an approved post back to a draft: its unsent deliveries are cancelled (kept as
    rows, reused when it is approved again), audited as ``post.withdraw``."""
    cancelled = []
    for delivery in session.exec(select(Delivery).where(Delivery.post_id == post.id)):
        if delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.MISSED):
            delivery.status = DeliveryStatus.CANCELLED
            delivery.updated_at = utcnow()
            session.add(delivery)
            cancelled.append(delivery.id or 0)
    post.reviewed_by = None
    post.reviewed_at = None
    _move(session, actor, post, S.DRAFT, "post.withdraw", reason=reason, cancelled=cancelled)
    session.flush()
    return cancelled


def reschedule(session: Session, actor: Actor, post_id: int, due_at: datetime) -> Post:
    """Move a post to another time (the calendar's drag, «Dời lịch», ``post reschedule``).

    The time is checked as when composing (not past, not beyond ten years, inside every
    channel's posting hours that refuse) and every channel must still accept the post. A
    draft, rejected or in-review post keeps its status. An approved post stays approved when
    an editor or administrator moves it (the time is not content, :data:`CONTENT`): its
    unsent deliveries move with it; moved by an officer, it goes back to review. Audited as
    ``post.reschedule`` (before and after). Raises NotFound, PermissionDenied,
    InvalidTransition, InvalidInput, ValidationFailed; on any of them nothing has changed."""
    from publisher.services.publishing import posting_hours

    post = _changeable(session, actor, post_id)
    _check_due(due_at)
    # A channel's hours refuse the new time whatever the post's status (a draft too): the
    # calendar's drag must not leave a post where it could never be approved.
    refused = posting_hours.refusals([c for c, _ in variant_texts(session, post)], due_at)
    if refused:
        raise ValidationFailed(refused)
    before = {"due_at": post.due_at, "status": post.status}
    if post.status == S.SCHEDULED and not actor.can("post.review"):
        _withdraw(session, actor, post, "rescheduled")
        post.due_at = due_at
        session.add(post)
        session.flush()
        submit(session, actor, post_id)
    elif post.status == S.SCHEDULED:
        post.due_at = due_at
        problems = problems_for(session, post, variant_texts(session, post))
        if problems:
            raise ValidationFailed(problems)
        _move_deliveries(session, post, due_at)
    else:
        post.due_at = due_at
    post.updated_at = utcnow()
    session.add(post)
    audit.record(
        session,
        actor,
        "post.reschedule",
        "post",
        post.id,
        org_id=post.org_id,
        before=before,
        after={"due_at": post.due_at, "status": post.status},
    )
    return post


def _move_deliveries(session: Session, post: Post, due_at: datetime) -> None:
    """Point an approved post's unsent deliveries at ``due_at``. A one-off post's rows move in
    place; a recurring post's are cancelled and its first occurrence created again under
    its new key (the engine expands the later ones from the new time)."""
    from publisher.services.publishing import links

    rows = list(
        session.exec(
            select(Delivery).where(
                Delivery.post_id == post.id,
                col(Delivery.status).in_((DeliveryStatus.PENDING, DeliveryStatus.MISSED)),
            )
        )
    )
    if post.recurrence == Recurrence.NONE:
        for delivery in rows:
            delivery.status = DeliveryStatus.PENDING
            delivery.due_at = due_at
            delivery.next_attempt_at = due_at
            delivery.updated_at = utcnow()
            session.add(delivery)
        session.flush()
        return
    for delivery in rows:
        delivery.status = DeliveryStatus.CANCELLED
        delivery.updated_at = utcnow()
        session.add(delivery)
    session.flush()
    created = deliveries.create_for_post(session, post, due_at, due_at.date().isoformat())
    links.track_deliveries(session, post, created)


@dataclass
class PostChanges:
    """What :func:`edit` changes; None leaves a field as it is."""

    text: str | None = None
    due_at: datetime | None = None
    channels: Sequence[str | int] | None = None
    variants: Mapping[Any, str] | None = None
    media_ids: Sequence[int] | None = None
    link: str | None = None
    title: str | None = None


def current_input(session: Session, post: Post) -> PostInput:
    """The post as a :class:`PostInput` (what :func:`update` takes), from what is stored."""
    from publisher.models import PostMedia

    texts = session.exec(
        select(PostVariant, Channel)
        .join(Channel, col(Channel.id) == col(PostVariant.channel_id))
        .where(PostVariant.post_id == post.id)
    ).all()
    campaign = session.get(Campaign, post.campaign_id) if post.campaign_id else None
    task = session.get(STTask, post.task_id) if post.task_id else None
    media = session.exec(
        select(PostMedia.asset_id)
        .where(PostMedia.post_id == post.id)
        .order_by(col(PostMedia.position))
    ).all()
    return PostInput(
        text=post.text,
        channels=[c.name for _, c in texts],
        due_at=post.due_at,
        variants={c.name: v.text for v, c in texts if v.text is not None},
        media_ids=list(media),
        link=post.link,
        title=post.title,
        campaign=campaign.slug if campaign else None,
        campaign_year=post.campaign_year,
        task=task.code if task else None,
        recurrence=post.recurrence,
        recurrence_until=post.recurrence_until,
        plan_key=post.plan_key,
    )


def edit(session: Session, actor: Actor, post_id: int, changes: PostChanges) -> Post:
    """Change a post that is not yet published (``post edit``, the review desk's edit).

    Only the fields given change. A draft, rejected or in-review post is updated as by
    :func:`update`. An approved post whose deliveries have not started goes back to review
    when its content changes (its unsent deliveries are cancelled, ``post.withdraw``, then
    ``post.update`` and ``post.submit``): whoever approved it approved other content. A
    change of time alone is :func:`reschedule`. Raises what :func:`reschedule`,
    :func:`update` and :func:`submit` raise; on any of them nothing has changed."""
    post = _changeable(session, actor, post_id)
    data = current_input(session, post)
    if changes.text is not None:
        data.text = changes.text
    if changes.channels is not None:
        data.channels = list(changes.channels)
        names = {str(c) for c in changes.channels}
        data.variants = {k: v for k, v in data.variants.items() if str(k) in names}
    if changes.variants is not None:
        data.variants = {**data.variants, **changes.variants}
    if changes.media_ids is not None:
        data.media_ids = list(changes.media_ids)
    if changes.link is not None:
        data.link = changes.link or None
    if changes.title is not None:
        data.title = changes.title
    only_time = changes == PostChanges(due_at=changes.due_at)
    if changes.due_at is not None and only_time:
        return reschedule(session, actor, post_id, changes.due_at)
    if changes.due_at is not None:
        data.due_at = changes.due_at
    if post.status != S.SCHEDULED:
        return update(session, actor, post_id, data, strict=True)
    content_before = _content(session, post)
    due_before = post.due_at
    _withdraw(session, actor, post, "edited")
    post = update(session, actor, post_id, data, strict=True)
    if _content(session, post) == content_before and post.due_at == due_before:
        raise InvalidInput("error.edit_nothing_changed")
    return submit(session, actor, post_id)
