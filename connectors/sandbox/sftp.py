"""An SFTP server for the grassroots channel's SFTP drop: paramiko's server side, in process.

:class:`SftpServer` listens on loopback and serves one folder (``root``) to its users, by
password or public key, with its own host key (Ed25519). Files are real files under
``root``: ``/in/x.mp3`` on the wire is ``root/in/x.mp3``; no path leaves ``root``. It
behaves as OpenSSH's ``sftp-server`` does where the drop relies on it: a plain ``rename``
never replaces an existing file (SSH_FX_FAILURE), ``posix-rename@openssh.com`` does.

What a test or the demo can make it do:

- ``posix_rename=False``: a server without ``posix-rename@openssh.com``;
- ``readonly``: virtual folders where every write is refused with SSH_FX_PERMISSION_DENIED
  (tests run as root, so file modes alone would not refuse anything);
- ``fault(op, action, times=1)``: on the next ``rename``, ``open`` or ``stat``, ``drop_before``
  (close the connection without doing it) or ``drop_after`` (do it, then close the
  connection before the answer);
- ``auth_attempts`` (who tried which method), ``connections`` and ``delivered`` (each file
  renamed into place: path, size, sha256) to assert on; ``on_delivered`` is called with
  each of those records (the sandbox writes them to its records).

Used by ``tests/connectors/test_grassroots_sftp.py`` and by the sandbox
(:func:`for_sandbox`: ``publisher sandbox --sftp-port``, ``run_in_thread(sftp_port=…)``),
where each bulletin renamed into place is recorded like the upload emulator's (platform
``grassroots``, method ``sftp``) and shows on the «Hộp cát» page.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import posixpath
import socket
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paramiko
from paramiko.sftp import SFTP_FAILURE, SFTP_OK, SFTP_OP_UNSUPPORTED, SFTP_PERMISSION_DENIED

from connectors.grassroots_sftp import fingerprint

#: The server side's own log (paramiko logs a client's hang-up as an error): kept off
#: standard error when nothing else is configured.
LOG_CHANNEL = "connectors.sandbox.sftp"
logging.getLogger(LOG_CHANNEL).addHandler(logging.NullHandler())


#: The sandbox's SFTP login (demo credentials, like the other emulators').
SANDBOX_USER = "loa-xa"
SANDBOX_PASSWORD = "sandbox-sftp"  # noqa: S105 (a published demo credential)
#: The folder bulletins go to on the sandbox's server.
SANDBOX_FOLDER = "/in"


def new_key() -> paramiko.Ed25519Key:
    """A fresh Ed25519 key pair (paramiko cannot generate Ed25519 keys itself)."""
    return paramiko.Ed25519Key.from_private_key(io.StringIO(new_key_text()))


def new_key_text() -> str:
    """A fresh Ed25519 private key as OpenSSH text (what ``ssh-keygen -t ed25519`` writes)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    private = ed25519.Ed25519PrivateKey.generate()
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    ).decode("ascii")


def load_or_make_key(path: Path) -> paramiko.Ed25519Key:
    """The host key kept at ``path`` (made there the first time): a stable fingerprint."""
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(new_key_text())
    return paramiko.Ed25519Key.from_private_key(io.StringIO(path.read_text()))


@dataclass
class SftpUser:
    """A login: a password and/or public keys (paramiko ``PKey`` objects)."""

    password: str | None = None
    keys: tuple[paramiko.PKey, ...] = ()


@dataclass
class _Fault:
    op: str
    action: str
    times: int | None


