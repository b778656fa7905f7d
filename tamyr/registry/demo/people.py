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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

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
    Script,
    SpokenLanguage,
)
from tamyr.registry.netfile_people import people_sync

DEFAULT_SEED = 2026


class Spelling(NamedTuple):
    """One name in the five ways the demo writes it."""

    kk_cyrl: str  # Kazakh, Cyrillic
    kk_latn: str  # Kazakh, Latin alphabet of 2021
    tr: str  # as Kazakhs in Türkiye write it
    ru: str  # Russian passport spelling
    en: str  # English (Kazakhstan passport transliteration)


#: (field of Spelling, ISO 15924 script, ISO 639 language)
FORMS: tuple[tuple[str, str, str], ...] = (
    ("kk_cyrl", Script.CYRILLIC, "kk"),
    ("kk_latn", Script.LATIN, "kk"),
    ("tr", Script.LATIN, "tr"),
    ("ru", Script.CYRILLIC, "ru"),
    ("en", Script.LATIN, "en"),
)
_SCRIPT = {form: script for form, script, _language in FORMS}
_LANGUAGE = {form: language for form, _script, language in FORMS}


@dataclass(frozen=True)
class Residence:
    country: str
    weight: int
    cities: tuple[str, ...]
    language: str  # the language of daily life there, besides Kazakh
    kazakh_heartland: bool  # large, long-settled Kazakh communities where Kazakh is usually the first language


#: The tables the generator draws from: names in five hand-written spellings, countries and their cities.
NAMES_FILE = Path(__file__).resolve().parents[2] / "demo" / "names.yaml"
_TABLES: dict[str, Any] = yaml.safe_load(NAMES_FILE.read_text(encoding="utf-8"))
MALE_GIVEN: tuple[Spelling, ...] = tuple(Spelling(*row) for row in _TABLES["male_given"])
FEMALE_GIVEN: tuple[Spelling, ...] = tuple(Spelling(*row) for row in _TABLES["female_given"])
SURNAMES: tuple[tuple[Spelling, Spelling], ...] = tuple((Spelling(*m), Spelling(*f)) for m, f in _TABLES["surnames"])
RESIDENCES = tuple(Residence(**{**r, "cities": tuple(r["cities"])}) for r in _TABLES["residences"])
_CYRILLIC_COUNTRIES = frozenset(_TABLES["cyrillic_countries"])
_EX_SOVIET = frozenset(_TABLES["ex_soviet"])
_EUROPE_FROM_TURKIYE = frozenset(_TABLES["europe_from_turkiye"])
CENTRE_FOR_COUNTRY: dict[str, str] = dict(_TABLES["centre_for_country"])
EXPERTISE: tuple[str, ...] = tuple(_TABLES["expertise"])
AFFILIATION_ROLES: tuple[str, ...] = tuple(_TABLES["affiliation_roles"])
#: The field of the OECD classification each generated keyword belongs to, so fields and keywords agree.
FIELD_OF_KEYWORD: dict[str, str] = dict(_TABLES["field_of_keyword"])
_CONSENT_NOTE = "Demo record."


@dataclass(frozen=True)
class GeneratedPerson:
    number: int
    display_name: str
    variants: tuple[tuple[str, str, str], ...]  # (text, script, language); the display name comes first
    gender: str
    birth_year: int
    residence: str
    city: str
    citizenships: tuple[str, ...]
    languages: tuple[tuple[str, str], ...]
    expertise: tuple[str, ...]
    registered_by: str
    affiliation: tuple[str, str, dt.date] | None  # (organization slug, role, since)
    consents: tuple[tuple[str, str, dt.datetime], ...]  # (purpose, method, given at)

    @property
    def fields(self) -> tuple[str, ...]:
        """Fields of science, from the keywords (`FIELD_OF_KEYWORD`), in code order."""
        return tuple(sorted({FIELD_OF_KEYWORD[word] for word in self.expertise if word in FIELD_OF_KEYWORD}))

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
    full = {form: f"{getattr(given, form)} {getattr(surname, form)}" for form, _script, _language in FORMS}
    chosen = [display]
    others = [form for form, _script, _language in FORMS if form != display]
    rng.shuffle(others)
    other_script = [form for form in others if _SCRIPT[form] != _SCRIPT[display]]
    wanted = rng.choice(more)
    for form in [*other_script[:1], *others]:
        if len(chosen) > wanted:
            break
        if form not in chosen and full[form] not in {full[c] for c in chosen}:
            chosen.append(form)
    rows = [(full[form], _SCRIPT[form], _LANGUAGE[form]) for form in chosen]
    # Names such as Bolat Omarov read the same in most Latin spellings; lists and passports also put the surname
    # first, so that order is the further variant such a name really has.
    for form in ("en", "ru") if reverse else ():
        reversed_name = f"{getattr(surname, form)} {getattr(given, form)}"
        if len(rows) < 3 and reversed_name not in {row[0] for row in rows}:
            rows.append((reversed_name, _SCRIPT[form], _LANGUAGE[form]))
    return rows


