"""Every write of news and pages: create, change, restore a revision, attach and remove files.

Each service is one transaction, asks `permissions.can()` itself (so the pages, the API and network files meet the
same rule), cleans every body with the sanitiser, stamps the languages whose version changed (which is how the editor
learns that a translation is older than its source) and keeps a revision of what was saved.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from tamyr.accounts import permissions
from tamyr.content import html
from tamyr.content.models import (
    TEXT_FIELDS,
    Attachment,
    Campaign,
    CampaignStatus,
    Entry,
    EntryKind,
    EntryStatus,
    Message,
    MessageState,
    Revision,
    Segment,
)
from tamyr.content.segments import SegmentError, clean_rules, recipients, recipients_with_language
from tamyr.core import audit, uploads
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.i18n import LANGUAGE_CODES, clean_translations
from tamyr.registry.models import Network, Organization

#: a cover is shown at most ~800 px wide (twice that for dense screens); larger photos are scaled down on upload
COVER_MAX_SIDE = 1600
COVER = uploads.Policy("content_cover", uploads.IMAGES, 8 * uploads.MB, private=False)
ATTACHMENT = uploads.Policy("content_attachment", uploads.DOCUMENTS, 20 * uploads.MB, private=True)
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
PLAIN_FIELDS = ("source_language", "fallback_language", "order", "slug")


class ContentError(DomainError):
    code = "invalid_content"


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("Only the editors of this organization or network may do this."))


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def resized_cover(upload: Any) -> uploads.CheckedFile:
    """Check the image by its content (re-encoded, metadata gone), then scale it down to COVER_MAX_SIDE."""
    checked = uploads.check(upload, COVER, field="cover")
    checked.seek(0)
    with Image.open(checked) as opened:
        image: Image.Image = opened
        if max(image.size) <= COVER_MAX_SIDE or getattr(image, "n_frames", 1) > 1:
            checked.seek(0)
            return checked
        image.thumbnail((COVER_MAX_SIDE, COVER_MAX_SIDE))
        out = io.BytesIO()
        fmt = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "GIF"}[checked.kind.name.upper()]
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, fmt, **({"quality": 85} if fmt in ("JPEG", "WEBP") else {}))
    data = out.getvalue()
    return uploads.CheckedFile(
        ContentFile(data), kind=checked.kind, policy=COVER, original_name=checked.original_name, size=len(data)
    )


def _clean_texts(values: dict[str, Any]) -> dict[str, dict[str, str]]:
    cleaned: dict[str, dict[str, str]] = {}
    for field in TEXT_FIELDS:
        if field not in values:
            continue
        try:
            text = clean_translations(values[field])
        except ValueError as error:
            raise ContentError(str(error), field=field) from error
        cleaned[field] = html.clean_all(text) if field == "body" else text
    return cleaned


def _check_slug(entry: Entry, slug: str) -> None:
    if not slug or not SLUG_RE.match(slug) or len(slug) > 140:
        raise ContentError(_("Use letters, digits, hyphens and underscores for the address."), field="slug")
    taken = Entry.objects.filter(kind=entry.kind, slug=slug).exclude(pk=entry.pk).exists()
    if taken:
        raise ContentError(
            _("The address %(slug)s is taken; choose another.") % {"slug": slug}, field="slug", code="slug_taken"
        )


def _check_parent(entry: Entry, parent: Entry | None) -> None:
    if parent is None:
        return
    if entry.kind != EntryKind.PAGE or parent.kind != EntryKind.PAGE:
        raise ContentError(_("Only a page can be placed under another page."), field="parent")
    if (parent.organization_id, parent.network_id) != (entry.organization_id, entry.network_id):
        raise ContentError(_("A page goes under a page of the same organization or network."), field="parent")
    node: Entry | None = parent
    for _step in range(50):
        if node is None:
            return
        if entry.pk and node.pk == entry.pk:
            raise ContentError(_("A page cannot be placed under itself or one of its own subpages."), field="parent")
        node = node.parent
    raise ContentError(_("The page tree is too deep."), field="parent")


def _publication(
    status: str, published_at: dt.datetime | None, current: dt.datetime | None, now: dt.datetime
) -> tuple[str, dt.datetime | None]:
    """Published or scheduled come to the same thing: shown from `published_at`; it is "scheduled" while that time
    is ahead. Publishing without a time publishes now."""
    if status not in EntryStatus.values:
        raise ContentError(_("Unknown status %(status)s.") % {"status": status}, field="status")
    if status in (EntryStatus.PUBLISHED, EntryStatus.SCHEDULED):
        moment = published_at or current
        if moment is None:
            if status == EntryStatus.SCHEDULED:
                raise ContentError(_("Give the time at which the item is to be published."), field="published_at")
            moment = now
        return (EntryStatus.SCHEDULED if moment > now else EntryStatus.PUBLISHED), moment
    return status, published_at if published_at is not None else current


def _languages_ok(entry: Entry) -> None:
    if not entry.title:
        raise ContentError(_("Give the title in at least one language."), field="title")
    for field in ("source_language", "fallback_language"):
        code = getattr(entry, field)
        if code not in LANGUAGE_CODES:
            raise ContentError(_("Unknown language code %(code)s.") % {"code": code}, field=field)
    if entry.source_language not in entry.title:
        raise ContentError(
            _("The source language has no version: write the title in it, or choose another source language."),
            field="source_language",
        )
    if entry.fallback_language not in entry.title:
        raise ContentError(
            _("The fallback language has no version: write the title in it, or choose another fallback language."),
            field="fallback_language",
        )


def _snapshot(entry: Entry) -> dict[str, Any]:
    return {
        "slug": entry.slug,
        **{field: getattr(entry, field) for field in TEXT_FIELDS},
        "source_language": entry.source_language,
        "fallback_language": entry.fallback_language,
        "status": entry.status,
        "published_at": entry.published_at.isoformat() if entry.published_at else None,
        "parent": entry.parent.slug if entry.parent_id and entry.parent else None,
        "order": entry.order,
    }


def _revision(entry: Entry, acting_user: Any, note: str = "") -> Revision:
    last = entry.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    return Revision.objects.create(
        entry=entry, number=last + 1, data=_snapshot(entry), created_by=user, note=note[:200]
    )


def _write(entry: Entry, values: dict[str, Any], now: dt.datetime) -> list[str]:
    """Set `values` on `entry` (unsaved); return the fields that changed. Stamps the languages that changed."""
    changed: list[str] = []
    texts = _clean_texts(values)
    touched: set[str] = set()
    for field, value in texts.items():
        old = getattr(entry, field) or {}
        if value != old:
            touched |= {code for code in set(value) | set(old) if value.get(code) != old.get(code)}
            setattr(entry, field, value)
            changed.append(field)
    for field in PLAIN_FIELDS:
        if field in values and values[field] is not None and values[field] != getattr(entry, field):
            setattr(entry, field, values[field])
            changed.append(field)
    if "slug" in changed or entry.pk is None:
        _check_slug(entry, entry.slug)
    if "parent" in values and values["parent"] != entry.parent:
        _check_parent(entry, values["parent"])
        entry.parent = values["parent"]
        changed.append("parent")
    if "cover" in values and values["cover"]:
        uploads.replace(entry, "cover", resized_cover(values["cover"]), COVER)
        changed.append("cover")
    elif values.get("remove_cover") and entry.cover:
        uploads.delete_on_commit(entry.cover)
        entry.cover = ""  # type: ignore[assignment]
        changed.append("cover")
    if "status" in values or "published_at" in values:
        status, moment = _publication(
            values.get("status") or entry.status, values.get("published_at"), entry.published_at, now
        )
        if status != entry.status:
            entry.status = status
            changed.append("status")
        if moment != entry.published_at:
            entry.published_at = moment
            changed.append("published_at")
    stamps = dict(entry.edited_at or {})
    for code in touched:
        if entry.title.get(code) or entry.summary.get(code) or entry.body.get(code):
            stamps[code] = _iso(now)
        else:
            stamps.pop(code, None)
    entry.edited_at = stamps
    _languages_ok(entry)
    return changed


@transaction.atomic
def entry_create(
    *,
    kind: str,
    slug: str,
    acting_user: Any,
    organization: Organization | None = None,
    network: Network | None = None,
    now: dt.datetime | None = None,
    **values: Any,
) -> Entry:
    """A news item or page of an organization or a network (exactly one), a draft unless a status says otherwise."""
    if (organization is None) == (network is None):
        raise ContentError(_("A news item or page belongs to one organization or one network."), field="organization")
    if kind not in EntryKind.values:
        raise ContentError(_("Unknown kind %(kind)s.") % {"kind": kind}, field="kind")
    owner = organization or network
    _require(permissions.can(acting_user, "content.add_entry", owner))
    now = now or timezone.now()
    entry = Entry(kind=kind, slug=slug, organization=organization, network=network)
    if getattr(acting_user, "is_authenticated", False):
        entry.created_by = acting_user
    title = clean_translations(values.get("title") or {})
    if not values.get("source_language"):
        values["source_language"] = next((code for code in LANGUAGE_CODES if code in title), settings.LANGUAGE_CODE)
    if not values.get("fallback_language"):
        values["fallback_language"] = values["source_language"]
    values.setdefault("status", EntryStatus.DRAFT)
    _write(entry, {**values, "slug": slug}, now)
    entry.save()
    _revision(entry, acting_user, note="created")
    audit.record(acting_user, "content.entry_created", entry, kind=kind, slug=slug)
    return entry


@transaction.atomic
def entry_update(*, entry: Entry, acting_user: Any, now: dt.datetime | None = None, **values: Any) -> Entry:
    """Change what is given; nothing else. A save that changes nothing writes no revision and no audit row."""
    entry = Entry.objects.select_for_update(of=("self",)).select_related("parent").get(pk=entry.pk)
    _require(permissions.can(acting_user, "content.change_entry", entry))
    changed = _write(entry, values, now or timezone.now())
    if not changed:
        return entry
    entry.save()
    _revision(entry, acting_user, note=str(values.get("note", ""))[:200])
    audit.record(acting_user, "content.entry_changed", entry, fields=sorted(set(changed)))
    return entry


@transaction.atomic
def revision_restore(*, revision: Revision, acting_user: Any, now: dt.datetime | None = None) -> Entry:
    """Write an earlier revision's texts and languages back, as a new revision; status, time and address stay."""
    data = revision.data
    values = {field: data.get(field) or {} for field in TEXT_FIELDS}
    values |= {field: data[field] for field in ("source_language", "fallback_language") if data.get(field)}
    values["note"] = f"restored #{revision.number}"
    return entry_update(entry=revision.entry, acting_user=acting_user, now=now, **values)


