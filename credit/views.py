"""The staff pages of credit: market entities, credit records, credit repair, the import (memos: memo_views.py).

Every view starts from the model's visible_to (404 for what the user may not see); the workflows decide what the
user may do (403). A step taken on a page that is out of date gets the 409 page; wrong input gets the form back
with the reasons (400)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from audit.timeline import timeline_for
from documents.services import DocumentError

from . import workflows
from .forms import DecisionForm, EntityForm, ImportForm, RecordForm, RepairForm, RevokeForm
from .imports import TEMPLATE_HEADERS, entities_import
from .models import CreditAction, CreditRecord, CreditRule, MarketEntity, Memo, RepairApplication
from .querysets import is_staff_member
from .services import entity_save
from .standing import standing_of

HANDLER, HEAD = workflows.HANDLER, workflows.HEAD


def acting_agency(request):
    return getattr(request, "agency", None) or None


def staff_only(request) -> None:
    if not is_staff_member(request.user):
        raise Http404


def conflict_page(request, obj):
    """409: the item moved on since the page was shown; nothing was changed."""
    return TemplateResponse(request, "credit/conflict.html", {"obj": obj}, status=409)


def run_step(request, obj, step, *, form=None, done: str, errors_page, allowed: bool = True):
    """Run a workflow step and answer: 403 when the user's roles never allow it (before looking at the input),
    back to the item, the form's page with errors (400), or 409. The workflow checks the roles again, locked."""
    if not allowed:
        raise PermissionDenied(_("Your role does not allow this step."))
    if form is not None and not form.is_valid():
        return errors_page(form.non_field_errors() or [e for errors in form.errors.values() for e in errors])
    try:
        result = step()
    except (ConcurrentTransition, TransitionNotAllowed):
        return conflict_page(request, obj)
    except ValidationError as error:
        return errors_page(error.messages)
    except DocumentError as error:
        return errors_page([str(error)])
    messages.success(request, done)
    return redirect(result if hasattr(result, "get_absolute_url") else obj)


# Entities -----------------------------------------------------------------------------------------------------


@login_required
def index(request):
    """The register of market entities, searchable by name or credit code, with what awaits the user."""
    staff_only(request)
    query = request.GET.get("q", "")
    entities = MarketEntity.objects.visible_to(request.user).search(query).prefetch_related("roles")
    page = Paginator(entities, 50).get_page(request.GET.get("page"))
    waiting = (
        CreditRecord.objects.visible_to(request.user)
        .filter(state__in=[CreditRecord.State.DRAFT, CreditRecord.State.APPROVED])
        .select_related("entity", "rule", "agency")[:50]
    )
    return TemplateResponse(
        request,
        "credit/index.html",
        {"page": page, "query": query, "waiting": waiting, "can_import": bool(acting_agency(request))},
    )


@login_required
def entity_detail(request, pk):
    """An entity: its identifiers (an expert's ID number masked), roles, standing today, records and memos."""
    entity = get_object_or_404(MarketEntity.objects.visible_to(request.user).prefetch_related("roles"), pk=pk)
    today = timezone.localdate()
    records = (
        CreditRecord.objects.visible_to(request.user).filter(entity=entity).select_related("rule", "agency")
    )
    memos = Memo.objects.visible_to(request.user).filter(entities=entity).select_related("document", "agency")
    agency = acting_agency(request)
    return TemplateResponse(
        request,
        "credit/entity_detail.html",
        {
            "entity": entity,
            "standing": standing_of(entity, today),
            "records": records,
            "memos": memos,
            "can_record": bool(workflows.roles_in(request.user, agency) & {HANDLER, HEAD}),
            "can_memo": workflows.may_issue_memos(request.user, agency),
            "timeline": timeline_for(entity, request.user, labels=[CreditAction]),
        },
    )


def _entity_form_page(request, entity):
    """Enter a market entity, or correct one (a handler or head of the acting agency)."""
    agency = acting_agency(request)
    if not workflows.roles_in(request.user, agency) & {HANDLER, HEAD}:
        raise PermissionDenied(_("Only the agencies' handlers and heads enter market entities."))
    form = EntityForm.for_entity(entity, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in EntityForm.FIELDS}
            if entity is not None and not fields["id_number"]:
                fields["id_number"] = entity.id_number  # left empty: the stored number stays
            try:
                saved = entity_save(
                    actor=request.user,
                    entity=entity,
                    fields=fields,
                    roles=form.cleaned_data["roles"],
                    agency=agency,
                    request=request,
                    submission_key=form.cleaned_data.get("submission_key"),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("The market entity was saved."))
                return redirect(saved)
    return TemplateResponse(
        request, "credit/entity_form.html", {"form": form, "entity": entity}, status=status
    )


