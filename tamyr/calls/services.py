"""Writes for calls, the applicant's side: calls and their forms, applications from draft to submission or
withdrawal, documents, referees' letters. One transaction each; e-mails leave after the commit.

Review, assignment and selection (the committee's side) live in their own modules and never change what an
applicant wrote.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.calls import selectors
from tamyr.calls.models import (
    HOLDS_PLACE,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Call,
    CallKind,
    CallStatus,
    OthersScores,
    Outcome,
    OutcomeStatus,
    Question,
    QuotaGroup,
    RefereeRequest,
    RequiredDocument,
    ReviewPhase,
    ScoreCategory,
)
from tamyr.core import audit, cldr, questions, uploads
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.i18n import clean_translations
from tamyr.registry import selectors as registry_selectors
from tamyr.registry.models import Country, Organization, Person

CALL_EDITABLE = (
    "kind", "title", "summary", "description", "network", "time_zone", "opens_at", "closes_at", "places", "currency",
    "budget", "award_min", "award_max", "age_min", "age_max", "age_on", "languages", "heritage_asked",
)  # fmt: skip
TRANSLATED = ("title", "summary", "description")
CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
#: what a required document's `formats` may name, and the kinds of content each lets through `core.uploads`
FORMATS: dict[str, frozenset[uploads.Kind]] = {
    "pdf": frozenset({uploads.PDF}),
    "image": uploads.IMAGES,
    "word": frozenset({uploads.DOCX, uploads.ODT}),
    "spreadsheet": frozenset({uploads.XLSX, uploads.ODS}),
    "presentation": frozenset({uploads.PPTX}),
}
MAX_BUDGET_LINES = 50
MAX_AMOUNT = Decimal("1000000000000")  # what the amount columns hold (14 digits, 2 after the point), summed
MAX_PARTNERS = 20
REFEREE_SALT = "tamyr.calls.referee"
REFEREE_LINK_DAYS = 60
UNSET: Any = object()
#: first path segments under /calls/ that other pages use
RESERVED_SLUGS = frozenset({"new", "mine", "referees", "applications", "api", "feeds"})


def document_policy(document: RequiredDocument) -> uploads.Policy:
    """The upload policy of one required document: its formats and its size, stored privately."""
    kinds: frozenset[uploads.Kind] = frozenset()
    for name in document.formats or ["pdf"]:
        kinds |= FORMATS.get(name, frozenset())
    return uploads.Policy(
        f"call_document_{document.max_megabytes}mb",
        kinds or FORMATS["pdf"],
        document.max_megabytes * uploads.MB,
        private=True,
    )


# --- calls -------------------------------------------------------------------------------------------------------


def _check_call_fields(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    for key in TRANSLATED:
        if key in cleaned:
            try:
                cleaned[key] = clean_translations(cleaned[key])
            except ValueError as error:
                raise DomainError(str(error), field=key) from error
    if "kind" in cleaned and cleaned["kind"] not in CallKind.values:
        raise DomainError(_("Unknown kind of call."), field="kind")
    if "time_zone" in cleaned and cleaned["time_zone"] not in zoneinfo.available_timezones():
        raise DomainError(
            _("%(value)s is not a time zone name such as Europe/Vienna.") % {"value": cleaned["time_zone"]},
            field="time_zone",
        )
    opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
    if opens is not None and closes is not None and closes <= opens:
        raise DomainError(_("A call closes after it opens."), field="closes_at")
    age_min, age_max = cleaned.get("age_min"), cleaned.get("age_max")
    if age_min is not None and age_max is not None and age_max < age_min:
        raise DomainError(_("The maximum age is below the minimum age."), field="age_max")
    award_min, award_max = cleaned.get("award_min"), cleaned.get("award_max")
    if award_min is not None and award_max is not None and award_max < award_min:
        raise DomainError(_("The largest award is below the smallest."), field="award_max")
    if "currency" in cleaned:
        currency = str(cleaned["currency"] or "").strip().upper()
        if currency and (len(currency) != 3 or not currency.isalpha()):
            raise DomainError(_("Give the currency as a three-letter code such as USD."), field="currency")
        cleaned["currency"] = currency
    if "languages" in cleaned:
        cleaned["languages"] = _clean_languages(cleaned["languages"])
    return cleaned


def _clean_languages(value: Any) -> list[dict[str, str]]:
    problem = DomainError(_('Give languages as [{"language": "hu", "level": "B1"}, …].'), field="languages")
    if not isinstance(value, list):
        raise problem
    cleaned = []
    for item in value:
        if not isinstance(item, dict) or not str(item.get("language", "")).strip():
            raise problem
        level = str(item.get("level", "") or "").strip().upper()
        if level and level not in CEFR_LEVELS:
            raise DomainError(_("CEFR levels are A1, A2, B1, B2, C1 and C2."), field="languages")
        cleaned.append({"language": str(item["language"]).strip().lower()[:8], "level": level})
    return cleaned


@transaction.atomic
def call_create(
    *,
    slug: str,
    organization: Organization,
    acting_user: Any,
    residence_countries: Iterable[Country] = (),
    citizenships: Iterable[Country] = (),
    **fields: Any,
) -> Call:
    """A new call, as a draft: nobody sees it but its managers until it is published."""
    unknown = set(fields) - set(CALL_EDITABLE)
    if unknown:
        raise DomainError(_("Unknown field(s): %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if not permissions.can(acting_user, "calls.add_call", organization):
        raise NotAllowed(_("You can only create calls for organizations where you are admin or staff."))
    if slug in RESERVED_SLUGS:
        raise DomainError(_("The address %(slug)s is reserved; choose another.") % {"slug": slug}, field="slug")
    if not slug or Call.objects.filter(slug=slug).exists():
        raise DomainError(_("A call with the address %(slug)s already exists.") % {"slug": slug}, field="slug")
    for required in ("kind", "title", "opens_at", "closes_at"):
        if not fields.get(required):
            raise DomainError(_("This field is required."), field=required)
    cleaned = _check_call_fields(fields)
    if not cleaned["title"]:
        raise DomainError(_("Give the call a title."), field="title")
    call = Call.objects.create(slug=slug, organization=organization, **cleaned)
    call.residence_countries.set(residence_countries)
    call.citizenships.set(citizenships)
    audit.record(acting_user, "calls.call_created", call)
    return call


@transaction.atomic
def call_update(
    *,
    call: Call,
    acting_user: Any,
    residence_countries: Iterable[Country] | None = None,
    citizenships: Iterable[Country] | None = None,
    **fields: Any,
) -> Call:
    unknown = set(fields) - set(CALL_EDITABLE)
    if unknown:
        raise DomainError(_("Unknown field(s): %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if not permissions.can(acting_user, "calls.change_call", call):
        raise NotAllowed(_("Only the call's managers can change it."))
    current = {key: getattr(call, key) for key in ("opens_at", "closes_at", "age_min", "age_max", "award_min")}
    cleaned = _check_call_fields({**current, "award_max": call.award_max, **fields})
    changed = [key for key in fields if getattr(call, key) != cleaned[key]]
    for key in changed:
        setattr(call, key, cleaned[key])
    if changed:
        call.save()
    if residence_countries is not None:
        call.residence_countries.set(residence_countries)
        changed.append("residence_countries")
    if citizenships is not None:
        call.citizenships.set(citizenships)
        changed.append("citizenships")
    if changed:
        audit.record(acting_user, "calls.call_changed", call, fields=sorted(changed))
    return call


@transaction.atomic
def call_publish(*, call: Call, acting_user: Any) -> Call:
    """Show the call in the public list; applications are taken between its opening and closing time."""
    if not permissions.can(acting_user, "calls.change_call", call):
        raise NotAllowed(_("Only the call's managers can publish it."))
    if call.status == CallStatus.PUBLISHED:
        raise DomainError(_("The call is published already."), code="already_published")
    call.status = CallStatus.PUBLISHED
    call.save(update_fields=["status", "updated_at"])
    audit.record(acting_user, "calls.call_published", call)
    return call


def _require_manager(call: Call, acting_user: Any) -> None:
    if not permissions.can(acting_user, "calls.change_call", call):
        raise NotAllowed(_("Only the call's managers can change its form."))


@transaction.atomic
def question_create(
    *, call: Call, label: Any, kind: str, acting_user: Any, choices: list[Any] | None = None, required: bool = False
) -> Question:
    """A question on the call's form; files are asked as required documents, not as questions."""
    _require_manager(call, acting_user)
    if kind == questions.QuestionKind.FILE:
        raise DomainError(_("Ask for a file as a required document of the call (formats and size)."), field="kind")
    cleaned_label, cleaned_choices = questions.clean_question(label=label, kind=kind, choices=choices)
    question = Question.objects.create(
        call=call, label=cleaned_label, kind=kind, choices=cleaned_choices, required=required,
        order=call.questions.count(),
    )  # fmt: skip
    audit.record(acting_user, "calls.question_created", call, question=question.pk)
    return question


