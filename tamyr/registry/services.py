"""Writes to the registry. One transaction each; every change to personal data leaves an audit row."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.core import audit, uploads
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.i18n import clean_translations
from tamyr.registry import orcid, search, selectors
from tamyr.registry.models import (
    Affiliation,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Country,
    ExpertiseField,
    MembershipRole,
    NameVariant,
    Network,
    NetworkMembership,
    Organization,
    Person,
    Script,
    SpokenLanguage,
)
from tamyr.registry.signals import person_erased

ORGANIZATION_EDITABLE = (
    "name",
    "short_name",
    "description",
    "kind",
    "country",
    "city",
    "address",
    "parent",
    "website",
    "email",
    "phone",
    "logo",
    "expertise_fields",
)
PERSON_EDITABLE = (
    "display_name",
    "key",
    "residence_country",
    "residence_city",
    "gender",
    "birth_year",
    "email",
    "phone",
    "expertise",
    "expertise_fields",
    "orcid",
    "heritage",
)


def detect_script(text: str) -> str:
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return Script.CYRILLIC
    if any("\u0600" <= ch <= "\u06ff" for ch in text):
        return Script.ARABIC
    if any(ch.isalpha() for ch in text):
        return Script.LATIN
    return Script.OTHER


def _audit_value(value: Any) -> Any:
    if hasattr(value, "pk"):
        return str(value.pk)
    if hasattr(value, "name") and hasattr(value, "url"):  # files
        return value.name or ""
    return value


def expertise_fields_of(
    values: Iterable[ExpertiseField | str], *, field: str = "expertise_fields"
) -> list[ExpertiseField]:
    """Fields of the classification from codes ("5.2") or rows; an unknown code is refused by name, so a typing
    error in a form, an API call or a network file changes nothing."""
    items = list(values)
    codes = {item.code if isinstance(item, ExpertiseField) else str(item).strip() for item in items}
    found = {f.code: f for f in ExpertiseField.objects.filter(code__in=codes)}
    unknown = sorted(codes - set(found))
    if unknown:
        raise DomainError(
            _("Unknown field of science %(codes)s. Use the codes of the OECD classification, e.g. 5.2 or 6.1.")
            % {"codes": ", ".join(unknown)},
            field=field,
        )
    return [found[code] for code in sorted(found, key=lambda code: found[code].position)]


def _set_expertise_fields(obj: Organization | Person, values: Iterable[ExpertiseField | str]) -> bool:
    """Set the object's fields of expertise; whether they changed."""
    wanted = expertise_fields_of(values)
    current = {f.code for f in obj.expertise_fields.all()}
    if current == {f.code for f in wanted}:
        return False
    obj.expertise_fields.set(wanted)
    return True


# --- organizations -------------------------------------------------------------


@transaction.atomic
def organization_update(*, organization: Organization, data: dict[str, Any], acting_user: Any) -> Organization:
    """Change an organization's profile; only the fields given change, and the audit row lists them."""
    changed: dict[str, Any] = {}
    for field, value in data.items():
        if field not in ORGANIZATION_EDITABLE:
            raise DomainError(_("The field %(field)s cannot be changed here.") % {"field": field}, field=field)
        if field in {"name", "description"}:
            try:
                value = clean_translations(value)
            except ValueError as error:
                raise DomainError(str(error), field=field) from error
            if field == "name" and not value:
                raise DomainError(_("An organization needs a name in at least one language."), field="name")
        if field == "parent" and value is not None and value.pk == organization.pk:
            raise DomainError(_("An organization cannot be its own parent."), field="parent")
        if field == "logo" and value:
            changed[field] = uploads.replace(organization, "logo", value, uploads.LOGO).name
            continue
        if field == "expertise_fields":
            if _set_expertise_fields(organization, value or ()):
                changed[field] = sorted(f.code for f in organization.expertise_fields.all())
            continue
        if getattr(organization, field) != value:
            changed[field] = _audit_value(value)
            setattr(organization, field, value)
    if set(changed) - {"expertise_fields"}:
        organization.save()
    if changed:
        audit.record(acting_user, "registry.organization_changed", organization, fields=sorted(changed))
    return organization


