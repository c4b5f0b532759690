"""Public feeds and pages: ``publisher feeds [--json]`` lists every unit's and campaign
year's feed and page URLs (under ``PUBLISHER_PUBLIC_URL``); ``publisher results publish|
withdraw --campaign SLUG --year Y`` puts a campaign year's results on its public page or
takes them off (the coordinator's decision; docs/feeds.md)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from publisher.cli.common import admin_session, emit, handle_errors
from publisher.i18n import t

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
CampaignOpt = Annotated[str, typer.Option("--campaign", help="Campaign slug (campaign list).")]
YearOpt = Annotated[int, typer.Option("--year", help="The campaign's year.")]

results_app = typer.Typer(
    help="Publish a campaign year's results on its public page.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command("feeds")(feeds_list)
    app.add_typer(results_app, name="results")


@handle_errors
def feeds_list(as_json: JsonOpt = False) -> None:
    """The Atom, RSS and JSON feeds, public page and embed of every unit and campaign year."""
    from publisher.services.insight import public_links
    from publisher.services.operations import sandbox

    with admin_session() as (session, _):
        # Without PUBLISHER_PUBLIC_URL here, the address the demo's api really listens on.
        data = public_links.catalogue(session, sandbox.public_url(session))

    def human() -> str:
        rows: list[str] = []
        for group in ("units", "campaigns", "themes"):
            for e in data[group]:
                rows.append(
                    f"{e['title']}\n  {e['page']}\n  {e['atom']}\n  {e['rss']}\n  {e['json']}"
                )
        p = data["province"]
        rows.append(f"{p['title']}\n  {p['page']}\n  {p['atom']}\n  {p['rss']}\n  {p['json']}")
        return "\n".join(rows)

    emit(data, as_json, human)


def _results(action: str, campaign: str, year: int, as_json: bool) -> None:
    from publisher.services.insight import results

    with admin_session() as (session, actor):
        if action == "publish":
            value: dict[str, Any] = results.publish(session, actor, campaign, year)
            key = "feeds.results.published"
        else:
            value = {
                "campaign": campaign,
                "year": year,
                "withdrawn": results.withdraw(session, actor, campaign, year),
            }
            key = "feeds.results.withdrawn"
    emit(value, as_json, t(key, campaign=campaign, year=year))


@results_app.command("publish")
@handle_errors
def results_publish(campaign: CampaignOpt, year: YearOpt, as_json: JsonOpt = False) -> None:
    """Freeze the campaign year's figures and show them on its public page."""
    _results("publish", campaign, year, as_json)


@results_app.command("withdraw")
@handle_errors
def results_withdraw(campaign: CampaignOpt, year: YearOpt, as_json: JsonOpt = False) -> None:
    """Take the campaign year's results off its public page."""
    _results("withdraw", campaign, year, as_json)
