"""Who a segment's rules name, and who of them may be written to: each is one SQL query, whatever the audience size.

A segment's `rules` (see `Segment`) are evaluated here, when a segment is previewed and when a campaign starts, never
stored as a list (docs/decisions/0028, 0031). Each rule key narrows the audience (AND between keys); the values of one
key widen it (OR within a key). Every rule is an uncorrelated `IN (subquery)` on the person, so a person who matches
through two events is still one row, the database hashes each subquery once (also under OR), and 100,000 people are
counted by the database, not by a Python loop.

What each rule means (docs/decisions/0031):

- `countries`: ISO codes of the country of residence.
- `networks`: network slugs; people affiliated with one of the network's member organizations, or registered
  (pending, confirmed or waitlisted) at an event organized or co-organized by a member organization.
- `organizations`: organization slugs; people affiliated with it, registered at its events (organizer or
  co-organizer), enrolled in its courses (active or completed) or who submitted an application to its calls.
- `events`: event slugs; people registered there (pending, confirmed or waitlisted; not declined or cancelled).
- `courses`: course slugs; people enrolled (active or completed; not waitlisted or withdrawn).
- `calls`: call slugs; people who submitted an application (drafts and withdrawn ones do not count).
- `languages`: the person's preferred language: the linked account's `preferred_language` when set, else any of the
  languages the person speaks (their registry record).

Erased and merged records are never in any audience. Only people with an active `contact` consent and an e-mail
address are recipients (`recipients`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _

from tamyr.calls.models import Application, ApplicationStatus, Call
from tamyr.content.models import Campaign, Segment
from tamyr.core.errors import DomainError
from tamyr.core.i18n import LANGUAGE_CODES
from tamyr.events.models import ACTIVE_STATUSES, Event, Registration
from tamyr.learning.models import Course, Enrollment, EnrollmentStatus
from tamyr.registry.models import (
    Affiliation,
    Consent,
    ConsentPurpose,
    Country,
    LanguageLevel,
    Network,
    NetworkMembership,
    Organization,
    Person,
    SpokenLanguage,
)

RULE_KEYS = ("countries", "networks", "organizations", "events", "courses", "calls", "languages")
ENROLLED = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)
#: at most this many values in one rule: a form posts a few dozen; thousands would be a mistake, not a segment
MAX_VALUES = 500


class SegmentError(DomainError):
    code = "invalid_segment"


def _rules_of(segment_or_rules: Segment | dict[str, Any] | None) -> dict[str, list[str]]:
    rules = segment_or_rules.rules if isinstance(segment_or_rules, Segment) else segment_or_rules
    return {key: [str(v) for v in values] for key, values in (rules or {}).items() if key in RULE_KEYS and values}


def clean_rules(rules: Any) -> dict[str, list[str]]:
    """The rules in their stored shape, or a SegmentError naming what is wrong (unknown key, unknown value)."""
    if rules in (None, ""):
        return {}
    if not isinstance(rules, dict):
        raise SegmentError(_("Rules are a mapping from a rule name to a list of values."), field="rules")
    cleaned: dict[str, list[str]] = {}
    for key, values in rules.items():
        if key not in RULE_KEYS:
            raise SegmentError(_("Unknown rule %(key)s.") % {"key": key}, field="rules")
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise SegmentError(_("Rule %(key)s takes a list of values.") % {"key": key}, field="rules")
        if len(values) > MAX_VALUES:
            raise SegmentError(_("Rule %(key)s has too many values.") % {"key": key}, field="rules")
        values = sorted({v.strip() for v in values if v.strip()})
        if values:
            cleaned[key] = values
    _check_known(cleaned)
    return cleaned


def _check_known(rules: dict[str, list[str]]) -> None:
    known: dict[str, Any] = {
        "countries": (Country.objects, "code"),
        "networks": (Network.objects, "slug"),
        "organizations": (Organization.objects, "slug"),
        "events": (Event.objects, "slug"),
        "courses": (Course.objects, "slug"),
        "calls": (Call.objects, "slug"),
    }
    for key, values in rules.items():
        if key == "languages":
            unknown = [v for v in values if v not in LANGUAGE_CODES]
        else:
            manager, field = known[key]
            values = [v.upper() for v in values] if key == "countries" else values
            if key == "countries":
                rules[key] = values
            found = set(manager.filter(**{f"{field}__in": values}).values_list(field, flat=True))
            unknown = [v for v in values if v not in found]
        if unknown:
            raise SegmentError(
                _("Rule %(key)s names what does not exist: %(values)s.") % {"key": key, "values": ", ".join(unknown)},
                field="rules",
            )


def _people(rows: QuerySet[Any]) -> Q:
    """`person IN (rows' people)`: uncorrelated, so the database runs it once and hashes it, also under OR (a
    correlated EXISTS under OR is re-run for every person)."""
    return Q(pk__in=rows.values("person_id"))


def _registered(events: QuerySet[Any]) -> Q:
    return _people(Registration.objects.filter(status__in=ACTIVE_STATUSES, event__in=events.values("pk")))


def _affiliated(organizations: QuerySet[Any]) -> Q:
    return _people(Affiliation.objects.filter(organization__in=organizations.values("pk")))


def _organized_by(organizations: QuerySet[Any]) -> QuerySet[Event]:
    ids = organizations.values("pk")
    return Event.objects.filter(Q(organizer__in=ids) | Q(co_organizers__in=ids))


def _rule(key: str, values: list[str]) -> Q:
    if key == "countries":
        return Q(residence_country_id__in=[v.upper() for v in values])
    if key == "events":
        return _registered(Event.objects.filter(slug__in=values))
    if key == "courses":
        return _people(Enrollment.objects.filter(status__in=ENROLLED, group__course__slug__in=values))
    if key == "calls":
        return _people(Application.objects.filter(status=ApplicationStatus.SUBMITTED, call__slug__in=values))
    if key == "organizations":
        organizations = Organization.objects.filter(slug__in=values)
        ids = organizations.values("pk")
        return (
            _affiliated(organizations)
            | _registered(_organized_by(organizations))
            | _people(Enrollment.objects.filter(status__in=ENROLLED, group__course__provider__in=ids))
            | _people(Application.objects.filter(status=ApplicationStatus.SUBMITTED, call__organization__in=ids))
        )
    if key == "networks":
        members = Organization.objects.filter(
            pk__in=NetworkMembership.objects.filter(network__slug__in=values).values("organization_id")
        )
        return _affiliated(members) | _registered(_organized_by(members))
    if key == "languages":
        speaks = _people(SpokenLanguage.objects.filter(language__in=values))
        no_preference = Q(user__isnull=True) | Q(user__preferred_language="")
        return Q(user__preferred_language__in=values) | (no_preference & speaks)
    raise SegmentError(_("Unknown rule %(key)s.") % {"key": key}, field="rules")


def segment_people(segment_or_rules: Segment | dict[str, Any] | None) -> QuerySet[Person]:
    """Everyone the rules name (one query, no duplicates), erased and merged records left out; no rules: everyone
    in the registry (a segment for "all compatriots" is a real use)."""
    people = Person.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
    for key, values in _rules_of(segment_or_rules).items():
        people = people.filter(_rule(key, values))
    return people


def contact_consent() -> Exists:
    return Exists(
        Consent.objects.filter(person=OuterRef("pk"), purpose=ConsentPurpose.CONTACT, withdrawn_at__isnull=True)
    )


def recipients(segment: Segment | dict[str, Any] | None) -> QuerySet[Person]:
    """Who a campaign to this segment writes to: the segment's people with an active `contact` consent and an
    e-mail address. Its `.count()` is the preview size; the delivery engine writes one message per row of it."""
    return segment_people(segment).filter(contact_consent()).exclude(email="")


def _level_rank() -> Case:
    order = [LanguageLevel.NATIVE, "C2", "C1", "B2", "B1", "A2", "A1"]
    return Case(*(When(level=level, then=Value(i)) for i, level in enumerate(order)), default=Value(99),
                output_field=IntegerField())  # fmt: skip


def campaign_languages(campaign: Campaign) -> list[str]:
    """The languages the campaign has a version in: a subject written in it."""
    return [code for code in LANGUAGE_CODES if (campaign.subject or {}).get(code, "").strip()]


def recipients_with_language(campaign: Campaign) -> QuerySet[Person]:
    """The campaign's recipients, each annotated with `mail_language`: the version they get.

    Their account's preferred language when the campaign has a version in it; a person without one (no account, or
    no preference set) gets a language they speak that the campaign has (the best-known first); anyone else gets
    the campaign's fallback language. Still one query."""
    languages = campaign_languages(campaign)
    spoken = (
        SpokenLanguage.objects.filter(person=OuterRef("pk"), language__in=languages)
        .annotate(rank=_level_rank())
        .order_by("rank", "language")
        .values("language")[:1]
    )
    no_preference = Q(user__isnull=True) | Q(user__preferred_language="")
    return recipients(campaign.segment).annotate(
        mail_language=Case(
            When(user__preferred_language__in=languages, then=F("user__preferred_language")),
            When(no_preference & Q(Exists(spoken)), then=Subquery(spoken)),
            default=Value(campaign.fallback_language),
            output_field=CharField(),
        )
    )
