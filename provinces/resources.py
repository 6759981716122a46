"""Excel and CSV exports of a province's records (django-import-export), in the user's language.

Columns give values as they are (dates, numbers, booleans, lists of names): the writer in
`targa.core.exports` types and formats them, one value per line for many-to-many columns.
"""

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from import_export import fields

from targa.core.exports import MONEY_FORMAT, Field, StreamingResource


def _joined(*parts) -> str:
    """The parts of one line (a contact, an action) that are filled in."""
    return " – ".join(str(p) for p in parts if p)


class StakeholderResource(StreamingResource):
    name = fields.Field(attribute="name", column_name=_("Name"))
    acronym = fields.Field(attribute="acronym", column_name=_("Acronym"))
    kind = fields.Field(attribute="get_kind_display", column_name=_("Type"))
    managing_association = fields.Field(
        attribute="managing_association__name", column_name=_("Managing association")
    )
    communes = fields.Field(column_name=_("Communes covered"))
    phone = fields.Field(attribute="phone", column_name=_("Phone"))
    email = fields.Field(attribute="email", column_name=_("E-mail"))
    address = fields.Field(attribute="address", column_name=_("Address"))
    contacts = fields.Field(column_name=_("Contacts"))

    def dehydrate_communes(self, obj):
        return [c.name for c in obj.communes.all()]

    def dehydrate_contacts(self, obj):
        return [_joined(c.name, c.role, c.phone, c.email) for c in obj.contacts.all()]

    def prepare(self, queryset):
        return queryset.select_related("managing_association").prefetch_related(
            "communes", "contacts"
        )


class ConventionResource(StreamingResource):
    title = fields.Field(attribute="title", column_name=_("Title"))
    parties = fields.Field(column_name=_("Parties"))
    signed_on = fields.Field(attribute="signed_on", column_name=_("Signature date"))
    provinces = fields.Field(column_name=_("Provinces covered"))
    scope = fields.Field(attribute="scope", column_name=_("Purpose and scope"))

    def dehydrate_parties(self, obj):
        return obj.party_list

    def dehydrate_provinces(self, obj):
        return [p.name for p in obj.provinces.all()]

    def prepare(self, queryset):
        return queryset.prefetch_related("provinces")


class ContractResource(StreamingResource):
    reference = fields.Field(attribute="reference", column_name=_("Reference"))
    convention = fields.Field(attribute="convention__title", column_name=_("Framework convention"))
    status = fields.Field(attribute="get_status_display", column_name=_("Status"))
    signed_on = fields.Field(attribute="signed_on", column_name=_("Signature date"))
    start_on = fields.Field(attribute="start_on", column_name=_("Start date"))
    duration_months = fields.Field(attribute="duration_months", column_name=_("Duration (months)"))
    end_on = fields.Field(attribute="end_on", column_name=_("End date"))
    budget = Field(attribute="budget", column_name=_("Budget (MAD)"), number_format=MONEY_FORMAT)
    notes = fields.Field(attribute="notes", column_name=_("Notes"))

    def prepare(self, queryset):
        return queryset.select_related("convention")


class ActivityResource(StreamingResource):
    """The chronogram as a table; "late" follows the one rule (`activity_late_q`)."""

    objective = fields.Field(attribute="get_objective_display", column_name=_("Specific objective"))
    category = fields.Field(attribute="category__name", column_name=_("Category"))
    title = fields.Field(attribute="title", column_name=_("Title"))
    planned_start = fields.Field(attribute="planned_start", column_name=_("Planned start"))
    planned_end = fields.Field(attribute="planned_end", column_name=_("Planned end"))
    actual_start = fields.Field(attribute="actual_start", column_name=_("Actual start"))
    actual_end = fields.Field(attribute="actual_end", column_name=_("Actual end"))
    status = fields.Field(attribute="get_status_display", column_name=_("Status"))
    late = fields.Field(attribute="is_late", column_name=_("Late"))
    responsible = fields.Field(attribute="responsible_display", column_name=_("Responsible"))
    deliverable = fields.Field(attribute="deliverable", column_name=_("Deliverable"))

    def prepare(self, queryset):
        return queryset.with_lateness().select_related("category", "responsible")


class FieldVisitResource(StreamingResource):
    date = fields.Field(attribute="date", column_name=_("Date"))
    kind = fields.Field(attribute="get_kind_display", column_name=_("Type"))
    communes = fields.Field(column_name=_("Communes"))
    stakeholders = fields.Field(column_name=_("Stakeholders met"))
    people_met = fields.Field(attribute="people_met", column_name=_("People met"))
    purpose = fields.Field(attribute="purpose", column_name=_("Purpose"))
    findings = fields.Field(attribute="findings", column_name=_("Findings"))
    actions = fields.Field(column_name=_("Follow-up actions"))

    def dehydrate_communes(self, obj):
        return [c.name for c in obj.communes.all()]

    def dehydrate_stakeholders(self, obj):
        return [str(s) for s in obj.stakeholders.all()]

    def dehydrate_actions(self, obj):
        return [
            _joined(
                a.description,
                a.owner,
                formats.date_format(a.due_on, "SHORT_DATE_FORMAT") if a.due_on else "",
                a.get_status_display(),
            )
            for a in obj.actions.all()
        ]

    def prepare(self, queryset):
        return queryset.prefetch_related("communes", "stakeholders", "actions")
