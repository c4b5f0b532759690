"""Kênh: the organisation's channels with their health, flagged ones first; test the
connection; administrators add and edit channels (secrets are never shown back)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from publisher.i18n import t, t_known
from publisher.services.publishing import channels as channels_svc
from publisher.services.publishing import zalo_connect
from publisher.services.publishing.channels import FormField
from ui import common
from ui.components import posting_hours_form


def field_label(key: str, kind: str | None = None) -> str:
    """A setting or credential name as people read it: the platform's own wording
    (``ui.channels.field.<kind>.<key>``) when it has one, else the shared one, else the raw
    key."""
    names = [f"ui.channels.field.{kind}.{key}"] if kind else []
    for name in [*names, f"ui.channels.field.{key}"]:
        text = t(name)
        if text != name:
            return text
    return key


def is_on(value: object) -> bool:
    """A flag's value, stored (``True``) or a schema default written as text (``"false"``)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def field_help(field: FormField) -> str | None:
    """The field's help text, with the values a choice takes; None when there is none."""
    text = t(field.help_key)
    parts = [] if text == field.help_key else [text]
    if field.choices:  # the codes typed in the field, each with what it means
        parts.append(" | ".join(_choice(field.key, c) for c in field.choices))
    return " — ".join(parts) or None


def field_input(field: FormField, key: str, label: str, value: object = None) -> object:
    """The widget of one schema field, showing ``value`` (a flag as a checkbox, a secret
    hidden and never shown back, a list as comma-separated text); returns what the person
    entered."""
    if field.kind == "bool":
        return st.checkbox(label, value=is_on(value), key=key, help=field_help(field))
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return st.text_input(
        label,
        value="" if field.secret or value is None else str(value),
        type="password" if field.secret else "default",
        key=key,
        help=field_help(field),
    )


def value_label(key: str, value: str) -> str | None:
    """A choice's value as people read it (``ui.channels.value.<key>.<value>``: the Zalo
    OA package «premium» is «Cao cấp»); None when it has no label."""
    return t_known(f"ui.channels.value.{key}.{value}")


def _choice(key: str, value: str) -> str:
    label = value_label(key, value)
    return f"{value} ({label})" if label else value


def shown_value(value: object, key: str = "") -> str:
    """A setting as people read it: a flag as «Có»/«Không», a list comma-separated, a
    choice by its label."""
    if isinstance(value, bool):
        return t("ui.channels.flag_on" if value else "ui.channels.flag_off")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value_label(key, str(value)) or str(value)


def field_lines(values: dict[str, object], kind: str | None = None) -> str:
    """``label: value`` for the values that are set, one line each (escaped)."""
    return "  \n".join(
        f"{common.esc(field_label(k, kind))}: {common.esc(shown_value(v, k))}"
        for k, v in values.items()
        if v or v is False
    )


actor = common.guard("channel.view")
common.page_header("ui.channels.title", "ui.channels.caption")

rows = common.read(channels_svc.list_channels, actor)
sent = common.read(channels_svc.last_sent, actor)
described = [channels_svc.describe(c) for c in rows]

flagged = [c for c in rows if c.health == "flagged"]
if flagged:
    st.error(
        t("ui.channels.flagged", names=", ".join(c.name for c in flagged)), icon=":material/report:"
    )
if not rows:
    st.info(t("ui.channels.empty"))

