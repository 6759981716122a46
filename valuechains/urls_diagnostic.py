"""URLs of the value chains' diagnostic pages, under a province: /provinces/<code>/valuechains/…
(joined in valuechains/urls.py, one namespace)."""

from django.urls import path

from targa.core import crud
from valuechains.views import diagnostic as views

urlpatterns = [
    *crud.crud_urls(
        "valuechains/diagnostics",
        "diagnostic",
        list_view=views.DiagnosticListView,
        detail_view=views.DiagnosticDetailView,
        history_view=views.DiagnosticHistoryView,
        transition_view=views.DiagnosticTransitionView,
    ),
    path(
        "<str:code>/valuechains/diagnostics/<int:pk>/sections/<slug:key>/",
        views.SectionSaveView.as_view(),
        name="diagnostic_section",
    ),
    path(
        "<str:code>/valuechains/actions/",
        views.FlagshipActionListView.as_view(),
        name="action_list",
    ),
    path(
        "<str:code>/valuechains/diagnostics/<int:pk>/new-version/",
        views.NewVersionView.as_view(),
        name="diagnostic_new_version",
    ),
]
