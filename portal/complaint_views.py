"""The public online channel for complaints and tip-offs (鄂尔多斯 第九条), without login: file one, print the
acknowledgement, look up its stage by query code (and, for one that is not the receiving agency's, the department
to turn to). Nothing of what a complaint says, nor who made it, is ever shown here."""

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.forms import OnlineComplaintForm
from cases.models import Complaint
from cases.workflows import complaint_record

from .limits import take_submission_place

FILED = "filed_complaints"  # session key: the query codes this browser filed


class _NoPlaceLeft(Exception):
    """The hour's places of the address are taken (raised in the complaint's transaction, which it undoes)."""


def complaint_online(request):
    form = OnlineComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        address = get_client_ip_address(request) or "127.0.0.1"  # unknown addresses share one window

        def admit():
            # Taken once the complaint's row is written: the same form sent again, at once or later, gets that
            # complaint and takes no second place (taken before, a double click on the last place answered 429).
            if not take_submission_place(address):
                raise _NoPlaceLeft

        data = form.cleaned_data
        if (earlier := _filed_here_already(request, data)) is not None:
            messages.info(
                request,
                _(
                    "You sent this complaint already (query code %(code)s): it was not filed again. To add "
                    "materials, telephone the department."
                )
                % {"code": earlier.query_code},
            )
            return redirect("portal:complaint_ack", code=earlier.query_code)
        try:
            complaint = complaint_record(
                actor=None,
                agency=data["agency"],
                kind=data["kind"],
                channel=Complaint.Channel.ONLINE,
                details=form.details(),
                files=data["files"],
                submitted_from=address,
                request=request,
                submission_key=data["submission_key"],
                admit=admit,
            )
        except _NoPlaceLeft:
            form.add_error(
                None,
                _(
                    "Too many submissions from your network in this hour. Please try again later, or telephone the department."
                ),
            )
            return TemplateResponse(
                request,
                "portal/complaint_form.html",
                {"form": form, "files_dropped": bool(request.FILES)},
                status=429,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The acknowledgement (kind, department) is for the browser that filed it; the code alone shows the stage.
            request.session.setdefault(FILED, [])
            request.session[FILED] = [*request.session[FILED][-9:], complaint.query_code]
            return redirect("portal:complaint_ack", code=complaint.query_code)
    return TemplateResponse(
        request,
        "portal/complaint_form.html",
        {"form": form, "files_dropped": bool(request.FILES)},
        status=400 if request.method == "POST" else 200,
    )


def _filed_here_already(request, data) -> Complaint | None:
    """The complaint this browser filed with the same department, kind and facts: the form sent again after the
    browser's Back button, which shows it filled in but with a new submission key (a double click keeps its key,
    and complaint_record gives it the first complaint)."""
    filed = request.session.get(FILED)
    if not filed:
        return None
    return Complaint.objects.filter(
        query_code__in=filed, agency=data["agency"], kind=data["kind"], facts=data["facts"]
    ).first()


def complaint_ack(request, code):
    """The printable acknowledgement: query code, department, kind and time received, to the browser that filed
    the complaint; anyone else with the code is sent to the status lookup (stage and dates only)."""
    code = code.strip().upper()
    if code not in request.session.get(FILED, []):
        return redirect(f"{reverse('portal:complaint_status')}?code={code}")
    complaint = get_object_or_404(Complaint.objects.select_related("agency"), query_code=code)
    return TemplateResponse(request, "portal/complaint_ack.html", {"complaint": complaint})


def complaint_status(request):
    """The stage and dates of a complaint, by its query code, and, when it is not the receiving agency's, the
    department to complain to with its public complaint telephone (the L1 notice's content). Nothing of what the
    complaint says, nor who made it."""
    code = request.GET.get("code", "").strip().upper()
    complaint = (
        Complaint.objects.select_related("agency", "competent_agency").filter(query_code=code).first()
        if code
        else None
    )
    return TemplateResponse(request, "portal/complaint_status.html", {"code": code, "complaint": complaint})
