"""E-mails to participants, in their own language, with the event as an .ics file and their QR code."""

from __future__ import annotations

import io

import qrcode
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_noop
from qrcode.image.pil import PilImage

from tamyr.events.calendar import CANCEL, REQUEST, registration_ics
from tamyr.events.models import Registration

SUBJECTS = {
    "confirmed": gettext_noop("Your registration is confirmed: %(event)s"),
    "promoted": gettext_noop("A seat has freed up — you are registered: %(event)s"),
    "waitlisted": gettext_noop("You are on the waiting list: %(event)s"),
    "pending": gettext_noop("We have your registration; the organizers will confirm it: %(event)s"),
    "declined": gettext_noop("Your registration was not accepted: %(event)s"),
    "cancelled": gettext_noop("Your registration is cancelled: %(event)s"),
    "event_cancelled": gettext_noop("The event is cancelled: %(event)s"),
    "event_changed": gettext_noop("The event has changed: %(event)s"),
}
#: Which e-mails carry a calendar message, and which: the entry to add or update, or the one to remove.
CALENDAR_METHOD = {
    "confirmed": REQUEST,
    "promoted": REQUEST,
    "event_changed": REQUEST,
    "cancelled": CANCEL,
    "event_cancelled": CANCEL,
}


def qr_png(data: str, box_size: int = 8) -> bytes:
    image = qrcode.make(data, box_size=box_size, border=2, image_factory=PilImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def registration_language(registration: Registration) -> str:
    user = registration.person.user
    return (getattr(user, "preferred_language", "") if user else "") or registration.language or settings.LANGUAGE_CODE


def send_registration_email(registration_id: int, kind: str) -> bool:
    registration = Registration.objects.select_related(
        "event", "event__venue", "event__organizer", "person", "person__user"
    ).get(pk=registration_id)
    address = registration.person.email or (registration.person.user.email if registration.person.user else "")
    if not address:
        return False
    with translation.override(registration_language(registration)):
        context = {
            "registration": registration,
            "event": registration.event,
            "kind": kind,
            "url": settings.SITE_URL.rstrip("/") + registration.get_absolute_url(),
        }
        subject = translation.gettext(SUBJECTS.get(kind, SUBJECTS["confirmed"])) % {
            "event": registration.event.display_title
        }
        body = render_to_string("events/email/registration.txt", context)
        message = EmailMultiAlternatives(subject=subject, body=body, to=[address])
        method = CALENDAR_METHOD.get(kind)
        if method:
            ics = registration_ics(registration, address, method)
            message.attach(f"{registration.event.slug}.ics", ics, f"text/calendar; method={method}")
        if kind in ("confirmed", "promoted"):
            message.attach(f"badge-{registration.code}.png", qr_png(registration.code), "image/png")
        message.send()
    return True
