from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from tamyr.accounts.models import MachineToken, NetworkCoordinator, OrganizationRole, User


class OrganizationRoleInline(admin.TabularInline):
    model = OrganizationRole
    extra = 0
    autocomplete_fields = ["organization"]


class NetworkCoordinatorInline(admin.TabularInline):
    model = NetworkCoordinator
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [OrganizationRoleInline, NetworkCoordinatorInline]
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Tamyr", {"fields": ("preferred_language",)}))  # type: ignore[misc]


@admin.register(OrganizationRole)
class OrganizationRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "granted_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user", "organization"]


@admin.register(NetworkCoordinator)
class NetworkCoordinatorAdmin(admin.ModelAdmin):
    list_display = ["user", "network", "granted_at"]
    autocomplete_fields = ["user"]


@admin.register(MachineToken)
class MachineTokenAdmin(admin.ModelAdmin):
    """Tokens an operator vouched for: their owners' staff roles work through the API without a second factor."""

    list_display = ["token", "created_by", "created_at", "note"]
    raw_id_fields = ["token", "created_by"]
    readonly_fields = ["created_at"]
