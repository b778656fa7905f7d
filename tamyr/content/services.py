"""Every write of news and pages: create, change, restore a revision, attach and remove files.

Each service is one transaction, asks `permissions.can()` itself (so the pages, the API and network files meet the
same rule), cleans every body with the sanitiser, stamps the languages whose version changed (which is how the editor
learns that a translation is older than its source) and keeps a revision of what was saved.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from tamyr.accounts import permissions
from tamyr.content import html
from tamyr.content.models import TEXT_FIELDS, Attachment, Entry, EntryKind, EntryStatus, Revision
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
