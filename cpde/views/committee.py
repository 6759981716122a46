"""The committee page, the committee's own record, and its members."""

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, TemplateView, UpdateView

from cpde import selectors
from cpde.filters import MemberFilter
from cpde.forms import CommitteeForm, MemberForm
from cpde.models import Committee, CommitteeMember
from cpde.resources import MemberResource
from cpde.views.base import InCommitteeMixin, ProvincePageMixin
from provinces.access import Perm, access_object
from targa.core import crud
from targa.core.editing import HistoryMixin, SafeCreateMixin, SafeUpdateMixin
from targa.core.ordering import Natural


class CommitteeView(ProvincePageMixin, TemplateView):
    """The CPDE of the province at a glance: members, meetings, recommendations."""

    template_name = "cpde/committee.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        committee = selectors.province_cpde_summary(self.province)
        ctx["committee"] = committee
        if committee is None:
            return ctx
        ctx.update(selectors.committee_overview(committee))
        return ctx


class CommitteeFormMixin(ProvincePageMixin):
    model = Committee
    form_class = CommitteeForm
    template_name = "crud/form.html"
    required_perm = Perm.CHANGE

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            opts=Committee._meta, list_url=Committee(province=self.province).get_absolute_url()
        )
        return ctx

    def get_success_url(self):
        return self.object.get_absolute_url()


class CommitteeCreateView(CommitteeFormMixin, SafeCreateMixin, CreateView):
    """Set up the committee of a province (once; afterwards this page edits it)."""

    def get(self, request, *args, **kwargs):
        return self.to_existing() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.to_existing() or super().post(request, *args, **kwargs)

    def to_existing(self) -> HttpResponseRedirect | None:
        """A province has one committee: once it is set up, this address edits it."""
        if Committee.objects.filter(province=self.province).exists():
            return HttpResponseRedirect(reverse("cpde:committee_edit", args=[self.province.code]))
        return None

    def get_initial(self):
        return {"name": Committee.default_name(self.province)}

    def prepare_instance(self, instance):
        instance.province = self.province


class CommitteeObjectMixin(CommitteeFormMixin):
    def get_object(self, queryset=None):
        return access_object(
            Committee.objects.select_related("province"),
            user=self.request.user,
            perm=self.required_perm,
            province=self.province,
        )


class CommitteeUpdateView(CommitteeObjectMixin, SafeUpdateMixin, UpdateView):
    pass


class CommitteeHistoryView(CommitteeObjectMixin, HistoryMixin, TemplateView):
    required_perm = Perm.VIEW

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["back_url"] = self.object.get_absolute_url()
        ctx["title"] = _("History of %(record)s") % {"record": self.object}
        return ctx


# Members ---------------------------------------------------------------------------------


class MemberMixin:
    model = CommitteeMember
    url_base = "cpde:member"


class MemberListView(MemberMixin, crud.ScopedListView):
    template_name = "cpde/member_list.html"
    filterset_class = MemberFilter
    search_fields = ("name", "institution_name", "position", "institution__name")
    resource_class = MemberResource
    ordering = (Natural("name"), "id")
    columns = (
        crud.Col("name", _("Name")),
        crud.Col("role", _("Role")),
        crud.Col("institution", _("Institution")),
        crud.Col("period", _("Period"), nowrap=True),
        crud.Col("attended", _("Meetings attended"), numeric=True),
    )
    card_fields = ("role", "institution", "attended")

    def get_queryset(self):
        return selectors.members_with_attendance(
            super().get_queryset().select_related("institution")
        )


class MemberDetailView(MemberMixin, crud.ScopedDetailView):
    template_name = "cpde/member_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("institution")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(selectors.member_record(self.object))
        return ctx


class MemberCreateView(MemberMixin, InCommitteeMixin, crud.ScopedCreateView):
    form_class = MemberForm


class MemberUpdateView(MemberMixin, crud.ScopedUpdateView):
    form_class = MemberForm


class MemberDeleteView(MemberMixin, crud.ScopedDeleteView):
    protected_message = _(
        "This member's attendance or answers are recorded: give an end date to the membership "
        "instead of deleting it."
    )


class MemberHistoryView(MemberMixin, crud.ScopedHistoryView):
    pass
