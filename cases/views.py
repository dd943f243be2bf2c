from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from audit.services import audit_record
from audit.timeline import timeline_for
from deadlines.board import clock_view
from deadlines.models import Deadline

from .models import CaseAction, Evidence, Lead, Referral


@login_required
def case_list(request):
    """The leads the user may see, newest first (filters and keyset pages come with the referral pages)."""
    leads = (
        Lead.objects.visible_to(request.user)
        .select_related("project", "agency")
        .order_by("-created_at")[:100]
    )
    return TemplateResponse(request, "cases/case_list.html", {"leads": leads})


@login_required
def lead_detail(request, pk):
    """A lead with its parties, evidence, verifications, referrals, live clocks and trail. Others get 404."""
    lead = get_object_or_404(Lead.objects.visible_to(request.user).select_related("project", "agency"), pk=pk)
    referrals = list(
        Referral.objects.filter(lead=lead)
        .select_related("receiver", "sender", "letter", "receipt")
        .order_by("sent_at")
    )
    now = timezone.now()
    of_lead_or_referrals = Q(content_type=ContentType.objects.get_for_model(Lead), object_id=lead.pk) | Q(
        content_type=ContentType.objects.get_for_model(Referral), object_id__in=[r.pk for r in referrals]
    )
    clocks = [
        clock_view(deadline, now=now)
        for deadline in Deadline.objects.filter(of_lead_or_referrals)
        .select_related("rule")
        .order_by("due_at")
    ]
    return TemplateResponse(
        request,
        "cases/lead_detail.html",
        {
            "lead": lead,
            "parties": lead.parties.select_related("entity"),
            "evidence": lead.evidence.all(),
            "verifications": lead.verifications.select_related("verifier"),
            "referrals": referrals,
            "clocks": clocks,
            "timeline": timeline_for(lead, request.user, labels=[CaseAction, Lead.State]),
        },
    )


@login_required
def evidence_download(request, pk):
    """An evidence file, to those who may see its lead; recorded in the trail."""
    evidence = get_object_or_404(
        Evidence.objects.filter(lead__in=Lead.objects.visible_to(request.user)), pk=pk
    )
    handle = evidence.file.open("rb")
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=CaseAction.EVIDENCE_DOWNLOADED,
            obj=evidence.lead,
            payload={"file": evidence.original_name, "sha256": evidence.sha256},
            request=request,
        )
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name)
