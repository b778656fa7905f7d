"""A real task worker killed (SIGKILL) in the middle of a campaign, then a new one started: every recipient got
exactly one message from the SMTP server's point of view, and the campaign is `sent` (issue 15, item 6).

The kill lands where a naive engine mails someone twice: the server has received a message (its data and the final
".") and the worker is waiting for the server's 250. bench/mailing.py kills at a random moment, 100,000 times over."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone

from tamyr.content import delivery
from tamyr.content.models import Campaign, CampaignStatus, Message
from tamyr.registry.models import Consent, Organization, Person
from tests.content.factories import campaign
from tests.smtp_sink import SMTPSink
from tests.worker_world import WorkerWorld, worker_test

RECIPIENTS = 300


@pytest.fixture
def sink() -> Iterator[SMTPSink]:
    with SMTPSink() as server:
        server.handler.delay = 0.01  # 300 messages take seconds: time to kill the worker half way
        yield server


@pytest.fixture
def world(tmp_path: Path, sink: SMTPSink) -> Iterator[WorkerWorld]:
    shared = WorkerWorld(tmp_path)
    shared.env.update(
        {
            "TAMYR_EMAIL": "smtp",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "TAMYR_MAILING_BATCH": "20",
            "TAMYR_MAILING_CLAIM_SECONDS": "2",  # the killed worker's claims lapse quickly
        }
    )
    yield shared
    shared.stop_all()


def started_campaign(organization: Organization, monkeypatch: pytest.MonkeyPatch) -> Campaign:
    """A started campaign whose sending is not run here (the test's tasks run at once): the worker resumes it."""
    people = Person.objects.bulk_create(
        [Person(display_name=f"Reader {n}", email=f"reader{n}@example.org") for n in range(RECIPIENTS)]
    )
    Consent.objects.bulk_create(
        [Consent(person=person, purpose="contact", given_at=timezone.now(), method="import") for person in people]
    )
    monkeypatch.setattr(delivery, "enqueue_sending", lambda pk, senders=None: None)
    mailing = campaign(organization)
    assert delivery.start_campaign(mailing) == RECIPIENTS
    return mailing


def finish_with_a_new_worker(world: WorkerWorld, mailing: Campaign) -> set[str]:
    """Start a fresh worker, let it finish the campaign, stop it; the Message-IDs every recipient should have got."""
    worker = world.start_worker()
    world.wait_for(lambda: world.row("content_campaign", mailing.pk, ["status"])["status"] == CampaignStatus.SENT)
    worker.send_signal(signal.SIGTERM)
    worker.wait(20)
    world.collect()
    return set(Message.objects.filter(campaign=mailing).values_list("message_id", flat=True))


@worker_test
def test_a_killed_worker_mails_nobody_twice_and_nobody_is_left_out(
    world: WorkerWorld, sink: SMTPSink, organization: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    mailing = started_campaign(organization, monkeypatch)
    world.share()
    sink.handler.hold_at = RECIPIENTS // 3
    worker = world.start_worker()  # its start-up hook queues the sending of campaigns still `sending`
    world.wait_for(sink.handler.holding.is_set)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    sink.handler.release.set()
    assert sink.handler.total() == RECIPIENTS // 3  # killed in the middle, waiting for the server's answer

    expected = finish_with_a_new_worker(world, mailing)
    assert len(expected) == RECIPIENTS
    assert dict(sink.handler.counts) == dict.fromkeys(expected, 1)


@worker_test
def test_a_worker_killed_the_moment_a_hand_over_is_recorded_leaves_nobody_out(
    world: WorkerWorld, sink: SMTPSink, organization: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kill lands between the record of a hand-over and the message's final ".": the row says "handed over",
    so the next worker never sends it again; the server must therefore have it (bench/mailing.py's `missing`)."""
    mailing = started_campaign(organization, monkeypatch)
    world.share()
    sink.handler.delay = 0
    world.env["KILL_AFTER_HAND_OVER"] = "5"
    worker = world.start_worker()
    assert worker.wait(60) == -signal.SIGKILL
    world.wait_for(lambda: sink.handler.total() == 5, timeout=10)  # the fifth's "." went out with the dead worker

    del world.env["KILL_AFTER_HAND_OVER"]
    expected = finish_with_a_new_worker(world, mailing)
    assert dict(sink.handler.counts) == dict.fromkeys(expected, 1)
