"""Atomic file writes and hashing: nothing half-written ever appears under its final name."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from media import errors


@contextlib.contextmanager
def atomic_path(final: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``final``; on success it is renamed onto ``final``.

    The temporary file is in the same directory (so ``os.replace`` is atomic) and keeps the
    final suffix (so encoders pick the right format). On any exception it is removed and the
    exception propagates; ``final`` is left untouched.
    Raises :class:`MediaError` (``write_failed``) when the directory cannot be written.
    """
    final = Path(final)
    try:
        private_dirs(final.parent)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{final.stem}.", suffix=f".part{final.suffix}", dir=final.parent
        )
    except OSError as exc:
        raise errors.MediaError(errors.WRITE_FAILED, str(exc), file=str(final)) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_atomic(final: str | Path, writer: Callable[[Path], None]) -> Path:
    """Call ``writer(tmp_path)`` and move the result onto ``final`` atomically."""
    with atomic_path(final) as tmp:
        writer(tmp)
    return Path(final)


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def private_dirs(path: str | Path) -> Path:
    """Create ``path`` and its missing parents as 0700 folders (the media of an office are
    not for other accounts on the machine); existing folders are left as they are."""
    path = Path(path)
    missing = []
    current = path
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        with contextlib.suppress(OSError):
            folder.chmod(0o700)  # mkdir's mode is filtered by the umask
    return path
