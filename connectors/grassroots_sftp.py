"""The grassroots channel's SFTP drop: one bulletin to a folder on the playout computer's
SSH server, exactly once, with paramiko as the client.

Loaded only when an SFTP channel publishes or is checked (:mod:`connectors.grassroots`
stays cheap to import). One connection per call, closed afterwards: bulletins are a few a
day, and nothing is kept between calls, so no credential is either.

The steps, each bounded by the channel's timeout:

1. **Connect** only to addresses the outbound guard accepts (:func:`netguard.connect_addresses`:
   a private address needs ``PUBLISHER_OUTBOUND_ALLOWLIST=host:port`` or
   ``PUBLISHER_ALLOW_PRIVATE_TARGETS=1``), resolved once, so a DNS answer that changes
   after the check is judged too.
2. **Host key**: the key the server shows must have the pinned SHA-256 fingerprint (as
   ``ssh-keygen -lf`` prints it). Any other key, a first-seen key included, is refused
   before anything of ours (user name, password, key signature) is sent. There is no
   ``known_hosts`` and no "accept on first use".
3. **Authenticate** with the private key, else the password (falling back to
   keyboard-interactive when the server allows only that).
4. **Deliver**: ``stat`` the final name first; a file of the same size there is an earlier
   attempt that finished (a retry after a crash or a lost answer): reported delivered,
   nothing sent again. Otherwise the script goes to ``<name>.txt`` and the MP3 to a
   temporary dot-name in the same folder, then is renamed to its final name: SFTP's plain
   ``rename`` never replaces a file, so the reader sees the whole file or nothing, and two
   racing attempts leave one.

Every failure leaves as a :class:`connectors.errors.ConnectorError` chosen by the step it
happened in (:func:`connectors.grassroots_errors.classify_sftp`), with a one-line message in
Vietnamese that names no credential.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import io
import posixpath
import secrets
import socket
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import paramiko

from connectors import netguard
from connectors.errors import ConfigError, ConnectorError
from connectors.grassroots_errors import SftpStep
from connectors.sftp_target import (
    Target,
    TargetError,
    load_key,
    normalise_key,
    parse_target,
    same_fingerprint,
)

if TYPE_CHECKING:
    from paramiko.sftp_client import SFTPClient

#: What the MP3 and the script are given on the server (the playout account must read them).
FILE_MODE = 0o644


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH's SHA-256 fingerprint of a public key (``SHA256:`` + unpadded base64)."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def load_private_key(text: str) -> paramiko.PKey:
    """An Ed25519, ECDSA or RSA private key from its OpenSSH or PEM text. Raises ValueError
    (:func:`connectors.sftp_target.load_key`): the message names no key material."""
    kind, _ = load_key(text)
    key_class = {"ed25519": paramiko.Ed25519Key, "ecdsa": paramiko.ECDSAKey}.get(
        kind, paramiko.RSAKey
    )
    try:
        return key_class.from_private_key(io.StringIO(normalise_key(text)))
    except (paramiko.SSHException, ValueError) as exc:
        raise ValueError(f"unreadable private key ({type(exc).__name__})") from None


@dataclass(frozen=True)
class Delivered:
    """What :func:`deliver` did: ``path`` on the server, ``size`` in bytes, ``duplicate``
    when an earlier attempt had already put it there."""

    path: str
    size: int
    duplicate: bool
    fingerprint: str


class Session:
    """One authenticated SFTP session (a context manager). Raises :class:`SftpStep`."""

    def __init__(
        self,
        target: Target,
        host_key: str,
        *,
        password: str = "",
        private_key: str = "",
        timeout: float,
    ) -> None:
        self.target = target
        self.host_key = host_key
        self.password = password
        self.private_key = private_key
        self.timeout = timeout
        self.transport: paramiko.Transport | None = None
        self.sftp: SFTPClient | None = None
        self.shown = ""
        #: Set once the MP3's rename has been sent: a failure after it is ambiguous.
        self.rename_sent = False

    def __enter__(self) -> Session:
        try:
            self._open()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.sftp is not None:
            with contextlib.suppress(Exception):
                self.sftp.close()
        if self.transport is not None:
            with contextlib.suppress(Exception):
                self.transport.close()

    def _open(self) -> None:
        sock = self._connect()
        transport = paramiko.Transport(sock)
        self.transport = transport
        transport.banner_timeout = self.timeout
        transport.handshake_timeout = self.timeout
        transport.auth_timeout = self.timeout
        try:
            transport.start_client(timeout=self.timeout)
            key = transport.get_remote_server_key()  # "no existing session" when it died
        except paramiko.IncompatiblePeer as exc:
            raise SftpStep("incompatible", exc) from None
        except (paramiko.SSHException, EOFError, OSError) as exc:
            raise SftpStep("handshake", exc) from None
        self.shown = fingerprint(key)
        if not same_fingerprint(self.host_key, self.shown):
            # Nothing of ours has been sent: no user name, no password, no signature.
            raise SftpStep("host_key", detail=f"{key.get_name()} {self.shown}")
        self._authenticate(transport)
        try:
            sftp = paramiko.SFTPClient.from_transport(transport)
        except (paramiko.SSHException, EOFError, OSError) as exc:
            raise SftpStep("subsystem", exc) from None
        if sftp is None:
            raise SftpStep("subsystem", detail="no SFTP channel")
        sftp.get_channel().settimeout(self.timeout)
        self.sftp = sftp

    def _connect(self) -> socket.socket:
        """A TCP connection to a judged address of the host (tried in order)."""
        try:
            addresses = netguard.connect_addresses(self.target.host, self.target.port)
        except ConnectorError as exc:
            raise SftpStep("resolve", exc) from None
        failure: OSError | None = None
        for address in addresses:
            try:
                return socket.create_connection((address, self.target.port), timeout=self.timeout)
            except OSError as exc:
                failure = exc
        assert failure is not None  # connect_addresses never returns an empty list
        raise SftpStep("connect", failure) from None

    def _authenticate(self, transport: paramiko.Transport) -> None:
        user = self.target.user
        try:
            if self.private_key:
                try:
                    pkey = load_private_key(self.private_key)
                except ValueError as exc:
                    raise SftpStep("key", detail=str(exc)) from None
                try:
                    transport.auth_publickey(user, pkey)
                except paramiko.AuthenticationException:
                    if not self.password:
                        raise
                    transport.auth_password(user, self.password)
            else:
                transport.auth_password(user, self.password)
        except paramiko.AuthenticationException as exc:
            raise SftpStep("auth", exc) from None
        except (paramiko.SSHException, EOFError, OSError) as exc:
            raise SftpStep("auth_dropped", exc) from None
        if not transport.is_authenticated():
            raise SftpStep("auth", detail="not authenticated")

    # -- the operations, each mapped to its step ----------------------------------------------
    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        try:
            yield
        except SftpStep:
            raise
        except (OSError, EOFError, paramiko.SSHException) as exc:
            error = SftpStep(name, exc)
            error.answered = self._answered(exc)
            error.after_rename = self.rename_sent
            raise error from None

    def _answered(self, cause: BaseException) -> bool:
        """Whether ``cause`` is the server's status answer, the connection still up."""
        if not isinstance(cause, OSError) or isinstance(cause, TimeoutError | ConnectionError):
            return False
        return self.transport is not None and self.transport.is_active()

    def client(self) -> SFTPClient:
        assert self.sftp is not None
        return self.sftp

    def folder_is_usable(self) -> None:
        """The folder exists and is a folder. Raises :class:`SftpStep` (``folder``)."""
        with self.step("folder"):
            attrs = self.client().stat(self.target.folder)
        if attrs.st_mode is not None and not stat.S_ISDIR(attrs.st_mode):
            error = SftpStep("folder", OSError(errno.ENOTDIR, "not a folder"))
            error.answered = True
            raise error


