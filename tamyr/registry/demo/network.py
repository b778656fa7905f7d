"""The network of the seed pages: real institutions, the three networks they form, and the people named there.

Why real names: the demo is shown to the institutions themselves, and they should recognise their own network.
Names are given in the interface languages only where the translation is the institution's own or a plain
rendering of a descriptive name; where the native name of a small NGO is not known to us it stays English only
(the interface falls back to English) rather than inventing one. The Kazakh cultural centres abroad that the
seeds mention only by country get plain descriptive names, never made-up proper names.

The organizations, networks and memberships are data, in the network file `tamyr/demo/network.yaml`, loaded
through `tamyr.core.netfiles` as `tamyr load` loads any institution's file. What stays here is the people the seeds
name. Both go through the registry services, so the demo writes the same audit rows and search keys as the
interface does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models
from django.utils.text import slugify

from tamyr.core import netfiles
from tamyr.registry import services
from tamyr.registry.models import (
    Affiliation,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Country,
    Gender,
    Network,
    Organization,
    Person,
)

#: The Kazakh cultural centres abroad: they, with Otandastar, keep the records of the generated compatriots.
KAZAKH_CENTRES: tuple[str, ...] = (
    "kazakh-centre-istanbul",
    "kazakh-centre-iran",
    "kazakh-centre-russia",
    "kazakh-centre-uzbekistan",
    "kazakh-centre-mongolia",
    "kazakh-centre-japan",
)

# --- organizations and networks ---------------------------------------------------------------------------------

#: The seeds' organizations, networks and memberships: a network file, loaded the way `tamyr load` loads one.
NETWORK_FILE = Path(__file__).resolve().parents[2] / "demo" / "network.yaml"


def load_network() -> tuple[dict[str, Organization], dict[str, Network]]:
    """Load the demo's network file through the network-file loader, acting as the system, as `tamyr load` does.

    Why a file and not Python: the same path an institution uses for its own network (plan by slug, apply through
    the registry services with their audit rows), and a second run changes nothing. Returns the file's organizations
    and networks by slug, in file order, for the people and logins that hang on them.
    """
    plan = netfiles.load([(f"tamyr/demo/{NETWORK_FILE.name}", NETWORK_FILE.read_text(encoding="utf-8"))])
    declared = plan.context.declared
    organizations = Organization.objects.in_bulk(list(declared.get("organizations", {})), field_name="slug")
    networks = Network.objects.in_bulk(list(declared.get("networks", {})), field_name="slug")
    return (
        {slug: organizations[slug] for slug in declared.get("organizations", {})},
        {slug: networks[slug] for slug in declared.get("networks", {})},
    )


# --- named people ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedPersonSpec:
    """A person the seeds name, with the ways their name is written in the press of their region."""

    display_name: str
    variants: tuple[tuple[str, str], ...]  # (text, ISO 639 language)
    organization: str
    role: str
    gender: str
    residence: str
    city: str
    citizenships: tuple[str, ...]
    consent_given: dt.date
    consent_method: str = ConsentMethod.EMAIL
    expertise: tuple[str, ...] = field(default_factory=tuple)


_FORUM_DAY = dt.date(2025, 11, 24)  # the first Solidarity Forum of NGOs, Baku
_BUDAPEST_MEETING = dt.date(2025, 12, 4)
_VIENNA_TRAINING = dt.date(2026, 1, 14)

NAMED_PEOPLE: tuple[NamedPersonSpec, ...] = (
    NamedPersonSpec(
        display_name="Daniyar Kadyrov",
        variants=(("Данияр Кадыров", "ru"), ("D. Kadyrov", "en")),
        organization="otandastar",
        role="President",
        gender=Gender.MALE,
        residence="KZ",
        city="Astana",
        citizenships=("KZ",),
        consent_given=_BUDAPEST_MEETING,
        expertise=("diaspora policy", "humanitarian diplomacy"),
    ),
    NamedPersonSpec(
        display_name="Kubanychbek Omuraliev",
        variants=(("Кубанычбек Омуралиев", "ru"), ("Kubanichbek Omuraliyev", "az")),
        organization="ots-secretariat",
        role="Secretary-General",
        gender=Gender.MALE,
        residence="TR",
        city="Istanbul",
        citizenships=("KG",),
        consent_given=_BUDAPEST_MEETING,
        expertise=("diplomacy", "cultural diplomacy"),
    ),
    NamedPersonSpec(
        display_name="Lőrinc Nacsa",
        variants=(("Nacsa Lőrinc", "hu"), ("Лёринц Нача", "ru")),
        organization="hungarian-communities-abroad",
        role="State Secretary for Hungarian Communities Abroad",
        gender=Gender.MALE,
        residence="HU",
        city="Budapest",
        citizenships=("HU",),
        consent_given=_BUDAPEST_MEETING,
        expertise=("diaspora policy",),
    ),
    NamedPersonSpec(
        display_name="Abzal Saparbekuly",
        variants=(("Абзал Сапарбекұлы", "kk"), ("Абзал Сапарбекулы", "ru"), ("Abzal Saparbekuli", "en")),
        organization="embassy-kazakhstan-hungary",
        role="Ambassador of Kazakhstan to Hungary",
        gender=Gender.MALE,
        residence="HU",
        city="Budapest",
        citizenships=("KZ",),
        consent_given=_BUDAPEST_MEETING,
        expertise=("diplomacy", "diaspora policy"),
    ),
    NamedPersonSpec(
        display_name="Balázs Hendrich",
        variants=(("Hendrich Balázs", "hu"), ("Балаж Хендрих", "ru")),
        organization="ots-budapest-office",
        role="Executive Director",
        gender=Gender.MALE,
        residence="HU",
        city="Budapest",
        citizenships=("HU",),
        consent_given=_BUDAPEST_MEETING,
        expertise=("diplomacy",),
    ),
    NamedPersonSpec(
        display_name="Zhansayo Ismagulova",
        variants=(("Ismagulova Zhansayo", ""),),
        organization="future-with-you",
        role="Chair",
        gender=Gender.FEMALE,
        residence="KZ",
        city="",
        citizenships=("KZ",),
        consent_given=_FORUM_DAY,
        consent_method=ConsentMethod.PAPER,
        expertise=("civil society",),
    ),
    NamedPersonSpec(
        display_name="Assiya Tikeyeva",
        variants=(("Әсия Тікеева", "kk"), ("Асия Тикеева", "ru")),
        organization="community-hub",
        role="Director",
        gender=Gender.FEMALE,
        residence="KZ",
        city="",
        citizenships=("KZ",),
        consent_given=_FORUM_DAY,
        consent_method=ConsentMethod.PAPER,
        expertise=("civil society",),
    ),
    NamedPersonSpec(
        display_name="Ayan Turekulov",
        variants=(("Аян Турекулов", "ru"),),
        organization="second-republic",
        role="Head",
        gender=Gender.MALE,
        residence="KZ",
        city="",
        citizenships=("KZ",),
        consent_given=_FORUM_DAY,
        consent_method=ConsentMethod.PAPER,
        expertise=("civil society", "cultural heritage"),
    ),
    NamedPersonSpec(
        display_name="Agil Jamal",
        variants=(("Agil Camal", "az"), ("Агиль Джамал", "ru")),
        organization="common-values",
        role="Chairman",
        gender=Gender.MALE,
        residence="AZ",
        city="Baku",
        citizenships=("AZ",),
        consent_given=_FORUM_DAY,
        consent_method=ConsentMethod.PAPER,
        expertise=("civil society", "environment"),
    ),
    NamedPersonSpec(
        display_name="Shalala Hasanova",
        variants=(("Şəlalə Həsənova", "az"), ("Шалала Гасанова", "ru")),
        organization="public-relations-development",
        role="Chair",
        gender=Gender.FEMALE,
        residence="AZ",
        city="Baku",
        citizenships=("AZ",),
        consent_given=_FORUM_DAY,
        consent_method=ConsentMethod.PAPER,
        expertise=("civil society",),
    ),
    NamedPersonSpec(
        display_name="Hajibay Heydarli",
        variants=(("Hacıbəy Heydərli", "az"), ("Гаджибай Гейдарли", "ru")),
        organization="youth-socio-economic-development",
        role="Member",
        gender=Gender.MALE,
        residence="AZ",
        city="Baku",
        citizenships=("AZ",),
        consent_given=_FORUM_DAY,
        consent_method=ConsentMethod.PAPER,
        expertise=("civil society", "youth"),
    ),
    NamedPersonSpec(
        display_name="Rovshan Sadigbayli",
        variants=(("Rövşən Sadıqbəyli", "az"), ("Ровшан Садыгбейли", "ru")),
        organization="azerbaijan-mission-vienna",
        role=(
            "Ambassador, Permanent Representative of the Republic of Azerbaijan to the United Nations Office and "
            "Other International Organizations in Vienna"
        ),
        gender=Gender.MALE,
        residence="AT",
        city="Vienna",
        citizenships=("AZ",),
        consent_given=_VIENNA_TRAINING,
        expertise=("diplomacy",),
    ),
    NamedPersonSpec(
        display_name="Gürsel Dönmez",
        variants=(("Gursel Donmez", "en"), ("Гюрсель Дёнмез", "ru")),
        organization="embassy-turkiye-austria",
        role="Ambassador of the Republic of Türkiye to the Republic of Austria",
        gender=Gender.MALE,
        residence="AT",
        city="Vienna",
        citizenships=("TR",),
        consent_given=_VIENNA_TRAINING,
        expertise=("diplomacy",),
    ),
    NamedPersonSpec(
        display_name="Levent Eler",
        variants=(("Левент Элер", "ru"),),
        organization="turkiye-mission-vienna",
        role=(
            "Ambassador, Permanent Representative of the Republic of Türkiye to the United Nations Office and "
            "Other International Organizations in Vienna"
        ),
        gender=Gender.MALE,
        residence="AT",
        city="Vienna",
        citizenships=("TR",),
        consent_given=_VIENNA_TRAINING,
        expertise=("diplomacy",),
    ),
    NamedPersonSpec(
        display_name="Nurjan Shaildabekova",
        variants=(("Нуржан Шайлдабекова", "ky"), ("Nurzhan Shaildabekova", "en")),
        organization="embassy-kyrgyzstan-austria",
        role=(
            "Ambassador of the Kyrgyz Republic to the Republic of Austria, Permanent Representative to the OSCE "
            "and other international organizations in Vienna"
        ),
        gender=Gender.FEMALE,
        residence="AT",
        city="Vienna",
        citizenships=("KG",),
        consent_given=_VIENNA_TRAINING,
        expertise=("diplomacy",),
    ),
)

# --- loaders ---------------------------------------------------------------------------------------------------


def _aware(day: dt.date) -> dt.datetime:
    """Consents carry a fixed moment (noon UTC of the day) so loading the demo again changes nothing."""
    return dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=dt.UTC)


def upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, bool]:
    """Like update_or_create, but writes only when a value differs, so a second run leaves rows untouched."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return obj, False


