"""The status names the pages filter and colour by, re-exported so that ``ui`` imports no
models (see the import contracts in pyproject.toml)."""

from __future__ import annotations

from publisher.models import DeliveryStatus, PostStatus, RenderStatus

__all__ = ["DeliveryStatus", "PostStatus", "RenderStatus"]
