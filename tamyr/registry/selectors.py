"""Reads of the registry, with their joins applied once here so no list page runs N+1 queries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from tamyr.accounts import permissions
from tamyr.core.i18n import LANGUAGE_CODES
from tamyr.registry import search
from tamyr.registry.expertise import is_field_code, keyword_key
from tamyr.registry.models import (
    Consent,
    ConsentPurpose,
    Country,
    DedupeRun,
    DuplicateCandidate,
    DuplicateStatus,
    ExpertiseField,
    Network,
    NetworkMembership,
    Organization,
    Person,
    PersonImport,
    PersonMerge,
)


def country_list() -> QuerySet[Country]:
    return Country.objects.all()


def countries_in_use() -> QuerySet[Country]:
    return Country.objects.filter(organizations__isnull=False).distinct()


def organization_list(
    *,
    search: str = "",
    country: str = "",
    kind: str = "",
    network: str = "",
    expertise: str = "",
    active_only: bool = True,
) -> QuerySet[Organization]:
    qs = Organization.objects.select_related("country", "parent").prefetch_related(
        Prefetch("network_memberships", queryset=NetworkMembership.objects.select_related("network")),
        "expertise_fields",
    )
    if active_only:
        qs = qs.filter(is_active=True)
    if country:
        qs = qs.filter(country_id=country.upper())
    if kind:
        qs = qs.filter(kind=kind)
    if network:
        qs = qs.filter(networks__slug=network)
    if expertise.strip():
        code = expertise.strip()
        through = Organization.expertise_fields.through
        named = through.objects.filter(Q(expertisefield_id=code) | Q(expertisefield__parent_id=code))
        qs = qs.filter(pk__in=named.values("organization_id"))
    if search:
        # names are {lang: text} JSON; searching the serialized text finds any language on both databases
        text = search.strip()
        condition = Q(short_name__icontains=text) | Q(slug__icontains=text) | Q(city__icontains=text)
        for code in LANGUAGE_CODES:
            condition |= Q(**{f"name__{code}__icontains": text})
        qs = qs.filter(condition)
    return qs.distinct().order_by("slug")


def organization_get(slug: str) -> Organization:
    return (
        Organization.objects.select_related("country", "parent")
        .prefetch_related(
            Prefetch("network_memberships", queryset=NetworkMembership.objects.select_related("network")),
            "children",
            "expertise_fields",
        )
        .get(slug=slug)
    )


def network_list() -> QuerySet[Network]:
    return Network.objects.annotate(organization_count=Count("memberships")).order_by("slug")


def network_get(slug: str) -> Network:
    return Network.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=NetworkMembership.objects.select_related("organization", "organization__country").order_by(
                "role", "organization__slug"
            ),
        )
    ).get(slug=slug)


def people_visible_to(user: Any) -> QuerySet[Person]:
    """People the user may see as staff (not counting their own record). Records merged into another person are
    left out: their names, affiliations and activities now belong to the kept record."""
    qs = (
        Person.objects.filter(merged_into__isnull=True)
        .select_related("residence_country", "registered_by")
        .prefetch_related("name_variants", "citizenships")
    )
    scope = permissions.people_scope(user)
    if scope is None:
        return qs
    if not scope:
        return qs.none()
    return qs.filter(Q(registered_by_id__in=scope) | Q(affiliations__organization_id__in=scope)).distinct()


def people_filter(
    qs: QuerySet[Person],
    *,
    country: str = "",
    organization: str = "",
    expertise: str = "",
    include_erased: bool = False,
) -> QuerySet[Person]:
    if expertise.strip():
        qs = people_with_expertise(qs, expertise)
    if country:
        qs = qs.filter(residence_country_id=country.upper())
    if organization:
        qs = qs.filter(
            Q(registered_by__slug=organization) | Q(affiliations__organization__slug=organization)
        ).distinct()
    if not include_erased:
        qs = qs.filter(erased_at__isnull=True)
    return qs


def expertise_field_list() -> QuerySet[ExpertiseField]:
    """The classification in its order, majors before their fields."""
    return ExpertiseField.objects.order_by("position")


def expertise_field_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices grouped by major field, in the active language: [("Humanities", [("6", "Humanities (all)"), …])]."""
    from django.utils.translation import gettext as _

    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for field in expertise_field_list():
        if field.is_major:
            groups.append((f"{field.code} {field.display_name}", []))
            groups[-1][1].append((field.code, _("%(field)s (all)") % {"field": f"{field.code} {field.display_name}"}))
        else:
            groups[-1][1].append((field.code, f"{field.code} {field.display_name}"))
    return groups


def people_consenting_to_expertise() -> QuerySet[Consent]:
    return Consent.objects.filter(purpose=ConsentPurpose.EXPERTISE, withdrawn_at__isnull=True)


