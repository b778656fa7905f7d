from django.contrib import admin

from tamyr.core.admin import StoredFilesReadOnly
from tamyr.events.models import (
    Delegation,
    Event,
    Invitation,
    Photo,
    Question,
    Registration,
    RegistrationCategory,
    Session,
    SessionMaterial,
    SessionSpeaker,
    Venue,
)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "country", "time_zone"]
    search_fields = ["name", "city"]
    autocomplete_fields = ["country"]


class CategoryInline(admin.TabularInline):
    model = RegistrationCategory
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "kind", "starts_at", "ends_at", "venue", "room", "language"]
    autocomplete_fields = ["venue"]


@admin.register(Event)
class EventAdmin(StoredFilesReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["slug", "display_title", "kind", "status", "starts_at", "organizer", "capacity"]
    list_filter = ["kind", "status", "is_public"]
    search_fields = ["slug", "title"]
    autocomplete_fields = ["organizer", "venue", "co_organizers", "co_chairs"]
    date_hierarchy = "starts_at"
    inlines = [CategoryInline, QuestionInline, SessionInline]


class SpeakerInline(admin.TabularInline):
    model = SessionSpeaker
    extra = 0
    autocomplete_fields = ["person"]


class MaterialInline(StoredFilesReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = SessionMaterial
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "kind", "starts_at", "venue"]
    list_filter = ["kind"]
    search_fields = ["title", "event__slug"]
    inlines = [SpeakerInline, MaterialInline]
    autocomplete_fields = ["venue"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "head", "size_limit"]
    autocomplete_fields = ["country", "organization", "head"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-mostly: seats change only through the services (they lock and promote), never by editing here."""

    list_display = ["person", "event", "status", "category", "checked_in_at", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["person__display_name", "code"]
    readonly_fields = ["event", "person", "status", "code", "confirmed_at", "waitlisted_at", "cancelled_at",
                       "checked_in_at", "registered_by", "answers"]  # fmt: skip
    list_select_related = ["person", "event", "category"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "event", "delegation", "accepted_at"]
    search_fields = ["email"]


@admin.register(Photo)
class PhotoAdmin(StoredFilesReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "event", "order"]
    list_filter = ["event"]
