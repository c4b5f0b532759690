"""Web interface sessions (login kept across a browser reload)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "ui.login.session_ended": (
        "Phiên đăng nhập đã kết thúc (đã đăng xuất ở nơi khác hoặc mật khẩu đã đổi). "
        "Hãy đăng nhập lại.",
        "Your session has ended (logged out elsewhere or the password changed). "
        "Please log in again.",
    ),
}
