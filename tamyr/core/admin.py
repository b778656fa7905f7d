from typing import Any

from django.contrib import admin
from django.db import models

from tamyr.core.models import AuditEntry


class StoredFilesReadOnly:
    """For admins of models with file fields: the admin shows what is stored but takes no upload, since uploads go
    through the pages, whose upload service checks the content and re-encodes images (tamyr.core.uploads)."""

    model: type[models.Model]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        declared = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        files = [f.name for f in self.model._meta.fields if isinstance(f, models.FileField) and f.name not in declared]
        return [*declared, *files]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_label"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "action", "target_label", "target_id"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
