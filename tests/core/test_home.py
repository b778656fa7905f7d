"""The home page: the coming events, the courses one can join and the open calls, each linking to its full list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.calls.factories import CallFactory
from tests.events.factories import EventFactory
from tests.learning.factories import CourseFactory, GroupFactory

pytestmark = pytest.mark.django_db


def home(client: Client) -> str:
    return client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_home_lists_an_upcoming_published_event(client: Client) -> None:
    EventFactory(slug="kurultai-2027", title={"en": "Kurultai of the Kazakhs of the world"})
    assert "Kurultai of the Kazakhs of the world" in home(client)


def test_home_leaves_out_events_that_have_ended(client: Client) -> None:
    start = timezone.now() - timedelta(days=3)
    EventFactory(title={"en": "Forum of last week"}, starts_at=start, ends_at=start + timedelta(hours=5))
    assert "Forum of last week" not in home(client)


def test_home_leaves_out_draft_events(client: Client) -> None:
    EventFactory(title={"en": "Draft forum"}, status="draft")
    assert "Draft forum" not in home(client)


def test_home_lists_a_course_with_a_group_open_for_self_enrollment(client: Client) -> None:
    GroupFactory(course=CourseFactory(title={"en": "Kazakh by the fireside"}), self_enrollment=True)
    assert "Kazakh by the fireside" in home(client)


def test_home_leaves_out_a_course_whose_groups_have_all_ended(client: Client) -> None:
    ended = timezone.localdate() - timedelta(days=1)
    GroupFactory(course=CourseFactory(title={"en": "Last spring's Kazakh"}), ends_on=ended)
    assert "Last spring's Kazakh" not in home(client)


def test_home_leaves_out_an_unpublished_course(client: Client) -> None:
    GroupFactory(course=CourseFactory(title={"en": "Unpublished Kazakh"}, is_published=False))
    assert "Unpublished Kazakh" not in home(client)


def test_home_lists_an_open_call(client: Client) -> None:
    CallFactory(title={"en": "Abai scholarship"})
    assert "Abai scholarship" in home(client)


def test_home_leaves_out_a_call_not_open_yet(client: Client) -> None:
    CallFactory(title={"en": "Future scholarship"}, opens_at=timezone.now() + timedelta(days=2))
    assert "Future scholarship" not in home(client)


def test_home_says_so_when_nothing_is_coming(client: Client) -> None:
    page = home(client)
    assert "No event is coming up at the moment." in page
    assert "No course is open for enrollment at the moment." in page
    assert "No call is open for applications at the moment." in page


def test_home_links_each_list_to_its_full_list(client: Client) -> None:
    page = home(client)
    for name in ("events:event_list", "learning:course_list", "calls:call_list"):
        assert f'href="{reverse(name)}"' in page


def test_home_shows_at_most_four_events(client: Client) -> None:
    for n in range(6):
        EventFactory(title={"en": f"Gathering number {n}"}, starts_at=timezone.now() + timedelta(days=n + 1))
    page = home(client)
    assert "Gathering number 3" in page
    assert "Gathering number 4" not in page


def test_api_link_is_in_the_footer_not_the_main_menu(client: Client) -> None:
    page = home(client)
    menu = page.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    footer = page.split('class="site-footer"', 1)[1]
    assert reverse("api-docs") not in menu
    assert reverse("api-docs") in footer


def test_home_query_count_does_not_grow_with_the_lists(client: Client, django_assert_max_num_queries) -> None:
    for _n in range(4):
        EventFactory()
        GroupFactory(course=CourseFactory())
        CallFactory()
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))
