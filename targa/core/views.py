"""Pages of the base: signing in, resetting a forgotten password, the language switch
that follows the user, and the page a form lands on when its security token no longer
matches (CSRF)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.i18n import set_language

from targa.core import services
from targa.core.cookies import set_language_cookie
from targa.core.forms import LoginForm, PasswordResetForm
from targa.core.models import User


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # Open the app in the language the user chose last time, on any device.
        set_language_cookie(response, form.get_user().language)
        return response


# Django's password reset views are open to anonymous visitors (login_not_required); these
# give them Targa's pages and message.
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self):
        return {"valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever opened the link owns the address: failed logins no longer hold them back.
        services.user_unlock(user=form.user, by=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


@login_not_required
def change_language(request):
    """Django's set_language, plus remembering the choice on the user's profile."""
    response = set_language(request)
    lang = request.POST.get("language")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and lang in dict(User._meta.get_field("language").choices)
    ):
        services.user_set_language(user=request.user, language=lang)
    return response


def csrf_failure(request, reason=""):
    """Targa's answer to a form whose CSRF token no longer matches (settings.CSRF_FAILURE_VIEW):
    the page was open before the session changed (logged in again in another tab, logged out,
    or it stayed open for long). Nothing was saved; the page says so in the user's language and
    offers the way back, where the browser still holds what was typed (static/js/targa.js), or
    the form afresh. Django logs the reason (django.security.csrf)."""
    form_url = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        form_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        form_url = ""
    if getattr(request, "htmx", False):
        # A status action sent by htmx: the explanation goes on top of the page, which stays
        # as it is (a comment being typed included).
        response = render(request, "includes/csrf_failure.html", {"form_url": form_url}, status=403)
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "afterbegin show:top"
        return response
    return render(request, "403_csrf.html", {"form_url": form_url}, status=403)