def display_form(residence: str, rng: random.Random) -> str:
    """How the record keeper would first write the name: Cyrillic in the former USSR and Mongolia, Turkish in
    Türkiye, mostly English in the West."""
    if residence in _CYRILLIC_COUNTRIES:
        return "kk_cyrl" if rng.random() < 0.7 else "ru"
    if residence == "TR":
        return "tr"
    if residence == "IR":
        return "kk_cyrl" if rng.random() < 0.7 else "en"
    roll = rng.random()
    return "en" if roll < 0.7 else ("kk_latn" if roll < 0.85 else "kk_cyrl")


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
    residence = rng.choices(RESIDENCES, weights=[r.weight for r in RESIDENCES])[0]
    display = display_form(residence.country, rng)
    variants = spellings(given, surname, display, rng, more=(2, 3), reverse=True)

    if residence.country == "KZ":
        citizenships: tuple[str, ...] = ("KZ",)
    else:
        roll = rng.random()
        if roll < 0.2:
            citizenships = ("KZ",)  # a Kazakh citizen living abroad: a student, a worker
        elif roll < 0.35 and residence.country in _EUROPE_FROM_TURKIYE:
            citizenships = ("TR", residence.country)  # many of Europe's Kazakhs came by way of Türkiye
        else:
            citizenships = (residence.country,)

    levels = _TABLES["language_levels"]
    heartland = residence.kazakh_heartland or "KZ" in citizenships
    languages: dict[str, str] = {"kk": rng.choice(levels["kazakh_heartland" if heartland else "kazakh_elsewhere"])}
    if residence.language != "kk":
        languages[residence.language] = rng.choice(levels["residence"])
    if (residence.country in _EX_SOVIET or "KZ" in citizenships) and "ru" not in languages:
        languages["ru"] = rng.choice(levels["russian"])
    if "TR" in citizenships and "tr" not in languages:
        languages["tr"] = LanguageLevel.NATIVE
    if "en" not in languages and rng.random() < 0.4:
        languages["en"] = rng.choice(levels["english"])

    registered_by = CENTRE_FOR_COUNTRY.get(residence.country, "otandastar")
    if rng.random() < 0.2:
        registered_by = "otandastar"  # enrolled through Otandastar's online courses
    affiliation = None
    if rng.random() < 0.12:
        since = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
        affiliation = (registered_by, rng.choice(AFFILIATION_ROLES), since)

    registry_given = _moment(rng, dt.date(2023, 1, 1), 1000)
    registry_method = rng.choices((ConsentMethod.WEB_FORM, ConsentMethod.PAPER, ConsentMethod.IMPORT), (5, 3, 2))[0]
    consents = [(ConsentPurpose.REGISTRY.value, registry_method.value, registry_given)]
    if rng.random() < 0.55:
        contact_method = rng.choice((ConsentMethod.WEB_FORM, ConsentMethod.EMAIL))
        consents.append(
            (ConsentPurpose.CONTACT.value, contact_method.value, registry_given + dt.timedelta(days=rng.randrange(60)))
        )
    birth_year = int(rng.triangular(1950, 2008, 1995))
    city = rng.choice(residence.cities)
    expertise = tuple(sorted(rng.sample(EXPERTISE, rng.randrange(4))))
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
        residence=residence.country,
        city=city,
        citizenships=citizenships,
        languages=tuple(sorted(languages.items())),
        expertise=expertise,
        registered_by=registered_by,
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


def load_people(count: int, organizations: dict[str, Organization], seed: int = DEFAULT_SEED) -> PeopleResult:
    """Create or bring up to date generated people 1..count, found again by their stable e-mail."""
    from tamyr.registry.models import Country

    specs = {spec.email: spec for spec in (generate(number, seed) for number in range(1, count + 1))}
    countries = {c.code: c for c in Country.objects.all()}
    values = {
        email: {
            "display_name": spec.display_name,
            "registered_by_id": organizations[spec.registered_by].pk,
            "residence_country_id": countries[spec.residence].pk,
            "residence_city": spec.city,
            "gender": spec.gender,
            "birth_year": spec.birth_year,
            "expertise": list(spec.expertise),
            "heritage": "",
        }
        for email, spec in specs.items()
    }
    through = Person.citizenships.through, Person.expertise_fields.through
    consent = ("purpose", "method", "given_at", "note", "withdrawn_at")

    def affiliation(email: str) -> list[tuple[Any, ...]]:
        found = specs[email].affiliation
        return [(organizations[found[0]].pk, *found[1:], None)] if found else []

    synced = people_sync(
        values,
        [
            ("name_variants", NameVariant, ("text", "script", "language"), lambda e: list(specs[e].variants)),
            ("citizenships", through[0], ("country_id",), lambda e: [(code,) for code in specs[e].citizenships]),
            ("languages", SpokenLanguage, ("language", "level"), lambda e: list(specs[e].languages)),
            ("consents", Consent, consent, lambda e: [(*c, _CONSENT_NOTE, None) for c in specs[e].consents]),
            ("expertise_fields", through[1], ("expertisefield_id",), lambda e: [(f,) for f in specs[e].fields]),
            ("affiliations", Affiliation, ("organization_id", "role", "since", "until"), affiliation),
        ],
    )
    people = [synced.rows[email] for email in specs]
    return PeopleResult(people=people, created=len(synced.created), changed=len(synced.changed - synced.created))
