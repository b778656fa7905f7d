"""Events: forums, ministerial meetings, assemblies (kurultai), training programmes, concerts, film weeks.

Times are stored in UTC; each event (and each venue) carries the IANA time zone it is shown in.
"""

from __future__ import annotations

import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tamyr.core import zones
from tamyr.core.i18n import translate
from tamyr.core.models import TimeStampedModel
from tamyr.core.questions import QuestionBase
from tamyr.core.questions import QuestionKind as QuestionKind  # kept importable from here
from tamyr.core.uploads import RandomName, private_storage
from tamyr.registry.models import Country, Organization, Person


def validate_time_zone(value: str) -> None:
    """Kept under this name because migrations refer to it; the rule is tamyr.core.zones.validate_time_zone."""
    zones.validate_time_zone(value)


def new_code() -> str:
    """A short unguessable code for QR badges and check-in; no 0/O/1/I to read it aloud."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _index in range(10))


class Venue(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120)
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="venues")
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class EventKind(models.TextChoices):
    MINISTERIAL_MEETING = "ministerial_meeting", _("Ministerial meeting")
    FORUM = "forum", _("Forum")
    ASSEMBLY = "assembly", _("Assembly (kurultai)")
    TRAINING = "training", _("Training programme")
    CONCERT = "concert", _("Concert")
    FILM_WEEK = "film_week", _("Film week")
    TALK = "talk", _("Talk")
    OTHER = "other", _("Other")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Event(TimeStampedModel):
    slug = models.SlugField(max_length=140, unique=True)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT, db_index=True
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Invitation-only events register participants through delegations.")
    )
    organizer = models.ForeignKey(
        Organization, verbose_name=_("organizer"), on_delete=models.PROTECT, related_name="organized_events"
    )
    co_organizers = models.ManyToManyField(
        Organization, verbose_name=_("co-organizers"), blank=True, related_name="co_organized_events"
    )
    co_chairs = models.ManyToManyField(Person, verbose_name=_("co-chairs"), blank=True, related_name="chaired_events")
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    online_url = models.URLField(_("online link"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    banner = models.ImageField(_("banner image"), upload_to=RandomName("events/banners"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty: no limit."))
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    cancellation_closes_at = models.DateTimeField(_("cancellation deadline"), null=True, blank=True)
    requires_approval = models.BooleanField(_("registrations need approval"), default=False)
    waiting_list = models.BooleanField(_("waiting list when full"), default=True)
    # A calendar entry's identity (RFC 5545 UID) and revision (SEQUENCE): stored, so that a restored or moved
    # database keeps the entries people already have in their calendars, and a change replaces them there.
    calendar_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-starts_at", "slug"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return translate(self.title) or self.slug

    @property
    def display_description(self) -> str:
        return translate(self.description)

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def get_absolute_url(self) -> str:
        return reverse("events:event_detail", kwargs={"slug": self.slug})


class RegistrationCategory(models.Model):
    """A kind of participant with its own seats, e.g. foreign scholars (40) and local researchers (100)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="categories")
    name = models.JSONField(_("name"), default=dict)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty: no limit."))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event", "order", "id"]
        verbose_name = _("registration category")
        verbose_name_plural = _("registration categories")

    def __str__(self) -> str:
        return translate(self.name)


class Question(QuestionBase):
    """A question of the event's registration form; kinds, answer checks and form fields: `core.questions`."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")

    class Meta:
        ordering = ["event", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")


class Delegation(TimeStampedModel):
    """A country's or an organization's delegation; invitation-only events register participants through them."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="delegations")
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="delegations"
    )
    head = models.ForeignKey(
        Person,
        verbose_name=_("head of delegation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_delegations",
    )
    head_title = models.CharField(_("title of the head"), max_length=300, blank=True)
    size_limit = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True)

    class Meta:
        ordering = ["event", "country", "organization"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")

    def __str__(self) -> str:
        if self.organization_id:
            return str(self.organization)
        return str(self.country) if self.country_id else str(_("Delegation"))


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class Registration(TimeStampedModel):
    """A person's place at an event. Written on every registration of a burst, so it carries only the indexes its
    reads need: per event (with status), per person, and partial ones for the references most rows leave empty;
    every index is one more write per insert and per status change."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registrations")
    category = models.ForeignKey(
        RegistrationCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
        db_index=False,
    )
    delegation = models.ForeignKey(
        Delegation, null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations", db_index=False
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("representing"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=16, choices=RegistrationStatus.choices)
    code = models.CharField(_("code"), max_length=16, unique=True, default=new_code, editable=False)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Set when staff registered the person on their behalf."),
        db_index=False,
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        ordering = ["event", "created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="one_registration_per_person")]
        indexes = [
            models.Index(fields=["event", "status"]),
            *(
                models.Index(fields=[name], condition=Q(**{f"{name}__isnull": False}), name=f"registration_{name}")
                for name in ("category", "delegation", "organization", "registered_by")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.event} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("events:registration_detail", kwargs={"code": self.code})


class RegistrationFile(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="files")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=RandomName("events/answers"), storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("uploaded answer")
        verbose_name_plural = _("uploaded answers")


class Invitation(TimeStampedModel):
    """An invitation to an invitation-only event, sent to an e-mail address, optionally within a delegation."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    delegation = models.ForeignKey(
        Delegation, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    token = models.CharField(max_length=48, unique=True, default=secrets.token_urlsafe)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "email"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["event", "email"], name="one_invitation_per_email")]

    def __str__(self) -> str:
        return f"{self.email} → {self.event}"


class SessionKind(models.TextChoices):
    OPENING = "opening", _("Opening")
    PLENARY = "plenary", _("Plenary")
    PANEL = "panel", _("Panel")
    PRESENTATION = "presentation", _("Presentations")
    INTERACTIVE = "interactive", _("Interactive session")
    CONCERT = "concert", _("Concert")
    SCREENING = "screening", _("Screening")
    BREAK = "break", _("Break")
    PHOTO = "photo", _("Family photo")
    CLOSING = "closing", _("Closing")
    OTHER = "other", _("Other")


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices, default=SessionKind.OTHER)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        help_text=_("When it differs from the event's venue, e.g. a concert hall on day one."),
    )
    room = models.CharField(_("room"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True, help_text=_("ISO 639 code."))

    class Meta:
        ordering = ["event", "starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return translate(self.title)

    @property
    def display_title(self) -> str:
        return translate(self.title)


class SessionSpeaker(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="speakers")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="talks")
    title_at_event = models.CharField(
        _("title as said at the event"),
        max_length=300,
        blank=True,
        help_text=_("E.g. Secretary General of the Organization of Turkic States."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["session", "order", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return f"{self.person} — {self.session}"


class SessionMaterial(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=RandomName("events/materials"), storage=private_storage, blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title


class Photo(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=RandomName("events/photos"))
    thumbnail = models.ImageField(upload_to=RandomName("events/thumbnails"), blank=True, editable=False)
    caption = models.JSONField(_("caption"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event", "order", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return translate(self.caption) or self.image.name

    @property
    def display_caption(self) -> str:
        return translate(self.caption)
