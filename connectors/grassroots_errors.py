"""Grassroots delivery failures -> :mod:`connectors.errors`, in one table.

The upload endpoint's answers (:func:`classify_response`) follow the webhook table (a 409 or
``Idempotent-Replayed`` is the same file again); a drop folder's file-system errors
(:func:`classify_os`) are configuration when the folder is missing or not ours, transient
when the disk is full or the share is away; an SFTP drop's failures (:func:`classify_sftp`)
by the step they happened in (connect, host key, login, folder, write, rename). Tested row by
row in ``tests/connectors/test_grassroots.py`` and ``tests/connectors/test_grassroots_sftp.py``.

SFTP messages are one line in Vietnamese (what the officer sees after the error kind, and
what ``channel test`` prints); they name the step, never a credential.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from connectors.base import PublishResult
from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConfigError,
    ConnectorError,
    PermanentError,
    TransientError,
)

if TYPE_CHECKING:
    import httpx

#: errno values that mean "the folder is wrong": fix the channel, do not retry.
CONFIG_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EACCES, errno.EPERM, errno.EROFS})


def classify_os(exc: OSError) -> ConnectorError:
    """The drop-folder table. Raises nothing."""
    if exc.errno in CONFIG_ERRNOS:
        return ConfigError(f"drop folder unusable: {exc.strerror}", code=f"os:{exc.errno}")
    # Disk full, share unreachable, I/O error: nothing complete was put in place.
    return TransientError(f"cannot write to the drop folder: {exc.strerror}", code="os")


def classify_response(
    status: int, headers: Mapping[str, str], data: Mapping[str, Any], key: str = ""
) -> ConnectorError:
    """The upload endpoint's status table: the webhook's (same receivers, same rules)."""
    from connectors.webhook_errors import classify_response as webhook_table

    return webhook_table(status, headers, data, key)


class SftpStep(Exception):
    """A failure in one step of an SFTP delivery (:mod:`connectors.grassroots_sftp`).

    ``step``: ``resolve``, ``connect``, ``handshake``, ``incompatible``, ``host_key``,
    ``key``, ``auth``, ``auth_dropped``, ``subsystem``, ``folder``, ``stat``, ``write``,
    ``rename``, ``exists``; ``cause``: the library's exception (None when the step itself
    judged); ``detail``: words for the message (a fingerprint, sizes; never a secret);
    ``answered``: the server answered with a status and the connection is still up;
    ``after_rename``: the MP3's rename had been sent (the file may be in place)."""

    def __init__(self, step: str, cause: BaseException | None = None, detail: str = "") -> None:
        super().__init__(f"{step}: {detail or type(cause).__name__}")
        self.step = step
        self.cause = cause
        self.detail = detail
        self.answered = False
        self.after_rename = False


#: What a file-system errno from the SFTP server means for a folder step.
_SFTP_DENIED = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
_SFTP_MISSING = frozenset({errno.ENOENT, errno.ENOTDIR})