@transaction.atomic
def attachment_add(*, entry: Entry, upload: Any, acting_user: Any) -> Attachment:
    _require(permissions.can(acting_user, "content.change_entry", entry))
    checked = uploads.check(upload, ATTACHMENT, field="file")
    attachment = Attachment(entry=entry, original_name=checked.original_name or "file", size=checked.size)
    attachment.file = checked  # type: ignore[assignment]
    attachment.save()
    audit.record(acting_user, "content.attachment_added", entry, name=attachment.original_name)
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, acting_user: Any) -> None:
    _require(permissions.can(acting_user, "content.change_entry", attachment.entry))
    uploads.delete_on_commit(attachment.file)
    audit.record(acting_user, "content.attachment_removed", attachment.entry, name=attachment.original_name)
    attachment.delete()


# --- mailings: segments and campaigns -----------------------------------------------------------------------------
#
# Why the editor's services do not send: writing one message per recipient, batching, rate limits and resuming after
# a killed worker are the delivery engine's (`content.delivery.start_campaign`); these set what was decided (the
# audience, the texts, when) and hand the campaign over (docs/decisions/0028, 0031).

EDITABLE_CAMPAIGN = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)


def require_mailings(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("Only the admins and staff of this organization may do this."))


def _check_rule_targets(user: Any, rules: dict[str, list[str]]) -> None:
    """A segment may name only events, courses and calls the editor can see: a draft event of another organization
    is not theirs to learn about, even by counting its participants."""
    from tamyr.calls.models import Call
    from tamyr.events.models import Event
    from tamyr.learning.models import Course

    hidden: list[str] = []
    for event in Event.objects.filter(slug__in=rules.get("events", [])).prefetch_related("co_organizers"):
        if not permissions.can(user, "events.view_event", event):
            hidden.append(event.slug)
    for course in Course.objects.filter(slug__in=rules.get("courses", [])):
        if not (course.is_published or permissions.can(user, "learning.change_course", course)):
            hidden.append(course.slug)
    for call in Call.objects.filter(slug__in=rules.get("calls", [])):
        if not permissions.can(user, "calls.view_call", call):
            hidden.append(call.slug)
    if hidden:
        raise SegmentError(
            _("These are not yours to use in a segment: %(names)s.") % {"names": ", ".join(sorted(hidden))},
            field="rules",
            code="not_visible",
        )


