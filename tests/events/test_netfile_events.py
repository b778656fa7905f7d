"""The events section of a network file: events with venue, co-chairs, timetable (sessions with their own venue and
speakers), categories, questions and delegations with their heads, through the events services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tamyr.accounts.models import OrganizationRole
from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tamyr.core.netfiles.yamlfile import render
from tamyr.events import netfile as events_netfile
from tamyr.events.models import Delegation, Event, Question, RegistrationCategory, Session, SessionSpeaker, Venue
from tamyr.registry import services as registry_services
from tamyr.registry.models import NetworkMembership, Organization, Person
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory, PersonFactory, UserFactory
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
    assert nauryz.questions.count() == 2
    assert nauryz.sessions.get(kind="concert").venue.name == "Passionskirche"  # type: ignore[union-attr]
    assert nauryz.starts_at == dt.datetime(2027, 3, 21, 14, 0, tzinfo=dt.UTC)  # 15:00 in Berlin, winter time


# --- people, a session's own venue, questions ---------------------------------------------------------------------

PROGRAMME = """\
version: 1
organizations:
  - slug: nf-ministry
    kind: state_institution
    name: {en: Ministry}
    country: KZ
events:
  - slug: nf-training
    kind: training
    title: {en: Training}
    organizer: nf-ministry
    co_chairs: [nf-aigerim, nf-bolat]
    venue: {name: Cultural Center, city: Vienna, country: AT, time_zone: Europe/Vienna}
    starts: 2027-01-13 19:00
    ends: 2027-01-14 17:00
    questions:
      - label: {en: Dietary needs, kk: Тамақтану}
        kind: single
        choices: [{en: None}, {en: Halal}]
        required: true
      - label: {en: Arrival date}
    sessions:
      - title: {en: Gala concert}
        kind: concert
        starts: 2027-01-13 19:00
        ends: 2027-01-13 21:30
        venue: {name: Concert hall, address: "Am Augartenspitz 1, 1020 Vienna", city: Vienna, country: AT,
                time_zone: Europe/Vienna}
        speakers:
          - person: nf-aigerim
            title: Secretary General
      - title: {en: Opening}
        kind: opening
        starts: 2027-01-14 09:30
        ends: 2027-01-14 10:30
        language: en
        speakers:
          - person: nf-aigerim
            title: Secretary General
          - person: nf-bolat
            title: Ambassador
    delegations:
      - country: KZ
        head: nf-bolat
        head_title: Ambassador of Kazakhstan