def classify_sftp(exc: SftpStep, *, folder: str = "", timeout: float = 0.0) -> ConnectorError:
    """The SFTP drop's table: a failed step -> our error, with a one-line Vietnamese message.
    Raises nothing.

    =====================  ===================================================================
    step                   error
    =====================  ===================================================================
    resolve                the guard's own error: Config (private or internal host),
                           Transient (the name does not resolve)
    connect, handshake,    Transient: nothing reached the folder (refused, unreachable,
    auth_dropped           timeout, not an SSH server, dropped before login)
    incompatible, key,     Config: a person must fix the channel or the server; a host key
    host_key, subsystem    that is not the pinned one is never accepted
    auth                   Auth: user, password or key refused (the channel is flagged)
    folder, stat, write    Config when the folder is missing or not writable; otherwise
                           Transient (disk full, dropped): the final name was not written
    rename                 refused and the file is not there: Config (permission) or
                           Transient; the connection lost after sending it: Ambiguous (a
                           retry looks at the final name first)
    exists                 Permanent: another file (a different size) has the final name;
                           it is never overwritten
    =====================  ===================================================================
    """
    step, cause = exc.step, exc.cause
    code = f"sftp:{step}"
    where = f"«{folder}»" if folder else "nhận tệp"
    if step == "resolve" and isinstance(cause, ConnectorError):
        if isinstance(cause, TransientError):
            return TransientError(
                "Không tìm thấy máy chủ SFTP (tên máy không phân giải được); sẽ thử lại",
                code="sftp:dns",
            )
        return ConfigError(
            "Máy chủ SFTP nằm trong mạng nội bộ; quản trị hệ thống cần cho phép địa chỉ này "
            "(PUBLISHER_OUTBOUND_ALLOWLIST=máy:cổng)",
            code="sftp:private",
        )
    if step == "connect":
        if isinstance(cause, ConnectionRefusedError):
            text = "Máy chủ SFTP từ chối kết nối (chưa chạy hoặc sai cổng); sẽ thử lại"
        elif isinstance(cause, TimeoutError):
            text = f"Máy chủ SFTP không trả lời trong {timeout:g} giây; sẽ thử lại"
        else:
            text = "Không kết nối được tới máy chủ SFTP; sẽ thử lại"
        return TransientError(text, code=code)
    if step == "handshake":
        return TransientError(
            "Máy chủ không bắt tay SSH (ngắt kết nối hoặc không phải máy chủ SFTP); sẽ thử lại",
            code=code,
        )
    if step == "auth_dropped":
        return TransientError("Mất kết nối khi đăng nhập máy chủ SFTP; sẽ thử lại", code=code)
    if step == "incompatible":
        return ConfigError(
            "Máy chủ SFTP không hỗ trợ thuật toán mã hóa an toàn nào hệ thống dùng", code=code
        )
    if step == "host_key":
        return ConfigError(
            f"Khóa của máy chủ SFTP ({exc.detail}) không khớp dấu vân tay đã ghim; không "
            "kết nối, không gửi gì: quản trị viên cần kiểm tra máy chủ",
            code=code,
        )
    if step == "key":
        return ConfigError(f"Khóa riêng SFTP không dùng được: {exc.detail}", code=code)
    if step == "auth":
        return AuthError(
            "Máy chủ SFTP từ chối đăng nhập (sai tên, mật khẩu hoặc khóa riêng)", code=code
        )
    if step == "subsystem":
        if exc.answered or cause is None or type(cause).__name__ == "ChannelException":
            return ConfigError("Máy chủ SSH không bật SFTP", code=code)
        return TransientError("Mất kết nối khi mở phiên SFTP; sẽ thử lại", code=code)
    if step == "exists":
        return PermanentError(
            f"Thư mục {where} đã có tệp cùng tên nhưng khác nội dung ({exc.detail}); không "
            "ghi đè, cần kiểm tra",
            code=code,
        )
    number = cause.errno if isinstance(cause, OSError) and exc.answered else None
    if number in _SFTP_MISSING:
        return ConfigError(f"Thư mục {where} không có trên máy chủ SFTP", code=f"{code}:missing")
    if number in _SFTP_DENIED:
        return ConfigError(
            f"Tài khoản SFTP không có quyền ghi vào thư mục {where}", code=f"{code}:denied"
        )
    if exc.after_rename and not exc.answered:
        return AmbiguousError(
            "Mất kết nối khi đặt tệp vào chỗ; có thể tệp đã đến, lần thử lại sẽ kiểm tra trước",
            code=code,
        )
    if exc.answered:
        return TransientError(
            f"Máy chủ SFTP không ghi được tệp vào thư mục {where} (có thể đầy đĩa); sẽ thử lại",
            code=code,
        )
    return TransientError("Mất kết nối tới máy chủ SFTP trước khi tệp đến; sẽ thử lại", code=code)


def classify(exc: BaseException) -> ConnectorError:
    """Any grassroots failure onto the taxonomy. Raises nothing."""
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, SftpStep):
        return classify_sftp(exc)
    if isinstance(exc, OSError) and not _is_http(exc):
        return classify_os(exc)
    from connectors import webhook_errors

    if _is_http(exc):
        return webhook_errors.classify(exc)
    return AmbiguousError(f"unexpected failure: {exc!r}", code="unexpected")


def _is_http(exc: BaseException) -> bool:
    import httpx

    return isinstance(exc, httpx.HTTPError)


def result_from_response(response: httpx.Response, key: str) -> PublishResult:
    """2xx -> result; otherwise raise the mapped error."""
    try:
        data = response.json()
    except ValueError:
        data = {}
    data = data if isinstance(data, dict) else {}
    if 200 <= response.status_code < 300:
        return PublishResult(str(data.get("id") or key), data.get("url"), data)
    raise classify_response(response.status_code, response.headers, data, key)
