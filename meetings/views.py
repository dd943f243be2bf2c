"""The joint-meeting pages: the index, and an agenda item with its steps (a meeting's pages: meeting_views.py).

Every page starts from a visible_to: what the user may not see is a 404; a step the user may not take on what they
see is a 403 (before any form is read); a page out of date (a second click, a colleague was quicker) answers 409 and
changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from audit.timeline import timeline_for
from documents.services import DocumentError

from . import services, workflows
from .forms import (
    CompileForm,
    ItemForm,
    ReasonForm,
)
from .models import AgendaItem, Body, Meeting, MeetingAction

DONE = {
    "revise": gettext_lazy("The item is revised: your agency's head signs it before it is submitted."),
    "sign": gettext_lazy("Signed: the item may now be submitted to the office."),
    "submit": gettext_lazy("Submitted to the joint meeting's office."),
    "compile": gettext_lazy("Put on the draft agenda: the convener decides on it."),
    "approve": gettext_lazy("Approved for the meeting's agenda."),
    "reject": gettext_lazy("Returned to the proposing agency with your reasons."),
    "notify": gettext_lazy("The meeting notice is numbered and sent to the members and liaison officers."),
    "hold": gettext_lazy("The meeting is recorded as held, with its attendance."),
    "minutes": gettext_lazy("The minutes are numbered and the decisions' clocks have started."),
    "report": gettext_lazy("Your progress report is recorded; the office is told."),
    "complete": gettext_lazy("Completed: the clock is met and the office is told."),
    "cancel": gettext_lazy("The meeting is cancelled; its items are back among the submitted ones."),
    "urge": gettext_lazy("The agency's heads and handlers are pressed to carry out the decision."),
}


def conflict_page(request, back_url: str):
    """409: the item or meeting moved on since the page was shown; nothing was changed."""
    return TemplateResponse(request, "meetings/conflict.html", {"back_url": back_url}, status=409)


def run_step(request, back, run, name):
    """Run a step; answer with a redirect (done), the 409 page, or the list of refusals to show (None if done)."""
    try:
        run()
    except (ConcurrentTransition, TransitionNotAllowed):
        return conflict_page(request, back), None
    except ValidationError as error:
        return None, error.messages
    except DocumentError as error:  # the office has no 机关代字 yet
        return None, [str(error)]
    messages.success(request, DONE[name])
    return redirect(back), None


# Index ----------------------------------------------------------------------------------------------------------


@login_required
def index(request):
    """The joint meetings the user takes part in: bodies, meetings, the acting agency's items, what awaits them."""
    user = request.user
    agency = request.agency or None
    bodies = list(Body.objects.visible_to(user).select_related("region", "convener", "office"))
    meetings = list(Meeting.objects.visible_to(user).select_related("body").order_by("-starts_at")[:50])
    items = AgendaItem.objects.visible_to(user).select_related("agency", "meeting").order_by("-created_at")
    rows = []
    for body in bodies:
        member_ids = workflows.member_agency_ids(body)
        rows.append(
            {
                "body": body,
                "may_draft": agency is not None
                and agency.pk in member_ids
                and workflows.is_member_staff(user, agency.pk),
                "may_plan": workflows.is_office(user, body),
            }
        )
    return TemplateResponse(
        request,
        "meetings/index.html",
        {"bodies": rows, "meetings": meetings, "items": list(items[:50])},
    )


# Agenda items ---------------------------------------------------------------------------------------------------


