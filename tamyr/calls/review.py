"""Review of a call's applications: reviewer pool, conflicts of interest, assignment, phases and reviews.

Writes (one transaction each, named `<entity>_<action>`) and the reads that decide what a reviewer may see. The
one rule that everything here keeps: a conflicted reviewer never sees the application — the selectors leave it
out, `permissions.can(user, "calls.review_application", application)` refuses it, and the solver never assigns it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tamyr.accounts import selectors as account_selectors
from tamyr.calls import assignment as solver
from tamyr.calls.models import (
    Application,
    ApplicationStatus,
    Call,
    CallReviewer,
    Conflict,
    ConflictSource,
    OthersScores,
    Review,
    ReviewAssignment,
    ReviewPhase,
    ReviewScore,
    ScoreCategory,
)
from tamyr.core import audit
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.names.keys import name_keys
from tamyr.registry.expertise import Profile
from tamyr.registry.models import Affiliation, Person

REMIND_DAYS_BEFORE = 3
READING_LEVELS = frozenset({"", "native", "C2", "C1", "B2", "B1"})  # A1/A2 do not read an application


# --- reviewer pool --------------------------------------------------------------------------------------------------


@transaction.atomic
def reviewer_add(*, call: Call, person: Person, acting_user: Any) -> CallReviewer:
    seat, created = CallReviewer.objects.get_or_create(call=call, person=person)
    if created:
        audit.record(acting_user, "calls.reviewer_added", seat)
    return seat


def reviewer_of(user: Any) -> Person | None:
    """The registry record a signed-in user reviews as (their own), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user, erased_at__isnull=True, merged_into__isnull=True).first()


# --- conflicts of interest --------------------------------------------------------------------------------------


def _family_keys(person: Person) -> set[str]:
    """Coarse surname keys of every way the person's name is written (Tokayev, Токаев and Tokayeva share one)."""
    texts = [person.display_name, *(variant.text for variant in person.name_variants.all())]
    return {key for key in (name_keys(text).blocking for text in texts) if key}


def _place(person: Person) -> tuple[str, str] | None:
    city = person.residence_city.strip().casefold()
    return (person.residence_country_id or "", city) if city else None


def _current_organizations(person: Person, today: Any) -> set[int]:
    return {a.organization_id for a in person.affiliations.all() if a.until is None or a.until >= today}


def _current_affiliations() -> QuerySet[Affiliation]:
    return Affiliation.objects.only("person_id", "organization_id", "until")


def _people_for_conflicts() -> QuerySet[Person]:
    return Person.objects.prefetch_related(Prefetch("affiliations", queryset=_current_affiliations()), "name_variants")


@dataclass(frozen=True)
class FoundConflict:
    application_id: int
    reviewer_id: int
    source: str
    note: str = ""


