"""Django admin for users (the in-app pages under /users/ are the everyday tool)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from targa.core.models import ImportRun, Job, PersonalDataExport, User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "language", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (None, {"fields": ["phone", "language"]}),
    ]


# Roles come from province memberships; Django's groups are not used.
admin.site.unregister(Group)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Background jobs, to see what runs and what failed; they are made by the app only."""

    list_display = ["label", "owner", "state", "progress", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["owner"]
    search_fields = ["label", "owner__username"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Spreadsheets uploaded to be imported, with their preview and result; made by the app."""

    list_display = ["filename", "kind", "scope_code", "owner", "state", "created_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["owner"]
    search_fields = ["filename", "owner__username", "scope_code"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PersonalDataExport)
class PersonalDataExportAdmin(admin.ModelAdmin):
    """Who exported personal data, when, and which rows (law 09-08); kept, never edited."""

    list_display = ["at", "user", "model", "scope_code", "n_rows", "file_format"]
    list_filter = ["model", "scope_code"]
    list_select_related = ["user"]
    search_fields = ["user__username", "path"]
    readonly_fields = [f.name for f in PersonalDataExport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
