"""Errors raised by the media studio.

Every error carries a catalogue key (``media.error.*`` in ``publisher/i18n/catalog/media.py``)
and its parameters, so the CLI and the UI can tell the user in their language what went wrong.
``str(error)`` is an English fallback for logs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class MediaError(Exception):
    """A media operation refused its input or could not complete.

    ``key`` names a catalogue entry; ``params`` fill its placeholders.
    """

    def __init__(self, key: str, message: str = "", **params: Any) -> None:
        self.key = key
        if "field" in params:
            # The user sees the field's name in their language, not the internal key.
            from media.labels import field_names

            params.setdefault("field_vi", field_names(str(params["field"]))[0])
            params.setdefault("field_en", field_names(str(params["field"]))[1])
        self.params: Mapping[str, Any] = dict(params)
        super().__init__(message or key)


# Catalogue keys, named once so that a typo is an AttributeError, not a silent wrong message.
CORRUPT_IMAGE = "media.error.corrupt_image"
DECOMPRESSION_BOMB = "media.error.decompression_bomb"
UNSUPPORTED_FORMAT = "media.error.unsupported_format"
FILE_NOT_FOUND = "media.error.file_not_found"
EMPTY_FILE = "media.error.empty_file"
TEXT_TOO_LONG = "media.error.text_too_long"
TEXT_NO_ROOM = "media.error.text_no_room"
BAD_LOGO = "media.error.bad_logo"
COUNTDOWN_MISMATCH = "media.error.countdown_mismatch"
COUNTDOWN_TOO_FAR = "media.error.countdown_too_far"
BAD_CHART = "media.error.bad_chart"
BAD_PRESET = "media.error.bad_preset"
BAD_EXTENSION = "media.error.bad_extension"
EMPTY_TITLE = "media.error.empty_title"
BAD_FIELD = "media.error.bad_field"
UNKNOWN_TEMPLATE = "media.error.unknown_template"
BAD_SIZE = "media.error.bad_size"
BAD_COLOUR = "media.error.bad_colour"
BAD_HASHTAG = "media.error.bad_hashtag"
BAD_DATE = "media.error.bad_date"
STATS_COUNT = "media.error.stats_count"
BAD_STAT = "media.error.bad_stat"
BAD_AUDIO = "media.error.bad_audio"
AUDIO_TOO_LARGE = "media.error.audio_too_large"
NO_IMAGES = "media.error.no_images"
TOO_MANY_IMAGES = "media.error.too_many_images"
BAD_DURATION = "media.error.bad_duration"
VIDEO_TOO_LONG = "media.error.video_too_long"
CORRUPT_VIDEO = "media.error.corrupt_video"
FFMPEG_FAILED = "media.error.ffmpeg_failed"
FFMPEG_TIMEOUT = "media.error.ffmpeg_timeout"
CANNOT_FIT = "media.error.cannot_fit"
WRITE_FAILED = "media.error.write_failed"
UNSUPPORTED_UPLOAD = "media.error.unsupported_upload"
NOT_WHAT_NAME_SAYS = "media.error.not_what_name_says"
UPLOAD_TOO_LARGE = "media.error.upload_too_large"
NO_VIDEO_STREAM = "media.error.no_video_stream"
UNKNOWN_TRACK = "media.error.unknown_track"
BAD_MOTION_SECONDS = "media.error.bad_motion_seconds"
# Audio bulletins (media.bulletin, media.tts).
TTS_MISSING = "media.error.tts_missing"
TTS_TIMEOUT = "media.error.tts_timeout"
TTS_FAILED = "media.error.tts_failed"
BULLETIN_NO_TEXT = "media.error.bulletin_no_text"
RECORDING_NOT_AUDIO = "media.error.recording_not_audio"
RECORDING_SILENT = "media.error.recording_silent"
RECORDING_CLIPPED = "media.error.recording_clipped"
RECORDING_TOO_LONG = "media.error.recording_too_long"
BULLETIN_TOO_LONG = "media.error.bulletin_too_long"
BAD_BITRATE = "media.error.bad_bitrate"
