"""Connect a Zalo OA with OAuth v4 and PKCE: the authorization URL, then the redirect.

:func:`start` makes a PKCE verifier and a random ``state``, keeps them (the verifier
encrypted) in a :class:`publisher.models.KeyValue` row ``zalo.connect.<state>`` for
:data:`LIFETIME`, and returns the URL where the OA's administrator grants access. Zalo then
redirects the browser to ``<PUBLISHER_PUBLIC_URL>/zalo/callback?code=…&state=…`` (served by
``publisher api``), and :func:`finish` takes the row (once: a state works a single time),
exchanges the code with the verifier and stores the tokens in the channel under its row lock
(:mod:`publisher.services.publishing.zalo_tokens`).

Bad input ends in an InvalidInput with a one-line reason and nothing stored: an unknown,
used or expired state, a code Zalo refuses (expired: -14014, or wrong), an answer without
tokens.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from connectors.errors import ConnectorError
from connectors.zalo_oa import ZaloOAConnector, pkce_pair
from publisher.errors import InvalidInput
from publisher.models import Channel, KeyValue
from publisher.security import decrypt_credentials, encrypt_credentials
from publisher.services import audit
from publisher.services.actor import Actor
from publisher.timeutil import get_clock

PREFIX = "zalo.connect."
#: How long an authorization may take (Zalo's codes live 10 minutes).
LIFETIME = timedelta(minutes=15)
CALLBACK_PATH = "/zalo/callback"


def redirect_uri() -> str:
    """Where Zalo sends the browser back: ``publisher api``'s callback."""
    from publisher.services import links

    return links.public_url().rstrip("/") + CALLBACK_PATH


def can_connect(kind: str) -> bool:
    """Whether channels of ``kind`` are connected through OAuth (a Zalo OA). Raises
    InvalidInput for an unknown kind."""
    from publisher.services.channels import connector_class

    return callable(getattr(connector_class(kind), "authorization_url", None))


def start(session: Session, actor: Actor, channel_ref: str | int, *, redirect: str = "") -> str:
    """The authorization URL for ``channel_ref`` (a Zalo OA channel); the pending state is
    written in ``session``. Raises InvalidInput for a channel of another kind."""
    from publisher.services import channels as channels_svc

    actor.require("channel.manage")
    channel = channels_svc.get_channel(session, actor, channel_ref)
    connector = channels_svc.make_connector(channel)
    if not isinstance(connector, ZaloOAConnector):
        raise InvalidInput("error.zalo_connect_kind", channel=channel.name, kind=channel.kind)
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    now = get_clock().now()
    uri = redirect or redirect_uri()
    session.add(
        KeyValue(
            key=PREFIX + state,
            value={
                "channel_id": channel.id,
                "verifier": encrypt_credentials({"verifier": verifier}),
                "redirect_uri": uri,
                "expires_at": (now + LIFETIME).isoformat(),
            },
        )
    )
    audit.record(
        session, actor, "channel.connect_start", "channel", channel.id, org_id=channel.org_id
    )
    return connector.authorization_url(uri, state, challenge)


def pending(session: Session, state: str) -> bool:
    """Whether ``state`` still waits for its redirect."""
    return session.get(KeyValue, PREFIX + state) is not None


def finish(session: Session, state: str, code: str) -> Channel:
    """Exchange ``code`` for tokens and store them in the state's channel, and use the state
    up (committed by the caller's transaction). Raises InvalidInput with a one-line reason;
    nothing is stored then."""
    from publisher.services import channels as channels_svc
    from publisher.services.publishing import zalo_tokens

    row = session.get(KeyValue, PREFIX + (state or "")[:120]) if state else None
    if row is None:
        raise InvalidInput("error.zalo_connect_state")
    value: dict[str, Any] = dict(row.value)
    session.delete(row)
    session.flush()
    if datetime.fromisoformat(str(value["expires_at"])) < get_clock().now():
        raise InvalidInput("error.zalo_connect_state")
    channel = session.exec(
        select(Channel).where(Channel.id == int(value["channel_id"])).with_for_update()
    ).one_or_none()
    if channel is None:
        raise InvalidInput("error.zalo_connect_state")
    connector = channels_svc.make_connector(channel)
    assert isinstance(connector, ZaloOAConnector)
    verifier = decrypt_credentials(str(value["verifier"]))["verifier"]
    try:
        tokens = connector.exchange_code(code, verifier)
    except ConnectorError as exc:
        raise InvalidInput("error.zalo_connect_refused", detail=str(exc)[:200]) from None
    credentials = decrypt_credentials(channel.credentials_encrypted)
    zalo_tokens.store(session, channel, credentials, tokens, action="channel.connect")
    return channel
