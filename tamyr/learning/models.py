"""Learning: language courses (live online groups, talk clubs, self-paced video), progress and certificates."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tamyr.core.i18n import translate
from tamyr.core.jobs import Job, JobStatus
from tamyr.core.models import TimeStampedModel
from tamyr.core.uploads import RandomName, private_storage
from tamyr.registry.models import Organization, Person


class CourseFormat(models.TextChoices):
    LIVE_GROUP = "live_group", _("Live online group")
    TALK_CLUB = "talk_club", _("Talk club")
    SELF_PACED = "self_paced", _("Self-paced video course")


class Level(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class Course(TimeStampedModel):
    slug = models.SlugField(max_length=140, unique=True)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    syllabus = models.JSONField(_("syllabus"), default=dict, blank=True)
    language = models.CharField(_("language taught"), max_length=8, default="kk", help_text=_("ISO 639 code."))
    level = models.CharField(_("level"), max_length=2, choices=Level.choices, blank=True)
    instruction_language = models.CharField(
        _("language of instruction"),
        max_length=8,
        blank=True,
        help_text=_("ISO 639 code of the language the teacher explains in, e.g. tr or ru; empty: the language taught."),
    )
    for_children = models.BooleanField(_("for children"), default=False)
    format = models.CharField(_("format"), max_length=16, choices=CourseFormat.choices, db_index=True)
    provider = models.ForeignKey(
        Organization, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="courses"
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("teachers"), blank=True, related_name="taught_courses"
    )
    is_published = models.BooleanField(_("published"), default=False, db_index=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return translate(self.title) or self.slug

    @property
    def display_description(self) -> str:
        return translate(self.description)

    def get_absolute_url(self) -> str:
        return reverse("learning:course_detail", kwargs={"slug": self.slug})


class CompletionRule(models.Model):
    """When an enrollment counts as completed; evaluated by `services.completion_evaluate` on every change."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="completion_rule")
    min_attendance_percent = models.PositiveSmallIntegerField(_("minimum attendance of live lessons (%)"), default=0)
    min_lessons_done_percent = models.PositiveSmallIntegerField(_("minimum self-paced lessons done (%)"), default=0)
    requires_final_quiz = models.BooleanField(_("final quiz must be passed"), default=False)
    issues_certificate = models.BooleanField(_("issue a certificate on completion"), default=True)

    class Meta:
        verbose_name = _("completion rule")
        verbose_name_plural = _("completion rules")

    def __str__(self) -> str:
        return str(self.course)