@transaction.atomic
def organization_create(*, slug: str, name: dict[str, str], kind: str, acting_user: Any, **fields: Any) -> Organization:
    if Organization.objects.filter(slug=slug).exists():
        raise DomainError(_("An organization with the address %(slug)s already exists.") % {"slug": slug}, field="slug")
    organization = Organization(slug=slug, kind=kind, name=clean_translations(name))
    if not organization.name:
        raise DomainError(_("An organization needs a name in at least one language."), field="name")
    expertise_fields = expertise_fields_of(fields.pop("expertise_fields", None) or ())
    for field, value in fields.items():
        if field not in ORGANIZATION_EDITABLE:
            raise DomainError(_("Unknown field %(field)s.") % {"field": field}, field=field)
        if field == "logo" and value:
            uploads.replace(organization, "logo", value, uploads.LOGO)
            continue
        setattr(organization, field, clean_translations(value) if field == "description" else value)
    organization.save()
    if expertise_fields:
        organization.expertise_fields.set(expertise_fields)
    audit.record(acting_user, "registry.organization_created", organization)
    return organization


# --- networks ------------------------------------------------------------------

NETWORK_EDITABLE = ("name", "description", "website")
MEMBERSHIP_EDITABLE = ("role", "since", "until")


def _clean_network_text(field: str, value: Any) -> dict[str, str]:
    try:
        cleaned = clean_translations(value)
    except ValueError as error:
        raise DomainError(str(error), field=field) from error
    if field == "name" and not cleaned:
        raise DomainError(_("A network needs a name in at least one language."), field="name")
    return cleaned


@transaction.atomic
def network_create(
    *, slug: str, name: dict[str, str], acting_user: Any, description: Any = None, website: str = ""
) -> Network:
    """Until now networks were made only by the demo, writing rows; a network file makes them through this."""
    if Network.objects.filter(slug=slug).exists():
        raise DomainError(_("A network with the address %(slug)s already exists.") % {"slug": slug}, field="slug")
    network = Network.objects.create(
        slug=slug,
        name=_clean_network_text("name", name),
        description=_clean_network_text("description", description),
        website=website,
    )
    audit.record(acting_user, "registry.network_created", network)
    return network


@transaction.atomic
def network_update(*, network: Network, data: dict[str, Any], acting_user: Any) -> Network:
    """Change a network's profile; only the fields given change, and the audit row lists them."""
    changed: list[str] = []
    for field, value in data.items():
        if field not in NETWORK_EDITABLE:
            raise DomainError(_("The field %(field)s cannot be changed here.") % {"field": field}, field=field)
        if field in {"name", "description"}:
            value = _clean_network_text(field, value)
        if getattr(network, field) != value:
            changed.append(field)
            setattr(network, field, value)
    if changed:
        network.save(update_fields=[*changed, "updated_at"])
        audit.record(acting_user, "registry.network_changed", network, fields=sorted(changed))
    return network


@transaction.atomic
def network_membership_set(
    *, network: Network, organization: Organization, acting_user: Any, **data: Any
) -> NetworkMembership:
    """Add an organization to a network, or change its role and dates there; one membership per pair.

    `acting_user` None is the system (a network file's load acts as `permissions.SYSTEM`). Adding a member asks
    `registry.add_network_member` (platform admins: membership opens the organization's people to the network's
    coordinators); changing one asks `registry.change_network` (the network's coordinators, too)."""
    membership = NetworkMembership.objects.filter(network=network, organization=organization).first()
    action = "registry.change_network" if membership else "registry.add_network_member"
    if acting_user is not None and not permissions.can(acting_user, action, network):
        if membership is None:
            raise NotAllowed(_("Only the platform's admins can bring an organization into a network."))
        raise NotAllowed(_("Only the network's coordinators can change its members."))
    unknown = sorted(set(data) - set(MEMBERSHIP_EDITABLE))
    if unknown:
        raise DomainError(_("Unknown field %(field)s.") % {"field": unknown[0]}, field=unknown[0])
    if "role" in data and data["role"] not in MembershipRole.values:
        raise DomainError(
            _("Unknown role %(role)s. Use: %(known)s.")
            % {"role": data["role"], "known": ", ".join(MembershipRole.values)},
            field="role",
        )
    current = (membership.since, membership.until) if membership else (None, None)
    since, until = data.get("since", current[0]), data.get("until", current[1])
    if since and until and until < since:
        raise DomainError(_("A membership cannot end before it begins."), field="until")
    if membership is None:
        membership = NetworkMembership.objects.create(network=network, organization=organization, **data)
        audit.record(
            acting_user, "registry.network_member_added", network, organization=organization.slug, role=membership.role
        )
        return membership
    changed = [field for field, value in data.items() if getattr(membership, field) != value]
    for field in changed:
        setattr(membership, field, data[field])
    if changed:
        membership.save(update_fields=changed)
        audit.record(
            acting_user, "registry.network_member_changed", network, organization=organization.slug, fields=changed
        )
    return membership


