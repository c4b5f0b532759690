"""An SFTP drop's address and host key, judged without any SSH library.

``sftp://user@host[:port]/path`` (the draft ``sftp`` URI form): ``/in`` is the absolute
folder ``/in``, ``/~/in`` the folder ``in`` under the login folder, no path the login folder
itself. A password never goes in the address (it belongs in the vault). The host key is
pinned by its SHA-256 fingerprint as OpenSSH prints it (``ssh-keygen -lf``,
``ssh-keyscan host | ssh-keygen -lf -``): ``SHA256:`` and 43 base64 characters.

Standard library only at import (:func:`load_key` imports cryptography when called):
:mod:`connectors.grassroots` validates channels with it without loading paramiko.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

DEFAULT_PORT = 22
#: OpenSSH's SHA-256 fingerprint (padding optional).
FINGERPRINT_PATTERN = r"SHA256:[A-Za-z0-9+/]{43}=?"


@dataclass(frozen=True)
class Target:
    """Where an ``sftp://user@host[:port]/path`` setting points."""

    user: str
    host: str
    port: int
    #: The folder: absolute (``/in``), relative to the login folder (``in`` from ``/~/in``),
    #: or ``.`` (the login folder itself).
    folder: str


class TargetError(ValueError):
    """An ``sftp_url`` that cannot be used; ``reason`` is ``url``, ``secret`` or ``path``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def parse_target(url: str) -> Target:
    """``sftp://user@host[:port]/path`` as a :class:`Target`. Raises :class:`TargetError`:
    not sftp, no user, no host, a bad port (``url``), a password in the address
    (``secret``: it belongs in the vault), a query or fragment (``url``)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise TargetError("url", "the port is not a number from 1 to 65535") from None
    if parts.scheme.lower() != "sftp":
        raise TargetError("url", "the address must start with sftp://")
    if parts.password is not None:
        raise TargetError("secret", "a password in the address")
    if not parts.username or not parts.hostname:
        raise TargetError("url", "the address needs a user and a host: sftp://user@host/folder")
    if parts.query or parts.fragment:
        raise TargetError("url", "the address takes no ?query or #fragment")
    if port == 0:
        raise TargetError("url", "the port is not a number from 1 to 65535")
    path = unquote(parts.path)
    if "\x00" in path or any(p == ".." for p in path.split("/")):
        raise TargetError("path", "the folder may not contain '..'")
    if path in ("", "/~", "/~/"):
        folder = "."
    elif path.startswith("/~/"):
        folder = path[3:].rstrip("/") or "."
    else:
        folder = path.rstrip("/") or "/"
    return Target(unquote(parts.username), parts.hostname, port or DEFAULT_PORT, folder)


def same_fingerprint(pinned: str, shown: str) -> bool:
    """Whether two ``SHA256:`` fingerprints are equal (padding aside), in constant time."""
    a = pinned.strip().rstrip("=").encode()
    b = shown.strip().rstrip("=").encode()
    return hmac.compare_digest(a, b)


_PEM = re.compile(
    r"(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)(.*?)(-----END [A-Z0-9 ]*PRIVATE KEY-----)", re.S
)


def normalise_key(text: str) -> str:
    """A private key's text with its lines restored: a one-line password field drops the
    newlines of a pasted key (``-----BEGIN …-----b3Bl…-----END …-----``). Headers of a
    legacy encrypted PEM (``Proc-Type:``) are kept so that the key is refused as encrypted.
    Other text is returned stripped."""
    match = _PEM.search(text.strip())
    if match is None:
        return text.strip()
    begin, body, end = match.groups()
    if "\n" in body.strip("\r\n") or ":" in body:
        return text.strip() + "\n"  # already in lines (or with PEM headers): as it was
    data = "".join(body.split())
    lines = [data[i : i + 70] for i in range(0, len(data), 70)]
    return "\n".join([begin, *lines, end]) + "\n"


def load_key(text: str) -> tuple[str, object]:
    """A private key's type (``ed25519``, ``ecdsa``, ``rsa``) and cryptography's object, from
    its OpenSSH or PEM text. Raises ValueError (not a key, protected by a passphrase, an
    unsupported type) with a message that holds no key material. Imports cryptography."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    data = normalise_key(text).encode("utf-8")
    loaded: object
    try:
        loaded = serialization.load_ssh_private_key(data, password=None)
    except (ValueError, TypeError) as first:
        try:
            loaded = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as exc:
            words = f"{first} {exc}".lower()
            if "encrypted" in words or "password" in words:
                raise ValueError("the private key is protected by a passphrase") from None
            raise ValueError("not an OpenSSH or PEM private key") from None
        except Exception:  # UnsupportedAlgorithm and the like
            raise ValueError("unsupported private key") from None
    except Exception:
        raise ValueError("unsupported private key") from None
    if isinstance(loaded, ed25519.Ed25519PrivateKey):
        return "ed25519", loaded
    if isinstance(loaded, ec.EllipticCurvePrivateKey):
        return "ecdsa", loaded
    if isinstance(loaded, rsa.RSAPrivateKey):
        return "rsa", loaded
    raise ValueError("unsupported private key type (use Ed25519, ECDSA or RSA)")
