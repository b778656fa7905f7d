"""E-mails of calls, in the recipient's language: the applicant's confirmations, and the referee's one-time link."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from tamyr.accounts import selectors as account_selectors
from tamyr.calls.models import Application, RefereeRequest

SUBJECTS = {
    "submitted": gettext_noop("We have received your application: %(call)s"),
    "changed": gettext_noop("Your application was changed: %(call)s"),
    "withdrawn": gettext_noop("Your application is withdrawn: %(call)s"),
}


def application_language(application: Application) -> str:
    user = application.person.user
    return (getattr(user, "preferred_language", "") if user else "") or application.language or settings.LANGUAGE_CODE


def send_application_email(application_id: int, kind: str) -> bool:
    application = Application.objects.select_related("call", "person", "person__user").get(pk=application_id)
    person = application.person
    address = person.email or (person.user.email if person.user else "")
    if not address:
        return False
    call = application.call
    with translation.override(application_language(application)):
        context = {
            "application": application,
            "call": call,
            "kind": kind,
            "closes_at": timezone.localtime(call.closes_at, call.zone),
            "url": settings.SITE_URL.rstrip("/") + reverse("calls:application_detail", args=[application.code]),
        }
        subject = translation.gettext(SUBJECTS.get(kind, SUBJECTS["submitted"])) % {"call": call.display_title}
        body = render_to_string("calls/email/application.txt", context)
        EmailMessage(subject=subject, body=body, to=[address]).send()
    return True


def send_referee_email(request_id: int) -> bool:
    from tamyr.calls.services import referee_link_token

    request = RefereeRequest.objects.select_related("application__call", "application__person", "document").get(
        pk=request_id
    )
    application = request.application
    # the referee's own saved language when the address is known here; else the language the applicant applied in
    language = account_selectors.language_for_address(request.referee_email, application.language)
    with translation.override(language):
        context = {
            "request": request,
            "call": application.call,
            "applicant": application.person.display_name,
            "closes_at": timezone.localtime(application.call.closes_at, application.call.zone),
            "url": settings.SITE_URL.rstrip("/") + reverse("calls:referee_upload", args=[referee_link_token(request)]),
        }
        subject = translation.gettext("A letter of recommendation for %(name)s") % {"name": context["applicant"]}
        body = render_to_string("calls/email/referee.txt", context)
        EmailMessage(subject=subject, body=body, to=[request.referee_email]).send()
    return True
