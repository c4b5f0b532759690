"""Media studio messages: errors from :mod:`media.errors` and the words printed on artwork."""

from media.labels import LABELS

_ERRORS: dict[str, tuple[str, str]] = {
    "media.error.unsupported_upload": (
        "Tệp «{file}» không tải lên được: chỉ nhận ảnh JPEG, PNG, WebP, HEIC và video MP4, MOV",
        "File «{file}» cannot be uploaded: only JPEG, PNG, WebP, HEIC images and MP4, MOV videos",
    ),
    "media.error.not_what_name_says": (
        "Tệp «{file}» không đúng như tên của nó (nội dung là {format}); không lưu gì",
        "File «{file}» is not what its name says (its content is {format}); nothing stored",
    ),
    "media.error.upload_too_large": (
        "Tệp «{file}» quá lớn (tối đa {limit} MB); không lưu gì",
        "File «{file}» is too large (at most {limit} MB); nothing stored",
    ),
    "media.error.no_video_stream": (
        "Tệp «{file}» không có hình video đọc được; không lưu gì",
        "File «{file}» has no readable video stream; nothing stored",
    ),
    "media.error.corrupt_image": (
        "Ảnh «{file}» bị hỏng hoặc không đầy đủ, không thể đọc",
        "Image «{file}» is damaged or truncated and cannot be read",
    ),
    "media.error.decompression_bomb": (
        "Ảnh «{file}» quá lớn để xử lý an toàn (quá nhiều điểm ảnh)",
        "Image «{file}» is too large to process safely (too many pixels)",
    ),
    "media.error.unsupported_format": (
        "Tệp «{file}» có định dạng không được hỗ trợ ({format}); hãy dùng JPEG, PNG hoặc WebP",
        "File «{file}» has an unsupported format ({format}); use JPEG, PNG or WebP",
    ),
    "media.error.file_not_found": (
        "Không tìm thấy tệp «{file}»",
        "File «{file}» not found",
    ),
    "media.error.empty_file": (
        "Tệp «{file}» rỗng (0 byte)",
        "File «{file}» is empty (0 bytes)",
    ),
    "media.error.text_too_long": (
        "«{field_vi}» dài {length} ký tự, tối đa {limit} ký tự; hãy rút gọn",
        "«{field_en}» is {length} characters long, at most {limit}; please shorten it",
    ),
    "media.error.text_no_room": (
        "«{field_vi}» ({length} ký tự) không vừa khung ở cỡ chữ tối thiểu {min_px} px"
        " (tối đa {lines} dòng); hãy rút gọn",
        "«{field_en}» ({length} characters) does not fit at the minimum size of {min_px} px"
        " (at most {lines} lines); please shorten it",
    ),
    "media.error.bad_logo": (
        "Logo «{file}» không dùng được: {why_vi}",
        "Logo «{file}» cannot be used: {why_en}",
    ),
    "media.error.countdown_too_far": (
        "Số ngày đếm ngược {countdown} quá xa; tối đa {limit} ngày",
        "Countdown {countdown} is too far; at most {limit} days",
    ),
    "media.error.countdown_mismatch": (
        "Số ngày đếm ngược {countdown} không khớp với ngày {date}: còn {expected} ngày",
        "Countdown {countdown} does not match the date {date}: {expected} days left",
    ),
    "media.error.bad_chart": (
        "Dữ liệu biểu đồ không hợp lệ: {why_vi}",
        "The chart data is not valid: {why_en}",
    ),
    "media.error.bad_extension": (
        "Tệp ra «{file}» có đuôi không được hỗ trợ; hãy dùng {known}",
        "Output file «{file}» has an unsupported extension; use {known}",
    ),
    "media.error.bad_preset": (
        "Không có bộ màu «{value}»; chọn một trong: {known}",
        "No colour preset «{value}»; choose one of: {known}",
    ),
    "media.error.empty_title": (
        "Tiêu đề đang trống; hãy nhập tiêu đề",
        "The title is empty; please enter a title",
    ),
    "media.error.bad_field": (
        "Giá trị của «{field_vi}» không hợp lệ",
        "The value of «{field_en}» is not valid",
    ),
    "media.error.unknown_template": (
        "Không có mẫu «{template}»; các mẫu hiện có: {known}",
        "No template «{template}»; available templates: {known}",
    ),
    "media.error.bad_size": (
        "Kích thước «{value}» không hợp lệ; dùng dạng RỘNGxCAO, ví dụ 1080x1080",
        "Size «{value}» is not valid; use WIDTHxHEIGHT, e.g. 1080x1080",
    ),
    "media.error.bad_hashtag": (
        "Hashtag «{value}» không hợp lệ: mỗi hashtag bắt đầu bằng # và không có dấu cách, "
        "ví dụ #ChuyenDoiSo #NQ57",
        "Hashtag «{value}» is not valid: each hashtag starts with # and has no spaces, "
        "e.g. #ChuyenDoiSo #NQ57",
    ),
    "media.error.bad_colour": (
        "Màu «{value}» không hợp lệ; dùng mã dạng #0B3D91",
        "Colour «{value}» is not valid; use a code like #0B3D91",
    ),
    "media.error.bad_date": (
        "Ngày «{value}» không hợp lệ; dùng dạng dd/mm/yyyy",
        "Date «{value}» is not valid; use dd/mm/yyyy",
    ),
    "media.error.stats_count": (
        "Mẫu số liệu cần từ {min} đến {max} số liệu, đang có {count}",
        "The stats template needs {min} to {max} figures, got {count}",
    ),
    "media.error.bad_stat": (
        "Số liệu «{value}» không hợp lệ; dùng dạng «NHÃN=GIÁ TRỊ»",
        "Figure «{value}» is not valid; use «LABEL=VALUE»",
    ),
    "media.error.bad_audio": (
        "Tệp âm thanh «{file}» không đọc được hoặc không có âm thanh",
        "Audio file «{file}» cannot be read or has no sound",
    ),
    "media.error.audio_too_large": (
        "Tệp âm thanh «{file}» quá lớn (tối đa {limit_mb} MB)",
        "Audio file «{file}» is too large (at most {limit_mb} MB)",
    ),
    "media.error.no_images": (
        "Cần ít nhất một ảnh để dựng video",
        "At least one image is needed to make a video",
    ),
    "media.error.too_many_images": (
        "Quá nhiều ảnh cho một video: {count} (tối đa {limit})",
        "Too many images for one video: {count} (at most {limit})",
    ),
    "media.error.unknown_track": (
        "Không có bản nhạc «{file}» trong thư viện; chọn một trong: {tracks}, "
        "hoặc «none» (im lặng)",
        "No track «{file}» in the library; choose one of: {tracks}, or «none» (silence)",
    ),
    "media.error.bad_motion_seconds": (
        "Thời lượng video đồ họa động phải từ {min} đến {max} giây (đã nhập {seconds})",
        "A motion-graphic clip lasts {min} to {max} seconds (got {seconds})",
    ),
    "media.error.bad_duration": (
        "Thời lượng mỗi ảnh phải từ {min} đến {max} giây",
        "Seconds per image must be between {min} and {max}",
    ),
    "media.error.video_too_long": (
        "Video dài {seconds} giây, vượt giới hạn {limit} giây",
        "The video is {seconds} s long, over the limit of {limit} s",
    ),
    "media.error.corrupt_video": (
        "Tệp video «{file}» bị hỏng hoặc không đọc được",
        "Video file «{file}» is damaged or cannot be read",
    ),
    "media.error.ffmpeg_failed": (
        "Không dựng được video (lỗi bộ mã hóa): {detail}",
        "The video could not be rendered (encoder error): {detail}",
    ),
    "media.error.ffmpeg_timeout": (
        "Dựng video quá thời gian cho phép ({seconds} giây)",
        "Video rendering took longer than allowed ({seconds} s)",
    ),
    "media.error.cannot_fit": (
        "Không thể thu nhỏ tệp cho vừa giới hạn của kênh ({limit} byte)",
        "The file cannot be made to fit the channel's limit ({limit} bytes)",
    ),
    "media.error.write_failed": (
        "Không ghi được tệp «{file}»",
        "Cannot write file «{file}»",
    ),
}

