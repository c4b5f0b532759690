"""Vietnamese text written for listening: numbers, dates, times, percentages and the plan's
abbreviations read out in words; links, e-mail addresses, hashtags and emoji removed.

Written here rather than taken from PyPI (see ``docs/bulletins.md``): ``vinorm`` runs a
bundled binary and was last released in 2020; ``soe-vinorm`` downloads its models from a hub
at run time and pins ``numpy<2``; ``num2words``'s Vietnamese reads 2026 as «hai nghìn lẻ hai
mươi sáu» and 2,5 as «hai phẩy năm mươi». What a bulletin needs is small and table-tested.

Pure functions over ``str``; nothing here raises on any input.
"""

from __future__ import annotations

import re
import unicodedata

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ")

#: Abbreviations of the plan and of administration, read in full. Longest first when
#: matched (``KH&CN`` before ``KH``). Case-sensitive: «KH» is a plan, «kh» is not a word.
ABBREVIATIONS: dict[str, str] = {
    "KH&CN": "khoa học và công nghệ",
    "KHCN": "khoa học và công nghệ",
    "KH-CN": "khoa học và công nghệ",
    "S&T": "khoa học và công nghệ",
    "ĐMST": "đổi mới sáng tạo",
    "CĐS": "chuyển đổi số",
    "CNTT": "công nghệ thông tin",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "MTTQ": "Mặt trận Tổ quốc",
    "ĐBQH": "đại biểu Quốc hội",
    "BCĐ": "Ban Chỉ đạo",
    "BCH": "Ban Chấp hành",
    "KT-XH": "kinh tế - xã hội",
    "NĐ-CP": "nghị định của Chính phủ",
    "QĐ-TTg": "quyết định của Thủ tướng Chính phủ",
    "NQ-TW": "nghị quyết của Trung ương",
    "NQ/TW": "nghị quyết của Trung ương",
    "THPT": "trung học phổ thông",
    "THCS": "trung học cơ sở",
    "TP.": "thành phố",
    "TP": "thành phố",
    "TW": "Trung ương",
    "TƯ": "Trung ương",
    "CP": "Chính phủ",
    "KH": "kế hoạch",
    "QĐ": "quyết định",
    "NQ": "nghị quyết",
    "AI": "trí tuệ nhân tạo",
    "VNĐ": "đồng",
    "VND": "đồng",
    "USD": "đô la Mỹ",
}

#: Units after a number.
UNITS: dict[str, str] = {
    "km2": "ki lô mét vuông",
    "km²": "ki lô mét vuông",
    "m2": "mét vuông",
    "m²": "mét vuông",
    "km": "ki lô mét",
    "kg": "ki lô gam",
    "ha": "héc ta",
    "tr": "triệu",
    "đ": "đồng",
}

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_DANGLING = re.compile(r"\s+(?:xem tại|tại địa chỉ|tại|xem)\s*(?=[.,;:!?]|\s*$)", re.M)
#: A link or address with the words that point at it: «xem tại <link>», «qua: <email>».
_POINTED = re.compile(
    r"\s*(?:xem tại|tại địa chỉ|tại|qua|ở|xem)?\s*:?\s*(?:(?:https?://|www\.)\S+|\S+@\S+\.\w+)",
    re.IGNORECASE,
)
#: Words that only point at a link: a sentence of these and a link is not read at all.
_POINTER_WORDS = frozenset(
    "thông tin chi tiết xem thêm tại ở qua địa chỉ liên hệ đường dẫn link trang website web "
    "truy cập nhé đọc tìm hiểu đăng ký bài viết tham khảo theo".split()
)
#: A Vietnamese phone number (0 or +84 then 8-10 digits, spaced or dotted): read digit by digit.
_PHONE = re.compile(r"(?<![\w.,/])(?:\+84|0)(?:[ .]?\d){8,10}(?![\w/])")
_TAG = re.compile(r"(?<!\w)[#@][\w_]+")
_DATE = re.compile(r"(?:\b[Nn]gày\s+)?\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?\b")
_MONTH_YEAR = re.compile(r"\b([Tt]háng)\s+(\d{1,2})[/.-](\d{4})\b")
_TIME = re.compile(r"\b(\d{1,2})\s*(?:h|giờ|:)\s*(\d{2})?(?:\s*phút)?(?![\w/])")
_RANGE = re.compile(r"\b(\d{4})\s*[-–]\s*(\d{4})\b")
_PERCENT = re.compile(r"(\d+(?:,\d+)?)\s*%")
_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
_UNIT = re.compile(
    r"(\d)\s*(" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + r")\b"
)
_SPACES = re.compile(r"[ \t]+")
#: A document number: «45/KH-UBND», «13/2026/NĐ-CP» -> the number, then its code's words.
_DOCUMENT = re.compile(r"\b(\d+)((?:/\d{4})?)/([A-ZĐ][\w&]*(?:[-/][A-ZĐ][\w&]*)*)")