for channel, info in sorted(
    zip(rows, described, strict=True), key=lambda pair: (pair[0].health != "flagged", pair[0].name)
):
    with st.container(border=True):
        c1, c2, c3 = st.columns([3, 3, 1.4])
        c1.markdown(
            f"{channels_svc.kind_icon(channel.kind)} **{common.esc(channel.name)}**"
            f"  \n:small[{common.kind_label(channel.kind)}]"
        )
        enabled = "" if channel.enabled else f" :gray-badge[{t('ui.channels.disabled')}]"
        sent_at = sent.get(channel.id or 0)
        c2.markdown(f"{common.badge(channels_svc.shown_health(channel, sent_at))}{enabled}")
        if sent_at is not None:
            c2.caption(t("ui.channels.last_sent", at=common.fmt_dt(sent_at)))
        if channel.health_detail:
            c2.caption(channel.health_detail[:200])
        if channel.token_expires_at:
            c2.caption(t("ui.channels.expires", at=common.fmt_dt(channel.token_expires_at)))
        c1.caption(field_lines({**info["settings"], **info["credentials"]}, channel.kind))
        rules = posting_hours_form.summary(channel)
        if rules:
            c1.caption(f":material/schedule: {common.esc(rules)}")
        cid = channel.id or 0
        if actor.can("channel.test") and c3.button(
            t("ui.channels.test"), key=f"ch_test_{cid}", icon=":material/network_check:"
        ):
            result = common.write(partial(channels_svc.test_channel, actor=actor, channel_id=cid))
            if result is not None:
                common.flash(
                    "success" if result.ok else "error",
                    t("ui.channels.test_ok")
                    if result.ok
                    else t("ui.channels.test_failed", detail=result.detail),
                )
                st.rerun()
        if actor.can("channel.manage") and zalo_connect.can_connect(channel.kind):
            if c3.button(t("ui.channels.connect"), key=f"ch_connect_{cid}", icon=":material/link:"):
                url = common.write(partial(zalo_connect.start, actor=actor, channel_ref=cid))
                if url is not None:
                    st.session_state[f"ch_connect_url_{cid}"] = url
            url = st.session_state.get(f"ch_connect_url_{cid}")
            if url:
                st.info(t("ui.channels.connect_help"), icon=":material/open_in_new:")
                st.link_button(t("ui.channels.connect_open"), url, type="primary")
        if actor.can("channel.manage"):
            posting_hours_form.form(channel, actor)
            with st.expander(t("ui.channels.edit")):
                with st.form(f"ch_edit_{cid}"):
                    form = channels_svc.kind_form(channel.kind)
                    new_settings = {
                        f.key: field_input(
                            f,
                            f"ch_{cid}_s_{f.key}",
                            field_label(f.key, channel.kind),
                            info["settings"].get(f.key),
                        )
                        for f in form.settings
                    }
                    new_creds = {
                        f.key: field_input(
                            f,
                            f"ch_{cid}_c_{f.key}",
                            t("ui.channels.new_secret", key=field_label(f.key, channel.kind)),
                        )
                        for f in form.credentials
                    }
                    on = st.checkbox(
                        t("ui.channels.enabled"), value=channel.enabled, key=f"ch_{cid}_on"
                    )
                    if st.form_submit_button(t("ui.channels.save"), type="primary"):
                        creds = {k: str(v) for k, v in new_creds.items() if v}
                        if (
                            common.write(
                                partial(
                                    channels_svc.update_channel,
                                    actor=actor,
                                    channel_id=cid,
                                    settings=new_settings,
                                    credentials=creds,
                                    enabled=on,
                                ),
                                success=t("ui.channels.saved"),
                            )
                            is not None
                        ):
                            st.rerun()

if actor.can("channel.manage"):
    st.subheader(t("ui.channels.add"))
    kind = st.selectbox(
        t("ui.channels.kind"),
        list(channels_svc.kinds()),
        key="ch_new_kind",
        format_func=common.kind_label,
    )
    new_form = channels_svc.kind_form(kind)
    with st.form("ch_new", clear_on_submit=False):
        name = st.text_input(t("ui.channels.name"), key="ch_new_name")
        add_settings = {
            f.key: field_input(f, f"ch_new_s_{f.key}", field_label(f.key, kind), f.default)
            for f in new_form.settings
        }
        creds = {
            f.key: str(field_input(f, f"ch_new_c_{f.key}", field_label(f.key, kind)))
            for f in new_form.credentials
        }
        if st.form_submit_button(t("ui.channels.add_button"), type="primary"):
            if (
                common.write(
                    channels_svc.add_channel,
                    actor,
                    kind=kind,
                    name=name,
                    settings=add_settings,
                    credentials=creds,
                    success=t("ui.channels.added", name=name),
                )
                is not None
            ):
                st.rerun()
