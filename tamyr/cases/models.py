"""Return and resettlement cases (and consular requests): who is in a case, where it stands, what is to be done,
what happened, who else was asked to help, and what a supervisor approved. See README.md and decision 0035."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tamyr.core.models import TimeStampedModel
from tamyr.core.uploads import RandomName, private_storage
from tamyr.registry.models import ConsentMethod, Country, Organization, Person


class CaseType(models.TextChoices):
    RETURN = "return", _("Return and resettlement")
    CONSULAR = "consular", _("Consular request")


class CaseStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested by the compatriot")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Case(TimeStampedModel):
    """One family's (or one person's) way home. `version` grows by one with every write: each service takes the
    version its writer saw and refuses the write when it moved (decision 0035), so no edit is silently lost."""

    reference = models.CharField(
        _("reference"), max_length=40, unique=True, null=True, blank=True, help_text=_("A stable key, e.g. DEMO-MN-1.")
    )
    case_type = models.CharField(_("type"), max_length=16, choices=CaseType.choices, default=CaseType.RETURN)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    owner = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="cases", verbose_name=_("owner"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("case worker"),
    )
    stage = models.CharField(_("stage"), max_length=16, default="intake")
    stage_started_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    stage_due_at = models.DateTimeField(_("stage due"), null=True, blank=True)
    origin_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("coming from")
    )
    region = models.CharField(_("region in Kazakhstan"), max_length=120, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    plan = models.TextField(_("case plan"), blank=True)
    plan_approved_at = models.DateTimeField(_("plan approved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["stage_due_at", "pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["owner", "status", "stage_due_at"], name="case_owner_due"),
            models.Index(fields=["worker", "status", "stage_due_at"], name="case_worker_due"),
            # the worker's list of active cases, in its order (two statuses: the indexes above cannot give it)
            models.Index(
                fields=["owner", "stage_due_at", "id"],
                name="case_owner_active_due",
                condition=models.Q(status__in=["requested", "open"]),
            ),
            models.Index(
                fields=["worker", "stage_due_at", "id"],
                name="case_worker_active_due",
                condition=models.Q(status__in=["requested", "open"]),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return (
            self.status != CaseStatus.CLOSED
            and self.stage_due_at is not None
            and self.stage_due_at < (now or timezone.now())
        )


class Relationship(models.TextChoices):
    """A member's relationship to the head of the household, as the page says it in the reader's language ("his
    wife"); a value written before these existed is shown as it was written."""

    WIFE = "wife", pgettext_lazy("relationship to the head of the household", "wife")
    HUSBAND = "husband", pgettext_lazy("relationship to the head of the household", "husband")
    SON = "son", pgettext_lazy("relationship to the head of the household", "son")
    DAUGHTER = "daughter", pgettext_lazy("relationship to the head of the household", "daughter")
    MOTHER = "mother", pgettext_lazy("relationship to the head of the household", "mother")
    FATHER = "father", pgettext_lazy("relationship to the head of the household", "father")
    BROTHER = "brother", pgettext_lazy("relationship to the head of the household", "brother")
    SISTER = "sister", pgettext_lazy("relationship to the head of the household", "sister")
    GRANDCHILD = "grandchild", pgettext_lazy("relationship to the head of the household", "grandchild")
    OTHER = "other", pgettext_lazy("relationship to the head of the household", "other relative")


class CaseMember(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_memberships")
    is_head = models.BooleanField(_("head of the household"), default=False)
    relationship = models.CharField(_("relationship"), max_length=60, blank=True, choices=Relationship.choices)

    class Meta:
        ordering = ["-is_head", "pk"]
        verbose_name = _("case member")
        verbose_name_plural = _("case members")
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="case_member_once"),
            models.UniqueConstraint(fields=["case"], condition=models.Q(is_head=True), name="case_one_head"),
        ]

    def __str__(self) -> str:
        return self.person.display_name


