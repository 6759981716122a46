"""Excel and CSV exports of the holders' list (django-import-export), in the user's language.
The national ID, phone and e-mail are in a second resource, exported only to the roles that
record them; each such export is kept (`targa.core.models.PersonalDataExport`)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields

from projects.models import age_on
from targa.core.exports import StreamingResource


class HolderResource(StreamingResource):
    last_name = fields.Field(attribute="last_name", column_name=_("Last name"))
    first_name = fields.Field(attribute="first_name", column_name=_("First name"))
    last_name_ar = fields.Field(attribute="last_name_ar", column_name=_("Last name (Arabic)"))
    first_name_ar = fields.Field(attribute="first_name_ar", column_name=_("First name (Arabic)"))
    sex = fields.Field(attribute="get_sex_display", column_name=_("Sex"))
    age = fields.Field(column_name=_("Age"))
    commune = fields.Field(column_name=_("Commune"))
    channel = fields.Field(attribute="get_channel_display", column_name=_("How they came"))
    education = fields.Field(attribute="get_education_display", column_name=_("Education"))
    employment = fields.Field(
        attribute="get_employment_display", column_name=_("Employment situation")
    )
    projects = fields.Field(attribute="n_projects", column_name=_("Projects"))

    def prepare(self, queryset):
        self._today = timezone.localdate()
        return queryset.select_related("commune")

    def dehydrate_age(self, obj):
        return age_on(obj.birth_date, self._today)

    def dehydrate_commune(self, obj):
        return obj.commune.name


class HolderPersonalResource(HolderResource):
    """The same rows with what identifies and reaches the holders."""

    birth_date = fields.Field(attribute="birth_date", column_name=_("Date of birth"))
    cin = fields.Field(attribute="cin", column_name=_("CIN"))
    phone = fields.Field(attribute="phone", column_name=_("Phone"))
    email = fields.Field(attribute="email", column_name=_("E-mail"))
    consent_on = fields.Field(attribute="consent_on", column_name=_("Consent given on"))
