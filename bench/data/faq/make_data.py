"""Write the benchmark's tables from the hand-written sources beside this file.

    python -m bench.data.faq.make_data

- ``base.csv``: the 300-answer knowledge base (importable: ``publisher faq import``).
- ``dev.csv``: questions for tuning the thresholds and weights.
- ``test.csv``: the held-out questions, never looked at while tuning.

Both question sets have the columns ``question``, ``expected`` (the base question of the right
answer; empty: outside the base, the right reply is «không biết») and ``form`` (plain,
no_diacritics, abbreviation, typo). The dev and held-out questions come from different
hand-written lines (``D:``/``T:``, ``DEV_ASPECT``/``TEST_ASPECT``, the [dev]/[test] halves of
outside.txt); the noise (diacritics removed, abbreviations, typos) uses different seeds.
"""

from __future__ import annotations

import csv
import random
import re
import unicodedata
from pathlib import Path

from bench.data.faq.procedures import ASPECTS, DEV_ASPECT, PROCEDURES, TEST_ASPECT

HERE = Path(__file__).parent

#: Abbreviations people type (a phrase -> what they write instead).
ABBREVIATE = [
    ("chuyển đổi số", "CĐS"),
    ("khoa học và công nghệ", "KH&CN"),
    ("khoa học công nghệ", "KHCN"),
    ("đổi mới sáng tạo", "ĐMST"),
    ("dịch vụ công", "DVC"),
    ("doanh nghiệp", "DN"),
    ("sở hữu trí tuệ", "SHTT"),
    ("tài khoản", "tk"),
    ("đăng ký", "đk"),
    ("hồ sơ", "hs"),
    ("không", "ko"),
    ("được", "dc"),
    ("như thế nào", "ntn"),
]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def abbreviate(text: str) -> str | None:
    out = text
    for phrase, short in ABBREVIATE:
        out = re.sub(re.escape(phrase), short, out, flags=re.IGNORECASE)
    return out if out != text else None


def typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 4]
    for i in rng.sample(long, min(len(long), 1 + (len(long) > 5))):
        w = words[i]
        j = rng.randrange(1, len(w) - 1)
        kind = rng.choice(("swap", "drop", "double"))
        if kind == "swap":
            w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        elif kind == "drop":
            w = w[:j] + w[j + 1 :]
        else:
            w = w[:j] + w[j] + w[j:]
        words[i] = w
    return " ".join(words)


def noisy(question: str, n: int, rng: random.Random) -> tuple[str, str]:
    """One of four forms, in turn: as written, without diacritics, abbreviated, a typo."""
    form = ("plain", "no_diacritics", "abbreviation", "typo")[n % 4]
    if form == "no_diacritics":
        return fold(question), form
    if form == "abbreviation":
        short = abbreviate(question)
        return (short, form) if short else (typo(question, rng), "typo")
    if form == "typo":
        return typo(question, rng), form
    return question, form


def standalone() -> list[dict[str, str]]:
    blocks = (HERE / "standalone.txt").read_text(encoding="utf-8").split("\n@")[1:]
    out = []
    for block in blocks:
        head, *lines = block.strip().split("\n")
        key, theme, source = head.split("|")
        fields = {line[:1]: line[3:].strip() for line in lines if line[1:3] == ": "}
        out.append(
            {
                "key": key,
                "question": fields["Q"],
                "answer": fields["A"],
                "source_url": source,
                "variants": fields["V"],
                "theme": theme,
                "dev": fields["D"],
                "test": fields["T"],
            }
        )
    return out


def procedures() -> list[dict[str, str]]:
    out = []
    for key, official, everyday, theme, purpose, source in PROCEDURES:
        for aspect, (question, variants, answer) in ASPECTS.items():
            fill = {"p": official, "q": everyday, "purpose": purpose}
            q = question.format(**fill)
            out.append(
                {
                    "key": f"{key}:{aspect}",
                    "question": q[0].upper() + q[1:],
                    "answer": answer.format(**fill),
                    "source_url": source,
                    "variants": "|".join(v.format(**fill) for v in variants),
                    "theme": theme,
                    "procedure": everyday,
                    "aspect": aspect,
                }
            )
    return out


def main() -> None:
    single, proc = standalone(), procedures()
    base = single + proc
    assert len(base) == 300, len(base)
    with (HERE / "base.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["question", "answer", "source_url", "variants", "theme"])
        for row in base:
            writer.writerow(
                [row[k] for k in ("question", "answer", "source_url", "variants", "theme")]
            )
    outside = (HERE / "outside.txt").read_text(encoding="utf-8").split("[test]")
    for name, seed, lines_key, templates, out_part in (
        ("dev", 1, "dev", DEV_ASPECT, outside[0].split("[dev]")[1]),
        ("test", 2, "test", TEST_ASPECT, outside[1]),
    ):
        rng = random.Random(seed)
        rows: list[tuple[str, str, str]] = []
        for row in single:
            rows.append((row[lines_key], row["question"], ""))
        # Two thirds of the procedure questions (the same share in both sets), chosen apart.
        picked = rng.sample(proc, 130)
        for row in picked:
            template = rng.choice(templates[row["aspect"]])
            rows.append((template.format(q=row["procedure"]), row["question"], ""))
        noisy_rows = []
        for n, (question, expected, _) in enumerate(rows):
            text, form = noisy(question, n, rng)
            noisy_rows.append((text, expected, form))
        for line in out_part.strip().splitlines():
            if line.strip() and not line.startswith("#"):
                noisy_rows.append((line.strip(), "", "outside"))
        with (HERE / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["question", "expected", "form"])
            writer.writerows(noisy_rows)


if __name__ == "__main__":
    main()
