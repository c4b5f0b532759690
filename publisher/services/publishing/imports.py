"""Bulk import of posts from a CSV or XLSX table (``publisher post import``, the compose
page's «Nhập từ tệp»): all or nothing.

The header row names the columns: ``time``/«Thời gian», ``channels``/«Kênh» and
``text``/«Nội dung» are required; ``variant:<channel name>``/«Nội dung riêng:<tên kênh>»,
``media``/«Ảnh/video», ``link``/«Liên kết», ``campaign``/«Chiến dịch», ``task``/«Nhiệm vụ»,
``theme``/«Chủ đề» and ``audience``/«Đối tượng» are optional (:data:`SPELLINGS`: Vietnamese or
English, any case, with or without diacritics, as :mod:`publisher.services.table_headers`
folds them). A CSV's separator is read from its header row (``,``, ``;`` or a tab).
``channels`` and ``media`` hold several values separated by ``;``.
A time is ``DD/MM/YYYY HH:MM`` local (Asia/Ho_Chi_Minh) or ISO 8601 with an offset. A media
value is a library id (``12`` or ``#12``) or, from the command line, a file path relative to
the table's folder.

Every line is composed (as ``posts.compose``, strict: every channel must accept it) and sent
for review inside its own savepoint, so that every bad line is found in one pass; when one
line is bad, or for a dry run, the whole import is rolled back: nothing is created.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from publisher.errors import InvalidInput, PublisherError
from publisher.i18n import t
from publisher.services import table_headers
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import posts
from publisher.services.table_headers import fold
from publisher.timeutil import TimeParseError, local_tz, parse_local

REQUIRED = ("time", "channels", "text")
OPTIONAL = ("media", "link", "campaign", "task", "theme", "audience")
VARIANT = "variant:"
#: How officers write each column's name (folded; the English name, which scripts and
#: ``publisher post import`` use, is always one of them).
SPELLINGS: dict[str, tuple[str, ...]] = {
    "time": (
        "Thời gian",
        "Ngày giờ",
        "Thời gian đăng",
        "Thời điểm",
        "Thời điểm đăng",
        "Giờ đăng",
        "Ngày giờ đăng",
        "at",
        "due_at",
    ),
    "channels": ("Kênh", "Kênh đăng", "Các kênh", "channel"),
    "text": ("Nội dung", "Nội dung bài", "Nội dung bài viết", "Bài viết"),
    "media": ("Ảnh/video", "Ảnh, video", "Ảnh và video", "Hình ảnh", "Ảnh", "Tệp đính kèm"),
    "link": ("Liên kết", "Đường dẫn", "Link"),
    "campaign": ("Chiến dịch",),
    "task": ("Nhiệm vụ", "Mã nhiệm vụ"),
    "theme": ("Chủ đề", "Lĩnh vực"),
    "audience": ("Đối tượng", "Nhóm đối tượng", "Đối tượng tiếp nhận"),
}
ALIASES = table_headers.aliases(SPELLINGS)
#: How the ``variant:`` prefix is written (before the ``:``, folded).
VARIANT_SPELLINGS = frozenset(
    fold(n) for n in ("variant", "Nội dung riêng", "Nội dung riêng cho", "Biến thể")
)
#: The catalogue key naming a column (Vietnamese by default).
LABEL = "import.col.{column}"
#: A table bigger than this is not a plan of posts but a mistake (or a bomb).
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 1000
#: A theme or target-group tag: short words, no control characters.
TAG_MAX = 80
_LIBRARY_ID = re.compile(r"^#?(\d{1,12})$")


@dataclass(frozen=True)
class LineError:
    """One refused line: its number in the file (the header is line 1) and why."""

    line: int
    reason: str

    def text(self) -> str:
        return t("import.line_error", line=self.line, reason=self.reason)


@dataclass
class ImportedRow:
    """A line that passed: what it creates (``post_id`` None in a dry run)."""

    line: int
    due_at: datetime
    channels: list[str]
    text: str
    post_id: int | None = None
    media: list[int] = field(default_factory=list)
    theme: list[str] = field(default_factory=list)
    audience: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[ImportedRow]
    errors: list[LineError]
    dry_run: bool

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> list[int]:
        return [r.post_id for r in self.rows if r.post_id is not None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "created": self.created,
            "rows": [
                {
                    "line": r.line,
                    "due_at": r.due_at.isoformat(),
                    "channels": r.channels,
                    "text": r.text,
                    "post_id": r.post_id,
                    "media": r.media,
                    "theme": r.theme,
                    "audience": r.audience,
                }
                for r in self.rows
            ],
            "errors": [{"line": e.line, "reason": e.reason} for e in self.errors],
        }


class ImportRefused(InvalidInput):
    """The table has bad lines; nothing was created. ``errors`` lists every one."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = errors
        super().__init__("import.refused", count=len(errors))

    def message(self, lang: str | None = None) -> str:
        return t("import.refused", lang, count=len(self.errors))


