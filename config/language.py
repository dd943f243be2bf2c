"""The interface language: Chinese unless the person chose English."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    """Django's LocaleMiddleware without the browser's Accept-Language (ADR 0005). Colleagues share documents,
    messages and legal terms in Chinese, and a computer set up in English must not turn a clerk's portal English
    of its own accord: the language is the one chosen with the header's button (Django's set_language keeps it in
    the language cookie), else LANGUAGE_CODE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            language = translation.get_supported_language_variant(
                request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or ""
            )
        except LookupError:  # none chosen, or one the portal does not speak
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(
            response, ("Cookie",)
        )  # a shared cache must not serve one person's language to another
        return response