def number(n: int) -> str:
    """``n`` (0 or more) in Vietnamese words: 2026 -> «hai nghìn không trăm hai mươi sáu»."""
    if n == 0:
        return DIGITS[0]
    groups: list[int] = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    if len(groups) > len(SCALES):  # beyond trillions: read digit by digit
        return digits("".join(str(g).zfill(3) for g in reversed(groups)).lstrip("0"))
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        leading = index == len(groups) - 1
        words.append(_hundreds(group, full=not leading))
        if SCALES[index]:
            words.append(SCALES[index])
    return " ".join(w for w in words if w)


def _hundreds(n: int, *, full: bool) -> str:
    """A group of three digits; ``full``: not the first group, so «không trăm» is read."""
    h, rest = divmod(n, 100)
    t, u = divmod(rest, 10)
    parts: list[str] = []
    if h or full:
        parts += [DIGITS[h], "trăm"]
    if t == 0:
        if u and parts:
            parts += ["lẻ", DIGITS[u]]
        elif u:
            parts.append(DIGITS[u])
        return " ".join(parts)
    parts += ["mười"] if t == 1 else [DIGITS[t], "mươi"]
    if u == 1 and t > 1:
        parts.append("mốt")
    elif u == 5:
        parts.append("lăm")
    elif u:
        parts.append(DIGITS[u])
    return " ".join(parts)


def digits(text: str) -> str:
    """Each digit of ``text`` in words (phone numbers, decimals starting with 0)."""
    return " ".join(DIGITS[int(c)] for c in text if c.isdigit())


def decimal(text: str) -> str:
    """A Vietnamese-written number: «1.500» (thousands), «2,5» (decimal comma)."""
    whole, _, frac = text.replace(".", "").partition(",")
    spoken = number(int(whole or "0"))
    if frac:
        spoken += " phẩy " + (digits(frac) if frac.startswith("0") else number(int(frac)))
    return spoken


def date(day: int, month: int, year: int | None) -> str | None:
    """«ngày mười tháng mười năm hai nghìn không trăm hai mươi sáu»; None when not a date."""
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    spoken = f"ngày {number(day)} tháng {'tư' if month == 4 else number(month)}"
    if year is not None:
        spoken += f" năm {number(year)}"
    return spoken


def ordinal(n: int) -> str:
    """«thứ nhất», «thứ hai», «thứ tư»... (1 and 4 have their own words)."""
    return {1: "thứ nhất", 4: "thứ tư"}.get(n, f"thứ {number(n)}")


