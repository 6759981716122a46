"""Django admin for value chains; saves go through the same services and model rules as the
app, and a diagnostic's content is read-only there whenever its state says so."""

from django.contrib import admin

from targa.core.admin_mixins import TrackedModelAdmin
from targa.core.workflow import edit_refusal, is_locked
from valuechains.models import (
    AdvocacyPoint,
    Bottleneck,
    Chain,
    ChainScore,
    Criterion,
    Diagnostic,
    DiagnosticSection,
    FieldObservation,
    FlagshipAction,
    Indicator,
    Operator,
    Opportunity,
    PlanObjective,
    ProvinceWeight,
    Sector,
    Stage,
    Supporter,
    SwotEntry,
)


class DiagnosticPartAdmin(TrackedModelAdmin):
    """A diagnostic and its lines: changed or deleted in the admin only when the diagnostic's
    state lets this administrator do so (`Diagnostic.edit_refusal`), like on its page."""

    def _refused(self, request, obj) -> bool:
        return obj is not None and (is_locked(obj) or bool(edit_refusal(request.user, obj)))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._refused(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._refused(request, obj)


@admin.register(Sector)
class SectorAdmin(TrackedModelAdmin):
    list_display = ["name_fr", "name_ar", "code", "order", "is_active"]
    search_fields = ["name_fr", "name_ar", "code"]


@admin.register(Criterion)
class CriterionAdmin(TrackedModelAdmin):
    list_display = ["name_fr", "weight", "order", "is_active"]
    search_fields = ["name_fr", "name_ar", "code"]


@admin.register(ProvinceWeight)
class ProvinceWeightAdmin(TrackedModelAdmin):
    list_display = ["criterion", "province", "weight", "reason"]
    list_filter = ["province"]
    list_select_related = ["criterion", "province"]
    autocomplete_fields = ["province"]


@admin.register(Chain)
class ChainAdmin(TrackedModelAdmin):
    list_display = ["product", "sector", "province", "status"]
    list_filter = ["status", "sector", "province"]
    list_select_related = ["sector", "province"]
    search_fields = ["product", "product_ar"]
    autocomplete_fields = ["province", "cercles", "communes"]


@admin.register(ChainScore)
class ChainScoreAdmin(TrackedModelAdmin):
    list_display = ["chain", "criterion", "score"]
    list_select_related = ["chain", "criterion"]
    autocomplete_fields = ["chain"]


@admin.register(Diagnostic)
class DiagnosticAdmin(DiagnosticPartAdmin):
    list_display = ["__str__", "status", "number", "delivered_on"]
    list_filter = ["status", "chain__province"]
    list_select_related = ["chain__province"]
    search_fields = ["chain__product"]
    autocomplete_fields = ["chain", "previous", "cercles", "communes"]
    readonly_fields = ["delivered_on", "delivered_to", "delivered_file"]


@admin.register(DiagnosticSection)
class DiagnosticSectionAdmin(DiagnosticPartAdmin):
    list_display = ["key", "diagnostic", "updated_at"]
    list_select_related = ["diagnostic__chain"]
    readonly_fields = ["diagnostic", "key"]


@admin.register(Stage)
class StageAdmin(DiagnosticPartAdmin):
    list_display = ["__str__", "order", "kind", "diagnostic"]
    list_select_related = ["diagnostic__chain"]
    search_fields = ["name"]
    autocomplete_fields = ["diagnostic"]


@admin.register(Operator)
class OperatorAdmin(DiagnosticPartAdmin):
    list_display = ["__str__", "kind", "count", "women", "young", "stage"]
    list_select_related = ["stage"]
    autocomplete_fields = ["stage"]


@admin.register(Supporter)
class SupporterAdmin(DiagnosticPartAdmin):
    list_display = ["__str__", "kind", "diagnostic"]
    list_select_related = ["stakeholder", "diagnostic__chain"]
    autocomplete_fields = ["diagnostic", "stakeholder", "stages"]


@admin.register(Bottleneck)
class BottleneckAdmin(DiagnosticPartAdmin):
    list_display = ["title", "level", "source", "stage"]
    list_filter = ["level", "source"]
    list_select_related = ["stage"]
    search_fields = ["title"]
    autocomplete_fields = ["diagnostic", "stage"]


@admin.register(Opportunity)
class OpportunityAdmin(DiagnosticPartAdmin):
    list_display = ["title", "level", "source", "stage"]
    list_filter = ["level", "source"]
    list_select_related = ["stage"]
    autocomplete_fields = ["diagnostic", "stage"]


@admin.register(SwotEntry)
class SwotEntryAdmin(DiagnosticPartAdmin):
    list_display = ["text", "quadrant", "diagnostic"]
    list_filter = ["quadrant"]
    list_select_related = ["diagnostic__chain"]
    autocomplete_fields = ["diagnostic"]


@admin.register(FieldObservation)
class FieldObservationAdmin(DiagnosticPartAdmin):
    list_display = ["__str__", "place", "diagnostic"]
    list_filter = ["kind"]
    list_select_related = ["diagnostic__chain"]
    autocomplete_fields = ["diagnostic", "commune"]


@admin.register(PlanObjective)
class PlanObjectiveAdmin(DiagnosticPartAdmin):
    list_display = ["text", "order", "diagnostic"]
    list_select_related = ["diagnostic__chain"]
    autocomplete_fields = ["diagnostic"]


@admin.register(FlagshipAction)
class FlagshipActionAdmin(DiagnosticPartAdmin):
    list_display = ["title", "status", "start_date", "end_date", "budget", "diagnostic"]
    list_filter = ["status"]
    list_select_related = ["diagnostic__chain"]
    search_fields = ["title"]
    autocomplete_fields = ["diagnostic", "bottleneck", "responsible", "partners"]


@admin.register(Indicator)
class IndicatorAdmin(DiagnosticPartAdmin):
    list_display = ["name", "unit", "baseline", "target", "current", "current_on", "action"]
    list_select_related = ["action"]
    autocomplete_fields = ["action"]


@admin.register(AdvocacyPoint)
class AdvocacyPointAdmin(DiagnosticPartAdmin):
    list_display = ["__str__", "target", "action"]
    list_select_related = ["target", "action"]
    autocomplete_fields = ["diagnostic", "action", "target"]
