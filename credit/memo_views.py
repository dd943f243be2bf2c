"""The staff pages of joint punishment memos: the list, the issuing form, a memo with each agency's part (its
forms to sign for and record execution), as in credit/views.py: 404 unseen, 403 not yours, 409 stale."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.people import roles_of
from audit.timeline import timeline_for
from config.query_string import query_id
from deadlines.due import local_date
from documents.models import Document
from documents.services import DocumentError

from . import workflows
from .forms import ExecutionForm, MemoForm
from .models import CreditAction, MarketEntity, Memo, MemoExecution
from .views import acting_agency, run_step, staff_only

HANDLER, HEAD = workflows.HANDLER, workflows.HEAD


@login_required
def memo_list(request):
    staff_only(request)
    memos = (
        Memo.objects.visible_to(request.user)
        .select_related("agency", "document")
        .annotate(
            parts=Count("executions"),
            executed=Count("executions", filter=Q(executions__state=MemoExecution.State.EXECUTED)),
        )
    )
    return TemplateResponse(
        request,
        "credit/memo_list.html",
        {"memos": memos, "can_issue": workflows.may_issue_memos(request.user, acting_agency(request))},
    )


@login_required
def memo_new(request):
    """Issue a memo for the acting agency, which must be the jurisdiction's comprehensive supervisor."""
    staff_only(request)
    agency = acting_agency(request)
    if not workflows.may_issue_memos(request.user, agency):
        raise PermissionDenied(_("Joint punishment memos are issued by the comprehensive supervisor."))
    entity = None
    # Opened from an entity's page (the form posts to the same URL).
    if entity_id := query_id(request.GET.get("entity")):
        entity = MarketEntity.objects.visible_to(request.user).filter(pk=entity_id).first()
    form = MemoForm(
        request.POST or None,
        initial={"entities": [entity.pk]} if entity else {},
        members=workflows.memo_members(agency),
        entity=entity,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                memo = workflows.memo_issue(
                    actor=request.user,
                    agency=agency,
                    title=data["title"],
                    grounds=data["grounds"],
                    measures=data["measures"],
                    restricted_until=data["restricted_until"],
                    entities=data["entities"],
                    agency_measures=form.agency_measures(),
                    submission_key=data["submission_key"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            except DocumentError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The memo was issued to every member agency."))
                return redirect(memo)
    return TemplateResponse(request, "credit/memo_form.html", {"form": form, "agency": agency}, status=status)


def _memo_page(request, memo, *, errors=(), status=200):
    now = timezone.now()
    parts = list(memo.executions.select_related("agency", "clock", "acknowledged_by", "executed_by"))
    # Every reader of the memo sees each part's agency, measure and state; who signed and what was done only on
    # the parts they may see (their own agency's, or all of them for the issuer and the supervisors).
    shown = set(MemoExecution.objects.visible_to(request.user).filter(memo=memo).values_list("pk", flat=True))
    mine = []
    my_roles = roles_of(request.user)  # once for the page, not a query per member agency
    for part in parts:
        part.shown = part.pk in shown
        roles = my_roles.get(part.agency_id, set())
        part.can_acknowledge = bool(roles & {HANDLER, HEAD, workflows.LIAISON}) and part.state == "sent"
        part.can_execute = bool(roles & {HANDLER, HEAD}) and part.state != "executed"
        part.late = part.clock is not None and part.state != "executed" and part.clock.due_at < now
        if part.can_acknowledge or part.can_execute:
            mine.append(part)
    document = Document.objects.visible_to(request.user).filter(pk=memo.document_id).first()
    return TemplateResponse(
        request,
        "credit/memo_detail.html",
        {
            "memo": memo,
            "parts": parts,
            "mine": mine,
            "waiting": [part for part in parts if part.state != "executed"],
            "document": document,
            "errors": list(errors),
            "execution_form": ExecutionForm(),
            "entities": memo.entities.all(),
            "timeline": timeline_for(
                memo,
                request.user,
                labels=[CreditAction],
                parties=[memo.agency_id, *(p.agency_id for p in parts if p.shown)],
            ),
            "today": local_date(now),
        },
        status=status,
    )


def _visible_memo(request, pk) -> Memo:
    return get_object_or_404(
        Memo.objects.visible_to(request.user).select_related("agency", "document"), pk=pk
    )


@login_required
def memo_detail(request, pk):
    """A memo: the entities, each agency's measure and whether it signed and executed it; the agency's own forms."""
    return _memo_page(request, _visible_memo(request, pk))


@require_POST
@login_required
def memo_part_step(request, pk, step):
    part = get_object_or_404(MemoExecution.objects.visible_to(request.user).select_related("memo"), pk=pk)
    memo = _visible_memo(request, part.memo_id)
    seen = request.POST.get("seen_state") or None
    if step == "acknowledge":
        form, run = (
            None,
            lambda: workflows.memo_acknowledge(
                actor=request.user, part=part, request=request, seen_state=seen
            ),
        )
        done = _("Your agency has signed for the memo.")
    elif step == "execute":
        form = ExecutionForm(request.POST)
        run = lambda: workflows.memo_execute(  # noqa: E731 - one call, named for symmetry with the branch above
            actor=request.user, part=part, note=form.cleaned_data["note"], request=request, seen_state=seen
        )
        done = _("Your agency's execution was recorded.")
    else:
        raise Http404
    roles = workflows.roles_in(request.user, part.agency)
    return run_step(
        request,
        memo,
        run,
        allowed=bool(
            roles & ({HANDLER, HEAD, workflows.LIAISON} if step == "acknowledge" else {HANDLER, HEAD})
        ),
        form=form,
        done=done,
        errors_page=lambda errors: _memo_page(request, memo, errors=errors, status=400),
    )
