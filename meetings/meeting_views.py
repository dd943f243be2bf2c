"""The meeting pages: plan a meeting, a meeting with its agenda, notice, attendance, minutes and decisions, and their
steps (the office's, and the responsible agencies' reports), and the meeting's documents. Same rules as views.py: a
visible_to first (404), 403 for a step one may not take, 409 for a page out of date."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.models import Agency
from audit.timeline import timeline_for
from cases.models import Lead
from deadlines.board import clock_view
from documents.views import pdf_download

from . import services, workflows
from .forms import (
    AttendanceForm,
    DecisionFormSet,
    MeetingForm,
    MinutesForm,
    ReasonForm,
    ReportForm,
)
from .models import AgendaItem, Assignment, Body, Decision, Meeting, MeetingAction
from .views import conflict_page, run_step


@login_required
def meeting_new(request, body_pk):
    """Plan a meeting (the office only): plenary, ad hoc (with invited agencies) or case consultation."""
    body = get_object_or_404(Body.objects.visible_to(request.user).select_related("office"), pk=body_pk)
    if not workflows.is_office(request.user, body):
        raise PermissionDenied(_("Only the joint meeting's office plans its meetings."))
    member_ids = workflows.member_agency_ids(body)
    form = MeetingForm(request.POST or None, body=body, user=request.user, member_ids=member_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_plan(
                actor=request.user,
                body=body,
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                place=data["place"],
                invited=list(data["invited"]),
                cases=list(data["cases"]),
                submission_key=data["submission_key"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting is planned: compile its agenda, then send the notice."))
            return redirect(meeting)
    context = {"body": body, "form": form}
    return TemplateResponse(
        request, "meetings/meeting_form.html", context, status=400 if request.method == "POST" else 200
    )


def _visible_meeting(request, pk) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related(
            "body__office", "body__convener", "notice", "minutes", "created_by"
        ),
        pk=pk,
    )


def _audience_agencies(meeting):
    return Agency.objects.filter(pk__in=workflows.audience(meeting)).order_by("name")


def _attendance_form(meeting, now, data=None):
    """Before the meeting's day the form asks the office to confirm that it met earlier (meeting_hold)."""
    return AttendanceForm(data, agencies=_audience_agencies(meeting), early=meeting.is_before_its_day(now))


def _meeting_page(request, meeting, *, forms=None, errors=(), status=200):
    user = request.user
    now = timezone.now()
    office = workflows.is_office(user, meeting.body)
    convener = workflows.is_convener(user, meeting.body)
    items = list(meeting.items.select_related("agency").order_by("id"))
    if not (office or convener):
        items = [item for item in items if item.state == AgendaItem.State.APPROVED]
    forms = dict(forms or {})
    S = Meeting.State
    if office and meeting.state == S.NOTIFIED:
        forms.setdefault("hold", _attendance_form(meeting, now))
    if office and meeting.state in (S.PLANNED, S.NOTIFIED):
        forms.setdefault("cancel", ReasonForm())
    if office and meeting.state == S.HELD:
        forms.setdefault("minutes", MinutesForm())
        forms.setdefault(
            "decisions",
            DecisionFormSet(prefix="decision", form_kwargs={"agencies": _audience_agencies(meeting)}),
        )
    mine = set(workflows.roles_in(user, request.agency.pk)) if request.agency else set()
    acting_id = request.agency.pk if request.agency else None
    decisions = []
    for decision in meeting.decisions.prefetch_related(
        "assignments__agency", "assignments__clock__rule", "assignments__reports__reported_by"
    ):
        assignments = []
        for assignment in decision.assignments.all():
            may_report = (
                assignment.state == Assignment.State.OPEN
                and assignment.agency_id == acting_id
                and bool(mine & workflows.MEMBER_ROLES)
            )
            assignments.append(
                {
                    "obj": assignment,
                    "clock": clock_view(assignment.clock, now=now) if assignment.clock_id else None,
                    "may_report": may_report,
                    "may_urge": office and assignment.state == Assignment.State.OPEN,
                    "form": forms.get(("assignment", assignment.pk))
                    or (ReportForm(assignment=assignment) if may_report else None),
                }
            )
        decisions.append({"obj": decision, "assignments": assignments})
    context = {
        "meeting": meeting,
        "body": meeting.body,
        "office": office,
        "convener": convener,
        "items": items,
        "invited": list(meeting.invited.order_by("name")),
        "cases": list(
            Lead.objects.visible_to(user).filter(pk__in=meeting.cases.values("pk")).select_related("project")
        ),
        "case_count": meeting.cases.count(),
        "attendance": list(meeting.attendance.select_related("agency")),
        "decisions": decisions,
        "forms": forms,
        "errors": errors,
        "may_notify": office and meeting.state == S.PLANNED,
        # The notice waits for the convener's word on every item: the page says so instead of a button that fails.
        "undecided_items": sum(item.state == AgendaItem.State.COMPILED for item in items),
        # Every agency the meeting concerns sees its whole trail (the office's steps, each agency's reports).
        "timeline": timeline_for(
            meeting, user, labels=[MeetingAction, Meeting.State], parties=list(workflows.audience(meeting))
        ),
    }
    return TemplateResponse(request, "meetings/meeting_detail.html", context, status=status)


