"""The FAQ bot on Telegram: python-telegram-bot long polling against the Bot API emulator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from publisher.db import session_scope
from publisher.models import FaqAnswer, FaqHandover, FaqQuery
from publisher.services.publishing import faq_inbox, faq_search
from tests.bots.conftest import TOKEN, VNEID, BotRig


def buttons(message: dict) -> list[dict]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b for row in rows for b in row]


def test_a_question_with_diacritics_gets_the_approved_answer_and_its_source(rig: BotRig) -> None:
    chat = rig.say("làm sao để đăng ký tài khoản định danh điện tử mức 2?")
    (answer,) = rig.reply_count(chat, 1)
    assert "VNeID" in answer["text"]
    assert f"Nguồn: {VNEID}" in answer["text"]
    assert [b["text"] for b in buttons(answer)] == ["👍", "👎"]


def test_the_same_question_without_diacritics_gets_the_same_answer(rig: BotRig) -> None:
    chat = rig.say("lam sao de dang ky tai khoan dinh danh dien tu muc 2", user_id=502)
    (answer,) = rig.reply_count(chat, 1)
    assert f"Nguồn: {VNEID}" in answer["text"]


def test_the_thumbs_up_button_records_that_the_answer_helped(rig: BotRig) -> None:
    chat = rig.say("Ngày Chuyển đổi số quốc gia là ngày nào?", user_id=503)
    (answer,) = rig.reply_count(chat, 1)
    up = next(b for b in buttons(answer) if b["text"] == "👍")
    rig.sb.citizen_presses(TOKEN, answer["message_id"], up["callback_data"], user_id=503)
    rig.wait_for(lambda: rig.sb.chat(chat)["callback_answers"])
    assert rig.sb.chat(chat)["callback_answers"][-1]["text"] == "Cảm ơn bạn đã góp ý!"
    with session_scope() as session:
        query = session.exec(select(FaqQuery).where(FaqQuery.helpful.is_not(None))).one()
    assert query.helpful is True


def test_an_unknown_question_reaches_the_inbox_and_the_staff_reply_arrives_in_the_chat(
    rig: BotRig,
) -> None:
    chat = rig.say("Quán phở nào ngon nhất gần chợ Biên Hòa vậy bạn?", user_id=504, name="Lan")
    (handed,) = rig.reply_count(chat, 1)
    assert "chuyển tới cán bộ" in handed["text"]
    editor = rig.office.actor("editor")
    with session_scope() as session:
        (row,) = faq_inbox.list_handovers(session, editor, status="open")
        assert (row.chat_id, row.display_name) == (str(chat), "Lan")
        assert "phở" in row.question
        faq_inbox.reply(
            session, editor, row.id, "Câu hỏi này ngoài phạm vi của Sở.", now=datetime.now(UTC)
        )
    messages = rig.reply_count(chat, 2)
    assert messages[-1]["text"] == "Cán bộ trả lời:\nCâu hỏi này ngoài phạm vi của Sở."
    rig.wait_for(lambda: _status(row.id) == "answered")


def _status(handover_id: int) -> str:
    with session_scope() as session:
        row = session.get(FaqHandover, handover_id)
        return row.status if row else ""


def test_start_greets_with_questions_to_press_and_a_press_answers(rig: BotRig) -> None:
    chat = rig.say("/start", user_id=505)
    (greeting,) = rig.reply_count(chat, 1)
    assert greeting["text"].startswith("Xin chào!")
    first = buttons(greeting)[0]
    assert first["text"] == "Làm sao để đăng ký tài khoản định danh điện tử mức 2?"
    rig.sb.citizen_presses(TOKEN, greeting["message_id"], first["callback_data"], user_id=505)
    assert f"Nguồn: {VNEID}" in rig.reply_count(chat, 2)[1]["text"]


def test_emoji_only_and_foreign_messages_get_a_short_polite_reply_and_empty_ones_nothing(
    rig: BotRig,
) -> None:
    chat = rig.say("   ", user_id=506)
    rig.say("😀😀👍", user_id=506)
    first = rig.reply_count(chat, 1)[0]
    assert first["text"] == "Bạn vui lòng gõ câu hỏi bằng chữ để tôi có thể trả lời."
    rig.say("How do I register an electronic identity account?", user_id=506)
    second = rig.reply_count(chat, 2)[1]
    assert second["text"] == "Xin lỗi, hiện tôi chỉ trả lời câu hỏi bằng tiếng Việt."
    rig.say("x" * 5000, user_id=507)
    (long,) = rig.reply_count(507, 1)
    assert long["text"].startswith("Tin nhắn quá dài.")
    assert len(rig.bot_messages(chat)) == 2  # the blank message got no answer


def test_one_citizens_flood_is_dropped_and_another_citizen_is_still_answered(
    rig: BotRig,
) -> None:
    flood = [rig.say(f"câu hỏi số {i} về chuyển đổi số", user_id=601) for i in range(40)]
    other = rig.say("Ngày Chuyển đổi số quốc gia là ngày nào?", user_id=602)
    (answer,) = rig.reply_count(other, 1)
    assert "10 tháng 10" in answer["text"]
    # The flood was not queued: its burst (3) plus one "slow down" notice, nothing more.
    rig.wait_for(lambda: rig.bot.answered >= 4)
    flooded = rig.bot_messages(flood[0])
    assert len(flooded) <= 4
    assert any(m["text"].startswith("Bạn gửi tin nhắn hơi nhanh") for m in flooded)


def test_a_malformed_update_is_ignored_and_the_bot_goes_on_answering(rig: BotRig) -> None:
    rig.sb.citizen_says(TOKEN, "", user_id=701, raw={"message": {"chat": "not a chat"}})
    rig.sb.citizen_says(TOKEN, "", user_id=701, raw={"callback_query": 5})
    chat = rig.say("Ngày Chuyển đổi số quốc gia là ngày nào?", user_id=701)
    messages = rig.reply_count(chat, 1)
    assert len(messages) == 1 and "10 tháng 10" in messages[0]["text"]


def test_in_a_group_the_bot_answers_only_when_mentioned(rig: BotRig) -> None:
    group = {"chat_type": "group", "chat_id": -4001}
    rig.say("Ngày Chuyển đổi số quốc gia là ngày nào?", user_id=801, **group)
    rig.say("@sandbox_7001_bot Ngày Chuyển đổi số quốc gia là ngày nào?", user_id=802, **group)
    (answer,) = rig.reply_count(-4001, 1)
    assert "10 tháng 10" in answer["text"]
    rig.wait_for(lambda: rig.bot.answered >= 1)
    assert len(rig.bot_messages(-4001)) == 1


@pytest.fixture
def unsure(monkeypatch: pytest.MonkeyPatch) -> None:
    """The knowledge base is unsure about «đăng ký» (whatever the tuned thresholds say): its
    two «đăng ký» answers come back as suggestions; every other question goes through."""
    real = faq_search.ask

    def ask(session: Any, text: str, **kw: Any) -> faq_search.FaqReply:
        if text != "đăng ký":
            return real(session, text, **kw)
        rows = session.exec(select(FaqAnswer).order_by(FaqAnswer.id)).all()
        offered = tuple(
            faq_search.FaqSuggestion(r.id, r.question) for r in rows if "đăng ký" in r.question
        )
        return faq_search.FaqReply(False, None, None, None, 0.4, offered, None)

    monkeypatch.setattr(faq_search, "ask", ask)


@pytest.mark.usefixtures("unsure")
def test_when_unsure_the_bot_offers_questions_as_buttons_and_a_press_answers(
    rig: BotRig,
) -> None:
    chat = rig.say("đăng ký", user_id=901)
    (unsure,) = rig.reply_count(chat, 1)
    assert unsure["text"].endswith("Bạn có muốn hỏi:")
    offered = buttons(unsure)
    assert offered[0]["text"].startswith("Làm sao để đăng ký")
    assert offered[-1]["text"] == "Không phải — gửi cho cán bộ"
    rig.sb.citizen_presses(TOKEN, unsure["message_id"], offered[0]["callback_data"], user_id=901)
    answer = rig.reply_count(chat, 2)[1]
    assert f"Nguồn: {VNEID}" in answer["text"]


@pytest.mark.usefixtures("unsure")
def test_asking_for_a_person_from_the_suggestions_hands_the_question_over(rig: BotRig) -> None:
    chat = rig.say("đăng ký", user_id=902, name="Minh")
    (unsure,) = rig.reply_count(chat, 1)
    staff = buttons(unsure)[-1]
    rig.sb.citizen_presses(TOKEN, unsure["message_id"], staff["callback_data"], user_id=902)
    assert "chuyển tới cán bộ" in rig.reply_count(chat, 2)[1]["text"]
    with session_scope() as session:
        (row,) = faq_inbox.list_handovers(session, rig.office.actor("officer"))
    assert (row.question, row.display_name) == ("đăng ký", "Minh")
