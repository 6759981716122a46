"""The project's URLs, on top of every app. Every pattern must be declared in the permission
matrix (tests/test_permission_matrix.py)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from provinces import views as province_views
from reports.views import HomeView
from targa.core import views as core_views

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("about/", province_views.AboutView.as_view(), name="about"),
    path("language/", core_views.change_language, name="set_language"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_change.html"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        core_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        core_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        core_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        core_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("provinces/", include("provinces.urls")),
    path("provinces/", include("cpde.urls")),
    path("provinces/", include("valuechains.urls")),
    path("provinces/", include("projects.urls")),
    path("provinces/", include("targa.core.urls_exports")),
    path("provinces/", include("targa.core.urls_choices")),
    path("provinces/", include("targa.core.urls_imports")),
    path("users/", include("provinces.urls_users")),
    path("jobs/", include("targa.core.urls_jobs")),
    path("admin/", admin.site.urls),
]
