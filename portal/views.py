from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from agencies.models import Agency, DutyItem, Region
from documents.models import Document


def index(request):
    """Public start page: each jurisdiction's agencies with their complaint telephones (鄂尔多斯 第九条)."""
    regions = (
        Region.objects.jurisdictions()
        .select_related("coordinator", "parent__parent")
        .prefetch_related(Prefetch("agencies", queryset=Agency.objects.active().in_kind_order()))
    )
    return TemplateResponse(request, "portal/index.html", {"regions": regions})


def duty_list(request, pk):
    """An agency's published 权责清单 and 服务事项清单 (鄂尔多斯 第四条), without login."""
    agency = get_object_or_404(Agency.objects.active().select_related("region"), pk=pk)
    items = DutyItem.objects.published().filter(agency=agency)
    lists = [
        (label, [item for item in items if item.duty_list == value])
        for value, label in DutyItem.DutyList.choices
    ]
    return TemplateResponse(request, "portal/duty_list.html", {"agency": agency, "lists": lists})


def verify(request, code=""):
    """Check a document by its verification code, without login: number, kind, issuer, date and file digest only.

    The code is looked up exactly; an unknown code says so. Nothing confidential (content, parties) is shown.
    """
    code = (code or request.GET.get("code", "")).strip().upper()
    document = (
        Document.objects.select_related("agency").filter(verification_code=code).first() if code else None
    )
    return TemplateResponse(request, "portal/verify.html", {"code": code, "document": document})
