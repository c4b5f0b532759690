"""The demo seeds its office's knowledge base: the Telegram bot of the demo answers the
level-2 electronic identification question, with and without diacritics, with its source."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.ui.test_demo_cli import ROOT, _demo


def _ask(data: Path, question: str) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PUBLISHER_LANGUAGE="vi")
    env["PUBLISHER_DATA_DIR"] = str(data)
    for key in ("PUBLISHER_DATABASE_URL", "PUBLISHER_SECRET_KEY"):
        env.pop(key, None)
    done = subprocess.run(
        [sys.executable, "-m", "publisher.cli", "faq", "ask", question, "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_the_demo_office_answers_the_level_2_identification_question(tmp_path: Path) -> None:
    seeded = _demo(tmp_path, "--seed-only", "--sandbox-port", "0")
    assert seeded.returncode == 0, seeded.stderr
    for question in (
        "làm sao để đăng ký tài khoản định danh điện tử mức 2?",
        "lam sao de dang ky tai khoan dinh danh dien tu muc 2?",
    ):
        reply = _ask(tmp_path, question)
        assert reply["answered"] is True
        assert reply["source_url"] == "https://bocongan.gov.vn"
        assert "công an xã" in str(reply["answer"])


def test_the_docs_hand_over_example_goes_to_staff_in_the_demo_base(db, clock) -> None:
    """docs/faq-bot.md: the hall question is handed over (no answer, no «Bạn có muốn hỏi»);
    the longer wording sharing «tổ chức», «nghiệp» with an answer gets suggestions."""
    from datetime import UTC, datetime

    from publisher.db import session_scope
    from publisher.services.operations import demo
    from publisher.services.publishing import faq_search
    from tests.factories import make_office

    docs = " ".join((ROOT / "docs" / "faq-bot.md").read_text(encoding="utf-8").split())
    office = make_office("so-khcn")
    now = datetime(2026, 12, 6, 3, tzinfo=UTC)
    with session_scope() as s:
        demo._faq(s, office.org.id or 0)
    handed, shared = (
        "Sở có cho mượn hội trường không?",
        "Sở có cho mượn hội trường tổ chức hội thảo khởi nghiệp không?",
    )
    assert f'"{handed}"' in docs and f"«{shared}»" in docs
    with session_scope() as s:
        reply = faq_search.ask(s, handed, org_id=office.org.id, now=now)
        assert not reply.answered and not reply.suggestions, reply
        reply = faq_search.ask(s, shared, org_id=office.org.id, now=now)
        assert not reply.answered and reply.suggestions, reply
