"""The applications of a call as CSV or XLSX (through `core.exports`, formulas neutralized), one row each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.calls.models import Application, Call
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
