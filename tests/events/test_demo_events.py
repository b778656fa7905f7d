"""`tamyr demo` loads the seeds' events: the Vienna programme on two venues, the scholars forum's categories,
delegations, speakers with their titles as said, and generated registrations that never pass capacity."""

from __future__ import annotations

import io
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from tamyr.events import services
from tamyr.events.demo import REGISTRATIONS as EVENTS
from tamyr.events.models import (
    Delegation,
    Event,
    Question,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    Session,
    SessionSpeaker,
)
from tamyr.registry.models import Affiliation, NetworkMembership, Person

pytestmark = pytest.mark.django_db
VIENNA = "diaspora-capacity-building-2026-vienna"
SCHOLARS = "otandas-scholars-forum-2025"
BUDAPEST = "ots-diaspora-ministerial-2025-budapest"


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", people=40, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo, built once for the module inside a transaction that is rolled back after it (each test runs in a
    savepoint within it, so what a test changes is undone before the next)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            output = run_demo()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield output
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def snapshot() -> dict[str, Any]:
    """What the events demo writes, without ids and timestamps that a second run may not keep."""
    return {
        "events": list(Event.objects.order_by("slug").values_list("slug", "title", "status", "starts_at", "capacity")),
        "sessions": list(
            Session.objects.order_by("event__slug", "starts_at").values_list("event__slug", "title", "venue__name")
        ),
        "speakers": list(
            SessionSpeaker.objects.order_by("session__event__slug", "session__starts_at", "order").values_list(
                "person__display_name", "title_at_event"
            )
        ),
        "registrations": list(
            Registration.objects.order_by("event__slug", "person__email", "person__display_name").values_list(
                "event__slug", "person__display_name", "status", "category__order", "checked_in_at", "code"
            )
        ),
        "questions": list(Question.objects.order_by("event__slug", "order").values_list("pk", "label", "kind")),
        "delegations": list(
            Delegation.objects.order_by("event__slug", "country", "organization").values_list(
                "event__slug", "country", "organization__slug", "head__display_name"
            )
        ),
    }


def test_demo_builds_every_seed_event_published(demo: str) -> None:
    assert set(Event.objects.values_list("slug", flat=True)) >= {spec.slug for spec in EVENTS}
    assert set(Event.objects.values_list("status", flat=True)) == {"published"}
    assert "events: events 10" in demo  # the seven of the seeds and three upcoming ones


def test_vienna_runs_on_two_venues_in_vienna_time() -> None:
    vienna = Event.objects.get(slug=VIENNA)
    zone = zoneinfo.ZoneInfo("Europe/Vienna")
    days = {
        (session.starts_at.astimezone(zone).date().isoformat(), session.venue.name)  # type: ignore[union-attr]
        for session in vienna.sessions.select_related("venue")
    }
    assert days == {
        ("2026-01-13", "MuTh Concert and Theater Hall"),
        ("2026-01-14", "Azerbaijan Cultural Center"),
    }
    assert vienna.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") == "2026-01-13 19:00"
    kinds = list(vienna.sessions.order_by("starts_at").values_list("kind", flat=True))
    assert kinds == ["concert", "opening", "presentation", "interactive", "closing", "photo"]


def test_vienna_opening_has_the_five_speakers_with_their_titles_as_said() -> None:
    opening = Session.objects.get(event__slug=VIENNA, kind="opening")
    speakers = list(opening.speakers.order_by("order").values_list("person__display_name", "title_at_event"))
    assert [name for name, _title in speakers] == [
        "Kubanychbek Omuraliev",
        "Rovshan Sadigbayli",
        "Gürsel Dönmez",
        "Levent Eler",
        "Nurjan Shaildabekova",
    ]
    assert speakers[1][1].endswith("representing Azerbaijan\u2019s Chairmanship of the OTS")
    assert speakers[2][1] == "Ambassador of the Republic of Türkiye to the Republic of Austria"


def test_vienna_asks_about_diet_arrival_and_the_gala_concert() -> None:
    questions = Question.objects.filter(event__slug=VIENNA).order_by("order")
    assert [q.kind for q in questions] == ["single", "text", "yes_no"]
    assert "gala concert" in questions[2].label["en"]
    answered = Registration.objects.filter(event__slug=VIENNA, status="confirmed").first()
    assert answered is not None
    assert set(answered.answers) == {str(q.pk) for q in questions}


def test_scholars_forum_has_its_two_categories_and_a_waiting_list_for_foreign_scholars() -> None:
    categories = RegistrationCategory.objects.filter(event__slug=SCHOLARS).order_by("order")
    assert [(c.name["en"], c.capacity) for c in categories] == [
        ("Foreign scholars", 40),
        ("Kazakhstani researchers", 100),
    ]
    assert Registration.objects.filter(event__slug=SCHOLARS, category__isnull=True).count() == 0


def test_no_event_or_category_has_more_confirmed_than_seats() -> None:
    for event in Event.objects.annotate(n=Count("registrations", filter=Q(registrations__status="confirmed"))):
        assert event.capacity is None or event.n <= event.capacity, event.slug
    for category in RegistrationCategory.objects.annotate(
        n=Count("registrations", filter=Q(registrations__status="confirmed"))
    ):
        assert category.capacity is None or category.n <= category.capacity, category
    waiting = Registration.objects.filter(status=RegistrationStatus.WAITLISTED).select_related("event", "category")
    for registration in waiting:  # nobody waits while a seat of their own kind is free
        assert registration.category is not None
        confirmed = registration.category.registrations.filter(status="confirmed").count()
        assert confirmed == registration.category.capacity


