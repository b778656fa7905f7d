"""Ranking, quotas, reserve lists and offers: who gets a place, and who gets it next."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tamyr.calls import selection
from tamyr.calls.models import Award, Outcome, OutcomeStatus, Selection
from tamyr.core.errors import DomainError, NotAllowed
from tests.calls.committee_factories import ApplicationFactory, CallFactory, QuotaGroupFactory, scored
from tests.factories import PersonFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def statuses(call) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(Outcome.objects.filter(call=call).values_list("application__code", "status"))


def test_ranking_by_mean_orders_by_the_mean_of_the_reviews() -> None:
    call = CallFactory(places=None)
    low = scored(ApplicationFactory(call=call), 60, 70)
    high = scored(ApplicationFactory(call=call), 90, 80)
    selection.selection_rank(call=call, acting_user=None)
    assert list(Outcome.objects.order_by("rank").values_list("application_id", flat=True)) == [high.pk, low.pk]


def test_ranking_by_median_differs_from_the_mean_where_one_review_is_an_outlier() -> None:
    call = CallFactory(places=None)
    steady = scored(ApplicationFactory(call=call), 70, 70, 70)
    outlier = scored(ApplicationFactory(call=call), 100, 60, 65)  # mean 75, median 65
    selection.selection_rank(call=call, method="median", acting_user=None)
    assert list(Outcome.objects.order_by("rank").values_list("application_id", flat=True)) == [steady.pk, outlier.pk]


def test_a_tie_on_the_mean_is_broken_by_the_median() -> None:
    call = CallFactory(places=None)
    spread = scored(ApplicationFactory(call=call), 40, 50, 90)  # mean 60, median 50
    even = scored(ApplicationFactory(call=call), 55, 60, 65)  # mean 60, median 60
    selection.selection_rank(call=call, acting_user=None)
    assert list(Outcome.objects.order_by("rank").values_list("application_id", flat=True)) == [even.pk, spread.pk]


def test_a_full_tie_goes_to_the_earlier_submission() -> None:
    call = CallFactory(places=None)
    later = scored(ApplicationFactory(call=call, submitted_at=timezone.now()), 80)
    earlier = scored(ApplicationFactory(call=call, submitted_at=timezone.now() - timedelta(days=1)), 80)
    selection.selection_rank(call=call, acting_user=None)
    assert list(Outcome.objects.order_by("rank").values_list("application_id", flat=True)) == [earlier.pk, later.pk]


def test_applications_without_reviews_are_not_ranked() -> None:
    call = CallFactory(places=None)
    ApplicationFactory(call=call)
    report = selection.selection_rank(call=call, acting_user=None)
    assert report.unscored == 1 and not Outcome.objects.exists()


def test_quotas_select_the_best_of_each_group_and_put_the_rest_on_its_reserve_list_in_order() -> None:
    call = CallFactory()
    kz, hu = QuotaGroupFactory(call=call, places=1), QuotaGroupFactory(call=call, places=2)
    kz_apps = [scored(ApplicationFactory(call=call, quota_group=kz), score) for score in (90, 80, 70)]
    hu_apps = [scored(ApplicationFactory(call=call, quota_group=hu), score) for score in (50, 40)]
    selection.selection_rank(call=call, acting_user=None)
    by_app = {o.application_id: o for o in Outcome.objects.all()}
    assert [by_app[a.pk].status for a in kz_apps] == ["selected", "reserve", "reserve"]
    assert [by_app[a.pk].reserve_position for a in kz_apps] == [None, 1, 2]
    assert [by_app[a.pk].status for a in hu_apps] == ["selected", "selected"]


def test_ranking_again_after_offers_went_out_is_refused() -> None:
    call = CallFactory(places=1)
    scored(ApplicationFactory(call=call), 80)
    selection.selection_rank(call=call, acting_user=None)
    selection.offers_send(call=call, acting_user=None)
    with pytest.raises(DomainError) as refused:
        selection.selection_rank(call=call, acting_user=None)
    assert refused.value.code == "offers_sent"


def offered_call(places: int = 1, reserves: int = 2):  # type: ignore[no-untyped-def]
    call = CallFactory()
    group = QuotaGroupFactory(call=call, places=places)
    applications = [
        scored(ApplicationFactory(call=call, quota_group=group, person=PersonFactory(user=UserFactory())), 90 - i)
        for i in range(places + reserves)
    ]
    selection.selection_rank(call=call, acting_user=None)
    selection.offers_send(call=call, acting_user=None)
    return call, group, [Outcome.objects.get(application=a) for a in applications]


def test_offers_carry_the_selections_deadline() -> None:
    call, _group, (first, *_rest) = offered_call()
    days = Selection.objects.get(call=call).offer_days
    assert first.status == OutcomeStatus.OFFERED
    assert first.respond_by - first.offered_at == timedelta(days=days)


def test_a_decline_offers_the_place_to_the_first_reserve_at_once() -> None:
    _call, _group, (first, second, third) = offered_call()
    promoted = selection.offer_decline(outcome=first, acting_user=first.application.person.user)
    assert [p.pk for p in promoted] == [second.pk]
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (OutcomeStatus.OFFERED, OutcomeStatus.RESERVE)
    assert second.respond_by is not None


def test_an_accepted_place_withdrawn_goes_to_the_next_reserve() -> None:
    _call, _group, (first, second, _third) = offered_call()
    selection.offer_accept(outcome=first, acting_user=first.application.person.user)
    selection.outcome_withdraw(outcome=first, acting_user=first.application.person.user)
    second.refresh_from_db()
    assert second.status == OutcomeStatus.OFFERED


def test_a_reserve_who_withdraws_promotes_nobody() -> None:
    _call, _group, (first, second, third) = offered_call()
    assert selection.outcome_withdraw(outcome=second, acting_user=second.application.person.user) == []
    third.refresh_from_db()
    assert third.status == OutcomeStatus.RESERVE


def test_an_expired_offer_promotes_the_next_reserve() -> None:
    _call, _group, (first, second, _third) = offered_call()
    later = timezone.now() + timedelta(days=30)
    assert selection.offers_expire(now=later) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (OutcomeStatus.EXPIRED, OutcomeStatus.OFFERED)


def test_an_offer_cannot_be_accepted_after_its_deadline() -> None:
    _call, _group, (first, *_rest) = offered_call()
    with pytest.raises(DomainError) as refused:
        selection.offer_accept(outcome=first, acting_user=first.application.person.user, now=first.respond_by)
    assert refused.value.code == "offer_expired"


def test_someone_else_cannot_decline_an_applicants_offer() -> None:
    _call, _group, (first, *_rest) = offered_call()
    with pytest.raises(NotAllowed):
        selection.offer_decline(outcome=first, acting_user=UserFactory())
    first.refresh_from_db()
    assert first.status == OutcomeStatus.OFFERED


def test_declining_twice_is_refused_and_promotes_only_once() -> None:
    _call, _group, (first, second, third) = offered_call()
    user = first.application.person.user
    selection.offer_decline(outcome=first, acting_user=user)
    with pytest.raises(DomainError):
        selection.offer_decline(outcome=first, acting_user=user)
    third.refresh_from_db()
    assert third.status == OutcomeStatus.RESERVE


def financing_call(budget: str, *requested: str):  # type: ignore[no-untyped-def]
    call = CallFactory(kind="financing", budget=Decimal(budget), currency="USD", award_max=Decimal("500"))
    group = QuotaGroupFactory(call=call, places=10)
    applications = [
        scored(ApplicationFactory(call=call, quota_group=group, amount_requested=Decimal(amount),
                                  person=PersonFactory(user=UserFactory())), 90 - i)
        for i, amount in enumerate(requested)
    ]  # fmt: skip
    selection.selection_rank(call=call, acting_user=None)
    return call, [Outcome.objects.get(application=a) for a in applications]


def test_a_financing_call_never_selects_more_than_its_budget() -> None:
    call, outcomes = financing_call("1000", "400", "400", "400", "100")
    assert [o.status for o in outcomes] == ["selected", "selected", "reserve", "selected"]
    assert selection.committed(call) == Decimal("900")


def test_an_award_is_capped_at_the_calls_largest_award() -> None:
    _call, (outcome,) = financing_call("10000", "900")
    assert Award.objects.get(outcome=outcome).amount == Decimal("500")


def test_a_decline_in_a_financing_call_promotes_the_next_reserve_whose_award_fits() -> None:
    call, outcomes = financing_call("1000", "500", "500", "500")
    selection.offers_send(call=call, acting_user=None)
    selection.offer_decline(outcome=outcomes[0], acting_user=outcomes[0].application.person.user)
    outcomes[2].refresh_from_db()
    assert outcomes[2].status == OutcomeStatus.OFFERED
    assert selection.committed(call) == Decimal("1000")


def test_over_quota_is_zero_after_declines() -> None:
    call, group, (first, second, *_reserves) = offered_call(places=2, reserves=3)
    selection.offer_decline(outcome=first, acting_user=first.application.person.user)
    selection.offer_decline(outcome=second, acting_user=second.application.person.user)
    assert selection.over_quota(call) == 0
    assert selection.places_held(call) == {group.pk: 2}


def test_a_refill_offers_a_raised_quotas_new_places_to_the_reserve_list() -> None:
    call, group, (_first, second, third) = offered_call(places=1, reserves=2)
    group.places = 3
    group.save(update_fields=["places"])
    promoted = selection.places_refill(call=call, acting_user=None)
    assert {outcome.pk for outcome in promoted} == {second.pk, third.pk}
    assert selection.places_held(call) == {group.pk: 3}


def test_money_freed_in_one_group_funds_another_groups_reserve_on_refill() -> None:
    call = CallFactory(kind="financing", budget=Decimal("500"), currency="USD")
    first_group, second_group = QuotaGroupFactory(call=call, places=1), QuotaGroupFactory(call=call, places=1)
    first = scored(ApplicationFactory(call=call, quota_group=first_group, amount_requested=Decimal("500"),
                                      person=PersonFactory(user=UserFactory())), 90)  # fmt: skip
    waiting = scored(ApplicationFactory(call=call, quota_group=second_group, amount_requested=Decimal("400")), 80)
    selection.selection_rank(call=call, acting_user=None)
    selection.offers_send(call=call, acting_user=None)
    outcome = Outcome.objects.get(application=first)
    assert selection.offer_decline(outcome=outcome, acting_user=first.person.user) == []
    selection.places_refill(call=call, acting_user=None)
    assert Outcome.objects.get(application=waiting).status == OutcomeStatus.OFFERED
    assert selection.committed(call) == Decimal("400")


def test_withdrawing_an_application_that_holds_an_offer_passes_the_place_on() -> None:
    from tamyr.calls import services as calls_services

    _call, _group, (first, second, _third) = offered_call()
    calls_services.application_withdraw(application=first.application, acting_user=first.application.person.user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (OutcomeStatus.WITHDRAWN, OutcomeStatus.OFFERED)


def cancel(award: Award, call: Any) -> None:
    from tamyr.calls import financing

    manager = UserFactory()
    grant(manager, call.organization, "staff")
    financing.award_status_set(award=award, status="cancelled", acting_user=manager)


def test_a_cancelled_award_gives_what_it_did_not_pay_back_to_the_budget() -> None:
    from tamyr.calls.models import Tranche

    call, (first, second) = financing_call("1000", "500", "500")
    award = Award.objects.get(outcome=first)
    Tranche.objects.create(award=award, amount=Decimal("200"), due_on=date(2027, 1, 1), status="disbursed")
    cancel(award, call)
    assert selection.committed(call) == Decimal("700")
    assert selection.selection_of(call).committed == Decimal("700")
    assert Outcome.objects.get(pk=second.pk).status == OutcomeStatus.SELECTED


def test_money_a_cancelled_award_gave_back_goes_to_the_next_reserve_and_never_past_the_budget() -> None:
    call, outcomes = financing_call("1000", "500", "500", "300", "300")
    assert [o.status for o in outcomes] == ["selected", "selected", "reserve", "reserve"]
    cancel(Award.objects.get(outcome=outcomes[0]), call)
    promoted = selection.places_refill(call=call, acting_user=None)
    assert [o.pk for o in promoted] == [outcomes[2].pk]  # 300 fits the 500 given back; the next 300 does not
    assert selection.committed(call) == Decimal("800")
    assert selection.places_refill(call=call, acting_user=None) == []
    assert selection.committed(call) <= call.budget


def test_declining_after_a_cancellation_gives_the_money_back_once() -> None:
    call, outcomes = financing_call("1000", "500", "500")
    selection.offers_send(call=call, acting_user=None)
    cancel(Award.objects.get(outcome=outcomes[0]), call)
    selection.offer_decline(outcome=outcomes[0], acting_user=outcomes[0].application.person.user)
    assert selection.committed(call) == Decimal("500")
    assert selection.selection_of(call).committed == Decimal("500")


def test_the_fund_page_shows_the_money_a_cancellation_gave_back() -> None:
    from django.test import Client

    from tamyr.calls import financing
    from tests.factories import with_totp

    call, outcomes = financing_call("1000", "500", "500")
    cancel(Award.objects.get(outcome=outcomes[0]), call)
    assert financing.fund_figures(call).uncommitted == Decimal("500")
    manager = UserFactory()
    grant(manager, call.organization, "staff")
    with_totp(manager)
    client = Client()
    client.force_login(manager)
    page = client.get(f"/calls/{call.slug}/fund/").content.decode()
    assert "Remaining in the budget" in page and "500.00" in page
