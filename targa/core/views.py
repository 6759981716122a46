"""Pages of the base: signing in, and the language switch that follows the user."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.views.i18n import set_language

from targa.core import services
from targa.core.forms import LoginForm
from targa.core.models import User


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # Open the app in the language the user chose last time, on any device.
        response.set_cookie(
            "targa_language", form.get_user().language, max_age=365 * 24 * 3600, samesite="Lax"
        )
        return response


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
