"""Write operations on cases that are not state transitions (those go in cases/workflows.py)."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.files.storage import default_storage
from django.db import transaction

from audit.services import audit_record
from deadlines.clocks import deadline_start
from deadlines.due import LEGAL_TZ

from .evidence import check_evidence_file
from .models import Evidence, Lead, LeadParty, TradingProject


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
) -> Lead:
    """File a lead with its parties and evidence, start clock L2 from the discovery date, and audit it.

    Every file is checked (type by content, size) before anything is written: a bad file refuses the whole lead
    and stores nothing (ValidationError). Files are written read-only under evidence/<year>/<lead>/.
    """
    checked = [(upload, check_evidence_file(upload)) for upload in files]
    stored = []
    try:
        with transaction.atomic():
            if project.pk is None:
                project.save()
            lead = Lead.objects.create(
                agency=agency,
                source=source,
                project=project,
                facts=facts,
                discovered_on=discovered_on,
                created_by=actor,
            )
            LeadParty.objects.bulk_create(
                [LeadParty(lead=lead, entity=party.entity, role=party.role) for party in parties],
                ignore_conflicts=True,
            )
            seen = {}  # sha256 -> None, in the order attached (a dict keeps it)
            for upload, check in checked:
                if check.sha256 in seen:
                    continue  # the same file attached twice
                seen[check.sha256] = None
                name = default_storage.save(f"evidence/{discovered_on.year}/{lead.pk}/{check.sha256}", upload)
                stored.append(name)
                Evidence.objects.create(
                    lead=lead,
                    file=name,
                    original_name=upload.name[:255],
                    mime_type=check.mime_type,
                    size=check.size,
                    sha256=check.sha256,
                    uploaded_by=actor,
                )
            # 宣恩 二(四)2: refer within 5 working days of receiving or finding it (rule L2).
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
                payload={
                    "source": source,
                    "project": project.name,
                    "evidence": list(seen),
                },
                request=request,
            )
    except Exception:
        for name in stored:  # the transaction rolled back: leave no file without its row
            default_storage.delete(name)
        raise
    return lead
