"""The province's Exports page (in the permission matrix)."""

from django.urls import path

from targa.core import views_exports as views

app_name = "exports"

urlpatterns = [
    path("<str:code>/exports/", views.ProvinceExportsView.as_view(), name="province"),
]