def check_segment_rules(user: Any, rules: Any) -> dict[str, list[str]]:
    """The rules cleaned, or a SegmentError: unknown names, or events, courses and calls the user may not see."""
    cleaned = clean_rules(rules)
    _check_rule_targets(user, cleaned)
    return cleaned


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ContentError(_("Give a name of at most 200 characters."), field="name")
    return name


@transaction.atomic
def segment_create(*, acting_user: Any, organization: Organization, name: str, rules: Any) -> Segment:
    require_mailings(permissions.can(acting_user, "content.manage_mailings", organization))
    cleaned = clean_rules(rules)
    _check_rule_targets(acting_user, cleaned)
    segment = Segment.objects.create(
        organization=organization,
        name=_clean_name(name),
        rules=cleaned,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    audit.record(acting_user, "content.segment_created", segment, rules=cleaned)
    return segment


@transaction.atomic
def segment_update(*, segment: Segment, acting_user: Any, name: str | None = None, rules: Any = None) -> Segment:
    require_mailings(permissions.can(acting_user, "content.change_segment", segment))
    if name is not None:
        segment.name = _clean_name(name)
    if rules is not None:
        segment.rules = clean_rules(rules)
        _check_rule_targets(acting_user, segment.rules)
    segment.save()
    audit.record(acting_user, "content.segment_changed", segment, rules=segment.rules)
    return segment


def _clean_campaign(values: dict[str, Any], campaign: Campaign) -> None:
    if "name" in values:
        campaign.name = _clean_name(values["name"])
    for field in ("subject", "body"):
        if field in values:
            try:
                text = clean_translations(values[field])
            except ValueError as error:
                raise ContentError(str(error), field=field) from error
            if field == "subject" and any(len(v) > 300 for v in text.values()):
                raise ContentError(_("A subject has at most 300 characters."), field="subject")
            setattr(campaign, field, text)
    if "fallback_language" in values:
        if values["fallback_language"] not in LANGUAGE_CODES:
            raise ContentError(_("Choose one of the site's languages."), field="fallback_language")
        campaign.fallback_language = values["fallback_language"]
    if "segment" in values:
        segment = values["segment"]
        if segment is None or segment.organization_id != campaign.organization_id:
            raise ContentError(_("Choose an audience of the same organization."), field="segment")
        campaign.segment = segment
    if not any(v.strip() for v in (campaign.subject or {}).values()):
        raise ContentError(_("Write a subject in at least one language."), field="subject")
    if not (campaign.subject or {}).get(campaign.fallback_language, "").strip():
        raise ContentError(
            _("Write the subject in the fallback language: whoever reads none of the versions gets that one."),
            field="fallback_language",
        )


@transaction.atomic
def campaign_create(*, acting_user: Any, organization: Organization, segment: Segment, **values: Any) -> Campaign:
    require_mailings(permissions.can(acting_user, "content.manage_mailings", organization))
    campaign = Campaign(
        organization=organization, created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None
    )
    _clean_campaign({**values, "segment": segment}, campaign)
    campaign.save()
    audit.record(acting_user, "content.campaign_created", campaign, segment=segment.pk)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, acting_user: Any, **values: Any) -> Campaign:
    require_mailings(permissions.can(acting_user, "content.change_campaign", campaign))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status not in EDITABLE_CAMPAIGN:
        raise ContentError(_("A campaign that has started cannot be changed."), field="status", code="campaign_started")
    _clean_campaign(values, campaign)
    campaign.save()
    audit.record(acting_user, "content.campaign_changed", campaign, fields=sorted(values))
    return campaign


