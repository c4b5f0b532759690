"""Audio bulletins for the grassroots loudspeaker systems and their reach."""

_ERRORS: dict[str, tuple[str, str]] = {
    "media.error.tts_missing": (
        "Chưa cài giọng đọc máy espeak-ng trên máy chủ (gói Debian espeak-ng)",
        "The espeak-ng machine voice is not installed on the server (Debian package espeak-ng)",
    ),
    "media.error.tts_timeout": (
        "Giọng đọc máy không xong sau {seconds} giây; chưa tạo bản tin, hãy thử lại",
        "The machine voice did not finish in {seconds} s; no bulletin made, try again",
    ),
    "media.error.tts_failed": (
        "Giọng đọc máy bị lỗi ({detail}); chưa tạo bản tin",
        "The machine voice failed ({detail}); no bulletin made",
    ),
    "media.error.bulletin_no_text": (
        "Bản tin chưa có nội dung để đọc",
        "The bulletin has no text to read",
    ),
    "media.error.recording_not_audio": (
        "Tệp «{file}» không phải là bản ghi âm đọc được",
        "File «{file}» is not a readable audio recording",
    ),
    "media.error.recording_silent": (
        "Bản ghi âm «{file}» không có tiếng (quá nhỏ hoặc im lặng)",
        "Recording «{file}» is silent (too quiet or empty)",
    ),
    "media.error.recording_clipped": (
        "Bản ghi âm «{file}» bị rè vì thu quá to ({percent}% mẫu bị cắt); hãy thu lại nhỏ hơn",
        "Recording «{file}» is clipped ({percent}% of samples at full scale); record it quieter",
    ),
    "media.error.recording_too_long": (
        "Bản ghi âm «{file}» dài {seconds} giây, hệ thống nhận tối đa {limit} giây",
        "Recording «{file}» lasts {seconds} s; the system takes at most {limit} s",
    ),
    "media.error.bulletin_too_long": (
        "Bản tin dài {seconds} giây, hệ thống nhận tối đa {limit} giây; hãy bớt tin",
        "The bulletin lasts {seconds} s; the system takes at most {limit} s; drop an item",
    ),
    "media.error.bad_bitrate": (
        "Tốc độ MP3 {bitrate} kbit/s không dùng được; chọn một trong {allowed}",
        "MP3 bitrate {bitrate} kbit/s is not supported; choose one of {allowed}",
    ),
    "error.bulletin_source": (
        "Chọn bài (--post) hoặc một chiến dịch với năm (--campaign, --year), không cả hai",
        "Pick posts (--post) or one campaign with its year (--campaign, --year), not both",
    ),
    "error.bulletin_not_approved": (
        "Bài #{id} chưa được duyệt; bản tin chỉ đọc bài đã duyệt",
        "Post #{id} is not approved; a bulletin reads approved posts only",
    ),
    "error.bulletin_no_posts": (
        "Không có bài đã duyệt nào để làm bản tin",
        "No approved posts to make a bulletin from",
    ),
    "error.bulletin_too_many": (
        "Chọn {count} bài, một bản tin đọc tối đa {limit} bài",
        "{count} posts picked; a bulletin reads at most {limit}",
    ),
    "error.bulletin_voice": (
        "Giọng đọc «{voice}» không có; chọn {voices}",
        "Voice «{voice}» does not exist; choose {voices}",
    ),
    "error.bulletin_provider_unset": (
        "Chưa cấu hình dịch vụ đọc văn bản của tỉnh (PUBLISHER_TTS_URL, PUBLISHER_TTS_KEY)",
        "The province's text-to-speech service is not configured (PUBLISHER_TTS_URL, _KEY)",
    ),
    "error.bulletin_tts_timeout": (
        "Dịch vụ đọc văn bản không trả lời kịp; chưa tạo bản tin, không gửi gì, hãy thử lại",
        "The text-to-speech service did not answer in time; nothing made or sent; try again",
    ),
    "error.bulletin_tts": (
        "Dịch vụ đọc văn bản báo lỗi ({kind} {code}); chưa tạo bản tin, không gửi gì",
        "The text-to-speech service failed ({kind} {code}); nothing made or sent",
    ),
    "error.bulletin_not_found": (
        "Không có bản tin #{id}",
        "There is no bulletin #{id}",
    ),
    "error.bulletin_out": (
        "Tệp ra phải có đuôi .mp3 trong một thư mục đã có: «{path}»",
        "The output must be a .mp3 file in an existing folder: «{path}»",
    ),
    "error.bulletin_recording_file": (
        "Không đọc được tệp ghi âm «{path}»",
        "Cannot read the recording «{path}»",
    ),
    "error.reach_commune": (
        "Chọn xã, phường đã phát bản tin",
        "Pick the commune that played the bulletin",
    ),
    "error.reach_not_bulletin": (
        "Lần gửi #{id} không phải bản tin gửi tới hệ thống truyền thanh cơ sở",
        "Delivery #{id} is not a bulletin sent to a grassroots system",
    ),
    "problem.grassroots_target": (
        "Kênh «{channel}»: nhập hoặc thư mục nhận tệp, hoặc địa chỉ tải lên (chỉ một)",
        "Channel «{channel}»: give either a drop folder or an upload URL (one of them)",
    ),
    "problem.grassroots_drop_dir": (
        "Kênh «{channel}»: thư mục nhận tệp phải là đường dẫn đầy đủ (bắt đầu bằng /)",
        "Channel «{channel}»: the drop folder must be an absolute path (starting with /)",
    ),
    "problem.grassroots_no_audio": (
        "Kênh «{channel}»: loa truyền thanh chỉ phát bản tin âm thanh; hãy gắn bản tin",
        "Channel «{channel}»: loudspeakers play audio bulletins only; attach one",
    ),
}

_CHANNEL: dict[str, tuple[str, str]] = {
    "ui.kind.grassroots": ("Truyền thanh cơ sở", "Grassroots loudspeakers"),
    "stats.kind.grassroots": ("Truyền thanh cơ sở", "Grassroots loudspeakers"),
    "ui.channels.field.drop_dir": ("Thư mục nhận tệp", "Drop folder"),
    "ui.channels.help.drop_dir": (
        "Thư mục máy phát của xã đọc (đường dẫn đầy đủ); để trống nếu tải lên qua địa chỉ URL",
        "The folder the commune's playout computer reads (absolute path); empty for an URL",
    ),
}

_CLI: dict[str, tuple[str, str]] = {
    "bulletin.cli.made": (
        "Đã tạo bản tin {file}: {duration} giây, độ to {lufs} LUFS, MP3 {bitrate} kbit/s",
        "Bulletin {file} made: {duration} s, loudness {lufs} LUFS, MP3 {bitrate} kbit/s",
    ),
}

MESSAGES: dict[str, tuple[str, str]] = {**_ERRORS, **_CHANNEL, **_CLI}
