"""Excel and CSV exports of a province's records (django-import-export), in the user's language."""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources


class StakeholderResource(resources.Resource):
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
        return ", ".join(c.name for c in obj.communes.all())

    def dehydrate_contacts(self, obj):
        return "; ".join(
            " – ".join(p for p in (c.name, c.role, c.phone, c.email) if p)
            for c in obj.contacts.all()
        )

    def export(self, queryset=None, **kwargs):
        queryset = queryset.select_related("managing_association").prefetch_related(
            "communes", "contacts"
        )
        return super().export(queryset=queryset, **kwargs)
