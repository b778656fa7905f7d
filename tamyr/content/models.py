"""News items and pages: one record per item with a version per language, its revisions and attachments.

Why one model for news and pages: both are an institution's multilingual text with a slug, a cover, attachments, a
publication time and revisions; a page adds only its place in a tree. One model keeps one editor, one sanitiser, one
revision history and one API serializer. Per-language text is `{language: text}` JSON as everywhere else
(docs/decisions/0002); when each language was last edited is kept beside it (`edited_at`), which is what tells the
editor which translations are older than the source version (docs/decisions/0027).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tamyr.core.i18n import FALLBACK_ORDER
from tamyr.core.models import TimeStampedModel
from tamyr.core.uploads import RandomName, private_storage
from tamyr.registry.models import Network, Organization


class EntryKind(models.TextChoices):
    NEWS = "news", _("News item")
    PAGE = "page", _("Page")


class EntryStatus(models.TextChoices):
    """`scheduled` and `published` are both shown once their publication time has come (compared when read, so a
    scheduled item is never late and needs no task); `draft` and `archived` are never shown to the public."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


VISIBLE_STATUSES = (EntryStatus.SCHEDULED, EntryStatus.PUBLISHED)
TEXT_FIELDS = ("title", "summary", "body")


class EntryQuerySet(models.QuerySet["Entry"]):
    def public(self, now: dt.datetime | None = None) -> EntryQuerySet:
        """What anyone may read: published or scheduled, with its publication time passed."""
        return self.filter(status__in=VISIBLE_STATUSES, published_at__lte=now or timezone.now())


