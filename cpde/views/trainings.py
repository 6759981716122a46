"""Trainings for the committee's members, their participants, and the capacity roadmap."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from cpde import selectors
from cpde.filters import RoadmapFilter, TrainingFilter
from cpde.forms import ParticipantsForm, RoadmapItemForm, TrainingForm
from cpde.models import RoadmapItem, Training
from cpde.resources import RoadmapItemResource, TrainingResource
from cpde.services import training_record_participants
from cpde.views.base import InCommitteeMixin
from provinces.access import Perm
from targa.core import crud
from targa.core.records import EditConflict


class TrainingMixin:
    model = Training
    url_base = "cpde:training"


class TrainingListView(TrainingMixin, crud.ScopedListView):
    template_name = "cpde/training_list.html"
    filterset_class = TrainingFilter
    search_fields = ("theme", "trainer", "place")
    resource_class = TrainingResource
    ordering = ("-start_date", "-id")
    columns = (
        crud.Col("theme", _("Theme")),
        crud.Col("dates", _("Dates"), nowrap=True),
        crud.Col("trainer", _("Trainer")),
        crud.Col("attended", _("Attended"), numeric=True),
        crud.Col("evaluation", _("Average evaluation"), numeric=True, nowrap=True),
    )
    card_fields = ("dates", "trainer", "attended")

    def get_queryset(self):
        return selectors.with_training_stats(super().get_queryset())


class TrainingDetailView(TrainingMixin, crud.ScopedDetailView):
    template_name = "cpde/training_detail.html"

    def get_queryset(self):
        return selectors.with_training_stats(super().get_queryset()).prefetch_related(
            "needs__questionnaire", "roadmap_items"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["participants"] = list(
            self.object.participants.select_related("member__institution").order_by(
                "-attended", "member__name"
            )
        )
        return ctx


class TrainingCreateView(TrainingMixin, InCommitteeMixin, crud.ScopedCreateView):
    form_class = TrainingForm


class TrainingUpdateView(TrainingMixin, crud.ScopedUpdateView):
    form_class = TrainingForm


class TrainingDeleteView(TrainingMixin, crud.ScopedDeleteView):
    pass


class TrainingHistoryView(TrainingMixin, crud.ScopedHistoryView):
    pass


class TrainingParticipantsView(TrainingMixin, crud.ScopedObjectMixin, TemplateView):
    """Who took part, who attended, and their scores: one sheet, saved all at once."""

    template_name = "cpde/training_participants.html"
    required_perm = Perm.CHANGE

    def form(self, data=None):
        members, lines = selectors.training_sheet(self.object)
        return ParticipantsForm(data, members=members, current=lines)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(object=self.object, form=self.form()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.form(request.POST)
        if form.is_valid():
            try:
                changed = training_record_participants(
                    training=self.object,
                    rows=form.rows(),
                    by=request.user,
                    versions_opened=form.versions_opened(),
                )
            except EditConflict as conflict:
                _members, lines = selectors.training_sheet(self.object)
                form.conflicted(conflict, {m: line.version for m, line in lines.items()})
                return self.render_to_response(
                    self.get_context_data(object=self.object, form=form), status=409
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("Participants saved (%(n)s lines recorded, changed or removed).")
                    % {"n": changed},
                )
                return HttpResponseRedirect(f"{self.object.get_absolute_url()}#participants")
        return self.render_to_response(self.get_context_data(object=self.object, form=form))


# Roadmap ---------------------------------------------------------------------------------


class RoadmapItemMixin:
    model = RoadmapItem
    url_base = "cpde:roadmap_item"


class RoadmapItemListView(RoadmapItemMixin, crud.ScopedListView):
    template_name = "cpde/roadmap_list.html"
    filterset_class = RoadmapFilter
    search_fields = ("need", "notes", "trainings__theme")
    resource_class = RoadmapItemResource
    columns = (
        crud.Col("need", _("Need found")),
        crud.Col("priority", _("Priority")),
        crud.Col("trainings", _("Planned trainings")),
        crud.Col("target_date", _("Target date")),
        crud.Col("status", _("Status")),
    )
    card_fields = ("status", "target_date", "priority")

    def order(self, qs):
        return qs.by_urgency()  # open items by target date first, then closed ones

    def export_title(self) -> str:
        return str(_("Roadmap"))  # the plural name is longer than a sheet's 31 characters

    def get_queryset(self):
        return super().get_queryset().select_related("question").prefetch_related("trainings")

    def filtered(self):
        qs, filterset, q = super().filtered()
        return (qs.distinct() if q else qs), filterset, q


class RoadmapItemDetailView(RoadmapItemMixin, crud.ScopedDetailView):
    template_name = "cpde/roadmap_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("question__questionnaire")
            .prefetch_related("trainings")
        )


class RoadmapItemCreateView(RoadmapItemMixin, InCommitteeMixin, crud.ScopedCreateView):
    form_class = RoadmapItemForm

    def get_initial(self):
        return {"question": self.request.GET.get("question")}


class RoadmapItemUpdateView(RoadmapItemMixin, crud.ScopedUpdateView):
    form_class = RoadmapItemForm


class RoadmapItemDeleteView(RoadmapItemMixin, crud.ScopedDeleteView):
    pass


class RoadmapItemHistoryView(RoadmapItemMixin, crud.ScopedHistoryView):
    pass