_CLI: dict[str, tuple[str, str]] = {
    "media.cli.rendered": ("Đã tạo tệp {path}", "Wrote {path}"),
    "media.cli.rendering": ("Đang dựng video", "Rendering video"),
    "media.cli.extension_corrected": (
        "Ảnh vượt giới hạn dung lượng ở dạng PNG nên được ghi dạng JPEG: {path} (thay cho {asked})",
        "The PNG was over the byte budget, so it was written as JPEG: {path} (instead of {asked})",
    ),
    "media.cli.alt_text": ("Văn bản thay thế: {alt}", "Alt text: {alt}"),
}

_BRAND: dict[str, tuple[str, str]] = {
    "brand.cli.header": (
        "Bộ nhận diện của {org} (bộ màu: {preset})",
        "Brand kit of {org} (preset: {preset})",
    ),
    "brand.cli.colours": (
        "  Màu chính {primary}, màu nhấn {accent}",
        "  Primary {primary}, accent {accent}",
    ),
    "brand.cli.header_line1": ("Dòng tiêu đề 1", "Header line 1"),
    "brand.cli.header_line2": ("Dòng tiêu đề 2", "Header line 2"),
    "brand.cli.website": ("Trang web", "Website"),
    "brand.cli.hashtag": ("Hashtag", "Hashtag"),
    "brand.cli.source": ("Dòng nguồn", "Source line"),
    "brand.cli.check": (
        "  Tương phản {pair}: {ratio}:1 (cần {required}:1, chữ từ {px} px)",
        "  Contrast {pair}: {ratio}:1 (needs {required}:1, text from {px} px)",
    ),
    "brand.cli.adjusted": ("dùng {colour}: {reason}", "uses {colour}: {reason}"),
    "brand.pair.text/background": ("chữ trên nền", "text on the background"),
    "brand.pair.accent_text/background": ("chữ màu nhấn trên nền", "accent text on the background"),
    "brand.pair.text/accent_card": ("chữ trên thẻ màu nhấn", "text on the accent card"),
    "brand.pair.primary_text/white_card": (
        "chữ màu chính trên thẻ trắng",
        "primary text on white cards",
    ),
    "brand.reason.text/background": (
        "nền {original} được làm đậm thành {adjusted} vì cả chữ trắng lẫn chữ đen chỉ đạt"
        " {before}:1, cần {required}:1 cho chữ {px} px",
        "background {original} darkened to {adjusted}: neither white nor dark text reached"
        " {required}:1 at {px} px (best {before}:1)",
    ),
    "brand.reason.accent_text/background": (
        "{original} được thay bằng {adjusted} vì chữ màu nhấn trên nền chỉ đạt {before}:1,"
        " cần {required}:1 cho chữ {px} px",
        "{original} replaced by {adjusted}: accent text on the background had {before}:1,"
        " needs {required}:1 at {px} px",
    ),
    "brand.reason.text/accent_card": (
        "thẻ màu nhấn {original} được chỉnh thành {adjusted} vì chữ trên thẻ chỉ đạt {before}:1,"
        " cần {required}:1 cho chữ {px} px",
        "accent card {original} adjusted to {adjusted}: its text had {before}:1, needs"
        " {required}:1 at {px} px",
    ),
    "brand.reason.primary_text/white_card": (
        "chữ màu chính {original} trên thẻ trắng dùng sắc đậm {adjusted} vì chỉ đạt {before}:1,"
        " cần {required}:1 cho chữ {px} px",
        "primary text {original} on white cards shown as {adjusted}: it had {before}:1, needs"
        " {required}:1 at {px} px",
    ),
}

MESSAGES: dict[str, tuple[str, str]] = {**_ERRORS, **_CLI, **_BRAND, **LABELS}
