"""The cookies Targa sets itself, with the flags the settings give Django's own."""

from django.conf import settings


def set_language_cookie(response, language: str) -> None:
    """Remember `language` on this device, as Django's language switch does (same name, age,
    and Secure, HttpOnly and SameSite flags)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
