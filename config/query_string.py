"""Addresses the database cannot take. PostgreSQL refuses a NUL character in any text it is given, so a search or a
code typed with %00 in the address, in its query or in its path (a document's verification code, /public/verify/<code>/)
would reach it and fail as a 500. No page of the portal has a use for a NUL in its address: such a request is
answered here, once for every view, with a 400 that says what is wrong. (Posted forms need no such guard: Django's
form fields refuse NUL characters with a field error.)"""

from django.template.response import TemplateResponse


class RefuseNulInQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return TemplateResponse(request, "400.html", {"nul": True}, status=400).render()
        return self.get_response(request)
