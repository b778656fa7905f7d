"""Generated compatriots: a few hundred Kazakhs abroad, their names written the ways they really are written.

Why hand-written tables: the point of the demo is that one person's name turns up in Kazakh Cyrillic, the 2021
Kazakh Latin alphabet, Turkish, Russian and English spellings, and that search finds them all. Deriving one script
from another by code would only test the code against itself, so every spelling is written out by hand in the data
file `tamyr/demo/names.yaml`, with the male and female forms of each surname (-ov/-ova, -ev/-eva, -ұлы/-қызы).

Why deterministic: each person is drawn from `random.Random` seeded with the demo seed and the person's number, so
person 17 is the same person whether the demo makes 20 or 300, and a second run finds everyone again by e-mail.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from tamyr.core import bulk
from tamyr.core.netfiles import shipped
from tamyr.registry.models import (
    Affiliation,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Gender,
    LanguageLevel,
    NameVariant,
    Organization,
    Person,
    SpokenLanguage,
)
from tamyr.registry.netfile_people import people_sync

DEFAULT_SEED = 2026


class Spelling(NamedTuple):
    """One name in the five ways the demo writes it (the names file's `forms`, in that order)."""

    kk_cyrl: str
    kk_latn: str
    tr: str
    ru: str
    en: str


#: The tables the generator draws from: names in five hand-written spellings, countries and their cities.
NAMES_FILE = shipped.DEMO_DIR / "names.yaml"
_TABLES: dict[str, Any] = shipped.demo_data(NAMES_FILE.name)
#: form (a field of Spelling) → (ISO 15924 script, ISO 639 language)
FORMS: dict[str, tuple[str, str]] = {form: tuple(value) for form, value in _TABLES["forms"].items()}
MALE_GIVEN: tuple[Spelling, ...] = tuple(Spelling(*row) for row in _TABLES["male_given"])
FEMALE_GIVEN: tuple[Spelling, ...] = tuple(Spelling(*row) for row in _TABLES["female_given"])
SURNAMES: tuple[tuple[Spelling, Spelling], ...] = tuple((Spelling(*m), Spelling(*f)) for m, f in _TABLES["surnames"])
#: country → {weight, language of daily life there besides Kazakh, kazakh_heartland, cities}
RESIDENCES: dict[str, dict[str, Any]] = {row["country"]: row for row in _TABLES["residences"]}
#: The field of the OECD classification each generated keyword belongs to, so fields and keywords agree.
FIELD_OF_KEYWORD: dict[str, str] = dict(_TABLES["field_of_keyword"])


def fields_of(keywords: Iterable[str]) -> list[str]:
    """Fields of science of expertise keywords (`FIELD_OF_KEYWORD`), in code order."""
    return sorted({FIELD_OF_KEYWORD[word] for word in keywords if word in FIELD_OF_KEYWORD})


def draw(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    """One key of `weights` ({choice: weight}, in the data file's order), drawn by weight."""
    return rng.choices(list(weights), list(weights.values()))[0]


@dataclass(frozen=True)
class GeneratedPerson:
    number: int
    display_name: str
    variants: tuple[tuple[str, str, str], ...]  # (text, script, language); the display name comes first
    gender: str
    birth_year: int
    residence: str
    city: str
    registered_by: str  # the slug of the organization that keeps the record
    citizenships: tuple[str, ...] = ()
    languages: tuple[tuple[str, str], ...] = ()
    expertise: tuple[str, ...] = ()
    affiliation: tuple[str, str, dt.date] | None = None  # (organization slug, role, since)
    consents: tuple[tuple[str, str, dt.datetime], ...] = ()  # (purpose, method, given at)

    @property
    def email(self) -> str:
        """The stable address by which a second run finds the same generated person."""
        return f"demo.person.{self.number:04d}@example.org"


def pick_name(rng: random.Random) -> tuple[str, Spelling, Spelling]:
    """(gender, given name, surname in that gender's form), drawn from the hand-written tables."""
    gender = rng.choice((Gender.MALE, Gender.FEMALE))
    given = rng.choice(MALE_GIVEN if gender == Gender.MALE else FEMALE_GIVEN)
    male_surname, female_surname = rng.choice(SURNAMES)
    return gender, given, male_surname if gender == Gender.MALE else female_surname


def spellings(
    given: Spelling, surname: Spelling, display: str, rng: random.Random, *, more: tuple[int, ...], reverse: bool
) -> list[tuple[str, str, str]]:
    """The display form first, then `more` (drawn) other spellings with different text, at least one in the other
    script; with `reverse`, a surname-first spelling too while there are fewer than three."""
    full = {form: f"{getattr(given, form)} {getattr(surname, form)}" for form in FORMS}
    chosen = [display]
    others = [form for form in FORMS if form != display]
    rng.shuffle(others)
    other_script = [form for form in others if FORMS[form][0] != FORMS[display][0]]
    wanted = rng.choice(more)
    for form in [*other_script[:1], *others]:
        if len(chosen) > wanted:
            break
        if form not in chosen and full[form] not in {full[c] for c in chosen}:
            chosen.append(form)
    rows = [(full[form], *FORMS[form]) for form in chosen]
    # Names such as Bolat Omarov read the same in most Latin spellings; lists and passports also put the surname
    # first, so that order is the further variant such a name really has.
    for form in ("en", "ru") if reverse else ():
        reversed_name = f"{getattr(surname, form)} {getattr(given, form)}"
        if len(rows) < 3 and reversed_name not in {row[0] for row in rows}:
            rows.append((reversed_name, *FORMS[form]))
    return rows


def display_form(residence: str, rng: random.Random) -> str:
    """How the record keeper would first write the name (`display_forms` in the names file)."""
    forms = _TABLES["display_forms"]
    drawn = forms.get("cyrillic" if residence in _TABLES["cyrillic_countries"] else residence, forms["other"])
    roll = rng.random() if len(drawn) > 1 else 0.0
    return next(form for form, up_to in drawn if roll < up_to)


def _moment(rng: random.Random, start: dt.date, days: int) -> dt.datetime:
    day = start + dt.timedelta(days=rng.randrange(days))
    seconds = rng.randrange(8 * 3600, 20 * 3600)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)


def generate(number: int, seed: int = DEFAULT_SEED) -> GeneratedPerson:
    """Person `number` of the demo; the same for the same seed, whatever else the demo makes."""
    if number == 1:
        return compatriot()
    rng = random.Random(f"tamyr-demo:{seed}:{number}")
    gender, given, surname = pick_name(rng)
    country = draw(rng, {code: home["weight"] for code, home in RESIDENCES.items()})
    residence = RESIDENCES[country]
    variants = spellings(given, surname, display_form(country, rng), rng, more=(2, 3), reverse=True)

    if country == "KZ":
        citizenships: tuple[str, ...] = ("KZ",)
    else:
        roll = rng.random()
        if roll < 0.2:
            citizenships = ("KZ",)  # a Kazakh citizen living abroad: a student, a worker
        elif roll < 0.35 and country in _TABLES["europe_from_turkiye"]:
            citizenships = ("TR", country)  # many of Europe's Kazakhs came by way of Türkiye
        else:
            citizenships = (country,)

    levels = _TABLES["language_levels"]
    heartland = residence["kazakh_heartland"] or "KZ" in citizenships
    languages: dict[str, str] = {"kk": rng.choice(levels["kazakh_heartland" if heartland else "kazakh_elsewhere"])}
    if residence["language"] != "kk":
        languages[residence["language"]] = rng.choice(levels["residence"])
    if (country in _TABLES["ex_soviet"] or "KZ" in citizenships) and "ru" not in languages:
        languages["ru"] = rng.choice(levels["russian"])
    if "TR" in citizenships and "tr" not in languages:
        languages["tr"] = LanguageLevel.NATIVE
    if "en" not in languages and rng.random() < 0.4:
        languages["en"] = rng.choice(levels["english"])

    registered_by = _TABLES["centre_for_country"].get(country, "otandastar")
    if rng.random() < 0.2:
        registered_by = "otandastar"  # enrolled through Otandastar's online courses
    affiliation = None
    if rng.random() < 0.12:
        since = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
        affiliation = (registered_by, rng.choice(_TABLES["affiliation_roles"]), since)

    registry_given = _moment(rng, dt.date(2023, 1, 1), 1000)
    registry_method = rng.choices((ConsentMethod.WEB_FORM, ConsentMethod.PAPER, ConsentMethod.IMPORT), (5, 3, 2))[0]
    consents = [(ConsentPurpose.REGISTRY.value, registry_method.value, registry_given)]
    if rng.random() < 0.55:
        contact_method = rng.choice((ConsentMethod.WEB_FORM, ConsentMethod.EMAIL))
        consents.append(
            (ConsentPurpose.CONTACT.value, contact_method.value, registry_given + dt.timedelta(days=rng.randrange(60)))
        )
    birth_year = int(rng.triangular(1950, 2008, 1995))
    city = rng.choice(residence["cities"])
    expertise = tuple(sorted(rng.sample(_TABLES["expertise"], rng.randrange(4))))
    # drawn after everything above, so the other values of a generated person are what they were before
    if expertise and rng.random() < 0.5:
        consented = registry_given + dt.timedelta(days=rng.randrange(90))
        consents.append((ConsentPurpose.EXPERTISE.value, ConsentMethod.WEB_FORM.value, consented))

    return GeneratedPerson(
        number=number,
        display_name=variants[0][0],
        variants=tuple(variants),
        gender=gender,
        birth_year=birth_year,
        residence=country,
        city=city,
        registered_by=registered_by,
        citizenships=citizenships,
        languages=tuple(sorted(languages.items())),
        expertise=expertise,
        affiliation=affiliation,
        consents=tuple(consents),
    )


def compatriot() -> GeneratedPerson:
    """Person 1, the record of the `compatriot` demo login: a Kazakh student in Berlin, written out by hand in the
    names file (with GeneratedPerson's fields) so the demo's walkthrough can name her."""
    spec = dict(_TABLES["compatriot"])
    given = dt.datetime.fromisoformat(spec.pop("consent_given"))
    variants = tuple(tuple(row) for row in spec.pop("variants"))
    languages = tuple(sorted(spec.pop("languages").items()))
    consents = tuple((purpose, ConsentMethod.WEB_FORM.value, given) for purpose in spec.pop("consents"))
    plain: dict[str, Any] = {name: tuple(value) if isinstance(value, list) else value for name, value in spec.items()}
    return GeneratedPerson(
        number=1, display_name=variants[0][0], variants=variants, languages=languages, consents=consents, **plain
    )


# --- loader ----------------------------------------------------------------------------------------------------


@dataclass
class PeopleResult:
    people: list[Person]
    created: int
    changed: int


def sync_people(
    specs: Iterable[GeneratedPerson], organizations: Mapping[str, Organization], note: str = "Demo record."
) -> bulk.Synced:
    """Create or bring up to date generated people (the compatriots, the learners), found again by their stable
    e-mail, with their name variants, citizenships, languages, consents (written with `note`), fields of expertise
    and affiliations."""
    by_email = {spec.email: spec for spec in specs}
    values = {
        email: {
            "display_name": spec.display_name,
            "registered_by_id": organizations[spec.registered_by].pk,
            "residence_country_id": spec.residence,
            "residence_city": spec.city,
            "gender": spec.gender,
            "birth_year": spec.birth_year,
            "expertise": list(spec.expertise),
            "heritage": "",
        }
        for email, spec in by_email.items()
    }
    through = Person.citizenships.through, Person.expertise_fields.through
    consent = ("purpose", "method", "given_at", "note", "withdrawn_at")

    def affiliation(email: str) -> list[tuple[Any, ...]]:
        found = by_email[email].affiliation
        return [(organizations[found[0]].pk, *found[1:], None)] if found else []

    return people_sync(
        values,
        [
            ("name_variants", NameVariant, ("text", "script", "language"), lambda e: list(by_email[e].variants)),
            ("citizenships", through[0], ("country_id",), lambda e: [(code,) for code in by_email[e].citizenships]),
            ("languages", SpokenLanguage, ("language", "level"), lambda e: list(by_email[e].languages)),
            ("consents", Consent, consent, lambda e: [(*c, note, None) for c in by_email[e].consents]),
            (
                "expertise_fields",
                through[1],
                ("expertisefield_id",),
                lambda e: [(f,) for f in fields_of(by_email[e].expertise)],
            ),
            ("affiliations", Affiliation, ("organization_id", "role", "since", "until"), affiliation),
        ],
    )


def load_people(count: int, organizations: dict[str, Organization], seed: int = DEFAULT_SEED) -> PeopleResult:
    """Create or bring up to date generated people 1..count."""
    specs = [generate(number, seed) for number in range(1, count + 1)]
    synced = sync_people(specs, organizations)
    people = [synced.rows[spec.email] for spec in specs]
    return PeopleResult(people=people, created=len(synced.created), changed=len(synced.changed - synced.created))
