"""The navigation: one list of page specs with the permission each needs.

To add a page, write it under ``views/`` and append a :class:`PageSpec`. A spec whose file is
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
        "views/calendar.py",
        "ui.nav.calendar",
        ":material/calendar_month:",
        "post.view",
        "ui.section.work",
        default=True,
    ),
    PageSpec(
        "views/compose.py",
        "ui.nav.compose",
        ":material/edit_square:",
        "post.compose",
        "ui.section.work",
    ),
    PageSpec(
        "views/review.py", "ui.nav.review", ":material/fact_check:", "post.view", "ui.section.work"
    ),
    PageSpec(
        "views/faq_inbox.py",
        "ui.nav.faq_inbox",
        ":material/forum:",
        "faqbot.inbox",
        "ui.section.work",
    ),
    PageSpec(
        "views/deliveries.py",
        "ui.nav.deliveries",
        ":material/outbox:",
        "alert.view",
        "ui.section.work",
    ),
    PageSpec(
        "views/studio.py", "ui.nav.studio", ":material/palette:", "media.view", "ui.section.content"
    ),
    PageSpec(
        "views/renders.py", "ui.nav.renders", ":material/movie:", "media.view", "ui.section.content"
    ),
    PageSpec(
        "views/bulletins.py",
        "ui.nav.bulletins",
        ":material/radio:",
        "post.compose",
        "ui.section.content",
    ),
    PageSpec(
        "views/campaigns.py",
        "ui.nav.campaigns",
        ":material/campaign:",
        "campaign.view",
        "ui.section.content",
    ),
    PageSpec("views/faq.py", "faqkb.ui.nav", ":material/quiz:", "faq.view", "ui.section.content"),
    PageSpec(
        "views/statistics.py",
        "ui.nav.statistics",
        ":material/insights:",
        "stats.view",
        "ui.section.results",
    ),
    PageSpec(
        "views/reports.py",
        "ui.nav.reports",
        ":material/description:",
        "report.export",
        "ui.section.results",
    ),
    PageSpec(
        "views/channels.py", "ui.nav.channels", ":material/hub:", "channel.view", "ui.section.setup"
    ),
    PageSpec(
        "views/users.py", "ui.nav.users", ":material/group:", "user.manage", "ui.section.setup"
    ),
    PageSpec(
        "views/audit.py",
        "ui.nav.audit",
        ":material/history:",
        "audit.view",
        "ui.section.setup",
    ),
    PageSpec(
        "views/sandbox.py",
        "ui.nav.sandbox",
        ":material/inventory_2:",
        "sandbox.view",
        "ui.section.setup",
    ),
    PageSpec(
        "views/notifications.py",
        "ui.nav.notifications",
        ":material/notifications:",
        "user.own_password",
        "ui.section.account",
    ),
    PageSpec(
        "views/password.py",
        "ui.nav.password",
        ":material/key:",
        "user.own_password",
        "ui.section.account",
    ),
]


def visible_specs(actor: Actor) -> list[PageSpec]:
    """The pages ``actor`` may open."""
    return [p for p in PAGES if actor.can(p.permission)]


def login_pages(title: str, icon: str) -> list[st.Page]:
    """The logged-out navigation: the login page, also answering at every page's address
    (hidden), so that a link or a typed «/calendar» shows the login form, not Streamlit's
    English «Page not found»; after logging in the app opens that page."""
    login = str(UI_DIR / "views/login.py")
    pages = [st.Page(login, title=title, icon=icon, url_path="login")]
    for spec in PAGES:
        stem = Path(spec.path).stem
        pages.append(st.Page(login, title=title, icon=icon, url_path=stem, visibility="hidden"))
    return pages


def build(actor: Actor) -> dict[str, list[st.Page]]:
    """``st.navigation`` sections for ``actor`` (titles in the current language)."""
    sections: dict[str, list[st.Page]] = {}
    for spec in visible_specs(actor):
        stem = Path(spec.path).stem
        page = st.Page(
            str(UI_DIR / spec.path),
            title=t(spec.title_key),
            icon=spec.icon,
            default=spec.default,
            # The default page is served at "/"; its own name (below) is a hidden alias.
            url_path="" if spec.default else stem,
        )
        pages = sections.setdefault(t(spec.section_key), [])
        pages.append(page)
        if spec.default:
            # «/calendar» typed in the address bar opens the calendar too, not Streamlit's
            # English «Page not found». Hidden from the menu; listed after the default page
            # so that st.switch_page("views/calendar.py") still goes to "/".
            pages.append(
                st.Page(
                    str(UI_DIR / spec.path),
                    title=t(spec.title_key),
                    icon=spec.icon,
                    url_path=stem,
                    visibility="hidden",
                )
            )
    return sections
