"""Factories for events; shared by every events test."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from tamyr.events.models import Event, Registration, RegistrationCategory, RegistrationStatus, Session, Venue
from tests.factories import OrganizationFactory, PersonFactory, country


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = "Azerbaijan Cultural Center"
    city = "Vienna"
    country = factory.LazyFunction(lambda: country("AT"))
    time_zone = "Europe/Vienna"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"event-{n}")
    title = factory.LazyAttribute(lambda e: {"en": f"Forum {e.slug}"})
    kind = "forum"
    status = "published"
    organizer = factory.SubFactory(OrganizationFactory)
    venue = factory.SubFactory(VenueFactory)
    time_zone = "Europe/Vienna"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=8))
    capacity = 2


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationCategory

    event = factory.SubFactory(EventFactory)
    name = factory.LazyFunction(lambda: {"en": "Foreign scholars"})
    capacity = 1


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration written directly (no service): for pages and statistics that read registrations."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    status = RegistrationStatus.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.LazyFunction(lambda: {"en": "Opening"})
    kind = "opening"
    starts_at = factory.LazyAttribute(lambda s: s.event.starts_at)
    ends_at = factory.LazyAttribute(lambda s: s.event.starts_at + timedelta(hours=1))


# --- added for the public pages (models named as "app.Model" so this block needs no new import) ----------------


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.SessionSpeaker"

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory)
    title_at_event = "Secretary General of the Organization of Turkic States"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Question"

    event = factory.SubFactory(EventFactory)
    label = factory.Sequence(lambda n: {"en": f"Question {n}"})
    kind = "text"
    required = False


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Delegation"

    event = factory.SubFactory(EventFactory)
    country = factory.LazyFunction(lambda: country("KZ"))
    head = factory.SubFactory(PersonFactory)
    head_title = "President of the Otandastar Foundation"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Invitation"

    event = factory.SubFactory(EventFactory, is_public=False)
    email = factory.Sequence(lambda n: f"guest{n}@example.org")


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Photo"

    event = factory.SubFactory(EventFactory)
    image = factory.django.ImageField(width=60, height=40, color="teal")
    thumbnail = factory.django.ImageField(width=30, height=20, color="teal")
    caption = factory.LazyFunction(lambda: {"en": "Family photo"})