def _variant_rows(person: Person) -> list[tuple[str, str]]:
    return [(v.text, v.language) for v in person.name_variants.all()]


def load_named_people(organizations: dict[str, Organization]) -> list[Person]:
    """The people the seeds name, created through `person_create` and found again by name and organization."""
    countries = {c.code: c for c in Country.objects.all()}
    people: list[Person] = []
    for spec in NAMED_PEOPLE:
        organization = organizations[spec.organization]
        variants = [{"text": text, "language": language} for text, language in spec.variants]
        fields: dict[str, Any] = {
            "key": slugify(spec.display_name),
            "residence_country": countries[spec.residence],
            "residence_city": spec.city,
            "gender": spec.gender,
            "expertise": list(spec.expertise),
        }
        citizenships = [countries[code] for code in spec.citizenships]
        # Named people carry no e-mail (we do not publish theirs), which keeps them apart from generated people.
        person = Person.objects.filter(
            display_name=spec.display_name, registered_by=organization, email="", erased_at__isnull=True
        ).first()
        if person is None:
            person = services.person_create(
                display_name=spec.display_name,
                acting_user=None,
                name_variants=variants,
                registered_by=organization,
                citizenships=citizenships,
                **fields,
            )
        else:
            wanted = [(spec.display_name, ""), *spec.variants]
            services.person_update(
                person=person,
                acting_user=None,
                name_variants=variants if _variant_rows(person) != wanted else None,
                citizenships=citizenships
                if sorted(person.citizenships.values_list("code", flat=True)) != sorted(spec.citizenships)
                else None,
                **{name: value for name, value in fields.items() if getattr(person, name) != value},
            )
        upsert(Affiliation, {"person": person, "organization": organization}, {"role": spec.role, "until": None})
        note = "Demo record: consent as given by a speaker named in public reporting of the event."
        for purpose in (ConsentPurpose.REGISTRY, ConsentPurpose.PUBLIC_PROFILE):
            upsert(
                Consent,
                {"person": person, "purpose": purpose},
                {
                    "method": spec.consent_method,
                    "given_at": _aware(spec.consent_given),
                    "note": note,
                    "withdrawn_at": None,
                },
            )
        people.append(person)
    return people
