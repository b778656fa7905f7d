"""MINIMAL stand-in written on the `delivery` branch so the delivery engine can be built and tested; the `segments`
branch owns this module and its version replaces this one at merge (rules are not evaluated here)."""

from __future__ import annotations

from django.db.models import Case, CharField, Exists, OuterRef, QuerySet, Value, When

from tamyr.content.models import Campaign, Segment
from tamyr.registry.models import Consent, ConsentPurpose, Person


def recipients(segment: Segment) -> QuerySet[Person]:
    """People with an active `contact` consent and an e-mail address, neither erased nor merged."""
    consent = Consent.objects.filter(person=OuterRef("pk"), purpose=ConsentPurpose.CONTACT, withdrawn_at__isnull=True)
    return (
        Person.objects.filter(Exists(consent), erased_at__isnull=True, merged_into__isnull=True)
        .exclude(email="")
        .order_by("pk")
    )


def recipients_with_language(campaign: Campaign) -> QuerySet[Person]:
    """`recipients`, each annotated with `mail_language`: their account's preferred language when the campaign has
    a subject in it, else the campaign's fallback language."""
    languages = [language for language, subject in campaign.subject.items() if subject]
    return recipients(campaign.segment).annotate(
        mail_language=Case(
            When(user__preferred_language__in=languages, then="user__preferred_language"),
            default=Value(campaign.fallback_language),
            output_field=CharField(),
        )
    )
