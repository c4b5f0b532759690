"""Grassroots loudspeaker systems («hệ thống truyền thanh cơ sở»): delivers a bulletin's MP3.

Three targets, one per channel:

* ``drop_dir`` — a folder the commune's playout computer reads (a shared or synced folder).
  The file is written beside its final name and linked into place: it appears whole or not
  at all, and its name comes from the delivery's idempotency key, so a retry finds the file
  already there and never makes a second one. The script goes beside it as ``.txt``.
* ``url`` + ``secret`` — an HTTP upload endpoint: ``multipart/form-data`` with the MP3
  (``file``), the script (``script``) and ``meta`` (JSON), the whole body signed like our
  webhooks (``X-Timestamp`` + ``X-Signature: sha256=HMAC(secret, timestamp + "." + body)``,
  :mod:`connectors.signing`) with a stable ``Idempotency-Key``, so a receiver that honours it
  (``dedupes``) makes a retry after an ambiguous failure harmless.
* ``sftp_url`` + ``sftp_host_key`` + ``sftp_password`` and/or ``sftp_key`` — an SFTP drop on
  the playout computer's SSH server (:mod:`connectors.grassroots_sftp`, paramiko): the host
  key pinned by fingerprint, the MP3 uploaded under a temporary name and renamed to its
  deterministic final name, the final name looked at before any upload so that a retry
  never makes a second file.

Which communes played a bulletin comes back as signed ``played`` events on
``POST /inbound/<channel>`` (:meth:`GrassrootsConnector.verify_inbound`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import posixpath
import re
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from connectors import sftp_target, signing
from connectors.base import (
    MB,
    ChannelConfig,
    CheckResult,
    Connector,
    OutgoingPost,
    Problem,
    PublishResult,
)
from connectors.errors import ConfigError, ConnectorError, PermanentError
from connectors.settings import INBOUND, PREVIEW_PAYLOAD, SECRET, TEXT, URL, Field

if TYPE_CHECKING:
    import httpx

    from connectors.clients import ClientCache

AUDIO = "audio"
USER_AGENT = "r57-publisher-grassroots/1"
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class GrassrootsConnector(Connector):
    """Grassroots channel: setting ``drop_dir`` or ``url`` (with credential ``secret``)."""

    kind: ClassVar[str] = "grassroots"
    platform: ClassVar[str] = "Truyền thanh cơ sở"
    text_max: ClassVar[int] = 50000
    caption_max: ClassVar[int] = 50000
    media_kinds: ClassVar[frozenset[str]] = frozenset({AUDIO})
    max_media: ClassVar[int] = 1
    #: Bulletins are made on their own page (services.publishing.bulletins), not composed.
    composable: ClassVar[bool] = False
    video_max_bytes: ClassVar[int] = 100 * MB  # the audio file's limit (base class reads it)
    rate_per_second: ClassVar[float] = 2.0
    rate_burst: ClassVar[int] = 4
    max_concurrency: ClassVar[int] = 2
    call_timeout: ClassVar[float] = 60.0
    dedupes: ClassVar[bool] = True
    fields: ClassVar[tuple[Field, ...]] = (
        Field("drop_dir", TEXT, cli="drop-dir", cli_help="Folder the playout computer reads"),
        Field(
            "url",
            URL,
            url_problems=("grassroots_bad_url", "grassroots_private_url"),
            cli="url",
        ),
        Field("secret", SECRET, cli="secret", cli_help="Upload secret"),
        Field(
            "sftp_url",
            TEXT,
            cli="sftp-url",
            cli_help="SFTP drop: sftp://user@host[:port]/folder",
        ),
        Field(
            "sftp_host_key",
            TEXT,
            pattern=sftp_target.FINGERPRINT_PATTERN,
            problem="grassroots_sftp_host_key",
            message="the SFTP host key must be a SHA256:… fingerprint as ssh-keygen -lf prints",
            cli="sftp-host-key",
            cli_help="The SFTP server's host key fingerprint (SHA256:…, ssh-keygen -lf)",
        ),
        Field("sftp_password", SECRET, cli="sftp-password", cli_help="SFTP password"),
        Field(
            "sftp_key",
            SECRET,
            cli="sftp-key",
            cli_help="SFTP private key (OpenSSH or PEM text, no passphrase)",
        ),
    )
    engagement: ClassVar[str] = INBOUND
    preview: ClassVar[str] = PREVIEW_PAYLOAD
    error_table: ClassVar[str] = "connectors.grassroots_errors"
    icon: ClassVar[str] = ":material/campaign:"
    link_source: ClassVar[str] = "grassroots"
    never_counts: ClassVar[tuple[str, ...]] = ("reactions", "comments", "shares", "clicks")

    def __init__(
        self, config: ChannelConfig, *, timeout: float = 60.0, clients: ClientCache | None = None
    ) -> None:
        super().__init__(config, timeout=timeout, clients=clients)
        self.drop_dir = str(config.settings.get("drop_dir") or "").strip()
        self.url = str(config.settings.get("url") or "").strip()
        self.sftp_url = str(config.settings.get("sftp_url") or "").strip()

    # -- validation ---------------------------------------------------------------------------
    @classmethod
    def validate_config(cls, config: ChannelConfig) -> list[Problem]:
        """Exactly one target; an upload URL needs its secret; a folder must be absolute; an
        SFTP drop needs a usable address, the host key's fingerprint and a password or key."""
        name = config.name
        drop = str(config.settings.get("drop_dir") or "").strip()
        url = str(config.settings.get("url") or "").strip()
        sftp = str(config.settings.get("sftp_url") or "").strip()
        problems = super().validate_config(config)
        if sum(map(bool, (drop, url, sftp))) != 1:
            problems.append(
                Problem(
                    "grassroots_target",
                    f"Channel {name!r}: give either a drop folder or an upload URL",
                    {"channel": name},
                )
            )
        if url and not str(config.credentials.get("secret") or "").strip():
            problems.append(
                Problem(
                    "missing_credential",
                    f"Channel {name!r}: credential 'secret' is required",
                    {"channel": name, "setting": "secret"},
                )
            )
        if drop and not Path(drop).is_absolute():
            problems.append(
                Problem(
                    "grassroots_drop_dir",
                    f"Channel {name!r}: the drop folder must be an absolute path",
                    {"channel": name, "folder": drop[:200]},
                )
            )
        if sftp:
            problems.extend(_sftp_problems(config, sftp))
        return problems

    def validate(self, post: OutgoingPost) -> list[Problem]:
        problems = super().validate(post)
        if not any(m.kind == AUDIO for m in post.media):
            problems.append(
                Problem(
                    "grassroots_no_audio",
                    f"Channel {self.config.name!r}: a loudspeaker system plays an audio "
                    "bulletin; attach one",
                    {"channel": self.config.name},
                )
            )
        return problems

    # -- publishing ---------------------------------------------------------------------------
    def publish(self, post: OutgoingPost) -> PublishResult:
        """Deliver the MP3 once. Raises :class:`ConnectorError` subclasses
        (:mod:`connectors.grassroots_errors`)."""
        self.ensure_publishable(post)
        if not post.idempotency_key:
            raise ConfigError("grassroots deliveries need an idempotency key", code="idempotency")
        audio = next(m for m in post.media if m.kind == AUDIO)
        try:
            data = audio.path.read_bytes()
        except OSError as exc:
            raise PermanentError(f"cannot read the bulletin: {exc}", code="media") from None
        if self.drop_dir:
            return self._drop(post, data)
        if self.sftp_url:
            return self._sftp(post, data)
        return self._upload(post, data)

    def filename(self, key: str) -> str:
        """The file's name: from the delivery's idempotency key (stable across retries)."""
        return f"bulletin-{_SAFE.sub('_', key)[:100]}.mp3"

    def _drop(self, post: OutgoingPost, data: bytes) -> PublishResult:
        from connectors.grassroots_errors import classify

        folder = Path(self.drop_dir)
        final = folder / self.filename(post.idempotency_key)
        try:
            if final.exists():  # a retry: the earlier attempt finished
                return PublishResult(final.name, None, {"duplicate": True, "path": str(final)})
            script = final.with_suffix(".txt")
            _atomic_write(script, (post.text or "").encode("utf-8"), replace=True)
            _atomic_write(final, data, replace=False)
        except FileExistsError:  # another attempt linked it first: one file still
            return PublishResult(final.name, None, {"duplicate": True, "path": str(final)})
        except OSError as exc:
            raise self.failure(exc, classify) from None
        return PublishResult(final.name, None, {"path": str(final), "bytes": len(data)})

    def _sftp_session(self) -> Any:
        from connectors import grassroots_sftp

        creds = self.config.credentials
        return grassroots_sftp.open_session(
            self.sftp_url,
            str(self.config.settings.get("sftp_host_key") or ""),
            password=str(creds.get("sftp_password") or ""),
            private_key=str(creds.get("sftp_key") or ""),
            timeout=self.timeout,
        )

    def _sftp_failure(self, exc: Exception, session: Any) -> ConnectorError:
        """A failed SFTP step as our error (Vietnamese, scrubbed of the credentials)."""
        from connectors.grassroots_errors import SftpStep, classify, classify_sftp

        if isinstance(exc, SftpStep):
            folder = session.target.folder if session is not None else ""
            exc = classify_sftp(exc, folder=folder, timeout=self.timeout)
        return self.failure(exc, classify)

    def _sftp(self, post: OutgoingPost, data: bytes) -> PublishResult:
        """Deliver the MP3 (and its script) to the SFTP drop once
        (:func:`connectors.grassroots_sftp.deliver`)."""
        from connectors import grassroots_sftp
        from connectors.grassroots_errors import SftpStep

        session = None
        try:
            session = self._sftp_session()
            with session:
                done = grassroots_sftp.deliver(
                    session,
                    self.filename(post.idempotency_key),
                    data,
                    (post.text or "").encode("utf-8"),
                )
        except (SftpStep, ConnectorError) as exc:
            raise self._sftp_failure(exc, session) from None
        raw: dict[str, Any] = {"path": done.path, "bytes": done.size, "host_key": done.fingerprint}
        if done.duplicate:
            raw["duplicate"] = True
        return PublishResult(posixpath.basename(done.path), None, raw)

    def _upload(self, post: OutgoingPost, data: bytes) -> PublishResult:
        import httpx

        from connectors import netguard
        from connectors.grassroots_errors import classify, result_from_response

        secret = str(self.config.credentials.get("secret") or "")
        timestamp = str(int(time.time()))
        body, content_type = multipart_body(post, data, self.filename(post.idempotency_key))
        headers = {
            "Content-Type": content_type,
            "Idempotency-Key": post.idempotency_key,
            "User-Agent": USER_AGENT,
            signing.TIMESTAMP_HEADER: timestamp,
            signing.HMAC_HEADER: signing.hmac_signature(secret, timestamp, body),
        }
        try:
            netguard.check_url(self.url)
            response = self._client_post(body, headers)
            return result_from_response(response, post.idempotency_key)
        except (ConnectorError, httpx.HTTPError) as exc:
            raise self.failure(exc, classify) from None

    def _client_post(self, data: bytes, headers: Mapping[str, str]) -> httpx.Response:
        import httpx

        from connectors import guarded_http, tls

        def make() -> httpx.Client:
            return guarded_http.client(timeout=self.timeout, ssl_context=tls.client_context())

        if self.clients is None:
            with make() as client:
                return client.post(self.url, content=data, headers=headers)
        client = self.clients.get(("grassroots", self.timeout), make, httpx.Client.close)
        return client.post(self.url, content=data, headers=headers)

    # -- reach --------------------------------------------------------------------------------
    @classmethod
    def receives_events(cls, config: ChannelConfig) -> bool:
        """Played-confirmations come signed with the channel's secret (upload channels; a
        drop-folder channel with a secret too)."""
        return bool(str(config.credentials.get("secret") or "").strip())

    @classmethod
    def verify_inbound(
        cls,
        config: ChannelConfig,
        body: bytes,
        headers: Mapping[str, str],
        data: Mapping[str, Any],
        *,
        now: float,
        tolerance_s: float,
    ) -> bool:
        """HMAC over the raw body with the ``X-Timestamp`` header, within ``tolerance_s``
        (replays outside the window fail; inside it, the event id de-duplicates). Raises
        nothing."""
        return signing.verify_hmac(
            str(config.credentials.get("secret") or ""),
            headers.get(signing.TIMESTAMP_HEADER.lower()),
            body,
            headers.get(signing.HMAC_HEADER.lower()),
            tolerance_s=tolerance_s,
            now=now,
        )

    def check(self) -> CheckResult:
        """Configuration, and for a folder that it exists and is writable. Raises nothing."""
        problems = self.validate_config(self.config)
        if problems:
            return CheckResult(False, problems[0].message, error_kind=ConfigError.kind)
        if self.drop_dir:
            folder = Path(self.drop_dir)
            if not folder.is_dir() or not os.access(folder, os.W_OK):
                return CheckResult(
                    False,
                    f"Thư mục nhận tệp {folder} không có hoặc không ghi được",
                    error_kind="config",
                )
            return CheckResult(True, "drop folder writable")
        if self.sftp_url:
            return self._sftp_check()
        return CheckResult(True, "configuration complete; upload endpoint not called")

    def _sftp_check(self) -> CheckResult:
        """Connect, check the host key, log in and look at the folder (nothing is written).
        A refusal (key, login, folder) is a result; an unknown answer (unreachable, timeout)
        raises, as for every platform."""
        from connectors.errors import AuthError
        from connectors.grassroots_errors import SftpStep

        session = None
        try:
            session = self._sftp_session()
            with session:
                session.folder_is_usable()
        except (SftpStep, ConnectorError) as exc:
            error = self._sftp_failure(exc, session)
            if isinstance(error, AuthError | ConfigError | PermanentError):
                return CheckResult(False, str(error), error_kind=error.kind)
            raise error from None
        return CheckResult(True, "SFTP: host key matches, logged in, folder found")


