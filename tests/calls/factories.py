"""Factories for calls; shared by every calls test."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from tamyr.calls.models import Application, Call, Question, QuotaGroup, RequiredDocument
from tests.factories import OrganizationFactory, PersonFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class CallFactory(factory.django.DjangoModelFactory):
    """A published scholarship call, open since yesterday, closing in thirty days (Astana time)."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"call-{n}")
    kind = "scholarship"
    status = "published"
    organization = factory.SubFactory(OrganizationFactory)
    title = factory.LazyAttribute(lambda c: {"en": f"Scholarship {c.slug}", "kk": f"Стипендия {c.slug}"})
    time_zone = "Asia/Almaty"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    call = factory.SubFactory(CallFactory)
    label = factory.LazyFunction(lambda: {"en": "Why do you apply?"})
    kind = "text"
    required = True


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    call = factory.SubFactory(CallFactory)
    key = factory.Sequence(lambda n: f"doc-{n}")
    name = factory.LazyFunction(lambda: {"en": "Transcript"})
    formats = factory.LazyFunction(lambda: ["pdf"])
    max_megabytes = 1


class QuotaGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuotaGroup

    call = factory.SubFactory(CallFactory)
    key = factory.Sequence(lambda n: f"group-{n}")
    name = factory.LazyFunction(lambda: {"en": "Bachelor"})
    places = 10


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application written directly (no service): for pages and permissions that read applications."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    person = factory.SubFactory(PersonFactory)
