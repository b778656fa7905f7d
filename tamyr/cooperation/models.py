"""The joint action plan: plans, their versions and sign-offs, directions, measures, indicators and their values.

Content is live rows (directions, measures, indicators) that staff edit; a `PlanVersion` freezes that content
(`snapshot`) when it is put to the members, and what the members sign is the snapshot. An amendment is the live
content differing from the last adopted snapshot, put to the members as the next version.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tamyr.core.i18n import translate
from tamyr.core.jobs import Job
from tamyr.core.models import TimeStampedModel
from tamyr.core.uploads import RandomName, private_storage


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    CLOSED = "closed", _("Closed")


class AdoptionRule(models.TextChoices):
    ALL_MEMBERS_APPROVE = "all_members", _("Every member approves")


class Plan(TimeStampedModel):
    """A network's (or one organization's) plan for a period, e.g. the OTS Joint Action Plan for 2026."""

    slug = models.SlugField(max_length=140, unique=True)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    network = models.ForeignKey(
        "registry.Network", null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    organization = models.ForeignKey(
        "registry.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    adoption_rule = models.CharField(
        _("adoption rule"), max_length=16, choices=AdoptionRule.choices, default=AdoptionRule.ALL_MEMBERS_APPROVE
    )
    is_public = models.BooleanField(_("public"), default=False)
    iati_identifier = models.CharField(
        _("IATI identifier"),
        max_length=120,
        blank=True,
        help_text=_("e.g. XM-OTS-JAP-2026; made from the slug when empty."),
    )

    class Meta:
        ordering = ["-starts_on", "slug"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(network__isnull=False, organization__isnull=True)
                | Q(network__isnull=True, organization__isnull=False),
                name="plan_belongs_to_network_or_organization",
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="plan_period_in_order"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return translate(self.title) or self.slug

    def get_absolute_url(self) -> str:
        return reverse("cooperation:plan_detail", kwargs={"slug": self.slug})


class VersionStatus(models.TextChoices):
    SIGNING = "signing", _("Awaiting sign-off")
    ADOPTED = "adopted", _("Adopted")
    SUPERSEDED = "superseded", _("Superseded")
    REJECTED = "rejected", _("Not adopted")


class PlanVersion(TimeStampedModel):
    """The plan's content as put to the members: what they sign is `snapshot`, never the live rows."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.SIGNING)
    snapshot = models.JSONField(default=dict, editable=False)
    meeting = models.ForeignKey(
        "events.Event",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adopted_plan_versions",
    )
    note = models.TextField(_("what changes and why"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number"),
            models.UniqueConstraint(fields=["plan"], condition=Q(status="signing"), name="one_plan_version_in_signing"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    APPROVE_WITH_RESERVATION = "reservation", _("Approve with a reservation")
    OBJECT = "object", _("Object")


class SignOff(models.Model):
    """A member institution's decision on a version, given by a person holding a role there."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="signoffs")
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="plan_signoffs")
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    reservation = models.TextField(_("reservation or objection"), blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    signed_by_label = models.CharField(max_length=200, blank=True, help_text=_("Kept when the user is deleted."))
    signed_at = models.DateTimeField(_("signed"))

    class Meta:
        ordering = ["version", "signed_at"]
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        constraints = [models.UniqueConstraint(fields=["version", "organization"], name="one_signoff_per_member")]

    def __str__(self) -> str:
        return f"{self.organization} — {self.get_decision_display()} ({self.version})"


class PlanComment(models.Model):
    """A remark on a version by a member or an observer (observers comment, they do not sign)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="comments")
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(max_length=200, blank=True)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "created_at", "id"]
        verbose_name = _("comment on a plan")
        verbose_name_plural = _("comments on plans")


class Direction(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="directions")
    code = models.CharField(_("number"), max_length=16)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="one_direction_code_per_plan")]

    def __str__(self) -> str:
        return f"{self.code}. {self.display_title}"

    @property
    def display_title(self) -> str:
        return translate(self.title)


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DELAYED = "delayed", _("Delayed")
    CANCELLED = "cancelled", _("Cancelled")


