"""Middleware of PANDA's own."""

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages.middleware import MessageMiddleware
from django.http import JsonResponse
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from panda_project.api.errors import json_error, too_large_body


class RequestSizeLimitMiddleware:
    """Refuse an API request body over the limit with 413 before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            declared = request.META.get("CONTENT_LENGTH") or "0"
            try:
                length = int(declared)
            except ValueError:
                return json_error(
                    400, "bad_content_length", _("The Content-Length header is not a number.")
                )
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return JsonResponse(too_large_body(), status=413)
        return self.get_response(request)


class BackOfficeMessageMiddleware(MessageMiddleware):
    """Django's messages (the back office's "saved" banners), left out of API requests: the JSON
    API never shows one, and setting up their storage cost every API request its time."""

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self.get_response(request)
        return super().__call__(request)


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware, without looking for a language code in the path when no URL
    carries one (PANDA's don't): Django's looks twice per request, and each time the path's
    first segment ("api") costs a failed lookup. The language still comes from the language
    cookie or Accept-Language, with the same Vary and Content-Language headers."""

    @staticmethod
    def _prefixed_urls(request) -> bool:
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        prefixed, _prefixed_default_language = is_language_prefix_patterns_used(urlconf)
        return prefixed

    def process_request(self, request):
        if self._prefixed_urls(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if self._prefixed_urls(request):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
