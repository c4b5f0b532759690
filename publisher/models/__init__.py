"""The domain model: SQLModel tables, one module per domain, each loaded when first used.

=================  =============================================================
``enums``          the states and kinds stored as strings (no SQLAlchemy)
``base``           :class:`UTCDateTime` and the tables' base class
``accounts``       organisations, users, the audit log
``logins``         web interface sessions, the wrong-password throttle
``notifications``  where users are notified, the notification outbox
``channels``       publishing channels
``campaigns``      the campaign calendar, science & technology tasks
``posts``          posts, their per-channel texts, their themes
``media``          the media library, post attachments, the render queue
``deliveries``     deliveries (the engine's outbox), Zalo OA broadcasts
``engagement``     engagement figures, tracked links, inbound events
``province``       report collection, criteria, activities
``operations``     alerts, the scheduler lease, worker heartbeats, stored settings
``faq``            the questions-and-answers knowledge base
=================  =============================================================

Every name is imported from this package, as before: ``from publisher.models import Post``.
Nothing is loaded with the package itself; the first use of a name imports the one module that
defines it (PEP 562 ``__getattr__``). Why: declaring a table (its pydantic class, SQLAlchemy
table and mapper) costs milliseconds, and so does configuring its mapper before the first
query; ``publisher post list`` needs a third of the tables, and every CLI command, worker or
page start paid for all of them (issue 15, item 6; ``bench/cli_bench.py``).

Two rules keep that safe:

* A table module imports the modules of the tables its foreign keys name: SQLAlchemy resolves
  foreign keys when it flushes a row, so their tables must be in the metadata by then
  (checked by tests/core/test_models_lazy.py, each module alone in a fresh interpreter).
* Whatever needs *every* table (creating or comparing the schema, Alembic, backups, restores,
  copies between databases, table statistics) calls :func:`load_all` first:
  ``SQLModel.metadata`` holds only the tables loaded so far.

Conventions: every datetime column is :class:`UTCDateTime` (aware UTC in and out, on SQLite
too); states are plain strings checked by the service layer (portable across SQLite and
PostgreSQL, no enum migrations); JSON columns use SQLAlchemy's portable ``JSON``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # What type checkers see (the same names, eagerly); at run time ``__getattr__`` below.
    from publisher.models.accounts import AuditEvent, Organisation, User
    from publisher.models.base import UTCDateTime
    from publisher.models.base import _Table as _Table
    from publisher.models.campaigns import Campaign, STTask
    from publisher.models.channels import Channel
    from publisher.models.deliveries import Delivery, ZaloBroadcast
    from publisher.models.engagement import (
        EngagementLatest,
        EngagementPost,
        EngagementSnapshot,
        InboundEvent,
        TrackedLink,
    )
    from publisher.models.enums import (
        CampaignKind,
        ChannelHealth,
        ChannelKind,
        DeliveryStatus,
        PostStatus,
        Recurrence,
        RenderStatus,
        Role,
    )
    from publisher.models.faq import FaqAnswer, FaqHandover, FaqQuery
    from publisher.models.logins import LoginThrottle, UISession
    from publisher.models.media import MediaAsset, PostMedia, RenderJob
    from publisher.models.notifications import Notification, NotifyContact
    from publisher.models.operations import Alert, KeyValue, SchedulerLease, WorkerHeartbeat
    from publisher.models.posts import Post, PostTag, PostVariant
    from publisher.models.province import Activity, Criterion, ReportRequest, ReportSubmission

#: The modules holding tables, in an order where every module comes after those its foreign
#: keys name.
TABLE_MODULES: tuple[str, ...] = (
    "accounts",
    "logins",
    "notifications",
    "channels",
    "campaigns",
    "posts",
    "media",
    "deliveries",
    "engagement",
    "province",
    "operations",
    "faq",
)

#: Module (under this package) -> the public names it defines.
_NAMES: dict[str, tuple[str, ...]] = {
    "enums": (
        "CampaignKind",
        "ChannelHealth",
        "ChannelKind",
        "DeliveryStatus",
        "PostStatus",
        "Recurrence",
        "RenderStatus",
        "Role",
    ),
    "base": ("UTCDateTime", "_Table"),
    "accounts": ("AuditEvent", "Organisation", "User"),
    "logins": ("LoginThrottle", "UISession"),
    "notifications": ("Notification", "NotifyContact"),
    "channels": ("Channel",),
    "campaigns": ("Campaign", "STTask"),
    "posts": ("Post", "PostTag", "PostVariant"),
    "media": ("MediaAsset", "PostMedia", "RenderJob"),
    "deliveries": ("Delivery", "ZaloBroadcast"),
    "engagement": (
        "EngagementLatest",
        "EngagementPost",
        "EngagementSnapshot",
        "InboundEvent",
        "TrackedLink",
    ),
    "province": ("Activity", "Criterion", "ReportRequest", "ReportSubmission"),
    "operations": ("Alert", "KeyValue", "SchedulerLease", "WorkerHeartbeat"),
    "faq": ("FaqAnswer", "FaqHandover", "FaqQuery"),
}

#: Public name -> the module defining it.
_MODULE_OF: dict[str, str] = {name: module for module, names in _NAMES.items() for name in names}

__all__ = [
    "Activity",
    "Alert",
    "AuditEvent",
    "Campaign",
    "CampaignKind",
    "Channel",
    "ChannelHealth",
    "ChannelKind",
    "Criterion",
    "Delivery",
    "DeliveryStatus",
    "EngagementLatest",
    "EngagementPost",
    "EngagementSnapshot",
    "FaqAnswer",
    "FaqHandover",
    "FaqQuery",
    "InboundEvent",
    "KeyValue",
    "LoginThrottle",
    "MediaAsset",
    "Notification",
    "NotifyContact",
    "Organisation",
    "Post",
    "PostMedia",
    "PostStatus",
    "PostTag",
    "PostVariant",
    "Recurrence",
    "RenderJob",
    "RenderStatus",
    "ReportRequest",
    "ReportSubmission",
    "Role",
    "STTask",
    "SchedulerLease",
    "TrackedLink",
    "UISession",
    "UTCDateTime",
    "User",
    "WorkerHeartbeat",
    "ZaloBroadcast",
    "load_all",
]


def load_all() -> None:
    """Import every table module: afterwards ``SQLModel.metadata`` holds all the tables.

    Call it before anything that works on the whole schema (``create_all``, Alembic, backups,
    restores, ``sorted_tables``). Cheap once done (the modules are cached)."""
    for module in TABLE_MODULES:
        importlib.import_module(f"{__name__}.{module}")


if not TYPE_CHECKING:  # type checkers see the imports above, and no catch-all attribute

    def __getattr__(name: str) -> Any:
        """PEP 562: ``publisher.models.Post`` imports ``publisher.models.posts`` on first use."""
        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = value  # later look-ups are plain attribute reads
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_MODULE_OF})
