"""The mailing editor: lists, audience preview, campaign editor, test sends, scheduling, progress, and who may."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tamyr.content import delivery, services
from tamyr.content.models import Campaign, CampaignStatus, Message, MessageState, Segment
from tamyr.core.models import AuditEntry
from tamyr.registry.models import Consent
from tests.events.factories import EventFactory
from tests.factories import ConsentFactory, OrganizationFactory, PersonFactory, UserFactory, country, grant, with_totp

pytestmark = pytest.mark.django_db


def _segment(organization: Any, **rules: list[str]) -> Segment:
    return Segment.objects.create(organization=organization, name="Audience", rules=rules)


def _campaign(organization: Any, segment: Segment | None = None, **values: Any) -> Campaign:
    values.setdefault("subject", {"en": "Hello {name}", "kk": "Сәлем {name}"})
    values.setdefault("body", {"en": "Dear {name}", "kk": "Құрметті {name}"})
    return Campaign.objects.create(
        organization=organization, segment=segment or _segment(organization), name="Campaign", **values
    )


def _reachable(**values: Any) -> Any:
    values.setdefault("email", "r@example.org")
    person = PersonFactory(**values)
    ConsentFactory(person=person, purpose="contact")
    return person


def _other_staff() -> Any:
    user = UserFactory(username="otherstaff")
    grant(user, OrganizationFactory(), "staff")
    with_totp(user)
    return user


def test_mailings_list_counts_messages_in_a_fixed_number_of_queries(
    client: Client, organization: Any, org_staff: Any, django_assert_max_num_queries: Any
) -> None:
    for number in range(5):
        campaign = _campaign(organization)
        for state in (MessageState.SENT, MessageState.BOUNCED):
            Message.objects.create(
                campaign=campaign, person=PersonFactory(), email="x@example.org", language="en", state=state,
                message_id=f"<{campaign.pk}.{state}.{number}@test>",
            )  # fmt: skip
    client.force_login(org_staff)
    with django_assert_max_num_queries(14):
        response = client.get("/mailings/")
    assert response.content.decode().count("1 of 2 sent") == 5


def test_staff_of_another_organization_cannot_open_a_campaign(client: Client, organization: Any) -> None:
    campaign = _campaign(organization)
    client.force_login(_other_staff())
    assert client.get(f"/mailings/{campaign.pk}/").status_code == 404


def test_staff_of_another_organization_cannot_send_a_campaign(client: Client, organization: Any) -> None:
    campaign = _campaign(organization)
    client.force_login(_other_staff())
    client.post(f"/mailings/{campaign.pk}/actions/", {"action": "send"})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_staff_of_another_organization_does_not_see_its_campaigns_in_the_api(client: Client, organization: Any) -> None:
    _campaign(organization)
    client.force_login(_other_staff())
    assert client.get("/api/v1/campaigns/").json()["count"] == 0


def test_a_segment_cannot_name_another_organizations_draft_event(organization: Any, org_staff: Any) -> None:
    draft = EventFactory(status="draft")
    with pytest.raises(services.SegmentError):
        services.segment_create(
            acting_user=org_staff, organization=organization, name="X", rules={"events": [draft.slug]}
        )


def test_a_segment_may_name_another_organizations_published_event(organization: Any, org_staff: Any) -> None:
    event = EventFactory(status="published")
    segment = services.segment_create(
        acting_user=org_staff, organization=organization, name="X", rules={"events": [event.slug]}
    )
    assert segment.rules == {"events": [event.slug]}


def test_the_live_preview_counts_the_audience_and_those_who_may_be_written_to(
    client: Client, organization: Any, org_staff: Any
) -> None:
    _reachable(residence_country=country("HU"))
    PersonFactory(residence_country=country("HU"))
    client.force_login(org_staff)
    text = client.post("/mailings/segments/preview/", {"countries": ["HU"]}).content.decode()
    assert "2 people in this audience" in text and "1 of them consented" in text


def test_the_preview_names_only_people_the_editor_may_see(client: Client, organization: Any, org_staff: Any) -> None:
    PersonFactory(display_name="Kept by us", registered_by=organization, residence_country=country("HU"))
    PersonFactory(display_name="Kept by others", residence_country=country("HU"))
    client.force_login(org_staff)
    text = client.post("/mailings/segments/preview/", {"countries": ["HU"]}).content.decode()
    assert ("Kept by us" in text, "Kept by others" in text, "2 people" in text) == (True, False, True)


def test_the_campaign_preview_fills_in_the_chosen_recipient(client: Client, organization: Any, org_staff: Any) -> None:
    person = _reachable(display_name="Aigerim Nurlanqyzy", registered_by=organization)
    campaign = _campaign(organization)
    client.force_login(org_staff)
    text = client.get(f"/mailings/{campaign.pk}/?language=kk&person={person.pk}").content.decode()
    assert "Сәлем Aigerim Nurlanqyzy" in text


def test_a_test_is_mailed_to_the_editor_and_audited_not_recorded_as_a_message(
    client: Client, organization: Any, org_staff: Any
) -> None:
    campaign = _campaign(organization)
    client.force_login(org_staff)
    client.post(f"/mailings/{campaign.pk}/actions/", {"action": "test", "language": "en"})
    audited = AuditEntry.objects.filter(action="content.campaign_test_sent").count()
    assert (len(mail.outbox), mail.outbox[0].to, audited, Message.objects.count()) == (1, [org_staff.email], 1, 0)


def test_scheduling_sets_the_time(client: Client, organization: Any, org_staff: Any) -> None:
    campaign = _campaign(organization)
    client.force_login(org_staff)
    at = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/mailings/{campaign.pk}/actions/", {"action": "schedule", "scheduled_at": at})
    campaign.refresh_from_db()
    assert (campaign.status, campaign.scheduled_at is not None) == (CampaignStatus.SCHEDULED, True)


def test_a_time_in_the_past_is_not_scheduled(organization: Any, org_staff: Any) -> None:
    campaign = _campaign(organization)
    with pytest.raises(services.ContentError):
        services.campaign_schedule(campaign, timezone.now() - dt.timedelta(hours=1), org_staff)


def test_cancelling_the_schedule_makes_a_draft_again(organization: Any, org_staff: Any) -> None:
    campaign = services.campaign_schedule(_campaign(organization), timezone.now() + dt.timedelta(days=1), org_staff)
    campaign = services.campaign_cancel_schedule(campaign, org_staff)
    assert (campaign.status, campaign.scheduled_at) == (CampaignStatus.DRAFT, None)


def test_send_now_hands_the_campaign_to_the_delivery_engine(
    organization: Any, org_staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reachable()
    started: list[int] = []
    monkeypatch.setattr(delivery, "start_campaign", lambda campaign: started.append(campaign.pk))
    campaign = services.campaign_send_now(_campaign(organization), org_staff)
    assert (started, campaign.status) == ([campaign.pk], CampaignStatus.SCHEDULED)


def test_send_now_is_refused_when_nobody_may_be_written_to(organization: Any, org_staff: Any) -> None:
    PersonFactory(email="no-consent@example.org")
    with pytest.raises(services.ContentError):
        services.campaign_send_now(_campaign(organization), org_staff)


def test_a_sent_campaign_cannot_be_changed(organization: Any, org_staff: Any) -> None:
    campaign = _campaign(organization, status=CampaignStatus.SENT)
    with pytest.raises(services.ContentError):
        services.campaign_update(campaign=campaign, acting_user=org_staff, name="Other")


def test_the_fallback_language_must_have_a_subject(organization: Any, org_staff: Any) -> None:
    with pytest.raises(services.ContentError):
        services.campaign_create(acting_user=org_staff, organization=organization, segment=_segment(organization),
                                 name="C", subject={"kk": "Сәлем"}, fallback_language="en")  # fmt: skip


def test_progress_counts_messages_by_state(client: Client, organization: Any, org_staff: Any) -> None:
    campaign = _campaign(organization, status=CampaignStatus.SENDING)
    for number, state in enumerate([MessageState.SENT, MessageState.SENT, MessageState.PENDING]):
        Message.objects.create(campaign=campaign, person=PersonFactory(), email="x@example.org", language="en",
                               state=state, message_id=f"<p{number}@test>")  # fmt: skip
    client.force_login(org_staff)
    response = client.get(f"/api/v1/campaigns/{campaign.pk}/progress/").json()
    assert (response["sent"], response["pending"], response["done"], response["total"]) == (2, 1, 2, 3)


def test_the_progress_partial_polls_while_sending(client: Client, organization: Any, org_staff: Any) -> None:
    campaign = _campaign(organization, status=CampaignStatus.SENDING)
    client.force_login(org_staff)
    assert 'hx-trigger="every 2s"' in client.get(f"/mailings/{campaign.pk}/progress/").content.decode()


def test_recording_history_as_sent_writes_one_sent_message_per_recipient(organization: Any) -> None:
    _reachable()
    _reachable()
    campaign = _campaign(organization)
    when = timezone.now() - dt.timedelta(days=3)
    services.campaign_record_as_sent(campaign, when)
    services.campaign_record_as_sent(campaign, when)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.messages.filter(state=MessageState.SENT).count()) == (CampaignStatus.SENT, 2)


def test_a_compatriot_stops_mailings_from_their_own_page(client: Client) -> None:
    user = UserFactory()
    person = _reachable(user=user)
    client.force_login(user)
    assert "Stop mailings to me" in client.get("/me/").content.decode()
    client.post("/me/consents/", {"purpose": "contact", "action": "withdraw"})
    assert Consent.objects.get(person=person, purpose="contact").withdrawn_at is not None
