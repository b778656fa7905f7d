"""The events section of a network file: events with venue, timetable, categories and delegations, through the
events services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tamyr.core.netfiles.yamlfile import render
from tamyr.events.models import Delegation, Event, RegistrationCategory, Session, Venue
from tamyr.registry.models import NetworkMembership, Organization
from tests.events.factories import EventFactory
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory, UserFactory
from tests.netfile_helpers import loader

pytestmark = pytest.mark.django_db

FILE = """\
version: 1
organizations:
  - slug: nf-ministry
    kind: state_institution
    name: {en: Ministry}
    country: KZ
  - slug: nf-house
    kind: cultural_centre
    name: {en: House}
    country: AT
events:
  - slug: nf-forum
    kind: forum
    status: published
    title: {en: Scholars forum, kk: Ғалымдар форумы}
    description: {en: Two days.}
    organizer: nf-ministry
    co_organizers: [nf-house]
    venue: {name: Forum hall, city: Vienna, country: AT, time_zone: Europe/Vienna}
    starts: 2027-05-14 09:00
    ends: 2027-05-15 18:00
    capacity: 140
    categories:
      - name: {en: Foreign scholars}
        capacity: 40
      - name: {en: Local researchers}
        capacity: 100
    sessions:
      - title: {en: Opening, kk: Ашылу}
        kind: opening
        starts: 2027-05-14 09:00
        ends: 2027-05-14 10:00
      - title: {en: Panel}
        kind: panel
        starts: 2027-05-14 10:30
        ends: 2027-05-14 12:00
        room: Hall B
    delegations:
      - country: KZ
        seats: 10
      - organization: nf-house
