"""A step's address opened as a page (a bookmark, a reload, a new tab, the language button on a form sent back with
errors): Django's require_POST answers 405 with an empty body, which the browser shows as a bare "HTTP ERROR 405".
Here it is a page of the portal that says what happened and links to the page the step belongs to."""

from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve


def page_above(path: str) -> str:
    """The nearest address above `path` that is a page of the portal: /cases/leads/6/ for /cases/leads/6/verify/
    (the case whose step it is), else the home page."""
    parts = path.rstrip("/").split("/")
    while len(parts) > 2:
        parts.pop()
        candidate = "/".join(parts) + "/"
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return "/"


class StepAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and request.method in ("GET", "HEAD") and not response.content:
            page = TemplateResponse(
                request, "405.html", {"page_above": page_above(request.path_info)}, status=405
            )
            page["Allow"] = response["Allow"]
            return page.render()
        return response
