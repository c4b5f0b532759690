"""Vietnamese text as the knowledge base matches it (pure functions, no database).

People write to a bot with or without diacritics, with abbreviations (CĐS, ĐMST, KH&CN, DVC)
and typos. Matching therefore works on *folded* syllables: lower case, diacritics removed,
``đ`` -> ``d``; abbreviations are expanded to the words they stand for (on both sides, so a
stored «Chuyển đổi số» and a typed "CĐS" meet); empty particles (ạ, nhé, cho hỏi) are dropped;
and consecutive syllables form bigrams, which stand in for Vietnamese word segmentation (most
words are two syllables: «đăng ký», «tài khoản», «định danh»).
"""

from __future__ import annotations

import itertools
import re
import unicodedata

#: Folded abbreviation -> the folded words it stands for. Only forms no Vietnamese syllable
#: takes, so that an expansion never fires on an ordinary word.
ABBREVIATIONS: dict[str, str] = {
    "cds": "chuyen doi so",
    "dmst": "doi moi sang tao",
    "khcn": "khoa hoc cong nghe",
    "kh&cn": "khoa hoc cong nghe",
    "khkt": "khoa hoc ky thuat",
    "dvc": "dich vu cong",
    "dvctt": "dich vu cong truc tuyen",
    "cccd": "can cuoc cong dan",
    "cmnd": "chung minh nhan dan",
    "shtt": "so huu tri tue",
    "tthc": "thu tuc hanh chinh",
    "ubnd": "uy ban nhan dan",
    "skhcn": "so khoa hoc cong nghe",
    "bkhcn": "bo khoa hoc cong nghe",
    "dnkn": "doanh nghiep khoi nghiep",
    "dn": "doanh nghiep",
    "dmstkn": "doi moi sang tao khoi nghiep",
    "ktxh": "kinh te xa hoi",
    "bhxh": "bao hiem xa hoi",
    "bhyt": "bao hiem y te",
    "gcn": "giay chung nhan",
    "tk": "tai khoan",
    "dk": "dang ky",
    "dki": "dang ky",
    "dky": "dang ky",
    "hs": "ho so",
    "mk": "mat khau",
    "sdt": "so dien thoai",
    "ntn": "nhu the nao",
    "dc": "duoc",
    "ko": "khong",
    "k": "khong",
    "kg": "khong",
    "j": "gi",
    "ad": "",
    "vneid": "vneid dinh danh dien tu",
    "tmdt": "thuong mai dien tu",
    "cntt": "cong nghe thong tin",
    "ai": "tri tue nhan tao",
    "iot": "internet van vat",
    "ptn": "phong thi nghiem",
    "tcvn": "tieu chuan viet nam",
    "qcvn": "quy chuan viet nam",
    "nckh": "nghien cuu khoa hoc",
}

#: Folded particles and courtesy words that carry no meaning for matching. Question words
#: that do («bao nhiêu», «ở đâu», «bao lâu», «gì») are kept: they tell a fee from a deadline.
STOP_WORDS: frozenset[str] = frozenset(
    # Folding merges syllables: «đăng» and «đang» are both "dang", «để» and «đề» "de",
    # «bạn» and «bản» "ban" -- so only words whose every folded reading is empty are here.
    """a ah ak alo oi nhe nhi ha u ui ua vay toi tui minh em la cua va cac mot nay
    nhung duoc roi xin vui long giup khong lam ra voi""".split()
)

_TOKEN = re.compile(r"[a-z&]+|[0-9]+")
#: «ký»/«kí», «lý»/«lí», «kỹ»/«kĩ»: both spellings are taught; match them as one.
_FINAL_Y = re.compile(r"(?<=^[bcdghklmnpqrstvx])y$|(?<=^[cgknpt]h)y$")


def fold(text: str) -> str:
    """Lower case without diacritics (``đ`` -> ``d``), NFC input or not."""
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d").replace("\u0111", "d")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def normalise(text: str) -> str:
    """The question as it is logged: NFC, lower case, spaces collapsed (diacritics kept)."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def syllables(text: str) -> list[str]:
    """Folded syllables with abbreviations expanded and stop words removed."""
    out: list[str] = []
    for raw in _TOKEN.findall(fold(text)):
        expanded = ABBREVIATIONS.get(raw)
        for word in (expanded if expanded is not None else raw).split():
            word = _FINAL_Y.sub("i", word.strip("&"))
            if word and word not in STOP_WORDS:
                out.append(word)
    return out


def features(words: list[str]) -> list[str]:
    """Unigrams and syllable bigrams (``"dang_ky"``) of a syllable list."""
    return words + [f"{a}_{b}" for a, b in itertools.pairwise(words)]


def edits1(word: str) -> set[str]:
    """The single-character deletions of ``word`` (SymSpell's trick: two words within one
    edit share a deletion, or one is a deletion of the other)."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}
