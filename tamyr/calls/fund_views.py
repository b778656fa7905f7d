"""The fund's page: the call's managers see committed, disbursed and remaining money, schedule and pay tranches,
ask for and accept reports, and change an award's status. Every write is a service of financing.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tamyr.accounts.permissions import can
from tamyr.calls import financing
from tamyr.calls.models import Award, AwardReport, AwardStatus, Call, Tranche
from tamyr.core.errors import DomainError


def _date(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.POST.get("due_on", ""))
    except ValueError:
        raise DomainError(_("Enter a date as YYYY-MM-DD."), field="due_on")


def _action(request: HttpRequest, call: Call) -> str:
    action = request.POST.get("action", "")
    user = request.user
    if action in ("tranche", "report", "status"):
        award = get_object_or_404(Award, pk=request.POST.get("award") or 0, outcome__call=call)
        if action == "tranche":
            try:
                amount = Decimal(request.POST.get("amount", ""))
            except InvalidOperation:
                raise DomainError(_("Enter an amount."), field="amount")
            financing.tranche_add(award=award, amount=amount, due_on=_date(request), acting_user=user)
            return _("The tranche is scheduled.")
        if action == "report":
            financing.report_add(award=award, due_on=_date(request), acting_user=user)
            return _("The report is asked for.")
        financing.award_status_set(award=award, status=request.POST.get("status", ""), acting_user=user)
        return _("The award's status is changed.")
    if action == "disburse":
        tranche = get_object_or_404(Tranche, pk=request.POST.get("tranche") or 0, award__outcome__call=call)
        financing.tranche_disburse(tranche=tranche, acting_user=user)
        return _("The tranche is recorded as disbursed.")
    if action == "accept":
        report = get_object_or_404(AwardReport, pk=request.POST.get("report") or 0, award__outcome__call=call)
        financing.report_accept(report=report, acting_user=user)
        return _("The report is accepted.")
    raise DomainError(_("Choose what to do."), code="no_action")


@login_required
def fund(request: HttpRequest, slug: str) -> HttpResponse:
    call = get_object_or_404(Call.objects.select_related("organization"), slug=slug)
    if not can(request.user, "calls.manage_financing", call):
        raise PermissionDenied
    if request.method == "POST":
        try:
            messages.success(request, _action(request, call))
        except DomainError as refused:
            messages.error(request, str(refused.message))
        return redirect("calls:fund", slug=call.slug)
    context = {
        "call": call,
        "figures": financing.fund_figures(call),
        "awards": list(financing.awards_of_call(call)),
        "statuses": AwardStatus.choices,
    }
    return render(request, "calls/review/fund.html", context)