def _date(m: re.Match[str]) -> str:
    spoken = date(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    return spoken if spoken is not None else m.group(0)


def _time(m: re.Match[str]) -> str:
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 24 or minute > 59:
        return m.group(0)
    return f"{number(hour)} giờ" + (f" {number(minute)} phút" if minute else "")


def _document(m: re.Match[str]) -> str:
    code = m.group(3)
    year = f" năm {m.group(2)[1:]}" if m.group(2) else ""
    if code in ABBREVIATIONS:  # «NQ/TW» is one abbreviation
        return f"{m.group(1)}{year} {ABBREVIATIONS[code]}"
    parts = [ABBREVIATIONS.get(p, p) for p in re.split(r"[-/]", code)]
    return f"{m.group(1)}{year} " + " ".join(parts)


def _abbreviations(text: str) -> str:
    for short in sorted(ABBREVIATIONS, key=len, reverse=True):
        # Not inside a longer word or code: «KH» in «KHCN» was replaced already.
        text = re.sub(
            rf"(?<![\w&]){re.escape(short)}(?![\w&])", ABBREVIATIONS[short], text, flags=0
        )
    return text


def _strip_symbols(text: str) -> str:
    """Emoji, pictographs and decoration removed; letters, digits, punctuation kept."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("So", "Sk", "Cs", "Co", "Cn") or ch in "\u200d\ufe0f*_~`|<>[]{}^•▪►→✓":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _without_links(line: str) -> str:
    """Links and addresses out of a line; a sentence that only pointed at one goes too.

    «Thông tin chi tiết tại <link>.» is dropped whole (read without its link it says
    nothing); «Đăng ký tại <link> hoặc gọi ...» keeps «Đăng ký hoặc gọi ...».
    """
    kept = []
    for sentence in re.split(r"(?<=[.!?])\s+", line):
        if not (_URL.search(sentence) or _EMAIL.search(sentence)):
            kept.append(sentence)
            continue
        rest = _POINTED.sub(" ", sentence)
        words = re.findall(r"\w+", _TAG.sub(" ", rest).lower())
        if all(word in _POINTER_WORDS for word in words):
            continue
        kept.append(rest)
    return " ".join(kept)


def _phone(text: str) -> str:
    """«0912 345 678», «+84 912...» read digit by digit, as a number is dialled."""
    if text.startswith("+84"):
        text = "0" + text[3:]
    return digits(text)


def _tidy(line: str) -> str:
    """Spaces collapsed, no space before punctuation, no «: .» left by removed words."""
    line = _SPACES.sub(" ", line)
    line = re.sub(r"\s+([.,;:!?])", r"\1", line)
    line = re.sub(r"[:;,]+(?=[.!?])", "", line)
    return line.strip(" -–—:;,")


def for_listening(text: str) -> str:
    """``text`` as it should be read aloud. Raises nothing."""
    text = unicodedata.normalize("NFC", text or "")
    text = "\n".join(_without_links(line) for line in text.splitlines())
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _strip_symbols(text)
    # «Chi tiết tại <link>.» without its link: drop the dangling «tại».
    text = _DANGLING.sub("", text)
    text = _PHONE.sub(lambda m: f" {_phone(m.group(0))} ", text)
    text = _DOCUMENT.sub(_document, text)
    text = _MONTH_YEAR.sub(
        lambda m: f"{m.group(1)} {number(int(m.group(2)))} năm {number(int(m.group(3)))}", text
    )
    text = _DATE.sub(_date, text)
    text = _RANGE.sub(lambda m: f"{number(int(m.group(1)))} đến {number(int(m.group(2)))}", text)
    text = _TIME.sub(_time, text)
    text = _PERCENT.sub(lambda m: f" {decimal(m.group(1))} phần trăm", text)
    text = _UNIT.sub(lambda m: f"{m.group(1)} {UNITS[m.group(2)]}", text)
    text = _abbreviations(text)
    text = re.sub(r"(\d)\s*/\s*(\d)", r"\1 trên \2", text)
    text = _NUMBER.sub(lambda m: f" {decimal(m.group(0))} ", text)
    text = text.replace("&", " và ").replace("/", " ").replace("+", " cộng ")
    lines = [_tidy(line) for line in text.splitlines()]
    sentences = []
    for line in lines:
        if not line:
            continue
        if line[-1] not in ".!?…":
            line += "."  # a line without a full stop still gets its pause
        sentences.append(line)
    return " ".join(sentences)