@transaction.atomic
def network_membership_remove(*, membership: NetworkMembership, acting_user: Any) -> None:
    """Take an organization out of a network: its coordinators (or the system) may."""
    network, organization = membership.network, membership.organization
    if acting_user is not None and not permissions.can(acting_user, "registry.change_network", network):
        raise NotAllowed(_("Only the network's coordinators can change its members."))
    membership.delete()
    audit.record(acting_user, "registry.network_member_removed", network, organization=organization.slug)


# --- affiliations ---------------------------------------------------------------


@transaction.atomic
def affiliation_set(
    *,
    person: Person,
    organization: Organization,
    acting_user: Any,
    role: str = "",
    since: Any = None,
    until: Any = None,
) -> Affiliation:
    """Say that a person works for or represents an organization (one row per pair), or change the role and dates."""
    if len(role) > 200:
        raise DomainError(_("A role can have at most 200 characters."), field="role")
    if since and until and until < since:
        raise DomainError(_("An affiliation cannot end before it starts."), field="until")
    values = {"role": role.strip(), "since": since, "until": until}
    affiliation = Affiliation.objects.filter(person=person, organization=organization).first()
    if affiliation is None:
        affiliation = Affiliation.objects.create(person=person, organization=organization, **values)
        audit.record(acting_user, "registry.affiliation_added", person, organization=organization.slug)
        return affiliation
    changed = [field for field, value in values.items() if getattr(affiliation, field) != value]
    if changed:
        for field in changed:
            setattr(affiliation, field, values[field])
        affiliation.save(update_fields=changed)
        audit.record(
            acting_user, "registry.affiliation_changed", person, organization=organization.slug, fields=changed
        )
    return affiliation


@transaction.atomic
def affiliation_remove(*, affiliation: Affiliation, acting_user: Any) -> None:
    person, organization = affiliation.person, affiliation.organization
    affiliation.delete()
    audit.record(acting_user, "registry.affiliation_removed", person, organization=organization.slug)


# --- people --------------------------------------------------------------------


def _normalize_variants(variants: Iterable[str | dict[str, str]]) -> list[dict[str, str]]:
    result: list[dict[str, str]] = []
    seen: set[str] = set()
    for variant in variants:
        item = {"text": variant} if isinstance(variant, str) else dict(variant)
        text = (item.get("text") or "").strip()
        if not text:
            raise DomainError(_("A name variant cannot be empty."), field="name_variants")
        if len(text) > 200:
            raise DomainError(_("A name variant can have at most 200 characters."), field="name_variants")
        if text in seen:
            continue
        seen.add(text)
        result.append(
            {"text": text, "script": item.get("script") or detect_script(text), "language": item.get("language", "")}
        )
    return result


def _set_variants(person: Person, variants: list[dict[str, str]]) -> None:
    """The display name is always a variant too, so every search sees it."""
    texts = {v["text"] for v in variants}
    if person.display_name not in texts:
        variants = [
            {"text": person.display_name, "script": detect_script(person.display_name), "language": ""},
            *variants,
        ]
    person.name_variants.all().delete()
    created = NameVariant.objects.bulk_create(
        search.new_variant(person_id=person.pk, text=v["text"], script=v["script"], language=v["language"])
        for v in variants
    )
    search.write_grams(created)


