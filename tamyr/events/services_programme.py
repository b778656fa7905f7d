"""Writes behind the organizers' pages: venues, co-organizers, the timetable (sessions, speakers, materials),
registration categories and questions, delegations, invitations and the photo gallery.

Each function is one transaction, checks `events.change_event` on the event itself and leaves an audit row, like
the services in `services.py`; e-mails go out only after commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.accounts import selectors as account_selectors
from tamyr.core import audit, questions
from tamyr.core import uploads as storage
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.i18n import clean_translations
from tamyr.events import services
from tamyr.events.models import (
    Delegation,
    Event,
    Invitation,
    Photo,
    Question,
    Registration,
    RegistrationCategory,
    Session,
    SessionKind,
    SessionMaterial,
    SessionSpeaker,
    Venue,
    validate_time_zone,
)
from tamyr.registry.models import Country, Organization, Person

MAX_PHOTO_BYTES = storage.PHOTO.max_bytes
MAX_MATERIAL_BYTES = storage.SESSION_MATERIAL.max_bytes


def _require_change(acting_user: Any, event: Event, message: str | None = None) -> None:
    if not permissions.can(acting_user, "events.change_event", event):
        raise NotAllowed(message or _("Only the organizers of this event can change it."))


def _translations(value: Any, field: str, *, required: bool = False) -> dict[str, str]:
    try:
        cleaned = clean_translations(value)
    except ValueError as error:
        raise DomainError(str(error), field=field) from error
    if required and not cleaned:
        raise DomainError(_("Give the text in at least one language."), field=field)
    return cleaned


# --- venues and co-organizers -------------------------------------------------------------------------------


@transaction.atomic
def venue_create(
    *, name: str, city: str, country: Country, time_zone: str, acting_user: Any, address: str = ""
) -> Venue:
    """A place events and sessions happen in; anyone who may create events may add one."""
    if not permissions.can(acting_user, "events.add_event"):
        raise NotAllowed(_("Only staff of an organization can add venues."))
    name, city = name.strip(), city.strip()
    if not name:
        raise DomainError(_("Give the venue a name."), field="venue_name")
    if not city:
        raise DomainError(_("Give the venue's city."), field="venue_city")
    try:
        validate_time_zone(time_zone)
    except ValidationError as error:
        raise DomainError(error.messages[0], field="venue_time_zone") from error
    venue = Venue.objects.create(name=name, city=city, country=country, time_zone=time_zone, address=address.strip())
    audit.record(acting_user, "events.venue_created", venue)
    return venue


@transaction.atomic
def event_set_co_organizers(*, event: Event, organizations: Iterable[Organization], acting_user: Any) -> Event:
    _require_change(acting_user, event)
    wanted = {organization.pk for organization in organizations if organization.pk != event.organizer_id}
    current = set(event.co_organizers.values_list("pk", flat=True))
    if wanted != current:
        event.co_organizers.set(wanted)
        audit.record(acting_user, "events.co_organizers_changed", event, co_organizers=sorted(wanted))
    return event


@transaction.atomic
def event_set_co_chairs(*, event: Event, people: Iterable[Person], acting_user: Any) -> Event:
    """The people who chair the event together: the whole list (a network file writes it so)."""
    _require_change(acting_user, event)
    people = list(people)
    current = set(event.co_chairs.values_list("pk", flat=True))
    for person in people:
        if person.pk not in current:
            _require_nameable(acting_user, person, "co_chairs")
    wanted = {person.pk for person in people}
    if wanted != current:
        event.co_chairs.set(wanted)
        audit.record(acting_user, "events.co_chairs_changed", event, co_chairs=sorted(wanted))
    return event


def _require_nameable(acting_user: Any, person: Person, field: str) -> None:
    if person.is_erased:
        raise DomainError(_("This record has been erased."), field=field)
    services.require_person(acting_user, person, field=field)


# --- timetable ----------------------------------------------------------------------------------------------


def _session_fields(event: Event, fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    if "title" in cleaned:
        cleaned["title"] = _translations(cleaned["title"], "title", required=True)
    if "description" in cleaned:
        cleaned["description"] = _translations(cleaned["description"], "description")
    if "kind" in cleaned and cleaned["kind"] not in SessionKind.values:
        raise DomainError(_("Unknown kind of session."), field="kind")
    starts: datetime | None = cleaned.get("starts_at")
    ends: datetime | None = cleaned.get("ends_at")
    if starts is None or ends is None:
        raise DomainError(_("Give the session's start and end."), field="starts_at")
    if ends < starts:
        raise DomainError(_("The session cannot end before it starts."), field="ends_at")
    if "language" in cleaned:
        cleaned["language"] = (cleaned["language"] or "").strip().lower()[:8]
    if "room" in cleaned:
        cleaned["room"] = (cleaned["room"] or "").strip()
    return cleaned


SESSION_EDITABLE = ("title", "description", "kind", "starts_at", "ends_at", "venue", "room", "language")


@transaction.atomic
def session_create(*, event: Event, acting_user: Any, **fields: Any) -> Session:
    _require_change(acting_user, event)
    unknown = set(fields) - set(SESSION_EDITABLE)
    if unknown:
        raise DomainError(_("Unknown field(s): %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    cleaned = _session_fields(event, fields)
    session = Session.objects.create(event=event, **cleaned)
    audit.record(acting_user, "events.session_created", event, session=session.pk)
    return session


@transaction.atomic
def session_update(*, session: Session, acting_user: Any, **fields: Any) -> Session:
    event = session.event
    _require_change(acting_user, event)
    unknown = set(fields) - set(SESSION_EDITABLE)
    if unknown:
        raise DomainError(_("Unknown field(s): %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    cleaned = _session_fields(event, {"starts_at": session.starts_at, "ends_at": session.ends_at, **fields})
    changed = [key for key, value in cleaned.items() if key in fields and getattr(session, key) != value]
    for key in changed:
        setattr(session, key, cleaned[key])
    if changed:
        session.save(update_fields=changed)
        audit.record(acting_user, "events.session_changed", event, session=session.pk, fields=sorted(changed))
    return session


@transaction.atomic
def session_delete(*, session: Session, acting_user: Any) -> None:
    event = session.event
    _require_change(acting_user, event)
    session_id = session.pk
    session.delete()
    audit.record(acting_user, "events.session_deleted", event, session=session_id)


@transaction.atomic
def speaker_add(*, session: Session, person: Person, acting_user: Any, title_at_event: str = "") -> SessionSpeaker:
    event = session.event
    _require_change(acting_user, event)
    if person.is_erased:
        raise DomainError(_("This record has been erased."), field="person")
    services.require_person(acting_user, person, field="person")
    if session.speakers.filter(person=person).exists():
        raise DomainError(_("%(name)s already speaks in this session.") % {"name": person.display_name})
    order = (session.speakers.aggregate(top=Max("order"))["top"] or 0) + 1
    speaker = SessionSpeaker.objects.create(
        session=session, person=person, title_at_event=title_at_event.strip()[:300], order=order
    )
    audit.record(acting_user, "events.speaker_added", event, session=session.pk, person=person.pk)
    return speaker


@transaction.atomic
def session_set_speakers(
    *, session: Session, speakers: Sequence[tuple[Person, str]], acting_user: Any
) -> list[SessionSpeaker]:
    """The session's speakers, the whole list in the order given, each with their title as said at the event.

    Who stays keeps their row (a new title or place changes it), who is left out stops speaking, who is new is
    added; one audit row for the change, none when nothing differs. For network files, which write the list whole.
    """
    event = session.event
    _require_change(acting_user, event)
    current = {speaker.person_id: speaker for speaker in session.speakers.all()}
    named: set[int] = set()
    for person, _title in speakers:
        if person.pk in named:
            message = _("%(name)s is named twice among the speakers of this session.")
            raise DomainError(message % {"name": person.display_name}, field="speakers")
        named.add(person.pk)
        if person.pk not in current:
            _require_nameable(acting_user, person, "speakers")
    stale = [speaker.pk for person_id, speaker in current.items() if person_id not in named]
    changed = bool(stale)
    SessionSpeaker.objects.filter(pk__in=stale).delete()
    result = []
    for order, (person, title) in enumerate(speakers):
        title = title.strip()[:300]
        speaker = current.get(person.pk)
        if speaker is None:
            speaker = SessionSpeaker.objects.create(session=session, person=person, title_at_event=title, order=order)
            changed = True
        elif (speaker.title_at_event, speaker.order) != (title, order):
            speaker.title_at_event, speaker.order = title, order
            speaker.save(update_fields=["title_at_event", "order"])
            changed = True
        result.append(speaker)
    if changed:
        people = [person.pk for person, _title in speakers]
        audit.record(acting_user, "events.speakers_changed", event, session=session.pk, people=people)
    return result


@transaction.atomic
def speaker_remove(*, speaker: SessionSpeaker, acting_user: Any) -> None:
    event = speaker.session.event
    _require_change(acting_user, event)
    data = {"session": speaker.session_id, "person": speaker.person_id}
    speaker.delete()
    audit.record(acting_user, "events.speaker_removed", event, **data)


@transaction.atomic
def material_add(
    *, session: Session, title: str, acting_user: Any, file: UploadedFile | None = None, url: str = ""
) -> SessionMaterial:
    event = session.event
    _require_change(acting_user, event)
    title = title.strip()
    if not title:
        raise DomainError(_("Give the material a title."), field="title")
    if (file is None) == (not url):
        raise DomainError(_("Attach a file or give a link — one of the two."), field="file")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise DomainError(_("Enter a full link starting with https://."), field="url") from error
    checked = storage.check(file, storage.SESSION_MATERIAL, field="file") if file is not None else None
    material = SessionMaterial(session=session, title=title[:200], url=url)
    if checked is not None:
        material.file = checked  # type: ignore[assignment]
    material.save()
    audit.record(acting_user, "events.material_added", event, session=session.pk, material=material.pk)
    return material


@transaction.atomic
def material_remove(*, material: SessionMaterial, acting_user: Any) -> None:
    event = material.session.event
    _require_change(acting_user, event)
    data = {"session": material.session_id, "material": material.pk}
    storage.delete_on_commit(material.file)
    material.delete()
    audit.record(acting_user, "events.material_removed", event, **data)


# --- registration form: categories and questions ---------------------------------------------------------------


@transaction.atomic
def category_create(*, event: Event, name: Any, acting_user: Any, capacity: int | None = None) -> RegistrationCategory:
    _require_change(acting_user, event)
    cleaned = _translations(name, "name", required=True)
    order = (event.categories.aggregate(top=Max("order"))["top"] or 0) + 1
    category = RegistrationCategory.objects.create(event=event, name=cleaned, capacity=capacity, order=order)
    audit.record(acting_user, "events.category_created", event, category=category.pk, capacity=capacity)
    return category


@transaction.atomic
def category_update(
    *, category: RegistrationCategory, name: Any, acting_user: Any, capacity: int | None = None
) -> RegistrationCategory:
    """Rename or resize a category; more seats go to the waiting list at once."""
    event = Event.objects.select_for_update().get(pk=category.event_id)
    _require_change(acting_user, event)
    category.name = _translations(name, "name", required=True)
    grew = capacity is None or (category.capacity is not None and capacity > category.capacity)
    category.capacity = capacity
    category.save(update_fields=["name", "capacity"])
    audit.record(acting_user, "events.category_changed", event, category=category.pk, capacity=capacity)
    if grew:
        services._promote_waitlisted(event)
    return category


@transaction.atomic
def question_delete(*, question: Question, acting_user: Any) -> None:
    """Remove a question; answers already given stay in the registrations (keyed by the question's id)."""
    event = question.event
    _require_change(acting_user, event, _("Only the organizers can change the registration form."))
    question_id = question.pk
    question.delete()
    audit.record(acting_user, "events.question_deleted", event, question=question_id)


@transaction.atomic
def question_move(*, question: Question, offset: int, acting_user: Any) -> None:
    """Move a question up (offset -1) or down (+1) in the form; numbers the questions 0, 1, 2… again."""
    event = question.event
    _require_change(acting_user, event, _("Only the organizers can change the registration form."))
    questions = list(event.questions.order_by("order", "id"))
    index = next(i for i, item in enumerate(questions) if item.pk == question.pk)
    target = max(0, min(len(questions) - 1, index + offset))
    questions.insert(target, questions.pop(index))
    for position, item in enumerate(questions):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])
    audit.record(acting_user, "events.question_moved", event, question=question.pk, position=target)


