"""Pages of the provincial programme: the framework convention (national), each province's
execution contracts, its chronogram of activities (list and Gantt chart), and its field
visits and meetings with their follow-up actions."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, TemplateView, UpdateView

from provinces import selectors, services
from provinces.access import (
    Perm,
    access_convention,
    conventions_for_user,
    has_global_perm,
    require_global_perm,
)
from provinces.filters import ActivityFilter, ContractFilter, ConventionFilter, FieldVisitFilter
from provinces.forms import (
    ActivityForm,
    ContractForm,
    ConventionForm,
    FieldVisitForm,
    FollowUpActionForm,
)
from provinces.gantt import build_gantt
from provinces.models import (
    Activity,
    ExecutionContract,
    FieldVisit,
    FollowUpAction,
    FrameworkConvention,
)
from provinces.resources import (
    ActivityResource,
    ContractResource,
    ConventionResource,
    FieldVisitResource,
)
from targa.core import crud
from targa.core.editing import HistoryMixin, SafeCreateMixin, SafeUpdateMixin
from targa.core.ordering import NaturalName
from targa.core.records import EditConflict

# Framework conventions: national reference data.


class ConventionListView(TemplateView):
    """The conventions covering the user's provinces; administrators add them."""

    template_name = "provinces/convention_list.html"

    def filtered(self):
        qs = conventions_for_user(self.request.user)
        filterset = ConventionFilter(self.request.GET or None, queryset=qs, request=self.request)
        if filterset.is_bound:
            qs = filterset.qs if filterset.is_valid() else qs.none()
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(Q(title__icontains=q) | Q(parties__icontains=q) | Q(scope__icontains=q))
        return qs.prefetch_related("provinces"), filterset, q

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in crud.EXPORT_FORMATS:
            qs, _filterset, _q = self.filtered()
            title = capfirst(str(FrameworkConvention._meta.verbose_name_plural))
            return crud.export_response(
                ConventionResource, qs, fmt, stem="conventions", title=title
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs, filterset, q = self.filtered()
        ctx.update(
            page_obj=Paginator(qs, 25).get_page(self.request.GET.get("page")),
            filter=filterset,
            q=q,
            can_manage=has_global_perm(self.request.user, Perm.MANAGE),
            **crud.list_context(
                FrameworkConvention,
                (
                    crud.Col("title", _("Title")),
                    crud.Col("signed_on", _("Signature date")),
                    crud.Col("provinces", _("Provinces covered")),
                ),
            ),
        )
        return ctx


class ConventionMixin:
    required_perm = Perm.VIEW

    def get_object(self, queryset=None):
        return access_convention(
            user=self.request.user, pk=self.kwargs["pk"], perm=self.required_perm
        )


class ConventionCreateView(SafeCreateMixin, CreateView):
    form_class = ConventionForm
    template_name = "provinces/convention_form.html"

    def dispatch(self, request, *args, **kwargs):
        require_global_perm(request.user, Perm.MANAGE)
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return self.object.get_absolute_url()


class ConventionDetailView(ConventionMixin, DetailView):
    template_name = "provinces/convention_detail.html"
    context_object_name = "convention"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["provinces"] = self.object.provinces.order_by(NaturalName())
        ctx["contracts"] = selectors.contracts_of_convention(self.object, self.request.user)
        ctx["can_manage"] = has_global_perm(self.request.user, Perm.MANAGE)
        return ctx


class ConventionUpdateView(ConventionMixin, SafeUpdateMixin, UpdateView):
    required_perm = Perm.MANAGE
    form_class = ConventionForm
    template_name = "provinces/convention_form.html"

    def get_success_url(self):
        return self.object.get_absolute_url()


class ConventionHistoryView(ConventionMixin, HistoryMixin, TemplateView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["back_url"] = self.object.get_absolute_url()
        ctx["title"] = _("History of %(record)s") % {"record": self.object}
        return ctx


# Execution contracts.


class ContractMixin:
    model = ExecutionContract
    url_base = "provinces:contract"

    def get_queryset(self):
        return super().get_queryset().select_related("convention")


class ContractListView(ContractMixin, crud.ScopedListView):
    template_name = "provinces/contract_list.html"
    filterset_class = ContractFilter
    search_fields = ("reference", "notes", "convention__title")
    resource_class = ContractResource
    ordering = ("-start_on", "reference")
    columns = (
        crud.Col("reference", _("Reference")),
        crud.Col("status", _("Status")),
        crud.Col("period", _("Period"), nowrap=True),
        crud.Col("budget", _("Budget (MAD)"), nowrap=True, numeric=True),
    )
    card_fields = ("status", "period", "budget")

    def export_title(self) -> str:
        return str(_("Contracts"))  # as in the menu; the plural name is 32 characters long

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["conventions"] = selectors.conventions_covering(self.province)
        return ctx


class ContractDetailView(ContractMixin, crud.ScopedDetailView):
    template_name = "provinces/contract_detail.html"


class ContractCreateView(ContractMixin, crud.ScopedCreateView):
    form_class = ContractForm


class ContractUpdateView(ContractMixin, crud.ScopedUpdateView):
    form_class = ContractForm


class ContractDeleteView(ContractMixin, crud.ScopedDeleteView):
    pass


class ContractHistoryView(ContractMixin, crud.ScopedHistoryView):
    pass


class ContractTransitionView(ContractMixin, crud.ScopedTransitionView):
    pass


# The chronogram of activities.


class ActivityMixin:
    model = Activity
    url_base = "provinces:activity"

    def get_queryset(self):
        return super().get_queryset().with_lateness().select_related("category", "responsible")


class ActivityListView(ActivityMixin, crud.ScopedListView):
    template_name = "provinces/activity_list.html"
    filterset_class = ActivityFilter
    search_fields = ("title", "deliverable", "responsible_name")
    resource_class = ActivityResource
    columns = (
        crud.Col("title", _("Activity")),
        crud.Col("planned", _("Planned"), nowrap=True),
        crud.Col("actual", _("Actual"), nowrap=True),
        crud.Col("status", _("Status")),
        crud.Col("responsible", _("Responsible")),
    )
    card_fields = ("status", "planned", "actual", "responsible")

    def order(self, qs):
        return qs.by_urgency(timezone.localdate())  # what is late first (issue 8)

    def rows_context(self, qs):
        return {**super().rows_context(qs), "counts": selectors.activity_counts(qs)}


class ActivityGanttView(ActivityListView):
    """The same filtered activities as the list, drawn as a Gantt chart (all of them)."""

    template_name = "provinces/activity_gantt.html"

    def order(self, qs):
        # Grouped by objective (the chart's groups), what is late first in each.
        return qs.by_urgency(timezone.localdate(), "objective")

    def rows_context(self, qs):
        year = self.filter_value("year")  # one of the filter's years, or None
        return {
            "chart": build_gantt(
                qs, today=timezone.localdate(), year=int(year) if year is not None else None
            )
        }


class ActivityDetailView(ActivityMixin, crud.ScopedDetailView):
    template_name = "provinces/activity_detail.html"


class ActivityCreateView(ActivityMixin, crud.ScopedCreateView):
    form_class = ActivityForm


class ActivityUpdateView(ActivityMixin, crud.ScopedUpdateView):
    form_class = ActivityForm


class ActivityDeleteView(ActivityMixin, crud.ScopedDeleteView):
    pass


class ActivityHistoryView(ActivityMixin, crud.ScopedHistoryView):
    pass


class ActivityTransitionView(ActivityMixin, crud.ScopedTransitionView):
    pass


# Field visits and meetings, and their follow-up actions.


class VisitMixin:
    model = FieldVisit
    url_base = "provinces:visit"


class VisitListView(VisitMixin, crud.ScopedListView):
    template_name = "provinces/visit_list.html"
    filterset_class = FieldVisitFilter
    search_fields = ("purpose", "findings", "people_met", "stakeholders__name")
    resource_class = FieldVisitResource
    ordering = ("-date", "-id")
    columns = (
        crud.Col("date", _("Date")),
        crud.Col("purpose", _("Purpose")),
        crud.Col("where", _("Where, whom")),
        crud.Col("follow_up", _("Follow-up"), nowrap=True, numeric=True),
    )
    card_fields = ("follow_up", "purpose")

    def get_queryset(self):
        qs = super().get_queryset().with_action_counts()
        return qs.prefetch_related("communes", "stakeholders")

    def filtered(self):
        qs, filterset, q = super().filtered()
        return (qs.distinct() if q else qs), filterset, q


class VisitDetailView(VisitMixin, crud.ScopedDetailView):
    template_name = "provinces/visit_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                "communes",
                "stakeholders",
                Prefetch("actions", queryset=FollowUpAction.objects.with_overdue()),
            )
        )