def conflicts_find(call: Call) -> list[FoundConflict]:
    """Every conflict the registry shows between the call's submitted applications and its reviewers:

    - own application: the reviewer is the applicant;
    - same organization: the applying or a partner organization, or an organization the applicant is affiliated
      with, is one the reviewer is affiliated with now (an affiliation that ended before today does not count);
    - co-applicant: the reviewer has an application of their own in this call that shares an applying or partner
      organization with this one (they apply together);
    - same family name and place: the same coarse surname key (any script, either gender's form) and the same place.
      The registry keeps no place of birth, so "place" is the city and country of residence; a record without a
      city is never matched on place alone.
    """
    today = timezone.localdate()
    reviewers = [seat.person for seat in CallReviewer.objects.filter(call=call).select_related("person")]
    if not reviewers:
        return []
    reviewer_people = {
        person.pk: person for person in _people_for_conflicts().filter(pk__in=[person.pk for person in reviewers])
    }
    by_org: dict[int, set[int]] = defaultdict(set)
    by_family_place: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for person in reviewer_people.values():
        for org in _current_organizations(person, today):
            by_org[org].add(person.pk)
        place = _place(person)
        if place is not None:
            for key in _family_keys(person):
                by_family_place[(key, *place)].add(person.pk)

    applications = list(
        Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED)
        .select_related("person")
        .prefetch_related(
            "partners",
            Prefetch("person__affiliations", queryset=_current_affiliations()),
            "person__name_variants",
        )
    )
    organizations_of: dict[int, set[int]] = {}
    for app in applications:
        orgs = {partner.pk for partner in app.partners.all()}
        if app.organization_id:
            orgs.add(app.organization_id)
        organizations_of[app.pk] = orgs
    own_orgs_of_reviewer: dict[int, set[int]] = defaultdict(set)
    for app in applications:
        if app.person_id in reviewer_people:
            own_orgs_of_reviewer[app.person_id] |= organizations_of[app.pk]

    found: list[FoundConflict] = []
    for app in applications:
        if app.person_id in reviewer_people:
            found.append(FoundConflict(app.pk, app.person_id, ConflictSource.OWN_APPLICATION))
        applying = organizations_of[app.pk]
        for org in applying | _current_organizations(app.person, today):
            for reviewer_id in by_org.get(org, ()):
                if reviewer_id != app.person_id:
                    found.append(FoundConflict(app.pk, reviewer_id, ConflictSource.ORGANIZATION, f"organization {org}"))
        for reviewer_id, orgs in own_orgs_of_reviewer.items():
            if reviewer_id != app.person_id and orgs & applying:
                found.append(FoundConflict(app.pk, reviewer_id, ConflictSource.CO_APPLICANT))
        place = _place(app.person)
        if place is not None:
            for key in _family_keys(app.person):
                for reviewer_id in by_family_place.get((key, *place), ()):
                    if reviewer_id != app.person_id:
                        found.append(FoundConflict(app.pk, reviewer_id, ConflictSource.FAMILY_AND_PLACE))
    return list(dict.fromkeys(found))


