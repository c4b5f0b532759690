"""The media library, the media attached to posts, and the render queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field

from publisher.models.accounts import Organisation, User  # noqa: F401  (foreign-key targets)
from publisher.models.base import _json, _now, _Table, _ts
from publisher.models.enums import RenderStatus
from publisher.models.posts import Post  # noqa: F401  (foreign-key targets)


class MediaAsset(_Table, table=True):
    __table_args__ = (UniqueConstraint("org_id", "sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    sha256: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=10)  # image | video | audio
    mime: str = Field(default="", max_length=100)
    #: Path relative to the media store root.
    path: str = Field(max_length=500)
    bytes: int = 0
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    phash: str | None = Field(default=None, max_length=64, index=True)
    title: str = Field(default="", max_length=255)
    tags: list[str] = _json(list)
    #: How a generated asset was made (template, fields, size) so it can be re-rendered.
    recipe: dict[str, Any] = _json()
    #: upload | generated | fitted
    source: str = Field(default="upload", max_length=20)
    #: Alternative text (Vietnamese), built from the content for generated assets, editable;
    #: sent with the file where the platform takes it.
    alt_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    parent_id: int | None = Field(default=None, foreign_key="mediaasset.id")
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _ts(default_factory=_now)


class PostMedia(_Table, table=True):
    post_id: int = Field(foreign_key="post.id", primary_key=True)
    asset_id: int = Field(foreign_key="mediaasset.id", primary_key=True)
    position: int = 0


class RenderJob(_Table, table=True):
    __table_args__ = (
        Index("ix_renderjob_queue", "status", "deadline"),
        # Same recipe in the same organisation -> the same job (renders are idempotent).
        UniqueConstraint("org_id", "recipe_hash", name="uq_renderjob_org_recipe"),
    )
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    kind: str = Field(max_length=20)  # infographic | video | fit
    recipe: dict[str, Any] = _json()
    recipe_hash: str = Field(max_length=64, index=True)
    priority: int = 0
    deadline: datetime | None = _ts(default=None)
    status: str = Field(default=RenderStatus.QUEUED, max_length=20)
    progress: float = 0.0
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=120)
    lease_until: datetime | None = _ts(default=None)
    post_id: int | None = Field(default=None, foreign_key="post.id", index=True)
    result_asset_id: int | None = Field(default=None, foreign_key="mediaasset.id")
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = _ts(default_factory=_now)
    started_at: datetime | None = _ts(default=None)
    finished_at: datetime | None = _ts(default=None)
