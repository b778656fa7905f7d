from django.contrib import admin

from tamyr.content.models import Entry
from tamyr.core.admin import StoredFilesReadOnly


@admin.register(Entry)
class EntryAdmin(StoredFilesReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-mostly: writes go through the editor (sanitiser, revisions, permissions)."""

    list_display = ("slug", "kind", "status", "published_at", "organization", "network")
    list_filter = ("kind", "status")
    search_fields = ("slug",)
    readonly_fields = ("title", "summary", "body", "edited_at", "cover")
