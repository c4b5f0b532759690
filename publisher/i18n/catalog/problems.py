"""Validation problems raised by connectors (``connectors.base.Problem`` codes)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "problem.missing_setting": (
        "Kênh «{channel}»: thiếu thiết lập bắt buộc «{setting}»",
        "Channel «{channel}»: required setting «{setting}» is missing",
    ),
    "problem.invalid_setting": (
        "Kênh «{channel}»: giá trị «{value}» của thiết lập «{setting}» không hợp lệ",
        "Channel «{channel}»: «{value}» is not a valid value for setting «{setting}»",
    ),
    "problem.missing_credential": (
        "Kênh «{channel}»: thiếu thông tin xác thực «{setting}»",
        "Channel «{channel}»: credential «{setting}» is missing",
    ),
    "problem.empty_text": (
        "Kênh «{channel}»: nội dung bài viết đang trống",
        "Channel «{channel}»: the post text is empty",
    ),
    "problem.text_too_long": (
        "Kênh «{channel}»: nội dung dài {length} ký tự, vượt giới hạn {limit} ký tự",
        "Channel «{channel}»: text is {length} characters, over the limit of {limit}",
    ),
    "problem.too_many_media": (
        "Kênh «{channel}»: có {count} tệp đính kèm, tối đa {limit}",
        "Channel «{channel}»: {count} attachments, at most {limit} allowed",
    ),
    "problem.mixed_media": (
        "Kênh «{channel}»: không thể đăng lẫn ảnh và video trong một bài",
        "Channel «{channel}»: photos and videos cannot be mixed in one post",
    ),
    "problem.unsupported_media": (
        "Kênh «{channel}»: không hỗ trợ loại tệp {kind} ({file})",
        "Channel «{channel}»: {kind} files are not supported ({file})",
    ),
    "problem.media_missing": (
        "Kênh «{channel}»: không tìm thấy tệp {file}",
        "Channel «{channel}»: file {file} is missing",
    ),
    "problem.media_too_large": (
        "Kênh «{channel}»: tệp {file} nặng {size_mb} MB, vượt giới hạn {limit_mb} MB",
        "Channel «{channel}»: {file} is {size_mb} MB, over the {limit_mb} MB limit",
    ),
    "problem.video_too_long": (
        "Kênh «{channel}»: video dài {seconds} giây, tối đa {limit} giây",
        "Channel «{channel}»: the video is {seconds} s long, at most {limit} s allowed",
    ),
}