class CourseGroup(TimeStampedModel):
    """One run of a course: a live group or talk club with its schedule, or a self-paced cohort."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    schedule = models.JSONField(
        _("schedule"), default=dict, blank=True, help_text=_("When the group meets, per language.")
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Almaty")
    lessons_at = models.TimeField(
        _("lessons start at"), null=True, blank=True, help_text=_("Local time in the group's time zone.")
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty: no limit."))
    meeting_url = models.URLField(_("meeting link"), blank=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("teachers"), blank=True, related_name="taught_groups"
    )
    self_enrollment = models.BooleanField(_("open for self-enrollment"), default=True)

    class Meta:
        ordering = ["course", "starts_on", "id"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return f"{self.course} — {self.name}"


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.JSONField(_("title"), default=dict)
    body = models.JSONField(_("text"), default=dict, blank=True)
    video_url = models.URLField(_("video"), blank=True, help_text=_("YouTube or any video address."))
    is_live = models.BooleanField(_("live lesson"), default=False, help_text=_("Attendance is marked by the teacher."))

    class Meta:
        ordering = ["course", "order", "id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return translate(self.title)


class LessonMaterial(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=RandomName("learning/materials"), storage=private_storage, blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    COMPLETED = "completed", _("Completed")


class Enrollment(TimeStampedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrollments")
    group = models.ForeignKey(CourseGroup, on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(_("status"), max_length=16, choices=EnrollmentStatus.choices, db_index=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, db_index=True)
    progress_percent = models.PositiveSmallIntegerField(_("progress"), default=0)
    override = models.BooleanField(
        _("completion set by hand"),
        null=True,
        blank=True,
        help_text=_("True or False overrides the completion rule; empty follows it."),
    )
    override_reason = models.CharField(_("reason for the override"), max_length=300, blank=True)

    class Meta:
        ordering = ["group", "created_at", "id"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [models.UniqueConstraint(fields=["person", "group"], name="one_enrollment_per_group")]
        indexes = [models.Index(fields=["group", "status"])]

    def __str__(self) -> str:
        return f"{self.person} — {self.group}"


class LessonProgress(models.Model):
    """Attendance of a live lesson (marked by the teacher) or a self-paced lesson marked done by the learner."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    attended = models.BooleanField(_("present"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="one_progress_per_lesson")]


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class Quiz(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="quizzes")
    title = models.JSONField(_("title"), default=dict)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=60)
    is_final = models.BooleanField(_("final quiz"), default=False)

    class Meta:
        ordering = ["course", "id"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return translate(self.title)


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.JSONField(_("question"), default=dict)
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    choices = models.JSONField(_("choices"), default=list, help_text=_("A list of {lang: text} objects."))
    correct = models.JSONField(_("correct choices"), default=list, help_text=_("Indexes of the right choices."))

    class Meta:
        ordering = ["quiz", "order", "id"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")

    def __str__(self) -> str:
        return translate(self.text)


class QuizAttempt(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    answers = models.JSONField(default=dict)
    score_percent = models.PositiveSmallIntegerField(default=0)
    passed = models.BooleanField(default=False, db_index=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enrollment", "-submitted_at"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")


def certificate_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _index in range(12))


class Certificate(TimeStampedModel):
    code = models.CharField(_("code"), max_length=16, unique=True, default=certificate_code, editable=False)
    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="certificate")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="issued_certificates")
    holder_name = models.CharField(
        _("holder as shown"),
        max_length=200,
        help_text=_("The full name with the holder's consent to show it; otherwise initials."),
    )
    issued_at = models.DateTimeField(_("issued"), db_index=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    credential = models.JSONField(_("signed credential"), default=dict, blank=True)
    # Its bit in the issuer's revocation list, drawn at random when issued (`openbadges.allocate_status_indexes`):
    # the row id would tell anyone holding one certificate how many the platform has made. Certificates issued
    # before kept their row id here, which their signed credentials name. Empty only for rows made outside the
    # issuing service (tests).
    status_index = models.PositiveIntegerField(_("status list index"), null=True, blank=True, editable=False)
    pdf = models.FileField(upload_to=RandomName("certificates", generated=True), storage=private_storage, blank=True)

    class Meta:
        ordering = ["-issued_at", "id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "status_index"], name="learning_certificate_status_index_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.holder_name}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def get_absolute_url(self) -> str:
        return reverse("verify", kwargs={"code": self.code})


class AttendanceCredential(TimeStampedModel):
    """An Open Badges 3.0 credential for attending an event: issued by the event's organizer when the person is
    checked in (`attendance.attendance_credential_issue`). It shares the certificates' layer: the same signing key,
    the same code alphabet and `/verify/<code>/` page, the same credential address, and an index drawn from the
    same status list of the issuer, so revoking either flips a bit in one list."""

    code = models.CharField(_("code"), max_length=16, unique=True, default=certificate_code, editable=False)
    registration = models.OneToOneField(
        "events.Registration", on_delete=models.PROTECT, related_name="attendance_credential"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance_credentials")
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="attendance_credentials")
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="issued_attendance_credentials")
    holder_name = models.CharField(_("holder as shown"), max_length=200)
    issued_at = models.DateTimeField(_("issued"), db_index=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    credential = models.JSONField(_("signed credential"), default=dict, blank=True)
    status_index = models.PositiveIntegerField(_("status list index"), editable=False)

    class Meta:
        ordering = ["-issued_at", "id"]
        verbose_name = _("attendance credential")
        verbose_name_plural = _("attendance credentials")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "status_index"], name="learning_attendance_status_index_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.holder_name}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def get_absolute_url(self) -> str:
        return reverse("verify", kwargs={"code": self.code})


class IssuerKey(TimeStampedModel):
    """An organization's Ed25519 signing key. The private key is stored encrypted with a key derived from
    the secret settings (`core.crypto`), never in clear text."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="signing_keys")
    public_key_multibase = models.CharField(max_length=100, unique=True)
    private_key_encrypted = models.BinaryField(editable=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organization", "-created_at"]
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")

    def __str__(self) -> str:
        return f"{self.organization} {self.public_key_multibase[:16]}…"


CertificateBatchStatus = JobStatus


class CertificateBatch(Job):
    """One run of the batch job that issues a course's missing certificates: a resumable job (`tamyr.core.jobs`).
    Each chunk of certificates is committed on its own and counted here, so the staff page shows progress; a
    worker that stops hands the batch back and the next one continues with the completed enrollments that still
    have no certificate."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="certificate_batches")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total = models.PositiveIntegerField(_("certificates to issue"), default=0)
    done = models.PositiveIntegerField(_("certificates issued"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")

    def __str__(self) -> str:
        return f"{self.course} {self.done}/{self.total} ({self.status})"
