"""Content-addressed media library: files stored by SHA-256 with their metadata.

Layout under ``root``: ``objects/ab/cd/<sha256>.<ext>`` and ``objects/ab/cd/<sha256>.json``
(metadata, including the recipe of generated assets). Every file is first written to
``root/tmp`` and moved into place with ``os.replace``, so a crash or a refused file never
leaves anything half-written under ``objects/``. The database layer (``MediaAsset``) stores
the returned metadata; this module knows nothing of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import mimetypes
import os
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import imagehash
from PIL import Image

from media import errors
from media.files import private_dirs
from media.images import open_image
from media.probe import ffmpeg_exe, probe

K = TypeVar("K")
DEFAULT_NEAR_DISTANCE = 8  # of 64 bits: resized / recompressed copies land well below this
_IMAGE_EXT = {
    "JPEG": "jpg",
    "PNG": "png",
    "WEBP": "webp",
    "GIF": "gif",
    "BMP": "bmp",
    "TIFF": "tif",
    "MPO": "jpg",
}


@dataclass(frozen=True)
class StoredAsset:
    """A file in the library. ``created`` is False when identical content was already there."""

    sha256: str
    path: Path
    meta: dict[str, Any]
    created: bool


def image_phash(image: Image.Image) -> str:
    """64-bit perceptual hash as 16 hex digits."""
    return str(imagehash.phash(image.convert("RGB")))


def hash_distance(a: str, b: str) -> int:
    """Hamming distance between two hex perceptual hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def near_duplicates(
    phash: str, known: Iterable[tuple[K, str]], max_distance: int = DEFAULT_NEAR_DISTANCE
) -> list[tuple[K, int]]:
    """``(id, distance)`` of the ``known`` hashes within ``max_distance``, nearest first."""
    if not phash:
        return []
    found = []
    for key, other in known:
        if not other:
            continue
        try:
            distance = hash_distance(phash, other)
        except ValueError:
            continue
        if distance <= max_distance:
            found.append((key, distance))
    return sorted(found, key=lambda item: item[1])


