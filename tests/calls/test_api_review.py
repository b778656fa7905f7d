"""The committee's API: reviews, results, scores (with CSV/XLSX) and the fund's figures and awards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from tamyr.calls import financing
from tamyr.calls.models import Review, Tranche
from tests.calls.committee_factories import ApplicationFactory, CallFactory, CallReviewerFactory, funded, scored
from tests.factories import PersonFactory, UserFactory, grant, with_totp

pytestmark = pytest.mark.django_db


def signed_up() -> Any:
    user = UserFactory()
    with_totp(user)
    return user


def manager_client(call: Any) -> tuple[APIClient, Any]:
    user = signed_up()
    grant(user, call.organization, "staff")
    client = APIClient()
    client.force_authenticate(user)
    return client, user


def test_managers_see_every_review_and_reviewers_their_own() -> None:
    call = CallFactory()
    application = scored(ApplicationFactory(call=call), 70, 80)
    client, _user = manager_client(call)
    assert client.get(f"/api/v1/calls/{call.slug}/reviews/").json()["count"] == 2
    mine = Review.objects.filter(application=application).first()
    assert mine is not None
    reviewer_user = signed_up()
    mine.reviewer.user = reviewer_user
    mine.reviewer.save()
    CallReviewerFactory(call=call, person=mine.reviewer)
    reviewer = APIClient()
    reviewer.force_authenticate(reviewer_user)
    body = reviewer.get(f"/api/v1/calls/{call.slug}/reviews/").json()
    assert body["count"] == 1 and body["results"][0]["application"] == application.code


def test_scores_give_the_mean_and_export_as_csv() -> None:
    call = CallFactory()
    application = scored(ApplicationFactory(call=call), 70, 80)
    client, _user = manager_client(call)
    row = client.get(f"/api/v1/calls/{call.slug}/scores/").json()["results"][0]
    assert row["code"] == application.code and row["mean"] == "75.00" and row["reviews"] == 2
    response = client.get(f"/api/v1/calls/{call.slug}/scores/?export=csv")
    assert response.status_code == 200 and application.code in b"".join(response.streaming_content).decode()


def test_an_applicant_sees_only_their_own_result() -> None:
    call = CallFactory(kind="financing", currency="USD")
    person = PersonFactory(user=signed_up())
    funded(call, person=person, rank=1)
    funded(call, rank=2)
    client = APIClient()
    client.force_authenticate(person.user)
    results = client.get(f"/api/v1/calls/{call.slug}/results/").json()["results"]
    assert [item["rank"] for item in results] == [1]


def test_the_fund_endpoint_sums_the_records() -> None:
    call = CallFactory(kind="financing", currency="USD", budget=Decimal("5000"))
    award = funded(call, "1000")
    client, user = manager_client(call)
    tranche = financing.tranche_add(award=award, amount=Decimal("250"), due_on=date(2027, 1, 1), acting_user=user)
    financing.tranche_disburse(tranche=tranche, acting_user=user)
    body = client.get(f"/api/v1/calls/{call.slug}/fund/").json()
    assert body["total"] == {"committed": "1000.00", "disbursed": "250.00", "remaining": "750.00"}
    assert body["uncommitted"] == "4000.00"


def test_a_tranche_past_the_award_is_a_400_with_its_code() -> None:
    call = CallFactory(kind="financing", currency="USD")
    award = funded(call, "1000")
    client, _user = manager_client(call)
    response = client.post(f"/api/v1/awards/{award.pk}/tranches/", {"amount": "1000.01", "due_on": "2027-01-01"})
    assert response.status_code == 400 and response.json()["code"] == "over_award"
    assert not Tranche.objects.exists()


def test_a_report_on_another_awards_tranche_is_not_found() -> None:
    call = CallFactory(kind="financing", currency="USD")
    award, other = funded(call, "1000", rank=1), funded(call, "1000", rank=2)
    client, user = manager_client(call)
    foreign = financing.tranche_add(award=other, amount=Decimal("10"), due_on=date(2027, 1, 1), acting_user=user)
    response = client.post(f"/api/v1/awards/{award.pk}/reports/", {"due_on": "2027-03-01", "tranche": foreign.pk})
    assert response.status_code == 404