def _locked_editable(campaign: Campaign, user: Any) -> Campaign:
    require_mailings(permissions.can(user, "content.send_campaign", campaign))
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status not in EDITABLE_CAMPAIGN:
        raise ContentError(_("This campaign has already started."), field="status", code="campaign_started")
    return locked


def campaign_schedule(campaign: Campaign, at: dt.datetime, user: Any) -> Campaign:
    """Send at `at` (a time ahead); `delivery.start_due_campaigns` (the task queue, every minute) starts it then."""
    with transaction.atomic():
        locked = _locked_editable(campaign, user)
        if timezone.is_naive(at):
            raise ContentError(_("Give the time with its time zone."), field="scheduled_at")
        if at <= timezone.now():
            raise ContentError(_("Choose a time ahead, or send it now."), field="scheduled_at")
        locked.status, locked.scheduled_at = CampaignStatus.SCHEDULED, at
        locked.save(update_fields=["status", "scheduled_at", "updated_at"])
        audit.record(user, "content.campaign_scheduled", locked, at=_iso(at))
    return locked


@transaction.atomic
def campaign_cancel_schedule(campaign: Campaign, user: Any) -> Campaign:
    locked = _locked_editable(campaign, user)
    locked.status, locked.scheduled_at = CampaignStatus.DRAFT, None
    locked.save(update_fields=["status", "scheduled_at", "updated_at"])
    audit.record(user, "content.campaign_unscheduled", locked)
    return locked


