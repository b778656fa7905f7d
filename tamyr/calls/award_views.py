"""Award pages: the award holder sees their award, its tranches and the reports it owes and hands them in; the
call's managers see the reports handed in and accept or return them with a comment. Until these pages, reports
went only through the API. Every write is a service of financing.py; who may do what is `permissions.can()`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tamyr.accounts.permissions import can
from tamyr.calls import financing
from tamyr.calls.forms import ReportUploadForm
from tamyr.calls.models import Award, AwardReport, Call, ReportStatus
from tamyr.core.errors import DomainError

PAGE_SIZE = 25
#: what the holder may still hand in (a submitted one may be replaced until the managers answer)
OPEN_REPORTS = (ReportStatus.DUE, ReportStatus.RETURNED, ReportStatus.SUBMITTED)


@login_required
def award_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One award for its holder (and the call's managers): amount, status, tranches, reports and their files."""
    award = get_object_or_404(
        Award.objects.select_related(
            "outcome__call", "outcome__application__person", "outcome__application__organization"
        ).prefetch_related("tranches", "reports"),
        pk=pk,
    )
    if not can(request.user, "calls.view_award", award):
        raise Http404  # someone else's award: not even its existence
    may_report = can(request.user, "calls.report_award", award)
    if request.method == "POST":
        if not may_report:
            raise PermissionDenied
        report = get_object_or_404(AwardReport, award=award, pk=request.POST.get("report") or 0)
        form = ReportUploadForm(request.POST, request.FILES)
        try:
            if not form.is_valid():
                raise DomainError(" ".join(str(error) for error in form.errors.get("file", [])), field="file")
            financing.report_submit(report=report, upload=form.cleaned_data["file"], acting_user=request.user)
        except DomainError as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, _("The report is handed in; the call's managers will answer."))
        return redirect("calls:award_detail", pk=award.pk)
    context = {
        "award": award,
        "call": award.outcome.call,
        "may_report": may_report,
        "open_reports": OPEN_REPORTS,
        "form": ReportUploadForm(),
    }
    return render(request, "calls/awards/award_detail.html", context)


@login_required
def fund_reports(request: HttpRequest, slug: str) -> HttpResponse:
    """The reports handed in for a call's awards, oldest first, for its managers to accept or return."""
    call = get_object_or_404(Call.objects.select_related("organization"), slug=slug)
    if not can(request.user, "calls.manage_financing", call):
        raise PermissionDenied
    if request.method == "POST":
        report = get_object_or_404(AwardReport, pk=request.POST.get("report") or 0, award__outcome__call=call)
        comment = request.POST.get("comment", "")
        try:
            if request.POST.get("action") == "return":
                financing.report_return(report=report, comment=comment, acting_user=request.user)
                messages.success(request, _("The report is returned with your comment."))
            else:
                financing.report_accept(report=report, comment=comment, acting_user=request.user)
                messages.success(request, _("The report is accepted."))
        except DomainError as refused:
            messages.error(request, str(refused.message))
        return redirect("calls:fund_reports", slug=call.slug)
    handed_in = (
        AwardReport.objects.filter(award__outcome__call=call, status=ReportStatus.SUBMITTED)
        .select_related("award__outcome__application__organization", "award__outcome__application__person", "tranche")
        .order_by("submitted_at", "pk")
    )
    page = Paginator(handed_in, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "calls/awards/fund_reports.html", {"call": call, "page": page})
