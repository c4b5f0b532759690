"""The navigation: one list of page specs with the permission each needs.

To add a page, write it under ``pages/`` and append a :class:`PageSpec`. A spec whose file is
missing is a bug: ``tests/ui`` checks that every listed page exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from publisher.i18n import t
from publisher.services.accounts.actor import Actor

UI_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to ui/
    title_key: str
    icon: str
    permission: str
    section_key: str
    default: bool = False


PAGES: list[PageSpec] = [
    PageSpec(
        "pages/calendar.py",
        "ui.nav.calendar",
        ":material/calendar_month:",
        "post.view",
        "ui.section.work",
        default=True,
    ),
    PageSpec(
        "pages/compose.py",
        "ui.nav.compose",
        ":material/edit_square:",
        "post.compose",
        "ui.section.work",
    ),
    PageSpec(
        "pages/review.py", "ui.nav.review", ":material/fact_check:", "post.view", "ui.section.work"
    ),
    PageSpec(
        "pages/faq_inbox.py",
        "ui.nav.faq_inbox",
        ":material/forum:",
        "faqbot.inbox",
        "ui.section.work",
    ),
    PageSpec(
        "pages/deliveries.py",
        "ui.nav.deliveries",
        ":material/outbox:",
        "alert.view",
        "ui.section.work",
    ),
    PageSpec(
        "pages/studio.py", "ui.nav.studio", ":material/palette:", "media.view", "ui.section.content"
    ),
    PageSpec(
        "pages/renders.py", "ui.nav.renders", ":material/movie:", "media.view", "ui.section.content"
    ),
    PageSpec(
        "pages/bulletins.py",
        "ui.nav.bulletins",
        ":material/radio:",
        "post.compose",
        "ui.section.content",
    ),
    PageSpec(
        "pages/campaigns.py",
        "ui.nav.campaigns",
        ":material/campaign:",
        "campaign.view",
        "ui.section.content",
    ),
    PageSpec("pages/faq.py", "faqkb.ui.nav", ":material/quiz:", "faq.view", "ui.section.content"),
    PageSpec(
        "pages/statistics.py",
        "ui.nav.statistics",
        ":material/insights:",
        "stats.view",
        "ui.section.results",
    ),
    PageSpec(
        "pages/reports.py",
        "ui.nav.reports",
        ":material/description:",
        "report.export",
        "ui.section.results",
    ),
    PageSpec(
        "pages/channels.py", "ui.nav.channels", ":material/hub:", "channel.view", "ui.section.setup"
    ),
    PageSpec(
        "pages/users.py", "ui.nav.users", ":material/group:", "user.manage", "ui.section.setup"
    ),
    PageSpec(
        "pages/audit.py",
        "ui.nav.audit",
        ":material/history:",
        "audit.view",
        "ui.section.setup",
    ),
    PageSpec(
        "pages/sandbox.py",
        "ui.nav.sandbox",
        ":material/inventory_2:",
        "sandbox.view",
        "ui.section.setup",
    ),
    PageSpec(
        "pages/notifications.py",
        "ui.nav.notifications",
        ":material/notifications:",
        "user.own_password",
        "ui.section.account",
    ),
    PageSpec(
        "pages/password.py",
        "ui.nav.password",
        ":material/key:",
        "user.own_password",
        "ui.section.account",
    ),
]


def visible_specs(actor: Actor) -> list[PageSpec]:
    """The pages ``actor`` may open."""
    return [p for p in PAGES if actor.can(p.permission)]


def login_pages() -> list[st.Page]:
    """The navigation before login: the login page, also at every page's address (hidden),
    so a link to a page (a bookmark, a notification's link) opens the login form instead of
    Streamlit's English «Page not found», and after login the page that was asked for."""
    login = str(UI_DIR / "pages/login.py")
    title, icon = t("ui.nav.login"), ":material/login:"
    pages = [st.Page(login, title=title, icon=icon, url_path="login", default=True)]
    for spec in PAGES:
        pages.append(st.Page(login, title=title, icon=icon, url_path=Path(spec.path).stem))
    return pages


def build(actor: Actor) -> dict[str, list[st.Page]]:
    """``st.navigation`` sections for ``actor`` (titles in the current language)."""
    sections: dict[str, list[st.Page]] = {}
    for spec in visible_specs(actor):
        page = st.Page(
            str(UI_DIR / spec.path),
            title=t(spec.title_key),
            icon=spec.icon,
            default=spec.default,
            url_path=Path(spec.path).stem,
        )
        sections.setdefault(t(spec.section_key), []).append(page)
    return sections