class VisitCreateView(VisitMixin, crud.ScopedCreateView):
    form_class = FieldVisitForm


class VisitUpdateView(VisitMixin, crud.ScopedUpdateView):
    form_class = FieldVisitForm


class VisitDeleteView(VisitMixin, crud.ScopedDeleteView):
    pass


class VisitHistoryView(VisitMixin, crud.ScopedHistoryView):
    pass


class FollowUpMixin:
    model = FollowUpAction
    url_base = "provinces:followup"
    parent_model = FieldVisit
    parent_field = "visit"


class FollowUpCreateView(FollowUpMixin, crud.ScopedCreateView):
    form_class = FollowUpActionForm


class FollowUpUpdateView(FollowUpMixin, crud.ScopedUpdateView):
    form_class = FollowUpActionForm


class FollowUpDeleteView(FollowUpMixin, crud.ScopedDeleteView):
    pass


class FollowUpHistoryView(FollowUpMixin, crud.ScopedHistoryView):
    pass


class FollowUpStatusView(FollowUpMixin, crud.ScopedObjectMixin, View):
    """One tap on the visit page: mark an action done, or open it again."""

    http_method_names = ["post"]
    required_perm = Perm.CHANGE
    service = None  # staticmethod(services.follow_up_action_complete) or …_reopen
    success_message = ""

    def post(self, request, *args, **kwargs):
        action = self.get_object()
        version = request.POST.get("version", "")
        if not version.isdigit():
            # Without the version the page was opened at, a save could overwrite someone's.
            messages.error(request, _("The form was damaged; reload the page."))
            return HttpResponseRedirect(action.get_absolute_url())
        try:
            self.service(action=action, by=request.user, expected_version=int(version))
        except EditConflict as conflict:
            messages.error(request, conflict.message())
        else:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(action.get_absolute_url())


class FollowUpCompleteView(FollowUpStatusView):
    service = staticmethod(services.follow_up_action_complete)
    success_message = _("Action marked done. If this was a mistake, reopen it on its line.")


class FollowUpReopenView(FollowUpStatusView):
    service = staticmethod(services.follow_up_action_reopen)
    success_message = _("Action open again.")
