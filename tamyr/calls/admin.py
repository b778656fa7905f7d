from django.contrib import admin

from tamyr.calls.models import Application, ApplicationDocument, Call, Question, QuotaGroup, RequiredDocument


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class QuotaGroupInline(admin.TabularInline):
    model = QuotaGroup
    extra = 0
    filter_horizontal = ["countries"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["slug", "kind", "status", "organization", "opens_at", "closes_at"]
    list_filter = ["kind", "status"]
    search_fields = ["slug"]
    filter_horizontal = ["residence_countries", "citizenships"]
    inlines = [QuestionInline, RequiredDocumentInline, QuotaGroupInline]


class ApplicationDocumentInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    fields = ["document", "original_name", "size", "from_referee", "uploaded_at"]
    readonly_fields = ["document", "original_name", "size", "from_referee", "uploaded_at"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "call", "person", "organization", "status", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["code", "person__display_name"]
    raw_id_fields = ["person", "organization"]
    filter_horizontal = ["partners"]
    inlines = [ApplicationDocumentInline]