def _video_frame_phash(path: Path, at: float) -> str:
    try:
        done = subprocess.run(
            [
                ffmpeg_exe(),
                "-hide_banner",
                "-nostdin",
                "-loglevel",
                "error",
                "-ss",
                f"{at:.3f}",
                "-i",
                str(path),
                "-frames:v",
                "1",
                "-f",
                "image2pipe",
                "-c:v",
                "png",
                "-",
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0 or not done.stdout:
            return ""
        return image_phash(Image.open(io.BytesIO(done.stdout)))
    except (subprocess.TimeoutExpired, OSError):
        return ""


def describe(path: str | Path, name: str | None = None) -> dict[str, Any]:
    """Metadata of an image, video or audio file: kind, mime, format, width, height,
    duration, bytes, phash (images and videos), has_audio.

    Raises :class:`MediaError`: image errors (corrupt, bomb, empty), ``unsupported_format``.
    """
    path = Path(path)
    name = name or path.name
    size = path.stat().st_size
    if size == 0:
        raise errors.MediaError(errors.EMPTY_FILE, "empty", file=name)
    try:
        with Image.open(path) as head:
            is_image = bool(head.format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        is_image = True  # an image, too large: open_image below says so precisely
    except Exception:
        is_image = False
    # ``name`` carries the extension: the library describes an anonymous temporary copy.
    if is_image or Path(name).suffix.lower() in (".jpg", ".jpeg", ".png", ".webp", ".gif"):
        try:
            image = open_image(path)  # raises the precise image error
        except errors.MediaError as exc:  # ...named after the user's file, not our copy
            raise errors.MediaError(exc.key, str(exc), **{**exc.params, "file": name}) from exc
        with Image.open(path) as head:
            fmt = head.format or "PNG"
        return {
            "kind": "image",
            "format": fmt,
            "ext": _IMAGE_EXT.get(fmt, "img"),
            "mime": Image.MIME.get(fmt, "application/octet-stream"),
            "width": image.width,
            "height": image.height,
            "duration": None,
            "bytes": size,
            "phash": image_phash(image),
            "has_audio": False,
            "has_alpha": image.mode == "RGBA",
        }
    try:
        info = probe(path)
    except errors.MediaError as exc:
        raise errors.MediaError(
            errors.UNSUPPORTED_FORMAT, f"unsupported {name}", file=name, format="?"
        ) from exc
    if not info.has_video and not info.has_audio:
        raise errors.MediaError(errors.UNSUPPORTED_FORMAT, "no streams", file=name, format="?")
    if info.has_video and info.duration > 0:
        ext = path.suffix.lower().lstrip(".") or "mp4"
        if "mp4" in info.container and ext not in ("mp4", "mov", "m4v"):
            ext = "mp4"
        return {
            "kind": "video",
            "format": info.container,
            "ext": ext,
            "mime": mimetypes.guess_type(f"x.{ext}")[0] or "video/mp4",
            "width": info.width,
            "height": info.height,
            "duration": info.duration,
            "bytes": size,
            "phash": _video_frame_phash(path, info.duration / 3),
            "has_audio": info.has_audio,
            "video_codec": info.video_codec,
            "pix_fmt": info.pix_fmt,
            "fps": info.fps,
        }
    if info.has_audio and info.duration > 0:
        ext = path.suffix.lower().lstrip(".") or "audio"
        return {
            "kind": "audio",
            "format": info.container,
            "ext": ext,
            "mime": mimetypes.guess_type(f"x.{ext}")[0] or "audio/mpeg",
            "width": None,
            "height": None,
            "duration": info.duration,
            "bytes": size,
            "phash": "",
            "has_audio": True,
            "audio_codec": info.audio_codec,
        }
    raise errors.MediaError(errors.UNSUPPORTED_FORMAT, "unreadable", file=name, format="?")


class MediaLibrary:
    """Content-addressed store rooted at ``root`` (e.g. ``<data dir>/media``)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.tmp = self.root / "tmp"

    def _dir(self, sha: str) -> Path:
        return self.objects / sha[:2] / sha[2:4]

    def store(
        self,
        source: str | Path | bytes,
        *,
        filename: str | None = None,
        recipe: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> StoredAsset:
        """Copy ``source`` in (if new), validate and describe it; returns where it lives.

        ``recipe`` (how a generated asset was made) and ``extra`` (organisation, tags...) are
        kept in the metadata. Identical content is stored once (``created=False``).
        Raises :class:`MediaError` for unreadable, corrupt, unsupported or empty files; then
        nothing is left in the library.
        """
        name = filename or ("upload" if isinstance(source, bytes) else Path(source).name)
        private_dirs(self.tmp)
        fd, tmp_name = tempfile.mkstemp(prefix="in-", dir=self.tmp)
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out:
                if isinstance(source, bytes):
                    digest.update(source)
                    out.write(source)
                else:
                    src = Path(source)
                    if not src.is_file():
                        raise errors.MediaError(errors.FILE_NOT_FOUND, "missing", file=name)
                    with open(src, "rb") as handle:
                        for chunk in iter(lambda: handle.read(1 << 20), b""):
                            digest.update(chunk)
                            out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            existing = self.path_for(sha)
            if existing is not None:
                return StoredAsset(sha, existing, self.meta(sha) or {}, False)
            meta = describe(tmp, name)
            meta.update({"sha256": sha, "original_name": name})
            if recipe:
                meta["recipe"] = dict(recipe)
            if extra:
                meta.update(dict(extra))
            folder = self._dir(sha)
            private_dirs(folder)
            final = folder / f"{sha}.{meta['ext']}"
            meta_tmp = self.tmp / f"{sha}.json.part"
            meta_fd = os.open(meta_tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(meta_fd, "w", encoding="utf-8") as meta_out:
                meta_out.write(json.dumps(meta, ensure_ascii=False, indent=1))
            # Blob first, then metadata: a blob without metadata is re-described on lookup;
            # metadata without its blob never exists.
            os.replace(tmp, final)
            os.replace(meta_tmp, folder / f"{sha}.json")
            return StoredAsset(sha, final, meta, True)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def path_for(self, sha: str) -> Path | None:
        """The stored file for ``sha``, or None."""
        folder = self._dir(sha)
        if not folder.is_dir():
            return None
        for candidate in folder.glob(f"{sha}.*"):
            if candidate.suffix not in (".json", ".part"):
                return candidate
        return None

    def meta(self, sha: str) -> dict[str, Any] | None:
        """Stored metadata for ``sha`` (re-described if the sidecar is missing), or None."""
        path = self.path_for(sha)
        if path is None:
            return None
        sidecar = path.with_suffix(".json")
        try:
            data: dict[str, Any] = json.loads(sidecar.read_text(encoding="utf-8"))
            return data
        except (OSError, ValueError):
            meta = describe(path)
            meta["sha256"] = sha
            return meta

    def __contains__(self, sha: object) -> bool:
        return isinstance(sha, str) and self.path_for(sha) is not None

    def all(self) -> list[dict[str, Any]]:
        """Metadata of every stored asset (for a rebuild of the database index)."""
        found = []
        if self.objects.is_dir():
            for sidecar in sorted(self.objects.glob("*/*/*.json")):
                with contextlib.suppress(OSError, ValueError):
                    found.append(json.loads(sidecar.read_text(encoding="utf-8")))
        return found

    def near_duplicates(
        self,
        phash: str,
        known: Iterable[tuple[K, str]] | None = None,
        max_distance: int = DEFAULT_NEAR_DISTANCE,
    ) -> list[tuple[Any, int]]:
        """Near-duplicates of ``phash`` among ``known`` ``(id, phash)`` pairs (the database's
        list), or among everything in this library (ids are sha256) when ``known`` is None."""
        if known is None:
            pairs: list[tuple[Any, str]] = [
                (m.get("sha256"), m.get("phash", "")) for m in self.all()
            ]
            return near_duplicates(phash, pairs, max_distance)
        return near_duplicates(phash, known, max_distance)
