"""URLs of province pages; provinces are addressed by HCP code, e.g. /provinces/05.301/."""

from django.urls import path

from provinces import views
from provinces import views_records as records
from targa import crud

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
