"""Input and error hygiene: values the storage cannot hold, files and paths the CLI refuses."""

MESSAGES: dict[str, tuple[str, str]] = {
    "error.value_out_of_range": (
        "Giá trị nhập vào vượt quá giới hạn lưu trữ (số quá lớn hoặc không hợp lệ)",
        "A value is beyond what can be stored (a number too large or not valid)",
    ),
    "error.text_invalid_utf8": (
        "Văn bản chứa ký tự không hợp lệ (không phải UTF-8); hãy gõ hoặc lưu lại văn bản "
        "dưới dạng UTF-8",
        "The text holds characters that are not valid UTF-8; type it again or save it as UTF-8",
    ),
    "error.year_out_of_range": (
        "Năm {year} không hợp lệ; chọn một năm từ {low} đến {high}",
        "The year {year} is not valid; choose a year from {low} to {high}",
    ),
    "error.out_is_directory": (
        "«{path}» là một thư mục; hãy cho biết tên tệp cần ghi",
        "«{path}» is a directory; give the name of the file to write",
    ),
    "error.out_parent_missing": (
        "Không ghi được «{path}»: thư mục chứa không tồn tại hoặc không phải thư mục",
        "Cannot write «{path}»: its folder does not exist or is not a folder",
    ),
    "error.file_io": (
        "Không đọc/ghi được tệp «{path}»: {reason}",
        "Cannot read or write «{path}»: {reason}",
    ),
    "error.database_corrupt": (
        "Tệp cơ sở dữ liệu bị hỏng hoặc không phải cơ sở dữ liệu ({detail}); hãy khôi phục "
        "từ bản sao lưu («publisher restore»)",
        "The database file is damaged or is not a database ({detail}); restore a backup "
        "(«publisher restore»)",
    ),
    "error.variant_channel_not_targeted": (
        "Có nội dung riêng cho kênh «{channel}» nhưng bài không đăng lên kênh này; hãy thêm "
        "kênh (--channel) hoặc bỏ nội dung riêng",
        "There is own text for the channel «{channel}» but the post does not go to it; add "
        "the channel (--channel) or drop that text",
    ),
    "error.task_field_too_long": (
        "Dòng {row}: một ô quá dài (hơn {limit} ký tự)",
        "Row {row}: a cell is too long (over {limit} characters)",
    ),
    "error.task_csv_invalid": (
        "Tệp {path} không phải CSV hợp lệ ở dòng {row}",
        "File {path} is not valid CSV at row {row}",
    ),
    "ops.migrate_target_not_database": (
        "«{path}» đã có và không phải cơ sở dữ liệu SQLite; không ghi đè, hãy chọn tệp mới",
        "«{path}» exists and is not an SQLite database; it is not overwritten, choose a new file",
    ),
    "ops.migrate_target_place": (
        "Không tạo cơ sở dữ liệu đích ở «{path}»: thư mục hệ thống hoặc thư mục chứa không tồn tại",
        "Will not create the target database at «{path}»: a system folder, or its folder "
        "does not exist",
    ),
    "ops.migrate_copy_failed": (
        "Không sao chép được bảng «{table}» sang cơ sở dữ liệu đích ({detail}); "
        "không có gì được ghi",
        "Cannot copy the table «{table}» into the target database ({detail}); nothing was written",
    ),
}
