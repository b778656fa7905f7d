"""Calls and the applications made to them: the core records that applying, review and selection share.

Why one small core: applying (the applicant's side), review and selection (the committee's side) and financing are
built on these three tables; each side adds its own tables that point here, and nobody else changes these.
"""

from __future__ import annotations

import secrets
import zoneinfo

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tamyr.core.i18n import translate
from tamyr.core.models import TimeStampedModel
from tamyr.core.questions import QuestionBase
from tamyr.core.uploads import RandomName, private_storage
from tamyr.events.models import validate_time_zone
from tamyr.registry.models import Country, Network, Organization, Person


class CallKind(models.TextChoices):
    SCHOLARSHIP = "scholarship", _("Scholarship")
    YOUTH_PROGRAMME = "youth_programme", _("Youth programme")
    FELLOWSHIP = "fellowship", _("Fellowship")
    FINANCING = "financing", _("Financing of projects")
    PARTICIPANTS = "participants", _("Call for participants")


class CallStatus(models.TextChoices):
    """Whether a call is open is decided by its dates; the status says only whether it is shown at all."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Call(TimeStampedModel):
    slug = models.SlugField(max_length=140, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=CallKind.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CallStatus.choices, default=CallStatus.DRAFT, db_index=True
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="calls"
    )
    network = models.ForeignKey(
        Network, verbose_name=_("network"), null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    description = models.JSONField(_("description"), default=dict, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"), db_index=True)
    # places and money
    places = models.PositiveIntegerField(_("places"), null=True, blank=True, help_text=_("Empty: no limit."))
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217, e.g. USD."))
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    award_min = models.DecimalField(_("smallest award"), max_digits=14, decimal_places=2, null=True, blank=True)
    award_max = models.DecimalField(_("largest award"), max_digits=14, decimal_places=2, null=True, blank=True)
    # eligibility; empty means no condition
    residence_countries = models.ManyToManyField(
        Country, verbose_name=_("countries of residence"), blank=True, related_name="calls_by_residence"
    )
    citizenships = models.ManyToManyField(
        Country, verbose_name=_("citizenships"), blank=True, related_name="calls_by_citizenship"
    )
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    age_on = models.DateField(
        _("age counted on"), null=True, blank=True, help_text=_("Empty: the day the call closes.")
    )
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_('Languages with the lowest CEFR level, e.g. [{"language": "hu", "level": "B1"}].'),
    )
    heritage_asked = models.BooleanField(
        _("asks for heritage"),
        default=False,
        help_text=_("Heritage counts only for applicants who gave their explicit consent for it."),
    )

    class Meta:
        ordering = ["-closes_at", "slug"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True) | Q(age_max__isnull=True) | Q(age_max__gte=F("age_min")),
                name="call_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return translate(self.title) or self.slug

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.status == CallStatus.PUBLISHED and self.opens_at <= now < self.closes_at

    def get_absolute_url(self) -> str:
        return reverse("calls:call_detail", kwargs={"slug": self.slug})


class QuotaGroup(models.Model):
    """Places set aside for one group of applicants: a country, a member state, a study level, a university.

    An applicant belongs to a group by their country of residence (when the group lists countries) or by their
    choice on the form; selection never accepts more than `places` in a group.
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="quota_groups")
    key = models.SlugField(max_length=80)
    name = models.JSONField(_("name"), default=dict)
    places = models.PositiveIntegerField(_("places"))
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), blank=True, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "order", "id"]
        verbose_name = _("quota group")
        verbose_name_plural = _("quota groups")
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="one_quota_group_per_key")]

    def __str__(self) -> str:
        return translate(self.name) or self.key


