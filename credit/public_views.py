"""The public side of credit, without login (宣恩 二、(五); 招标投标法实施条例 第七十八条: decisions are published):
published adverse records, the honour list (守信激励), and the check "may this entity take part in trading today".

Everything here reads published records within their publication period only (CreditRecord.objects.public), and
memos in force; a draft, an approved-but-unpublished, a revoked or a repaired record never appears. An expert's
identity number is masked. The check is limited per address (credit/limits.py).

The register also holds entities that no public decision concerns: the parties of leads, the respondents of
complaints (under the name a complainant typed), entities with draft records only. The check answers for them
exactly as for a code it has never seen, so that it cannot be used to learn who is under investigation."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .identity import mask, validate_id_number
from .limits import take_check_place
from .models import CreditRecord, CreditRule, MarketEntity
from .standing import standing_of
from .uscc import normalize, validate_uscc

PUBLIC_FIELDS = ("entity", "rule", "agency")


def _published_page(request, kind: str, *, honour: bool):
    """One page of the published records of `kind`, newest first, optionally by name or exact credit code."""
    query = request.GET.get("q", "").strip()
    records = CreditRecord.objects.public(timezone.localdate()).filter(kind=kind)
    if query:
        records = records.filter(Q(entity__name__icontains=query) | Q(entity__uscc=normalize(query)))
    records = records.select_related(*PUBLIC_FIELDS).order_by("-decided_on", "-id")
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "credit/public_records.html", {"page": page, "honour": honour, "query": query}
    )


def public_records(request):
    """Published adverse records (不良行为记录公示)."""
    return _published_page(request, CreditRule.Kind.BAD, honour=False)


def honour_list(request):
    """Published good-conduct records (守信激励, 评先表彰)."""
    return _published_page(request, CreditRule.Kind.GOOD, honour=True)


def _find(code: str):
    """The entity of a credit code, else of an expert's identity number: one query, found or not."""
    code = normalize(code)
    if not code:
        return None
    found = sorted(
        MarketEntity.objects.filter(Q(uscc=code) | Q(id_number=code))[:2], key=lambda e: e.uscc != code
    )
    return found[0] if found else None


def _answer(code: str, today) -> dict | None:
    """What the check may say of `code` today, or None when nothing public concerns it: no record on the public
    list, and no consequence of a published decision or a memo in force (restriction, points). A code the register
    does not hold runs the same queries, for an entity that cannot exist: the time the check takes does not tell
    whether the register holds the code."""
    entity = _find(code)
    subject = entity or MarketEntity(pk=0)
    standing = standing_of(subject, today)
    public = CreditRecord.objects.public(today).filter(entity_id=subject.pk).exists()
    if entity is None or not (standing.restrictions or standing.score or standing.bonus or public):
        return None
    return {
        # An organisation's name is public; a person's is not (评标专家 are confidential): whoever asks about an ID
        # number learns whether that person may serve, not who the register says it is.
        "name": entity.name if entity.uscc else "",
        "code": entity.uscc or mask(entity.id_number),
        "date": today.isoformat(),
        "may_trade": standing.may_trade,
        "until": standing.until.isoformat() if standing.until else None,
        "reasons": [
            {
                "reason": item.reason,
                "until": item.until.isoformat() if item.until else None,
                "source": item.source,
            }
            for item in standing.restrictions
        ],
        "score": standing.score,
        "good_conduct_points": standing.bonus,
        "seriously_dishonest": standing.serious,
    }


def _mistakes(code: str) -> list[str]:
    """Why `code` is neither a unified social credit code nor an identity number (an expert's), or nothing when it
    is one. A code mistyped must not be answered "no record, may trade": the person checking a bidder would read
    that as a clean record of the bidder. The messages name the expected check character."""
    try:
        validate_uscc(code)
        return []
    except ValidationError as error:
        mistakes = error.messages
    try:
        validate_id_number(code)
        return []
    except ValidationError as error:
        # Only a number shaped as an identity number (17 digits, a birth date) is told its wrong check character;
        # a credit code of digits is not told it has no birth date.
        if error.code == "id_check":
            mistakes += error.messages
    return mistakes


def _address(request) -> str:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"


def check(request):
    """The check page: type a credit code (or an expert's ID number), read whether the entity may trade today."""
    code = request.GET.get("code", "").strip()
    answer, limited, unknown = None, False, False
    mistakes = _mistakes(code) if code else []
    if code and not mistakes:
        if not take_check_place(_address(request)):
            limited = True
        else:
            answer = _answer(code, timezone.localdate())
            unknown = answer is None
    status = 429 if limited else 200
    return TemplateResponse(
        request,
        "credit/check.html",
        {"code": code, "answer": answer, "limited": limited, "unknown": unknown, "mistakes": mistakes},
        status=status,
    )


def check_json(request):
    """GET ?code=… → {"may_trade": bool, "until": date or null, "reasons": [...]} for today (Asia/Shanghai).

    A code that no public decision concerns has no records: it may trade, and "known": false says so. 400 without a
    code or with one that is neither a credit code nor an identity number (the error says what is wrong), 429 past
    the limit. The answer is in the portal's language (Chinese) whatever the visitor's language
    cookie, so that a program reading it always reads the same words."""
    with translation.override(settings.LANGUAGE_CODE):
        response = _check_json(request)
    response.headers["Content-Language"] = settings.LANGUAGE_CODE  # the answer's, not the visitor's
    return response


def _check_json(request):
    code = request.GET.get("code", "").strip()
    if not code:
        return JsonResponse({"error": _("Give a unified social credit code: ?code=…")}, status=400)
    if mistakes := _mistakes(code):
        return JsonResponse(
            {"error": "；".join(mistakes)}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    if not take_check_place(_address(request)):
        return JsonResponse(
            {"error": _("Too many checks from your address; try again in a minute.")}, status=429
        )
    today = timezone.localdate()
    answer = _answer(code, today)
    if answer is None:
        answer = {
            "code": normalize(code),
            "known": False,
            "date": today.isoformat(),
            "may_trade": True,
            "until": None,
            "reasons": [],
        }
    else:
        answer = {"known": True, **answer}
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})