@login_required
def entity_new(request):
    staff_only(request)
    return _entity_form_page(request, None)


@login_required
def entity_edit(request, pk):
    return _entity_form_page(request, get_object_or_404(MarketEntity.objects.visible_to(request.user), pk=pk))


# Records ------------------------------------------------------------------------------------------------------


@login_required
def record_new(request, pk):
    """Enter a credit record of the entity for the acting agency (a draft for its head to approve)."""
    entity = get_object_or_404(MarketEntity.objects.visible_to(request.user), pk=pk)
    agency = acting_agency(request)
    if not workflows.roles_in(request.user, agency) & {HANDLER, HEAD}:
        raise PermissionDenied(_("Only the agency's handlers and heads may enter credit records."))
    # A case page links here with its reference filled in and the case itself as the source:
    # ?source_kind=case&source_reference=…&source=cases.lead:12 (the form posts back to the same address).
    source = _source_object(request)
    initial = {"decided_on": timezone.localdate()}
    initial.update(
        {
            key: request.GET[key][:200]
            for key in ("source_kind", "source_reference", "act")
            if key in request.GET
        }
    )
    form = RecordForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = workflows.record_create(
                    actor=request.user,
                    agency=agency,
                    entity=entity,
                    rule=data["rule"],
                    decided_on=data["decided_on"],
                    facts=data["facts"],
                    act=data["act"],
                    source_kind=data["source_kind"],
                    source_reference=data["source_reference"],
                    penalty=data["penalty"],
                    fine_amount=data["fine_amount"],
                    source=source,
                    submission_key=data["submission_key"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The record was entered; the agency's head approves it next."))
                return redirect(record)
    return TemplateResponse(
        request, "credit/record_form.html", {"entity": entity, "form": form, "agency": agency}, status=status
    )


def _source_object(request):
    """The object `?source=app_label.model:pk` names (a case whose page linked here), if the user may see it: through
    its model's own visible_to, so credit needs to know nothing of cases. Anything else is no source; an object
    the user may not see is 404, as its own page would be."""
    match = re.fullmatch(r"([a-z_]+)\.([a-z_]+):(\d{1,18})", request.GET.get("source", ""))
    if not match:
        return None
    try:
        model = ContentType.objects.get_by_natural_key(match[1], match[2]).model_class()
    except ContentType.DoesNotExist:
        return None
    if model is None or not hasattr(model._default_manager, "visible_to"):
        return None
    return get_object_or_404(model._default_manager.visible_to(request.user), pk=int(match[3]))


def _record_page_with(request, record, name, form):
    """The errors page of a step taken with a form: the page again, the form under `name` keeping what was typed
    and its fields' errors beside them (the page's list of errors holds the rest)."""

    def page(errors):
        errors = form.non_field_errors() if form.errors else errors
        return _record_page(request, record, errors=errors, forms={name: form}, status=400)

    return page


def _record_page(request, record, *, errors=(), forms=None, status=200):
    roles = workflows.roles_in(request.user, record.agency)
    state = record.state
    repairs = list(
        RepairApplication.objects.visible_to(request.user)
        .filter(record=record)
        .select_related("received_by", "decided_by")
    )
    may_handle = bool(roles & {HANDLER, HEAD})
    context = {
        "record": record,
        "errors": list(errors),
        "repairs": repairs,
        "can_approve": HEAD in roles
        and state == CreditRecord.State.DRAFT
        and record.created_by_id != request.user.pk,  # another head approves one's own
        "can_publish": may_handle and state == CreditRecord.State.APPROVED,
        "can_revoke": HEAD in roles
        and state in (CreditRecord.State.DRAFT, CreditRecord.State.APPROVED, CreditRecord.State.PUBLISHED),
        "can_apply": may_handle
        and state == CreditRecord.State.PUBLISHED
        and record.kind == CreditRule.Kind.BAD
        and not any(item.state == RepairApplication.State.SUBMITTED for item in repairs),
        "can_decide": HEAD in roles,
        "revoke_form": RevokeForm(),
        "repair_form": RepairForm(),
        "decision_form": DecisionForm(),
        **(forms or {}),
        "timeline": [
            entry
            for entry in timeline_for(
                record, request.user, labels=[CreditAction, CreditRecord.State], parties=[record.agency_id]
            )
            # The repair steps are the applications' own: only those who see the applications see them.
            if repairs or entry.event.action not in REPAIR_ACTIONS
        ],
    }
    return TemplateResponse(request, "credit/record_detail.html", context, status=status)


REPAIR_ACTIONS = {CreditAction.REPAIR_SUBMITTED, CreditAction.REPAIR_APPROVED, CreditAction.REPAIR_REJECTED}


def _visible_record(request, pk) -> CreditRecord:
    return get_object_or_404(
        CreditRecord.objects.visible_to(request.user).select_related(
            "entity", "rule", "agency", "created_by"
        ),
        pk=pk,
    )


@login_required
def record_detail(request, pk):
    return _record_page(request, _visible_record(request, pk))


@require_POST
@login_required
def record_step(request, pk, step):
    """Approve, publish or revoke a record (the workflow checks who may)."""
    record = _visible_record(request, pk)
    seen = request.POST.get("seen_state") or None
    steps = {
        "approve": (
            lambda: workflows.record_approve(
                actor=request.user, record=record, request=request, seen_state=seen
            ),
            _("The record was approved."),
            None,
        ),
        "publish": (
            lambda: workflows.record_publish(
                actor=request.user, record=record, request=request, seen_state=seen
            ),
            _("The record was published."),
            None,
        ),
    }
    if step == "revoke":
        form = RevokeForm(request.POST)
        steps["revoke"] = (
            lambda: workflows.record_revoke(
                actor=request.user,
                record=record,
                reason=form.cleaned_data["reason"],
                request=request,
                seen_state=seen,
            ),
            _("The record was revoked."),
            form,
        )
    if step not in steps:
        raise Http404
    run, done, form = steps[step]
    roles = workflows.roles_in(request.user, record.agency)
    return run_step(
        request,
        record,
        run,
        allowed=bool(roles & ({HANDLER, HEAD} if step == "publish" else {HEAD})),
        form=form,
        done=done,
        errors_page=(
            _record_page_with(request, record, "revoke_form", form)
            if form
            else lambda errors: _record_page(request, record, errors=errors, status=400)
        ),
    )


@require_POST
@login_required
def repair_apply(request, pk):
    record = _visible_record(request, pk)
    form = RepairForm(request.POST)
    return run_step(
        request,
        record,
        lambda: (
            workflows.repair_apply(
                actor=request.user,
                record=record,
                applicant=form.cleaned_data["applicant"],
                reasons=form.cleaned_data["reasons"],
                request=request,
            ).record
        ),
        allowed=bool(workflows.roles_in(request.user, record.agency) & {HANDLER, HEAD}),
        form=form,
        done=_("The application was registered; the agency's head decides it."),
        errors_page=_record_page_with(request, record, "repair_form", form),
    )


@require_POST
@login_required
def repair_decide(request, pk):
    application = get_object_or_404(RepairApplication.objects.visible_to(request.user), pk=pk)
    record = _visible_record(request, application.record_id)
    form = DecisionForm(request.POST)
    return run_step(
        request,
        record,
        lambda: (
            workflows.repair_decide(
                actor=request.user,
                application=application,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                request=request,
                seen_state=request.POST.get("seen_state") or None,
            ).record
        ),
        allowed=HEAD in workflows.roles_in(request.user, record.agency),
        form=form,
        done=_("The decision was recorded."),
        errors_page=_record_page_with(request, record, "decision_form", form),
    )


# Import -------------------------------------------------------------------------------------------------------


@login_required
def entity_import(request):
    """Import entities from CSV or XLSX: the report lists every wrong line, and then nothing is saved."""
    staff_only(request)
    agency = acting_agency(request)
    if not workflows.roles_in(request.user, agency) & {HANDLER, HEAD}:
        raise PermissionDenied(_("Only the agencies' handlers and heads import market entities."))
    form = ImportForm(request.POST or None, request.FILES or None)
    report, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            report = entities_import(
                actor=request.user, upload=form.cleaned_data["file"], agency=agency, request=request
            )
            if report.ok:
                messages.success(
                    request,
                    _("%(created)d entities created and %(updated)d updated.")
                    % {"created": report.created, "updated": report.updated},
                )
                return redirect("credit:index")
    return TemplateResponse(request, "credit/import.html", {"form": form, "report": report}, status=status)


@login_required
def import_template(request):
    """The import file's header line as a CSV (UTF-8 with BOM, which Excel in Chinese opens correctly)."""
    staff_only(request)
    response = HttpResponse(
        "\ufeff" + ",".join(TEMPLATE_HEADERS) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="market-entities.csv"'
    return response
