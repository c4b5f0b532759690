"""What the FAQ bot says: platform-neutral answers to a citizen's message or button.

The bots (``publisher/engine/faqbot.py`` for Telegram, ``faqbot_zalo.py`` for Zalo OA)
turn a platform update into :func:`respond` / :func:`on_button` calls and send the
:class:`BotReply` back. Every answer comes from the knowledge base through
:func:`publisher.services.publishing.faq_search.ask` and shows its source; when nothing fits
the question goes to the staff inbox (:mod:`faq_inbox`) — the bot never makes text up.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from publisher.errors import PublisherError
from publisher.i18n import t
from publisher.services.publishing import faq_inbox

#: Longer messages get a polite "please ask briefly" (a question is a sentence or two).
TEXT_MAX = 1000
#: Inline keyboard button text shown for a suggested question.
BUTTON_TEXT_MAX = 60
VI = "vi"
FEEDBACK, SUGGESTION, HANDOVER = "fb", "q", "ho"
#: A Vietnamese syllable written without marks: onset, one to three vowels, coda. English
#: words mostly do not fit ("what", "is", "register", "account"); Vietnamese ones all do.
_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(ch|nh|ng|[cmnpt])?"
)
# Letters Vietnamese is written with, beyond ASCII (any of them: the text is Vietnamese).
_VI_LETTERS = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
_QUOTED = re.compile(r"«(.+)»", re.DOTALL)


@dataclass(frozen=True)
class Button:
    text: str
    data: str


@dataclass(frozen=True)
class BotReply:
    """What to send: a message (``text`` with inline ``buttons``, rows of buttons) and/or a
    short notice for a pressed button (``toast``). Empty text: send no message."""

    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    toast: str = ""
    handed_over: bool = False


def screen(text: str) -> str | None:
    """Why a message gets a canned reply instead of a search: ``"empty"`` (say nothing),
    ``"too_long"``, ``"no_words"`` (emoji, digits, punctuation), ``"language"`` — or None."""
    body = (text or "").strip()
    if not body:
        return "empty"
    if len(body) > TEXT_MAX:
        return "too_long"
    letters = [ch for ch in body if unicodedata.category(ch).startswith("L")]
    if not letters:
        return "no_words"
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, "") or ch.isascii())
    if latin < len(letters) * 0.8:
        return "language"  # Chinese, Khmer, Cyrillic...: not a Vietnamese question
    lowered = body.lower()
    if not _VI_LETTERS.search(lowered):
        words = re.findall(r"[a-z]+", lowered)
        foreign = sum(1 for w in words if not _SYLLABLE.fullmatch(w))
        # Over 60%: an abbreviation or two ("mk", "vneid") do not make a question foreign.
        if len(words) >= 3 and foreign * 5 > len(words) * 3:
            return "language"
    return None


#: Catalogue keys of the questions offered as buttons under the /start greeting (a press
#: asks the knowledge base that question, like a suggestion).
GREETING_QUESTIONS = ("faqbot.example.1", "faqbot.example.2", "faqbot.example.3")


def greeting() -> BotReply:
    """The /start message: what the bot does, and a few questions to press."""
    rows = tuple(
        (Button(t(key, VI), f"{SUGGESTION}:g{n}"),) for n, key in enumerate(GREETING_QUESTIONS, 1)
    )
    return BotReply(text=t("faqbot.greeting", VI), buttons=rows)


def respond(
    session: Session,
    *,
    channel_id: int,
    org_id: int,
    chat_id: str,
    display_name: str,
    text: str,
    now: datetime,
) -> BotReply:
    """The bot's answer to a citizen's message (in the caller's transaction)."""
    from publisher.services.publishing import faq_search

    problem = screen(text)
    if problem == "empty":
        return BotReply()
    if problem is not None:
        return BotReply(text=t(f"faqbot.screen.{problem}", VI))
    found = faq_search.ask(
        session, text.strip(), org_id=org_id, now=now, log=True, channel_id=channel_id
    )
    if found.answered:
        body = f"{found.answer}\n\n{t('faqbot.source', VI, url=found.source_url)}"
        rows: tuple[tuple[Button, ...], ...] = ()
        if found.query_id is not None:
            rows = (
                (
                    Button("👍", f"{FEEDBACK}:{found.query_id}:1"),
                    Button("👎", f"{FEEDBACK}:{found.query_id}:0"),
                ),
            )
        return BotReply(text=body, buttons=rows)
    if found.suggestions:
        rows = tuple(
            (Button(_short(s.question), f"{SUGGESTION}:{s.answer_id}"),)
            for s in found.suggestions[:3]
        )
        rows += ((Button(t("faqbot.button.staff", VI), HANDOVER),),)
        return BotReply(text=t("faqbot.unsure", VI, question=text.strip()), buttons=rows)
    faq_inbox.hand_over(
        session,
        channel_id=channel_id,
        chat_id=chat_id,
        display_name=display_name,
        question=text,
        now=now,
    )
    return BotReply(text=t("faqbot.handed_over", VI), handed_over=True)


def on_button(
    session: Session,
    *,
    channel_id: int,
    org_id: int,
    chat_id: str,
    display_name: str,
    data: str,
    message_text: str,
    buttons: dict[str, str],
    now: datetime,
) -> BotReply:
    """The bot's answer to a pressed button: ``data`` is the button's data, ``message_text``
    and ``buttons`` (data -> text) the message it sat under. Unknown data: a polite toast."""
    from publisher.services.publishing import faq_search

    kind, _, rest = data.partition(":")
    if kind == FEEDBACK:
        query, _, vote = rest.partition(":")
        if query.isdigit() and vote in ("0", "1"):
            try:
                faq_search.feedback(session, int(query), helpful=vote == "1", now=now)
            except PublisherError:  # a forgotten question (retention) or not an answer
                return BotReply(toast=t("faqbot.button_expired", VI))
            return BotReply(toast=t("faqbot.thanks", VI))
    elif kind == SUGGESTION and data in buttons:
        return respond(
            session,
            channel_id=channel_id,
            org_id=org_id,
            chat_id=chat_id,
            display_name=display_name,
            text=buttons[data],
            now=now,
        )
    elif kind == HANDOVER:
        quoted = _QUOTED.search(message_text or "")
        if quoted:
            faq_inbox.hand_over(
                session,
                channel_id=channel_id,
                chat_id=chat_id,
                display_name=display_name,
                question=quoted.group(1),
                now=now,
            )
            return BotReply(text=t("faqbot.handed_over", VI), handed_over=True)
    return BotReply(toast=t("faqbot.button_expired", VI))


def staff_message(reply: str) -> str:
    """A staff reply as the citizen receives it."""
    return t("faqbot.staff_reply", VI, reply=reply)


def _short(question: str) -> str:
    text = " ".join(question.split())
    return text if len(text) <= BUTTON_TEXT_MAX else text[: BUTTON_TEXT_MAX - 1] + "…"