class Entry(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices, db_index=True)
    slug = models.SlugField(_("address"), max_length=140)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="content_entries",
    )  # fmt: skip
    network = models.ForeignKey(
        Network, verbose_name=_("network"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="content_entries",
    )  # fmt: skip
    parent = models.ForeignKey(
        "self", verbose_name=_("parent page"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    body = models.JSONField(_("text"), default=dict, blank=True)
    #: {language: ISO time} of the last change of that language's version
    edited_at = models.JSONField(default=dict, blank=True)
    source_language = models.CharField(_("source language"), max_length=8, choices=settings.LANGUAGES, default="en")
    fallback_language = models.CharField(
        _("fallback language"), max_length=8, choices=settings.LANGUAGES, default="en",
        help_text=_("Shown to readers whose language has no version."),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True, db_index=True)
    cover = models.ImageField(_("cover image"), upload_to=RandomName("content/covers"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("news item or page")
        verbose_name_plural = _("news and pages")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="content_entry_unique_slug_per_kind"),
            models.CheckConstraint(
                condition=Q(organization__isnull=False, network__isnull=True)
                | Q(organization__isnull=True, network__isnull=False),
                name="content_entry_one_owner",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status", "published_at"], name="content_entry_listing")]

    def __str__(self) -> str:
        return self.display_title or self.slug

    # --- owner -------------------------------------------------------------------------------------------------

    @property
    def owner(self) -> Organization | Network:
        owner = self.organization if self.organization_id else self.network
        assert owner is not None
        return owner

    # --- languages ---------------------------------------------------------------------------------------------

    @property
    def languages(self) -> list[str]:
        """The languages this item has a version in, in the order of the interface's languages."""
        return [code for code, _name in settings.LANGUAGES if self.title.get(code)]

    def reading_language(self, language: str | None = None) -> str:
        """The version a reader of `language` gets: theirs, else the explicit fallback, else the usual order."""
        wanted = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
        for code in [wanted, self.fallback_language, self.source_language, *FALLBACK_ORDER]:
            if self.title.get(code):
                return code
        return next(iter(self.languages), wanted)

    def text(self, field: str, language: str | None = None) -> str:
        value: dict[str, str] = getattr(self, field) or {}
        return value.get(self.reading_language(language), "")

    @property
    def display_title(self) -> str:
        return self.text("title")

    @property
    def display_summary(self) -> str:
        return self.text("summary")

    @property
    def out_of_date(self) -> list[str]:
        """Languages whose version was last edited before the source version: their translation needs a look."""
        source = self.edited_at.get(self.source_language)
        if not source:
            return []
        return [
            code
            for code in self.languages
            if code != self.source_language and (self.edited_at.get(code) or "") < source
        ]

    # --- publication -------------------------------------------------------------------------------------------

    def is_public(self, now: dt.datetime | None = None) -> bool:
        return (
            self.status in VISIBLE_STATUSES
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )

    @property
    def shown_status(self) -> str:
        """The status as a reader would see it: a scheduled item whose time has come is published."""
        if self.status == EntryStatus.SCHEDULED and self.is_public():
            return EntryStatus.PUBLISHED
        return self.status

    def get_shown_status_display(self) -> Any:
        return EntryStatus(self.shown_status).label

    def get_absolute_url(self) -> str:
        name = "content:news_detail" if self.kind == EntryKind.NEWS else "content:page_detail"
        return reverse(name, kwargs={"slug": self.slug})

    def ancestors(self) -> list[Entry]:
        """The page's parents, the top one first (a tree is shallow; loops are refused when written)."""
        chain: list[Entry] = []
        node = self.parent
        while node is not None and len(chain) < 20:
            chain.insert(0, node)
            node = node.parent
        return chain


class Revision(models.Model):
    """What an item was after one save: restoring one writes it back as a new revision (history is never lost)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="content_revision_unique_number")]

    def __str__(self) -> str:
        return f"{self.entry_id} #{self.number}"


class Attachment(models.Model):
    """A file that goes with an item; kept privately and served through /files/ to whoever may read the item, so a
    draft's attachments are not public before the draft is (docs/decisions/0007)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=RandomName("content/attachments"), max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


# --- mailings: segments, campaigns and one message per recipient -------------------------------------------------
#
# Why the data model is written before the code that uses it: segments, the campaign editor and the delivery engine
# are built side by side, and this is the interface they share (docs/decisions/0028).


class Segment(TimeStampedModel):
    """A rule-defined audience, evaluated when used (never a stored list, so it never goes stale).

    `rules` is `{"countries": ["HU"], "networks": [slug], "organizations": [slug], "events": [slug],
    "courses": [slug], "calls": [slug], "languages": ["kk"]}`: each given key narrows the audience (AND between keys,
    OR within one). Only people whose `contact` consent is active ever receive a mailing, whatever the rules say.
    """

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="segments"
    )
    name = models.CharField(_("name"), max_length=200)
    rules = models.JSONField(_("rules"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class CampaignStatus(models.TextChoices):
    """A campaign is `sent` only when every one of its messages has a final state (listmonk#2509)."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(TimeStampedModel):
    """One mailing with a version per language (`subject`, `body` as `{language: text}`); each recipient gets the
    version in their language through `fallback_language` and the usual order."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="campaigns"
    )
    segment = models.ForeignKey(Segment, verbose_name=_("audience"), on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(_("name"), max_length=200)
    subject = models.JSONField(_("subject"), default=dict)
    body = models.JSONField(_("text"), default=dict, blank=True)
    fallback_language = models.CharField(_("fallback language"), max_length=8, choices=settings.LANGUAGES, default="en")
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT, db_index=True
    )
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    #: messages per second this campaign may hand to the mail server (a rolling limit, per campaign)
    rate_limit = models.PositiveIntegerField(_("messages per second"), default=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class MessageState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DEFERRED = "deferred", _("Deferred, to be retried")
    SENT = "sent", _("Sent")
    BOUNCED = "bounced", _("Bounced")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent (no consent or no address)")


FINAL_MESSAGE_STATES = (MessageState.SENT, MessageState.BOUNCED, MessageState.FAILED, MessageState.SKIPPED)


class Message(models.Model):
    """One recipient of one campaign, written before the e-mail is handed to the mail server: a worker killed
    mid-campaign resumes from the rows still `pending`/`deferred` and never mails a person twice (the unique
    constraint holds even if two workers race)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="messages")
    person = models.ForeignKey(
        "registry.Person", null=True, on_delete=models.SET_NULL, related_name="campaign_messages"
    )
    email = models.EmailField(max_length=254)
    language = models.CharField(max_length=8)
    state = models.CharField(max_length=10, choices=MessageState.choices, default=MessageState.PENDING)
    #: the Message-ID header, which bounces and unsubscribes are matched by
    message_id = models.CharField(max_length=200, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    #: when the worker handed the message's data to the mail server, just before the final "." (docs/decisions/0032):
    #: set with no final state, it means the worker died at the hand-over and the message is not sent again
    handed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="content_message_once_per_person")]
        indexes = [models.Index(fields=["campaign", "state"], name="content_message_progress")]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.email} ({self.state})"


# Delivery: who an organization's mailings are sent as, and the addresses that bounce (docs/decisions/0032).


class SendingIdentity(models.Model):
    """Who an organization's mailings come from and, when a key is set, the DKIM key they are signed with.

    Without a row, mailings go out from `DEFAULT_FROM_EMAIL`, unsigned (the mail server may sign them itself). The
    private key is stored as a Fernet token (`tamyr.core.crypto`), so a copy of the database does not let anyone
    send mail that passes as the organization's."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="sending_identity")
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    from_email = models.EmailField(_("sender address"))
    dkim_domain = models.CharField(_("DKIM domain"), max_length=253, blank=True)
    dkim_selector = models.CharField(_("DKIM selector"), max_length=63, blank=True)
    dkim_private_key_encrypted = models.BinaryField(blank=True, default=b"", editable=False)

    class Meta:
        verbose_name = _("sending identity")
        verbose_name_plural = _("sending identities")

    def __str__(self) -> str:
        return self.from_email

    @property
    def signs(self) -> bool:
        return bool(self.dkim_domain and self.dkim_selector and self.dkim_private_key_encrypted)


class BouncedAddress(models.Model):
    """An e-mail address a mail server said does not exist (a permanent bounce). The address stays on the person's
    record (it is theirs to correct); mailings skip it until the row is deleted."""

    email = models.EmailField(unique=True)
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="bounced_addresses"
    )
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    bounced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bouncing address")
        verbose_name_plural = _("bouncing addresses")

    def __str__(self) -> str:
        return self.email
