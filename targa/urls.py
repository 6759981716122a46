"""The project's URLs. Every pattern here must be declared in tests/test_permission_matrix.py."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from targa import views

users_patterns = (
    [
        path("", views.UserListView.as_view(), name="list"),
        path("new/", views.UserCreateView.as_view(), name="create"),
        path("<int:pk>/", views.UserUpdateView.as_view(), name="detail"),
        path("<int:pk>/history/", views.UserHistoryView.as_view(), name="history"),
        path(
            "<int:pk>/roles/history/",
            views.UserMembershipHistoryView.as_view(),
            name="membership_history",
        ),
        path("<int:pk>/roles/new/", views.MembershipCreateView.as_view(), name="membership_create"),
        path(
            "roles/<int:pk>/delete/", views.MembershipDeleteView.as_view(), name="membership_delete"
        ),
    ],
    "users",
)

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("language/", views.change_language, name="set_language"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
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
    path("provinces/", include("provinces.urls")),
    path("provinces/", include("cpde.urls")),
    path("users/", include(users_patterns)),
    path("admin/", admin.site.urls),
]
