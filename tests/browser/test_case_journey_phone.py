"""A returning family's case from the compatriot's request to its closure, across three organizations, on a
390 × 844 phone (issue 17, "Done when").

The compatriot asks the Foundation for help from their own page, in Kazakh; its case worker takes the request on,
records the family's consent for sharing, writes the plan, which a supervisor approves; the case is referred to a
regional centre (which accepts and sees only the stages) and to an NGO (which rejects and sees nothing); a stale
form of the worker's is refused with what changed, and sent again nothing is lost; the family follows the case
on their own page, and the case closes with the supervisor's approval. Every page must fit the phone.
"""

from __future__ import annotations

from typing import Any

import pytest

from tamyr.cases.models import Case, CaseStatus, Referral
from tests.browser.test_phone_journeys import fits, open_page, phone, ui  # noqa: F401 (the phone fixtures)
from tests.factories import OrganizationFactory, UserFactory, country, grant, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def form(page: Any, action: str) -> Any:
    """The case page's form of one action (each carries it in a hidden `action` field)."""
    return page.locator(f"form:has(input[name=action][value={action}])")


def test_a_returning_family_from_request_to_closure_across_three_organizations(
    open_page: Any,  # noqa: F811
    live_server: Any,
) -> None:
    from playwright.sync_api import expect

    url = live_server.url
    foundation = OrganizationFactory(slug="otandastar", kind="state_institution", short_name="Otandastar")
    centre = OrganizationFactory(slug="kandas-centre", kind="state_institution", short_name="Kandas Centre")
    ngo = OrganizationFactory(slug="zhana-uy", kind="ngo", short_name="Zhana Uy")
    worker, supervisor, centre_staff, ngo_staff = (
        UserFactory(username=name) for name in ("aigul", "marat", "dana", "yerlan")
    )
    grant(worker, foundation, "staff")
    grant(supervisor, foundation, "admin")
    grant(centre_staff, centre, "staff")
    grant(ngo_staff, ngo, "staff")
    for user in (worker, supervisor, centre_staff, ngo_staff):
        with_totp(user)
    family = UserFactory(username="bolat")
    assert country("MN")

    # 1. The compatriot asks for help from their own page, in Kazakh.
    home = open_page("kk", family)
    home.goto(f"{url}/cases/request/")
    assert home.locator("html").get_attribute("lang") == "kk"
    fits(home, "case-request")
    home.select_option("select[name=owner]", "otandastar")
    home.select_option("select[name=origin_country]", "MN")
    home.fill("textarea[name=summary]", "Family of three from Bayan-Ölgii; the father is a veterinarian.")
    home.locator("form.case-form button[type=submit]").click()
    expect(home.locator(".messages")).to_be_visible()
    case = Case.objects.get(members__person__user=family)
    assert case.status == CaseStatus.REQUESTED
    home.goto(f"{url}/cases/mine/")
    expect(home.locator(".own-case")).to_contain_text(ui("kk", "Your request is waiting for the organization"))
    fits(home, "case-mine-requested")

    # 2. The Foundation's case worker finds it on their list and takes it on.
    desk = open_page("en", worker)
    desk.goto(f"{url}/cases/?status=requested")
    fits(desk, "case-list")
    desk.locator(f"a[href='/cases/{case.pk}/']").first.click()
    desk.wait_for_url(f"{url}/cases/{case.pk}/")
    fits(desk, "case-requested")
    form(desk, "accept_request").locator("button").click()
    expect(desk.locator(".messages")).to_contain_text("You took the request on.")

    # consent for sharing with both partners, as the family gave it on paper
    for slug in ("kandas-centre", "zhana-uy"):
        consent = desk.locator("form[action$='/consent/']")
        consent.locator("select[name=organization]").select_option(slug)
        consent.locator("select[name=method]").select_option("paper")
        consent.locator("button").click()
        expect(desk.locator(".messages")).to_be_visible()
    # a task the family is asked to do, and the plan for the supervisor
    task = form(desk, "task")
    task.locator("input[name=title]").fill("Bring the passports to the Foundation")
    task.locator("input[name=for_family]").check()
    task.locator("button").click()
    expect(desk.locator(".messages")).to_contain_text("The task is added.")
    plan = form(desk, "plan")
    plan.locator("textarea[name=plan]").fill("Documents and kandas status; housing through the regional centre.")
    plan.locator("button").click()
    form(desk, "approval_request").locator("button[value=plan]").click()
    expect(desk.locator(".messages")).to_contain_text("A supervisor is asked to approve.")
    fits(desk, "case-open")

    # 3. The supervisor approves the plan.
    boss = open_page("en", supervisor)
    boss.goto(f"{url}/cases/supervision/")
    fits(boss, "case-supervision")
    boss.goto(f"{url}/cases/{case.pk}/")
    form(boss, "approval_decide").locator("button[value=yes]").click()
    expect(boss.locator(".messages")).to_contain_text("The decision is recorded.")

    # 4. The worker's page is now stale: their next form is refused with what changed, and sent again it lands.
    stale = form(desk, "note")
    stale.locator("textarea[name=text]").fill("The father's diploma needs recognition.")
    stale.locator("button").click()
    expect(desk.locator("#conflict")).to_contain_text("Approved")
    note = form(desk, "note")
    expect(note.locator("textarea[name=text]")).to_have_value("The father's diploma needs recognition.")
    fits(desk, "case-conflict")
    note.locator("button").click()
    expect(desk.locator(".messages")).to_contain_text("The note is added.")

    # 5. Out of intake, then referrals: housing to the regional centre (stages only) and to the NGO (members).
    move = form(desk, "stage")
    move.locator("select[name=stage]").select_option("housing")
    move.locator("button").click()
    expect(desk.locator(".messages")).to_contain_text("The case moved to another stage.")
    for slug, section in (("kandas-centre", "stages"), ("zhana-uy", "members")):
        refer = form(desk, "refer")
        refer.locator("select[name=to_organization]").select_option(slug)
        refer.locator("select[name=service]").select_option("housing")
        refer.locator(f"input[name=shared_sections][value={section}]").check()
        refer.locator("button").click()
        expect(desk.locator(".messages")).to_contain_text("The referral is sent")
    fits(desk, "case-referred")

    # 6. The regional centre accepts and sees the stages, and nothing the referral does not share.
    partner = open_page("en", centre_staff)
    partner.goto(f"{url}/cases/referrals/")
    fits(partner, "case-referrals")
    partner.locator("form.inline-form button[value=accept]").click()
    expect(partner.locator(".messages")).to_be_visible()
    partner.locator(f"a[href='/cases/{case.pk}/']").click()
    partner.wait_for_url(f"{url}/cases/{case.pk}/")
    page_text = partner.locator("main").inner_text()
    assert "Stages" in page_text and "Housing" in page_text
    for hidden in ("diploma", "Bring the passports", "Timeline", "Bayan-Ölgii"):
        assert hidden not in page_text, hidden
    fits(partner, "case-partner")

    # 7. The NGO rejects, saying why, and cannot open the case.
    other = open_page("en", ngo_staff)
    other.goto(f"{url}/cases/referrals/")
    other.fill("form.inline-form input[name=reason]", "Our programme covers Astana only this year.")
    other.locator("form.inline-form button[value=reject]").click()
    expect(other.locator(".messages")).to_be_visible()
    assert other.goto(f"{url}/cases/{case.pk}/").status == 404
    statuses = dict(Referral.objects.filter(case=case).values_list("to_organization__slug", "status"))
    assert statuses == {"kandas-centre": "accepted", "zhana-uy": "rejected"}

    # 8. The family sees where the case stands, what they are asked to do and who helps them; nothing else.
    home.goto(f"{url}/cases/mine/")
    own = home.locator(".own-case")
    expect(own).to_contain_text("Bring the passports to the Foundation")
    expect(own).to_contain_text("Kandas Centre")
    own_text = own.inner_text()
    assert "diploma" not in own_text and "Zhana Uy" not in own_text and "housing through" not in own_text
    fits(home, "case-mine-open")

    # 9. Closure, approved by the supervisor; the family sees it closed.
    desk.goto(f"{url}/cases/{case.pk}/")
    form(desk, "approval_request").locator("button[value=closure]").click()
    expect(desk.locator(".messages")).to_contain_text("A supervisor is asked to approve.")
    boss.goto(f"{url}/cases/{case.pk}/")
    form(boss, "approval_decide").locator("button[value=yes]").click()
    expect(boss.locator(".messages")).to_contain_text("The decision is recorded.")
    fits(boss, "case-closed")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    home.goto(f"{url}/cases/mine/")
    expect(home.locator(".own-case .tag")).to_have_text(ui("kk", "Closed"))
    # every edit is there: the note sent again, the family's task, both referrals' answers
    assert case.notes.filter(text__contains="diploma").count() == 1
    assert case.tasks.filter(for_family=True).count() == 1