"""

load_programme, programme_problems = loader("programme.yaml", PROGRAMME)


@pytest.fixture
def people() -> dict[str, Person]:
    """The people the programme names, by key, each agreeing to be shown in public (so a dump may write them)."""
    found = {key: PersonFactory(key=key) for key in ("nf-aigerim", "nf-bolat", "nf-cholpon")}
    for person in found.values():
        registry_services.consent_give(person=person, purpose="public_profile", method="email", acting_user=None)
    return found


def test_speakers_are_added_in_the_files_order_with_their_titles_as_said(people: dict[str, Person]) -> None:
    load_programme()
    opening = Session.objects.get(title__en="Opening")
    speakers = list(opening.speakers.order_by("order").values_list("person__key", "title_at_event"))
    assert speakers == [("nf-aigerim", "Secretary General"), ("nf-bolat", "Ambassador")]
    assert AuditEntry.objects.filter(action="events.speakers_changed").count() == 2


def test_a_session_at_another_venue_gets_that_venue_with_its_address(people: dict[str, Person]) -> None:
    load_programme()
    concert = Session.objects.select_related("venue", "event__venue").get(title__en="Gala concert")
    assert concert.venue is not None and concert.event.venue is not None
    assert (concert.venue.name, concert.venue.address) == ("Concert hall", "Am Augartenspitz 1, 1020 Vienna")
    assert concert.event.venue.name == "Cultural Center"


def test_a_session_without_a_venue_is_at_the_events_venue(people: dict[str, Person]) -> None:
    load_programme()
    assert Session.objects.get(title__en="Opening").venue is None


def test_a_session_keeps_the_language_it_is_held_in(people: dict[str, Person]) -> None:
    load_programme()
    assert Session.objects.get(title__en="Opening").language == "en"


def test_co_chairs_are_set_by_key(people: dict[str, Person]) -> None:
    load_programme()
    event = Event.objects.get(slug="nf-training")
    assert set(event.co_chairs.values_list("key", flat=True)) == {"nf-aigerim", "nf-bolat"}


def test_co_chairs_when_written_are_the_whole_list(people: dict[str, Person]) -> None:
    load_programme()
    plan = load_programme(PROGRAMME.replace("co_chairs: [nf-aigerim, nf-bolat]", "co_chairs: [nf-cholpon]"))
    [change] = [c for c in plan.changes if c.action == "change"]
    assert change.fields == ["+co_chairs.nf-cholpon", "-co_chairs.nf-aigerim", "-co_chairs.nf-bolat"]
    event = Event.objects.get(slug="nf-training")
    assert list(event.co_chairs.values_list("key", flat=True)) == ["nf-cholpon"]
    assert AuditEntry.objects.filter(action="events.co_chairs_changed").count() == 2


def test_a_delegation_gets_its_head_and_the_heads_title(people: dict[str, Person]) -> None:
    load_programme()
    delegation = Delegation.objects.select_related("head").get(event__slug="nf-training")
    assert (delegation.head, delegation.head_title) == (people["nf-bolat"], "Ambassador of Kazakhstan")


def test_a_changed_head_title_changes_only_the_title(people: dict[str, Person]) -> None:
    load_programme()
    plan = load_programme(PROGRAMME.replace("head_title: Ambassador of Kazakhstan", "head_title: Ambassador"))
    [change] = [c for c in plan.changes if c.action == "change"]
    assert change.fields == ["delegations[0].head_title"]
    delegation = Delegation.objects.select_related("head").get(event__slug="nf-training")
    assert (delegation.head, delegation.head_title) == (people["nf-bolat"], "Ambassador")


def test_the_registration_forms_questions_are_created_in_order(people: dict[str, Person]) -> None:
    load_programme()
    questions = list(Question.objects.filter(event__slug="nf-training").order_by("order"))
    assert [(q.label, q.kind, q.choices, q.required) for q in questions] == [
        ({"en": "Dietary needs", "kk": "Тамақтану"}, "single", [{"en": "None"}, {"en": "Halal"}], True),
        ({"en": "Arrival date"}, "text", [], False),
    ]


def test_a_changed_question_changes_that_question_in_place(people: dict[str, Person]) -> None:
    load_programme()
    first = Question.objects.get(order=0)
    plan = load_programme(PROGRAMME.replace("{en: Halal}]", "{en: Halal}, {en: Vegetarian}]"))
    [change] = [c for c in plan.changes if c.action == "change"]
    assert change.fields == ["questions[0].choices"]
    first.refresh_from_db()
    assert len(first.choices) == 3
    assert Question.objects.count() == 2
    assert AuditEntry.objects.filter(action="events.question_changed").count() == 1


def test_an_answered_questions_kind_does_not_change(people: dict[str, Person]) -> None:
    load_programme()
    arrival = Question.objects.get(order=1)
    RegistrationFactory(event=Event.objects.get(slug="nf-training"), answers={str(arrival.pk): "13 January"})
    text = PROGRAMME.replace(
        "      - label: {en: Arrival date}\n", "      - label: {en: Arrival date}\n        kind: yes_no\n"
    )
    [problem] = programme_problems(text)
    assert problem == (
        "programme.yaml:22: events[0].questions[1].kind: People have answered this question, so its kind cannot "
        "change; add a new question instead."
    )
    assert Question.objects.get(pk=arrival.pk).kind == "text"


def test_a_choice_question_needs_two_choices_by_the_schema() -> None:
    [problem] = programme_problems(PROGRAMME.replace("[{en: None}, {en: Halal}]", "[{en: None}]"))
    assert problem.startswith("programme.yaml:19: events[0].questions[0].choices: [{'en': 'None'}] is too short")


def test_a_key_that_names_no_person_is_reported_where_it_is_written(people: dict[str, Person]) -> None:
    text = PROGRAMME.replace("person: nf-bolat", "person: nf-nobody").replace("head: nf-bolat", "head: nf-nobody")
    text = text.replace("co_chairs: [nf-aigerim, nf-bolat]", "co_chairs: [nf-aigerim, nf-nobody]")
    message = "There is no person with the key nf-nobody: add them to the file's people, or give their record this key."
    assert programme_problems(text) == [
        f"programme.yaml:12: events[0].co_chairs[1]: {message}",
        f"programme.yaml:40: events[0].sessions[1].speakers[1].person: {message}",
        f"programme.yaml:44: events[0].delegations[0].head: {message}",
    ]
    assert not Event.objects.exists()


def test_an_erased_persons_key_names_no_one(people: dict[str, Person]) -> None:
    Person.objects.filter(key="nf-bolat").update(erased_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    problems = programme_problems(PROGRAMME)
    assert len(problems) == 3 and all("nf-bolat" in problem for problem in problems)


def test_a_speaker_named_twice_in_a_session_is_reported(people: dict[str, Person]) -> None:
    [problem] = programme_problems(PROGRAMME.replace("person: nf-bolat", "person: nf-aigerim"))
    assert problem == (
        "programme.yaml:40: events[0].sessions[1].speakers[1].person: nf-aigerim is named twice among the speakers "
        "of this session."
    )


def test_reordered_speakers_keep_their_rows_and_change_their_order(people: dict[str, Person]) -> None:
    load_programme()
    before = dict(SessionSpeaker.objects.filter(session__title__en="Opening").values_list("person__key", "pk"))
    swapped = PROGRAMME.replace(
        "          - person: nf-aigerim\n            title: Secretary General\n          - person: nf-bolat\n"
        "            title: Ambassador\n",
        "          - person: nf-bolat\n            title: Ambassador\n          - person: nf-aigerim\n"
        "            title: Secretary General\n",
    )
    plan = load_programme(swapped)
    [change] = [c for c in plan.changes if c.action == "change"]
    assert change.fields == ["sessions[1].speakers"]
    after = SessionSpeaker.objects.filter(session__title__en="Opening").order_by("order")
    assert [(s.person.key, s.pk) for s in after] == [
        ("nf-bolat", before["nf-bolat"]),
        ("nf-aigerim", before["nf-aigerim"]),
    ]


def test_a_speaker_left_out_of_the_list_stops_speaking(people: dict[str, Person]) -> None:
    load_programme()
    load_programme(PROGRAMME.replace("          - person: nf-bolat\n            title: Ambassador\n", ""))
    opening = Session.objects.get(title__en="Opening")
    assert list(opening.speakers.values_list("person__key", flat=True)) == ["nf-aigerim"]


def test_a_second_load_of_the_programme_changes_nothing_and_writes_no_audit_row(people: dict[str, Person]) -> None:
    load_programme()
    before = AuditEntry.objects.count()
    assert load_programme().counts == {"create": 0, "change": 0, "unchanged": 2}
    assert AuditEntry.objects.count() == before


def test_a_signed_in_organizer_cannot_name_a_speaker_outside_their_organizations(people: dict[str, Person]) -> None:
    load_programme()
    ministry = Organization.objects.get(slug="nf-ministry")
    staff = UserFactory()
    OrganizationRole.objects.create(user=staff, organization=ministry, role="admin")
    outsider = PersonFactory(key="nf-outsider")  # kept by another organization
    text = PROGRAMME.replace("co_chairs: [nf-aigerim, nf-bolat]", f"co_chairs: [nf-aigerim, nf-bolat, {outsider.key}]")
    with pytest.raises(netfiles.NetfileError) as caught:
        netfiles.load([("programme.yaml", text)], acting_user=staff)
    assert [str(p) for p in caught.value.problems] == [
        f"programme.yaml:12: events[0].co_chairs: No person has the id {outsider.pk}."
    ]
    assert not Event.objects.get(slug="nf-training").co_chairs.filter(pk=outsider.pk).exists()


def test_dump_names_people_by_key_and_loads_back_into_an_empty_database(people: dict[str, Person]) -> None:
    load_programme()
    NetworkMembershipFactory(
        network=NetworkFactory(slug="nf-network"), organization=Organization.objects.get(slug="nf-ministry")
    )
    scope = netfiles.DumpScope(networks=["nf-network"])
    first = netfiles.dump(scope)
    [event] = first["events"]
    assert event["co_chairs"] == ["nf-aigerim", "nf-bolat"]
    assert event["sessions"][1]["speakers"] == [
        {"person": "nf-aigerim", "title": "Secretary General"},
        {"person": "nf-bolat", "title": "Ambassador"},
    ]
    assert event["sessions"][0]["venue"]["address"] == "Am Augartenspitz 1, 1020 Vienna"
    assert event["delegations"] == [
        {"country": "KZ", "seats": None, "head": "nf-bolat", "head_title": "Ambassador of Kazakhstan"}
    ]

    Event.objects.all().delete()
    Venue.objects.all().delete()
    plan = netfiles.load([("dump.yaml", render(first))])  # the people stay: a file names them, never makes them
    assert plan.counts["create"] == 1
    assert netfiles.dump(scope) == first


def test_dump_leaves_out_a_speaker_list_with_a_person_who_has_no_key(people: dict[str, Person]) -> None:
    load_programme()
    NetworkMembershipFactory(
        network=NetworkFactory(slug="nf-network"), organization=Organization.objects.get(slug="nf-ministry")
    )
    Person.objects.filter(key="nf-bolat").update(key=None)
    dumped = netfiles.dump(netfiles.DumpScope(networks=["nf-network"]))
    [event] = dumped["events"]
    assert "speakers" not in event["sessions"][1] and "co_chairs" not in event
    assert "head" not in event["delegations"][0]
    # loading the dump leaves those people where they are
    assert netfiles.load([("dump.yaml", render(dumped))]).counts["change"] == 0
    assert Session.objects.get(title__en="Opening").speakers.count() == 2


def test_the_people_example_in_the_docs_loads() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "network-files.md").read_text(encoding="utf-8")
    blocks = [block.split("```", 1)[0] for block in page.split("```yaml\n")[1:]]
    network, event = blocks[0], blocks[1]
    people = next(block for block in blocks if "co_chairs: [aigerim-suleimenova" in block)
    netfiles.load([("centres.yaml", network + event)])
    for key in ("aigerim-suleimenova", "bolat-nurlanov", "dana-yerlanovna"):
        PersonFactory(key=key)
    plan = netfiles.load([("nauryz-people.yaml", people)])
    [change] = plan.changes
    assert change.fields == [
        "+co_chairs.aigerim-suleimenova",
        "+co_chairs.bolat-nurlanov",
        "sessions[0].speakers",
        "delegations[0].head",
        "delegations[0].head_title",
    ]
    opening = Session.objects.get(event__slug="nauryz-berlin-2027", title__en="Opening")
    assert opening.speakers.count() == 2 and opening.language == "kk"  # what the file left out stays


def test_dump_leaves_out_people_who_did_not_agree_to_be_shown(people: dict[str, Person]) -> None:
    load_programme()
    NetworkMembershipFactory(
        network=NetworkFactory(slug="nf-network"), organization=Organization.objects.get(slug="nf-ministry")
    )
    people["nf-bolat"].consents.update(withdrawn_at=timezone.now())
    dumped = netfiles.dump(netfiles.DumpScope(networks=["nf-network"]))
    [event] = dumped["events"]
    assert "co_chairs" not in event and "head" not in event["delegations"][0]
    assert "nf-bolat" not in {person["key"] for person in dumped.get("people", [])}


# --- times relative to the day of loading ----------------------------------------------------------------------

RELATIVE_FILE = FILE.replace(
    "starts: 2027-05-14 09:00\n    ends: 2027-05-15 18:00", "starts: +40d 09:00\n    ends: +41d 18:00"
)


def _vienna(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), ZoneInfo("Europe/Vienna")).astimezone(dt.UTC)


def test_a_relative_time_counts_days_from_today_in_the_events_zone() -> None:
    load(RELATIVE_FILE)
    event = Event.objects.get(slug="nf-forum")
    today = dt.datetime.now(ZoneInfo("Europe/Vienna")).date()
    assert (event.starts_at, event.ends_at) == (
        _vienna(today + dt.timedelta(days=40), 9),
        _vienna(today + dt.timedelta(days=41), 18),
    )


def test_a_relative_file_loaded_again_the_same_day_changes_nothing() -> None:
    load(RELATIVE_FILE)
    assert load(RELATIVE_FILE).counts["change"] == 0


def test_a_relative_file_loaded_a_day_later_moves_the_event_by_a_day(monkeypatch: pytest.MonkeyPatch) -> None:
    load(RELATIVE_FILE)
    starts = Event.objects.get(slug="nf-forum").starts_at
    later = dt.datetime.now(ZoneInfo("Europe/Vienna")).date() + dt.timedelta(days=1)
    monkeypatch.setattr(events_netfile, "today", lambda zone: later)
    plan = load(RELATIVE_FILE)
    assert any(line.startswith("~ change event nf-forum: ") for line in plan.lines())
    assert Event.objects.get(slug="nf-forum").starts_at - starts == dt.timedelta(days=1)


def test_a_badly_written_relative_time_is_refused_by_the_schema() -> None:
    [problem] = problems(RELATIVE_FILE.replace("starts: +40d 09:00", "starts: +40 days 09:00"))
    assert problem.startswith("network.yaml:20: events[0].starts: '+40 days 09:00' does not match")
