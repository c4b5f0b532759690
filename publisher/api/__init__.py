"""The small HTTP service: inbound engagement events, tracked links, health, metrics."""

from __future__ import annotations

from publisher.api.app import create_app

__all__ = ["create_app"]