@transaction.atomic
def conflicts_detect(*, call: Call, acting_user: Any) -> int:
    """Record every conflict `conflicts_find` sees and drop the assignments they forbid; returns how many are new.
    Conflicts found earlier and no longer true are kept: a conflict is only ever removed by a manager."""
    found = conflicts_find(call)
    before = Conflict.objects.filter(application__call=call).count()
    Conflict.objects.bulk_create(
        [
            Conflict(application_id=c.application_id, reviewer_id=c.reviewer_id, source=c.source, note=c.note)
            for c in found
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    added = Conflict.objects.filter(application__call=call).count() - before
    _drop_conflicted_assignments(call)
    audit.record(acting_user, "calls.conflicts_detected", call, added=added)
    return added


def _drop_conflicted_assignments(call: Call) -> None:
    conflicted = Conflict.objects.filter(application__call=call).values_list("application_id", "reviewer_id")
    pairs = set(conflicted)
    if not pairs:
        return
    doomed = [
        pk
        for pk, app, reviewer in ReviewAssignment.objects.filter(application__call=call).values_list(
            "pk", "application_id", "reviewer_id"
        )
        if (app, reviewer) in pairs
    ]
    ReviewAssignment.objects.filter(pk__in=doomed).delete()


@transaction.atomic
def conflict_declare(
    *, application: Application, reviewer: Person, note: str = "", acting_user: Any, by_manager: bool = False
) -> Conflict:
    """A reviewer says they cannot judge this application (or a manager says so for them): from now on they
    neither see it nor are assigned to it."""
    source = ConflictSource.MANAGER if by_manager else ConflictSource.DECLARED
    conflict, _created = Conflict.objects.get_or_create(
        application=application, reviewer=reviewer, source=source, defaults={"note": note[:300]}
    )
    ReviewAssignment.objects.filter(application=application, reviewer=reviewer).delete()
    audit.record(acting_user, "calls.conflict_declared", conflict, source=source)
    return conflict


def is_conflicted(application: Application, reviewer: Person) -> bool:
    return Conflict.objects.filter(application=application, reviewer=reviewer).exists()


# --- assignment --------------------------------------------------------------------------------------------------


def application_profile(application: Application) -> Profile:
    """What an application is about: the fields of science it names (answers "fields", OECD codes) and its
    keywords (answers "keywords") with the applicant's own expertise tags, casefolded."""
    answers = application.answers if isinstance(application.answers, dict) else {}
    fields = frozenset(str(code) for code in answers.get("fields", ()) if code)
    keywords = {str(word).casefold() for word in answers.get("keywords", ()) if word}
    keywords.update(str(tag).casefold() for tag in (application.person.expertise or ()) if tag)
    return Profile(fields=fields, keywords=frozenset(keywords))


def reviewer_profile(person: Person) -> Profile:
    """Until registry records carry fields of science, a reviewer's expertise tags are their keywords; a tag that
    is an OECD code ("5.2") counts as a field."""
    tags = [str(tag).strip() for tag in (person.expertise or ()) if str(tag).strip()]
    fields = frozenset(tag for tag in tags if tag.replace(".", "").isdigit())
    return Profile(fields=fields, keywords=frozenset(tag.casefold() for tag in tags if tag not in fields))


def solver_input(
    call: Call,
) -> tuple[list[solver.Paper], list[solver.Reviewer], set[solver.Pair], set[solver.Pair]]:
    """The call as the solver sees it: submitted applications, the reviewer pool (with the languages they read at
    B1 or better), the recorded conflicts and the assignments a manager fixed."""
    seats = list(
        CallReviewer.objects.filter(call=call)
        .select_related("person")
        .prefetch_related("person__languages")
        .order_by("person_id")
    )
    applications = list(
        Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED)
        .select_related("person")
        .only("pk", "language", "answers", "person__expertise")
        .order_by("pk")
    )
    reviewers = [
        solver.Reviewer(
            id=seat.person_id,
            profile=reviewer_profile(seat.person),
            languages=frozenset(
                spoken.language for spoken in seat.person.languages.all() if spoken.level in READING_LEVELS
            ),
        )
        for seat in seats
    ]
    papers = [solver.Paper(id=app.pk, profile=application_profile(app), language=app.language) for app in applications]
    conflicts = set(Conflict.objects.filter(application__call=call).values_list("application_id", "reviewer_id"))
    fixed = set(
        ReviewAssignment.objects.filter(application__call=call, by_manager=True).values_list(
            "application_id", "reviewer_id"
        )
    )
    return papers, reviewers, conflicts, fixed


@dataclass(frozen=True)
class AssignmentReport:
    assigned: int
    short: dict[int, int]
    exact: bool
    load_spread: int
    mean_match: float


@transaction.atomic
def assignments_make(*, call: Call, k: int, acting_user: Any) -> AssignmentReport:
    """Assign k reviewers to every submitted application with the solver (`assignment.assign`). Assignments a
    manager set are kept and count; the solver's earlier ones are replaced; conflicts are read from the database
    (run `conflicts_detect` first to add the registry's)."""
    if k < 1:
        raise DomainError(_("Assign at least one reviewer to each application."), code="invalid_k")
    papers, reviewers, conflicts, fixed = solver_input(call)
    if len(reviewers) < k:
        raise DomainError(
            _("This call has fewer reviewers than each application needs; add reviewers first."), code="few_reviewers"
        )
    result = solver.assign(papers, reviewers, k=k, conflicts=conflicts, fixed=fixed)

    ReviewAssignment.objects.filter(application__call=call, by_manager=False).delete()
    ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(application_id=app_id, reviewer_id=reviewer_id, match=result.scores[(app_id, reviewer_id)])
            for app_id, reviewer_id in result.pairs
            if (app_id, reviewer_id) not in fixed
        ],
        batch_size=5000,
    )
    report = AssignmentReport(
        assigned=len(result.pairs),
        short=result.short,
        exact=result.exact,
        load_spread=result.load_spread,
        mean_match=round(result.mean_score, 4),
    )
    audit.record(
        acting_user, "calls.reviewers_assigned", call, k=k, assigned=report.assigned, short=len(report.short),
        load_spread=report.load_spread, mean_match=report.mean_match,
    )  # fmt: skip
    return report


