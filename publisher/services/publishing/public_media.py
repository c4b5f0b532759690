"""Our own public URLs of media files, for a platform that fetches a picture by URL (a Zalo
OA article's cover and images, when Zalo's upload answers no URL of its own).

A URL is ``<PUBLISHER_PUBLIC_URL>/m/<name>.<signature>``: ``name`` is the file's path under
the media folder (base64url), ``signature`` an HMAC-SHA256 of it with a key derived from the
instance's secret key, so a URL cannot be guessed or altered to reach another file.
``publisher api`` serves it (:func:`resolve`), images only (jpg, png). The files are the
channel-fitted versions the render queue made (≤ 1 MB for Zalo), so what the platform fetches
is what was checked at compose time. URLs are made only when ``PUBLISHER_PUBLIC_URL`` is set
(the address readers and platforms reach); Zalo needs it to be HTTPS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path

from publisher.config import get_settings
from publisher.errors import NotFound
from publisher.security import load_secret
from publisher.services.publishing import links

PREFIX = "/m/"
#: What is served: pictures a platform fetches by URL.
SERVED = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def _key() -> bytes:
    secret = load_secret() or ""
    return hashlib.sha256(b"public-media:" + secret.encode("utf-8")).digest()


def _sign(name: str) -> str:
    return hmac.new(_key(), name.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def url_for(path: Path) -> str | None:
    """The public URL of a media file, or None: no public address configured, a file
    outside the media folder, or not a jpg/png."""
    if not links.tracking_enabled() or path.suffix.lower() not in SERVED:
        return None
    root = get_settings().media_dir.resolve()
    try:
        rel = path.resolve().relative_to(root).as_posix()
    except ValueError:
        return None
    name = base64.urlsafe_b64encode(rel.encode("utf-8")).decode("ascii").rstrip("=")
    return f"{links.public_url()}{PREFIX}{name}.{_sign(rel)}"


def resolve(token: str) -> tuple[Path, str]:
    """The file a URL's last part names and its content type. Raises NotFound
    (``error.media_not_found``) for a bad signature, a file that is gone or not served."""
    name, _, signature = token.rpartition(".")
    try:
        rel = base64.urlsafe_b64decode(name + "=" * (-len(name) % 4)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise NotFound("error.public_media_not_found") from None
    if not name or not hmac.compare_digest(_sign(rel), signature):
        raise NotFound("error.public_media_not_found")
    root = get_settings().media_dir.resolve()
    path = (root / rel).resolve()
    kind = SERVED.get(path.suffix.lower())
    if kind is None or not path.is_relative_to(root) or not path.is_file():
        raise NotFound("error.public_media_not_found")
    return path, kind
