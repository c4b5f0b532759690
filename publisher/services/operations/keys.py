"""Rotating ``PUBLISHER_SECRET_KEY``: re-encrypt every stored credential under a new key.

Order matters, because a database encrypted under a key nobody has is lost data:
1. every channel is decrypted with the current key first (any failure: nothing changes);
2. the new key is written to a temporary file beside the key file (fsynced);
3. all channels are re-encrypted in one transaction, committed;
4. the temporary file replaces the key file (atomic rename).
A crash between 3 and 4 leaves the new key in ``secret.key.new``, never nowhere.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from publisher.config import get_settings
from publisher.db import session_scope
from publisher.errors import InvalidInput, PublisherError
from publisher.fsmodes import private_dir
from publisher.models import Channel
from publisher.security import decrypt_credentials, encrypt_credentials, load_secret
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor

MIN_KEY_LENGTH = 16


@dataclass
class RotationResult:
    channels: int
    key_file: Path
    new_key: str
    #: True when the running services read the key from PUBLISHER_SECRET_KEY (update it!).
    from_env: bool


def generate_key() -> str:
    return secrets.token_urlsafe(32)


def write_key_file(path: Path, key: str) -> Path:
    """Write ``key`` to ``path.new`` (mode 0600, fsynced) and return that temporary path."""
    private_dir(path.parent)
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
        fh.flush()
        os.fsync(fh.fileno())
    return tmp


def rotate_key(
    engine: Engine | None = None,
    *,
    new_key: str | None = None,
    old_key: str | None = None,
    actor: Actor | None = None,
) -> RotationResult:
    """Re-encrypt every channel's credentials under ``new_key`` (generated when None).

    Raises PublisherError when no current key exists or a channel does not decrypt with
    it, InvalidInput for a new key that is too short or equal to the current one.
    """
    settings = get_settings()
    old = old_key or load_secret()
    if not old:
        raise PublisherError("error.secret_key_missing")
    new = (new_key or "").strip() or generate_key()
    if len(new) < MIN_KEY_LENGTH:
        raise InvalidInput("ops.key_too_short", min=MIN_KEY_LENGTH)
    if new == old:
        raise InvalidInput("ops.key_same")
    actor = actor or Actor.system("cli:rotate-key")
    key_file = settings.secret_key_file
    tmp: Path | None = None
    try:
        with session_scope(engine) as session:
            channels = list(
                session.exec(
                    select(Channel)
                    .where(col(Channel.credentials_encrypted) != "")
                    .order_by(col(Channel.id))
                )
            )
            plain: list[tuple[Channel, dict[str, str]]] = []
            for channel in channels:
                try:
                    plain.append((channel, decrypt_credentials(channel.credentials_encrypted, old)))
                except PublisherError:
                    raise PublisherError("ops.key_old_unreadable", channel=channel.name) from None
            for channel, creds in plain:
                channel.credentials_encrypted = encrypt_credentials(creds, new)
                session.add(channel)
            audit.record(
                session, actor, "system.rotate_key", "channel", None, after={"channels": len(plain)}
            )
            session.flush()
            tmp = write_key_file(key_file, new)
        os.replace(tmp, key_file)
        tmp = None
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()  # the transaction rolled back: the old key is still the key
    load_secret.cache_clear()
    return RotationResult(len(plain), key_file, new, from_env=bool(settings.secret_key))
