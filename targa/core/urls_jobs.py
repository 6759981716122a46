"""URLs of background jobs (each in the permission matrix)."""

from django.urls import path

from targa.core import views_jobs as views

app_name = "jobs"

urlpatterns = [
    path("<uuid:pk>/", views.JobDetailView.as_view(), name="detail"),
    path("<uuid:pk>/download/", views.JobDownloadView.as_view(), name="download"),
    path("<uuid:pk>/retry/", views.JobRetryView.as_view(), name="retry"),
]