class Measure(TimeStampedModel):
    """One thing the plan commits to, led by one organization with partners; its progress is computed from its
    indicators, or from its child measures weighted by `weight`, never typed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    direction = models.ForeignKey(Direction, on_delete=models.CASCADE, related_name="measures")
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("number"), max_length=16)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    lead = models.ForeignKey(
        "registry.Organization", verbose_name=_("lead"), on_delete=models.PROTECT, related_name="led_measures"
    )
    partners = models.ManyToManyField(
        "registry.Organization", verbose_name=_("partners"), blank=True, related_name="partner_measures"
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    budget_line = models.CharField(_("budget line"), max_length=200, blank=True)
    budget_amount = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217, e.g. EUR."))
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("How much this measure counts in its parent's progress.")
    )
    order = models.PositiveSmallIntegerField(default=0)
    events = models.ManyToManyField("events.Event", verbose_name=_("events"), blank=True, related_name="plan_measures")
    courses = models.ManyToManyField(
        "learning.Course", verbose_name=_("courses"), blank=True, related_name="plan_measures"
    )

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="one_measure_code_per_plan")]

    def __str__(self) -> str:
        return f"{self.code}. {self.display_title}"

    @property
    def display_title(self) -> str:
        return translate(self.title)

    def get_absolute_url(self) -> str:
        return reverse("cooperation:measure_detail", kwargs={"slug": self.plan.slug, "code": self.code})


class MeasureLink(models.Model):
    """Anything else that carries a measure out: a call for applications (until calls' models settle, by its
    address and kind), a report, a page."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        PROJECT = "project", _("Project")
        DOCUMENT = "document", _("Document")
        OTHER = "other", _("Other")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    url = models.CharField(_("address"), max_length=500, help_text=_("A path on this site (/calls/…) or a full URL."))

    class Meta:
        ordering = ["measure", "kind", "id"]
        verbose_name = _("link of a measure")
        verbose_name_plural = _("links of measures")


class IndicatorSource(models.TextChoices):
    COMPUTED = "computed", _("Computed from the platform's data")
    REPORTED = "reported", _("Reported by the lead organization")


class Indicator(TimeStampedModel):
    """IATI's result indicator: a unit, a baseline, and a target and an actual per period. A computed indicator
    names a query from `cooperation.queries.QUERIES` with its parameters; a reported one takes approved values."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="indicators")
    title = models.JSONField(_("title"), default=dict)
    unit = models.CharField(_("unit"), max_length=60, help_text=_("What is counted, e.g. people, courses, events."))
    ascending = models.BooleanField(_("more is better"), default=True)
    source = models.CharField(_("source"), max_length=16, choices=IndicatorSource.choices)
    query = models.CharField(_("query"), max_length=60, blank=True)
    params = models.JSONField(_("query parameters"), default=dict, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=Decimal(0))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["measure", "order", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(source="reported", query="") | Q(source="computed") & ~Q(query=""),
                name="computed_indicator_names_a_query",
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return translate(self.title)


class IndicatorPeriod(models.Model):
    """Target and actual for one period. `actual` is written only by the recomputation (computed indicators) or by
    a coordinator approving a reported value; `computed_at` is when the snapshot it was counted from began."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="periods")
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    #: A network-wide count of distinct people this period's number is kept by, row by row (`PeopleCount`).
    counter = models.ForeignKey("PeopleCount", null=True, blank=True, on_delete=models.SET_NULL, related_name="periods")

    class Meta:
        ordering = ["indicator", "starts_on"]
        verbose_name = _("indicator period")
        verbose_name_plural = _("indicator periods")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "starts_on"], name="one_indicator_period_start"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="indicator_period_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.starts_on}–{self.ends_on}"


class ValueStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Returned")


class ReportedValue(models.Model):
    """A value the lead organization reports for a period, with evidence; it counts once the coordinator approves."""

    period = models.ForeignKey(IndicatorPeriod, on_delete=models.CASCADE, related_name="reported_values")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    evidence_file = models.FileField(
        _("evidence (file)"), upload_to=RandomName("cooperation/evidence"), storage=private_storage, blank=True
    )
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_url = models.URLField(_("evidence (link)"), blank=True)
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("reported"))
    status = models.CharField(_("status"), max_length=16, choices=ValueStatus.choices, default=ValueStatus.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        ordering = ["period", "-reported_at", "-id"]
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.period}: {self.value} ({self.get_status_display()})"


