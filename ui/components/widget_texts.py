"""Streamlit's own widget texts in Vietnamese, and a phone's menu that gets out of the way.

Streamlit has no setting for the words its widgets print ("Drag and drop files here",
"Select all", the "Show password" button's label, "Press Enter to apply"...). A small script
in the page watches the document and rewrites exactly those strings, from our catalogue,
whenever Streamlit draws them; nothing else on the page is touched (English: no rewriting).

The same script closes the sidebar after each page change on a narrow screen (under 768 px):
Streamlit starts it closed there but leaves it open over the page after a menu click.
"""

from __future__ import annotations

import json

import streamlit as st

from publisher.i18n import t

#: Streamlit's exact English text (or a pattern with one group) -> our catalogue key.
EXACT = {
    "Drag and drop files here": "ui.st.drag_files",
    "Drag and drop file here": "ui.st.drag_files",
    "Select all": "ui.st.select_all",
    "Clear all": "ui.st.clear_all",
    "Show password": "ui.st.show_password",
    "Hide password": "ui.st.hide_password",
    "No results": "ui.st.no_results",
    "Choose an option": "ui.st.choose_option",
    "Choose options": "ui.st.choose_options",
    "Press Enter to apply": "ui.st.press_enter",
    "View less": "ui.st.view_less",
    "Close": "ui.st.close",
    "Upload": "ui.st.upload",
    "Main menu": "ui.st.main_menu",
    "Delete": "ui.st.delete",
    # The dialog of an address that is no page of this user (another role's page, a typo).
    "Page not found": "ui.st.page_not_found",
    "The page that you have requested does not seem to exist. Running the app's main page.": (
        "ui.st.page_not_found_text"
    ),
    "Skip to main content": "ui.st.skip_to_main",
    # An icon-only button's name, in a hidden text node of the button (the calendar's arrows).
    "chevron_left icon": "ui.st.icon.chevron_left",
    "chevron_right icon": "ui.st.icon.chevron_right",
}
PATTERNS = [
    (r"^(.+) per file(.*)$", "ui.st.per_file", "size"),
    (r"^Press (Ctrl|⌘)\+Enter to apply$", "ui.st.press_ctrl_enter", "key"),
    (r"^Press (Ctrl|⌘)\+Enter to submit form$", "ui.st.submit_form", "key"),
    (r"^(.+) files are not allowed\.?$", "ui.st.not_allowed", "type"),
    (r"^File must be (.+) or smaller\.?$", "ui.st.too_big", "size"),
    (r"^View (\d+) more$", "ui.st.view_more", "n"),
    (
        r"^You have requested page /(.+), but no corresponding file was found in the app's "
        r"pages/ directory\. Running the app's main page\.$",
        "ui.st.page_not_found_named",
        "page",
    ),
]
#: Rewritten in the labels read aloud (aria-label, title) only, never in the page's text,
#: where a post or an answer may well say «Help for …» or «Search».
ATTR_EXACT = {
    "Sidebar": "ui.st.sidebar",  # the sidebar's <section>
    "Collapse sidebar": "ui.st.collapse_sidebar",  # its button, open
    "Expand sidebar": "ui.st.expand_sidebar",  # the same button, closed
    "App pages": "ui.st.app_pages",  # the page list
    "person icon": "ui.st.icon.person",
    "Link to heading": "ui.st.link_to_heading",
    "Open": "ui.st.open",  # a select box's arrow
    "Choose date": "ui.st.choose_date",
    "Show/hide columns": "ui.st.show_hide_columns",  # a table's toolbar
    "Download as CSV": "ui.st.download_csv",
    "Search": "ui.st.search",
    "Fullscreen": "ui.st.fullscreen",
}
ATTR_PATTERNS = [
    (r"^Help for (.+)$", "ui.st.help_for", "label"),  # the (?) buttons
    (r"^([a-z0-9_]+) icon$", "ui.st.icon", "name"),  # any other material icon
    # A date or time field's parts (React Aria's segments): «day, Từ ngày», «hour, Giờ».
    (r"^day, (.+)$", "ui.st.segment.day", "label"),
    (r"^month, (.+)$", "ui.st.segment.month", "label"),
    (r"^year, (.+)$", "ui.st.segment.year", "label"),
    (r"^hour, (.+)$", "ui.st.segment.hour", "label"),
    (r"^minute, (.+)$", "ui.st.segment.minute", "label"),
    (r"^AM/PM, (.+)$", "ui.st.segment.day_period", "label"),  # a 12-hour clock's half
]

