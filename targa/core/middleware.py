"""Request middleware: a signed-in user's language follows them to a new device; the security
headers of every response (Content-Security-Policy, Permissions-Policy, no caching of signed-in
pages); pages and other text sent compressed."""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control

from targa.core.cookies import set_language_cookie


class UserLanguageMiddleware:
    """Use the user's saved language when the browser has no language cookie yet.

    Runs after LocaleMiddleware and AuthenticationMiddleware. The cookie, once set by the
    language switcher, wins: it is what the person chose last on this device.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = None
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language in dict(settings.LANGUAGES)
        ):
            lang = user.language
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        if lang:
            set_language_cookie(response, lang)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the policy of settings.CONTENT_SECURITY_POLICY, plus, on
    the admin's pages only, the few inline bits its third-party pages need, each allowed by
    the hash of its exact text (settings.CONTENT_SECURITY_POLICY_ADMIN)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(reverse("admin:index")):
            parts.update = {**settings.CONTENT_SECURITY_POLICY_ADMIN, **(parts.update or {})}
        return parts


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and `Cache-Control: private, no-store` on every
    response to a signed-in user, so that neither a shared proxy nor the browser's disk keeps
    a page of programme data (static files are answered by WhiteNoise before this runs).

    Runs after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH mitigation, see settings.MIDDLEWARE) for what
    Targa renders as text: pages, htmx fragments, JSON, CSV. Files sent as a stream
    (attachments, job files) and binary answers (PDF, xlsx, images: compressed already) go
    out as they are, keeping their Content-Length, so a phone shows a download's progress."""

    TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")

    def process_response(self, request, response):
        if response.streaming or not response.get("Content-Type", "").startswith(self.TEXT_TYPES):
            return response
        return super().process_response(request, response)