# --- joint projects and practices -------------------------------------------------------------------------------------


class ProjectKind(models.TextChoices):
    CONCERT = "concert", _("Concert")
    FILM_WEEK = "film_week", _("Film week")
    MONUMENT = "monument", _("Monument")
    TOUR = "tour", _("Tour")
    EXHIBITION = "exhibition", _("Exhibition")
    EDUCATION = "education", _("Educational project")
    OTHER = "other", _("Other")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class JointProject(TimeStampedModel):
    """A cultural or educational project several organizations run together (the Vienna gala concert, a film week,
    a monument). The lead organization's admins and staff edit it; it may carry out a measure of a plan."""

    slug = models.SlugField(max_length=140, unique=True)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ProjectKind.choices, default=ProjectKind.OTHER)
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    lead = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="led_projects", verbose_name=_("lead")
    )
    network = models.ForeignKey(
        "registry.Network", null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    measure = models.ForeignKey(
        Measure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("plan measure"),
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    events = models.ManyToManyField("events.Event", blank=True, related_name="joint_projects")

    class Meta:
        ordering = ["-starts_on", "slug"]
        verbose_name = _("joint project")
        verbose_name_plural = _("joint projects")

    def __str__(self) -> str:
        return translate(self.title) or self.slug

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", kwargs={"slug": self.slug})


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Lead organizer")
    CO_ORGANIZER = "co_organizer", _("Co-organizer")
    PARTNER = "partner", _("Partner")
    SPONSOR = "sponsor", _("Sponsor")
    HOST = "host", _("Host")


class ProjectPartner(models.Model):
    """One organization's part in a project: its role and what it contributes (in the project's currency)."""

    project = models.ForeignKey(JointProject, on_delete=models.CASCADE, related_name="partners")
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=PartnerRole.choices, default=PartnerRole.PARTNER)
    role_note = models.CharField(_("what it does"), max_length=300, blank=True)
    contribution = models.DecimalField(_("contribution"), max_digits=14, decimal_places=2, null=True, blank=True)
    in_kind = models.CharField(_("contribution in kind"), max_length=300, blank=True)

    class Meta:
        ordering = ["project", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "organization"], name="project_partner_once")]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class MediaKind(models.TextChoices):
    PHOTO = "photo", _("Photos")
    VIDEO = "video", _("Video")
    ARTICLE = "article", _("Article")
    OTHER = "other", _("Other")


