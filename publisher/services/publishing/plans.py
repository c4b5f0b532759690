"""Lead-up plans: scaffold the countdown posts of a campaign occurrence, idempotently."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from publisher.errors import InvalidInput
from publisher.models import Post, PostStatus
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.services.publishing.campaigns import (
    existing_plan_posts,
    get_campaign,
    occurrence_in,
    plan_key,
    plan_schedule,
    step_text,
)
from publisher.services.publishing.channels import get_channel
from publisher.services.publishing.posts import PostInput, compose, get_post, submit
from publisher.timeutil import utcnow


@dataclass
class PlanResult:
    created: list[Post] = field(default_factory=list)
    existing: list[Post] = field(default_factory=list)
    skipped_past: list[str] = field(default_factory=list)
    steps: dict[int, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        def row(p: Post) -> dict[str, Any]:
            return {
                "id": p.id,
                "step": self.steps.get(p.id or 0, ""),
                "status": p.status,
                "due_at": p.due_at.isoformat() if p.due_at else None,
            }

        return {
            "created": [row(p) for p in self.created],
            "existing": [row(p) for p in self.existing],
            "skipped_past": self.skipped_past,
        }


def scaffold(
    session: Session,
    actor: Actor,
    slug: str,
    year: int,
    channels: Sequence[str | int],
) -> PlanResult:
    """Create the draft lead-up posts (D-14 ... D+1) not already planned for this org.

    Running it twice creates nothing new: each step has a unique ``plan_key``.
    Steps whose time has passed are skipped and listed.
    """
    actor.require("campaign.plan")
    if not channels:
        raise InvalidInput("error.channels_required")
    campaign = get_campaign(session, actor, slug)
    resolved = [get_channel(session, actor, c) for c in channels]
    org_ids = {c.org_id for c in resolved}
    if len(org_ids) != 1:
        raise InvalidInput("error.channels_one_org")
    org_id = org_ids.pop()
    schedule = plan_schedule(campaign, year)
    keys = {step.key: plan_key(campaign, year, org_id, step) for step, _ in schedule}
    existing = existing_plan_posts(session, list(keys.values()))
    result = PlanResult()
    day = occurrence_in(campaign, year)
    assert day is not None
    now = utcnow()
    for step, due_at in schedule:
        key = keys[step.key]
        if key in existing:
            post = existing[key]
            result.existing.append(post)
            result.steps[post.id or 0] = step.key
            continue
        if due_at < now:
            result.skipped_past.append(step.key)
            continue
        post = compose(
            session,
            actor,
            PostInput(
                text=step_text(campaign, step, day),
                channels=[c.id for c in resolved if c.id is not None],
                due_at=due_at,
                title=f"{campaign.name} {year} — {step.key}",
                campaign=campaign.slug,
                campaign_year=year,
                plan_key=key,
            ),
        )
        result.created.append(post)
        result.steps[post.id or 0] = step.key
    audit.record(
        session,
        actor,
        "campaign.plan",
        "campaign",
        campaign.id,
        org_id=org_id,
        after={
            "year": year,
            "created": [p.id for p in result.created],
            "existing": [p.id for p in result.existing],
        },
    )
    return result


def submit_plan(session: Session, actor: Actor, result: PlanResult) -> list[int]:
    """Send the plan's drafts (new or left from an earlier run) for review; returns their ids.

    Raises what :func:`publisher.services.publishing.posts.submit` raises for the first post
    that cannot go (the caller's transaction is then rolled back: the whole plan or nothing)."""
    sent: list[int] = []
    for post in [*result.created, *result.existing]:
        if post.id is None:
            continue
        # Read through the actor's eyes: another organisation's post is NotFound, not skipped.
        if get_post(session, actor, post.id).status == PostStatus.DRAFT:
            submit(session, actor, post.id)
            sent.append(post.id)
    return sent
