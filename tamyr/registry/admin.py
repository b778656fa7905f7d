from django.contrib import admin

from tamyr.core.admin import StoredFilesReadOnly
from tamyr.registry.models import (
    Affiliation,
    Consent,
    Country,
    ExpertiseField,
    NameVariant,
    Network,
    NetworkMembership,
    Organization,
    Person,
    SpokenLanguage,
)


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "alpha3", "name"]
    search_fields = ["code", "alpha3", "names"]


@admin.register(ExpertiseField)
class ExpertiseFieldAdmin(admin.ModelAdmin):
    """Read only: the classification is data shipped with the code (docs/decisions/0016)."""

    list_display = ["code", "display_name", "parent"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Organization)
class OrganizationAdmin(StoredFilesReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["slug", "display_name", "kind", "country", "city", "is_active"]
    list_filter = ["kind", "is_active", "country"]
    search_fields = ["slug", "short_name", "name", "city"]
    autocomplete_fields = ["country", "parent"]
    filter_horizontal = ["expertise_fields"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["slug", "display_name"]
    search_fields = ["slug", "name"]
    inlines = [NetworkMembershipInline]


class NameVariantInline(admin.TabularInline):
    model = NameVariant
    extra = 1
    fields = ["text", "script", "language"]


class SpokenLanguageInline(admin.TabularInline):
    model = SpokenLanguage
    extra = 0


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["organization"]


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["display_name", "residence_country", "birth_year", "registered_by", "erased_at"]
    list_filter = ["residence_country", "gender", "registered_by"]
    search_fields = ["display_name", "name_variants__text", "email"]
    autocomplete_fields = ["residence_country", "registered_by", "user"]
    filter_horizontal = ["citizenships", "expertise_fields"]
    inlines = [NameVariantInline, SpokenLanguageInline, AffiliationInline, ConsentInline]
    list_select_related = ["residence_country", "registered_by"]

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        from tamyr.registry.search import variant_keys, write_grams

        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            if isinstance(instance, NameVariant):
                keys = variant_keys(instance.text)
                instance.key, instance.sorted_key, instance.blocking = keys.key, keys.sorted_key, keys.blocking
                instance.save()
                instance.grams.all().delete()
                write_grams([instance])
            else:
                instance.save()
        formset.save_m2m()

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from tamyr.core import audit

        super().save_model(request, obj, form, change)
        audit.record(request.user, "registry.person_changed" if change else "registry.person_created", obj, via="admin")


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(admin.ModelAdmin):
    list_display = ["network", "organization", "role", "since", "until"]
    list_filter = ["network", "role"]
    autocomplete_fields = ["organization"]