class RequiredDocument(models.Model):
    """A document every application must carry, e.g. a transcript (PDF, up to 5 MB)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_documents")
    key = models.SlugField(max_length=80)
    name = models.JSONField(_("name"), default=dict)
    formats = models.JSONField(_("formats"), default=list, help_text=_('Upload policy kinds, e.g. ["pdf", "image"].'))
    max_megabytes = models.PositiveSmallIntegerField(
        _("largest size (MB)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    required = models.BooleanField(_("required"), default=True)
    from_referee = models.BooleanField(
        _("written by a referee"), default=False, help_text=_("Uploaded by a referee through a one-time link.")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="one_required_document_per_key")]

    def __str__(self) -> str:
        return translate(self.name) or self.key


class Question(QuestionBase):
    """A question of the call's application form (the engine is `core.questions`, shared with events).

    Files are not asked as questions on a call: a file is a `RequiredDocument`, with its own formats and size."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")

    class Meta:
        ordering = ["call", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")


class ApplicationStatus(models.TextChoices):
    """The applicant's side; the committee's outcome (ranked, offered, accepted …) lives in selection's tables."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def _new_code() -> str:
    return secrets.token_hex(4).upper()


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Application(TimeStampedModel):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    code = models.CharField(_("code"), max_length=12, unique=True, default=_new_code)
    person = models.ForeignKey(
        Person, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="applications"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("applying organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text=_("For financing calls: the organization that applies; the person is its contact."),
    )
    partners = models.ManyToManyField(
        Organization, verbose_name=_("partner organizations"), blank=True, related_name="partner_applications"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True
    )
    quota_group = models.ForeignKey(
        QuotaGroup, verbose_name=_("quota group"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    amount_requested = models.DecimalField(
        _("amount requested"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    budget_lines = models.JSONField(
        _("budget"), default=list, blank=True, help_text=_('Lines of the budget table: [{"item": …, "amount": …}].')
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["call", "-submitted_at", "id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            # one application per person and call (organizations: one per organization and call)
            models.UniqueConstraint(
                fields=["call", "person"], condition=Q(organization__isnull=True), name="one_application_per_person"
            ),
            models.UniqueConstraint(
                fields=["call", "organization"],
                condition=Q(organization__isnull=False),
                name="one_application_per_organization",
            ),
        ]
        indexes = [models.Index(fields=["call", "status"], name="calls_application_call_status")]

    def __str__(self) -> str:
        return f"{self.code} — {self.call.slug}"


class ApplicationDocument(models.Model):
    """One required document of an application, stored privately (served by `core.files` after asking `can()`).

    A referee's letter arrives here too, through `RefereeRequest`; the applicant never sees its content."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(RequiredDocument, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=RandomName("calls/documents"), storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    from_referee = models.BooleanField(_("from a referee"), default=False)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["application", "document__order", "id"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        constraints = [
            models.UniqueConstraint(fields=["application", "document"], name="one_file_per_required_document")
        ]

    def __str__(self) -> str:
        return self.original_name or str(self.document)