def campaign_send_now(campaign: Campaign, user: Any) -> Campaign:
    """Mark it due now (status `scheduled`, `scheduled_at` now) and hand it to the delivery engine, which writes one
    message per recipient and moves it to `sending`."""
    from tamyr.content import delivery

    with transaction.atomic():
        locked = _locked_editable(campaign, user)
        if not recipients(locked.segment).exists():
            raise ContentError(_("Nobody in this audience may be written to."), field="segment", code="no_recipients")
        locked.status, locked.scheduled_at = CampaignStatus.SCHEDULED, timezone.now()
        locked.save(update_fields=["status", "scheduled_at", "updated_at"])
        audit.record(user, "content.campaign_send_now", locked)
    delivery.start_campaign(locked)
    locked.refresh_from_db()
    return locked


def campaign_send_test(campaign: Campaign, user: Any, language: str) -> str:
    """One copy to the editor's own address, personalised as their own record would be; recorded in the audit,
    never as a campaign message (it counts for nobody's progress)."""
    from django.core.mail import EmailMultiAlternatives

    from tamyr.content.mailing import render_message
    from tamyr.registry.models import Person

    require_mailings(permissions.can(user, "content.change_campaign", campaign))
    address = (getattr(user, "email", "") or "").strip()
    if not address:
        raise ContentError(_("Your account has no e-mail address to send the test to."), code="no_address")
    person = Person.objects.filter(user=user).select_related("user").first() or Person(
        display_name=user.get_full_name() or user.get_username()
    )
    subject, text, body_html = render_message(campaign, person, language)
    message = EmailMultiAlternatives(
        subject=_("[Test] %(subject)s") % {"subject": subject},
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )
    message.attach_alternative(body_html, "text/html")
    message.send()
    audit.record(user, "content.campaign_test_sent", campaign, language=language, to=address)
    return address


def campaign_record_as_sent(campaign: Campaign, when: dt.datetime, *, acting_user: Any = None) -> int:
    """Record a campaign as already delivered at `when`, with one `sent` message per present recipient: for history
    imported from another system (and the demo), never for new mailings, which only the delivery engine sends.
    Idempotent: people already recorded are left as they are. Returns the number of rows written."""
    from tamyr.accounts.permissions import SYSTEM

    actor = acting_user or SYSTEM
    require_mailings(permissions.can(actor, "content.send_campaign", campaign))
    written = 0
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status not in (*EDITABLE_CAMPAIGN, CampaignStatus.SENT):
            raise ContentError(_("This campaign is being sent."), field="status", code="campaign_started")
        done = set(locked.messages.values_list("person_id", flat=True))
        batch: list[Message] = []
        rows = recipients_with_language(locked).values_list("pk", "email", "mail_language")  # type: ignore[misc]
        for person_id, email, language in rows.iterator(chunk_size=2000):
            if person_id in done:
                continue
            batch.append(
                Message(
                    campaign=locked, person_id=person_id, email=email, language=language,
                    state=MessageState.SENT, message_id=f"<{uuid.uuid4().hex}.{locked.pk}@tamyr.imported>",
                    attempts=1, sent_at=when,
                )
            )  # fmt: skip
            if len(batch) >= 2000:
                written += len(Message.objects.bulk_create(batch, ignore_conflicts=True))
                batch = []
        written += len(Message.objects.bulk_create(batch, ignore_conflicts=True))
        locked.status = CampaignStatus.SENT
        locked.scheduled_at = locked.scheduled_at or when
        locked.started_at, locked.finished_at = locked.started_at or when, locked.finished_at or when
        locked.save(update_fields=["status", "scheduled_at", "started_at", "finished_at", "updated_at"])
        if written:
            audit.record(actor, "content.campaign_recorded_as_sent", locked, messages=written, at=_iso(when))
    return written
