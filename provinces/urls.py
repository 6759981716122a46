"""URLs of province pages; provinces are addressed by HCP code, e.g. /provinces/05.301/."""

from django.urls import path

from provinces import views
from provinces import views_programme as programme
from provinces import views_records as records
from targa.core import crud

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
        f"{code}/programme/activation/",
        views.ProgrammeActivationView.as_view(),
        name="programme_activation",
    ),
    path(
        f"{code}/programme/history/", views.ProgrammeHistoryView.as_view(), name="programme_history"
    ),
]

urlpatterns += [
    *crud.crud_urls(
        "stakeholders",
        "stakeholder",
        list_view=records.StakeholderListView,
        create_view=records.StakeholderCreateView,
        detail_view=records.StakeholderDetailView,
        update_view=records.StakeholderUpdateView,
        delete_view=records.StakeholderDeleteView,
        history_view=records.StakeholderHistoryView,
    ),
    *crud.crud_urls(
        "stakeholders/<int:parent_pk>/contacts",
        "contact",
        create_view=records.ContactCreateView,
        update_view=records.ContactUpdateView,
        delete_view=records.ContactDeleteView,
        history_view=records.ContactHistoryView,
    ),
    path(
        f"{code}/attachments/new/<int:content_type_id>/<int:object_id>/",
        records.AttachmentUploadView.as_view(),
        name="attachment_upload",
    ),
    path(
        f"{code}/attachments/<int:pk>/",
        records.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        f"{code}/attachments/<int:pk>/delete/",
        records.AttachmentDeleteView.as_view(),
        name="attachment_delete",
    ),
]

# The provincial programme. Framework conventions are national: their URLs have two segments
# so that they never meet the province pages' `<code>/`.
urlpatterns += [
    path("programme/conventions/", programme.ConventionListView.as_view(), name="convention_list"),
    path(
        "programme/conventions/new/",
        programme.ConventionCreateView.as_view(),
        name="convention_create",
    ),
    path(
        "programme/conventions/<int:pk>/",
        programme.ConventionDetailView.as_view(),
        name="convention_detail",
    ),
    path(
        "programme/conventions/<int:pk>/edit/",
        programme.ConventionUpdateView.as_view(),
        name="convention_edit",
    ),
    path(
        "programme/conventions/<int:pk>/history/",
        programme.ConventionHistoryView.as_view(),
        name="convention_history",
    ),
    *crud.crud_urls(
        "contracts",
        "contract",
        list_view=programme.ContractListView,
        create_view=programme.ContractCreateView,
        detail_view=programme.ContractDetailView,
        update_view=programme.ContractUpdateView,
        delete_view=programme.ContractDeleteView,
        history_view=programme.ContractHistoryView,
        transition_view=programme.ContractTransitionView,
    ),
    path(f"{code}/activities/gantt/", programme.ActivityGanttView.as_view(), name="activity_gantt"),
    *crud.crud_urls(
        "activities",
        "activity",
        list_view=programme.ActivityListView,
        create_view=programme.ActivityCreateView,
        detail_view=programme.ActivityDetailView,
        update_view=programme.ActivityUpdateView,
        delete_view=programme.ActivityDeleteView,
        history_view=programme.ActivityHistoryView,
        transition_view=programme.ActivityTransitionView,
    ),
    *crud.crud_urls(
        "visits",
        "visit",
        list_view=programme.VisitListView,
        create_view=programme.VisitCreateView,
        detail_view=programme.VisitDetailView,
        update_view=programme.VisitUpdateView,
        delete_view=programme.VisitDeleteView,
        history_view=programme.VisitHistoryView,
    ),
    *crud.crud_urls(
        "visits/<int:parent_pk>/actions",
        "followup",
        create_view=programme.FollowUpCreateView,
        update_view=programme.FollowUpUpdateView,
        delete_view=programme.FollowUpDeleteView,
        history_view=programme.FollowUpHistoryView,
    ),
    path(
        f"{code}/visits/<int:parent_pk>/actions/<int:pk>/done/",
        programme.FollowUpCompleteView.as_view(),
        name="followup_done",
    ),
    path(
        f"{code}/visits/<int:parent_pk>/actions/<int:pk>/reopen/",
        programme.FollowUpReopenView.as_view(),
        name="followup_reopen",
    ),
]