@transaction.atomic
def assignment_set(*, application: Application, reviewer: Person, acting_user: Any) -> ReviewAssignment:
    """A manager's override: this reviewer reviews this application (kept when the solver runs again)."""
    if not CallReviewer.objects.filter(call_id=application.call_id, person=reviewer).exists():
        raise DomainError(_("This person is not a reviewer of the call."), code="not_a_reviewer")
    if is_conflicted(application, reviewer):
        raise DomainError(
            _("This reviewer has a conflict of interest with the application and cannot review it."), code="conflict"
        )
    assigned, _created = ReviewAssignment.objects.update_or_create(
        application=application, reviewer=reviewer, defaults={"by_manager": True}
    )
    audit.record(acting_user, "calls.assignment_set", assigned)
    return assigned


@transaction.atomic
def assignment_remove(*, application: Application, reviewer: Person, acting_user: Any) -> None:
    deleted, _rows = ReviewAssignment.objects.filter(application=application, reviewer=reviewer).delete()
    if deleted:
        audit.record(acting_user, "calls.assignment_removed", application, reviewer=reviewer.pk)


# --- phases and what a reviewer sees ---------------------------------------------------------------------------


def current_phase(call: Call, now: datetime | None = None) -> ReviewPhase | None:
    now = now or timezone.now()
    return call.review_phases.filter(starts_at__lte=now, ends_at__gt=now).order_by("-starts_at", "-order").first()


def applications_for_reviewer(call: Call, reviewer: Person, phase: ReviewPhase | None) -> QuerySet[Application]:
    """The applications this reviewer may open now: none outside a phase or outside the pool; else the assigned
    ones (or every submitted one when the phase lets reviewers see all) — never a conflicted one."""
    if phase is None or not CallReviewer.objects.filter(call=call, person=reviewer).exists():
        return Application.objects.none()
    visible = Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED)
    if not phase.sees_all:
        visible = visible.filter(review_assignments__reviewer=reviewer)
    return (
        visible.exclude(pk__in=Conflict.objects.filter(reviewer=reviewer).values("application_id"))
        .select_related("person", "quota_group")
        .order_by("submitted_at", "pk")
    )


def may_review(application: Application, reviewer: Person | None, now: datetime | None = None) -> bool:
    """The object-level rule `permissions.can(user, "calls.review_application", application)` asks."""
    if reviewer is None or application.status != ApplicationStatus.SUBMITTED:
        return False
    phase = current_phase(application.call, now)
    return applications_for_reviewer(application.call, reviewer, phase).filter(pk=application.pk).exists()


def others_reviews(application: Application, reviewer: Person, phase: ReviewPhase | None) -> list[Review]:
    """Other reviewers' submitted reviews, when the phase lets this reviewer see them."""
    if phase is None or phase.others_scores == OthersScores.NEVER:
        return []
    if (
        phase.others_scores == OthersScores.AFTER_OWN
        and not Review.objects.filter(application=application, reviewer=reviewer, submitted_at__isnull=False).exists()
    ):
        return []
    return list(
        Review.objects.filter(application=application, submitted_at__isnull=False)
        .exclude(reviewer=reviewer)
        .select_related("reviewer")
        .prefetch_related("scores__category")
    )


# --- reviews ---------------------------------------------------------------------------------------------------