def remote_path(folder: str, name: str) -> str:
    return posixpath.join(folder, name) if folder != "." else name


def deliver(session: Session, filename: str, data: bytes, script: bytes | None) -> Delivered:
    """Put ``data`` at ``<folder>/<filename>`` once (and ``script`` beside it as ``.txt``).
    Raises :class:`SftpStep`; one raised once the MP3's rename was sent has
    ``after_rename`` set (the file may be in place)."""
    folder = session.target.folder
    final = remote_path(folder, filename)
    existing = _size(session, final)
    if existing is not None:
        return _already(session, final, existing, len(data))
    session.folder_is_usable()
    if script is not None:
        _put(session, posixpath.splitext(final)[0] + ".txt", script, replace=True)
    if not _put(session, final, data, replace=False):
        return Delivered(final, len(data), True, session.shown)
    return Delivered(final, len(data), False, session.shown)


def _already(session: Session, final: str, size: int, expected: int) -> Delivered:
    """A file at the final name: an earlier attempt's when it has the expected size."""
    if size != expected:
        raise SftpStep("exists", detail=f"{size} bytes, expected {expected}")
    return Delivered(final, size, True, session.shown)


def _size(session: Session, path: str) -> int | None:
    """The size of ``path`` on the server, or None when it is not there."""
    try:
        with session.step("stat"):
            return int(session.client().stat(path).st_size or 0)
    except SftpStep as exc:
        if isinstance(exc.cause, OSError) and exc.cause.errno == errno.ENOENT:
            return None
        raise