class HeaderColumns(InvalidInput):
    """Columns of the header row that are missing or repeated (``key``), named as the reader
    knows them: through ``label`` (a catalogue key with ``{column}`` in it) when the table
    has one, else as they are; ``named``: the column's own name follows its label when they
    differ («Thời gian» (time)), for the scripts that write the English names."""

    def __init__(
        self, key: str, columns: list[str], label: str | None = None, named: bool = False
    ) -> None:
        self.columns, self.label, self.named = columns, label, named
        super().__init__(key, columns=", ".join(columns))

    def message(self, lang: str | None = None) -> str:
        if self.label is None:
            return super().message(lang)
        names = []
        for column in self.columns:
            shown = t(self.label.format(column=column), lang)
            names.append(
                f"«{shown}» ({column})" if self.named and shown != column else f"«{shown}»"
            )
        return t(self.key, lang, columns=", ".join(names))


def read_table(
    filename: str,
    content: bytes,
    *,
    required: tuple[str, ...] = REQUIRED,
    optional: tuple[str, ...] = OPTIONAL,
    prefixed: bool = True,
    aliases: Mapping[str, str] | None = None,
    label: str | None = None,
    named: bool = False,
    unknown_key: str = "import.header_unknown",
) -> Iterator[tuple[int, dict[str, str]]]:
    """The table's lines as (line number, {column: value}) with the header checked
    (``required``/``optional`` columns, ``prefixed``: ``variant:<channel>`` columns too;
    the FAQ import passes its own). ``aliases`` (from :func:`.table_headers.aliases`): the
    header cells are folded (case, diacritics, ``_``) and looked up there, so Vietnamese and
    English names both work; ``label`` names a missing column in the reader's language, and
    ``named`` adds its own name (:class:`HeaderColumns`); ``unknown_key`` says an unknown
    column's message.

    Raises InvalidInput (one line) for a file that is not a readable CSV/XLSX table, is too
    big, or has a header without the required columns or with an unknown one."""
    if len(content) > MAX_BYTES:
        raise InvalidInput("import.too_big", mb=MAX_BYTES // (1024 * 1024))
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(content)
    elif suffix in (".csv", ".txt", ""):
        rows = _csv_rows(content)
    else:
        raise InvalidInput("import.unknown_format", name=Path(filename).name)
    header: list[str] | None = None
    count = 0
    for line, cells in rows:
        if header is None:
            if aliases is None:
                header = [_norm_header(c) for c in cells]
            else:
                header = [_alias_header(c, aliases, prefixed) for c in cells]
            _check_header(header, required, optional, prefixed, label, named, unknown_key)
            continue
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise InvalidInput("import.too_many_rows", max=MAX_ROWS)
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            yield line, {"__extra__": "1"}
            continue
        yield line, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}
    if header is None:
        raise InvalidInput("import.empty")


