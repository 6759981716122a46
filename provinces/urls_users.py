"""URLs of user management (administrators): users and their roles in provinces."""

from django.urls import path

from provinces import views_users as views

app_name = "users"

urlpatterns = [
    path("", views.UserListView.as_view(), name="list"),
    path("new/", views.UserCreateView.as_view(), name="create"),
    path("<int:pk>/", views.UserUpdateView.as_view(), name="detail"),
    path("<int:pk>/unlock/", views.UserUnlockView.as_view(), name="unlock"),
    path("<int:pk>/history/", views.UserHistoryView.as_view(), name="history"),
    path(
        "<int:pk>/roles/history/",
        views.UserMembershipHistoryView.as_view(),
        name="membership_history",
    ),
    path("<int:pk>/roles/new/", views.MembershipCreateView.as_view(), name="membership_create"),
    path("roles/<int:pk>/delete/", views.MembershipDeleteView.as_view(), name="membership_delete"),
]