@transaction.atomic
def question_update(
    *, question: Question, label: Any, kind: str, acting_user: Any, choices: list[Any] | None = None,
    required: bool = False,
) -> Question:  # fmt: skip
    """Change a question of the registration form. Answers are kept by the question's id and read by its kind, so
    once someone has answered, the kind stays (a new question is the way to ask differently)."""
    event = question.event
    _require_change(acting_user, event, _("Only the organizers can change the registration form."))
    cleaned_label, cleaned_choices = questions.clean_question(label=label, kind=kind, choices=choices)
    if not cleaned_label:
        raise DomainError(_("Give the text in at least one language."), field="label")
    if kind != question.kind and Registration.objects.filter(event=event, answers__has_key=str(question.pk)).exists():
        raise DomainError(
            _("People have answered this question, so its kind cannot change; add a new question instead."),
            field="kind",
        )
    values = {"label": cleaned_label, "kind": kind, "choices": cleaned_choices, "required": required}
    changed = sorted(name for name, value in values.items() if getattr(question, name) != value)
    if changed:
        for name in changed:
            setattr(question, name, values[name])
        question.save(update_fields=changed)
        audit.record(acting_user, "events.question_changed", event, question=question.pk, fields=changed)
    return question


# --- delegations ----------------------------------------------------------------------------------------------