def review_total(categories: Iterable[ScoreCategory], values: Mapping[int, int]) -> Decimal | None:
    """The weighted mean of the given scores, each first put on 0..100 by its category's range (so a 1-5 and a
    0-10 category weigh what their weights say); None when nothing with a weight was scored."""
    weighted = Decimal(0)
    weights = Decimal(0)
    for category in categories:
        if category.pk not in values:
            continue
        span = Decimal(category.max_value - category.min_value)
        share = Decimal(values[category.pk] - category.min_value) * 100 / span
        weighted += Decimal(category.weight) * share
        weights += Decimal(category.weight)
    if not weights:
        return None
    return (weighted / weights).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def review_submit(
    *,
    application: Application,
    reviewer: Person,
    scores: Mapping[int, int | None],
    committee_comment: str = "",
    applicant_comment: str = "",
    acting_user: Any,
    now: datetime | None = None,
) -> Review:
    """Save a reviewer's scores and comments; they can change them while the phase lets them review."""
    phase = current_phase(application.call, now)
    if phase is None or not phase.can_review:
        raise NotAllowed(_("Reviews cannot be written or changed in this phase."), code="phase_closed")
    if not may_review(application, reviewer, now):
        raise NotAllowed(_("You cannot review this application."), code="not_assigned")
    categories = list(ScoreCategory.objects.filter(call_id=application.call_id))
    values: dict[int, int] = {}
    for category in categories:
        value = scores.get(category.pk)
        if value is None:
            if category.required:
                raise DomainError(
                    _("Give a score for “%(category)s”.") % {"category": category}, code="score_missing",
                    field=f"score_{category.pk}",
                )  # fmt: skip
            continue
        if not category.min_value <= value <= category.max_value:
            raise DomainError(
                _("A score for “%(category)s” is between %(low)s and %(high)s.")
                % {"category": category, "low": category.min_value, "high": category.max_value},
                code="score_out_of_range",
                field=f"score_{category.pk}",
            )
        values[category.pk] = value
    review, _created = Review.objects.select_for_update().get_or_create(application=application, reviewer=reviewer)
    review.total = review_total(categories, values)
    review.committee_comment = committee_comment.strip()
    review.applicant_comment = applicant_comment.strip()
    review.submitted_at = now or timezone.now()
    review.save(update_fields=["total", "committee_comment", "applicant_comment", "submitted_at", "updated_at"])
    review.scores.all().delete()
    ReviewScore.objects.bulk_create(
        [ReviewScore(review=review, category_id=pk, value=value) for pk, value in values.items()]
    )
    audit.record(acting_user, "calls.review_submitted", review, total=str(review.total))
    return review


def application_scores(call: Call) -> dict[int, list[Decimal]]:
    """Every submitted review's total, by application (the input of the ranking)."""
    totals: dict[int, list[Decimal]] = defaultdict(list)
    for application_id, total in Review.objects.filter(
        application__call=call, submitted_at__isnull=False, total__isnull=False
    ).values_list("application_id", "total"):
        if total is not None:
            totals[application_id].append(total)
    return totals


# --- reminders -----------------------------------------------------------------------------------------------------


def reviewers_to_remind(now: datetime | None = None) -> QuerySet[ReviewAssignment]:
    """Assignments without a submitted review in a phase that takes reviews and ends within three days, not
    reminded in the last two days."""
    now = now or timezone.now()
    closing = ReviewPhase.objects.filter(
        can_review=True, starts_at__lte=now, ends_at__gt=now, ends_at__lte=now + timedelta(days=REMIND_DAYS_BEFORE)
    ).values("call_id")
    done = Review.objects.filter(
        application_id=OuterRef("application_id"), reviewer_id=OuterRef("reviewer_id"), submitted_at__isnull=False
    )
    return (
        ReviewAssignment.objects.filter(
            application__call_id__in=closing, application__status=ApplicationStatus.SUBMITTED
        )
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - timedelta(days=2)))
        .exclude(Exists(done))
        .select_related("reviewer", "reviewer__user", "application__call")
    )


def reviewers_remind(now: datetime | None = None) -> int:
    """E-mail each reviewer once about all their pending reviews in calls whose phase is closing; returns how many
    were written to. Marks the assignments reminded, so a second run the same day writes to nobody."""
    now = now or timezone.now()
    pending = list(reviewers_to_remind(now))
    by_reviewer: dict[int, list[ReviewAssignment]] = defaultdict(list)
    for item in pending:
        by_reviewer[item.reviewer_id].append(item)
    written = 0
    for items in by_reviewer.values():
        person = items[0].reviewer
        if person.email:
            # a periodic task has no request: the reviewer's own language, else whatever is known for the address
            language = account_selectors.language_of(person.user) or account_selectors.language_for_address(
                person.email
            )
            with translation.override(language):
                calls = sorted({item.application.call.display_title for item in items})
                send_mail(
                    subject=_("Reviews waiting for you"),
                    message=_("%(count)s applications are waiting for your review in: %(calls)s.")
                    % {"count": len(items), "calls": ", ".join(calls)},
                    from_email=None,
                    recipient_list=[person.email],
                )
            written += 1
        ReviewAssignment.objects.filter(pk__in=[item.pk for item in items]).update(reminded_at=now)
    return written
