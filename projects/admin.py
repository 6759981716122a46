"""Django admin for the project holders' pipeline: saves go through the same services and model
rules as the app; a project's stage moves only through its moves, and its path is read-only."""

from django.contrib import admin

from projects import services
from projects.models import (
    Call,
    Holder,
    PipelineStage,
    Project,
    ProjectStep,
    Session,
    Structure,
    Visit,
)
from targa.core.admin_mixins import TrackedModelAdmin


@admin.register(PipelineStage)
class PipelineStageAdmin(TrackedModelAdmin):
    """Administrators rename and reorder the stages; the keys stay what the moves know."""

    list_display = ["key", "name_fr", "name_ar", "order"]
    list_editable = []
    ordering = ["order"]
    readonly_fields = ["key"]

    def has_add_permission(self, request):
        return False  # the stages are the pipeline's; none is added or removed


@admin.register(Holder)
class HolderAdmin(TrackedModelAdmin):
    list_display = ["last_name", "first_name", "province", "sex", "commune", "consent_on"]
    list_filter = ["province", "sex", "channel"]
    list_select_related = ["province", "commune"]
    search_fields = ["search_name", "cin"]
    autocomplete_fields = ["commune", "youth_platform"]


@admin.register(Structure)
class StructureAdmin(TrackedModelAdmin):
    list_display = ["name", "kind", "province", "created_on"]
    list_filter = ["province", "kind"]
    list_select_related = ["province"]
    search_fields = ["search_name", "register_number"]
    autocomplete_fields = ["commune"]


@admin.register(Call)
class CallAdmin(TrackedModelAdmin):
    list_display = ["title", "kind", "province", "opens_on", "closes_on"]
    list_filter = ["province", "kind"]
    list_select_related = ["province"]
    search_fields = ["title"]


class StepInline(admin.TabularInline):
    model = ProjectStep
    fields = ["on", "from_stage", "to_stage", "decision", "comment", "by", "at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(TrackedModelAdmin):
    list_display = ["title", "holder", "province", "stage", "stage_since"]
    list_filter = ["province", "stage"]
    list_select_related = ["province", "holder"]
    search_fields = ["title", "holder__search_name"]
    autocomplete_fields = ["holder", "structure", "chain", "commune", "call"]
    readonly_fields = ["stage_since", "dropped_from", "drop_reason"]
    inlines = [StepInline]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:  # its path starts with its first stage, as on the app's pages
            services.project_create(project=obj, by=request.user)


@admin.register(ProjectStep)
class ProjectStepAdmin(admin.ModelAdmin):
    """The path of the projects, as the moves wrote it: read only."""

    list_display = ["project", "from_stage", "to_stage", "on", "decision", "by"]
    list_filter = ["to_stage", "decision"]
    list_select_related = ["project", "by"]
    search_fields = ["project__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Session)
class SessionAdmin(TrackedModelAdmin):
    """Those present are of the session's province: `Session.check_write` says so here too."""

    list_display = ["topic", "kind", "province", "on", "trainer"]
    list_filter = ["province", "kind"]
    list_select_related = ["province"]
    search_fields = ["topic", "trainer"]
    date_hierarchy = "on"
    autocomplete_fields = ["provider", "commune", "holders", "structures"]


@admin.register(Visit)
class VisitAdmin(TrackedModelAdmin):
    list_display = ["project", "on", "turnover", "income_change", "next_visit_on"]
    list_filter = ["project__province", "income_change"]
    list_select_related = ["project"]
    search_fields = ["project__title", "project__holder__search_name"]
    date_hierarchy = "on"
    autocomplete_fields = ["project"]


# Cooperatives' capacity plans ----------------------------------------------------------------

from projects.models import CapacityPlan, PlanActivity  # noqa: E402


class PlanActivityInline(admin.TabularInline):
    """The action plan, read here; its lines are written on the plan's page (their rules)."""

    model = PlanActivity
    fields = ["activity", "responsible", "deadline", "status", "target", "achieved"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CapacityPlan)
class CapacityPlanAdmin(TrackedModelAdmin):
    """A plan's status moves only through its actions on the plan's page."""

    list_display = ["structure", "starts_on", "ends_on", "status"]
    list_filter = ["structure__province", "status"]
    list_select_related = ["structure__province"]
    search_fields = ["structure__search_name"]
    autocomplete_fields = ["structure"]
    readonly_fields = ["status"]
    inlines = [PlanActivityInline]


@admin.register(PlanActivity)
class PlanActivityAdmin(TrackedModelAdmin):
    list_display = ["activity", "plan", "deadline", "status"]
    list_filter = ["plan__structure__province", "status"]
    list_select_related = ["plan__structure"]
    search_fields = ["activity", "plan__structure__search_name"]
    autocomplete_fields = ["plan", "stakeholders"]