def _check_person_fields(fields: dict[str, Any]) -> None:
    name = fields.get("display_name")
    if name is not None and not str(name).strip():
        raise DomainError(_("Give the person's name."), field="display_name")
    year = fields.get("birth_year")
    if year is not None and not (1900 <= int(year) <= timezone.now().year):
        raise DomainError(
            _("The year of birth must be between 1900 and %(year)s.") % {"year": timezone.now().year},
            field="birth_year",
        )
    key = fields.get("key")
    if key is not None and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", key):
        raise DomainError(
            _("A key is lower-case Latin letters and digits joined by hyphens, e.g. daniyar-kadyrov."), field="key"
        )
    if fields.get("orcid") is not None:
        fields["orcid"] = orcid.normalize(fields["orcid"])
    expertise = fields.get("expertise")
    if expertise is not None and (
        not isinstance(expertise, list) or not all(isinstance(tag, str) for tag in expertise)
    ):
        raise DomainError(_('Expertise is a list of words, e.g. ["history", "IT"].'), field="expertise")


def _check_key_free(key: str | None, person: Person | None) -> None:
    """Keys name people in network files, so two records must never share one."""
    if not key:
        return
    taken = Person.objects.filter(key=key)
    if person is not None and person.pk is not None:
        taken = taken.exclude(pk=person.pk)
    if taken.exists():
        raise DomainError(_("Another person already has the key %(key)s.") % {"key": key}, field="key")


def _has_active_consent(person: Person, purpose: str) -> bool:
    return person.pk is not None and person.consents.filter(purpose=purpose, withdrawn_at__isnull=True).exists()


def require_person_in_reach(acting_user: Any, person: Person, *, field: str) -> None:
    """Refuse a person the caller may not name in a write (`selectors.people_in_reach`) with the answer of an id
    that does not exist. The API's serializers and the staff forms offer only those people already; the services
    of every domain ask again, so that no other caller (a command, a task, a new page) can carry a record across an
    organization's boundary."""
    if not selectors.person_in_reach(acting_user, person):
        raise DomainError(_("No person has the id %(id)s.") % {"id": person.pk}, field=field)


