"""Who is acting, and what they may do."""

from __future__ import annotations

from dataclasses import dataclass

from publisher.errors import PermissionDenied
from publisher.models import Role, User

#: action -> roles allowed. Organisation scoping is checked separately.
PERMISSIONS: dict[str, frozenset[str]] = {
    "post.view": frozenset({Role.OFFICER, Role.EDITOR, Role.MANAGER, Role.COORDINATOR, Role.ADMIN}),
    "post.compose": frozenset({Role.OFFICER, Role.EDITOR, Role.ADMIN}),
    "post.submit": frozenset({Role.OFFICER, Role.EDITOR, Role.ADMIN}),
    "post.review": frozenset({Role.EDITOR, Role.ADMIN}),
    #: A manager's second sign-off where the unit requires one (services.publishing.signoff).
    "post.signoff": frozenset({Role.MANAGER, Role.ADMIN}),
    # Reading the review queue (what waits, its filters, its count): reviewers, and managers
    # and coordinators who follow it without deciding.
    "review.watch": frozenset({Role.EDITOR, Role.MANAGER, Role.COORDINATOR, Role.ADMIN}),
    "post.cancel": frozenset({Role.OFFICER, Role.EDITOR, Role.ADMIN}),
    "delivery.manage": frozenset({Role.EDITOR, Role.ADMIN}),
    "channel.view": frozenset(
        {Role.OFFICER, Role.EDITOR, Role.MANAGER, Role.COORDINATOR, Role.ADMIN}
    ),
    "channel.manage": frozenset({Role.ADMIN}),
    "channel.test": frozenset({Role.EDITOR, Role.ADMIN}),
    "campaign.view": frozenset(
        {Role.OFFICER, Role.EDITOR, Role.MANAGER, Role.COORDINATOR, Role.ADMIN}
    ),
    "campaign.manage": frozenset({Role.EDITOR, Role.ADMIN}),
    "campaign.plan": frozenset({Role.OFFICER, Role.EDITOR, Role.ADMIN}),
    "media.view": frozenset(
        {Role.OFFICER, Role.EDITOR, Role.MANAGER, Role.COORDINATOR, Role.ADMIN}
    ),
    "media.create": frozenset({Role.OFFICER, Role.EDITOR, Role.ADMIN}),
    "stats.view": frozenset({Role.MANAGER, Role.EDITOR, Role.COORDINATOR, Role.ADMIN}),
    "report.export": frozenset({Role.MANAGER, Role.COORDINATOR, Role.ADMIN}),
    "task.manage": frozenset({Role.EDITOR, Role.MANAGER, Role.COORDINATOR, Role.ADMIN}),
    "kpi.manage": frozenset({Role.ADMIN}),
    # The province: report collection, criteria, activities made outside the product.
    "report.request": frozenset({Role.COORDINATOR, Role.ADMIN}),
    "report.submit": frozenset({Role.MANAGER, Role.COORDINATOR, Role.ADMIN}),
    "criteria.manage": frozenset({Role.COORDINATOR, Role.ADMIN}),
    "activity.manage": frozenset({Role.EDITOR, Role.MANAGER, Role.COORDINATOR, Role.ADMIN}),
    "alert.view": frozenset(
        {Role.OFFICER, Role.EDITOR, Role.MANAGER, Role.COORDINATOR, Role.ADMIN}
    ),
    "alert.resolve": frozenset({Role.EDITOR, Role.ADMIN}),
    "user.manage": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.MANAGER, Role.ADMIN}),
    "user.own_password": frozenset(
        {Role.OFFICER, Role.EDITOR, Role.MANAGER, Role.COORDINATOR, Role.ADMIN}
    ),
    "org.manage": frozenset({Role.ADMIN}),
    # A commune officer confirms that its loudspeakers played a bulletin (reach).
    "reach.confirm": frozenset({Role.OFFICER, Role.EDITOR, Role.ADMIN}),
    #: Whether the unit requires a manager's sign-off (its manager decides).
    "org.signoff": frozenset({Role.MANAGER, Role.ADMIN}),
    # The FAQ bot's staff inbox: questions the bot handed over, and replying to them.
    "faqbot.inbox": frozenset({Role.OFFICER, Role.EDITOR, Role.MANAGER, Role.ADMIN}),
    "faqbot.reply": frozenset({Role.OFFICER, Role.EDITOR, Role.ADMIN}),
    # The knowledge base of questions and answers (issue 21): written like posts, approved
    # by an editor (four eyes), read by everyone of the unit.
    "faq.view": frozenset({Role.OFFICER, Role.EDITOR, Role.MANAGER, Role.COORDINATOR, Role.ADMIN}),
    "faq.edit": frozenset({Role.OFFICER, Role.EDITOR, Role.ADMIN}),
    "faq.review": frozenset({Role.EDITOR, Role.ADMIN}),
    "sandbox.view": frozenset(
        {Role.OFFICER, Role.EDITOR, Role.MANAGER, Role.COORDINATOR, Role.ADMIN}
    ),
}


@dataclass(frozen=True)
class Actor:
    """The acting user (or the system). ``org_id`` None with role admin means every org."""

    role: str
    org_id: int | None
    user_id: int | None = None
    username: str = ""
    label: str = ""

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(
            role=user.role,
            org_id=user.org_id,
            user_id=user.id,
            username=user.username,
            label=f"user:{user.username}",
        )

    @classmethod
    def system(cls, label: str = "cli:admin") -> Actor:
        """The server-side administrator (CLI, worker): every organisation."""
        return cls(role=Role.ADMIN, org_id=None, label=label)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_coordinator(self) -> bool:
        """The coordinating department: reads (never edits) every unit of its province
        (``services.orgs.readable_org_ids``)."""
        return self.role == Role.COORDINATOR

    @property
    def all_orgs(self) -> bool:
        """Admins see every organisation (the product has one admin per province)."""
        return self.is_admin

    def can(self, action: str) -> bool:
        return self.role in PERMISSIONS.get(action, frozenset())

    def require(self, action: str) -> None:
        """Raise :class:`PermissionDenied` unless the role may do ``action``."""
        if not self.can(action):
            raise PermissionDenied("error.permission_denied", action=action, role=self.role)

    def require_org(self, org_id: int | None) -> None:
        """Raise :class:`PermissionDenied` unless the object belongs to the actor's org."""
        if self.all_orgs:
            return
        if org_id is None or org_id != self.org_id:
            raise PermissionDenied("error.other_organisation")

    def sees(self, org_id: int | None) -> bool:
        return self.all_orgs or (org_id is not None and org_id == self.org_id)