def _sftp_problems(config: ChannelConfig, url: str) -> list[Problem]:
    """What makes an SFTP drop unusable, judged offline (no DNS, no SSH library)."""
    from connectors import netguard

    name = config.name
    problems: list[Problem] = []
    try:
        target = sftp_target.parse_target(url)
    except sftp_target.TargetError as exc:
        code = "grassroots_sftp_url_secret" if exc.reason == "secret" else "grassroots_sftp_url"
        shown = "…" if exc.reason == "secret" else url[:200]  # a password is never repeated
        problems.append(
            Problem(
                code,
                f"Channel {name!r}: SFTP address refused: {exc}",
                {"channel": name, "url": shown},
            )
        )
        target = None
    if target is not None:
        try:
            netguard.check_url(f"http://{_netloc(target)}/", resolve=False)
        except netguard.BlockedTargetError:
            problems.append(
                Problem(
                    "grassroots_sftp_private",
                    f"Channel {name!r}: the SFTP host {target.host} is on a private network",
                    {"channel": name, "host": f"{target.host}:{target.port}"},
                )
            )
        except ConfigError:
            pass  # parse_target already judged the address
    if not str(config.settings.get("sftp_host_key") or "").strip():
        problems.append(
            Problem(
                "grassroots_sftp_host_key",
                f"Channel {name!r}: give the SFTP server's host key fingerprint (SHA256:…)",
                {"channel": name},
            )
        )
    creds = config.credentials
    key = str(creds.get("sftp_key") or "").strip()
    if not key and not str(creds.get("sftp_password") or ""):
        problems.append(
            Problem(
                "grassroots_sftp_credential",
                f"Channel {name!r}: an SFTP drop needs a password or a private key",
                {"channel": name},
            )
        )
    elif key:
        try:
            sftp_target.load_key(key)
        except ValueError as exc:
            problems.append(
                Problem(
                    "grassroots_sftp_key",
                    f"Channel {name!r}: the SFTP key is refused: {exc}",
                    {"channel": name, "reason": str(exc)},
                )
            )
    return problems


