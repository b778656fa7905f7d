"""A compatriot's own pages: their record, their roles, their data download and erasure."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tamyr.accounts.adapter import next_of
from tamyr.accounts.forms import NameForm
from tamyr.accounts.models import NetworkCoordinator, OrganizationRole
from tamyr.accounts.services import account_close, signed_in_user, user_name_asked, user_name_set
from tamyr.registry import selectors, services
from tamyr.registry.models import Consent, ConsentMethod, ConsentPurpose


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    person = selectors.person_of_user(request.user)
    if request.method == "POST" and request.POST.get("action") == "create_profile" and person is None:
        person = services.person_create_for_user(user=user)
        messages.success(request, _("Your profile is created. You can change or erase it at any time."))
        return redirect("me:profile")
    roles = OrganizationRole.objects.filter(user=user).select_related("organization")
    networks = NetworkCoordinator.objects.filter(user=user).select_related("network")
    consents = []
    if person is not None:
        active = {c.purpose: c for c in person.consents.all() if c.withdrawn_at is None}
        consents = [
            {"purpose": purpose, "label": label, "consent": active.get(purpose)}
            for purpose, label in ConsentPurpose.choices
        ]
    name_form = NameForm(initial={"name": user.get_full_name(), "name_latin": user.name_latin})
    return render(
        request,
        "accounts/profile.html",
        {"person": person, "roles": roles, "networks": networks, "consents": consents, "name_form": name_form},
    )


@login_required
def my_name(request: HttpRequest) -> HttpResponse:
    """The person's name, as they write it and in Latin letters: the page an account without a name is sent to once
    after signing in (`AccountAdapter.post_login`), and where the profile's name card posts. Showing it marks the
    account as asked, so it never comes back on its own; it then goes on to the safe `next`."""
    user = signed_in_user(request)
    destination = next_of(request)
    if request.method == "POST":
        form = NameForm(request.POST)
        if form.is_valid():
            user_name_set(user=user, name=form.cleaned_data["name"], name_latin=form.cleaned_data["name_latin"])
            messages.success(request, _("Thank you, %(name)s. Your name is saved.") % {"name": user.get_full_name()})
            return redirect(destination or "me:profile")
    else:
        user_name_asked(user=user)
        form = NameForm(initial={"name": user.get_full_name(), "name_latin": user.name_latin})
    return render(request, "accounts/name.html", {"form": form, "next": destination})


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    person = selectors.person_of_user(user)
    if person is None:
        data: dict[str, object] = {
            "account": {"username": user.get_username(), "email": user.email},
            "person": None,
        }
    else:
        data = services.person_export_data(person=person, acting_user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-tamyr-data.json"'
    return response


@login_required
def my_erase(request: HttpRequest) -> HttpResponse:
    person = selectors.person_of_user(request.user)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm that you want your data erased."))
            return redirect("me:erase")
        if person is not None:
            services.person_erase(person=person, acting_user=request.user)
        else:
            account_close(user=signed_in_user(request), acting_user=signed_in_user(request))
        logout(request)
        messages.success(request, _("Your data has been erased. Thank you for having been with us."))
        return redirect("home")
    return render(request, "accounts/erase.html", {"person": person})


@login_required
@require_POST
def my_consents(request: HttpRequest) -> HttpResponse:
    """A compatriot gives or withdraws a consent for one purpose; withdrawing heritage consent deletes the heritage."""
    user = signed_in_user(request)
    person = selectors.person_of_user(user)
    if person is None:
        messages.error(request, _("Create your record first."))
        return redirect("me:profile")
    purpose = request.POST.get("purpose", "")
    if purpose not in ConsentPurpose.values:
        messages.error(request, _("Unknown purpose; nothing was changed."))
        return redirect("me:profile")
    active = Consent.objects.filter(person=person, purpose=purpose, withdrawn_at__isnull=True)
    if request.POST.get("action") == "withdraw":
        for consent in active:
            services.consent_withdraw(consent=consent, acting_user=user)
        messages.success(request, _("Consent withdrawn: %(purpose)s.") % {"purpose": ConsentPurpose(purpose).label})
    elif not active.exists():
        services.consent_give(person=person, purpose=purpose, method=ConsentMethod.WEB_FORM, acting_user=user)
        messages.success(request, _("Consent given: %(purpose)s.") % {"purpose": ConsentPurpose(purpose).label})
    return redirect("me:profile")
