"""URLs of province pages; provinces are addressed by HCP code, e.g. /provinces/05.301/."""

from django.urls import path

from provinces import views

app_name = "provinces"

code = "<str:code>"
urlpatterns = [
    path("", views.ProvinceListView.as_view(), name="list"),
    path("switch/", views.SwitchProvinceView.as_view(), name="switch"),
    path("mine/", views.my_province_redirect, name="mine"),
    path("programme/new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path(f"{code}/", views.ProvinceDetailView.as_view(), name="detail"),
    path(f"{code}/communes/", views.CommuneListView.as_view(), name="communes"),
    path(f"{code}/programme/", views.ProgrammeUpdateView.as_view(), name="programme_edit"),
    path(
        f"{code}/programme/history/", views.ProgrammeHistoryView.as_view(), name="programme_history"
    ),
]
