"""Passwords: a user changes their own, an administrator resets a forgotten one."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # service errors
    "error.password_is_username": (
        "Mật khẩu không được trùng với tên đăng nhập",
        "The password must not be the username",
    ),
    "error.password_unchanged": (
        "Mật khẩu mới phải khác mật khẩu hiện tại",
        "The new password must differ from the current one",
    ),
    "error.current_password_wrong": (
        "Mật khẩu hiện tại không đúng",
        "The current password is wrong",
    ),
    "error.password_locked": (
        "Nhập sai mật khẩu nhiều lần; hãy thử lại sau {minutes} phút",
        "Too many wrong passwords; try again in {minutes} minutes",
    ),
    "error.password_no_account": (
        "Chỉ người dùng đã đăng nhập mới đổi được mật khẩu của mình",
        "Only a logged-in user can change their own password",
    ),
    # command line
    "cli.password_choose": (
        "Chọn đúng một trong hai: --generate (tạo mật khẩu ngẫu nhiên) hoặc --stdin "
        "(đọc từ đầu vào chuẩn)",
        "Choose exactly one of --generate (a random password) or --stdin (read from "
        "standard input)",
    ),
    "cli.password_prompt": ("Mật khẩu mới: ", "New password: "),
    "cli.password_generated": (
        "Đã đặt mật khẩu mới cho «{username}» (chỉ hiển thị lần này): {password}",
        "New password of «{username}» (shown only now): {password}",
    ),
    "cli.password_set": (
        "Đã đặt mật khẩu mới cho «{username}»; các phiên đăng nhập web của tài khoản đã kết thúc.",
        "New password set for «{username}»; their web sessions have ended.",
    ),
    # interface: the user's own password
    "ui.section.account": ("Cá nhân", "My account"),
    "ui.nav.password": ("Đổi mật khẩu", "Change password"),
    "ui.password.title": ("Đổi mật khẩu", "Change password"),
    "ui.password.caption": (
        "Tài khoản «{username}». Sau khi đổi, các phiên đăng nhập ở trình duyệt khác kết thúc; "
        "phiên này vẫn tiếp tục.",
        "Account «{username}». After the change, sessions in other browsers end; this one "
        "continues.",
    ),
    "ui.password.current": ("Mật khẩu hiện tại", "Current password"),
    "ui.password.new": ("Mật khẩu mới", "New password"),
    "ui.password.repeat": ("Nhập lại mật khẩu mới", "Repeat the new password"),
    "ui.password.new_help": (
        "Ít nhất {min} ký tự, khác tên đăng nhập và mật khẩu hiện tại",
        "At least {min} characters, not the username nor the current password",
    ),
    "ui.password.submit": ("Đổi mật khẩu", "Change password"),
    "ui.password.missing": (
        "Hãy nhập mật khẩu hiện tại và mật khẩu mới hai lần",
        "Enter the current password and the new one twice",
    ),
    "ui.password.mismatch": (
        "Hai lần nhập mật khẩu mới không khớp nhau",
        "The two new passwords do not match",
    ),
    "ui.password.changed": (
        "Đã đổi mật khẩu; các phiên đăng nhập ở nơi khác đã kết thúc",
        "Password changed; your sessions elsewhere have ended",
    ),
    "ui.password.lockout_note": (
        "Nhập sai mật khẩu hiện tại được tính như đăng nhập sai từ máy này: từ lần sai thứ "
        "{max} liên tiếp phải chờ {seconds} giây, mỗi lần sai tiếp theo chờ gấp đôi, tối đa "
        "{minutes} phút. Quên mật khẩu? Nhờ quản trị viên đặt lại.",
        "A wrong current password counts as a failed login from this computer: from the "
        "{max}th in a row you wait {seconds} seconds, twice as long after each further one, "
        "at most {minutes} minutes. Forgot it? Ask an administrator to reset it.",
    ),
    # interface: the administrator's reset
    "ui.users.reset": ("Đặt lại mật khẩu", "Reset password"),
    "ui.users.reset_confirm": (
        "Tạo mật khẩu mới cho «{username}»? Mật khẩu cũ hết hiệu lực, tài khoản được mở khóa "
        "và mọi phiên đăng nhập của người này kết thúc.",
        "Make a new password for «{username}»? The old one stops working, the account is "
        "unlocked and all their sessions end.",
    ),
    "ui.users.reset_do": ("Tạo mật khẩu mới", "Make a new password"),
    "ui.users.reset_own": (
        "Mật khẩu của chính bạn: dùng trang «Đổi mật khẩu»",
        "Your own password: use the «Change password» page",
    ),
    "ui.users.reset_done": (
        "Mật khẩu mới của «{username}» — chỉ hiển thị lần này, hãy chuyển cho người dùng:",
        "New password of «{username}» — shown only now, pass it on to the user:",
    ),
}
