"""Write operations on cases that are not state transitions (those go in cases/workflows.py)."""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.files.storage import default_storage
from django.db import transaction

from audit.services import audit_record
from config.submissions import created_once
from deadlines.clocks import deadline_start
from deadlines.due import LEGAL_TZ

from .evidence import check_evidence_file
from .models import Evidence, Lead, LeadParty, TradingProject


@contextmanager
def files_removed_on_failure():
    """Collect the names of files stored inside a transaction; delete them if it fails (no file without its row)."""
    stored = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def evidence_store(*, owner, upload, check, actor, stored: list, prefix: str = "") -> Evidence:
    """Write a checked upload read-only under evidence/<owner kind>/<owner id>/ and record it for its owner (a lead,
    complaint or assistance letter). A file the owner holds already (the same bytes, e.g. the evidence attached
    again as the report) is not stored twice: its record is returned. Callers hold the owner's row lock or have
    just created it, so two calls cannot race here."""
    field = _owner_field(owner)
    if earlier := Evidence.objects.filter(**{field: owner}, sha256=check.sha256).first():
        return earlier
    name = default_storage.save(f"evidence/{field}/{owner.pk}/{prefix}{check.sha256}", upload)
    stored.append(name)
    return Evidence.objects.create(
        **{field: owner},
        file=name,
        original_name=upload.name[:255],
        mime_type=check.mime_type,
        size=check.size,
        sha256=check.sha256,
        uploaded_by=actor,
    )


def _owner_field(owner) -> str:
    field = owner._meta.model_name.removesuffix("request")  # lead, complaint, assistance
    if field not in Evidence.OWNERS:
        raise TypeError(f"Evidence cannot belong to a {owner._meta.model_name}.")
    return field


@dataclass(frozen=True)
class Party:
    entity: object  # credit.MarketEntity
    role: str


def lead_file(
    *,
    actor,
    agency,
    source: str,
    project: TradingProject,
    facts: str,
    discovered_on: date,
    parties: list[Party],
    files: list,
    request=None,
    submission_key=None,
    to_refer: bool = True,
) -> Lead:
    """File a lead with its parties and evidence, start clock L2 from the discovery date, and audit it.

    `to_refer=False` files a lead the agency handles itself (a complaint it accepted as within its duties): no L2
    starts, since the rule asks only a case that must move to be referred.

    Every file is checked (type by content, size) before anything is written: a bad file refuses the whole lead
    and stores nothing (ValidationError). Files are written read-only under evidence/<year>/<lead>/.

    `submission_key` makes filing idempotent: the same form submitted twice (a double click, a retry after a
    timeout, both at once) files one lead, and the second call returns it.
    """
    return created_once(
        Lead.objects.filter(created_by=actor, agency=agency),
        submission_key,
        lambda: _lead_create(
            actor=actor, agency=agency, source=source, project=project, facts=facts,
            discovered_on=discovered_on, parties=parties, request=request, submission_key=submission_key,
            checked=[(upload, check_evidence_file(upload)) for upload in files], to_refer=to_refer,
        ),
    )  # fmt: skip


def _lead_create(
    *, actor, agency, source, project, facts, discovered_on, parties, checked, request, submission_key, to_refer
) -> Lead:  # fmt: skip
    with files_removed_on_failure() as stored, transaction.atomic():
        if project.pk is None:
            project.save()
        lead = Lead.objects.create(
            agency=agency,
            source=source,
            project=project,
            facts=facts,
            discovered_on=discovered_on,
            created_by=actor,
            submission_key=submission_key,
        )
        LeadParty.objects.bulk_create(
            [LeadParty(lead=lead, entity=party.entity, role=party.role) for party in parties],
            ignore_conflicts=True,
        )
        seen = {}  # sha256 -> None, in the order attached (a dict keeps it)
        for upload, check in checked:
            if check.sha256 not in seen:  # the same file attached twice is kept once
                seen[check.sha256] = None
                evidence_store(owner=lead, upload=upload, check=check, actor=actor, stored=stored)
        # 宣恩 二(四)2: a case that must move is referred within 5 working days of receiving or finding it (L2).
        if to_refer:
            deadline_start(
                actor=actor,
                rule="L2",
                target=lead,
                agency=agency,
                triggered_at=datetime.combine(discovered_on, time(0, 0), tzinfo=LEGAL_TZ),
            )
        audit_record(
            actor=actor,
            action="lead_filed",
            obj=lead,
            agency=agency,
            to_state=lead.state,
            payload={"source": source, "project": project.name, "evidence": list(seen)},
            request=request,
        )
    return lead
