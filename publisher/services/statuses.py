"""The status names the pages filter and colour by, re-exported so that ``ui`` imports no
models (see the import contracts in pyproject.toml)."""

from __future__ import annotations

from publisher.models import DeliveryStatus, PostStatus, RenderStatus

#: ``error_kind`` of a delivery put back to ``pending`` until its media is rendered (here, not
#: in ``publishing.versions``, so that the engine names it without importing the render stack).
MEDIA_WAITING = "waiting_media"

__all__ = ["DeliveryStatus", "PostStatus", "RenderStatus"]  # and the constant above