def people_with_expertise(qs: QuerySet[Person], text: str) -> QuerySet[Person]:
    """People of `qs` who gave their consent to be found by their expertise and have it: `text` is a field code
    (a major field's code takes in its 42-field children: "5" finds "5.2") or a keyword, matched whole-word, case-
    and script-insensitively ("история" finds "История", "istoriya"), against both the people's keywords and the
    classification's names in every language ("economics" finds people in 5.2 Economics and business).

    Keywords are a JSON list per person, so they are compared here in Python over the consenting people of `qs`
    only (one query for them): the consent keeps that set to those who asked to be found. A table of keyword keys
    with an index is the next step if that set grows past tens of thousands (docs/decisions/0016)."""
    text = text.strip()
    qs = qs.filter(pk__in=people_consenting_to_expertise().values("person_id"))
    through = Person.expertise_fields.through
    if is_field_code(text):
        codes = through.objects.filter(Q(expertisefield_id=text) | Q(expertisefield__parent_id=text))
        return qs.filter(pk__in=codes.values("person_id"))
    key = keyword_key(text)
    if not key:
        return qs.none()
    needle = f" {key} "
    codes_named = [
        field.code
        for field in expertise_field_list()
        if any(needle in f" {keyword_key(name)} " for name in field.name.values())
    ]
    by_keyword = [
        pk
        for pk, words in qs.order_by().prefetch_related(None).values_list("pk", "expertise")
        if any(needle in f" {keyword_key(word)} " for word in words or () if isinstance(word, str))
    ]
    by_field = through.objects.filter(
        Q(expertisefield_id__in=codes_named) | Q(expertisefield__parent_id__in=codes_named)
    ).values("person_id")
    return qs.filter(Q(pk__in=by_keyword) | Q(pk__in=by_field))


def person_search(qs: QuerySet[Person], text: str, *, limit: int = 500) -> list[Person]:
    """People whose name matches `text` in any variant and any script, best match first (see `search`)."""
    return search.search_people(qs, text, limit=limit)


def person_get(pk: int) -> Person:
    return (
        Person.objects.select_related("residence_country", "registered_by", "user")
        .prefetch_related(
            "name_variants",
            "citizenships",
            "languages",
            "consents",
            "affiliations__organization",
            "expertise_fields",
        )
        .get(pk=pk)
    )


def person_of_user(user: Any) -> Person | None:
    """The user's own record; when it was merged into another, the kept record (which holds their data now)."""
    if not getattr(user, "is_authenticated", False):
        return None
    person = Person.objects.filter(user=user).first()
    seen: set[int] = set()
    while person is not None and person.merged_into_id is not None and person.pk not in seen:
        seen.add(person.pk)
        person = Person.objects.filter(pk=person.merged_into_id).first()
    return person


# --- unique people -------------------------------------------------------------------------------------------


def identity_expression(prefix: str = "") -> Coalesce:
    """The identity of a person as an SQL expression: the kept record's id for a merged record, else its own id.

    Other apps count unique people with it, so that a person registered twice under two spellings (and since
    merged) counts once: `Registration.objects.aggregate(n=Count(identity_expression("person__"), distinct=True))`.
    `prefix` is the path to the person from the model queried ("person__", or "" on Person itself). A merge
    re-points every row that referred to the merged record (`merge.person_merge`), so this matters for rows made
    while the merge is undone-and-redone, rows in tables a merge cannot move, and for figures computed from
    history; it costs one join and is always right.
    """
    return Coalesce(F(f"{prefix}merged_into"), F(f"{prefix}pk") if prefix else F("pk"))


def unique_people_count(qs: QuerySet[Any], prefix: str = "person__") -> int:
    """How many distinct people `qs` (rows that point at a person through `prefix`) refers to."""
    return int(qs.aggregate(n=Count(identity_expression(prefix), distinct=True))["n"] or 0)


# --- duplicates and imports ----------------------------------------------------------------------------------


def people_writable_by(user: Any) -> QuerySet[Person]:
    """People the user may change (admins and staff of the keeping or an affiliated organization)."""
    scope = permissions.people_write_scope(user)
    qs = Person.objects.all()
    if scope is None:
        return qs
    if not scope:
        return qs.none()
    return qs.filter(Q(registered_by_id__in=scope) | Q(affiliations__organization_id__in=scope)).distinct()


