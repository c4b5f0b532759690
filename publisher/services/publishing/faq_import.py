"""Importing answers from a CSV or XLSX table (``publisher faq import``, the knowledge base
page): all or nothing, every bad line named by its number (the header is line 1).

Columns: ``question``/«Câu hỏi», ``answer``/«Câu trả lời», ``source_url``/«Nguồn»
(required); ``variants``/«Cách hỏi khác» (several ways of asking, separated by ``|``),
``theme``/«Chủ đề» (khcn/dmst/cds or its label), ``org``/«Đơn vị» (a unit's slug; default:
the one given to the import) optional. Headers are matched as the task register's are
(:mod:`publisher.services.table_headers`: any case, with or without diacritics). A question
already in the unit's base is updated in place, so importing the same table twice changes
nothing.

The server's operator (the CLI) imports approved answers (audited as such, like
``post create --approve``); a web account's import goes to review (four eyes).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from publisher.errors import InvalidInput, PublisherError
from publisher.models import FaqAnswer
from publisher.services import table_headers
from publisher.services.accounts import audit, orgs
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import faq, faq_search
from publisher.services.publishing.imports import ImportRefused, LineError, read_table
from publisher.timeutil import utcnow

REQUIRED = ("question", "answer", "source_url")
OPTIONAL = ("variants", "theme", "org")
#: How people write each column's name (folded by ``table_headers``; the English name too).
SPELLINGS: dict[str, tuple[str, ...]] = {
    "question": ("Câu hỏi", "Hỏi"),
    "answer": ("Câu trả lời", "Trả lời", "Nội dung trả lời"),
    "source_url": ("Nguồn", "Nguồn (địa chỉ web)", "Đường dẫn nguồn", "Link nguồn", "source"),
    "variants": ("Cách hỏi khác", "Các cách hỏi khác", "Biến thể"),
    "theme": ("Chủ đề", "Lĩnh vực"),
    "org": ("Đơn vị", "Cơ quan"),
}
ALIASES = table_headers.aliases(SPELLINGS)
#: The catalogue key naming a column (Vietnamese by default).
LABEL = "faqkb.import.col.{column}"


@dataclass(frozen=True)
class FaqImportResult:
    created: int
    updated: int
    status: str
    answer_ids: tuple[int, ...]


def _parse(
    session: Session, actor: Actor, filename: str, content: bytes, default_org: int | None
) -> tuple[list[tuple[int, int, faq.AnswerInput]], list[LineError]]:
    good: list[tuple[int, int, faq.AnswerInput]] = []
    errors: list[LineError] = []
    seen: dict[tuple[int, str], int] = {}
    org_ids: dict[str, int] = {}
    for line, row in read_table(
        filename,
        content,
        required=REQUIRED,
        optional=OPTIONAL,
        prefixed=False,
        aliases=ALIASES,
        label=LABEL,
        unknown_key="faqkb.import.header_unknown",
    ):
        try:
            if "__extra__" in row:
                raise InvalidInput("import.extra_cells")
            slug = row.get("org", "").strip()
            if slug:
                if slug not in org_ids:
                    org_ids[slug] = orgs.get_org(session, slug).id or 0
                org_id: int | None = org_ids[slug]
            else:
                org_id = default_org
            if org_id is None:
                raise InvalidInput("faqkb.error.org_required")
            actor.require_org(org_id)
            data = faq.clean(
                faq.AnswerInput(
                    question=row["question"],
                    answer=row["answer"],
                    source_url=row["source_url"],
                    variants=row.get("variants", "").split("|"),
                    theme=row.get("theme", "").strip() or None,
                )
            )
            key = (org_id, data.question.casefold())
            if key in seen:
                raise InvalidInput("faqkb.error.duplicate_question", line=seen[key])
            seen[key] = line
            good.append((line, org_id, data))
        except PublisherError as exc:
            errors.append(LineError(line, exc.message()))
    return good, errors


def template_csv(lang: str | None = None) -> bytes:
    """An empty table to fill in (:func:`.table_headers.template_csv`)."""
    return table_headers.template_csv(LABEL, (*REQUIRED, *OPTIONAL), lang)


def import_table(
    session: Session,
    actor: Actor,
    filename: str,
    content: bytes,
    *,
    org_id: int | None = None,
) -> FaqImportResult:
    """Create or update the table's answers in the caller's transaction. Raises
    ImportRefused (every bad line), InvalidInput (not a table, a bad header, no rows),
    PermissionDenied."""
    actor.require("faq.edit")
    default_org = org_id if org_id is not None else actor.org_id
    good, errors = _parse(session, actor, filename, content, default_org)
    if errors:
        raise ImportRefused(errors)
    if not good:
        raise InvalidInput("faqkb.import.no_rows")
    operator = actor.user_id is None and actor.can("faq.review")
    status = faq.APPROVED if operator else faq.IN_REVIEW
    existing = {
        (r.org_id, r.question.casefold()): r
        for r in session.exec(
            select(FaqAnswer).where(FaqAnswer.org_id.in_({o for _, o, _ in good}))  # type: ignore[attr-defined]
        ).all()
    }
    created = updated = 0
    ids: list[int] = []
    now = utcnow()
    for _line, org, data in good:
        row = existing.get((org, data.question.casefold()))
        if row is None:
            row = FaqAnswer(org_id=org, question=data.question, answer="", created_by=actor.user_id)
            created += 1
        else:
            updated += 1
        row.answer, row.source_url, row.variants = data.answer, data.source_url, data.variants
        row.theme, row.status, row.updated_at = data.theme, status, now
        row.content_by, row.content_label = actor.user_id, actor.label or f"role:{actor.role}"
        if operator:
            row.reviewed_by, row.reviewed_at = None, now
        session.add(row)
        session.flush()
        ids.append(row.id or 0)
    faq_search.invalidate()
    audit.record(
        session,
        actor,
        "faq.import",
        "faqanswer",
        None,
        org_id=default_org,
        after={"created": created, "updated": updated, "status": status, "file": filename[-120:]},
    )
    return FaqImportResult(created, updated, status, tuple(ids))