@dataclass
class SftpServer:
    """An in-process SFTP server on ``host``:``port`` (0: any free port). Use as a context
    manager or call :meth:`start` and :meth:`close`."""

    root: Path
    users: Mapping[str, SftpUser] = field(default_factory=dict)
    host_key: paramiko.PKey = field(default_factory=new_key)
    host: str = "127.0.0.1"
    port: int = 0
    readonly: set[str] = field(default_factory=set)
    #: Whether ``posix-rename@openssh.com`` is offered (not by every server).
    posix_rename: bool = True
    on_delivered: Callable[[dict[str, Any]], None] | None = None
    auth_attempts: list[tuple[str, str]] = field(default_factory=list)
    delivered: list[dict[str, Any]] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self._transports: list[paramiko.Transport] = []
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None

    # -- life ---------------------------------------------------------------------------------
    def start(self) -> SftpServer:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._thread = threading.Thread(target=self._serve, name="sandbox-sftp", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
            with contextlib.suppress(OSError):
                self._listener.close()
            self._listener = None
        with self._lock:
            transports, self._transports = self._transports, []
        for transport in transports:
            with contextlib.suppress(Exception):
                transport.close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SftpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def fingerprint(self) -> str:
        """The host key's ``SHA256:`` fingerprint (what a channel pins)."""
        return fingerprint(self.host_key)

    def url(self, user: str, folder: str = "/") -> str:
        return f"sftp://{user}@{self.host}:{self.port}{folder}"

    def fault(self, op: str, action: str, *, times: int | None = 1) -> None:
        """On the next ``times`` ``op`` (``rename``, ``open``, ``stat``) requests:
        ``drop_before`` or ``drop_after`` (see the module's text)."""
        if action not in ("drop_before", "drop_after"):
            raise ValueError(f"unknown SFTP fault {action!r}")
        with self._lock:
            self._faults.append(_Fault(op, action, times))

    def files(self, folder: str = "/") -> list[str]:
        """Names in a virtual folder, sorted (hidden temporary names included)."""
        real = self.real(folder)
        return sorted(p.name for p in real.iterdir()) if real.is_dir() else []

    # -- internals ----------------------------------------------------------------------------
    def real(self, path: str) -> Path:
        """The file behind a virtual path (relative paths start at ``/``); never outside."""
        virtual = posixpath.normpath(posixpath.join("/", path))
        return self.root / virtual.lstrip("/")

    def take_fault(self, op: str) -> str | None:
        with self._lock:
            for fault in self._faults:
                if fault.op != op:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault.action
        return None

    def writable(self, path: str) -> bool:
        virtual = posixpath.normpath(posixpath.join("/", path))
        return not any(
            virtual == ro or virtual.startswith(ro.rstrip("/") + "/") for ro in self.readonly
        )

    def record(self, path: str) -> None:
        real = self.real(path)
        data = real.read_bytes()
        row = {
            "path": posixpath.normpath(posixpath.join("/", path)),
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        with self._lock:
            self.delivered.append(row)
        if self.on_delivered is not None:
            with contextlib.suppress(Exception):
                self.on_delivered(row)

    def _serve(self) -> None:
        listener = self._listener
        while listener is not None:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                self.connections += 1
            try:
                transport = paramiko.Transport(conn)
                transport.set_log_channel(LOG_CHANNEL)
                transport.add_server_key(self.host_key)
                transport.set_subsystem_handler("sftp", paramiko.SFTPServer, _Rooted)
                handler = _Auth(self, transport)
                transport.start_server(server=handler)
            except Exception:  # a client that is not SSH: drop it, keep serving
                with contextlib.suppress(OSError):
                    conn.close()
                continue
            with self._lock:
                self._transports.append(transport)


class _Auth(paramiko.ServerInterface):
    def __init__(self, owner: SftpServer, transport: paramiko.Transport) -> None:
        self.owner = owner
        self.transport = transport

    def get_allowed_auths(self, username: str) -> str:
        return "publickey,password"

    def check_auth_password(self, username: str, password: str) -> int:
        self.owner.auth_attempts.append((username, "password"))
        user = self.owner.users.get(username)
        if user is not None and user.password is not None and password == user.password:
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        self.owner.auth_attempts.append((username, "publickey"))
        user = self.owner.users.get(username)
        if user is not None and any(k.asbytes() == key.asbytes() for k in user.keys):
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind == "session":
            return paramiko.OPEN_SUCCEEDED
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


class _Handle(paramiko.SFTPHandle):
    def stat(self) -> Any:
        try:
            return paramiko.SFTPAttributes.from_stat(os.fstat(self.readfile.fileno()))
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)

    def chattr(self, attr: paramiko.SFTPAttributes) -> int:
        return SFTP_OK


class _Rooted(paramiko.SFTPServerInterface):
    """The file operations, under the server's ``root``."""

    def __init__(self, server: _Auth, *args: Any, **kwargs: Any) -> None:
        super().__init__(server, *args, **kwargs)
        self.owner = server.owner
        self.transport = server.transport

    def _fault(self, op: str) -> str | None:
        action = self.owner.take_fault(op)
        if action == "drop_before":
            self._drop()
        return action

    def _drop(self) -> None:
        threading.Thread(target=self.transport.close, daemon=True).start()
        # Let the close land before any answer could be written.
        self.transport.sock.close()

    def canonicalize(self, path: str) -> str:
        return posixpath.normpath(posixpath.join("/", path))

    def stat(self, path: str) -> Any:
        if self._fault("stat") == "drop_before":
            return SFTP_FAILURE
        try:
            return paramiko.SFTPAttributes.from_stat(os.stat(self.owner.real(path)))
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)

    lstat = stat

    def list_folder(self, path: str) -> Any:
        real = self.owner.real(path)
        try:
            out = []
            for name in os.listdir(real):
                attr = paramiko.SFTPAttributes.from_stat(os.stat(real / name))
                attr.filename = name
                out.append(attr)
            return out
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)

    def open(self, path: str, flags: int, attr: paramiko.SFTPAttributes) -> Any:
        if self._fault("open") == "drop_before":
            return SFTP_FAILURE
        writing = bool(flags & (os.O_WRONLY | os.O_RDWR))
        if writing and not self.owner.writable(path):
            return SFTP_PERMISSION_DENIED
        real = self.owner.real(path)
        try:
            fd = os.open(real, flags | getattr(os, "O_BINARY", 0), 0o644)
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)
        if flags & os.O_WRONLY:
            mode = "ab" if flags & os.O_APPEND else "wb"
        elif flags & os.O_RDWR:
            mode = "a+b" if flags & os.O_APPEND else "r+b"
        else:
            mode = "rb"
        try:
            handle_file = os.fdopen(fd, mode)
        except OSError as exc:
            os.close(fd)
            return paramiko.SFTPServer.convert_errno(exc.errno)
        handle = _Handle(flags)
        handle.filename = str(real)
        handle.readfile = handle_file
        handle.writefile = handle_file
        return handle

    def remove(self, path: str) -> int:
        if not self.owner.writable(path):
            return SFTP_PERMISSION_DENIED
        try:
            os.remove(self.owner.real(path))
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)
        return SFTP_OK

    def rename(self, oldpath: str, newpath: str) -> int:
        action = self._fault("rename")
        if action == "drop_before":
            return SFTP_FAILURE
        if not self.owner.writable(newpath):
            return SFTP_PERMISSION_DENIED
        old, new = self.owner.real(oldpath), self.owner.real(newpath)
        try:
            os.link(old, new)  # as OpenSSH: fails when ``new`` exists
            os.unlink(old)
        except OSError as exc:
            if isinstance(exc, FileExistsError):
                return SFTP_FAILURE
            return paramiko.SFTPServer.convert_errno(exc.errno)
        self.owner.record(newpath)
        if action == "drop_after":
            self._drop()
        return SFTP_OK

    def posix_rename(self, oldpath: str, newpath: str) -> int:
        if not self.owner.posix_rename:
            return SFTP_OP_UNSUPPORTED
        if not self.owner.writable(newpath):
            return SFTP_PERMISSION_DENIED
        try:
            os.replace(self.owner.real(oldpath), self.owner.real(newpath))
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)
        return SFTP_OK

    def chattr(self, path: str, attr: paramiko.SFTPAttributes) -> int:
        if not self.owner.writable(path):
            return SFTP_PERMISSION_DENIED
        try:
            if attr.st_mode is not None:
                os.chmod(self.owner.real(path), attr.st_mode & 0o7777)
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)
        return SFTP_OK

    def mkdir(self, path: str, attr: paramiko.SFTPAttributes) -> int:
        if not self.owner.writable(path):
            return SFTP_PERMISSION_DENIED
        try:
            os.mkdir(self.owner.real(path))
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)
        return SFTP_OK