@login_required
def item_new(request, body_pk):
    """Draft an agenda item for the acting agency (a member's handler or head)."""
    body = get_object_or_404(Body.objects.visible_to(request.user), pk=body_pk)
    agency = request.agency or None
    if (
        agency is None
        or agency.pk not in workflows.member_agency_ids(body)
        or not workflows.is_member_staff(request.user, agency.pk)
    ):
        raise PermissionDenied(_("Only a member agency's handlers and heads draft agenda items."))
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_draft(
                actor=request.user,
                body=body,
                agency=agency,
                title=data["title"],
                description=data["description"],
                submission_key=data["submission_key"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The item is drafted: your agency's head signs it before it is submitted.")
            )
            return redirect(item)
    context = {"body": body, "agency": agency, "form": form}
    return TemplateResponse(
        request, "meetings/item_form.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
def item_edit(request, pk):
    """Revise a draft or returned item (its agency's handlers and heads)."""
    item = _visible_item(request, pk)
    if not workflows.is_member_staff(request.user, item.agency_id):
        raise PermissionDenied(_("Only the proposing agency's handlers and heads revise its agenda items."))
    if item.state not in (AgendaItem.State.DRAFT, AgendaItem.State.RETURNED):
        return conflict_page(request, item.get_absolute_url())
    form = ItemForm(request.POST or None, initial={"title": item.title, "description": item.description})
    form.fields["submission_key"].required = False
    seen_state = (
        request.POST.get("seen_state") or item.page_token
    )  # what the form showed, kept through errors
    if request.method == "POST" and form.is_valid():
        response, errors = run_step(
            request,
            item.get_absolute_url(),
            lambda: services.item_revise(
                actor=request.user,
                item=item,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                request=request,
                seen_state=seen_state,
            ),
            "revise",
        )
        if response is not None:
            return response
        for error in errors:
            form.add_error(None, error)
    context = {"body": item.body, "agency": item.agency, "form": form, "item": item, "seen_state": seen_state}
    return TemplateResponse(
        request, "meetings/item_form.html", context, status=400 if request.method == "POST" else 200
    )


def _visible_item(request, pk) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.visible_to(request.user).select_related(
            "body__convener", "body__office", "agency", "meeting", "drafted_by", "signed_by", "decided_by"
        ),
        pk=pk,
    )


def item_actions(user, item: AgendaItem) -> set[str]:
    """The steps the page offers `user` on the item now (the workflows check again under lock)."""
    S = AgendaItem.State
    actions = set()
    roles = workflows.roles_in(user, item.agency_id)
    if item.state in (S.DRAFT, S.RETURNED) and workflows.R.HEAD in roles:
        actions.add("sign")
    if item.state == S.SIGNED and roles & workflows.MEMBER_ROLES:
        actions.add("submit")
    if item.state == S.SUBMITTED and workflows.is_office(user, item.body):
        actions.add("compile")
    if item.state == S.COMPILED and workflows.is_convener(user, item.body):
        actions |= {"approve", "reject"}
    return actions


ITEM_STEPS = {
    "sign": (None, workflows.item_sign),
    "submit": (None, workflows.item_submit),
    "compile": (CompileForm, workflows.item_compile),
    "approve": (None, workflows.item_approve),
    "reject": (ReasonForm, workflows.item_reject),
}


def _item_page(request, item, *, forms=None, errors=(), status=200):
    actions = item_actions(request.user, item)
    forms = forms or {}
    if "compile" in actions:
        forms.setdefault("compile", CompileForm(item=item))
    if "reject" in actions:
        forms.setdefault("reject", ReasonForm())
    context = {
        "item": item,
        "may_revise": item.state in (AgendaItem.State.DRAFT, AgendaItem.State.RETURNED)
        and workflows.is_member_staff(request.user, item.agency_id),
        "actions": actions,
        "forms": forms,
        "errors": errors,
        # The item's steps are recorded for its agency, the office and the convener: each sees the others'.
        "timeline": timeline_for(
            item,
            request.user,
            labels=[MeetingAction, AgendaItem.State],
            parties=[item.agency_id, item.body.office_id, item.body.convener_id],
        ),
    }
    return TemplateResponse(request, "meetings/item_detail.html", context, status=status)


@login_required
def item_detail(request, pk):
    """An agenda item: its text, signature, where it stands, the steps the user may take, its trail."""
    return _item_page(request, _visible_item(request, pk))


@login_required
@require_POST
def item_step(request, pk, step):
    item = _visible_item(request, pk)
    if step not in ITEM_STEPS or not _ever(request.user, item, step):
        raise PermissionDenied  # before the form: a part that never may gets 403; a stale page gets 409 below
    form_class, workflow = ITEM_STEPS[step]
    form = None
    arguments = {}
    if form_class is CompileForm:
        form = CompileForm(request.POST, item=item)
    elif form_class is not None:
        form = form_class(request.POST)
    if form is not None and not form.is_valid():
        return _item_page(request, item, forms={step: form}, status=400)
    if step == "compile":
        arguments["meeting"] = form.cleaned_data["meeting"]
    if step == "reject":
        arguments["reason"] = form.cleaned_data["reason"]

    def run():
        workflow(
            actor=request.user,
            item=item,
            request=request,
            seen_state=request.POST.get("seen_state") or None,
            **arguments,
        )

    response, errors = run_step(request, item.get_absolute_url(), run, step)
    if response is not None:
        return response
    return _item_page(request, item, forms={step: form} if form else None, errors=errors, status=400)


def _ever(user, item, step) -> set[str]:
    """The step, if the user's part allows it in some state (so that a stale page gets 409, not 403)."""
    roles = workflows.roles_in(user, item.agency_id)
    may = {
        "sign": workflows.R.HEAD in roles,
        "submit": bool(roles & workflows.MEMBER_ROLES),
        "compile": workflows.is_office(user, item.body),
        "approve": workflows.is_convener(user, item.body),
        "reject": workflows.is_convener(user, item.body),
    }
    return {step} if may.get(step) else set()
