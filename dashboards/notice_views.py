"""The supervision notices' pages: issue one on a clock, read one, resolve it, list them.

Every page starts from a visible_to: a clock or notice the user may not see is a 404; an action the user may not
take on one they see is a 403, before any form is read. A page that went out of date (another supervisor was
quicker, the clock was met) answers 409 and changes nothing.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from config.exports import FORMATS, export
from deadlines.board import clock_view
from deadlines.models import Deadline
from documents.models import Document
from documents.services import DocumentError

from .models import SupervisionNotice
from .notice_forms import NoticeForm, ResolveForm
from .notice_rules import is_pressing, item_url, item_visible, supervising_agency
from .notices import notice_issue, notice_resolve, seen_state_of

PAGE_SIZE = 50


def _item(deadline: Deadline, user) -> dict:
    """The supervised item as the page may show it: its name and link only to those who may see it."""
    target = deadline.target
    if target is None or not item_visible(target, user):
        return {"name": "", "url": ""}
    return {"name": str(target), "url": item_url(target)}


def conflict_page(request, back_url: str):
    """409: the clock or notice changed since the page was shown; nothing was changed."""
    return TemplateResponse(request, "dashboards/notice_conflict.html", {"back_url": back_url}, status=409)


@login_required
def notice_new(request, deadline_id):
    """Issue a supervision notice on an overdue or endangered clock (supervisors over its agency only)."""
    deadline = get_object_or_404(
        Deadline.objects.visible_to(request.user).select_related("rule", "agency"), pk=deadline_id
    )
    if supervising_agency(request.user, deadline.agency, prefer=request.agency or None) is None:
        raise PermissionDenied(_("Only the supervisors over this agency may issue supervision notices."))
    if request.method == "POST" and (earlier := _sent_before(request)):
        return redirect(earlier)  # the same form again (a double click, a retry): the notice it issued
    seen_state = seen_state_of(deadline)
    if request.method == "POST" and request.POST.get("seen_state") not in (None, "", seen_state):
        # Before the form: the page's choices (a red notice only, once a yellow one is open) are out of date too.
        return _unless_sent_before(request, conflict_page(request, deadline.get_absolute_url()))
    now = timezone.now()
    open_notice = (
        SupervisionNotice.objects.open().filter(deadline=deadline).select_related("document").first()
    )
    form = NoticeForm(request.POST or None, deadline=deadline, open_notice=open_notice, seen_state=seen_state)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = notice_issue(
                actor=request.user,
                deadline=deadline,
                grade=data["grade"],
                message=data["message"],
                target_date=data["target_date"],
                request=request,
                seen_state=data["seen_state"] or None,
                submission_key=data["submission_key"],
            )
        except (ConcurrentTransition, TransitionNotAllowed):
            return _unless_sent_before(request, conflict_page(request, deadline.get_absolute_url()))
        except ValidationError as error:
            form.add_error(None, error)
        except DocumentError as error:  # the supervisor's agency has no 机关代字 yet
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The supervision notice is issued: the agency's heads and handlers are told.")
            )
            return redirect(notice)
    context = {
        "deadline": deadline,
        "clock": clock_view(deadline, now=now),
        "pressing": is_pressing(deadline, now=now),
        "open_notice": open_notice,
        "item": _item(deadline, request.user),
        "form": form,
    }
    if request.method == "POST":
        return _unless_sent_before(
            request, TemplateResponse(request, "dashboards/notice_form.html", context, status=400)
        )
    return TemplateResponse(request, "dashboards/notice_form.html", context)


def _unless_sent_before(request, refusal):
    """The refusal of a form, unless that very form has issued its notice meanwhile: the second request of a double
    click can pass the first look (_sent_before) while the first is still committing, and then find the clock
    changed (409) or its own notice open (400). The person gets the notice their click issued."""
    earlier = _sent_before(request)
    return redirect(earlier) if earlier else refusal


def _sent_before(request) -> SupervisionNotice | None:
    try:
        key = uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None
    return SupervisionNotice.objects.filter(issued_by=request.user, submission_key=key).first()


def _visible_notice(request, pk) -> SupervisionNotice:
    return get_object_or_404(
        SupervisionNotice.objects.visible_to(request.user).select_related(
            "deadline__rule",
            "agency",
            "issuing_agency",
            "issued_by",
            "resolved_by",
            "document",
            "clock__rule",
            "supersedes__document",
        ),
        pk=pk,
    )


def _detail_context(request, notice: SupervisionNotice, *, form=None, errors=()) -> dict:
    now = timezone.now()
    can_resolve = notice.is_open and supervising_agency(request.user, notice.agency) is not None
    document = None
    if notice.document_id:
        document = Document.objects.visible_to(request.user).filter(pk=notice.document_id).first()
    superseded_by = SupervisionNotice.objects.filter(supersedes=notice).select_related("document").first()
    return {
        "notice": notice,
        "deadline": notice.deadline,
        "supervised": clock_view(notice.deadline, now=now),
        "own_clock": clock_view(notice.clock, now=now) if notice.clock_id else None,
        "document": document,
        "superseded_by": superseded_by,
        "item": _item(notice.deadline, request.user),
        "can_resolve": can_resolve,
        "resolve_form": form or (ResolveForm() if can_resolve else None),
        "errors": errors,
    }


@login_required
def notice_detail(request, pk):
    """A notice: grade, message, target date, its document, its clock and the supervised clock and item."""
    notice = _visible_notice(request, pk)
    return TemplateResponse(request, "dashboards/notice_detail.html", _detail_context(request, notice))


@login_required
@require_POST
def notice_resolve_view(request, pk):
    """Resolve a notice with a note (supervisors over its agency only)."""
    notice = _visible_notice(request, pk)
    if supervising_agency(request.user, notice.agency) is None:
        raise PermissionDenied(
            _("Only the supervisors over this agency may resolve its supervision notices.")
        )
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            notice_resolve(actor=request.user, notice=notice, note=form.cleaned_data["note"], request=request)
        except (ConcurrentTransition, TransitionNotAllowed):
            return conflict_page(request, notice.get_absolute_url())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The supervision notice is resolved."))
            return redirect(notice)
    context = _detail_context(request, notice, form=form)
    return TemplateResponse(request, "dashboards/notice_detail.html", context, status=400)


@login_required
def notice_list(request):
    """The notices the user may see: open and escalated ones first, newest first within each."""
    notices = (
        SupervisionNotice.objects.visible_to(request.user)
        .select_related("deadline__rule", "agency", "issuing_agency", "document")
        .annotate(
            pressing=Case(
                When(state__in=SupervisionNotice.OPEN_STATES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("pressing", "-issued_at", "-id")
    )
    if request.GET.get("format") in FORMATS:
        return export(
            rows=(
                (
                    notice.document.number if notice.document else "",
                    notice.get_grade_display(),
                    notice.issuing_agency.name,
                    notice.issued_at,
                    notice.agency.name,
                    f"{notice.deadline.rule.code} {notice.deadline.rule.name}",
                    notice.target_date,
                    notice.get_state_display(),
                    notice.resolved_at,
                )
                for notice in notices.iterator(chunk_size=2000)
            ),
            headers=(
                _("Document number"),
                _("Grade"),
                _("Issued by"),
                _("Issued at"),
                _("Supervised agency"),
                _("Rule"),
                _("Target date"),
                _("State"),
                _("Resolved at"),
            ),
            filename=_("supervision notices"),
            format=request.GET["format"],
        )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "dashboards/notice_list.html", {"page": page})
