"""URLs of the value chains' deliverable pages, under a province: /provinces/<code>/valuechains/…
(joined in valuechains/urls.py, one namespace). The PDF's progress and download are the base's
job pages (targa.core.views_jobs)."""

from django.urls import path

from valuechains.views import deliverable as views

D = "<str:code>/valuechains/diagnostics/<int:pk>"

urlpatterns = [
    path(
        f"{D}/deliverable/",
        views.DiagnosticDeliverableView.as_view(),
        name="diagnostic_deliverable",
    ),
    path(f"{D}/deliverable/pdf/", views.DiagnosticPdfStartView.as_view(), name="diagnostic_pdf"),
    path(
        f"{D}/deliverable/xlsx/", views.DiagnosticWorkbookView.as_view(), name="diagnostic_workbook"
    ),
    path(f"{D}/deliver/", views.DiagnosticDeliverView.as_view(), name="diagnostic_deliver"),
    path(
        f"{D}/delivered.pdf",
        views.DiagnosticDeliveredFileView.as_view(),
        name="diagnostic_delivered_file",
    ),
]