@transaction.atomic
def delegation_update(
    *, delegation: Delegation, acting_user: Any, head: Person | None, head_title: str = "", size_limit: int | None
) -> Delegation:
    event = delegation.event
    _require_change(acting_user, event, _("Only the organizers can change delegations."))
    if head is not None and head.pk != delegation.head_id:
        services.require_person(acting_user, head, field="head")
    delegation.head = head
    delegation.head_title = head_title.strip()[:300]
    delegation.size_limit = size_limit
    delegation.save(update_fields=["head", "head_title", "size_limit", "updated_at"])
    audit.record(acting_user, "events.delegation_changed", delegation)
    return delegation


def _invitation_link(token: str) -> str:
    try:
        path = reverse("events:invitation_accept", kwargs={"token": token})
    except NoReverseMatch:  # the public pages are not mounted (e.g. an API-only deployment)
        path = f"/events/invitations/{token}/"
    return settings.SITE_URL.rstrip("/") + path


def _send_invitation(invitation_id: int, language: str) -> None:
    """The invitation in the invitee's saved language when the address belongs to someone known; else in `language`,
    the one the organizer wrote the invitation in."""
    invitation = Invitation.objects.select_related("event", "event__venue", "event__organizer", "delegation").get(
        pk=invitation_id
    )
    with translation.override(account_selectors.language_for_address(invitation.email, language)):
        event = invitation.event
        subject = _("Invitation: %(event)s") % {"event": event.display_title}
        body = render_to_string(
            "events/staff/invitation_email.txt",
            {"invitation": invitation, "event": event, "link": _invitation_link(invitation.token)},
        )
    EmailMessage(subject=subject, body=body, to=[invitation.email]).send()