def _norm_header(cell: str) -> str:
    cell = cell.strip().lstrip("\ufeff")
    if cell.lower().startswith(VARIANT):
        return VARIANT + cell[len(VARIANT) :].strip()
    return cell.lower()


def _alias_header(cell: str, aliases: Mapping[str, str], prefixed: bool) -> str:
    """A header cell through ``aliases``; with ``prefixed``, «Nội dung riêng:Zalo» (any
    spelling of the prefix) is ``variant:Zalo``, the channel's name kept as typed."""
    cell = cell.lstrip("\ufeff").strip()
    if prefixed:
        head, colon, rest = cell.partition(":")
        if colon and rest.strip() and fold(head) in VARIANT_SPELLINGS:
            return VARIANT + rest.strip()
    return aliases.get(fold(cell), cell)


def template_csv(lang: str | None = None) -> bytes:
    """An empty plan to fill in (:func:`.table_headers.template_csv`)."""
    return table_headers.template_csv(LABEL, (*REQUIRED, *OPTIONAL), lang)


def _check_header(
    header: list[str],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    prefixed: bool,
    label: str | None,
    named: bool,
    unknown_key: str,
) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise HeaderColumns("import.header_missing", missing, label, named)
    for name in header:
        if name in required or name in optional:
            continue
        if prefixed and name.startswith(VARIANT) and len(name) > len(VARIANT):
            continue
        raise InvalidInput(unknown_key, column=name or "?")
    dupes = {h for h in header if header.count(h) > 1}
    if dupes:
        raise HeaderColumns("import.header_duplicate", sorted(dupes), label, named)


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("import.not_utf8") from exc
    if "\x00" in text:
        raise InvalidInput("import.not_a_table")
    # The separator from the header row: ``;`` from a Vietnamese Excel, ``,`` or a tab.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=table_headers.delimiter(text))
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput("import.csv_broken", line=start, detail=str(exc)[:120]) from exc


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise InvalidInput("import.not_a_table") from exc
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(v) for v in values]
    finally:
        book.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        # Excel keeps no zone: a typed date and time is the office's local time.
        aware = value if value.tzinfo else value.replace(tzinfo=local_tz())
        return aware.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _tags(value: str, column: str) -> list[str]:
    tags = _split(value)
    for tag in tags:
        if len(tag) > TAG_MAX or any(ord(c) < 32 for c in tag):
            raise InvalidInput("import.tag_invalid", column=column, value=tag[:40], max=TAG_MAX)
    return tags


def _time(value: str) -> datetime:
    raw = value.strip()
    if not raw:
        raise InvalidInput("import.time_missing")
    if "/" not in raw and "T" in raw and not re.search(r"(Z|[+-]\d{2}:?\d{2})$", raw):
        raise InvalidInput("import.time_offset_missing", value=raw)
    try:
        return parse_local(raw)
    except TimeParseError as exc:
        raise InvalidInput("import.time_invalid", value=raw) from exc


def _media(
    session: Session, actor: Actor, value: str, base: Path | None, channel: str
) -> list[int]:
    from publisher.services.publishing import channels as channels_svc
    from publisher.services.studio import library as media_svc

    ids: list[int] = []
    for ref in _split(value):
        m = _LIBRARY_ID.match(ref)
        if m:
            ids.append(int(m.group(1)))
            continue
        if base is None:
            raise InvalidInput("import.media_path_in_upload", value=ref)
        path = (base / ref).resolve()
        if not path.is_file():
            raise InvalidInput("import.media_missing", value=ref)
        org_id = channels_svc.get_channel(session, actor, channel).org_id
        asset = media_svc.add_file(session, actor, path, org_id=org_id)
        ids.append(int(asset.id or 0))
    return ids


