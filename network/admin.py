from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import models


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name")}),
        ("Rechte", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class RoleInline(admin.TabularInline):
    model = models.Role
    extra = 0


@admin.register(models.Network)
class NetworkAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "started_on", "moderating_organisation"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoleInline]


@admin.register(models.Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "ags", "population", "parent"]
    search_fields = ["name", "ags"]


for model in (
    models.Membership,
    models.Department,
    models.Role,
    models.Meeting,
    models.Document,
    models.ActionItem,
    models.Invitation,
    models.MembershipRequest,
    models.FundingProgramme,
):
    admin.site.register(model, SimpleHistoryAdmin)


@admin.register(models.EmailChange)
class EmailChangeAdmin(admin.ModelAdmin):
    list_display = ["user", "old_email", "new_email", "created_at", "confirmed_at"]
    search_fields = ["old_email", "new_email"]
    exclude = ["token_hash"]


@admin.register(models.Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "network", "membership", "status", "requested_at"]
    list_filter = ["status", "kind"]
