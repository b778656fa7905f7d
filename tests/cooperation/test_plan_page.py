"""The plan page of a large plan: a page of top-level measures at a time, a fixed number of queries, and the same
progress as the whole tree gives."""

from __future__ import annotations

import math
import random
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tamyr.cooperation import selectors
from tests.factories import with_totp
from tests.factories.cooperation import DirectionFactory, MeasureFactory, PeriodFactory, PlanWorld


def signed_in(client: Client, user: Any) -> Client:
    with_totp(user)
    client.force_login(user)
    return client


def grow(world: PlanWorld, tops: int, rng: random.Random) -> None:
    """`tops` top-level measures over two directions, each with two children; indicators with two periods."""
    second = DirectionFactory(plan=world.plan, code="3", order=1)
    for n in range(tops):
        top = MeasureFactory(
            direction=second if n % 2 else world.direction, plan=world.plan, code=f"9.{n}", lead=world.az,
            weight=rng.randint(1, 4), order=n,
        )  # fmt: skip
        for k in range(2):
            child = MeasureFactory(
                direction=top.direction, plan=world.plan, parent=top, code=f"9.{n}.{k}", lead=world.kz,
                weight=rng.randint(1, 3), status=rng.choice(["planned", "completed", "cancelled"]),
            )  # fmt: skip
            for _ in range(rng.randint(0, 2)):
                period = PeriodFactory(indicator__measure=child, actual=Decimal(rng.randint(0, 150)))
                PeriodFactory(indicator=period.indicator, starts_on=period.ends_on.replace(year=2027),
                              ends_on=period.ends_on.replace(year=2027), actual=None)  # fmt: skip


@pytest.fixture
def large(world: PlanWorld) -> PlanWorld:
    grow(world, 45, random.Random(7))
    return world


def test_the_plan_page_shows_one_page_of_top_level_measures(large: PlanWorld, client: Client) -> None:
    signed_in(client, large.coordinator)
    pages = math.ceil(46 / selectors.PLAN_PAGE_SIZE)  # 45 grown and the world's own measure
    contents = [client.get(f"/plans/{large.plan.slug}/?page={n}").content.decode() for n in range(1, pages + 1)]
    assert f"Page 1 of {pages}" in contents[0]
    assert [n for n, content in enumerate(contents) if "9.0.1." in content] == [0]  # a child with its parent
    found = [n for n, content in enumerate(contents) if ">9.25. " in content]
    assert len(found) == 1 and found[0] > 0


def test_the_plan_page_takes_the_same_queries_however_many_measures(
    world: PlanWorld, client: Client, django_assert_max_num_queries: Any
) -> None:
    signed_in(client, world.coordinator)
    grow(world, 2, random.Random(1))
    with django_assert_max_num_queries(26) as small:
        client.get(f"/plans/{world.plan.slug}/")
    grow_more = random.Random(2)
    for n in range(60):
        MeasureFactory(direction=world.direction, plan=world.plan, code=f"8.{n}", lead=world.tr, order=100 + n)
        PeriodFactory(indicator__measure__plan=world.plan, indicator__measure__direction=world.direction,
                      actual=Decimal(grow_more.randint(0, 9)))  # fmt: skip
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(f"/plans/{world.plan.slug}/")


def test_the_progress_of_a_page_is_that_of_the_whole_tree(large: PlanWorld) -> None:
    whole = selectors.plan_tree(large.plan)
    by_code = {node.measure.code: node.progress for node in whole.measures()}
    for number in (1, 2, 3):
        tree, _page = selectors.plan_page(large.plan, number)
        assert tree.progress == pytest.approx(whole.progress)
        assert [d.progress for d in tree.directions] == pytest.approx([d.progress for d in whole.directions])
        for node in tree.measures():
            assert node.progress == pytest.approx(by_code[node.measure.code]), node.measure.code
    assert 0 < whole.progress < 1
