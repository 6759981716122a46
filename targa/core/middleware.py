"""Request middleware: a signed-in user's language follows them to a new device."""

from django.conf import settings
from django.utils import translation


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
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                lang,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
            )
        return response
