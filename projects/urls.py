"""URLs of the project holders' pages, under a province: /provinces/<code>/holders/…,
/provinces/<code>/projects/…"""

from django.urls import path

from projects import views
from targa.core import crud

app_name = "projects"

urlpatterns = [
    *crud.crud_urls(
        "holders",
        "holder",
        list_view=views.HolderListView,
        create_view=views.HolderCreateView,
        detail_view=views.HolderDetailView,
        update_view=views.HolderUpdateView,
        delete_view=views.HolderDeleteView,
        history_view=views.HolderHistoryView,
    ),
    *crud.crud_urls(
        "projects",
        "project",
        list_view=views.ProjectListView,
        create_view=views.ProjectCreateView,
        detail_view=views.ProjectDetailView,
        update_view=views.ProjectUpdateView,
        delete_view=views.ProjectDeleteView,
        history_view=views.ProjectHistoryView,
    ),
    path(
        "<str:code>/projects/<int:pk>/move/",
        views.ProjectMoveView.as_view(),
        name="project_move",
    ),
]