@transaction.atomic
def required_document_create(
    *,
    call: Call,
    key: str,
    name: Any,
    acting_user: Any,
    formats: list[str] | None = None,
    max_megabytes: int = 10,
    required: bool = True,
    from_referee: bool = False,
) -> RequiredDocument:
    _require_manager(call, acting_user)
    formats = list(formats or ["pdf"])
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise DomainError(
            _("Unknown format(s): %(formats)s. Use %(known)s.")
            % {"formats": ", ".join(unknown), "known": ", ".join(FORMATS)},
            field="formats",
        )
    if not 1 <= int(max_megabytes) <= 50:
        raise DomainError(_("A document may be 1 to 50 MB."), field="max_megabytes")
    if call.required_documents.filter(key=key).exists():
        raise DomainError(_("The call already asks for a document %(key)s.") % {"key": key}, field="key")
    document = RequiredDocument.objects.create(
        call=call, key=key, name=clean_translations(name), formats=formats, max_megabytes=max_megabytes,
        required=required, from_referee=from_referee, order=call.required_documents.count(),
    )  # fmt: skip
    audit.record(acting_user, "calls.required_document_created", call, document=key)
    return document


@transaction.atomic
def quota_group_create(
    *, call: Call, key: str, name: Any, places: int, acting_user: Any, countries: Iterable[Country] = ()
) -> QuotaGroup:
    _require_manager(call, acting_user)
    if call.quota_groups.filter(key=key).exists():
        raise DomainError(_("The call already has a quota group %(key)s.") % {"key": key}, field="key")
    group = QuotaGroup.objects.create(
        call=call, key=key, name=clean_translations(name), places=places, order=call.quota_groups.count()
    )
    group.countries.set(countries)
    audit.record(acting_user, "calls.quota_group_created", call, group=key, places=places)
    return group