class RefereeRequest(TimeStampedModel):
    """A referee asked for a letter: they upload it once, through a signed link, without an account.

    The link carries `token` signed with the site's key (`services.referee_link`); `used_at` makes it single-use."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="referee_requests")
    document = models.ForeignKey(RequiredDocument, on_delete=models.PROTECT, related_name="+")
    referee_name = models.CharField(_("referee's name"), max_length=200)
    referee_email = models.EmailField(_("referee's e-mail"))
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    used_at = models.DateTimeField(_("letter uploaded"), null=True, blank=True)

    class Meta:
        ordering = ["application", "created_at", "id"]
        verbose_name = _("referee request")
        verbose_name_plural = _("referee requests")

    def __str__(self) -> str:
        return f"{self.referee_name} — {self.application.code}"


# --- review and selection ---
# The committee's side: who reviews (a call's reviewer pool, conflicts, assignments), how (phases, score categories,
# reviews) and what follows (the ranking's outcomes, offers, reserve lists, awards). Services: review.py,
# assignment.py (the solver), selection.py.


class CallReviewer(models.Model):
    """A person in a call's reviewer pool. Reviewers are people in the registry, so that conflicts can be found
    from their affiliations, family and place; they sign in with the account their record is linked to."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="reviewers")
    person = models.ForeignKey(
        Person, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="call_reviewer_seats"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call", "person"]
        verbose_name = _("reviewer of a call")
        verbose_name_plural = _("reviewers of calls")
        constraints = [models.UniqueConstraint(fields=["call", "person"], name="one_seat_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.person} — {self.call.slug}"


class OthersScores(models.TextChoices):
    NEVER = "never", _("Never")
    AFTER_OWN = "after_own", _("After submitting one's own review")
    ALWAYS = "always", _("Always")


class ReviewPhase(models.Model):
    """A period with its rights, as pretalx has them; the phase whose dates include now is the one in force."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="review_phases")
    name = models.JSONField(_("name"), default=dict)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    can_review = models.BooleanField(_("reviewers may write reviews"), default=True)
    sees_all = models.BooleanField(
        _("reviewers see every application"), default=False, help_text=_("Otherwise only those assigned to them.")
    )
    others_scores = models.CharField(
        _("others' scores visible"), max_length=12, choices=OthersScores.choices, default=OthersScores.AFTER_OWN
    )
    blind = models.BooleanField(_("blind review"), default=True, help_text=_("Hide the applicant's identity."))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "starts_at", "order"]
        verbose_name = _("review phase")
        verbose_name_plural = _("review phases")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="review_phase_ends_after_start")
        ]

    def __str__(self) -> str:
        return translate(self.name) or f"{self.call.slug} #{self.order}"


class ScoreCategory(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="score_categories")
    key = models.SlugField(max_length=80)
    name = models.JSONField(_("name"), default=dict)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    required = models.BooleanField(_("required"), default=True)
    min_value = models.SmallIntegerField(_("lowest score"), default=0)
    max_value = models.SmallIntegerField(_("highest score"), default=10)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "order", "id"]
        verbose_name = _("score category")
        verbose_name_plural = _("score categories")
        constraints = [
            models.UniqueConstraint(fields=["call", "key"], name="one_score_category_per_key"),
            models.CheckConstraint(condition=Q(max_value__gt=F("min_value")), name="score_category_range"),
        ]

    def __str__(self) -> str:
        return translate(self.name) or self.key


class ConflictSource(models.TextChoices):
    DECLARED = "declared", _("Declared by the reviewer")
    MANAGER = "manager", _("Recorded by a call manager")
    ORGANIZATION = "organization", _("Same organization")
    OWN_APPLICATION = "own_application", _("The reviewer's own application")
    CO_APPLICANT = "co_applicant", _("Co-applicant")
    FAMILY_AND_PLACE = "family_and_place", _("Same family name and place")


class Conflict(models.Model):
    """A reviewer who must never see an application. Found by `review.conflicts_detect` or declared."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="review_conflicts")
    source = models.CharField(_("source"), max_length=20, choices=ConflictSource.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "reviewer", "source"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer", "source"], name="one_conflict_per_source")
        ]
        indexes = [models.Index(fields=["reviewer", "application"], name="calls_conflict_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer} × {self.application.code}"


class ReviewAssignment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="review_assignments")
    reviewer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="review_assignments")
    match = models.FloatField(_("expertise match"), default=0)
    by_manager = models.BooleanField(
        _("set by a manager"), default=False, help_text=_("Kept when the solver assigns again.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "reviewer"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_assignment_per_pair")]
        indexes = [models.Index(fields=["reviewer", "application"], name="calls_assignment_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application.code}"


class Review(TimeStampedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reviews")
    total = models.DecimalField(
        _("total"), max_digits=6, decimal_places=2, null=True, blank=True, help_text=_("Weighted, 0 to 100.")
    )
    committee_comment = models.TextField(_("comment for the committee"), blank=True)
    applicant_comment = models.TextField(_("comment for the applicant"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["application", "reviewer"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_pair")]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.application.code}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    category = models.ForeignKey(ScoreCategory, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(_("score"))

    class Meta:
        ordering = ["review", "category"]
        constraints = [models.UniqueConstraint(fields=["review", "category"], name="one_score_per_category")]

    def __str__(self) -> str:
        return f"{self.category.key}={self.value}"


class RankingMethod(models.TextChoices):
    MEAN = "mean", _("Weighted mean of the reviews")
    MEDIAN = "median", _("Median of the reviews")


class Selection(models.Model):
    """How a call's committee ranks and offers; one per call, made when it first ranks."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="selection")
    method = models.CharField(_("ranking"), max_length=8, choices=RankingMethod.choices, default=RankingMethod.MEAN)
    offer_days = models.PositiveSmallIntegerField(
        _("days to answer an offer"), default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    ranked_at = models.DateTimeField(null=True, blank=True)
    committed = models.DecimalField(
        _("committed"), max_digits=14, decimal_places=2, default=0,
        help_text=_("Money held by awards whose outcome holds a place; kept with the selection row locked."),
    )  # fmt: skip
    offers_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("selection")
        verbose_name_plural = _("selections")

    def __str__(self) -> str:
        return self.call.slug


class OutcomeStatus(models.TextChoices):
    SELECTED = "selected", _("Selected, offer not yet sent")
    RESERVE = "reserve", _("On the reserve list")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Offer expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


HOLDS_PLACE = (OutcomeStatus.SELECTED, OutcomeStatus.OFFERED, OutcomeStatus.ACCEPTED)


class Outcome(TimeStampedModel):
    """Where the ranking put one application. A place is held while SELECTED, OFFERED or ACCEPTED; no group ever
    holds more than its places (selection.py locks the group row for every change)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="outcome")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="outcomes")
    quota_group = models.ForeignKey(
        QuotaGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes"
    )
    rank = models.PositiveIntegerField(_("rank"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    status = models.CharField(_("status"), max_length=12, choices=OutcomeStatus.choices, db_index=True)
    reserve_position = models.PositiveIntegerField(_("place on the reserve list"), null=True, blank=True)
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    respond_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["call", "rank"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        indexes = [
            models.Index(fields=["call", "quota_group", "status", "reserve_position"], name="calls_outcome_pool"),
            models.Index(fields=["status", "respond_by"], name="calls_outcome_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.application.code}: {self.status}"


class AwardStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Award(TimeStampedModel):
    """Money granted to a financing application; committed while its outcome holds a place, paid out in tranches
    (financing.py)."""

    outcome = models.OneToOneField(Outcome, on_delete=models.CASCADE, related_name="award")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=12, choices=AwardStatus.choices, default=AwardStatus.ACTIVE, db_index=True
    )

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


# --- financing ---
# An award is paid out in tranches on a schedule, and the applying organization reports on its use; financing.py
# holds the services, and the fund's figures are summed from these rows alone.


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DISBURSED = "disbursed", _("Disbursed")


class Tranche(models.Model):
    """One payment of an award. The tranches of an award never add up to more than the award (financing.py locks
    the award row to check it)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="tranches")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=TrancheStatus.choices, default=TrancheStatus.PLANNED, db_index=True
    )
    disbursed_at = models.DateTimeField(_("disbursed"), null=True, blank=True)
    disbursed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("disbursed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["award", "due_on", "id"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive")]

    def __str__(self) -> str:
        return f"{self.amount} {self.award.currency} — {self.due_on}"


class ReportStatus(models.TextChoices):
    DUE = "due", _("Due")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class AwardReport(models.Model):
    """A report the applying organization owes: on a tranche, or on a date. Its file is private (core.files)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="reports")
    tranche = models.ForeignKey(
        Tranche, verbose_name=_("tranche"), null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DUE, db_index=True
    )
    file = models.FileField(upload_to=RandomName("calls/reports"), storage=private_storage, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(
        _("comment"), blank=True, help_text=_("From the call's managers to the award holder: what to change.")
    )

    class Meta:
        ordering = ["award", "due_on", "id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.award} — {self.due_on}"


# --- host pairing ---
# A call for visiting scholars (the Otandas Scholars Forum) pairs each accepted scholar with a local host; the
# matcher proposes the pairs (hosting.py), the call's managers override and confirm them, the scholar sees theirs.


class HostPairStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")


class HostPair(models.Model):
    """One visiting scholar and their host in a call: one host per scholar and one scholar per host."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="host_pairs")
    visitor = models.ForeignKey(Person, verbose_name=_("visiting scholar"), on_delete=models.PROTECT, related_name="+")
    host = models.ForeignKey(Person, verbose_name=_("host"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("match"), max_digits=5, decimal_places=4, default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=HostPairStatus.choices, default=HostPairStatus.PROPOSED, db_index=True
    )
    by_manager = models.BooleanField(_("set by a manager"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["call", "visitor_id"]
        verbose_name = _("host pair")
        verbose_name_plural = _("host pairs")
        constraints = [
            models.UniqueConstraint(fields=["call", "visitor"], name="one_host_per_visitor"),
            models.UniqueConstraint(fields=["call", "host"], name="one_visitor_per_host"),
        ]

    def __str__(self) -> str:
        return f"{self.visitor} — {self.host}"
