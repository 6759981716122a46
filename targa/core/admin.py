"""Django admin for users (the in-app pages under /users/ are the everyday tool)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from targa.core.models import Job, User


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
