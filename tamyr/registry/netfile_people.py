"""The `people` section of a network file: the people an institution names in public — speakers, co-chairs, heads of
delegation — with the ways their names are written, where they work, and the consents they gave.

Why only these: a network file is meant to be shared and kept in version control, so it carries no e-mail, phone or
year of birth, and a dump writes only people with a key and an active consent to be shown on public pages
(`ConsentPurpose.PUBLIC_PROFILE`). A compatriots' list belongs in a people import (the registry's import page),
which keeps its file private. People are matched by `key` (`Person.key`), never by name or id.

A file gives consents; it never withdraws one (that is the person's act, done on their record), and a consent the
person already holds for a purpose is left as it is. `affiliations` and `languages` (the languages the person speaks,
with a level), when given, are the person's whole lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.core import bulk
from tamyr.core.netfiles import DATE, SLUG, Change, Context, DumpScope, Item, Section, register
from tamyr.registry import services
from tamyr.registry.models import (
    Affiliation,
    ConsentMethod,
    ConsentPurpose,
    Country,
    Gender,
    LanguageLevel,
    NameVariant,
    Organization,
    Person,
)
from tamyr.registry.search import new_variant, write_grams

KEY: dict[str, Any] = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80}
COUNTRY: dict[str, Any] = {"type": ["string", "null"], "pattern": "^[A-Z]{2}$", "description": "ISO 3166 alpha-2"}

#: The fields a file writes, in the order a dump writes them (the section's comparison follows it too).
PROFILE = ("name", "name_variants", "kept_by", "gender", "residence_country", "residence_city", "citizenships")


def _noon(day: dt.date) -> dt.datetime:
    """A consent given on a day is recorded at noon UTC, so loading the file again finds the same moment."""
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)


def _date(item: Item, field: str, value: str | None, context: Context) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        message = _("%(value)s is not a date; write it as YYYY-MM-DD.") % {"value": value}
        context.problems.append(item.problem(field, message))
        return None


def _entries(item: Item, field: str) -> list[tuple[int, Any]]:
    return list(enumerate(item.data.get(field) or []))


def _line(item: Item, field: str, index: int) -> int | None:
    """The line of a list entry (`affiliations[1]`), so a mistake is reported where it stands."""
    entries = item.data.get(field)
    line_of = getattr(entries, "line_of", None)
    return int(line_of(index)) if line_of else None


def public_people(keys: set[str]) -> set[str]:
    """Of `keys`, those a dump may write: people with an active consent to be shown on public pages.

    Other sections (an event's speakers) leave out references to the rest, so that a dump never carries a name
    its owner has not agreed to show."""
    if not keys:
        return set()
    return {
        key
        for key in Person.objects.filter(
            key__in=keys,
            erased_at__isnull=True,
            merged_into__isnull=True,
            consents__purpose=ConsentPurpose.PUBLIC_PROFILE,
            consents__withdrawn_at__isnull=True,
        ).values_list("key", flat=True)
        if key
    }


@register
class PeopleSection(Section):
    name = "people"
    label = gettext_lazy("person")
    depends_on = ("organizations",)
    key_field = "key"

    def item_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["key", "name"],
            "additionalProperties": False,
            "properties": {
                "key": {**KEY, "description": "A stable key, e.g. daniyar-kadyrov; other sections name people by it."},
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                "name_variants": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["text"],
                        "additionalProperties": False,
                        "properties": {
                            "text": {"type": "string", "minLength": 1, "maxLength": 200},
                            "language": {"type": "string", "maxLength": 8},
                        },
                    },
                },
                "kept_by": {**SLUG, "type": ["string", "null"], "description": "The organization keeping the record."},
                "gender": {"enum": ["", *Gender.values]},
                "residence_country": COUNTRY,
                "residence_city": {"type": ["string", "null"], "maxLength": 120},
                "citizenships": {"type": "array", "items": COUNTRY},
                "expertise": {"type": "array", "items": {"type": "string", "maxLength": 100}},
                "languages": {
                    "type": "array",
                    "description": "The languages the person speaks; the whole list, when written.",
                    "items": {
                        "type": "object",
                        "required": ["language"],
                        "additionalProperties": False,
                        "properties": {
                            "language": {"type": "string", "pattern": "^[a-z]{2,3}$", "description": "ISO 639"},
                            "level": {"enum": ["", *LanguageLevel.values]},
                        },
                    },
                },
                "affiliations": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["organization"],
                        "additionalProperties": False,
                        "properties": {
                            "organization": SLUG,
                            "role": {"type": "string", "maxLength": 200},
                            "since": DATE,
                            "until": DATE,
                        },
                    },
                },
                "consents": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["purpose", "method", "given"],
                        "additionalProperties": False,
                        "properties": {
                            "purpose": {"enum": list(ConsentPurpose.values)},
                            "method": {"enum": list(ConsentMethod.values)},
                            "given": DATE,
                            "note": {"type": "string", "maxLength": 300},
                        },
                    },
                },
            },
        }

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        keys = [self.key_of(item.data) for item in items]
        existing = {
            person.key: person
            for person in Person.objects.filter(key__in=keys)
            .select_related("registered_by")
            .prefetch_related(
                "citizenships",
                "consents",
                "languages",
                Prefetch("name_variants", queryset=NameVariant.objects.order_by("id")),
                Prefetch("affiliations", queryset=Affiliation.objects.select_related("organization")),
            )
        }
        named = {item.data["kept_by"] for item in items if item.data.get("kept_by")}
        named |= {a["organization"] for item in items for a in item.data.get("affiliations") or []}
        undeclared = {slug for slug in named if not context.declares("organizations", slug)}
        known = set(Organization.objects.filter(slug__in=undeclared).values_list("slug", flat=True))
        countries = set(Country.objects.values_list("code", flat=True))
        changes: list[Change] = []
        for item in items:
            key = self.key_of(item.data)
            wanted = self._wanted(item, context, undeclared - known, countries)
            person = existing.get(key)
            if person is not None and (person.is_erased or person.is_merged):
                message = _("The person with the key %(key)s was erased or merged; give the key to no one else.")
                context.problems.append(item.problem("key", message % {"key": key}))
                continue
            if person is None:
                changes.append(Change(self, key, "create", item, fields=sorted(wanted), data=wanted))
                continue
            current = self._current(person)
            if "kept_by" in wanted and wanted["kept_by"] != current["kept_by"]:
                message = _("The organization that keeps a record changes on the record itself, not through a file.")
                context.problems.append(item.problem("kept_by", message))
            fields = [field for field, value in wanted.items() if field != "consents" and value != current[field]]
            given = {consent.purpose for consent in person.consents.all() if consent.withdrawn_at is None}
            new_consents = [consent for consent in wanted.get("consents", []) if consent["purpose"] not in given]
            fields += [f"+consents.{consent['purpose']}" for consent in new_consents]
            data = {field: wanted[field] for field in fields if field in wanted} | {"consents": new_consents}
            changes.append(Change(self, key, "change" if fields else "unchanged", item, fields=fields, data=data))
        return changes

    def _wanted(self, item: Item, context: Context, unknown: set[str], countries: set[str]) -> dict[str, Any]:
        """The item's fields as the comparison and the services see them; problems go to `context`."""
        data = item.data
        wanted: dict[str, Any] = {}
        codes: list[tuple[str, Any, int | None]] = [("residence_country", data.get("residence_country"), None)]
        codes += [
            (f"citizenships[{i}]", code, _line(item, "citizenships", i)) for i, code in _entries(item, "citizenships")
        ]
        for field, code, line in codes:
            if code and code not in countries:
                message = _("Unknown country code %(code)s.") % {"code": code}
                context.problems.append(item.problem(field, message, line=line))
        slugs: list[tuple[str, Any, int | None]] = [("kept_by", data.get("kept_by"), None)]
        slugs += [
            (f"affiliations[{i}].organization", entry["organization"], _line(item, "affiliations", i))
            for i, entry in _entries(item, "affiliations")
        ]
        for field, slug, line in slugs:
            if slug and slug in unknown:
                message = _("There is no organization %(slug)s: add it to the file's organizations, or load it first.")
                context.problems.append(item.problem(field, message % {"slug": slug}, line=line))
        for field in data:
            if field == "key":
                continue
            value = data[field]
            if field == "name":
                value = value.strip()
            elif field == "name_variants":
                value = [(v["text"].strip(), v.get("language") or "") for v in value or []]
            elif field in {"kept_by", "residence_country"}:
                value = value or None
            elif field in {"gender", "residence_city"}:
                value = (value or "").strip()
            elif field in {"citizenships"}:
                value = sorted(set(value or []))
            elif field == "expertise":
                value = [tag.strip() for tag in value or [] if tag.strip()]
            elif field == "languages":
                value = sorted({entry["language"]: entry.get("level") or "" for entry in value or []}.items())
            elif field == "affiliations":
                value = {
                    a["organization"]: (
                        (a.get("role") or "").strip(),
                        _date(item, f"affiliations[{i}].since", a.get("since"), context),
                        _date(item, f"affiliations[{i}].until", a.get("until"), context),
                    )
                    for i, a in enumerate(value or [])
                }
            elif field == "consents":
                value = [
                    {
                        "purpose": c["purpose"],
                        "method": c["method"],
                        "given": _date(item, f"consents[{i}].given", c["given"], context),
                        "note": c.get("note") or "",
                    }
                    for i, c in enumerate(value or [])
                ]
            wanted[field] = value
        return wanted

    def _current(self, person: Person) -> dict[str, Any]:
        display = person.display_name
        variants = [(v.text, v.language) for v in person.name_variants.all() if (v.text, v.language) != (display, "")]
        return {
            "name": display,
            "name_variants": variants,
            "kept_by": person.registered_by.slug if person.registered_by else None,
            "gender": person.gender,
            "residence_country": person.residence_country_id,
            "residence_city": person.residence_city,
            "citizenships": sorted(country.code for country in person.citizenships.all()),
            "expertise": list(person.expertise or []),
            "languages": sorted((spoken.language, spoken.level) for spoken in person.languages.all()),
            "affiliations": {
                a.organization.slug: (a.role, a.since, a.until)
                for a in sorted(person.affiliations.all(), key=lambda a: a.organization.slug)
            },
        }

    def apply(self, change: Change, context: Context) -> None:
        user = context.acting_user
        data = dict(change.data)
        fields: dict[str, Any] = {}
        for field in ("gender", "residence_city", "expertise"):
            if field in data:
                fields[field] = data[field]
        if "residence_country" in data:
            code = data["residence_country"]
            fields["residence_country"] = Country.objects.get(code=code) if code else None
        variants = None
        if "name_variants" in data:
            variants = [{"text": text, "language": language} for text, language in data["name_variants"]]
        languages = data.get("languages")
        citizenships = None
        if "citizenships" in data:
            citizenships = list(Country.objects.filter(code__in=data["citizenships"]))
        kept_by = Organization.objects.get(slug=data["kept_by"]) if data.get("kept_by") else None
        if change.action == "create":
            person = services.person_create(
                display_name=data["name"],
                acting_user=user,
                key=change.key,
                name_variants=variants or (),
                registered_by=kept_by,
                citizenships=citizenships or (),
                languages=languages or (),
                **fields,
            )
        else:
            person = Person.objects.get(key=change.key)
            if "name" in data:
                fields["display_name"] = data["name"]
            services.person_update(
                person=person,
                acting_user=user,
                name_variants=variants,
                citizenships=citizenships,
                languages=languages,
                **fields,
            )
        if "affiliations" in data:
            wanted = data["affiliations"]
            for affiliation in person.affiliations.select_related("organization"):
                if affiliation.organization.slug not in wanted:
                    services.affiliation_remove(affiliation=affiliation, acting_user=user)
            organizations = Organization.objects.in_bulk(list(wanted), field_name="slug")
            for slug, (role, since, until) in wanted.items():
                services.affiliation_set(
                    person=person,
                    organization=organizations[slug],
                    acting_user=user,
                    role=role,
                    since=since,
                    until=until,
                )
        for consent in data.get("consents", []):
            services.consent_give(
                person=person,
                purpose=consent["purpose"],
                method=consent["method"],
                given_at=_noon(consent["given"]) if consent["given"] else None,
                note=consent["note"],
                acting_user=user,
            )

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        keys = public_people(scope.people)
        people = (
            Person.objects.filter(key__in=keys)
            .select_related("registered_by")
            .prefetch_related(
                "citizenships",
                Prefetch("name_variants", queryset=NameVariant.objects.order_by("id")),
                Prefetch("affiliations", queryset=Affiliation.objects.select_related("organization")),
                "consents",
                "languages",
            )
            .order_by("key")
        )
        return [self._item(person) for person in people]

    def _item(self, person: Person) -> dict[str, Any]:
        current = self._current(person)
        item: dict[str, Any] = {"key": person.key, "name": person.display_name}
        if current["name_variants"]:
            item["name_variants"] = [
                {"text": text, "language": language} if language else {"text": text}
                for text, language in current["name_variants"]
            ]
        for field in ("kept_by", "gender", "residence_country", "residence_city", "citizenships", "expertise"):
            if current[field]:
                item[field] = current[field]
        if current["languages"]:
            item["languages"] = [
                {"language": language} | ({"level": level} if level else {}) for language, level in current["languages"]
            ]
        if current["affiliations"]:
            item["affiliations"] = [
                {"organization": slug}
                | ({"role": role} if role else {})
                | ({"since": since.isoformat()} if since else {})
                | ({"until": until.isoformat()} if until else {})
                for slug, (role, since, until) in current["affiliations"].items()
            ]
        consents = [c for c in person.consents.all() if c.withdrawn_at is None]
        if consents:
            item["consents"] = [
                {"purpose": c.purpose, "method": c.method, "given": c.given_at.date().isoformat()}
                | ({"note": c.note} if c.note else {})
                for c in sorted(consents, key=lambda c: (c.purpose, c.given_at))
            ]
        return item

    def people_named(self, scope: DumpScope) -> set[str]:
        """People with a key who work for an organization of the dumped networks."""
        people = Person.objects.filter(
            key__isnull=False, affiliations__organization__network_memberships__network__slug__in=scope.networks
        )
        return {key for key in people.values_list("key", flat=True) if key}

    def organizations_named(self, scope: DumpScope) -> set[str]:
        """The organizations that dumped people work for or are kept by: written too, so the file loads elsewhere."""
        keys = public_people(scope.people)
        slugs = set(Affiliation.objects.filter(person__key__in=keys).values_list("organization__slug", flat=True))
        slugs |= set(
            Person.objects.filter(key__in=keys, registered_by__isnull=False).values_list(
                "registered_by__slug", flat=True
            )
        )
        return slugs


# --- generated people, in bulk --------------------------------------------------------------------------------

#: A generated person's rows in another table: (what the audit row calls it, model, fields, the rows of an e-mail).
Child = tuple[str, type[models.Model], tuple[str, ...], Callable[[str], list[tuple[Any, ...]]]]


def people_sync(values: Mapping[str, dict[str, Any]], children: Sequence[Child]) -> bulk.Synced:
    """Create or bring up to date generated people found again by their e-mail (`values`: e-mail → fields), and
    their rows in other tables, in bulk; with the audit rows `person_create` and `person_update` would write. For
    generators (`tamyr demo`'s compatriots and learners): a file names people by key, and never with an e-mail.

    Why not `person_create` per person: a few hundred people each with variants, languages, consents and
    citizenships would take thousands of queries; here each table is read once and written in bulk, with the same
    search keys (name variants get their keys and grams as the services write them). Returns the people by e-mail,
    the e-mails created and those changed (with the changed fields, and the labels of the changed children).
    """
    found = Person.objects.filter(email__in=list(values), erased_at__isnull=True).order_by("-id")
    existing = {person.email: person for person in found}  # the first record of an address
    synced = bulk.sync_keyed(Person, existing, values, lambda email, row: Person(email=email, **row))
    email_of = {person.pk: email for email, person in synced.rows.items()}
    for label, model, fields, rows_of in children:
        make = _variant if model is NameVariant else None
        wanted = {pk: rows_of(email) for pk, email in email_of.items()}
        stale, created = bulk.sync_children(model, "person_id", fields, wanted, make)
        if model is NameVariant:
            write_grams(created)
        for pk in stale - {synced.rows[email].pk for email in synced.created}:
            synced.changed.add(email_of[pk])
            synced.fields[email_of[pk]].add(label)
    people = sorted(synced.rows.values(), key=lambda person: person.pk)
    created = [person for person in people if person.email in synced.created]
    changed = [person for person in people if person.email in synced.changed]
    bulk.audit_rows("registry.person_created", created, str, source="demo")
    named = {email: sorted(name.removesuffix("_id") for name in names) for email, names in synced.fields.items()}
    bulk.audit_rows("registry.person_changed", changed, str, fields=lambda p: named[p.email], source="demo")
    return synced


def _variant(person_id: int, row: tuple[Any, ...]) -> NameVariant:
    return new_variant(person_id=person_id, text=row[0], script=row[1], language=row[2])