_SCRIPT = """<script>
(() => {
  const exact = %(exact)s, patterns = %(patterns)s.map(([re, out]) => [new RegExp(re), out]);
  const attrPatterns = %(attr_patterns)s.map(([re, out]) => [new RegExp(re), out]);
  const attrExact = %(attr_exact)s;
  const has = (table, key) => Object.prototype.hasOwnProperty.call(table, key);
  const say = (text, more) => {
    const clean = text.trim();
    if (!clean) return null;
    if (has(exact, clean)) return exact[clean];
    if (more && has(attrExact, clean)) return attrExact[clean];
    for (const [re, out] of more ? patterns.concat(more) : patterns) {
      const m = clean.match(re);
      if (m) return out.replace("\\u0001", m[1]) + (m[2] || "");
    }
    return null;
  };
  const fix = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const out = say(n.nodeValue);
      if (out !== null && out !== n.nodeValue) n.nodeValue = out;
    }
    const sel = "[aria-label],[placeholder],[title]";
    /* the root itself too: an element added with its label (the sidebar section) */
    const els = root.querySelectorAll ? [...root.querySelectorAll(sel)] : [];
    if (root.matches && root.matches(sel)) els.push(root);
    for (const el of els) for (const a of ["aria-label", "placeholder", "title"]) {
      const v = el.getAttribute(a);
      const out = v && say(v, attrPatterns);
      if (out && out !== v) el.setAttribute(a, out);
    }
  };
  if (window.__r57Texts) { window.__r57Texts.disconnect(); }
  let path = location.pathname;
  const closeMenuOnPhone = () => {
    if (location.pathname === path) return;
    path = location.pathname;
    if (window.innerWidth >= 768) return;
    const bar = document.querySelector("[data-testid=stSidebar]");
    const close = document.querySelector("[data-testid=stSidebarCollapseButton] button");
    if (bar && bar.getAttribute("data-collapsed") === "false" && close) close.click();
  };
  fix(document.body);
  const observer = new MutationObserver((changes) => {
    closeMenuOnPhone();
    for (const c of changes) {
      if (c.type === "characterData") { const out = say(c.target.nodeValue || "");
        if (out !== null && out !== c.target.nodeValue) c.target.nodeValue = out; }
      else if (c.type === "attributes") fix(c.target.parentNode || document.body);
      else for (const node of c.addedNodes) {
        if (node.nodeType === 3) { const out = say(node.nodeValue || "");
          if (out !== null && out !== node.nodeValue) node.nodeValue = out; }
        else if (node.nodeType === 1) fix(node);
      }
    }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ["aria-label", "placeholder", "title"]});
  window.__r57Texts = observer;
})();
</script>"""


def translations() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The exact strings and the patterns with their text in the current language; a
    pattern's group goes where ``\\x01`` stands."""
    exact = {english: t(key) for english, key in EXACT.items()}
    return exact, _patterns(PATTERNS)


def attr_translations() -> list[tuple[str, str]]:
    """The patterns for the labels read aloud only (:data:`ATTR_PATTERNS`)."""
    return _patterns(ATTR_PATTERNS)


def attr_exact_translations() -> dict[str, str]:
    """The exact strings of the labels read aloud only (:data:`ATTR_EXACT`)."""
    return {english: t(key) for english, key in ATTR_EXACT.items()}


def _patterns(patterns: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    return [(rx, t(key, **{name: "\x01"})) for rx, key, name in patterns]


def install(language: str) -> None:
    """Put the script in the page (rewriting only when the interface speaks Vietnamese)."""
    exact, patterns = translations() if language != "en" else ({}, [])
    attr_patterns = attr_translations() if language != "en" else []
    attr_exact = attr_exact_translations() if language != "en" else {}
    st.html(
        _SCRIPT
        % {
            "exact": _js(exact),
            "patterns": _js(patterns),
            "attr_patterns": _js(attr_patterns),
            "attr_exact": _js(attr_exact),
        },
        unsafe_allow_javascript=True,
    )


def _js(value: object) -> str:
    """JSON for inside a <script> element (no ``</`` that could close it)."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
