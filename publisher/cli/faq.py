"""``publisher faq``: the knowledge base of questions and answers (issue 21)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from publisher.cli.common import admin_session, emit, fail, handle_errors
from publisher.i18n import t

faq_app = typer.Typer(help="The knowledge base of questions and answers.", no_args_is_help=True)

OrgOption = Annotated[str | None, typer.Option("--org", help="Organisation slug.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def register(app: typer.Typer) -> None:
    app.add_typer(faq_app, name="faq")


def _default_org(session: Any, actor: Any, org: str | None) -> int | None:
    from publisher.errors import InvalidInput
    from publisher.services.accounts import orgs
    from publisher.services.publishing.channels import _default_org as only_org

    if org:
        return orgs.get_org(session, org).id
    try:
        return int(only_org(session, actor).id)
    except InvalidInput:
        return None  # several units: each line names its own (the org column)


@faq_app.command("import")
@handle_errors
def faq_import(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX table.", exists=False)],
    org: OrgOption = None,
    as_json: JsonOpt = False,
) -> None:
    """Import answers: every line, or none when one is bad (approved: the operator imports).

    Columns: question, answer, source_url; optional variants (separated by |), theme, org."""
    from publisher.services.publishing import faq_import as svc
    from publisher.services.publishing.imports import ImportRefused

    content = file.read_bytes()
    try:
        with admin_session() as (session, actor):
            result = svc.import_table(
                session, actor, file.name, content, org_id=_default_org(session, actor, org)
            )
    except ImportRefused as refused:
        if as_json:
            errors = [{"line": e.line, "reason": e.reason} for e in refused.errors]
            emit({"ok": False, "errors": errors}, True)
        else:
            for error in refused.errors:
                typer.echo(error.text(), err=True)
        fail(refused.message())
    data = {
        "ok": True,
        "created": result.created,
        "updated": result.updated,
        "status": result.status,
        "answer_ids": list(result.answer_ids),
    }
    human = t("faqkb.cli.imported", created=result.created, updated=result.updated)
    emit(data, as_json, human)


@faq_app.command("ask")
@handle_errors
def faq_ask(
    question: Annotated[str, typer.Argument(help="The question, as a citizen would write it.")],
    org: OrgOption = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question the way the bots do (approved answers only; nothing is logged)."""
    from publisher.db import session_scope
    from publisher.services.accounts import orgs
    from publisher.services.publishing import faq_search
    from publisher.timeutil import utcnow

    # Read-only: asking from the command line logs nothing (no write lock on SQLite).
    with session_scope(readonly=True) as session:
        org_id = orgs.get_org(session, org).id if org else None
        reply = faq_search.ask(session, question, org_id=org_id, now=utcnow())
    data = {
        "answered": reply.answered,
        "answer_id": reply.answer_id,
        "answer": reply.answer,
        "source_url": reply.source_url,
        "score": reply.score,
        "suggestions": [
            {"answer_id": s.answer_id, "question": s.question} for s in reply.suggestions
        ],
    }

    def human() -> str:
        if reply.answered:
            lines = [reply.answer or "", t("faqkb.cli.source", url=reply.source_url or "")]
        else:
            lines = [t("faqkb.cli.unknown")]
        if reply.suggestions:
            lines.append(t("faqkb.cli.did_you_mean"))
            lines.extend(f"  #{s.answer_id} {s.question}" for s in reply.suggestions)
        return "\n".join(lines)

    emit(data, as_json, human)