def users_from(pairs: Iterable[tuple[str, str]]) -> dict[str, SftpUser]:
    """``{user: SftpUser(password)}`` from ``(user, password)`` pairs."""
    return {name: SftpUser(password=password) for name, password in pairs}


def for_sandbox(
    record: Callable[[dict[str, Any]], Any], data_dir: Path | None, host: str, port: int
) -> SftpServer:
    """The sandbox's SFTP drop, started: user :data:`SANDBOX_USER` with
    :data:`SANDBOX_PASSWORD`, folder :data:`SANDBOX_FOLDER`; the files and the host key live
    under ``data_dir`` (the key, and so its fingerprint, stays the same across runs), else in
    a temporary folder. ``record`` receives one record per bulletin put in place."""
    import tempfile
    import time

    base = Path(data_dir) if data_dir is not None else Path(tempfile.mkdtemp(prefix="sb-sftp-"))
    root = base / "sftp-drop"
    (root / SANDBOX_FOLDER.strip("/")).mkdir(parents=True, exist_ok=True)
    server = SftpServer(
        root,
        users={SANDBOX_USER: SftpUser(password=SANDBOX_PASSWORD)},
        host_key=load_or_make_key(base / "sftp_host_key"),
        host=host,
        port=port,
    )

    def delivered(row: dict[str, Any]) -> None:
        script = server.real(posixpath.splitext(row["path"])[0] + ".txt")
        text = script.read_text(encoding="utf-8") if script.is_file() else None
        name = posixpath.basename(row["path"])
        record(
            {
                "received_at": time.time(),
                "platform": "grassroots",
                "method": "sftp",
                "account": SANDBOX_USER,
                "path": row["path"],
                "filename": name,
                "size": row["size"],
                "sha256": row["sha256"],
                "text": text,
                "status": 200,
                "accepted": True,
                "published": True,
                "external_id": name,
                "fault": None,
            }
        )

    server.on_delivered = delivered
    return server.start()
