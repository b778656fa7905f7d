"""Django admin for learning. Course content can be edited here; enrollment, progress, attempts and certificates
are read-mostly: seats, completion and certificates change only through the services (they lock, promote from the
waiting list, re-evaluate completion and audit), never by editing a row here."""

from django.contrib import admin

from tamyr.core.admin import StoredFilesReadOnly
from tamyr.learning import models


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows the rows; nobody adds, changes or deletes them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CompletionRuleInline(admin.StackedInline):
    model = models.CompletionRule
    extra = 0
    max_num = 1


class LessonInline(admin.TabularInline):
    model = models.Lesson
    extra = 0
    fields = ["order", "title", "is_live", "video_url"]


class GroupInline(admin.TabularInline):
    model = models.CourseGroup
    extra = 0
    fields = ["name", "starts_on", "ends_on", "time_zone", "capacity", "self_enrollment"]
    show_change_link = True


@admin.register(models.Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["slug", "display_title", "format", "level", "language", "provider", "is_published"]
    list_filter = ["format", "level", "language", "is_published"]
    search_fields = ["slug", "title"]
    autocomplete_fields = ["provider", "teachers"]
    list_select_related = ["provider"]
    inlines = [CompletionRuleInline, GroupInline, LessonInline]


@admin.register(models.CompletionRule)
class CompletionRuleAdmin(admin.ModelAdmin):
    list_display = [
        "course",
        "min_attendance_percent",
        "min_lessons_done_percent",
        "requires_final_quiz",
        "issues_certificate",
    ]
    autocomplete_fields = ["course"]
    list_select_related = ["course"]


@admin.register(models.CourseGroup)
class CourseGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "course", "starts_on", "ends_on", "time_zone", "capacity", "self_enrollment"]
    list_filter = ["self_enrollment", "course__format"]
    search_fields = ["name", "course__slug"]
    autocomplete_fields = ["course", "teachers"]
    list_select_related = ["course"]


class MaterialInline(StoredFilesReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = models.LessonMaterial
    extra = 0


@admin.register(models.Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "course", "order", "is_live"]
    list_filter = ["is_live"]
    search_fields = ["title", "course__slug"]
    autocomplete_fields = ["course"]
    list_select_related = ["course"]
    inlines = [MaterialInline]


@admin.register(models.LessonMaterial)
class LessonMaterialAdmin(StoredFilesReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "lesson", "url", "file"]
    search_fields = ["title"]
    autocomplete_fields = ["lesson"]


class QuestionInline(admin.StackedInline):
    model = models.QuizQuestion
    extra = 0


@admin.register(models.Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["__str__", "course", "pass_mark", "is_final"]
    list_filter = ["is_final"]
    search_fields = ["title", "course__slug"]
    autocomplete_fields = ["course", "lesson"]
    list_select_related = ["course"]
    inlines = [QuestionInline]


@admin.register(models.QuizQuestion)
class QuizQuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "quiz", "kind", "order"]
    list_filter = ["kind"]
    search_fields = ["text"]
    autocomplete_fields = ["quiz"]


@admin.register(models.Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    """Read-mostly: status, progress and completion come from the services."""

    list_display = ["person", "group", "status", "progress_percent", "completed_at", "override", "created_at"]
    list_filter = ["status", "override", "group__course__format"]
    search_fields = ["person__display_name", "group__name", "group__course__slug"]
    list_select_related = ["person", "group", "group__course"]
    readonly_fields = [
        "person",
        "group",
        "status",
        "enrolled_by",
        "waitlisted_at",
        "completed_at",
        "progress_percent",
        "override",
        "override_reason",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.LessonProgress)
class LessonProgressAdmin(ReadOnlyAdmin):
    list_display = ["enrollment", "lesson", "attended", "done_at", "marked_by", "updated_at"]
    list_filter = ["attended"]
    search_fields = ["enrollment__person__display_name"]
    list_select_related = ["enrollment__person", "enrollment__group", "lesson", "marked_by"]


@admin.register(models.QuizAttempt)
class QuizAttemptAdmin(ReadOnlyAdmin):
    list_display = ["enrollment", "quiz", "score_percent", "passed", "submitted_at"]
    list_filter = ["passed"]
    search_fields = ["enrollment__person__display_name"]
    list_select_related = ["enrollment__person", "enrollment__group", "quiz"]


@admin.register(models.Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """Issued and revoked by the certificate services (they sign the credential and write the PDF)."""

    list_display = ["code", "holder_name", "course", "issuer", "issued_at", "revoked_at"]
    list_filter = ["revoked_at", "issuer"]
    search_fields = ["code", "holder_name", "person__display_name"]
    list_select_related = ["course", "issuer"]
    exclude = ["credential"]


@admin.register(models.IssuerKey)
class IssuerKeyAdmin(ReadOnlyAdmin):
    """The public part only; the encrypted private key is never shown."""

    list_display = ["organization", "public_key_multibase", "is_active", "created_at"]
    list_filter = ["is_active"]
    exclude = ["private_key_encrypted"]


if hasattr(models, "CertificateBatch"):

    @admin.register(models.CertificateBatch)
    class CertificateBatchAdmin(ReadOnlyAdmin):
        list_display = ["course", "status", "done", "total", "started_at", "finished_at"]
        list_filter = ["status"]
        list_select_related = ["course"]
