"""Factories for events; shared by every events test."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from tamyr.events.models import Event, RegistrationCategory, Venue
from tests.factories import OrganizationFactory, country


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
