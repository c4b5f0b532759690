"""Passwords (argon2) and credentials at rest (Fernet, keyed by PUBLISHER_SECRET_KEY)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.fernet import Fernet, InvalidToken

from publisher.config import get_settings
from publisher.errors import PublisherError
from publisher.fsmodes import private_dir
from publisher.logging import register_secret, register_secrets

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_dummy: tuple[PasswordHasher, str] | None = None


def verify_dummy(password: str) -> bool:
    """Spend the time of a real check where there is no hash to check (an unknown username),
    so that the answer's timing does not tell whether a user exists; always False. The dummy
    hash is made once with the current hasher's parameters."""
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash(secrets.token_urlsafe(16)))
    verify_password(_dummy[1], password)
    return False


def generate_password(length: int = 14) -> str:
    """A readable one-time password (no look-alike characters)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _fernet_key(secret: str) -> bytes:
    # Any secret string works: derive the 32-byte Fernet key from it.
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode("utf-8")).digest())


def ensure_secret_key() -> str:
    """Return the configured secret, generating ``<data_dir>/secret.key`` on first use."""
    settings = get_settings()
    if settings.secret_key:
        return settings.secret_key
    path: Path = settings.secret_key_file
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    private_dir(path.parent)
    key = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    load_secret.cache_clear()
    return key


@cache
def load_secret() -> str | None:
    value = get_settings().read_secret_key()
    register_secret(value)  # never logged, whether it came from the variable or the file
    return value


def _fernet(secret: str | None = None) -> Fernet:
    secret = secret or load_secret()
    if not secret:
        raise PublisherError("error.secret_key_missing")
    return Fernet(_fernet_key(secret))


def encrypt_credentials(credentials: dict[str, str], secret: str | None = None) -> str:
    """Encrypt a credentials mapping; "" for an empty mapping."""
    if not credentials:
        return ""
    register_secrets(credentials)  # from now on never logged, whatever logs it
    return _fernet(secret).encrypt(json.dumps(credentials).encode("utf-8")).decode("ascii")


def decrypt_credentials(token: str, secret: str | None = None) -> dict[str, str]:
    """Decrypt stored credentials; raises PublisherError if the key does not match."""
    if not token:
        return {}
    try:
        data = _fernet(secret).decrypt(token.encode("ascii"))
    except InvalidToken:
        raise PublisherError("error.secret_key_mismatch") from None
    value: dict[str, str] = json.loads(data)
    register_secrets(value)  # from now on never logged, whatever logs it
    return value


def mask(value: str) -> str:
    """Show a secret as its last 4 characters only."""
    return "•" * 6 + value[-4:] if len(value) > 8 else "•" * 6
