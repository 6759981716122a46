"""The import pages of a province (in the permission matrix)."""

from django.urls import path

from targa.core import views_imports as views

app_name = "imports"

urlpatterns = [
    path("<str:code>/imports/run/<uuid:pk>/", views.ImportRunView.as_view(), name="run"),
    path("<str:code>/imports/<str:kind>/", views.ImportStartView.as_view(), name="start"),
    path(
        "<str:code>/imports/<str:kind>/template/",
        views.ImportTemplateView.as_view(),
        name="template",
    ),
]
