"""Recommendations: issued at a meeting, followed up (by field agents), closed (by
coordinators), and the list of late ones."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from cpde import selectors
from cpde.filters import OverdueFilter, RecommendationFilter
from cpde.forms import CloseForm, FollowUpEditForm, FollowUpForm, RecommendationForm
from cpde.models import Meeting, Recommendation, RecommendationFollowUp
from cpde.resources import RecommendationResource
from cpde.services import (
    follow_up_already_logged,
    follow_up_delete,
    recommendation_add_follow_up,
    recommendation_close,
    recommendation_update_status,
)
from provinces.access import Perm
from targa.core import crud
from targa.core.editing import SafeCreateMixin, form_invalid_with
from targa.core.records import EditConflict


class RecommendationMixin:
    model = Recommendation
    url_base = "cpde:recommendation"


class RecommendationListView(RecommendationMixin, crud.ScopedListView):
    template_name = "cpde/recommendation_list.html"
    filterset_class = RecommendationFilter
    search_fields = ("text", "owner_name", "owner__name", "owner__acronym")
    resource_class = RecommendationResource
    columns = (
        crud.Col("text", _("Recommendation")),
        crud.Col("owner", _("Responsible")),
        crud.Col("due_date", _("Due date")),
        crud.Col("status", _("Status")),
        crud.Col("meeting", _("Meeting"), nowrap=True),
    )
    card_fields = ("status", "due_date", "owner")

    def order(self, qs):
        return qs.by_urgency()  # late first, then open by due date, then closed

    def get_queryset(self):
        return super().get_queryset().with_overdue().select_related("meeting", "owner")

    def get_create_url(self):
        return None  # a recommendation is added from its meeting's page


class OverdueListView(RecommendationListView):
    """Recommendations that are late: neither done nor dropped, due date passed."""

    filterset_class = OverdueFilter

    def get_queryset(self):
        return super().get_queryset().overdue()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["overdue_only"] = True
        return ctx

    def export_stem(self) -> str:
        return f"recommendations-en-retard-{self.province.code}"

    def export_title(self) -> str:
        return gettext("Late recommendations")


class RecommendationDetailView(RecommendationMixin, crud.ScopedDetailView):
    template_name = "cpde/recommendation_detail.html"
    status_panel = False  # its page moves the status with a follow-up note, date and meeting

    def get_queryset(self):
        return selectors.recommendation_detail(super().get_queryset())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rec = self.object
        meeting_pk = self.request.GET.get("meeting")
        if ctx["can_change"]:
            ctx["follow_up_form"] = FollowUpForm(
                recommendation=rec,
                can_reopen=ctx["can_validate"],
                initial={"date": selectors.today(), "meeting": meeting_pk},
            )
        if ctx["can_validate"] and not rec.is_closed:
            ctx["close_form"] = CloseForm(
                recommendation=rec, initial={"date": selectors.today(), "meeting": meeting_pk}
            )
        return ctx


class RecommendationCreateView(RecommendationMixin, crud.ScopedCreateView):
    parent_model = Meeting
    parent_field = "meeting"
    form_class = RecommendationForm

    def get_success_url(self):
        return f"{self.parent.get_absolute_url()}#recommendations"


class RecommendationUpdateView(RecommendationMixin, crud.ScopedUpdateView):
    form_class = RecommendationForm


class RecommendationDeleteView(RecommendationMixin, crud.ScopedDeleteView):
    def after_delete_url(self):
        return f"{self.object.meeting.get_absolute_url()}#recommendations"


class RecommendationHistoryView(RecommendationMixin, crud.ScopedHistoryView):
    pass


class _RecommendationActionView(RecommendationMixin, crud.ScopedObjectMixin, TemplateView):
    """A form page acting on one recommendation through a service."""

    template_name = "cpde/recommendation_action.html"
    form_class = None
    title = ""

    def get_queryset(self):
        return selectors.recommendation_detail(super().get_queryset())

    def form_kwargs(self) -> dict:
        return {"recommendation": self.object}

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.form_class(
            initial={"date": selectors.today(), "meeting": request.GET.get("meeting")},
            **self.form_kwargs(),
        )
        return self.render_to_response(self.get_context_data(object=self.object, form=form))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.already_saved(request.POST.get("submission_id", ""), request.user):
            # A resend (double tap, dropped connection): the first one did the work.
            messages.info(request, SafeCreateMixin.already_saved_message)
            return HttpResponseRedirect(self.object.get_absolute_url())
        form = self.form_class(request.POST, **self.form_kwargs())
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            self.act(form.cleaned_data)
        except EditConflict as conflict:
            form.add_error(None, conflict.message())
            return self.form_invalid(form, status=409)
        except ValidationError as error:
            return form_invalid_with(self, form, error)
        messages.success(request, self.success_message)
        return HttpResponseRedirect(self.object.get_absolute_url())

    def form_invalid(self, form, status=200):
        return self.render_to_response(
            self.get_context_data(object=self.object, form=form), status=status
        )

    def already_saved(self, token: str, user) -> bool:
        try:
            token = uuid.UUID(token)
        except ValueError:
            return False
        return follow_up_already_logged(token, self.object, user) is not None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.title
        return ctx


class RecommendationFollowUpView(_RecommendationActionView):
    """Log progress on a recommendation, optionally moving it to open or in progress."""

    required_perm = Perm.CHANGE
    form_class = FollowUpForm
    title = _("Follow-up")
    success_message = _("Follow-up recorded.")

    def form_kwargs(self):
        return {"recommendation": self.object, "can_reopen": Perm.VALIDATE in self.perms_here}

    def act(self, data):
        common = {
            "recommendation": self.object,
            "by": self.request.user,
            "date": data["date"],
            "note": data["note"].strip(),
            "meeting": data["meeting"],
            "submission_id": data.get("submission_id"),
        }
        if data.get("status"):
            recommendation_update_status(
                status=data["status"], expected_version=data["version"], **common
            )
        else:
            recommendation_add_follow_up(**common)


class RecommendationCloseView(_RecommendationActionView):
    """A coordinator closes a recommendation: done, or dropped with a reason."""

    required_perm = Perm.VALIDATE
    form_class = CloseForm
    title = _("Close the recommendation")
    success_message = _("Recommendation closed.")

    def act(self, data):
        recommendation_close(
            recommendation=self.object,
            outcome=data["outcome"],
            by=self.request.user,
            expected_version=data["version"],
            on=data["date"],
            reason=data["reason"],
            note=data["note"].strip(),
            meeting=data["meeting"],
            submission_id=data.get("submission_id"),
        )


# Follow-ups ------------------------------------------------------------------------------


class FollowUpMixin:
    model = RecommendationFollowUp
    url_base = "cpde:follow_up"
    parent_model = Recommendation
    parent_field = "recommendation"


class FollowUpUpdateView(FollowUpMixin, crud.ScopedUpdateView):
    form_class = FollowUpEditForm


class FollowUpDeleteView(FollowUpMixin, crud.ScopedDeleteView):
    """Remove a follow-up note; one that changed the status stays, as the record of it."""

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            follow_up_delete(follow_up=self.object, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(self.after_delete_url())


class FollowUpHistoryView(FollowUpMixin, crud.ScopedHistoryView):
    pass
