"""Django admin for users (the in-app pages under /users/ are the everyday tool)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from targa.core.models import User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "language", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (None, {"fields": ["phone", "language"]}),
    ]


# Roles come from province memberships; Django's groups are not used.
admin.site.unregister(Group)
