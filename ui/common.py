"""Shared helpers of the Streamlit pages: session, login guard, roles, language, formatting,
status badges, and one way to run a service call and show its error in the user's language.

Pages call :mod:`publisher.services` only, through :func:`read` and :func:`write`: they name
the service function and its arguments, and :mod:`publisher.services.uow` owns the
transaction, so no page holds a database session (the import contracts in pyproject.toml
forbid ``ui`` to import SQL, the models, the engine or the connectors).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

import streamlit as st

from publisher.errors import PublisherError, problem_text
from publisher.i18n import DEFAULT_LANGUAGE, LANGUAGES, set_language, t
from publisher.services import sessions, uow
from publisher.services.actor import Actor
from publisher.timeutil import TimeParseError, fmt_local, local_datetime, to_local, utcnow

T = TypeVar("T")

#: Idle time after which a session must log in again (also the stored token's expiry).
SESSION_TIMEOUT = sessions.IDLE_TIMEOUT
#: How often an open session re-checks its token (revoked elsewhere, user disabled).
TOKEN_RECHECK = timedelta(minutes=1)
#: The cookie holding the login token, so that a browser reload stays logged in.
SESSION_COOKIE = "r57_session"
ACTOR = "actor"
LANG = "lang"
SEEN = "last_seen"
FULL_NAME = "full_name"
#: session_state keys (names, not secrets).
TOKEN = "session_token"  # noqa: S105
TOKEN_CHECKED = "session_token_checked"  # noqa: S105
#: ("set", token) or ("clear", "") for the cookie, written by :func:`sync_cookie`.
COOKIE_OP = "session_cookie_op"
#: A cookie token already found invalid in this browser session (not looked up again).
DEAD_TOKEN = "session_dead_token"  # noqa: S105

#: Post and delivery status -> Streamlit badge colour.
STATUS_COLOURS: dict[str, str] = {
    "draft": "gray",
    "in_review": "orange",
    "rejected": "red",
    "scheduled": "blue",
    "publishing": "violet",
    "published": "green",
    "partially_failed": "orange",
    "failed": "red",
    "cancelled": "gray",
    "pending": "blue",
    "sending": "violet",
    "sent": "green",
    "unconfirmed": "orange",
    "missed": "red",
    "ok": "green",
    "flagged": "red",
    "unknown": "gray",
}
#: The same statuses as hex colours for HTML (calendar cells).
STATUS_HEX: dict[str, str] = {
    "gray": "#6b7280",
    "orange": "#d97706",
    "red": "#dc2626",
    "blue": "#1d4ed8",
    "violet": "#7c3aed",
    "green": "#15803d",
}


# --- session ----------------------------------------------------------------------------------
def lang() -> str:
    value = st.session_state.get(LANG, DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def start_run() -> None:
    """Called first on every run: language, log in from the session cookie after a reload,
    log out an idle session or one whose token was revoked."""
    set_language(lang())
    if current_actor() is None:
        _resume_from_cookie()
        return
    now = utcnow()
    seen = st.session_state.get(SEEN)
    if isinstance(seen, datetime) and now - seen > SESSION_TIMEOUT:
        logout()
        st.session_state["flash"] = ("warning", t("ui.login.timed_out"))
        return
    st.session_state[SEEN] = now
    token = st.session_state.get(TOKEN)
    checked = st.session_state.get(TOKEN_CHECKED)
    if token and (not isinstance(checked, datetime) or now - checked >= TOKEN_RECHECK):
        # Also slides the stored expiry while the user is active.
        if sessions.resume_token(token) is None:
            logout()
            st.session_state["flash"] = ("warning", t("ui.login.session_ended"))
            return
        st.session_state[TOKEN_CHECKED] = now


def _cookie_token() -> str:
    """The session token the browser sent when this session connected ("" if none)."""
    value = st.context.cookies.get(SESSION_COOKIE)
    return value if isinstance(value, str) else ""  # AppTest has no real cookies


def client_source() -> str | None:
    """Where this browser connects from, for login throttling ("ip:<address>"), or None when
    unknown (the service then uses its stable fallback)."""
    from publisher.config import get_settings

    forwarded = None
    if get_settings().ui_trust_forwarded_for:
        forwarded = st.context.headers.get("X-Forwarded-For")
    peer = getattr(st.context, "ip_address", None)
    # Only strings: AppTest's fake connection answers with mock objects.
    return source_of(
        peer if isinstance(peer, str) else None,
        forwarded if isinstance(forwarded, str) else None,
    )


def source_of(peer: str | None, forwarded_for: str | None) -> str | None:
    """The throttling source: the right-most ``X-Forwarded-For`` entry (the one our own
    reverse proxy appended; pass it only when ``PUBLISHER_UI_TRUST_FORWARDED_FOR`` is on),
    else the connection's address (Streamlit gives None for localhost), else None."""
    entries = [e.strip() for e in (forwarded_for or "").split(",") if e.strip()]
    address = entries[-1] if entries else peer
    return f"ip:{address[:100]}" if address else None


