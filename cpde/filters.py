"""List filters of the CPDE pages (django-filter); choices are limited to the province."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cpde.models import (
    CommitteeMember,
    Meeting,
    QuestionnaireResponse,
    Recommendation,
    RoadmapItem,
    Training,
    current_member_condition,
    overdue_condition,
)
from provinces.models import Sex, Stakeholder
from targa.core.crud import ScopedFilterSet
from targa.core.ordering import Natural


def _date(label, field_name: str, lookup_expr: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        field_name=field_name,
        lookup_expr=lookup_expr,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class MemberFilter(ScopedFilterSet):
    CURRENT, FORMER = "current", "former"

    period = django_filters.ChoiceFilter(
        label=_("Membership"),
        choices=[(CURRENT, _("current members")), (FORMER, _("former members"))],
        empty_label=_("All members"),
        method="filter_period",
    )
    role = django_filters.ChoiceFilter(
        choices=CommitteeMember.Role.choices, label=_("Role"), empty_label=_("All roles")
    )
    sex = django_filters.ChoiceFilter(choices=Sex.choices, label=_("Sex"), empty_label=_("All"))
    institution = django_filters.ModelChoiceFilter(
        queryset=Stakeholder.objects.order_by(Natural("name")),
        label=_("Institution"),
        empty_label=_("All institutions"),
    )

    class Meta:
        model = CommitteeMember
        fields = ["period", "role", "sex", "institution"]

    def filter_period(self, qs, name, value):
        if value == self.CURRENT:
            return qs.filter(current_member_condition())
        if value == self.FORMER:
            return qs.exclude(current_member_condition())
        return qs


class MeetingFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=Meeting.Kind.choices, label=_("Type"), empty_label=_("All types")
    )
    date_from = _date(_("From"), "date", "gte")
    date_to = _date(_("To"), "date", "lte")

    class Meta:
        model = Meeting
        fields = ["kind"]


class RecommendationFilter(ScopedFilterSet):
    NOT_CLOSED = "not_closed"

    status = django_filters.ChoiceFilter(
        choices=[(NOT_CLOSED, _("open or in progress")), *Recommendation.Status.choices],
        label=_("Status"),
        empty_label=_("All statuses"),
        method="filter_status",
    )
    late = django_filters.ChoiceFilter(
        label=_("Late"),
        choices=[("yes", _("late only")), ("no", _("not late"))],
        empty_label=_("All"),
        method="filter_late",
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=Stakeholder.objects.order_by(Natural("name")),
        label=_("Responsible institution"),
        empty_label=_("All institutions"),
    )
    meeting = django_filters.ModelChoiceFilter(
        queryset=Meeting.objects.order_by("-date"),
        label=_("Meeting"),
        empty_label=_("All meetings"),
    )
    due_before = _date(_("Due before"), "due_date", "lt")
    # The meeting page links here for the open recommendations of the meetings before it.
    issued_before = _date(_("Issued before"), "meeting__date", "lt")

    class Meta:
        model = Recommendation
        fields = ["status", "late", "owner", "meeting"]

    def filter_status(self, qs, name, value):
        if value == self.NOT_CLOSED:
            return qs.still_open()
        return qs.filter(status=value)

    def filter_late(self, qs, name, value):
        if value == "yes":
            return qs.filter(overdue_condition())
        if value == "no":
            return qs.exclude(overdue_condition())
        return qs


class OverdueFilter(RecommendationFilter):
    """On the list of late recommendations: only the statuses a late one can have."""

    status = django_filters.ChoiceFilter(
        choices=[
            (Recommendation.Status.OPEN, Recommendation.Status.OPEN.label),
            (Recommendation.Status.IN_PROGRESS, Recommendation.Status.IN_PROGRESS.label),
        ],
        label=_("Status"),
        empty_label=_("All statuses"),
    )

    class Meta(RecommendationFilter.Meta):
        fields = ["status", "owner", "meeting"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.filters["late"]


class TrainingFilter(ScopedFilterSet):
    date_from = _date(_("From"), "start_date", "gte")
    date_to = _date(_("To"), "start_date", "lte")

    class Meta:
        model = Training
        fields: list = []


class RoadmapFilter(ScopedFilterSet):
    priority = django_filters.ChoiceFilter(
        choices=RoadmapItem.Priority.choices, label=_("Priority"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=RoadmapItem.Status.choices, label=_("Status"), empty_label=_("All statuses")
    )

    class Meta:
        model = RoadmapItem
        fields = ["priority", "status"]


class ResponseFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Respondent"),
        choices=[("member", _("members")), ("institution", _("institutions"))],
        empty_label=_("All"),
        method="filter_kind",
    )

    class Meta:
        model = QuestionnaireResponse
        fields: list = []

    def filter_kind(self, qs, name, value):
        if value == "member":
            return qs.filter(member__isnull=False)
        if value == "institution":
            return qs.filter(member__isnull=True)
        return qs
