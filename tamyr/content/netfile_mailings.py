"""The `segments` and `campaigns` sections of a network file: an organization's audiences and its mailings.

A segment is matched by its organization and name; a campaign too. A campaign may be written as `draft`, as
`scheduled` (with `scheduled`, a time ahead) or as `sent` (with `sent`, a time past): a sent one is history imported
from another system, recorded through `services.campaign_record_as_sent` with one `sent` message per present
recipient; nothing is mailed. A campaign that has started is never changed by a file. Times are `YYYY-MM-DD HH:MM`
in UTC. Nothing is deleted by omission.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.accounts.permissions import SYSTEM
from tamyr.content import services
from tamyr.content.models import Campaign, CampaignStatus, Segment
from tamyr.content.segments import RULE_KEYS, SegmentError, clean_rules
from tamyr.core.i18n import clean_translations
from tamyr.core.netfiles import SLUG, TRANSLATED, Action, Change, Context, DumpScope, Item, Section, register
from tamyr.events.netfile import RELATIVE
from tamyr.registry.models import NetworkMembership, Organization

TIME: dict[str, Any] = {
    "type": ["string", "null"],
    "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2}[T ]|[+-][0-9]{1,4}d )[0-9]{2}:[0-9]{2}$",
    "description": "YYYY-MM-DD HH:MM in UTC, or relative to the day of loading: +40d 09:00.",
}
NAME: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 200}


def _time(value: Any) -> dt.datetime:
    """A time in UTC; a relative one (`+40d 09:00`, as events' files write it) counts the days from today, so that
    the demo's scheduled campaign stays in the future."""
    text = str(value)
    if relative := RELATIVE.match(text):
        day = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=int(relative["days"]))
        text = f"{day.isoformat()} {relative['time']}"
    return dt.datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=dt.UTC)


