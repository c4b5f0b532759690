"""The unit of work for callers that hold no database session (the Streamlit pages).

A page names the service function and its arguments; the session is opened, committed or
rolled back, and closed here, so no page ever holds a ``Session``. Service functions keep
taking the session as their first argument (the CLI, the engine and the tests open their own
transactions and call several functions in one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from publisher.db import session_scope

T = TypeVar("T")

#: What a page catches when the database is unreachable (re-exported: pages import no SQL).
DatabaseError = SQLAlchemyError


def read(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``fn(session, *args, **kwargs)`` in a read-only transaction; its result (rows come
    back detached, their columns loaded)."""
    with session_scope(readonly=True) as session:
        return fn(session, *args, **kwargs)


def write(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``fn(session, *args, **kwargs)`` in one transaction: committed when it returns,
    rolled back when it raises (nothing half-written)."""
    with session_scope() as session:
        return fn(session, *args, **kwargs)
