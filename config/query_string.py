"""What a request carries that the database cannot take, or that no link of the portal sends.

PostgreSQL refuses a NUL character in any text it is given, so a search or a code typed with %00 in the address,
in its query or in its path (a document's verification code, /public/verify/<code>/) would reach it and fail as a
500. No page of the portal has a use for a NUL in its address: such a request is answered here, once for every
view, with a 400 that says what is wrong; a cookie holding one is dropped. (Posted forms need no such guard:
Django's form fields refuse NUL characters with a field error.)"""

import re

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


def query_id(value: str | None) -> int | None:
    """The id in a query string's value, None unless it is ASCII digits: str.isdigit() also takes "²", which int()
    refuses (a 500), and other scripts' digits, which no link of the portal carries. At most 18 digits: a bigint."""
    return int(value) if value and re.fullmatch(r"[0-9]{1,18}", value) else None


def _has_nul(request) -> bool:
    return "\x00" in request.path_info or any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
    )


class DropNulCookiesMiddleware:
    """A cookie holding a NUL (a quoted cookie may spell one as \\000) never came from the portal. The session key
    would reach the database and fail as a 500 on every page until the browser forgot it; dropped here, before the
    session is read, the visitor is treated as having no session (signed out, as when a session has ended) and the
    cookie is replaced when they sign in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [name for name, value in request.COOKIES.items() if "\x00" in name or "\x00" in value]:
            del request.COOKIES[name]
        return self.get_response(request)


class RefuseNulInQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _has_nul(request):
            return self.get_response(request)
        # A program reads the credit check's answer: an error it can parse, in Chinese as its other errors are.
        if request.path_info == reverse("credit:check_json"):
            with translation.override(settings.LANGUAGE_CODE):
                error = _(
                    "The address contains a character the portal cannot read (a NUL character): check the code."
                )
            response = JsonResponse({"error": error}, status=400, json_dumps_params={"ensure_ascii": False})
            response.headers["Content-Language"] = settings.LANGUAGE_CODE
            return response
        return TemplateResponse(request, "400.html", {"nul": True}, status=400).render()