def _resume_from_cookie() -> None:
    token = _cookie_token()
    if not token or token == st.session_state.get(DEAD_TOKEN):
        return
    found = sessions.resume_token(token)  # None also while the database is unreachable
    if found is None:
        st.session_state[DEAD_TOKEN] = token
        st.session_state[COOKIE_OP] = ("clear", "")
        return
    login_as(found.actor, found.full_name, lang())
    st.session_state[TOKEN] = token
    st.session_state[TOKEN_CHECKED] = utcnow()


def sync_cookie() -> None:
    """Write or clear the session cookie in the browser when a login or logout asked for it.

    Streamlit cannot set response cookies, so a one-time script does it (the cookie cannot be
    HttpOnly for that reason; it is SameSite=Strict, Secure over https, and without Max-Age,
    so the browser drops it when it closes). The token is URL-safe base64; JSON-encoded anyway.
    """
    op = st.session_state.pop(COOKIE_OP, None)
    if not op:
        return
    kind, token = op
    if kind == "set":
        value = f"{SESSION_COOKIE}=' + {json.dumps(token)} + '; Path=/; SameSite=Strict"
    else:
        value = f"{SESSION_COOKIE}=; Path=/; SameSite=Strict; Max-Age=0"
    st.html(
        "<script>document.cookie = '"
        + value
        + "' + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def language_switch(key: str, *, collapsed: bool = False) -> None:
    """Vietnamese / English radio; the callback runs before the page, so no rerun is needed."""

    def changed() -> None:
        st.session_state[LANG] = st.session_state[key]
        set_language(st.session_state[key])

    if st.session_state.get(key) != lang():
        st.session_state[key] = lang()
    st.radio(
        t("ui.app.language"),
        LANGUAGES,
        format_func=LANGUAGE_NAMES.__getitem__,
        horizontal=True,
        key=key,
        on_change=changed,
        label_visibility="collapsed" if collapsed else "visible",
    )


def current_actor() -> Actor | None:
    actor = st.session_state.get(ACTOR)
    return actor if isinstance(actor, Actor) else None


def login_as(actor: Actor, full_name: str, language: str, *, token: str | None = None) -> None:
    """Log the session in; ``token`` (from :func:`sessions.issue`) goes into the cookie."""
    st.session_state[ACTOR] = actor
    st.session_state[FULL_NAME] = full_name
    st.session_state[LANG] = language if language in LANGUAGES else DEFAULT_LANGUAGE
    st.session_state[SEEN] = utcnow()
    if token:
        st.session_state[TOKEN] = token
        st.session_state[TOKEN_CHECKED] = utcnow()
        st.session_state[COOKIE_OP] = ("set", token)


def replace_token(token: str) -> None:
    """Keep this session logged in on ``token`` (issued after its old one was revoked, e.g.
    by a password change): the session state and, on the next run, the cookie."""
    st.session_state[TOKEN] = token
    st.session_state[TOKEN_CHECKED] = utcnow()
    st.session_state[COOKIE_OP] = ("set", token)


def logout() -> None:
    """Forget the user and every page's state (the language stays), revoke the session
    token and clear the cookie."""
    token = st.session_state.get(TOKEN) or _cookie_token()
    if token:
        sessions.revoke_token(token)  # an unreachable database: it expires after the timeout
    for key in list(st.session_state.keys()):
        if key not in (LANG, ACTOR, SEEN):
            del st.session_state[key]
    # Assigned rather than deleted: a deletion could be undone by a stale copy of the state.
    st.session_state[ACTOR] = None
    st.session_state[SEEN] = None
    if token:
        st.session_state[DEAD_TOKEN] = token
        st.session_state[COOKIE_OP] = ("clear", "")


def guard(permission: str) -> Actor:
    """The logged-in actor if they may ``permission``; otherwise a message and stop."""
    actor = current_actor()
    if actor is None:
        st.warning(t("ui.login.required"))
        st.stop()
    assert actor is not None
    if not actor.can(permission):
        st.error(t("ui.no_access"))
        st.stop()
    return actor


# --- services ---------------------------------------------------------------------------------
def read(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """The service function ``fn`` called with ``*args, **kwargs`` in a read-only unit of
    work (``fn`` takes the session first; the page never sees it). Errors propagate."""
    return uow.read(fn, *args, **kwargs)


def write(
    fn: Callable[..., T], /, *args: Any, success: str | None = None, **kwargs: Any
) -> T | None:
    """The service function ``fn`` called with ``*args, **kwargs`` in one transaction; on a
    PublisherError show it and return None (the transaction is rolled back, so nothing is
    half-written); on success flash ``success`` if given."""
    try:
        result = uow.write(fn, *args, **kwargs)
    except PublisherError as exc:
        show_error(exc)
        return None
    except TimeParseError as exc:
        st.error(t("error.time_invalid", value=str(exc)))
        return None
    if success:
        flash("success", success)
    return result


def show_error(exc: PublisherError) -> None:
    problems = getattr(exc, "problems", None)
    if problems:
        st.error("\n".join(f"- {problem_text(p)}" for p in problems), icon=":material/block:")
    else:
        st.error(exc.message(), icon=":material/error:")


def flash(kind: str, message: str) -> None:
    """A message shown once, after the next rerun."""
    st.session_state["flash"] = (kind, message)


def show_flash() -> None:
    item = st.session_state.pop("flash", None)
    if not item:
        return
    kind, message = item
    {"success": st.success, "warning": st.warning, "error": st.error}.get(kind, st.info)(message)


# --- formatting -------------------------------------------------------------------------------
def fmt_dt(value: datetime | None) -> str:
    """dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh."""
    return fmt_local(value) if value else "—"


def fmt_int(value: int) -> str:
    """A whole number with the language's thousands separator (vi 63.206, en 63,206)."""
    text = f"{value:,}"
    return text.replace(",", ".") if lang() == "vi" else text


def fmt_day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def status_label(status: str) -> str:
    return t(f"ui.status.{status}")


def badge(status: str) -> str:
    """Markdown badge for a post/delivery/channel status."""
    colour = STATUS_COLOURS.get(status, "gray")
    return f":{colour}-badge[{status_label(status)}]"


def status_hex(status: str) -> str:
    return STATUS_HEX[STATUS_COLOURS.get(status, "gray")]


def esc(text: Any) -> str:
    """Escape user text for the few places that render HTML."""
    return html.escape(str(text or ""), quote=True)


def kind_label(kind: str) -> str:
    return t(f"ui.kind.{kind}")


def local_due(day: date, at: time) -> datetime:
    """A local date and time from the form as an aware UTC datetime."""
    return local_datetime(day, at.hour, at.minute)


#: A new post defaults to the next full hour inside these local office hours, else 08:00.
OFFICE_HOURS = (7, 21)
MORNING = time(8, 0)


def local_parts(value: datetime | None) -> tuple[date, time]:
    """Date and time widgets' values for ``value`` (default: the next full hour, or 08:00
    the next morning when that hour falls at night — nobody means to post at 03:00)."""
    if value is None:
        local = to_local(utcnow() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        first, last = OFFICE_HOURS
        if local.hour < first:
            return local.date(), MORNING
        if local.hour > last:
            return local.date() + timedelta(days=1), MORNING
    else:
        local = to_local(value)
    return local.date(), local.time().replace(second=0, microsecond=0)


def page_header(title_key: str, caption_key: str | None = None) -> None:
    st.title(t(title_key))
    if caption_key:
        st.caption(t(caption_key))
    show_flash()
