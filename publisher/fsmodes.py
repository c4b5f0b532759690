"""Private files: the database, its WAL, backups, media and keys are the office's alone.

Every process sets :data:`PRIVATE_UMASK` first thing (the CLI entry point, which starts the
worker, the api and the ui, and the Streamlit page when it is started on its own), so that
whatever it creates is 0600 (files) and 0700 (folders). The helpers below set the same modes
explicitly where it matters most, so that a library caller with a lax umask is covered too.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from media.files import private_dirs

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700


def restrict_umask() -> int:
    """Set the process umask to 077 and return the previous one."""
    return os.umask(PRIVATE_UMASK)


def private_dir(path: str | Path) -> Path:
    """Create ``path`` and its missing parents as 0700 folders; existing ones are left as
    they are (they may be shared on purpose, e.g. /srv). Returns the path. The media library
    makes its folders the same way: one implementation, in the lower layer."""
    return private_dirs(path)


def private_file(path: str | Path) -> None:
    """Take group and other permissions away from an existing file we own (no error when
    it is missing or not ours)."""
    with contextlib.suppress(OSError):
        mode = os.stat(path).st_mode & 0o777
        if mode & 0o077:
            os.chmod(path, mode & ~0o077)


def create_private_file(path: str | Path) -> None:
    """Create an empty 0600 file at ``path`` unless something is already there."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