def _netloc(target: sftp_target.Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    return f"{host}:{target.port}"


def multipart_body(post: OutgoingPost, data: bytes, filename: str) -> tuple[bytes, str]:
    """The upload as ``multipart/form-data``: ``file`` (the MP3), ``script`` (UTF-8 text) and
    ``meta`` (JSON: post, title, idempotency key). Built by hand because the signature
    covers the exact bytes sent. Returns (body, content type)."""
    boundary = "r57-" + hashlib.sha256(data).hexdigest()[:32]
    meta = {
        "post_id": post.metadata.get("post_id"),
        "title": post.metadata.get("title"),
        "idempotency_key": post.idempotency_key,
        "filename": filename,
    }
    parts = [
        ("file", filename, "audio/mpeg", data),
        ("script", None, "text/plain; charset=utf-8", (post.text or "").encode("utf-8")),
        ("meta", None, "application/json", json.dumps(meta, ensure_ascii=False).encode()),
    ]
    out = bytearray()
    for name, fname, ctype, payload in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{fname}"' if fname else "")
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        out += f"Content-Type: {ctype}\r\n\r\n".encode() + payload + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def _atomic_write(final: Path, data: bytes, *, replace: bool) -> None:
    """Write ``data`` to a temporary file beside ``final``, flush it to disk, then put it in
    place: renamed over (``replace``) or hard-linked, which fails with FileExistsError when
    ``final`` exists, so two racing attempts leave one file. Raises OSError."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # the playout computer's account must read it
        if replace:
            os.replace(tmp, final)
        else:
            os.link(tmp, final)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