def people_in_reach(user: Any) -> QuerySet[Person]:
    """People the user may name in a write (register for an event, enroll in a course, make head of a delegation or
    a speaker): the records their own organizations keep (`people_writable_by`), and their own record.

    Every person reference a write accepts is checked against this one queryset, in the API (as the queryset of the
    field) and on the staff pages (as the choices of the form): a write never reaches a record the caller may not
    change, so it cannot carry that record's name or e-mail into an export, an e-mail or a public page. A network
    coordinator's reading scope does not count: reading a record is not a licence to hand it to an event or a
    course. Erased and merged records are left out (a merged record's data belongs to the kept one)."""
    qs = Person.objects.filter(erased_at__isnull=True, merged_into__isnull=True).select_related("residence_country")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = permissions.people_write_scope(user)
    if scope is None:
        return qs
    condition = Q(user_id=user.pk)
    if scope:
        condition |= Q(registered_by_id__in=scope) | Q(affiliations__organization_id__in=scope)
    return qs.filter(condition).distinct()


def person_in_reach(user: Any, person: Person) -> bool:
    """Whether `people_in_reach(user)` holds `person`; for services, which check again what a form or serializer
    offered (a command or a future caller may skip those)."""
    return people_in_reach(user).filter(pk=person.pk).exists()


def organizations_to_name() -> QuerySet[Organization]:
    """Organizations a write may name without acting for them (a delegation's or a registrant's organization, a
    co-organizer, a parent): those of the public directory, which everyone may see. Naming one reads nothing of
    theirs; acting for one (an event's organizer, a course's provider, the keeper of a record) is a permission,
    asked of `permissions.can()` by the service."""
    return Organization.objects.filter(is_active=True)


def initials(name: str) -> str:
    """ "Айгерім Сүлейменова" → "А. С."; hyphenated parts count as one word."""
    return " ".join(f"{part[0].upper()}." for part in name.split() if part[0].isalpha()) or "—"


def people_showing_their_name(person_ids: Iterable[int]) -> set[int]:
    """Who among `person_ids` has an active consent to show their name on public pages and certificates: the one
    rule for every name a page shows to anyone (certificates, delegation heads); without it, initials."""
    return set(
        Consent.objects.filter(
            person_id__in=list(person_ids), purpose=ConsentPurpose.PUBLIC_PROFILE, withdrawn_at__isnull=True
        ).values_list("person_id", flat=True)
    )


def duplicate_list(user: Any, *, status: str = DuplicateStatus.OPEN) -> QuerySet[DuplicateCandidate]:
    """Pairs waiting for review that the user may decide on (they may change both records), best first.

    Pairs where either record has been merged or erased since are left out: the pair no longer exists as such."""
    qs = DuplicateCandidate.objects.filter(
        status=status,
        person_a__merged_into__isnull=True,
        person_b__merged_into__isnull=True,
        person_a__erased_at__isnull=True,
        person_b__erased_at__isnull=True,
    )
    if permissions.people_write_scope(user) is not None:
        writable = people_writable_by(user).values("pk")
        qs = qs.filter(person_a__in=writable, person_b__in=writable)
    return qs.select_related(
        "person_a__residence_country",
        "person_b__residence_country",
        "person_a__registered_by",
        "person_b__registered_by",
    ).order_by("-score", "pk")


def duplicate_get(pk: int) -> DuplicateCandidate:
    people = Person.objects.select_related("residence_country", "registered_by").prefetch_related(
        "name_variants", "citizenships", "affiliations__organization", "consents"
    )
    candidate = DuplicateCandidate.objects.select_related("decided_by").get(pk=pk)
    found = {person.pk: person for person in people.filter(pk__in=[candidate.person_a_id, candidate.person_b_id])}
    candidate.person_a = found[candidate.person_a_id]
    candidate.person_b = found[candidate.person_b_id]
    return candidate


def related_counts(person: Person) -> list[tuple[str, int]]:
    """How many rows of each kind in any app refer to the person ("Registrations: 2"), for the merge page: staff
    see what a merge would move without the registry knowing the other apps."""
    from tamyr.registry.merge import person_relations

    counts = []
    for model, field in person_relations():
        if model._meta.auto_created or model is Person:
            continue
        count = model._default_manager.filter(**{field.attname: person.pk}).count()
        if count:
            counts.append((str(model._meta.verbose_name_plural).capitalize(), count))
    return counts


def merges_of(person: Person) -> QuerySet[PersonMerge]:
    """Merges into this person that can still be undone."""
    return PersonMerge.objects.filter(kept=person, undone_at__isnull=True).select_related("merged", "merged_by")


def latest_dedupe_run() -> DedupeRun | None:
    return DedupeRun.objects.order_by("-created_at", "-pk").first()


def person_import_list(user: Any) -> QuerySet[PersonImport]:
    qs = PersonImport.objects.select_related("organization", "created_by")
    scope = permissions.people_write_scope(user)
    if scope is None:
        return qs
    return qs.filter(organization_id__in=scope)
