"""Reads for calls: the public list, one call, who may apply (eligibility) and the applications people see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.calls.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Call,
    CallStatus,
    QuotaGroup,
    RefereeRequest,
)
from tamyr.registry.models import ConsentPurpose, LanguageLevel, Person

PUBLIC_STATUSES = (CallStatus.PUBLISHED, CallStatus.ARCHIVED)
#: CEFR levels from the lowest; a native speaker meets every level
CEFR = ["A1", "A2", "B1", "B2", "C1", "C2", LanguageLevel.NATIVE.value]


def call_list(*, user: Any = None, kind: str = "", open_only: bool = False) -> QuerySet[Call]:
    """Calls everyone sees (published and archived), plus the drafts of calls this user manages."""
    visible = Q(status__in=PUBLIC_STATUSES)
    scope = permissions.people_write_scope(user) if getattr(user, "is_authenticated", False) else set()
    if scope is None:
        visible = Q()
    elif scope:
        visible |= Q(organization_id__in=scope)
    calls = Call.objects.filter(visible).select_related("organization", "network")
    if kind:
        calls = calls.filter(kind=kind)
    if open_only:
        now = timezone.now()
        calls = calls.filter(status=CallStatus.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
    return calls.order_by("closes_at", "slug")


def call_get(slug: str) -> Call:
    """One call with what its page and the application form show; raises Call.DoesNotExist."""
    return (
        Call.objects.select_related("organization", "network")
        .prefetch_related(
            "questions",
            "required_documents",
            Prefetch("quota_groups", QuotaGroup.objects.prefetch_related("countries")),
        )
        .prefetch_related("residence_countries", "citizenships")
        .get(slug=slug)
    )


def application_get(code: str) -> Application:
    """One application with its call, person, documents and referee requests; raises Application.DoesNotExist."""
    return (
        Application.objects.select_related(
            "call", "call__organization", "person", "person__user", "person__residence_country", "organization"
        )
        .prefetch_related(
            "partners",
            Prefetch("documents", ApplicationDocument.objects.select_related("document")),
            Prefetch("referee_requests", RefereeRequest.objects.select_related("document")),
        )
        .get(code=code.upper())
    )


def applications_of_person(person: Person | None, user: Any = None) -> QuerySet[Application]:
    """The applications a person made, and those of the organizations the user applies for."""
    mine = Q(person=person) if person is not None else Q(pk__in=[])
    roles = permissions.roles_of(user)
    organizations = roles.organizations_with(permissions.PEOPLE_ROLES)
    if organizations:
        mine |= Q(organization_id__in=organizations)
    return (
        Application.objects.filter(mine)
        .select_related("call", "call__organization", "organization", "person", "quota_group")
        .order_by("-created_at", "id")
    )


def applications_of_call(call: Call, *, status: str = "") -> QuerySet[Application]:
    """A call's applications for its managers: drafts are the applicants' own business and left out by default."""
    applications = Application.objects.filter(call=call).select_related(
        "person", "person__residence_country", "organization", "quota_group"
    )
    if status:
        applications = applications.filter(status=status)
    else:
        applications = applications.exclude(status=ApplicationStatus.DRAFT)
    return applications.prefetch_related("partners", "documents__document").order_by("submitted_at", "id")


def application_of(call: Call, person: Person | None, organization: Any = None) -> Application | None:
    """The one application a person (or an organization) has at a call, if any."""
    if organization is not None:
        return Application.objects.filter(call=call, organization=organization).first()
    if person is None:
        return None
    return Application.objects.filter(call=call, person=person, organization__isnull=True).first()


def referee_request_by_token(token: str) -> RefereeRequest | None:
    return (
        RefereeRequest.objects.select_related("application", "application__call", "application__person", "document")
        .filter(token=token)
        .first()
    )


# --- eligibility -------------------------------------------------------------------------------------------------


@dataclass
class Eligibility:
    """Whether a person may apply; `reasons` says, in words, every condition they do not meet."""

    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons

    def __bool__(self) -> bool:
        return self.ok


def age_counted_on(call: Call) -> date:
    """The day ages are counted on: the call's `age_on`, else the day it closes (on the call's own calendar)."""
    return call.age_on or timezone.localtime(call.closes_at, call.zone).date()


def possible_ages(birth_year: int, on: date) -> tuple[int, int]:
    """The two ages a person born in `birth_year` can have on a day: before and after their birthday that year."""
    return on.year - birth_year - 1, on.year - birth_year


def _level_rank(level: str) -> int:
    return CEFR.index(level) if level in CEFR else -1


def eligibility(call: Call, person: Person | None) -> Eligibility:
    """Check a person against the call's conditions, each missed one with its reason in words.

    Age: the registry keeps only the year of birth, so on the day ages are counted a person is one of two ages
    (before or after their birthday). We give the benefit of the doubt: the person is eligible when either age fits
    the range, and the committee checks the exact date from the documents. Without a year of birth an age range
    cannot be met (the reason says to add it to one's profile).

    Heritage counts only when the person gave the registry their explicit, not withdrawn, consent to record it
    (`ConsentPurpose.HERITAGE`); without that consent the heritage field is treated as empty, whatever it holds.
    """
    result = Eligibility()
    if person is None:
        result.reasons.append(_("Sign in with an account that has a record in the registry."))
        return result
    if person.is_erased or person.is_merged:
        result.reasons.append(_("This record is no longer in use."))
        return result
    residence = {country.pk for country in call.residence_countries.all()}
    if residence and person.residence_country_id not in residence:
        names = ", ".join(sorted(country.name for country in call.residence_countries.all()))
        result.reasons.append(_("The call is for people living in: %(countries)s.") % {"countries": names})
    citizenships = {country.pk for country in call.citizenships.all()}
    if citizenships and not citizenships & {country.pk for country in person.citizenships.all()}:
        names = ", ".join(sorted(country.name for country in call.citizenships.all()))
        result.reasons.append(_("The call is for citizens of: %(countries)s.") % {"countries": names})
    if call.age_min is not None or call.age_max is not None:
        _check_age(call, person, result)
    if call.languages:
        spoken = {entry.language: entry.level for entry in person.languages.all()}
        for wanted in call.languages:
            language, level = str(wanted.get("language", "")), str(wanted.get("level", ""))
            if language not in spoken or (level and _level_rank(spoken[language]) < _level_rank(level)):
                result.reasons.append(
                    _("The call asks for %(language)s at level %(level)s or higher; your profile does not show it.")
                    % {"language": language, "level": level or "A1"}
                )
    if call.heritage_asked:
        consented = any(
            consent.purpose == ConsentPurpose.HERITAGE and consent.withdrawn_at is None
            for consent in person.consents.all()
        )
        if not consented:
            result.reasons.append(
                _(
                    "The call is for compatriots of heritage: give your explicit consent to record your heritage "
                    "on your profile."
                )
            )
        elif not person.heritage:
            result.reasons.append(_("The call is for compatriots of heritage: add your heritage to your profile."))
    return result


def _check_age(call: Call, person: Person, result: Eligibility) -> None:
    on = age_counted_on(call)
    if person.birth_year is None:
        result.reasons.append(_("The call has an age limit: add your year of birth to your profile."))
        return
    youngest, oldest = possible_ages(person.birth_year, on)
    if call.age_min is not None and oldest < call.age_min:
        result.reasons.append(
            _("Applicants must be at least %(age)s years old on %(day)s.") % {"age": call.age_min, "day": on}
        )
    if call.age_max is not None and youngest > call.age_max:
        result.reasons.append(
            _("Applicants must be at most %(age)s years old on %(day)s.") % {"age": call.age_max, "day": on}
        )


def person_for_eligibility(person: Person) -> Person:
    """The person with what `eligibility` reads, in three queries."""
    return (
        Person.objects.select_related("residence_country")
        .prefetch_related("citizenships", "languages", "consents")
        .get(pk=person.pk)
    )


def quota_group_for(call: Call, person: Person) -> QuotaGroup | None:
    """The group a person belongs to by their country of residence, when the call's groups list countries."""
    if person.residence_country_id is None:
        return None
    for group in call.quota_groups.all():
        if any(country.pk == person.residence_country_id for country in group.countries.all()):
            return group
    return None


def choosable_quota_groups(call: Call) -> list[QuotaGroup]:
    """Groups an applicant chooses on the form: those that list no countries (a study level, a university)."""
    return [group for group in call.quota_groups.all() if not group.countries.all()]