def _format(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if value else None


def _organizations(items: list[Item], context: Context) -> dict[str, Organization]:
    slugs = {item.data["organization"] for item in items}
    found = {org.slug: org for org in Organization.objects.filter(slug__in=slugs)}
    for item in items:
        slug = item.data["organization"]
        if slug not in found and not context.declares("organizations", slug):
            context.problems.append(
                item.problem("organization", _("There is no organization %(slug)s.") % {"slug": slug})
            )
    return found


def _members_of(scope: DumpScope) -> Any:
    return NetworkMembership.objects.filter(network__slug__in=scope.networks).values("organization_id")


@register
class SegmentsSection(Section):
    name = "segments"
    label = gettext_lazy("audience")
    depends_on = ("organizations", "networks", "events", "courses", "calls")
    key_field = "name"

    def key_of(self, data: dict[str, Any]) -> str:
        return f"{data.get('organization', '')}/{data.get('name', '')}"

    def item_schema(self) -> dict[str, Any]:
        rules = {key: {"type": "array", "items": {"type": "string"}} for key in RULE_KEYS}
        return {
            "type": "object",
            "required": ["organization", "name"],
            "additionalProperties": False,
            "properties": {
                "organization": SLUG,
                "name": NAME,
                "rules": {"type": "object", "additionalProperties": False, "properties": rules},
            },
        }

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        _organizations(items, context)
        existing = {(s.organization.slug, s.name): s for s in Segment.objects.select_related("organization")}
        changes = []
        for item in items:
            data = item.data
            try:
                rules = clean_rules(dict(data.get("rules") or {}))
            except SegmentError as error:
                context.problems.append(item.problem("rules", str(error.message)))
                rules = {}
            current = existing.get((data["organization"], data["name"]))
            action: Action = "create" if current is None else "change" if current.rules != rules else "unchanged"
            changes.append(Change(self, self.key_of(data), action, item, fields=["rules"], data={"rules": rules}))
        return changes

    def apply(self, change: Change, context: Context) -> None:
        user = context.acting_user if context.acting_user is not None else SYSTEM
        data = change.item.data
        organization = Organization.objects.get(slug=data["organization"])
        current = Segment.objects.filter(organization=organization, name=data["name"]).first()
        if current is None:
            services.segment_create(
                acting_user=user, organization=organization, name=data["name"], rules=change.data["rules"]
            )
        else:
            services.segment_update(segment=current, acting_user=user, rules=change.data["rules"])

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        segments = Segment.objects.filter(organization_id__in=_members_of(scope)).select_related("organization")
        return [
            {"organization": s.organization.slug, "name": s.name, "rules": s.rules}
            for s in segments.order_by("organization__slug", "name")
        ]


@register
class CampaignsSection(Section):
    name = "campaigns"
    label = gettext_lazy("campaign")
    depends_on = ("segments",)
    key_field = "name"

    def key_of(self, data: dict[str, Any]) -> str:
        return f"{data.get('organization', '')}/{data.get('name', '')}"

    def item_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["organization", "name", "segment", "subject"],
            "additionalProperties": False,
            "properties": {
                "organization": SLUG,
                "name": NAME,
                "segment": {**NAME, "description": "The name of a segment of the same organization."},
                "subject": TRANSLATED,
                "body": {**TRANSLATED, "description": "Plain text; {name}, {first_name}, {country} are filled in."},
                "fallback_language": {"enum": [code for code, _name in settings.LANGUAGES]},
                "status": {"enum": ["draft", "scheduled", "sent"], "default": "draft"},
                "scheduled": TIME,
                "sent": TIME,
            },
        }

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        _organizations(items, context)
        existing = {(c.organization.slug, c.name): c for c in Campaign.objects.select_related("organization")}
        changes = []
        for item in items:
            data = item.data
            status = data.get("status", "draft")
            values: dict[str, Any] = {}
            for field in ("subject", "body"):
                if field in data:
                    try:
                        values[field] = clean_translations(data[field])
                    except ValueError as error:
                        context.problems.append(item.problem(field, str(error)))
            if "fallback_language" in data:
                values["fallback_language"] = data["fallback_language"]
            when: dt.datetime | None = None
            moment = data.get("scheduled") if status == "scheduled" else data.get("sent") if status == "sent" else None
            if status in ("scheduled", "sent"):
                try:
                    when = _time(moment)
                except (TypeError, ValueError):
                    context.problems.append(item.problem(status, _("Write the time as YYYY-MM-DD HH:MM.")))
            current = existing.get((data["organization"], data["name"]))
            passed = when is not None and when <= timezone.now()
            if status == "scheduled" and passed and (current is None or current.scheduled_at != when):
                context.problems.append(item.problem("scheduled", _("Choose a time ahead.")))
            if status == "sent" and when is not None and when > timezone.now():
                context.problems.append(item.problem("sent", _("A sent campaign was sent in the past.")))
            action: Action
            if current is None:
                action = "create"
                fields = sorted([*values, "segment", "status"])
            elif current.status not in services.EDITABLE_CAMPAIGN:
                action, fields = "unchanged", []
            else:
                fields = [field for field, value in values.items() if getattr(current, field) != value]
                if current.segment.name != data["segment"]:
                    fields.append("segment")
                if status != current.status or (status == "scheduled" and current.scheduled_at != when):
                    fields.append("status")
                action = "change" if fields else "unchanged"
            plan = {"values": values, "status": status, "when": when}
            changes.append(Change(self, self.key_of(data), action, item, fields=fields, data=plan))
        return changes

    def apply(self, change: Change, context: Context) -> None:
        user = context.acting_user if context.acting_user is not None else SYSTEM
        data = change.item.data
        organization = Organization.objects.get(slug=data["organization"])
        segment = Segment.objects.get(organization=organization, name=data["segment"])
        values = dict(change.data["values"])
        campaign = Campaign.objects.filter(organization=organization, name=data["name"]).first()
        if campaign is None:
            campaign = services.campaign_create(
                acting_user=user, organization=organization, segment=segment, name=data["name"], **values
            )
        else:
            campaign = services.campaign_update(campaign=campaign, acting_user=user, segment=segment, **values)
        status, when = change.data["status"], change.data["when"]
        if status == "scheduled" and (campaign.status != CampaignStatus.SCHEDULED or campaign.scheduled_at != when):
            services.campaign_schedule(campaign, when, user)
        elif status == "sent":
            services.campaign_record_as_sent(campaign, when, acting_user=user)
        elif status == "draft" and campaign.status == CampaignStatus.SCHEDULED:
            services.campaign_cancel_schedule(campaign, user)

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        campaigns = Campaign.objects.filter(organization_id__in=_members_of(scope)).select_related(
            "organization", "segment"
        )
        items = []
        for campaign in campaigns.order_by("organization__slug", "name"):
            item: dict[str, Any] = {
                "organization": campaign.organization.slug,
                "name": campaign.name,
                "segment": campaign.segment.name,
                "subject": campaign.subject,
                "body": campaign.body,
                "fallback_language": campaign.fallback_language,
            }
            if campaign.status == CampaignStatus.SCHEDULED:
                item |= {"status": "scheduled", "scheduled": _format(campaign.scheduled_at)}
            elif campaign.status == CampaignStatus.SENT:
                item |= {"status": "sent", "sent": _format(campaign.finished_at)}
            items.append(item)
        return items
