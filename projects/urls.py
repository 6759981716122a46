"""URLs of the project holders' pages, under a province: /provinces/<code>/holders/…,
/provinces/<code>/projects/…"""

from django.urls import path

from projects import views
from projects import views_accompaniment as accompaniment
from targa.core import crud

app_name = "projects"

urlpatterns = [
    # Before the CRUD's <int:pk>: "board" and "funnel" are no project's number anyway.
    path("<str:code>/projects/board/", views.BoardView.as_view(), name="board"),
    path("<str:code>/projects/board/move/", views.BoardMoveView.as_view(), name="board_move"),
    path("<str:code>/projects/funnel/", views.FunnelView.as_view(), name="funnel"),
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

# Accompaniment: a province's sessions; a project's post-creation visits, under the project.
urlpatterns += [
    *crud.crud_urls(
        "sessions",
        "session",
        list_view=accompaniment.SessionListView,
        create_view=accompaniment.SessionCreateView,
        detail_view=accompaniment.SessionDetailView,
        update_view=accompaniment.SessionUpdateView,
        delete_view=accompaniment.SessionDeleteView,
        history_view=accompaniment.SessionHistoryView,
    ),
    *crud.crud_urls(
        "projects/<int:parent_pk>/visits",
        "visit",
        create_view=accompaniment.VisitCreateView,
        detail_view=accompaniment.VisitDetailView,
        update_view=accompaniment.VisitUpdateView,
        delete_view=accompaniment.VisitDeleteView,
        history_view=accompaniment.VisitHistoryView,
    ),
]

# Structures, and the cooperatives' capacity plans (seed 001): a plan's action plan lines are
# under it, its PDF is a background job (the base's job pages show its progress).
from projects import views_plans as plans  # noqa: E402

urlpatterns += [
    *crud.crud_urls(
        "structures",
        "structure",
        list_view=plans.StructureListView,
        create_view=plans.StructureCreateView,
        detail_view=plans.StructureDetailView,
        update_view=plans.StructureUpdateView,
        delete_view=plans.StructureDeleteView,
        history_view=plans.StructureHistoryView,
    ),
    *crud.crud_urls(
        "plans",
        "plan",
        list_view=plans.PlanListView,
        create_view=plans.PlanCreateView,
        detail_view=plans.PlanDetailView,
        update_view=plans.PlanUpdateView,
        delete_view=plans.PlanDeleteView,
        history_view=plans.PlanHistoryView,
        transition_view=plans.PlanTransitionView,
    ),
    path("<str:code>/plans/<int:pk>/pdf/", plans.PlanPdfStartView.as_view(), name="plan_pdf"),
    path(
        "<str:code>/plans/<int:pk>/progress/",
        plans.PlanProgressView.as_view(),
        name="plan_progress",
    ),
    *crud.crud_urls(
        "plans/<int:parent_pk>/activities",
        "plan_activity",
        create_view=plans.ActivityCreateView,
        update_view=plans.ActivityUpdateView,
        delete_view=plans.ActivityDeleteView,
        history_view=plans.ActivityHistoryView,
    ),
]