class CaseStage(models.Model):
    """One stage of one case, copied from its type's template when the case opened."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stages")
    code = models.CharField(max_length=16)
    position = models.PositiveSmallIntegerField()
    sla_days = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="case_stage_once")]

    def __str__(self) -> str:
        return self.code


class ChecklistItem(models.Model):
    stage = models.ForeignKey(CaseStage, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=32)
    position = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["stage", "position"]
        constraints = [models.UniqueConstraint(fields=["stage", "code"], name="checklist_item_once")]


class CaseTask(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_tasks",
        verbose_name=_("assigned to"),
    )
    for_family = models.BooleanField(
        _("the family is asked to do it"),
        default=False,
        help_text=_("Shown to the family on their own page (its title and due date, nothing else of the case)."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done_at", "due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.done_at is None and self.due_on is not None and self.due_on < (today or timezone.localdate())


class EventKind(models.TextChoices):
    CREATED = "created", _("Case opened")
    REQUESTED = "requested", _("Request sent by the compatriot")
    ACCEPTED = "accepted", _("Request taken on")
    MEMBER_ADDED = "member_added", _("Member added")
    STAGE_MOVED = "stage_moved", _("Stage moved")
    CHECKLIST = "checklist", _("Checklist item done")
    TASK_ADDED = "task_added", _("Task added")
    TASK_DONE = "task_done", _("Task done")
    NOTE_ADDED = "note_added", _("Note added")
    DOCUMENT_ADDED = "document_added", _("Document added")
    DOCUMENT_DELETED = "document_deleted", _("Document deleted")
    ASSIGNED = "assigned", _("Case worker assigned")
    PLAN_CHANGED = "plan_changed", _("Case plan changed")
    APPROVAL_REQUESTED = "approval_requested", _("Approval requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Approval refused")
    REFERRED = "referred", _("Referred")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    REFERRAL_REJECTED = "referral_rejected", _("Referral rejected")
    REFERRAL_DONE = "referral_done", _("Referral carried out")
    TRANSFERRED = "transferred", _("Case transferred")
    CLOSED = "closed", _("Case closed")
    ANONYMISED = "anonymised", _("Case anonymised")
    READ = "read", _("Case read")


class CaseEvent(models.Model):
    """The timeline: one row per thing that happened, with the case version the write produced (so a writer whose
    version is stale is shown exactly the events since theirs)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["case", "-at"], name="case_event_timeline"),
            # the timeline a page shows leaves out the reads, which pile up with every visit (selectors.timeline)
            models.Index(fields=["case", "-at", "-id"], name="case_event_story", condition=~models.Q(kind="read")),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Visibility(models.TextChoices):
    WORKER = "worker", _("Case worker and supervisors only")
    ORGANIZATION = "organization", _("The organization")
    PARTNERS = "partners", _("Also referral partners")


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    visibility = models.CharField(
        _("who may read it"), max_length=16, choices=Visibility.choices, default=Visibility.ORGANIZATION
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]


class DocumentType(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    BIRTH = "birth", _("Birth certificate")
    KANDAS = "kandas", _("Kandas certificate")
    DIPLOMA = "diploma", _("Diploma")
    OTHER = "other", _("Other document")


#: days a document of each type is kept after upload; the daily task deletes older ones (README, decision 0035)
RETENTION_DAYS: dict[str, int] = {"passport": 365, "birth": 365, "kandas": 730, "diploma": 730, "other": 180}


class CaseDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("type"), max_length=16, choices=DocumentType.choices)
    file = models.FileField(upload_to=RandomName("cases"), storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    visibility = models.CharField(
        _("who may read it"), max_length=16, choices=Visibility.choices, default=Visibility.ORGANIZATION
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    expires_on = models.DateField(_("kept until"), db_index=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]


class ApprovalKind(models.TextChoices):
    PLAN = "plan", _("Case plan")
    CLOSURE = "closure", _("Closure")


class ApprovalStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Refused")


class Approval(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("what"), max_length=16, choices=ApprovalKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.REQUESTED
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"], condition=models.Q(status="requested"), name="case_one_waiting_approval"
            )
        ]


class ReferralKind(models.TextChoices):
    REFERRAL = "referral", _("Referral of a service")
    TRANSFER = "transfer", _("Transfer of the case")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    IMPLEMENTED = "implemented", _("Carried out")


class Referral(models.Model):
    """Primero's referral (a service handed to a partner, the case stays) and transfer (the case changes owner once
    the receiving organization accepts). The partner sees only `shared_sections` of the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(max_length=16, choices=ReferralKind.choices, default=ReferralKind.REFERRAL)
    service = models.CharField(_("service"), max_length=16, blank=True)
    from_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    to_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="case_referrals", verbose_name=_("partner")
    )
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.PENDING)
    shared_sections = models.JSONField(default=list, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    implemented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["to_organization", "status"], name="referral_inbox")]


class SharingConsent(models.Model):
    """A person's consent that their case may be shared with one organization (the registry's `Consent` has no
    organization; decision 0035). Without an active one, no referral or transfer to that organization."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sharing_consents")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    method = models.CharField(_("how"), max_length=16, choices=ConsentMethod.choices)

    class Meta:
        ordering = ["person", "organization", "-given_at"]
        indexes = [models.Index(fields=["person", "organization"], name="sharing_consent_lookup")]
