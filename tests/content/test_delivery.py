"""Delivering a campaign: message rows written first, claims, sending, refusals, the campaign's end, scheduling."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Sequence
from typing import Any, ClassVar

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone

from tamyr.content import delivery
from tamyr.content.models import Campaign, CampaignStatus, Message, MessageState
from tamyr.registry.models import Consent, Organization
from tests.content.factories import campaign, recipient

pytestmark = pytest.mark.django_db


class RefusingBackend(EmailBackend):
    """Refuses the addresses in `codes` with that SMTP code, accepts the others."""

    codes: ClassVar[dict[str, int]] = {}

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        for message in messages:
            code = self.codes.get(message.to[0])
            if code:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (code, b"refused")})
        return super().send_messages(messages)


@pytest.fixture
def refusing(settings: Any) -> type[RefusingBackend]:
    settings.TAMYR_DELIVERY_EMAIL_BACKEND = "tests.content.test_delivery.RefusingBackend"
    RefusingBackend.codes = {}
    return RefusingBackend


def test_start_writes_one_message_per_consenting_recipient_in_their_language(organization: Organization) -> None:
    kazakh = recipient(language="kk")
    english = recipient()
    recipient(consent=False)
    recipient(email="")
    mailing = campaign(organization)
    assert delivery.start_campaign(mailing) == 2
    rows = {row.person_id: row for row in Message.objects.filter(campaign=mailing)}
    assert set(rows) == {kazakh.pk, english.pk}
    assert rows[kazakh.pk].language == "kk" and rows[english.pk].language == "en"
    assert len({row.message_id for row in rows.values()}) == 2
    assert all(row.message_id.endswith("@127.0.0.1>") for row in rows.values())
    mailing.refresh_from_db()
    assert mailing.status == CampaignStatus.SENDING and mailing.started_at is not None


def test_starting_again_writes_no_second_row(organization: Organization) -> None:
    recipient()
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    assert delivery.start_campaign(mailing) == 1
    assert Message.objects.filter(campaign=mailing).count() == 1


def test_a_sent_campaign_cannot_start_again(organization: Organization) -> None:
    mailing = campaign(organization, status=CampaignStatus.SENT)
    with pytest.raises(delivery.DeliveryError):
        delivery.start_campaign(mailing)


def test_starting_sends_every_message_once_and_finishes_the_campaign(
    organization: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    people = [recipient(language="kk"), recipient(), recipient()]
    mailing = campaign(organization)
    with django_capture_on_commit_callbacks(execute=True):
        delivery.start_campaign(mailing)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in people)
    assert Message.objects.filter(campaign=mailing, state=MessageState.SENT).count() == 3
    mailing.refresh_from_db()
    assert mailing.status == CampaignStatus.SENT and mailing.finished_at is not None


def test_each_recipient_reads_their_language_with_their_name(organization: Organization) -> None:
    person = recipient(language="kk")
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    delivery.send_batch(mailing.pk)
    (sent,) = mail.outbox
    assert sent.subject == f"Сәлем {person.display_name}"
    assert f"Құрметті {person.display_name}" in str(sent.body)


def test_the_message_carries_one_click_unsubscribe_headers_and_a_visible_link(organization: Organization) -> None:
    recipient()
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    delivery.send_batch(mailing.pk)
    row = Message.objects.get(campaign=mailing)
    built = mail.outbox[0].message()
    link = delivery.unsubscribe_url(row.message_id)
    assert built["Message-ID"] == row.message_id
    assert built["List-Unsubscribe"] == f"<{link}>"
    assert built["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in str(mail.outbox[0].body)
    html = mail.outbox[0].alternatives[0][0]  # type: ignore[attr-defined]
    assert link.replace("&", "&amp;") in html


def test_a_temporary_refusal_defers_and_the_campaign_stays_sending(
    organization: Organization, refusing: type[RefusingBackend]
) -> None:
    person = recipient()
    recipient()
    refusing.codes = {person.email: 451}
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    delivery.send_batch(mailing.pk)
    deferred = Message.objects.get(person=person)
    assert deferred.state == MessageState.DEFERRED and deferred.attempts == 1
    assert not delivery.finish_if_done(mailing.pk)
    assert Campaign.objects.get(pk=mailing.pk).status == CampaignStatus.SENDING


def test_a_deferred_message_is_retried_when_due_and_then_sent(
    organization: Organization, refusing: type[RefusingBackend]
) -> None:
    person = recipient()
    refusing.codes = {person.email: 421}
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    delivery.send_batch(mailing.pk)
    assert delivery.send_batch(mailing.pk).claimed == 0  # not due yet
    refusing.codes = {}
    Message.objects.filter(person=person).update(claimed_at=timezone.now() - dt.timedelta(hours=1))
    delivery.send_batch(mailing.pk)
    assert Message.objects.get(person=person).state == MessageState.SENT
    assert delivery.finish_if_done(mailing.pk)


def test_a_permanent_refusal_fails_the_message_and_the_campaign_can_finish(
    organization: Organization, refusing: type[RefusingBackend]
) -> None:
    person = recipient()
    refusing.codes = {person.email: 550}
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    delivery.send_batch(mailing.pk)
    assert Message.objects.get(person=person).state == MessageState.FAILED
    assert delivery.finish_if_done(mailing.pk)


def test_a_message_fails_after_the_last_attempt(
    organization: Organization, refusing: type[RefusingBackend], settings: Any
) -> None:
    settings.TAMYR_MAILING_MAX_ATTEMPTS = 2
    person = recipient()
    refusing.codes = {person.email: 450}
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    Message.objects.filter(person=person).update(attempts=1)
    delivery.send_batch(mailing.pk)
    assert Message.objects.get(person=person).state == MessageState.FAILED


def test_two_claims_never_share_a_message(organization: Organization, settings: Any) -> None:
    for _index in range(5):
        recipient()
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    _stamp, first = delivery.claim_batch(mailing.pk, 3)
    _stamp, second = delivery.claim_batch(mailing.pk, 3)
    assert len(first) == 3 and len(second) == 2 and not set(first) & set(second)


def test_a_dead_workers_unsent_messages_are_sent_once_its_claim_is_stale(organization: Organization) -> None:
    for _index in range(4):
        recipient()
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    stamp, claimed = delivery.claim_batch(mailing.pk, 4)
    # the dead worker had sent the first two and marked them, then was killed
    Message.objects.filter(pk__in=claimed[:2]).update(state=MessageState.SENT, sent_at=stamp)
    assert delivery.send_batch(mailing.pk).claimed == 0  # its claim is still fresh: nobody else touches them
    Message.objects.filter(pk__in=claimed).update(claimed_at=stamp - delivery.claim_timeout())
    delivery.send_batch(mailing.pk)
    assert sorted(message.extra_headers["Message-ID"] for message in mail.outbox) == sorted(
        Message.objects.filter(pk__in=claimed[2:]).values_list("message_id", flat=True)
    )
    assert delivery.finish_if_done(mailing.pk)


def test_a_recipient_who_withdrew_consent_after_the_start_is_skipped(organization: Organization) -> None:
    person = recipient()
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    Consent.objects.filter(person=person).update(withdrawn_at=timezone.now())
    delivery.send_batch(mailing.pk)
    assert mail.outbox == []
    assert Message.objects.get(person=person).state == MessageState.SKIPPED


def test_a_cancelled_campaign_sends_nothing_more(organization: Organization) -> None:
    recipient()
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    Campaign.objects.filter(pk=mailing.pk).update(status=CampaignStatus.CANCELLED)
    assert delivery.send_batch(mailing.pk).stopped
    assert mail.outbox == []


def test_a_scheduled_campaign_starts_when_due_and_only_once(organization: Organization) -> None:
    recipient()
    past = timezone.now() - dt.timedelta(minutes=1)
    due = campaign(organization, status=CampaignStatus.SCHEDULED, scheduled_at=past)
    later = campaign(organization, status=CampaignStatus.SCHEDULED, scheduled_at=past + dt.timedelta(hours=2))
    assert delivery.start_due_campaigns() == [due.pk]
    assert delivery.start_due_campaigns() == []
    assert Message.objects.filter(campaign=due).count() == 1
    assert Campaign.objects.get(pk=later.pk).status == CampaignStatus.SCHEDULED


def test_the_campaign_rate_limit_holds_messages_per_second(organization: Organization, monkeypatch: Any) -> None:
    mailing = campaign(organization, rate_limit=2)
    clock = {"now": 1000.2}
    slept: list[float] = []
    monkeypatch.setattr(delivery.time, "time", lambda: clock["now"])

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock["now"] += seconds

    monkeypatch.setattr(delivery.time, "sleep", sleep)
    limiter = delivery.RateLimiter(mailing)
    for _index in range(3):
        limiter.acquire()
    assert len(slept) == 1 and int(clock["now"]) == 1001


def test_send_campaign_command_sends_to_the_end(organization: Organization) -> None:
    recipient()
    recipient()
    mailing = campaign(organization)
    call_command("send_campaign", str(mailing.pk))
    assert len(mail.outbox) == 2
    assert Campaign.objects.get(pk=mailing.pk).status == CampaignStatus.SENT


def test_resume_queues_a_campaign_nobody_works_on(organization: Organization, monkeypatch: Any) -> None:
    recipient()
    mailing = campaign(organization)
    delivery.start_campaign(mailing)
    queued: list[int] = []
    monkeypatch.setattr(delivery, "enqueue_sending", lambda pk, senders=None: queued.append(pk))
    assert delivery.resume_stalled() == [mailing.pk]
    delivery.claim_batch(mailing.pk, 1)
    assert delivery.resume_stalled() == []  # a live claim: its worker is on it
