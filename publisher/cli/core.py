"""Core commands: init, organisations, users, channels, posts, campaigns, alerts."""

from __future__ import annotations

import getpass
import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from connectors import registry
from publisher.cli import channel_options
from publisher.cli.common import (
    admin_session,
    emit,
    fail,
    handle_errors,
    parse_kv,
)
from publisher.i18n import t

if TYPE_CHECKING:
    from publisher.models import Post

# The services (and through them SQLAlchemy and the models) are imported inside the commands
# that use them: ``publisher --help`` builds this module's command tree without them.

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

org_app = typer.Typer(help="Organisations (departments, communes).", no_args_is_help=True)
user_app = typer.Typer(help="Users and roles.", no_args_is_help=True)
channel_app = typer.Typer(help="Publishing channels.", no_args_is_help=True)
post_app = typer.Typer(help="Posts and their deliveries.", no_args_is_help=True)
campaign_app = typer.Typer(help="Campaign calendar and lead-up plans.", no_args_is_help=True)
alert_app = typer.Typer(help="Alerts.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(org_app, name="org")
    app.add_typer(user_app, name="user")
    app.add_typer(channel_app, name="channel")
    app.add_typer(post_app, name="post")
    app.add_typer(campaign_app, name="campaign")
    app.add_typer(alert_app, name="alert")


@handle_errors
def init(
    org_name: Annotated[
        str, typer.Option(help="Name of the first organisation.")
    ] = "Sở Khoa học và Công nghệ",
    admin_username: Annotated[str, typer.Option(help="Username of the first admin.")] = "admin",
    as_json: JsonOpt = False,
) -> None:
    """Create or upgrade the schema, seed the national days and the first admin."""
    from publisher.services.operations.setup import initialise  # Alembic: only when used

    result = initialise(org_name=org_name, admin_username=admin_username)
    data = {
        "revision": result.revision,
        "campaigns_added": result.campaigns_added,
        "org": result.org_slug,
        "admin": result.admin_username,
        "admin_password": result.admin_password,
    }

    def human() -> str:
        lines = [t("cli.init_done", revision=result.revision or "")]
        if result.admin_password:
            lines.append(
                t(
                    "cli.admin_created",
                    username=result.admin_username or "",
                    password=result.admin_password,
                )
            )
        return "\n".join(lines)

    emit(data, as_json, human)


# --- organisations ----------------------------------------------------------------------------
@org_app.command("add")
@handle_errors
def org_add(
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    slug: Annotated[str | None, typer.Option(help="Short id (default: from the name).")] = None,
    kind: Annotated[
        str, typer.Option(help="province|department|commune|press|other")
    ] = "department",
    parent: Annotated[
        str | None, typer.Option("--parent", help="Slug of the unit above (the province).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add an organisation (a unit of the province)."""
    from publisher.services.accounts import orgs as orgs_svc

    with admin_session() as (session, actor):
        org = orgs_svc.create_org(session, actor, name, slug=slug, kind=kind, parent=parent)
        data = {
            "id": org.id,
            "slug": org.slug,
            "name": org.name,
            "kind": org.kind,
            "parent_id": org.parent_id,
        }
    emit(data, as_json, lambda: t("cli.org_added", slug=data["slug"]))


@org_app.command("list")
@handle_errors
def org_list(as_json: JsonOpt = False) -> None:
    """List organisations."""
    from publisher.services.accounts import orgs as orgs_svc

    with admin_session() as (session, actor):
        rows = [
            {"id": o.id, "slug": o.slug, "name": o.name, "kind": o.kind, "parent_id": o.parent_id}
            for o in orgs_svc.list_orgs(session, actor)
        ]
    emit(rows, as_json, lambda: "\n".join(f"{r['slug']}\t{r['name']}" for r in rows))


@org_app.command("signoff")
@handle_errors
def org_signoff(
    slug: Annotated[str, typer.Argument(help="The unit's slug, name or id.")],
    required: Annotated[
        bool, typer.Option("--on/--off", help="Require a manager's sign-off after the editor.")
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Require (or no longer require) a manager's second sign-off before a unit publishes."""
    from publisher.services.accounts import orgs as orgs_svc
    from publisher.services.publishing import signoff

    with admin_session() as (session, actor):
        org = orgs_svc.get_org(session, slug)
        returned = signoff.set_required(session, actor, org.id, required)
        data = {"slug": org.slug, "requires_signoff": required, "returned_to_editors": returned}
    key = "cli.signoff_on" if required else "cli.signoff_off"
    emit(data, as_json, lambda: t(key, slug=data["slug"], n=returned))


# --- users ------------------------------------------------------------------------------------
@user_app.command("add")
@handle_errors
def user_add(
    username: Annotated[str, typer.Option("--username")],
    role: Annotated[str, typer.Option("--role", help="officer|editor|manager|coordinator|admin")],
    org: Annotated[str, typer.Option("--org", help="Organisation slug, name or id.")],
    password: Annotated[str | None, typer.Option(help="Default: generated and printed.")] = None,
    full_name: Annotated[str, typer.Option("--full-name")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Add a user."""
    from publisher.services.accounts import users as users_svc

    with admin_session() as (session, actor):
        user, pw = users_svc.create_user(
            session, actor, username, role, org, password=password, full_name=full_name
        )
        data: dict[str, Any] = {
            "id": user.id,
            "username": user.username,
            "role": user.role,
            "org_id": user.org_id,
        }
        if password is None:
            data["password"] = pw
    emit(
        data,
        as_json,
        lambda: (
            t("cli.user_added", username=data["username"])
            + ("\n" + t("cli.password_once", password=pw) if password is None else "")
        ),
    )


@user_app.command("list")
@handle_errors
def user_list(as_json: JsonOpt = False) -> None:
    """List users."""
    from publisher.services.accounts import users as users_svc

    with admin_session() as (session, actor):
        rows = [
            {
                "id": u.id,
                "username": u.username,
                "role": u.role,
                "org_id": u.org_id,
                "active": u.is_active,
            }
            for u in users_svc.list_users(session, actor)
        ]
    inactive = t("cli.user_inactive")
    emit(
        rows,
        as_json,
        lambda: "\n".join(
            f"{r['username']}\t{r['role']}" + ("" if r["active"] else f"\t{inactive}") for r in rows
        ),
    )


@user_app.command("deactivate")
@handle_errors
def user_deactivate(
    username: Annotated[str, typer.Argument(help="Username.")],
    as_json: JsonOpt = False,
) -> None:
    """Deactivate a user: they can no longer log in and their web sessions end."""
    _set_active(username, False, as_json)


@user_app.command("activate")
@handle_errors
def user_activate(
    username: Annotated[str, typer.Argument(help="Username.")],
    as_json: JsonOpt = False,
) -> None:
    """Activate a deactivated user again."""
    _set_active(username, True, as_json)


@user_app.command("password")
@handle_errors
def user_password(
    username: Annotated[str, typer.Argument(help="Username.")],
    generate: Annotated[
        bool, typer.Option("--generate", help="Make a random password and print it once.")
    ] = False,
    stdin: Annotated[
        bool,
        typer.Option("--stdin", help="Read the new password from standard input (first line)."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Reset a user's password (forgotten or locked out); their web sessions end.

    Never takes the password as an argument: it would stay in the shell history.
    """
    from publisher.services.accounts import users as users_svc

    if generate == stdin:
        fail(t("cli.password_choose"))
    password = None if generate else _read_password()
    with admin_session() as (session, actor):
        password = users_svc.set_password(session, actor, username, password)
        user = users_svc.get_user(session, username)
        data: dict[str, Any] = {"id": user.id, "username": user.username}
    if generate:
        data["password"] = password
    key = "cli.password_generated" if generate else "cli.password_set"
    emit(data, as_json, lambda: t(key, username=data["username"], password=password))


def _read_password() -> str:
    """The first line of standard input, without its line break (spaces are kept); typed
    at a terminal, without echo."""
    if sys.stdin.isatty():
        return getpass.getpass(t("cli.password_prompt"))
    line = sys.stdin.readline()
    return line.removesuffix("\n").removesuffix("\r")


def _set_active(username: str, active: bool, as_json: bool) -> None:
    from publisher.services.accounts import users as users_svc

    with admin_session() as (session, actor):
        user = users_svc.set_active(session, actor, username, active)
        data = {"id": user.id, "username": user.username, "active": user.is_active}
    key = "cli.user_activated" if active else "cli.user_deactivated"
    emit(data, as_json, lambda: t(key, username=data["username"]))


# --- channels ---------------------------------------------------------------------------------
# The settings and credential options (--page-id, --token, --token-file, --secret-env...) are
# generated from the connectors' settings schema (publisher/cli/channel_options.py).


@channel_app.command("add")
@channel_options.with_schema_options(edit=False)
@handle_errors
def channel_add(
    kind: Annotated[str, typer.Option("--kind", help="|".join(registry.KINDS))],
    name: Annotated[str, typer.Option("--name")],
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: JsonOpt = False,
    **options: Any,
) -> None:
    """Add a channel (credentials are encrypted at rest)."""
    from publisher.services.publishing import channels as channels_svc

    secrets = channel_options.secrets_given(options)
    settings, credentials = channel_options.for_add(kind, options, secrets)
    with admin_session() as (session, actor):
        channel = channels_svc.add_channel(
            session,
            actor,
            kind=kind,
            name=name,
            org=org,
            settings=settings,
            credentials=credentials,
        )
        data = channels_svc.describe(channel)
    emit(data, as_json, lambda: t("cli.channel_added", channel=data["name"], kind=data["kind"]))


@channel_app.command("edit")
@channel_options.with_schema_options(edit=True)
@handle_errors
def channel_edit(
    name: Annotated[str, typer.Argument(help="Channel name or id.")],
    enabled: Annotated[bool | None, typer.Option("--enable/--disable")] = None,
    as_json: JsonOpt = False,
    **options: Any,
) -> None:
    """Change a channel's credentials or settings (re-checked as when adding it)."""
    from publisher.services.publishing import channels as channels_svc

    secrets = channel_options.secrets_given(options)
    with admin_session() as (session, actor):
        channel = channels_svc.get_channel(session, actor, name)
        settings, credentials = channel_options.for_edit(channel.kind, options, secrets)
        assert channel.id is not None
        channel = channels_svc.update_channel(
            session, actor, channel.id, settings=settings, credentials=credentials, enabled=enabled
        )
        data = channels_svc.describe(channel)
    emit(data, as_json, lambda: t("cli.channel_updated", channel=data["name"], kind=data["kind"]))


@channel_app.command("list")
@handle_errors
def channel_list(as_json: JsonOpt = False) -> None:
    """List channels (secrets masked)."""
    from publisher.services.publishing import channels as channels_svc

    with admin_session() as (session, actor):
        rows = [channels_svc.describe(c) for c in channels_svc.list_channels(session, actor)]
    emit(rows, as_json, lambda: "\n".join(f"{r['name']}\t{r['kind']}\t{r['health']}" for r in rows))


#: Check outcomes that say nothing about the credentials (the platform was not reached or
#: gave no clear answer): the channel is not flagged.
UNREACHABLE_KINDS = frozenset({"transient", "ambiguous", "rate_limited"})


@channel_app.command("test")
@handle_errors
def channel_test(name: str, as_json: JsonOpt = False) -> None:
    """Check a channel's credentials against its platform."""
    from publisher.services.publishing import channels as channels_svc

    with admin_session() as (session, actor):
        channel = channels_svc.get_channel(session, actor, name)
        assert channel.id is not None
        result = channels_svc.test_channel(session, actor, channel.id)
    data = {
        "ok": result.ok,
        "detail": result.detail,
        "expires_at": result.expires_at.isoformat() if result.expires_at else None,
        "error_kind": result.error_kind,
    }
    unreachable = result.error_kind in UNREACHABLE_KINDS
    key = "cli.channel_ok" if result.ok else "cli.channel_bad"
    emit(
        data,
        as_json,
        lambda: t(
            "cli.channel_unreachable" if unreachable else key, channel=name, detail=result.detail
        ),
    )
    if not result.ok:
        raise typer.Exit(1)


@channel_app.command("connect")
@handle_errors
def channel_connect(
    name: str,
    redirect_uri: Annotated[
        str | None,
        typer.Option("--redirect-uri", help="Default: PUBLISHER_PUBLIC_URL + /zalo/callback."),
    ] = None,
    wait: Annotated[
        float, typer.Option("--wait", help="Seconds to wait for the redirect (0: do not wait).")
    ] = 900.0,
) -> None:
    """Connect a Zalo OA (OAuth v4 with PKCE): print the authorization URL, then wait until
    ``publisher api`` has received Zalo's redirect and stored the tokens."""
    import time as _time
    from urllib.parse import parse_qs, urlparse

    from publisher.db import session_scope
    from publisher.services.publishing import zalo_connect

    with admin_session() as (session, actor):
        url = zalo_connect.start(session, actor, name, redirect=redirect_uri or "")
    state = parse_qs(urlparse(url).query)["state"][0]
    typer.echo(t("zalo.connect.open"))
    typer.echo(url)
    if wait <= 0:
        return
    typer.echo(t("zalo.connect.waiting", uri=redirect_uri or zalo_connect.redirect_uri()))
    deadline = _time.monotonic() + wait
    while _time.monotonic() < deadline:
        with session_scope(readonly=True) as session:
            if not zalo_connect.pending(session, state):
                break
        _time.sleep(1.0)
    else:
        typer.echo(t("zalo.connect.timeout"), err=True)
        raise typer.Exit(1)
    emit({"ok": True}, False, lambda: t("zalo.connect.done", channel=name))


# --- posts ------------------------------------------------------------------------------------
@post_app.command("create")
@handle_errors
def post_create(
    text: Annotated[str, typer.Option("--text")],
    channel: Annotated[list[str], typer.Option("--channel", help="Channel name (repeatable).")],
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help="ISO 8601 or dd/mm/yyyy HH:mm; local time "
            "(Asia/Ho_Chi_Minh) unless it has an offset.",
        ),
    ],
    media: Annotated[
        list[str] | None, typer.Option("--media", help="File path (repeatable).")
    ] = None,
    variant: Annotated[
        list[str] | None, typer.Option("--variant", help="CHANNEL=TEXT: own text for one channel.")
    ] = None,
    link: Annotated[str | None, typer.Option("--link")] = None,
    campaign: Annotated[str | None, typer.Option("--campaign")] = None,
    task: Annotated[str | None, typer.Option("--task", help="S&T task code.")] = None,
    theme: Annotated[
        list[str] | None, typer.Option("--theme", help="khcn|dmst|cds (repeatable).")
    ] = None,
    audience: Annotated[
        list[str] | None,
        typer.Option(
            "--audience", help="officials|business|citizens|students|scientists (repeatable)."
        ),
    ] = None,
    approve: Annotated[bool, typer.Option("--approve", help="Schedule at once (admin).")] = False,
    repeat: Annotated[
        str | None,
        typer.Option("--repeat", help="weekly | monthly | yearly: publish again on that rhythm."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="dd/mm/yyyy: last day of the repetition.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a post (it waits for review unless --approve)."""
    from publisher.errors import PublisherError
    from publisher.services.publishing import posts as posts_svc
    from publisher.timeutil import fmt_local, parse_local, parse_local_date

    due_at = parse_local(at)
    if until is not None and not repeat:
        raise PublisherError("error.repeat_without_rule")
    until_day = parse_local_date(until) if until is not None else None
    with admin_session() as (session, actor):
        media_ids = _import_media(session, actor, media or [], channel)
        post = posts_svc.compose(
            session,
            actor,
            posts_svc.PostInput(
                text=text,
                channels=channel,
                due_at=due_at,
                variants=parse_kv(variant, "--variant"),
                media_ids=media_ids,
                link=link,
                campaign=campaign,
                task=task,
                recurrence=repeat or "none",
                recurrence_until=until_day,
                themes=theme or [],
                audiences=audience or [],
            ),
        )
        assert post.id is not None
        if approve:
            posts_svc.approve(session, actor, post.id)
        else:
            posts_svc.submit(session, actor, post.id)
        data = _post_summary(session, actor, post)
    emit(
        data,
        as_json,
        lambda: t("cli.post_created", id=data["id"], status=data["status"], due=fmt_local(due_at)),
    )


def _import_media(session: Any, actor: Any, paths: list[str], channels: list[str]) -> list[int]:
    from publisher.services.publishing import channels as channels_svc

    if not paths:
        return []
    from publisher.services.studio import library as media_svc

    org_id = channels_svc.get_channel(session, actor, channels[0]).org_id if channels else None
    return [int(media_svc.add_file(session, actor, p, org_id=org_id).id or 0) for p in paths]


def _post_summary(session: Any, actor: Any, post: Post) -> dict[str, Any]:
    from publisher.services.publishing import posts as posts_svc

    assert post.id is not None
    d = posts_svc.detail(session, actor, post.id)
    return {
        "id": d["id"],
        "status": d["status"],
        "due_at": d["due_at"],
        "themes": d["themes"],
        "audiences": d["audiences"],
        "deliveries": [
            {"id": x["id"], "channel": x["channel"], "status": x["status"], "due_at": x["due_at"]}
            for x in d["deliveries"]
        ],
    }


@post_app.command("show")
@handle_errors
def post_show(post_id: int, as_json: JsonOpt = False) -> None:
    """Show a post with its deliveries."""
    from publisher.services.publishing import posts as posts_svc

    with admin_session() as (session, actor):
        data = posts_svc.detail(session, actor, post_id)

    def human() -> str:
        lines = [f"#{data['id']} [{data['status']}] {data['text'][:80]}"]
        for d in data["deliveries"]:
            lines.append(
                f"  {d['channel']}: {d['status']} {d['url'] or ''} {d['last_error'] or ''}"
            )
        return "\n".join(lines)

    emit(data, as_json, human)


@post_app.command("list")
@handle_errors
def post_list(
    status: Annotated[str | None, typer.Option("--status")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 100,
    as_json: JsonOpt = False,
) -> None:
    """List posts, newest scheduled time first."""
    from publisher.services.publishing import posts as posts_svc
    from publisher.timeutil import fmt_local

    with admin_session() as (session, actor):
        posts = posts_svc.list_posts(
            session, actor, posts_svc.PostFilter(status=status, limit=limit)
        )
        rows = [
            {
                "id": p.id,
                "status": p.status,
                "org_id": p.org_id,
                "due_at": p.due_at.isoformat() if p.due_at else None,
                "text": p.text[:120],
            }
            for p in posts
        ]
    emit(
        rows,
        as_json,
        lambda: "\n".join(
            f"#{p.id}\t{p.status}\t{fmt_local(p.due_at)}\t{p.text[:60]}" for p in posts
        ),
    )


def _post_action(post_id: int, action: str, as_json: bool, comment: str = "") -> None:
    from publisher.services.publishing import posts as posts_svc

    with admin_session() as (session, actor):
        if action == "approve":
            post = posts_svc.approve(session, actor, post_id)
        elif action == "reject":
            post = posts_svc.reject(session, actor, post_id, comment)
        elif action == "submit":
            post = posts_svc.submit(session, actor, post_id)
        else:
            post = posts_svc.cancel(session, actor, post_id)
        data = _post_summary(session, actor, post)
    emit(data, as_json, lambda: t("cli.post_status", id=post_id, status=data["status"]))


@post_app.command("approve")
@handle_errors
def post_approve(post_id: int, as_json: JsonOpt = False) -> None:
    """Approve and schedule a post."""
    _post_action(post_id, "approve", as_json)


@post_app.command("reject")
@handle_errors
def post_reject(
    post_id: int, comment: Annotated[str, typer.Option("--comment")], as_json: JsonOpt = False
) -> None:
    """Return a post to its author with a comment."""
    _post_action(post_id, "reject", as_json, comment)


@post_app.command("submit")
@handle_errors
def post_submit(post_id: int, as_json: JsonOpt = False) -> None:
    """Send a draft for review."""
    _post_action(post_id, "submit", as_json)


@post_app.command("cancel")
@handle_errors
def post_cancel(post_id: int, as_json: JsonOpt = False) -> None:
    """Cancel a post (deliveries not yet sent are cancelled)."""
    _post_action(post_id, "cancel", as_json)


# --- campaigns --------------------------------------------------------------------------------
@campaign_app.command("list")
@handle_errors
def campaign_list(
    year: Annotated[int | None, typer.Option("--year")] = None, as_json: JsonOpt = False
) -> None:
    """Campaigns of a year (national days and custom ones)."""
    from publisher.services.publishing import campaigns as campaigns_svc
    from publisher.timeutil import to_local, utcnow

    year = year or to_local(utcnow()).year
    with admin_session() as (session, actor):
        rows = [o.as_dict() for o in campaigns_svc.list_campaigns(session, actor, year)]
    emit(
        rows,
        as_json,
        lambda: "\n".join(f"{r['date_display']}\t{r['slug']}\t{r['name']}" for r in rows),
    )


@campaign_app.command("add")
@handle_errors
def campaign_add(
    name: Annotated[str, typer.Option("--name")],
    on: Annotated[str, typer.Option("--date", help="dd/mm/yyyy")],
    yearly: Annotated[bool, typer.Option("--yearly")] = False,
    slug: Annotated[str | None, typer.Option("--slug")] = None,
    hashtag: Annotated[str, typer.Option("--hashtag")] = "",
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a campaign (one-off or yearly)."""
    from publisher.services.accounts import orgs as orgs_svc
    from publisher.services.publishing import campaigns as campaigns_svc
    from publisher.timeutil import parse_local_date

    day: date = parse_local_date(on)
    with admin_session() as (session, actor):
        org_id = orgs_svc.get_org(session, org).id if org else None
        c = campaigns_svc.create_campaign(
            session, actor, name, on=day, yearly=yearly, slug=slug, hashtag=hashtag, org_id=org_id
        )
        data = {"id": c.id, "slug": c.slug, "name": c.name}
    emit(data, as_json, lambda: t("cli.campaign_added", slug=data["slug"]))


@campaign_app.command("plan")
@handle_errors
def campaign_plan(
    slug: str,
    channel: Annotated[list[str], typer.Option("--channel", help="Channel name (repeatable).")],
    year: Annotated[int | None, typer.Option("--year")] = None,
    media: Annotated[
        bool, typer.Option("--media", help="Also queue the countdown cards and the day's clip.")
    ] = False,
    submit: Annotated[
        bool, typer.Option("--submit", help="Send the plan's drafts for review at once.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Scaffold the lead-up draft posts (D-14 ... D+1) of a campaign; safe to re-run."""
    from publisher.services.publishing import plans as plans_svc
    from publisher.timeutil import to_local, utcnow

    year = year or to_local(utcnow()).year
    with admin_session() as (session, actor):
        if media:
            from publisher.services.publishing.campaign_media import scaffold_with_media

            result, plan = scaffold_with_media(session, actor, slug, year, channel)
            data = {**result.as_dict(), "media": plan.as_dict()}
        else:
            result = plans_svc.scaffold(session, actor, slug, year, channel)
            data = result.as_dict()
        if submit:
            data["submitted"] = plans_svc.submit_plan(session, actor, result)
    summary = t(
        "cli.plan_done",
        created=len(data["created"]),
        existing=len(data["existing"]),
        skipped=len(data["skipped_past"]),
    )
    if media:
        counts = {k: data["media"][k] for k in ("queued", "existing", "attached")}
        summary += "\n" + t("cli.plan_media", **counts)
    if submit:
        summary += "\n" + t("cli.plan_submitted", count=len(data["submitted"]))
    emit(data, as_json, summary)


# --- alerts -----------------------------------------------------------------------------------
@alert_app.command("list")
@handle_errors
def alert_list(
    all_: Annotated[bool, typer.Option("--all", help="Include resolved alerts.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """List open alerts."""
    from publisher.services.accounts import alerts as alerts_svc

    with admin_session() as (session, actor):
        rows = [
            {
                "id": a.id,
                "kind": a.kind,
                "severity": a.severity,
                "message": t(a.message_key, **a.params),
                "created_at": a.created_at.isoformat(),
                "resolved": a.resolved_at is not None,
            }
            for a in alerts_svc.list_alerts(session, actor, open_only=not all_)
        ]
    emit(
        rows,
        as_json,
        lambda: "\n".join(f"#{r['id']} [{r['severity']}] {r['message']}" for r in rows),
    )
