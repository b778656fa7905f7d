"""The `segments` and `campaigns` sections of network files: the demo's sent and scheduled campaigns."""

from __future__ import annotations

import pytest

from tamyr.content.models import Campaign, CampaignStatus, Message, MessageState, Segment
from tests.factories import ConsentFactory, OrganizationFactory, PersonFactory, country
from tests.netfile_helpers import loader

pytestmark = pytest.mark.django_db

FILE = """\
version: 1
segments:
  - organization: nf-fund
    name: In Hungary
    rules: {countries: [HU]}
campaigns:
  - organization: nf-fund
    name: Report
    segment: In Hungary
    status: sent
    sent: 2026-01-20 09:00
    subject: {kk: "Сәлем, {name}", en: "Hello, {name}"}
    body: {kk: Мәтін, en: Text}
  - organization: nf-fund
    name: Spring
    segment: In Hungary
    status: scheduled
    scheduled: 2099-02-15 09:00
    subject: {ru: Весна, en: Spring}
"""
load, problems = loader("mailings.yaml", FILE)


@pytest.fixture(autouse=True)
def _fund(db):  # type: ignore[no-untyped-def]
    OrganizationFactory(slug="nf-fund")
    for email in ("a@example.org", "b@example.org"):
        ConsentFactory(person=PersonFactory(residence_country=country("HU"), email=email), purpose="contact")
    PersonFactory(residence_country=country("HU"), email="no-consent@example.org")


def test_a_sent_campaign_is_recorded_with_one_sent_message_per_consenting_recipient() -> None:
    load()
    campaign = Campaign.objects.get(name="Report")
    states = list(campaign.messages.values_list("state", flat=True))
    assert (campaign.status, states) == (CampaignStatus.SENT, [MessageState.SENT, MessageState.SENT])


def test_a_scheduled_campaign_is_scheduled_at_its_time() -> None:
    load()
    campaign = Campaign.objects.get(name="Spring")
    assert (campaign.status, campaign.scheduled_at.isoformat()) == ("scheduled", "2099-02-15T09:00:00+00:00")


def test_loading_twice_changes_nothing() -> None:
    load()
    second = load()
    assert (second.counts.get("create", 0), second.counts.get("change", 0), Message.objects.count()) == (0, 0, 2)


def test_a_scheduled_time_in_the_past_is_refused() -> None:
    assert any("scheduled" in p for p in problems(FILE.replace("2099-02-15", "2001-02-15")))


def test_a_segment_naming_an_unknown_event_is_refused() -> None:
    assert any("rules" in p for p in problems(FILE.replace("{countries: [HU]}", "{events: [nope]}")))


def test_segments_are_matched_by_organization_and_name() -> None:
    load()
    load()
    assert Segment.objects.filter(name="In Hungary").count() == 1


def test_the_demo_has_a_sent_and_a_scheduled_campaign_of_otandastar_in_three_languages() -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("demo", people=20, stdout=StringIO())
    call_command("demo", people=20, stdout=StringIO())
    campaigns = Campaign.objects.filter(organization__slug="otandastar").order_by("name")
    sent = campaigns.get(status=CampaignStatus.SENT)
    assert (
        sorted(c.status for c in campaigns),
        all(sorted(c.subject) == ["en", "kk", "ru"] for c in campaigns),
        sent.messages.exclude(state=MessageState.SENT).count(),
        sent.messages.count() > 0,
    ) == (["scheduled", "sent"], True, 0, True)