@transaction.atomic
def person_create(
    *,
    display_name: str,
    acting_user: Any,
    name_variants: Iterable[str | dict[str, str]] = (),
    registered_by: Organization | None = None,
    citizenships: Iterable[Country] = (),
    languages: Iterable[tuple[str, str]] = (),
    consents: Iterable[tuple[str, str]] = (),
    **fields: Any,
) -> Person:
    """Create a compatriot's record. Heritage is refused unless consent for it is given in the same call."""
    unknown = set(fields) - set(PERSON_EDITABLE)
    if unknown:
        raise DomainError(_("Unknown field(s): %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    checked = {"display_name": display_name, **fields}
    _check_person_fields(checked)
    fields = {name: checked[name] for name in fields}
    expertise_fields = expertise_fields_of(fields.pop("expertise_fields", None) or ())
    _check_key_free(fields.get("key"), None)
    variants = _normalize_variants(name_variants)
    consent_purposes = {purpose for purpose, _method in consents}
    if fields.get("heritage") and ConsentPurpose.HERITAGE not in consent_purposes:
        raise DomainError(
            _("Ethnic origin or heritage can only be recorded with the person's explicit consent for it."),
            field="heritage",
        )
    person = Person(display_name=display_name.strip(), registered_by=registered_by, **fields)
    person.save()
    if citizenships:
        person.citizenships.set(list(citizenships))
    if expertise_fields:
        person.expertise_fields.set(expertise_fields)
    for language, level in languages:
        SpokenLanguage.objects.create(person=person, language=language, level=level)
    now = timezone.now()
    for purpose, method in consents:
        Consent.objects.create(person=person, purpose=purpose, method=method, given_at=now)
    _set_variants(person, variants)
    audit.record(acting_user, "registry.person_created", person)
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    acting_user: Any,
    name_variants: Iterable[str | dict[str, str]] | None = None,
    citizenships: Iterable[Country] | None = None,
    expertise_consent: bool | None = None,
    consent_method: str = "paper",
    languages: Iterable[tuple[str, str]] | None = None,
    **fields: Any,
) -> Person:
    """Change a person's record; `expertise_consent` True records the consent to be found and matched by expertise
    (given `consent_method`) unless it is already active, False withdraws it, None leaves it as it is. `languages`
    ((language, level) pairs), when given, is the whole list of the languages the person speaks."""
    if person.is_erased:
        raise DomainError(_("This record has been erased and cannot be changed."), code="erased")
    unknown = set(fields) - set(PERSON_EDITABLE)
    if unknown:
        raise DomainError(_("Unknown field(s): %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    _check_person_fields(fields)
    expertise_fields = fields.pop("expertise_fields", None)
    _check_key_free(fields.get("key"), person)
    if fields.get("heritage") and not _has_active_consent(person, ConsentPurpose.HERITAGE):
        raise DomainError(
            _("Ethnic origin or heritage can only be recorded with the person's explicit consent for it."),
            field="heritage",
        )
    changed = [field for field, value in fields.items() if getattr(person, field) != value]
    for field in changed:
        setattr(person, field, fields[field])
    if changed:
        person.save()
    if citizenships is not None:
        person.citizenships.set(list(citizenships))
        changed.append("citizenships")
    if languages is not None:
        person.languages.all().delete()
        SpokenLanguage.objects.bulk_create(
            SpokenLanguage(person=person, language=lang, level=lv) for lang, lv in languages
        )
        changed.append("languages")
    if expertise_fields is not None and _set_expertise_fields(person, expertise_fields):
        changed.append("expertise_fields")
    if name_variants is not None or "display_name" in changed:
        current = [{"text": v.text, "script": v.script, "language": v.language} for v in person.name_variants.all()]
        _set_variants(person, _normalize_variants(name_variants) if name_variants is not None else current)
        changed.append("name_variants")
    if changed:
        audit.record(acting_user, "registry.person_changed", person, fields=sorted(set(changed)))
    if expertise_consent is not None:
        _set_expertise_consent(person, given=expertise_consent, method=consent_method, acting_user=acting_user)
    return person


def _set_expertise_consent(person: Person, *, given: bool, method: str, acting_user: Any) -> None:
    if method not in ConsentMethod.values:
        raise DomainError(_("Unknown way of giving consent."), field="consent_method")
    active = list(person.consents.filter(purpose=ConsentPurpose.EXPERTISE, withdrawn_at__isnull=True))
    if given and not active:
        consent_give(person=person, purpose=ConsentPurpose.EXPERTISE, method=method, acting_user=acting_user)
    elif not given:
        for consent in active:
            consent_withdraw(consent=consent, acting_user=acting_user)


@transaction.atomic
def consent_give(
    *, person: Person, purpose: str, method: str, acting_user: Any, given_at: datetime | None = None, note: str = ""
) -> Consent:
    if purpose not in ConsentPurpose.values:
        raise DomainError(_("Unknown consent purpose."), field="purpose")
    consent = Consent.objects.create(
        person=person, purpose=purpose, method=method, given_at=given_at or timezone.now(), note=note
    )
    audit.record(acting_user, "registry.consent_given", person, purpose=purpose, method=method)
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, acting_user: Any) -> Consent:
    """Withdrawing heritage consent also deletes the heritage it allowed."""
    if consent.withdrawn_at:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    person = consent.person
    if consent.purpose == ConsentPurpose.HERITAGE and not _has_active_consent(person, ConsentPurpose.HERITAGE):
        person.heritage = ""
        person.save(update_fields=["heritage", "updated_at"])
    audit.record(acting_user, "registry.consent_withdrawn", person, purpose=consent.purpose)
    return consent


def person_export_data(*, person: Person, acting_user: Any) -> dict[str, Any]:
    """Everything held on one person, as the person may download it (GDPR Art. 15 and 20)."""
    from tamyr.core.models import AuditEntry

    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "person": {
            "id": person.pk,
            "display_name": person.display_name,
            "residence_country": person.residence_country_id,
            "residence_city": person.residence_city,
            "citizenships": sorted(c.code for c in person.citizenships.all()),
            "gender": person.gender,
            "birth_year": person.birth_year,
            "email": person.email,
            "phone": person.phone,
            "expertise": person.expertise,
            "expertise_fields": [f.code for f in person.expertise_fields.all()],
            "orcid": person.orcid,
            "heritage": person.heritage,
            "registered_by": person.registered_by.slug if person.registered_by else None,
            "created_at": person.created_at.isoformat(),
            "updated_at": person.updated_at.isoformat(),
        },
        "name_variants": [
            {"text": v.text, "script": v.script, "language": v.language} for v in person.name_variants.all()
        ],
        "languages": [{"language": lang.language, "level": lang.level} for lang in person.languages.all()],
        "affiliations": [
            {
                "organization": a.organization.slug,
                "role": a.role,
                "since": a.since.isoformat() if a.since else None,
                "until": a.until.isoformat() if a.until else None,
            }
            for a in person.affiliations.select_related("organization")
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "given_at": c.given_at.isoformat(),
                "method": c.method,
                "note": c.note,
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in person.consents.all()
        ],
        "account": None,
        "audit_log": [
            {"at": e.at.isoformat(), "action": e.action, "by": e.actor_label}
            for e in AuditEntry.objects.filter(target_type="registry.person", target_id=str(person.pk))
        ],
    }
    if person.user:
        data["account"] = {
            "username": person.user.username,
            "name": person.user.name,
            "name_latin": person.user.name_latin,
            "email": person.user.email,
            "date_joined": person.user.date_joined.isoformat(),
            "preferred_language": person.user.preferred_language,
        }
    for extra in person_data_providers:
        data.update(extra(person))
    audit.record(acting_user, "registry.person_data_exported", person)
    return data


def user_name_variants(user: Any) -> list[dict[str, str]]:
    """The names a user gave, as name variants: as written (tagged with the language they use Tamyr in) and in Latin
    letters."""
    variants = []
    if user.get_full_name():
        name = user.get_full_name()
        variants.append({"text": name, "script": detect_script(name), "language": user.preferred_language or ""})
    if getattr(user, "name_latin", ""):
        variants.append({"text": user.name_latin, "script": Script.LATIN, "language": ""})
    return variants


@transaction.atomic
def person_create_for_user(*, user: Any, method: str = ConsentMethod.WEB_FORM) -> Person:
    """The signed-in user's own record, made from the name they gave (the username only for an account that never
    gave one), with their consent to the registry given by the form that asked for it."""
    person = person_create(
        display_name=user.get_full_name() or user.get_username(),
        acting_user=user,
        name_variants=user_name_variants(user),
        email=user.email,
        consents=[(ConsentPurpose.REGISTRY, method)],
    )
    person.user = user
    person.save(update_fields=["user"])
    return person


@transaction.atomic
def person_rename_from_user(*, person: Person, user: Any, previous: Iterable[str] = ()) -> Person:
    """The user changed their name: their record shows it, and its name variants swap the names the user gave before
    (`previous`) and the username an old record was named by for the new ones; variants staff or an import added
    stay, so the person is still found by them."""
    if person.is_erased or not user.get_full_name():
        return person
    dropped = {text for text in previous if text} | {user.get_username()}
    kept = [
        {"text": v.text, "script": v.script, "language": v.language}
        for v in person.name_variants.all()
        if v.text not in dropped
    ]
    return person_update(
        person=person,
        acting_user=user,
        display_name=user.get_full_name(),
        name_variants=[*user_name_variants(user), *kept],
    )


#: Other apps (events, learning, calls) add their part of a person's data download here.
person_data_providers: list[Any] = []


@transaction.atomic
def person_erase(*, person: Person, acting_user: Any) -> Person:
    """Anonymize: the row stays (so counts of participants stay right) but nothing identifies the person."""
    if person.is_erased:
        raise DomainError(_("This record has already been erased."), code="erased")
    person.display_name = _("Erased person #%(id)s") % {"id": person.pk}
    person.residence_city = ""
    person.gender = ""
    person.birth_year = None
    person.email = ""
    person.phone = ""
    person.expertise = []
    person.orcid = ""
    person.heritage = ""
    person.erased_at = timezone.now()
    user = person.user
    person.user = None
    person.save()
    person.name_variants.all().delete()
    person.languages.all().delete()
    person.expertise_fields.clear()
    now = timezone.now()
    person.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    person.affiliations.update(role="")
    if user is not None:
        user.is_active = False
        user.email = ""
        user.first_name = ""
        user.last_name = ""
        user.name = ""
        user.name_latin = ""
        user.username = f"erased-{user.pk}"
        user.set_unusable_password()
        user.save()
        user.emailaddress_set.all().delete()  # type: ignore[attr-defined]
    person_erased.send(sender=Person, person=person)
    audit.record(acting_user, "registry.person_erased", person)
    audit.forget(target=person, label=person.display_name)
    if user is not None:
        audit.forget(target=user, actor=user, label=user.username)
    return person
