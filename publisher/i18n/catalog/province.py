"""The province: units and the coordinator, themes and target groups, report collection,
criteria and manual activities."""

MESSAGES: dict[str, tuple[str, str]] = {
    # themes and target groups
    "topic.theme.khcn": ("Khoa học và công nghệ", "Science and technology"),
    "topic.theme.dmst": ("Đổi mới sáng tạo", "Innovation"),
    "topic.theme.cds": ("Chuyển đổi số", "Digital transformation"),
    "topic.audience.officials": ("Cán bộ, công chức, viên chức", "Public officials"),
    "topic.audience.business": ("Doanh nghiệp", "Businesses"),
    "topic.audience.citizens": ("Người dân", "Citizens"),
    "topic.audience.students": ("Học sinh - sinh viên", "Pupils and students"),
    "topic.audience.scientists": ("Nhà khoa học", "Scientists"),
    "topic.none": ("Chưa gắn", "Not tagged"),
    "error.theme_invalid": (
        "Chủ đề «{value}» không hợp lệ; chọn trong: {allowed}",
        "Invalid theme «{value}»; choose from: {allowed}",
    ),
    "error.audience_invalid": (
        "Đối tượng «{value}» không hợp lệ; chọn trong: {allowed}",
        "Invalid target group «{value}»; choose from: {allowed}",
    ),
    "ui.compose.themes": ("Chủ đề", "Themes"),
    "ui.compose.themes_placeholder": ("KH&CN, ĐMST, CĐS", "S&T, innovation, digital"),
    "ui.compose.audiences": ("Đối tượng", "Target groups"),
    "ui.compose.audiences_placeholder": ("Chọn đối tượng", "Choose target groups"),
}
