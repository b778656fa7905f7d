"""No group over its quota and no financing call over its budget, with many declines, withdrawals and accepts at
once: real threads, each with its own PostgreSQL connection (CI runs the suite on PostgreSQL too)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections

from tamyr.calls import selection
from tamyr.calls.models import Outcome, OutcomeStatus
from tests.calls.committee_factories import ApplicationFactory, CallFactory, QuotaGroupFactory, scored
from tests.factories import PersonFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (CI runs the suite there too): row locks, parallel connections",
    ),
]


def at_once(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            results[index] = calls[index]()
        except BaseException as error:  # every outcome is reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a decline hung"
    return results


def watch_most_held(call: Any, stop: threading.Event, most: list[int]) -> threading.Thread:
    def run() -> None:
        try:
            while not stop.is_set():
                most[0] = max(most[0], max(selection.places_held(call).values(), default=0))
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def ranked_call(places: int, applicants: int, **call: Any) -> tuple[Any, Any, list[Outcome]]:
    made = CallFactory(**call)
    group = QuotaGroupFactory(call=made, places=places)
    apps = [
        scored(ApplicationFactory(call=made, quota_group=group, person=PersonFactory(user=UserFactory()),
                                  amount_requested=Decimal("100")), 99 - i / 10)
        for i in range(applicants)
    ]  # fmt: skip
    selection.selection_rank(call=made, acting_user=None)
    selection.offers_send(call=made, acting_user=None)
    return made, group, [Outcome.objects.select_related("application__person__user").get(application=a) for a in apps]


def test_twelve_declines_at_once_promote_twelve_reserves_and_never_pass_the_quota() -> None:
    call, group, outcomes = ranked_call(places=12, applicants=30)
    stop, most = threading.Event(), [0]
    watcher = watch_most_held(call, stop, most)
    offered = outcomes[:12]
    try:
        results = at_once(
            [lambda o=o: selection.offer_decline(outcome=o, acting_user=o.application.person.user) for o in offered]
        )
    finally:
        stop.set()
        watcher.join()
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert most[0] <= 12
    assert selection.places_held(call) == {group.pk: 12}
    promoted = Outcome.objects.filter(call=call, status=OutcomeStatus.OFFERED).values_list("rank", flat=True)
    assert sorted(promoted) == list(range(13, 25))


def test_declines_accepts_and_withdrawals_at_once_keep_the_quota() -> None:
    call, group, outcomes = ranked_call(places=8, applicants=16)
    offered, reserve = outcomes[:8], outcomes[8:]
    actions: list[Callable[[], Any]] = []
    for index, outcome in enumerate(offered):
        user = outcome.application.person.user
        if index % 2:
            actions.append(lambda o=outcome, u=user: selection.offer_decline(outcome=o, acting_user=u))
        else:
            actions.append(lambda o=outcome, u=user: selection.offer_accept(outcome=o, acting_user=u))
    for outcome in reserve[:4]:
        actions.append(lambda o=outcome: selection.outcome_withdraw(outcome=o, acting_user=o.application.person.user))
    results = at_once(actions)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert selection.over_quota(call) == 0
    assert selection.places_held(call) == {group.pk: 8}


def test_declines_at_once_in_a_financing_call_never_commit_more_than_the_budget() -> None:
    call, _group, outcomes = ranked_call(places=20, applicants=30, kind="financing", budget=Decimal("1000"),
                                         currency="USD")  # fmt: skip
    assert selection.committed(call) == Decimal("1000")
    offered = outcomes[:10]
    results = at_once(
        [lambda o=o: selection.offer_decline(outcome=o, acting_user=o.application.person.user) for o in offered]
    )
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert selection.committed(call) == Decimal("1000")
    assert Outcome.objects.filter(call=call, status=OutcomeStatus.OFFERED).count() == 10


def test_declines_in_many_groups_of_a_financing_call_at_once_never_pass_the_budget() -> None:
    call = CallFactory(kind="financing", budget=Decimal("1500"), currency="USD")
    groups = [QuotaGroupFactory(call=call, places=3) for _ in range(4)]
    amounts = ["100", "200", "300"]
    for index in range(40):
        scored(ApplicationFactory(call=call, quota_group=groups[index % 4], person=PersonFactory(user=UserFactory()),
                                  amount_requested=Decimal(amounts[index % 3])), 99 - index)  # fmt: skip
    selection.selection_rank(call=call, acting_user=None)
    selection.offers_send(call=call, acting_user=None)
    offered = list(Outcome.objects.filter(call=call, status=OutcomeStatus.OFFERED).select_related("call"))
    results = at_once([lambda o=o: selection.offer_decline(outcome=o, acting_user=None) for o in offered])
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert selection.committed(call) <= Decimal("1500")
    call.selection.refresh_from_db()
    assert call.selection.committed == selection.committed(call)
    assert selection.over_quota(call) == 0


def test_a_cancellation_and_a_decline_of_the_same_award_at_once_give_the_money_back_once() -> None:
    from tamyr.calls import financing
    from tamyr.calls.models import Award
    from tests.factories import grant

    call, _group, outcomes = ranked_call(places=20, applicants=30, kind="financing", budget=Decimal("1000"),
                                         currency="USD")  # fmt: skip
    manager = UserFactory()
    grant(manager, call.organization, "staff")
    pairs = outcomes[:5]
    work: list[Callable[[], Any]] = []
    for outcome in pairs:
        award = Award.objects.get(outcome=outcome)
        work.append(lambda a=award: financing.award_status_set(award=a, status="cancelled", acting_user=manager))
        work.append(lambda o=outcome: selection.offer_decline(outcome=o, acting_user=o.application.person.user))
    results = at_once(work)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert selection.committed(call) <= call.budget
    assert selection.selection_of(call).committed == selection.committed(call)
    selection.places_refill(call=call, acting_user=None)
    assert selection.committed(call) == Decimal("1000")  # every freed 100 went to a reserve, none twice
    assert selection.selection_of(call).committed == selection.committed(call)