"""


load, problems = loader("network.yaml", FILE)


def test_load_creates_the_event_its_timetable_categories_and_delegations_with_audit_rows() -> None:
    load()
    event = Event.objects.select_related("venue", "organizer").get(slug="nf-forum")
    assert (event.status, event.organizer.slug, event.time_zone) == ("published", "nf-ministry", "Europe/Vienna")
    assert event.starts_at == dt.datetime(2027, 5, 14, 7, 0, tzinfo=dt.UTC)  # 09:00 in Vienna, summer time
    assert [o.slug for o in event.co_organizers.all()] == ["nf-house"]
    assert (event.venue and event.venue.name) == "Forum hall"
    assert [(c.name["en"], c.capacity) for c in event.categories.order_by("order")] == [
        ("Foreign scholars", 40),
        ("Local researchers", 100),
    ]
    assert [(s.title["en"], s.room) for s in event.sessions.order_by("starts_at")] == [
        ("Opening", ""),
        ("Panel", "Hall B"),
    ]
    assert sorted((d.country_id or "", d.size_limit or 0) for d in event.delegations.all()) == [("", 0), ("KZ", 10)]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "events.venue_created",
        "events.event_created",
        "events.event_published",
        "events.co_organizers_changed",
        "events.category_created",
        "events.session_created",
        "events.delegation_created",
    } <= actions
    assert AuditEntry.objects.get(action="events.event_created").actor_label == "system"


def test_a_dry_run_writes_nothing() -> None:
    plan = load(dry_run=True)
    assert "+ create event nf-forum" in plan.lines()
    assert not Event.objects.exists() and not Venue.objects.exists() and not AuditEntry.objects.exists()


def test_a_second_load_changes_nothing_and_writes_no_audit_row() -> None:
    load()
    before = AuditEntry.objects.count()
    plan = load()
    assert plan.counts == {"create": 0, "change": 0, "unchanged": 3}
    assert AuditEntry.objects.count() == before


def test_a_changed_session_title_changes_only_that_session() -> None:
    load()
    opening = Session.objects.get(title__en="Opening")
    before = AuditEntry.objects.count()
    plan = load(FILE.replace("{en: Opening, kk: Ашылу}", "{en: Welcome, kk: Ашылу}"))
    [change] = [c for c in plan.changes if c.action == "change"]
    assert (change.key, change.fields) == ("nf-forum", ["sessions[0].title.en"])
    opening.refresh_from_db()
    assert opening.title == {"en": "Welcome", "kk": "Ашылу"}  # the same session, renamed
    assert Session.objects.count() == 2
    assert list(AuditEntry.objects.filter(pk__gt=0).order_by("pk").values_list("action", flat=True))[before:] == [
        "events.session_changed",
        "core.network_file_loaded",
    ]


def test_sessions_and_categories_left_out_of_the_file_stay() -> None:
    load()
    text = FILE.split("    sessions:")[0].replace("      - name: {en: Local researchers}\n        capacity: 100\n", "")
    plan = load(text)
    assert plan.counts["change"] == 0
    assert (Session.objects.count(), RegistrationCategory.objects.count(), Delegation.objects.count()) == (2, 2, 2)


def test_co_organizers_when_written_are_the_whole_list() -> None:
    load()
    plan = load(FILE.replace("co_organizers: [nf-house]", "co_organizers: []"))
    [change] = [c for c in plan.changes if c.action == "change"]
    assert change.fields == ["-co_organizers.nf-house"]
    assert not Event.objects.get(slug="nf-forum").co_organizers.exists()


def test_an_unknown_organizer_is_reported_with_file_line_and_field() -> None:
    assert problems(FILE.replace("organizer: nf-ministry", "organizer: nf-nowhere")) == [
        "network.yaml:17: events[0].organizer: There is no organization nf-nowhere: add it to the file's "
        "organizations, or load it first."
    ]
    assert not Event.objects.exists()


def test_a_bad_time_zone_is_refused_by_the_schema() -> None:
    [problem] = problems(FILE.replace("time_zone: Europe/Vienna", "time_zone: Europe/Vienn"))
    assert problem.startswith("network.yaml:19: events[0].venue.time_zone: 'Europe/Vienn' is not one of")


def test_a_badly_written_time_is_refused_by_the_schema() -> None:
    [problem] = problems(FILE.replace("starts: 2027-05-14 09:00\n    ends", "starts: 14.05.2027 09:00\n    ends"))
    assert problem.startswith("network.yaml:20: events[0].starts: '14.05.2027 09:00' does not match")


def test_an_impossible_time_is_reported_at_its_field() -> None:
    [problem] = problems(FILE.replace("starts: 2027-05-14 09:00\n    ends", "starts: 2027-02-30 09:00\n    ends"))
    assert problem == "network.yaml:20: events[0].starts: 2027-02-30 09:00 is not a time; write it as YYYY-MM-DD HH:MM."


def test_status_never_goes_back_to_draft() -> None:
    load()
    [problem] = problems(FILE.replace("status: published", "status: draft"))
    assert problem.startswith("network.yaml:14: events[0].status:")


def test_a_signed_in_user_without_a_role_at_the_organizer_cannot_load_its_events() -> None:
    OrganizationFactory(slug="nf-ministry")
    OrganizationFactory(slug="nf-house")
    text = "version: 1\nevents:" + FILE.split("events:")[1]
    with pytest.raises(netfiles.NetfileError) as caught:
        netfiles.load([("network.yaml", text)], acting_user=UserFactory())
    # the first service the load calls (the venue's) asks `can()` for this user and refuses
    assert [str(p) for p in caught.value.problems] == [
        "network.yaml:3: events[0]: Only staff of an organization can add venues."
    ]
    assert not Event.objects.exists() and not Venue.objects.exists()


def test_dump_then_load_into_an_empty_database_reproduces_the_events() -> None:
    load()
    network = NetworkFactory(slug="nf-network")
    # nf-house co-organizes and sends a delegation but is not a member: the dump writes it too
    NetworkMembershipFactory(network=network, organization=Organization.objects.get(slug="nf-ministry"))
    EventFactory(slug="nf-elsewhere", organizer=OrganizationFactory())  # organized outside the network: not dumped
    scope = netfiles.DumpScope(networks=["nf-network"])
    first = netfiles.dump(scope)
    assert [event["slug"] for event in first["events"]] == ["nf-forum"]
    assert [organization["slug"] for organization in first["organizations"]] == ["nf-house", "nf-ministry"]

    Event.objects.all().delete()
    Venue.objects.all().delete()
    assert not Session.objects.exists() and not Delegation.objects.exists()
    NetworkMembership.objects.all().delete()
    network.delete()
    Organization.objects.all().delete()
    plan = load(render(first))

    assert plan.counts == {"create": 4, "change": 0, "unchanged": 0}  # two organizations, the network, the event
    assert Session.objects.count() == 2 and Delegation.objects.count() == 2
    assert netfiles.dump(scope) == first
    assert load(render(first)).counts["change"] == 0


def _events_file(count: int) -> str:
    events = "".join(
        f"""  - slug: nf-event-{n}
    kind: talk
    title: {{en: Talk {n}}}
    organizer: nf-ministry
    co_organizers: [nf-house]
    venue: {{name: Hall, city: Vienna, country: AT, time_zone: Europe/Vienna}}
    starts: 2027-06-01 18:00
    ends: 2027-06-01 20:00
    categories:
      - name: {{en: Guests}}
    sessions:
      - title: {{en: Talk}}
        starts: 2027-06-01 18:00
        ends: 2027-06-01 19:00
    delegations:
      - country: KZ
"""
        for n in range(count)
    )
    return FILE.split("events:")[0] + "events:\n" + events


def test_planning_costs_the_same_queries_for_two_events_or_twenty() -> None:
    counts = []
    for size in (2, 20):
        text = _events_file(size)
        load(text)
        with CaptureQueriesContext(connection) as queries:
            plan = load(text, dry_run=True)
        assert plan.counts["unchanged"] == size + 2
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_event_example_in_the_docs_loads() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "network-files.md").read_text(encoding="utf-8")
    network, event = [block.split("```", 1)[0] for block in page.split("```yaml\n")[1:3]]
    plan = netfiles.load([("centres.yaml", network + event)])
    assert plan.counts == {"create": 5, "change": 0, "unchanged": 0}
    nauryz = Event.objects.get(slug="nauryz-berlin-2027")
    assert (nauryz.status, nauryz.sessions.count(), nauryz.categories.count()) == ("published", 2, 2)
    assert nauryz.starts_at == dt.datetime(2027, 3, 21, 14, 0, tzinfo=dt.UTC)  # 15:00 in Berlin, winter time
