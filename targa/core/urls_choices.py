"""Suggestions of the search fields (in the permission matrix)."""

from django.urls import path

from targa.core import views_choices as views

app_name = "choices"

urlpatterns = [
    path("<str:code>/choices/<slug:source>/", views.SuggestView.as_view(), name="suggest"),
]