@login_required
def meeting_detail(request, pk):
    """A meeting: kind, time, place, who is invited, the agenda, its notice and minutes, attendance, decisions with
    their clocks and reports, the steps the user may take, the trail."""
    return _meeting_page(request, _visible_meeting(request, pk))


@login_required
@require_POST
def meeting_step(request, pk, step):
    meeting = _visible_meeting(request, pk)
    if step not in ("notify", "hold", "minutes", "cancel"):
        raise Http404
    if not workflows.is_office(request.user, meeting.body):
        raise PermissionDenied(_("Only the joint meeting's office prepares and records its meetings."))
    seen_state = request.POST.get("seen_state") or None
    if seen_state is not None and seen_state != meeting.state:
        return conflict_page(request, meeting.get_absolute_url())
    forms, arguments = {}, {}
    if step == "hold":
        form = forms["hold"] = _attendance_form(meeting, timezone.now(), request.POST)
        if not form.is_valid():
            return _meeting_page(request, meeting, forms=forms, status=400)
        arguments["attendance"], arguments["met_early"] = form.attendance(), form.met_early
    if step == "cancel":
        form = forms["cancel"] = ReasonForm(request.POST)
        if not form.is_valid():
            return _meeting_page(request, meeting, forms=forms, status=400)
        arguments["reason"] = form.cleaned_data["reason"]
    if step == "minutes":
        form = forms["minutes"] = MinutesForm(request.POST)
        formset = forms["decisions"] = DecisionFormSet(
            request.POST, prefix="decision", form_kwargs={"agencies": _audience_agencies(meeting)}
        )
        if not (form.is_valid() and formset.is_valid()):
            return _meeting_page(request, meeting, forms=forms, status=400)
        arguments["summary"] = form.cleaned_data["summary"]
        arguments["decisions"] = [
            {"text": row["text"], "agencies": list(row["agencies"]), "due_date": row["due_date"]}
            for row in formset.cleaned_data
            if row
        ]
    workflow = {
        "notify": workflows.meeting_notify,
        "hold": workflows.meeting_hold,
        "minutes": workflows.meeting_record_minutes,
        "cancel": workflows.meeting_cancel,
    }[step]

    def run():
        workflow(actor=request.user, meeting=meeting, request=request, seen_state=seen_state, **arguments)

    response, errors = run_step(request, meeting.get_absolute_url(), run, step)
    if response is not None:
        return response
    return _meeting_page(request, meeting, forms=forms, errors=errors, status=400)


@login_required
@require_POST
def assignment_step(request, pk, step):
    """Report progress on, or complete, the acting agency's share of a decision."""
    assignment = get_object_or_404(
        Assignment.objects.filter(decision__in=Decision.objects.visible_to(request.user)).select_related(
            "decision__meeting"
        ),
        pk=pk,
    )
    meeting = _visible_meeting(request, assignment.decision.meeting_id)
    if step not in ("report", "complete", "urge"):
        raise Http404
    if step == "urge":
        if not workflows.is_office(request.user, meeting.body):
            raise PermissionDenied(_("Only the joint meeting's office presses agencies on its decisions."))
        response, errors = run_step(
            request,
            meeting.get_absolute_url(),
            lambda: workflows.assignment_urge(actor=request.user, assignment=assignment, request=request),
            step,
        )
        return response or _meeting_page(request, meeting, errors=errors, status=400)
    if not workflows.is_member_staff(request.user, assignment.agency_id):
        raise PermissionDenied(_("Only the responsible agency's handlers and heads report on its decision."))
    form = ReportForm(request.POST, assignment=assignment)
    if not form.is_valid():
        return _meeting_page(request, meeting, forms={("assignment", assignment.pk): form}, status=400)

    def run():
        arguments = {
            "actor": request.user,
            "assignment": assignment,
            "text": form.cleaned_data["text"],
            "request": request,
            "seen_state": request.POST.get("seen_state") or None,
        }
        if step == "report":
            workflows.assignment_report(**arguments, submission_key=form.cleaned_data["submission_key"])
        else:
            workflows.assignment_complete(**arguments)

    response, errors = run_step(request, meeting.get_absolute_url(), run, step)
    if response is not None:
        return response
    return _meeting_page(
        request, meeting, forms={("assignment", assignment.pk): form}, errors=errors, status=400
    )


@login_required
def meeting_document(request, pk, which):
    """The meeting's notice or minutes PDF, to everyone who sees the meeting (the document itself is the office's;
    its members and invited agencies read it here). Recorded in the document's trail."""
    meeting = _visible_meeting(request, pk)
    document = {"notice": meeting.notice, "minutes": meeting.minutes}.get(which)
    if document is None:
        raise Http404("The meeting has no such document yet.")
    return pdf_download(request, document, meeting=meeting.pk)