@transaction.atomic
def invitations_send(
    *, event: Event, emails: Sequence[str], acting_user: Any, delegation: Delegation | None = None
) -> tuple[list[Invitation], list[str]]:
    """Invite each address (once per event) and e-mail it a personal link; returns (sent, already invited).

    One bad address refuses the whole list, so a typo never sends half of it."""
    _require_change(acting_user, event, _("Only the organizers can send invitations."))
    if delegation is not None and delegation.event_id != event.pk:
        raise DomainError(_("Choose a delegation of this event."), field="delegation")
    addresses: list[str] = []
    bad: list[str] = []
    for raw in emails:
        address = raw.strip().strip(",;").strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
            continue
        if address.lower() not in {a.lower() for a in addresses}:
            addresses.append(address)
    if bad:
        raise DomainError(
            _("These are not e-mail addresses: %(bad)s. Correct them; nothing was sent.") % {"bad": ", ".join(bad)},
            field="emails",
        )
    if not addresses:
        raise DomainError(_("Give at least one e-mail address."), field="emails")
    existing = {email.lower() for email in event.invitations.values_list("email", flat=True)}
    sent: list[Invitation] = []
    skipped: list[str] = []
    for address in addresses:
        if address.lower() in existing:
            skipped.append(address)
            continue
        sent.append(Invitation.objects.create(event=event, delegation=delegation, email=address))
    language = translation.get_language() or settings.LANGUAGE_CODE
    for invitation in sent:
        audit.record(
            acting_user,
            "events.invitation_sent",
            event,
            email=invitation.email,
            delegation=delegation and delegation.pk,
        )
        invitation_id = invitation.pk
        transaction.on_commit(lambda invitation_id=invitation_id: _send_invitation(invitation_id, language))  # type: ignore[misc]
    return sent, skipped


