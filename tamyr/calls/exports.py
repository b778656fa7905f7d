"""The applications of a call as CSV or XLSX (through `core.exports`, formulas neutralized), one row each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.calls.models import Application, ApplicationStatus, Call, Review, ReviewScore
from tamyr.core import audit, questions
from tamyr.core.exports import export_response
from tamyr.core.i18n import translate


def header(call: Call, asked: list[Any]) -> list[str]:
    return [
        _("Code"), _("Name"), _("E-mail"), _("Country of residence"), _("Applying organization"),
        _("Partner organizations"), _("Group"), _("Status"), _("Submitted"), _("Withdrawn"), _("Amount requested"),
        _("Currency"), _("Documents"), *[translate(question.label) for question in asked],
    ]  # fmt: skip


def row(call: Call, application: Application, asked: list[Any]) -> list[Any]:
    zone = call.zone
    person = application.person
    return [
        application.code,
        person.display_name,
        person.email,
        person.residence_country.name if person.residence_country else "",
        application.organization.display_name if application.organization else "",
        "; ".join(partner.display_name for partner in application.partners.all()),
        str(application.quota_group) if application.quota_group else "",
        application.get_status_display(),
        timezone.localtime(application.submitted_at, zone).isoformat(timespec="minutes")
        if application.submitted_at
        else "",
        timezone.localtime(application.withdrawn_at, zone).isoformat(timespec="minutes")
        if application.withdrawn_at
        else "",
        f"{application.amount_requested:.2f}" if application.amount_requested is not None else "",
        call.currency,
        len(application.documents.all()),
        *[questions.answer_text(question, application.answers.get(str(question.pk))) for question in asked],
    ]


def export_applications(
    call: Call, applications: Iterable[Application], fmt: str, *, acting_user: Any
) -> HttpResponse | StreamingHttpResponse:
    """A bulk read of personal data: it leaves an audit row with the format and the count."""
    asked = list(call.questions.all())
    rows = [row(call, application, asked) for application in applications]
    audit.record(acting_user, "calls.applications_exported", call, format=fmt, count=len(rows))
    return export_response(fmt, f"applications-{call.slug}", header(call, asked), rows)


# --- applications with their scores (the committee's side) ---


@dataclass
class ScoredApplication:
    code: str
    applicant: str
    quota_group: str | None
    reviews: int
    mean: Decimal | None
    categories: dict[str, Decimal] = field(default_factory=dict)


def _mean(values: list[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def scored_applications(call: Call) -> list[ScoredApplication]:
    """Every submitted application with the mean total of its submitted reviews and each category's mean. Three
    queries whatever the size of the call."""
    totals: dict[int, list[Decimal]] = defaultdict(list)
    by_category: dict[int, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    reviews = list(
        Review.objects.filter(application__call=call, submitted_at__isnull=False).values_list("application_id", "total")
    )
    for application_id, total in reviews:
        if total is not None:
            totals[application_id].append(total)
    counted: dict[int, int] = defaultdict(int)
    for application_id, _total in reviews:
        counted[application_id] += 1
    for application_id, key, value in ReviewScore.objects.filter(
        review__application__call=call, review__submitted_at__isnull=False
    ).values_list("review__application_id", "category__key", "value"):
        by_category[application_id][key].append(Decimal(value))
    applications = (
        Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED)
        .select_related("person", "organization", "quota_group")
        .order_by("code")
    )
    return [
        ScoredApplication(
            code=application.code,
            applicant=application.organization.display_name
            if application.organization
            else application.person.display_name,
            quota_group=application.quota_group.key if application.quota_group else None,
            reviews=counted.get(application.pk, 0),
            mean=_mean(totals[application.pk]) if totals.get(application.pk) else None,
            categories={key: _mean(values) for key, values in by_category.get(application.pk, {}).items()},
        )
        for application in applications
    ]


def export_scores(call: Call, fmt: str, *, acting_user: Any) -> HttpResponse | StreamingHttpResponse:
    """The applications with their scores as a file, one column per score category; an audit row says who took it."""
    keys = list(call.score_categories.values_list("key", flat=True))
    names = [translate(name) or key for key, name in call.score_categories.values_list("key", "name")]
    scored = scored_applications(call)
    header = [_("Code"), _("Applicant"), _("Group"), _("Reviews"), _("Mean score"), *names]
    rows = [
        [
            item.code,
            item.applicant,
            item.quota_group or "",
            item.reviews,
            f"{item.mean:.2f}" if item.mean is not None else "",
            *[f"{item.categories[key]:.2f}" if key in item.categories else "" for key in keys],
        ]
        for item in scored
    ]
    audit.record(acting_user, "calls.scores_exported", call, format=fmt, count=len(rows))
    return export_response(fmt, f"scores-{call.slug}", header, rows)