def _put(session: Session, final: str, data: bytes, *, replace: bool) -> bool:
    """Write ``data`` to a temporary dot-name beside ``final``, then rename it into place;
    True when this call put it there. ``replace``: over an existing file (the script);
    otherwise a file already at ``final`` refuses the rename, and one of the same size is
    an earlier attempt's (False)."""
    sftp = session.client()
    folder, name = posixpath.split(final)
    temp = posixpath.join(folder, f".{name}.{secrets.token_hex(4)}.part")
    renamed = False
    try:
        with session.step("write"):
            with sftp.open(temp, "wb") as out:
                out.set_pipelined(True)
                out.write(data)
        try:
            with session.step("write"):
                sftp.chmod(temp, FILE_MODE)
        except SftpStep as exc:
            if not exc.answered:
                raise  # a server that does not do modes (Windows) is fine; a lost link is not
        if replace:
            _replace(session, temp, final)
            renamed = True
            return True
        session.rename_sent = True
        try:
            with session.step("rename"):
                sftp.rename(temp, final)
            renamed = True
            return True
        except SftpStep as exc:
            if not exc.answered:
                raise  # the connection failed mid-rename: the file may be in place
            # The server refused the rename: another attempt may have put the file first.
            there = _size(session, final)
            if there is None:
                raise
            _already(session, final, there, len(data))
            return False
    finally:
        if not renamed:
            with contextlib.suppress(Exception):
                sftp.remove(temp)


def _replace(session: Session, temp: str, final: str) -> None:
    """Rename ``temp`` over ``final``: ``posix-rename@openssh.com``, else (a server without
    the extension) remove ``final`` and rename."""
    sftp = session.client()
    try:
        with session.step("write"):
            sftp.posix_rename(temp, final)
        return
    except SftpStep as exc:
        number = exc.cause.errno if isinstance(exc.cause, OSError) else None
        if not exc.answered or number in (errno.ENOENT, errno.EACCES):
            raise
    with contextlib.suppress(SftpStep), session.step("write"):
        sftp.remove(final)
    with session.step("write"):
        sftp.rename(temp, final)


def open_session(
    url: str,
    host_key: str,
    *,
    password: str,
    private_key: str,
    timeout: float,
) -> Session:
    """A :class:`Session` for a channel's settings. Raises ConfigError for an unusable
    address (validation should have caught it)."""
    try:
        target = parse_target(url)
    except TargetError as exc:
        raise ConfigError(f"Địa chỉ SFTP không dùng được: {exc}", code="sftp:url") from None
    return Session(target, host_key, password=password, private_key=private_key, timeout=timeout)
