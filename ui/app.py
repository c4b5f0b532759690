"""Entry point of the web interface: ``streamlit run ui/app.py`` (or ``publisher ui``).

Not logged in: only the login page exists. Logged in: the pages the user's role may open,
a language switch and the logout button in the sidebar.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # streamlit puts ui/ on the path, the packages live one level up
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from publisher.fsmodes import restrict_umask  # noqa: E402
from publisher.i18n import t  # noqa: E402
from ui import common, nav  # noqa: E402
from ui.components import widget_texts  # noqa: E402

# Started on its own (``streamlit run``) the page is its own process: what it writes
# (media uploads, the SQLite WAL) is private like everything the CLI makes.
restrict_umask()
st.set_page_config(
    page_title="R57 Publisher",
    # A local file: a Material icon name here makes the browser fetch the favicon from
    # fonts.gstatic.com, which an office network may block (and nothing should leave it).
    page_icon=str(Path(__file__).resolve().parent / "assets" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="auto",
)
common.start_run()
common.sync_cookie()  # after a login or logout: write or clear the session cookie
widget_texts.install(
    common.lang()
)  # Streamlit's own "Select all", "Show password"... in Vietnamese
# A static style sheet (no user text): calmer headings, a government-blue accent line.
st.markdown(
    """<style>
    .block-container{padding-top:2rem;max-width:1400px}
    h1{font-size:1.9rem !important;font-weight:700 !important;color:#0B3D91;
       border-bottom:3px solid #F2A900;padding-bottom:.35rem !important;margin-bottom:.2rem}
    h2,h3{color:#1B2430}
    [data-testid='stSidebar']{border-right:1px solid #dfe4ec}
    [data-testid='stMetricValue']{color:#0B3D91}
    </style>""",
    unsafe_allow_html=True,
)


def _sidebar(actor_name: str, role: str) -> None:
    with st.sidebar:
        st.markdown(f"**{t('ui.app.name')}**")
        st.caption(t("ui.app.tagline"))
        st.divider()
        st.markdown(f":material/person: {common.esc(actor_name)}  \n:small[{t('ui.role.' + role)}]")
        common.language_switch("lang_switch")
        if st.button(t("ui.app.logout"), icon=":material/logout:", key="logout"):
            common.logout()
            st.rerun()


actor = common.current_actor()
if actor is None:
    page = st.navigation(nav.login_pages(), position="hidden")
else:
    _sidebar(st.session_state.get(common.FULL_NAME) or actor.username, actor.role)
    # expanded: every page is listed (no "View N more" hiding the admin's last pages)
    page = st.navigation(nav.build(actor), expanded=True)
page.run()
