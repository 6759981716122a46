"""A URLconf for the record kit's nesting test: follow-ups under a recommendation under a
meeting (three levels), beside the project's own URLs."""

from django.urls import include, path

from cpde.models import Meeting, Recommendation, RecommendationFollowUp
from targa.core import crud
from targa.core.editing import ScopedForm


class FollowUpMixin:
    model = RecommendationFollowUp
    url_base = "nested:followup"
    parent_model = Recommendation
    parent_field = "recommendation"
    ancestors = (("meeting_pk", Meeting, ""),)
    parent_link = "meeting"


class FollowUpDetailView(FollowUpMixin, crud.ScopedDetailView):
    detail_fields = ("date", "note")


class FollowUpForm(ScopedForm):
    class Meta:
        model = RecommendationFollowUp
        fields = ["note"]


class FollowUpUpdateView(FollowUpMixin, crud.ScopedUpdateView):
    form_class = FollowUpForm


class FollowUpDeleteView(FollowUpMixin, crud.ScopedDeleteView):
    pass


class FollowUpHistoryView(FollowUpMixin, crud.ScopedHistoryView):
    pass


nested = crud.crud_urls(
    "meetings/<int:meeting_pk>/recommendations/<int:parent_pk>/follow-ups",
    "followup",
    detail_view=FollowUpDetailView,
    update_view=FollowUpUpdateView,
    delete_view=FollowUpDeleteView,
    history_view=FollowUpHistoryView,
)

urlpatterns = [
    path("nested/", include((nested, "nested"))),
    path("", include("targa.urls")),
]