class ProjectMedia(models.Model):
    project = models.ForeignKey(JointProject, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(_("kind"), max_length=16, choices=MediaKind.choices, default=MediaKind.OTHER)
    title = models.CharField(_("title"), max_length=200, blank=True)
    url = models.URLField(_("link"))

    class Meta:
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return self.title or self.url


class PracticeTheme(models.TextChoices):
    CULTURE = "culture", _("Culture")
    EDUCATION = "education", _("Education")
    YOUTH = "youth", _("Youth")
    LANGUAGE = "language", _("Native language")
    MEDIA = "media", _("Media")
    NGO = "ngo", _("NGO cooperation")
    OTHER = "other", _("Other")


class PracticeStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Practice(TimeStampedModel):
    """A good practice an organization offers to the network; the network's coordinators accept it (then everyone
    reads it) or reject it with a reason. `search_text` is the Latin skeleton of every language's text, so a search
    typed in Cyrillic finds a practice written in Latin and the other way round."""

    slug = models.SlugField(max_length=140, unique=True)
    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    body = models.JSONField(_("description"), default=dict, blank=True)
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="practices")
    network = models.ForeignKey("registry.Network", on_delete=models.PROTECT, related_name="practices")
    direction = models.ForeignKey(Direction, null=True, blank=True, on_delete=models.SET_NULL, related_name="practices")
    country = models.ForeignKey(
        "registry.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    theme = models.CharField(_("theme"), max_length=16, choices=PracticeTheme.choices, default=PracticeTheme.OTHER)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PracticeStatus.choices, default=PracticeStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("reason"), blank=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["-created_at", "slug"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        indexes = [models.Index(fields=["status", "theme"])]

    def __str__(self) -> str:
        return translate(self.title) or self.slug

    def get_absolute_url(self) -> str:
        return reverse("practices:practice_detail", kwargs={"slug": self.slug})


class LearnStatus(models.TextChoices):
    OPEN = "open", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class LearnRequest(models.Model):
    """An organization asks the practice's owner to share it (a visit, materials, a call); the owner answers."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="learn_requests")
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    message = models.TextField(_("message"))
    requested_at = models.DateTimeField()
    status = models.CharField(_("status"), max_length=16, choices=LearnStatus.choices, default=LearnStatus.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "organization"], condition=Q(status="open"), name="learn_request_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.practice}"


class PeopleCount(models.Model):
    """A count of distinct people over many events (a network-wide indicator's period), kept row by row so that one
    registration changes it by one instead of a recount of the network's every registration
    (docs/decisions/0030-network-wide-counts-row-by-row.md).

    `key` is a digest of what the number depends on (`recount.Spec`: the events counted over, the states, the
    ages): when an event is added to the network or cancelled the key changes, and the next count builds a new
    row from scratch; periods with equal specs share one count. `number` is the count of its `CountedPerson` rows,
    changed only together with them, under a lock of this row."""

    key = models.CharField(max_length=64, unique=True)
    query = models.CharField(max_length=60)
    spec = models.JSONField(default=dict)
    number = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField()
    #: What decides whether one person counts, besides their registrations at the count's events (`CountedEvent`):
    #: the states (ISO codes separated by spaces; null: everyone counts) and, for young_registered, the ages.
    countries = models.CharField(max_length=400, null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.query} {self.key[:8]}: {self.number}"


class CountedPerson(models.Model):
    """One person counted in a `PeopleCount`. `person_id` is a plain number, not a foreign key: a merge of two people
    must not move these rows (the merge moves what points at a person), and a deleted person's row is taken away
    with the count adjusted (`recount.reconcile`), not by a cascade that would leave the number behind."""

    # no foreign key constraint in the database: a full count writes a million rows, and PostgreSQL checked each
    # one against its count at the commit (a third of the count's time); the rows go with their count (the ORM's
    # cascade, or `recount.build`), and are written only under the count's lock
    # (count, person) is the key: its one index serves every lookup ((count, person) and (counts…, person)), with
    # no id column, sequence or second index to write for each of a full count's million rows
    pk = models.CompositePrimaryKey("count", "person_id")
    count = models.ForeignKey(PeopleCount, on_delete=models.CASCADE, related_name="people", db_constraint=False)
    person_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.count_id}: {self.person_id}"


class CountedEvent(models.Model):
    """One event a `PeopleCount` counts over, with the event's year (the age young_registered reads): a change at an
    event finds the counts that include it by one indexed lookup, and whether a person still counts is decided from
    the person's registrations joined to these rows (`recount.reconcile`), without resolving the plan again.
    Written with the count's people (`recount.build`); a count whose events changed is built anew under a new key."""

    count = models.ForeignKey(PeopleCount, on_delete=models.CASCADE, related_name="events", db_constraint=False)
    event_id = models.BigIntegerField()
    year = models.PositiveSmallIntegerField(default=0)

    class Meta:
        # by event first: "which counts include this event" and "is it in these counts" both use it
        constraints = [models.UniqueConstraint(fields=["event_id", "count"], name="one_counted_event")]

    def __str__(self) -> str:
        return f"{self.count_id}: event {self.event_id}"


class PlanImport(Job):
    """One upload of measures or reported values for a plan, run by the task worker (`services_bulk.plan_import_run`)
    with its progress (`done` of `total` rows) polled by the page. A resumable job (`tamyr.core.jobs`) that is all
    or nothing: the rows are written in one transaction that also marks the job finished, so a failed, stopped or
    taken-over run leaves no row, and the next run starts from the first row. The upload is deleted when the job
    ends; `report` keeps what the file did (or would have done) and every bad row."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(_("what the file holds"), max_length=16)
    dry_run = models.BooleanField(_("dry run"), default=False)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    file = models.FileField(_("file"), upload_to=RandomName("plan-imports"), storage=private_storage, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")

    def __str__(self) -> str:
        return f"{self.plan} {self.kind} {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("cooperation:plan_import_detail", kwargs={"slug": self.plan.slug, "pk": self.pk})