@transaction.atomic
def question_update(
    *, question: Question, acting_user: Any, label: Any = UNSET, choices: Any = UNSET, required: Any = UNSET
) -> Question:
    """Change a question's text, answers offered or whether it must be answered; its kind stays (answers given
    already are of that kind)."""
    _require_manager(question.call, acting_user)
    label = question.label if label is UNSET else label
    choices = question.choices if choices is UNSET else choices
    cleaned_label, cleaned_choices = questions.clean_question(label=label, kind=question.kind, choices=choices)
    question.label, question.choices = cleaned_label, cleaned_choices
    if required is not UNSET:
        question.required = bool(required)
    question.save(update_fields=["label", "choices", "required"])
    audit.record(acting_user, "calls.question_changed", question.call, question=question.pk)
    return question


@transaction.atomic
def required_document_update(*, document: RequiredDocument, acting_user: Any, **fields: Any) -> RequiredDocument:
    """Change what the call asks of one document: name, formats, size, whether required, whether a referee's."""
    _require_manager(document.call, acting_user)
    unknown = set(fields) - {"name", "formats", "max_megabytes", "required", "from_referee"}
    if unknown:
        raise DomainError(_("Unknown field(s): %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if "formats" in fields and sorted(set(fields["formats"]) - set(FORMATS)):
        raise DomainError(
            _("Unknown format(s): %(formats)s. Use %(known)s.")
            % {"formats": ", ".join(sorted(set(fields["formats"]) - set(FORMATS))), "known": ", ".join(FORMATS)},
            field="formats",
        )
    if "max_megabytes" in fields and not 1 <= int(fields["max_megabytes"]) <= 50:
        raise DomainError(_("A document may be 1 to 50 MB."), field="max_megabytes")
    if "name" in fields:
        fields["name"] = clean_translations(fields["name"])
    for key, value in fields.items():
        setattr(document, key, value)
    document.save()
    audit.record(acting_user, "calls.required_document_changed", document.call, document=document.key)
    return document


@transaction.atomic
def quota_group_update(
    *, group: QuotaGroup, acting_user: Any, name: Any = UNSET, places: Any = UNSET, countries: Any = UNSET
) -> QuotaGroup:
    """Change a group's name, places or countries (selection decides against the places as they are then)."""
    _require_manager(group.call, acting_user)
    if name is not UNSET:
        group.name = clean_translations(name)
    if places is not UNSET:
        group.places = int(places)
    group.save(update_fields=["name", "places"])
    if countries is not UNSET:
        group.countries.set(countries)
    audit.record(acting_user, "calls.quota_group_changed", group.call, group=group.key)
    return group


PHASE_FIELDS = ("name", "starts_at", "ends_at", "can_review", "sees_all", "others_scores", "blind")
CATEGORY_FIELDS = ("name", "weight", "required", "min_value", "max_value")


@transaction.atomic
def review_phase_set(*, call: Call, order: int, acting_user: Any, **fields: Any) -> ReviewPhase:
    """Create the call's review phase at `order`, or change it: its name, dates and what reviewers may do in it
    (the phase whose dates include now is the one in force, so its dates are checked here)."""
    _require_manager(call, acting_user)
    if set(fields) - set(PHASE_FIELDS):
        raise DomainError(
            _("Unknown field(s): %(fields)s.") % {"fields": ", ".join(sorted(set(fields) - set(PHASE_FIELDS)))}
        )
    phase = call.review_phases.filter(order=order).first() or ReviewPhase(call=call, order=order)
    for name, value in fields.items():
        setattr(phase, name, clean_translations(value) if name == "name" else value)
    if phase.starts_at is None or phase.ends_at is None or phase.ends_at <= phase.starts_at:
        raise DomainError(_("A review phase ends after it starts."), field="ends_at")
    if phase.others_scores not in OthersScores.values:
        raise DomainError(_("Unknown choice %(value)s.") % {"value": phase.others_scores}, field="others_scores")
    created = phase.pk is None
    phase.save()
    audit.record(acting_user, f"calls.review_phase_{'created' if created else 'changed'}", call, phase=order)
    return phase


@transaction.atomic
def score_category_set(*, call: Call, key: str, acting_user: Any, **fields: Any) -> ScoreCategory:
    """Create the call's score category `key` (last in order), or change its name, weight, range or whether it must
    be scored; reviews already given keep their scores."""
    _require_manager(call, acting_user)
    if set(fields) - set(CATEGORY_FIELDS):
        raise DomainError(
            _("Unknown field(s): %(fields)s.") % {"fields": ", ".join(sorted(set(fields) - set(CATEGORY_FIELDS)))}
        )
    category = call.score_categories.filter(key=key).first()
    created = category is None
    if category is None:
        category = ScoreCategory(call=call, key=key, order=call.score_categories.count())
    for name, value in fields.items():
        setattr(category, name, clean_translations(value) if name == "name" else value)
    if category.max_value <= category.min_value or Decimal(category.weight) < 0:
        raise DomainError(_("The highest score is above the lowest, and the weight is not negative."), field=key)
    category.save()
    audit.record(acting_user, f"calls.score_category_{'created' if created else 'changed'}", call, category=key)
    return category


# --- applications ------------------------------------------------------------------------------------------------


def _notify(application: Application, kind: str) -> None:
    from tamyr.calls.tasks import notify_application

    application_id = application.pk
    transaction.on_commit(lambda: notify_application(application_id, kind))


def _check_open(call: Call, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if call.status != CallStatus.PUBLISHED:
        raise DomainError(_("The call is not taking applications."), code="not_published")
    if now < call.opens_at:
        raise DomainError(_("The call has not opened yet."), code="not_open")
    if now >= call.closes_at:
        raise DomainError(_("The call has closed; applications can no longer be changed."), code="call_closed")


def _require_own(application: Application, acting_user: Any) -> None:
    if not permissions.can(acting_user, "calls.change_application", application):
        raise NotAllowed(_("Only the applicant can change this application."))


def applicant_person(user: Any) -> Person:
    """The signed-in user's record, made from their account (with their consent to be kept) when there is none."""
    person = registry_selectors.person_of_user(user)
    if person is not None:
        return person
    from tamyr.registry import services as registry_services

    try:
        with transaction.atomic():
            person = registry_services.person_create_for_user(user=user)
    except IntegrityError:
        person = Person.objects.get(user=user)
    return person


@transaction.atomic
def application_start(
    *, call: Call, person: Person, acting_user: Any, organization: Organization | None = None, language: str = ""
) -> Application:
    """Open a draft (or return the one the applicant has). A financing call takes applications from organizations,
    made by their admins or staff; every other call from people who meet its conditions."""
    _check_open(call)
    if not permissions.can(acting_user, "calls.apply", call):
        raise NotAllowed(_("Sign in to apply."))
    if person.user_id != getattr(acting_user, "pk", None):
        raise NotAllowed(_("You can only apply in your own name."))
    if call.kind == CallKind.FINANCING:
        if organization is None:
            raise DomainError(_("Choose the organization that applies."), field="organization", code="organization")
        if not permissions.can(acting_user, "calls.apply_for_organization", organization):
            raise NotAllowed(_("You can apply only for organizations where you are admin or staff."))
    else:
        organization = None
        verdict = selectors.eligibility(call, selectors.person_for_eligibility(person))
        if not verdict.ok:
            raise DomainError(" ".join(verdict.reasons), code="not_eligible")
    existing = selectors.application_of(call, person, organization)
    if existing is not None:
        if existing.status == ApplicationStatus.WITHDRAWN:
            existing.status = ApplicationStatus.DRAFT
            existing.withdrawn_at = None
            existing.save(update_fields=["status", "withdrawn_at", "updated_at"])
            audit.record(acting_user, "calls.application_reopened", existing)
        return existing
    application = Application.objects.create(
        call=call,
        person=person,
        organization=organization,
        language=language[:8],
        quota_group=selectors.quota_group_for(call, person) if organization is None else None,
    )
    audit.record(acting_user, "calls.application_started", application)
    return application


def _clean_budget(call: Call, lines: Any) -> tuple[list[dict[str, str]], Decimal | None]:
    """Budget lines as [{"item": text, "amount": "123.45"}], and their sum."""
    if lines in (None, ""):
        return [], None
    if not isinstance(lines, list) or len(lines) > MAX_BUDGET_LINES:
        raise DomainError(
            _("Give the budget as at most %(count)s lines of an item and an amount.") % {"count": MAX_BUDGET_LINES},
            field="budget_lines",
        )
    cleaned: list[dict[str, str]] = []
    total = Decimal("0")
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, Mapping):
            raise DomainError(
                _("Line %(n)s of the budget: give an item and an amount.") % {"n": number}, field="budget_lines"
            )
        item = str(line.get("item", "") or "").strip()
        raw = str(line.get("amount", "") or "").strip().replace(" ", "").replace(",", ".")
        if not item and not raw:
            continue  # an empty row of the table
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            amount = Decimal("-1")
        if not item or len(item) > 200:
            raise DomainError(
                _("Line %(n)s of the budget: say what the money is for.") % {"n": number}, field="budget_lines"
            )
        if (
            not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT or amount.as_tuple().exponent < -2  # type: ignore[operator]
        ):
            raise DomainError(
                _("Line %(n)s of the budget: give the amount as a positive number, e.g. 1200.50.") % {"n": number},
                field="budget_lines",
            )
        cleaned.append({"item": item, "amount": f"{amount:.2f}"})
        total += amount
    if total >= MAX_AMOUNT:
        raise DomainError(_("Fill in the budget table."), field="budget_lines")
    return cleaned, (total if cleaned else None)


def _clean_partners(application: Application, partners: Iterable[Organization]) -> list[Organization]:
    chosen = list({partner.pk: partner for partner in partners}.values())
    if len(chosen) > MAX_PARTNERS:
        raise DomainError(_("At most %(count)s partner organizations.") % {"count": MAX_PARTNERS}, field="partners")
    allowed = set(
        registry_selectors.organizations_to_name().filter(pk__in=[p.pk for p in chosen]).values_list("pk", flat=True)
    )
    for partner in chosen:
        if partner.pk not in allowed:
            raise DomainError(_("Choose partner organizations from the registry."), field="partners")
        if partner.pk == application.organization_id:
            raise DomainError(_("The applying organization is not its own partner."), field="partners")
    return chosen


def _clean_quota_group(application: Application, group: QuotaGroup | None) -> QuotaGroup | None:
    """By residence when the call's groups list the applicant's country; otherwise the applicant's choice among the
    groups that list no countries."""
    call = application.call
    by_residence = selectors.quota_group_for(call, application.person) if application.organization_id is None else None
    if by_residence is not None:
        return by_residence
    if group is None:
        return None
    if group.call_id != call.pk or group.countries.exists():
        raise DomainError(_("Choose one of the groups offered."), field="quota_group")
    return group


@transaction.atomic
def application_save(
    *,
    application: Application,
    acting_user: Any,
    answers: Mapping[str, Any] | None = None,
    quota_group: Any = UNSET,
    budget_lines: Any = UNSET,
    partners: Any = UNSET,
) -> Application:
    """Save what the applicant wrote. A draft may be incomplete (it is saved as they type); a submitted application
    stays complete: a change that leaves a required answer out is refused and nothing is saved."""
    application = Application.objects.select_for_update().select_related("call", "person").get(pk=application.pk)
    _require_own(application, acting_user)
    _check_open(application.call)
    if application.status == ApplicationStatus.WITHDRAWN:
        raise DomainError(_("This application was withdrawn."), code="withdrawn")
    draft = application.status == ApplicationStatus.DRAFT
    changed: list[str] = []
    if answers is not None:
        cleaned, _files = questions.clean_answers(application.call.questions.all(), answers, {}, partial=draft)
        if cleaned != application.answers:
            application.answers = cleaned
            changed.append("answers")
    if quota_group is not UNSET:
        group = _clean_quota_group(application, quota_group)
        if group != application.quota_group:
            application.quota_group = group
            changed.append("quota_group")
    if budget_lines is not UNSET:
        lines, total = _clean_budget(application.call, budget_lines)
        if lines != application.budget_lines:
            application.budget_lines = lines
            application.amount_requested = total
            changed += ["budget_lines", "amount_requested"]
    if partners is not UNSET:
        chosen = _clean_partners(application, partners)
        if {p.pk for p in chosen} != set(application.partners.values_list("pk", flat=True)):
            application.partners.set(chosen)
            changed.append("partners")
    if not draft:
        _check_complete(application)
    if changed:
        application.save(update_fields=[name for name in changed if name != "partners"] + ["updated_at"])
        audit.record(acting_user, "calls.application_saved", application, fields=changed)
        if not draft:
            _notify(application, "changed")
    return application


def _check_complete(application: Application) -> None:
    """What a submitted application must hold: every required answer, document, group and, for financing, a
    budget within the call's limits. Referees' letters may still come after submission."""
    call = application.call
    questions.clean_answers(call.questions.all(), application.answers, {}, partial=False)
    groups = list(call.quota_groups.all())
    if groups and application.quota_group_id is None:
        raise DomainError(_("Choose the group you apply in."), field="quota_group", code="incomplete")
    present = set(application.documents.values_list("document_id", flat=True))
    for document in call.required_documents.all():
        if document.required and not document.from_referee and document.pk not in present:
            raise DomainError(
                _("Upload “%(document)s”.") % {"document": str(document)},
                field=f"doc_{document.key}",
                code="incomplete",
            )
    if call.kind == CallKind.FINANCING:
        amount = application.amount_requested
        if not application.budget_lines or amount is None:
            raise DomainError(_("Fill in the budget table."), field="budget_lines", code="incomplete")
        if call.award_min is not None and amount < call.award_min:
            raise DomainError(
                _("The amount requested is below the smallest award, %(amount)s %(currency)s.")
                % {"amount": cldr.number(call.award_min, digits=2), "currency": call.currency},
                field="budget_lines",
                code="amount_out_of_range",
            )
        if call.award_max is not None and amount > call.award_max:
            raise DomainError(
                _("The amount requested is above the largest award, %(amount)s %(currency)s.")
                % {"amount": cldr.number(call.award_max, digits=2), "currency": call.currency},
                field="budget_lines",
                code="amount_out_of_range",
            )


@transaction.atomic
def application_submit(*, application: Application, acting_user: Any) -> Application:
    """Submit before the deadline; the applicant gets a confirmation by e-mail and may change it until the call
    closes."""
    application = Application.objects.select_for_update().select_related("call", "person").get(pk=application.pk)
    _require_own(application, acting_user)
    _check_open(application.call)
    if application.status == ApplicationStatus.SUBMITTED:
        raise DomainError(_("The application is submitted already."), code="already_submitted")
    if application.status == ApplicationStatus.WITHDRAWN:
        raise DomainError(_("This application was withdrawn."), code="withdrawn")
    _check_complete(application)
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(acting_user, "calls.application_submitted", application)
    _notify(application, "submitted")
    return application


@transaction.atomic
def application_withdraw(*, application: Application, acting_user: Any) -> Application:
    """Withdraw; nothing is deleted, and while the call is open the applicant may take the application up again."""
    application = Application.objects.select_for_update().select_related("call", "person").get(pk=application.pk)
    _require_own(application, acting_user)
    if application.status == ApplicationStatus.WITHDRAWN:
        raise DomainError(_("This application was withdrawn."), code="withdrawn")
    was_submitted = application.status == ApplicationStatus.SUBMITTED
    outcome = Outcome.objects.filter(application=application, status__in=(*HOLDS_PLACE, OutcomeStatus.RESERVE)).first()
    if outcome is not None:  # a place or a reserve position passes to the next person at once
        from tamyr.calls import selection

        selection.outcome_withdraw(outcome=outcome, acting_user=acting_user)
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit.record(acting_user, "calls.application_withdrawn", application)
    if was_submitted:
        _notify(application, "withdrawn")
    return application


# --- documents and referees --------------------------------------------------------------------------------------


def _store_document(
    application: Application, document: RequiredDocument, upload: Any, *, from_referee: bool
) -> ApplicationDocument:
    checked = uploads.check(upload, document_policy(document), field=f"doc_{document.key}")
    existing = ApplicationDocument.objects.filter(application=application, document=document).first()
    if existing is None:
        return ApplicationDocument.objects.create(
            application=application, document=document, file=checked, original_name=checked.original_name,
            size=checked.size, from_referee=from_referee,
        )  # fmt: skip
    uploads.replace(existing, "file", checked, document_policy(document))
    existing.original_name = checked.original_name
    existing.size = checked.size
    existing.from_referee = from_referee
    existing.uploaded_at = timezone.now()
    existing.save()
    return existing


@transaction.atomic
def document_upload(
    *, application: Application, document: RequiredDocument, upload: Any, acting_user: Any
) -> ApplicationDocument:
    """Store (or replace) one document, checked by its real content and size against what the call asks."""
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    _require_own(application, acting_user)
    _check_open(application.call)
    if document.call_id != application.call_id:
        raise DomainError(_("The call does not ask for this document."), field="document")
    if document.from_referee:
        raise DomainError(_("This letter is uploaded by your referee through their link."), field="document")
    if application.status == ApplicationStatus.WITHDRAWN:
        raise DomainError(_("This application was withdrawn."), code="withdrawn")
    stored = _store_document(application, document, upload, from_referee=False)
    application.save(update_fields=["updated_at"])
    audit.record(acting_user, "calls.document_uploaded", application, document=document.key)
    return stored


@transaction.atomic
def document_remove(*, application: Application, document: RequiredDocument, acting_user: Any) -> None:
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    _require_own(application, acting_user)
    _check_open(application.call)
    if application.status != ApplicationStatus.DRAFT and document.required:
        raise DomainError(_("A submitted application keeps its required documents; upload a new one instead."))
    stored = ApplicationDocument.objects.filter(application=application, document=document, from_referee=False).first()
    if stored is None:
        return
    uploads.delete_on_commit(stored.file)
    stored.delete()
    audit.record(acting_user, "calls.document_removed", application, document=document.key)


def referee_link_token(request: RefereeRequest) -> str:
    """The token in a referee's link: the request's random token, signed with the site's key and dated."""
    return signing.TimestampSigner(salt=REFEREE_SALT).sign(request.token)


def referee_request_from_link(signed: str) -> RefereeRequest | None:
    """The request a link names, when its signature holds and it is not too old; None otherwise."""
    try:
        token = signing.TimestampSigner(salt=REFEREE_SALT).unsign(signed, max_age=REFEREE_LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    return selectors.referee_request_by_token(token)


@transaction.atomic
def referee_request_create(
    *, application: Application, document: RequiredDocument, referee_name: str, referee_email: str, acting_user: Any
) -> RefereeRequest:
    """Ask a referee for a letter: they get a one-time link by e-mail and need no account."""
    _require_own(application, acting_user)
    _check_open(application.call)
    if document.call_id != application.call_id or not document.from_referee:
        raise DomainError(_("The call does not ask for this letter."), field="document")
    name, email = referee_name.strip(), referee_email.strip()
    if not name or "@" not in email:
        raise DomainError(_("Give the referee's name and e-mail address."), field="referee_email")
    if application.referee_requests.filter(document=document, used_at__isnull=True).count() >= 3:
        raise DomainError(_("Three open requests for this letter are enough; wait for an answer."))
    request = RefereeRequest.objects.create(
        application=application, document=document, referee_name=name[:200], referee_email=email
    )
    audit.record(acting_user, "calls.referee_requested", application, document=document.key)
    request_id = request.pk

    def send() -> None:
        from tamyr.calls.tasks import notify_referee

        notify_referee(request_id)

    transaction.on_commit(send)
    return request


@transaction.atomic
def referee_upload(*, signed_token: str, upload: Any) -> ApplicationDocument:
    """A referee's letter through their link: once only, while the call is open; the applicant cannot read it."""
    found = referee_request_from_link(signed_token)
    if found is None:
        raise DomainError(_("This link is not valid. Ask the applicant for a new one."), code="bad_link")
    request = (
        RefereeRequest.objects.select_for_update().select_related("application__call", "document").get(pk=found.pk)
    )
    if request.used_at is not None:
        raise DomainError(_("A letter was uploaded through this link already."), code="link_used")
    application = request.application
    if application.status == ApplicationStatus.WITHDRAWN:
        raise DomainError(_("The applicant withdrew this application."), code="withdrawn")
    if timezone.now() >= application.call.closes_at:
        raise DomainError(_("The call has closed; letters can no longer be uploaded."), code="call_closed")
    stored = _store_document(application, request.document, upload, from_referee=True)
    request.used_at = timezone.now()
    request.save(update_fields=["used_at", "updated_at"])
    audit.record(None, "calls.referee_letter_uploaded", application, document=request.document.key)
    return stored