def _one_line(
    session: Session, actor: Actor, line: int, row: dict[str, str], base: Path | None
) -> ImportedRow:
    if "__extra__" in row:
        raise InvalidInput("import.extra_cells")
    due_at = _time(row.get("time", ""))
    channels = _split(row.get("channels", ""))
    if not channels:
        raise InvalidInput("error.channels_required")
    variants = {
        name[len(VARIANT) :]: value
        for name, value in row.items()
        if name.startswith(VARIANT) and value.strip()
    }
    theme = _tags(row.get("theme", ""), t(LABEL.format(column="theme")))
    audience = _tags(row.get("audience", ""), t(LABEL.format(column="audience")))
    media = _media(session, actor, row.get("media", ""), base, channels[0])
    post = posts.compose(
        session,
        actor,
        posts.PostInput(
            text=row.get("text", ""),
            channels=channels,
            due_at=due_at,
            variants=variants,
            media_ids=media,
            link=row.get("link", "").strip() or None,
            campaign=row.get("campaign", "").strip() or None,
            task=row.get("task", "").strip() or None,
        ),
    )
    _store_tags(post, theme, audience)
    assert post.id is not None
    posts.submit(session, actor, post.id)
    return ImportedRow(
        line=line,
        due_at=due_at.astimezone(UTC),
        channels=channels,
        text=post.text,
        post_id=post.id,
        media=media,
        theme=theme,
        audience=audience,
    )


def _store_tags(post: Any, theme: list[str], audience: list[str]) -> None:
    """Theme and target-group tags go on the post where the model has them (added by the
    tagging work); until then they are checked and reported, not stored."""
    for name, value in (("themes", theme), ("audiences", audience)):
        if value and hasattr(post, name):
            setattr(post, name, value)


def check(
    session: Session,
    actor: Actor,
    filename: str,
    content: bytes,
    *,
    base_dir: Path | None = None,
) -> ImportResult:
    """A dry run that reports bad lines instead of raising (the upload's preview): every
    line is tried as :func:`run` would, then everything is rolled back. Raises InvalidInput
    only when the file itself is not a usable table."""
    return _attempt(session, actor, filename, content, dry_run=True, base_dir=base_dir)


def run(
    session: Session,
    actor: Actor,
    filename: str,
    content: bytes,
    *,
    dry_run: bool = False,
    base_dir: Path | None = None,
) -> ImportResult:
    """Import every line of the table or none.

    Returns the result of a dry run, or of an import that created a post per line (each sent
    for review, one ``post.import`` audit row for the file). Raises :class:`ImportRefused`
    with every bad line (nothing created), or InvalidInput when the file itself is not a
    usable table. ``base_dir``: where relative media paths point (the CLI: the table's
    folder); None refuses media paths (an upload)."""
    result = _attempt(session, actor, filename, content, dry_run=dry_run, base_dir=base_dir)
    if result.errors:
        raise ImportRefused(result.errors)
    if not dry_run:
        audit.record(
            session,
            actor,
            "post.import",
            "post",
            None,
            org_id=actor.org_id,
            after={"file": Path(filename).name[:200], "created": result.created},
        )
    return result


def _attempt(
    session: Session,
    actor: Actor,
    filename: str,
    content: bytes,
    *,
    dry_run: bool,
    base_dir: Path | None,
) -> ImportResult:
    actor.require("post.compose")
    outer = session.begin_nested()
    rows: list[ImportedRow] = []
    errors: list[LineError] = []
    try:
        for line, row in read_table(filename, content, aliases=ALIASES, label=LABEL, named=True):
            inner = session.begin_nested()
            try:
                rows.append(_one_line(session, actor, line, row, base_dir))
                inner.commit()
            except PublisherError as exc:
                inner.rollback()
                errors.append(LineError(line, exc.message()))
        if not rows and not errors:
            raise InvalidInput("import.no_rows")
    except BaseException:
        outer.rollback()
        raise
    if errors or dry_run:
        outer.rollback()
        for r in rows:
            r.post_id = None
        return ImportResult(rows, errors, dry_run=True)
    outer.commit()
    return ImportResult(rows, [], dry_run=False)
