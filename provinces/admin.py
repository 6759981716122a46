"""Django admin for territories (with import/export) and the programme's provinces."""

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from import_export import resources
from import_export.admin import ImportExportModelAdmin

from provinces.models import (
    Activity,
    ActivityCategory,
    Attachment,
    Cercle,
    Commune,
    Contact,
    ExecutionContract,
    FieldVisit,
    FollowUpAction,
    FrameworkConvention,
    Membership,
    Province,
    ProvinceProgramme,
    Region,
    Stakeholder,
    accepts_attachments,
)
from targa.core.admin_mixins import TrackedModelAdmin, TypedExcelExportMixin

TERRITORY_FIELDS = (
    "code",
    "name_fr",
    "name_ar",
    "population",
    "population_men",
    "population_women",
    "youth_men",
    "youth_women",
    "households",
)


class RegionResource(resources.ModelResource):
    class Meta:
        model = Region
        import_id_fields = ("code",)
        fields = TERRITORY_FIELDS
        skip_unchanged = True


class ProvinceResource(resources.ModelResource):
    class Meta:
        model = Province
        import_id_fields = ("code",)
        fields = (*TERRITORY_FIELDS, "region", "kind", "activity_rate", "unemployment_rate")
        skip_unchanged = True


class CercleResource(resources.ModelResource):
    class Meta:
        model = Cercle
        import_id_fields = ("code",)
        fields = (*TERRITORY_FIELDS, "province")
        skip_unchanged = True


class CommuneResource(resources.ModelResource):
    class Meta:
        model = Commune
        import_id_fields = ("code",)
        fields = (*TERRITORY_FIELDS, "province", "cercle", "kind")
        skip_unchanged = True


class TerritoryAdmin(TypedExcelExportMixin, ImportExportModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "population"]
    search_fields = ["code", "name_fr", "name_ar"]
    list_per_page = 50


@admin.register(Region)
class RegionAdmin(TerritoryAdmin):
    resource_classes = [RegionResource]


@admin.register(Province)
class ProvinceAdmin(TerritoryAdmin):
    resource_classes = [ProvinceResource]
    list_display = [*TerritoryAdmin.list_display, "kind", "region"]
    list_filter = ["kind", "region"]
    list_select_related = ["region"]


@admin.register(Cercle)
class CercleAdmin(TerritoryAdmin):
    resource_classes = [CercleResource]
    list_display = [*TerritoryAdmin.list_display, "province"]
    list_select_related = ["province"]
    autocomplete_fields = ["province"]


@admin.register(Commune)
class CommuneAdmin(TerritoryAdmin):
    resource_classes = [CommuneResource]
    list_display = [*TerritoryAdmin.list_display, "kind", "province", "cercle"]
    list_filter = ["kind"]
    list_select_related = ["province", "cercle"]
    autocomplete_fields = ["province", "cercle"]


@admin.register(ProvinceProgramme)
class ProvinceProgrammeAdmin(TrackedModelAdmin):
    list_display = ["province", "is_active", "started_on", "operator"]
    list_select_related = ["province"]


@admin.register(Membership)
class MembershipAdmin(TrackedModelAdmin):
    list_display = ["user", "role", "province"]
    list_filter = ["role"]
    list_select_related = ["user", "province"]
    autocomplete_fields = ["user", "province"]


@admin.register(Stakeholder)
class StakeholderAdmin(TrackedModelAdmin):
    list_display = ["name", "acronym", "kind", "province"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    search_fields = ["name", "acronym"]
    autocomplete_fields = ["province", "communes", "managing_association"]


@admin.register(Contact)
class ContactAdmin(TrackedModelAdmin):
    list_display = ["name", "role", "stakeholder"]
    list_select_related = ["stakeholder"]
    search_fields = ["name", "stakeholder__name"]
    autocomplete_fields = ["stakeholder"]


@admin.register(Attachment)
class AttachmentAdmin(TrackedModelAdmin):
    list_display = ["__str__", "province", "content_type", "object_id", "size", "created_at"]
    list_select_related = ["province", "content_type"]
    list_filter = ["province"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "content_type":  # only the kinds of record that take attachments
            attachable = [m for m in apps.get_models() if accepts_attachments(m)]
            kwargs["queryset"] = ContentType.objects.filter(
                pk__in=[ct.pk for ct in ContentType.objects.get_for_models(*attachable).values()]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(FrameworkConvention)
class FrameworkConventionAdmin(TrackedModelAdmin):
    list_display = ["title", "signed_on"]
    search_fields = ["title", "parties"]
    autocomplete_fields = ["provinces"]


@admin.register(ExecutionContract)
class ExecutionContractAdmin(TrackedModelAdmin):
    list_display = ["reference", "province", "status", "start_on", "duration_months", "end_on"]
    list_filter = ["status", "province"]
    list_select_related = ["province"]
    search_fields = ["reference"]
    autocomplete_fields = ["province", "convention"]


@admin.register(ActivityCategory)
class ActivityCategoryAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_ar", "code", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["name_fr", "name_ar", "code"]


@admin.register(Activity)
class ActivityAdmin(TrackedModelAdmin):
    list_display = ["title", "province", "category", "objective", "status", "planned_end"]
    list_filter = ["status", "objective", "category", "province"]
    list_select_related = ["province", "category"]
    search_fields = ["title"]
    autocomplete_fields = ["province", "responsible"]


@admin.register(FieldVisit)
class FieldVisitAdmin(TrackedModelAdmin):
    list_display = ["__str__", "province", "kind", "date"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    search_fields = ["purpose", "findings"]
    autocomplete_fields = ["province", "communes", "stakeholders"]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(TrackedModelAdmin):
    list_display = ["description", "visit", "owner", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["visit__province"]
    search_fields = ["description", "owner"]
    autocomplete_fields = ["visit"]