# --- gallery --------------------------------------------------------------------------------------------------


@transaction.atomic
def photos_add(*, event: Event, images: Sequence[UploadedFile], acting_user: Any, caption: Any = None) -> list[Photo]:
    """Add photos at the end of the gallery, each with a 400 px wide thumbnail.

    Every file is read before any is stored, so one unreadable file adds none of them."""
    from tamyr.events import gallery

    _require_change(acting_user, event)
    if not images:
        raise DomainError(_("Choose at least one photo."), field="images")
    cleaned_caption = _translations(caption, "caption")
    thumbnails = []
    checked = [storage.check(image, storage.PHOTO, field="images") for image in images]  # re-encoded, renamed
    for image in checked:
        thumbnails.append(gallery.make_thumbnail(image))
    order = event.photos.aggregate(top=Max("order"))["top"]
    order = -1 if order is None else order
    photos = []
    for image, thumbnail in zip(checked, thumbnails, strict=True):
        order += 1
        photo = Photo(event=event, caption=cleaned_caption, order=order)
        photo.image.save(image.name, image, save=False)
        photo.thumbnail.save(gallery.thumbnail_name(photo.image.name), thumbnail, save=False)
        photo.save()
        audit.record(acting_user, "events.photo_added", event, photo=photo.pk)
        photos.append(photo)
    return photos


def photo_add(*, event: Event, image: UploadedFile, acting_user: Any, caption: Any = None) -> Photo:
    """One photo; see `photos_add`."""
    return photos_add(event=event, images=[image], acting_user=acting_user, caption=caption)[0]


@transaction.atomic
def photo_update(*, photo: Photo, caption: Any, acting_user: Any) -> Photo:
    _require_change(acting_user, photo.event)
    photo.caption = _translations(caption, "caption")
    photo.save(update_fields=["caption", "updated_at"])
    audit.record(acting_user, "events.photo_changed", photo.event, photo=photo.pk)
    return photo


@transaction.atomic
def photo_move(*, photo: Photo, acting_user: Any, offset: int = 0, first: bool = False) -> None:
    """Move a photo up or down; `first=True` puts it first (the family photo, shown large)."""
    event = photo.event
    _require_change(acting_user, event)
    photos = list(event.photos.order_by("order", "id"))
    index = next(i for i, item in enumerate(photos) if item.pk == photo.pk)
    target = 0 if first else max(0, min(len(photos) - 1, index + offset))
    photos.insert(target, photos.pop(index))
    for position, item in enumerate(photos):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])
    audit.record(acting_user, "events.photo_moved", event, photo=photo.pk, position=target)


@transaction.atomic
def photo_remove(*, photo: Photo, acting_user: Any) -> None:
    event = photo.event
    _require_change(acting_user, event)
    photo_id = photo.pk
    files = [f for f in (photo.image, photo.thumbnail) if f]
    photo.delete()
    for stored in files:
        name, storage = stored.name, stored.storage
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))  # type: ignore[misc]
    audit.record(acting_user, "events.photo_removed", event, photo=photo_id)