def test_past_events_have_attendance_and_the_future_one_none() -> None:
    for spec in EVENTS:
        registrations = Registration.objects.filter(event__slug=spec.slug)
        checked_in = registrations.filter(checked_in_at__isnull=False)
        if spec.slug == "kazakh-talk-club-2027-08":
            assert not checked_in.exists()
        elif registrations.exists():
            assert checked_in.exists(), spec.slug
        assert not checked_in.exclude(status="confirmed").exists()


def test_budapest_has_its_co_chairs_delegations_and_heads() -> None:
    budapest = Event.objects.get(slug=BUDAPEST)
    assert set(budapest.co_chairs.values_list("display_name", flat=True)) == {"Lőrinc Nacsa", "Daniyar Kadyrov"}
    countries = set(budapest.delegations.exclude(country=None).values_list("country", flat=True))
    assert countries == {"AZ", "KZ", "KG", "TR", "UZ", "HU"}
    kazakhstan = budapest.delegations.get(country="KZ")
    assert kazakhstan.head is not None and kazakhstan.head.display_name == "Daniyar Kadyrov"
    assert kazakhstan.registrations.count() == 2  # Daniyar Kadyrov and Abzal Saparbekuly
    assert not budapest.is_public


def test_baku_panel_has_its_six_speakers() -> None:
    panel = Session.objects.get(event__slug="ots-ngo-solidarity-forum-2025-baku", kind="panel")
    assert panel.title["en"] == "Azerbaijan–Kazakhstan NGO Cooperation Forum"
    assert panel.speakers.count() == 6
    assert panel.speakers.filter(
        person__display_name="Agil Jamal", title_at_event="Chairman of Azerbaijan's Common Values Public Union"
    ).exists()


def test_kurultai_has_the_tattimbet_concert_and_the_film_week_is_online_in_london_time() -> None:
    concert = Session.objects.get(event__slug="kurultai-istanbul-2021", kind="concert")
    assert "Tattimbet" in concert.title["en"]
    film_week = Event.objects.get(slug="online-kazakhstan-film-week-london-2021")
    assert (film_week.venue, film_week.time_zone, film_week.is_online) == (None, "Europe/London", True)


def test_the_compatriot_login_can_register_for_the_future_event() -> None:
    talk_club = Event.objects.get(slug="kazakh-talk-club-2027-08")
    person = Person.objects.get(email="demo.person.0001@example.org")
    assert person.user is not None
    registration = services.registration_create(event=talk_club, person=person, acting_user=person.user)
    assert registration.status == RegistrationStatus.CONFIRMED


def test_running_twice_leaves_the_same_data() -> None:
    before = snapshot()
    run_demo()
    assert snapshot() == before


UPCOMING = ("diaspora-capacity-building-next", "kurultai-istanbul-next", "otandas-scholars-forum-next")


@pytest.mark.parametrize("slug", UPCOMING)
def test_the_upcoming_events_lie_ahead_and_are_open_for_registration_on_the_day_the_demo_runs(slug: str) -> None:
    event = Event.objects.get(slug=slug)
    now = timezone.now()
    assert event.registration_opens_at is not None and event.registration_closes_at is not None
    assert event.registration_opens_at < now < event.registration_closes_at < event.starts_at
    assert (event.status, event.is_public) == ("published", True)


def test_the_compatriot_login_registers_for_the_next_scholars_forum() -> None:
    forum = Event.objects.get(slug="otandas-scholars-forum-next")
    person = Person.objects.get(email="demo.person.0001@example.org")
    registration = services.registration_create(
        event=forum, person=person, acting_user=person.user, category=forum.categories.first()
    )
    assert registration.status == RegistrationStatus.CONFIRMED


def test_vienna_delegations_have_members_who_work_for_them_and_a_head_among_them() -> None:
    members = Registration.objects.filter(event__slug=VIENNA, delegation__isnull=False).select_related("delegation")
    assert members
    for registration in members:
        delegation = registration.delegation
        assert delegation is not None and registration.organization_id == delegation.organization_id
        assert Affiliation.objects.filter(person=registration.person, organization=delegation.organization).exists()
        assert delegation.head is not None
        assert delegation.registrations.filter(person=delegation.head).exists()


def test_each_vienna_delegation_has_its_head_and_members_of_its_institution_registered_and_confirmed() -> None:
    delegations = Delegation.objects.filter(event__slug=VIENNA).select_related("head", "organization")
    assert delegations.count() == 6
    for delegation in delegations:
        confirmed = delegation.registrations.filter(status=RegistrationStatus.CONFIRMED)
        assert delegation.head is not None and delegation.head_title
        assert confirmed.filter(person=delegation.head).exists()
        assert confirmed.exclude(person=delegation.head).count() >= 2
        head_works_there = Affiliation.objects.filter(person=delegation.head, organization=delegation.organization)
        assert head_works_there.exists()


def test_the_turkmen_observer_is_in_the_ots_network() -> None:
    membership = NetworkMembership.objects.get(network__slug="ots-diaspora", organization__country="TM")
    assert membership.role == "observer"
