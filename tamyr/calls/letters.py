"""Decision letters: one PDF per outcome, in the applicant's language (the language they applied in, else the
interface's default), with the reviewers' comments meant for the applicant. Dates and amounts are written as that
language writes them (CLDR, `tamyr.core.cldr`): "1 250 000,00 USD" in Hungarian, "US$1,250,000.00" in English."""

from __future__ import annotations

import io
import textwrap

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from tamyr.calls.models import Award, Outcome, OutcomeStatus, Review
from tamyr.core import cldr
from tamyr.core.i18n import translate
from tamyr.events.badges import FONT, FONT_BOLD, register_fonts

MARGIN = 56
WRAP = 88


def letter_language(outcome: Outcome) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = (outcome.application.language or "").split("-")[0]
    return language if language in codes else settings.LANGUAGE_CODE


def _body(outcome: Outcome) -> str:
    deadline = cldr.datetime(outcome.respond_by) if outcome.respond_by else ""
    if outcome.status == OutcomeStatus.OFFERED:
        return _("We are pleased to offer you a place. Please accept or decline it by %(deadline)s.") % {
            "deadline": deadline
        }
    if outcome.status in (OutcomeStatus.ACCEPTED, OutcomeStatus.SELECTED):
        return _("You have been selected. We look forward to welcoming you.")
    if outcome.status == OutcomeStatus.RESERVE:
        text = _("You are number %(position)s on the reserve list: a free place is offered to you at once.")
        return text % {"position": outcome.reserve_position}
    return _("Your application is no longer in the selection. Thank you for applying.")


def _amount(outcome: Outcome) -> str:
    """The money line of a financing call's letter: the award when one is made, else the amount requested."""
    award = Award.objects.filter(outcome=outcome).first()
    if award is not None:
        return _("Amount awarded: %(amount)s") % {"amount": cldr.money(award.amount, award.currency)}
    requested, currency = outcome.application.amount_requested, outcome.call.currency
    if requested is None:
        return ""
    return _("Amount requested: %(amount)s") % {"amount": cldr.money(requested, currency)}


def letter_lines(outcome: Outcome) -> list[str]:
    """The body of the letter, line by line, in the active language (the PDF sets the applicant's)."""
    application = outcome.application
    reviews = Review.objects.filter(application=application, submitted_at__isnull=False)
    comments = list(reviews.exclude(applicant_comment="").values_list("applicant_comment", flat=True))
    amount = _amount(outcome)
    lines = [
        _("Dear %(name)s,") % {"name": application.person.display_name},
        "",
        _("Application %(code)s: %(status)s.") % {"code": application.code, "status": outcome.get_status_display()},
        *(["", amount] if amount else []),
        "",
        *textwrap.wrap(_body(outcome), WRAP),
    ]
    if comments:
        lines += ["", _("The reviewers' comments for you:")]
        for comment in comments:
            lines += [f"— {line}" for line in textwrap.wrap(comment, WRAP - 2)]
    return lines


def decision_letter_pdf(outcome: Outcome) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    with translation.override(letter_language(outcome)):
        canvas = Canvas(buffer, pagesize=A4)
        width, height = A4
        y = height - MARGIN
        canvas.setFont(FONT_BOLD, 15)
        canvas.drawString(MARGIN, y, translate(outcome.call.organization.name) or outcome.call.organization.slug)
        y -= 22
        canvas.setFont(FONT, 12)
        canvas.drawString(MARGIN, y, outcome.call.display_title)
        y -= 18
        canvas.drawString(MARGIN, y, cldr.date(timezone.localdate()))
        y -= 36
        canvas.setFont(FONT, 11)
        for line in letter_lines(outcome):
            if y < MARGIN:
                canvas.showPage()
                canvas.setFont(FONT, 11)
                y = height - MARGIN
            canvas.drawString(MARGIN, y, line)
            y -= 16
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()
