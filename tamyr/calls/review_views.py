"""The committee's pages: a reviewer's applications and score form, the managers' committee page, an applicant's
offer. Thin: every decision is `permissions.can()`, every write a service of review.py or selection.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tamyr.accounts.permissions import can
from tamyr.calls import hosting, review, selection
from tamyr.calls.models import (
    Application,
    ApplicationStatus,
    Call,
    CallReviewer,
    Conflict,
    Outcome,
    Review,
    ReviewAssignment,
    ScoreCategory,
)
from tamyr.core.errors import DomainError

RANKING_SHOWN = 200


def _call_or_404(slug: str) -> Call:
    return get_object_or_404(Call.objects.select_related("organization"), slug=slug)


@login_required
def reviewer_home(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(slug)
    if not (can(request.user, "calls.review", call) or can(request.user, "calls.manage_review", call)):
        raise PermissionDenied
    person = review.reviewer_of(request.user)
    phase = review.current_phase(call)
    applications = list(review.applications_for_reviewer(call, person, phase)) if person else []
    done = (
        set(
            Review.objects.filter(reviewer=person, application__call=call, submitted_at__isnull=False).values_list(
                "application_id", flat=True
            )
        )
        if person
        else set()
    )
    return render(
        request,
        "calls/review/reviewer_home.html",
        {"call": call, "phase": phase, "applications": applications, "done": done},
    )


def _scores_from(request: HttpRequest, categories: list[ScoreCategory]) -> dict[int, int | None]:
    scores: dict[int, int | None] = {}
    for category in categories:
        raw = request.POST.get(f"score_{category.pk}", "").strip()
        if not raw:
            scores[category.pk] = None
            continue
        try:
            scores[category.pk] = int(raw)
        except ValueError:
            raise DomainError(
                _("A score for “%(category)s” is a whole number.") % {"category": category},
                code="score_not_a_number",
                field=f"score_{category.pk}",
            ) from None
    return scores


@login_required
def review_application(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """One application and the reviewer's form. Whoever may not review it — a conflicted reviewer above all — gets
    the 404 of an application that does not exist."""
    call = _call_or_404(slug)
    application = get_object_or_404(Application.objects.select_related("person", "call"), call=call, code=code)
    if not can(request.user, "calls.review_application", application):
        raise Http404
    person = review.reviewer_of(request.user)
    assert person is not None  # can() asked for the reviewer's record
    phase = review.current_phase(call)
    categories = list(ScoreCategory.objects.filter(call=call))
    own = Review.objects.filter(application=application, reviewer=person).prefetch_related("scores").first()
    error = ""
    values: dict[int, Any] = {score.category_id: score.value for score in own.scores.all()} if own else {}
    if request.method == "POST":
        if request.POST.get("action") == "conflict":
            review.conflict_declare(
                application=application, reviewer=person, note=request.POST.get("note", ""), acting_user=request.user
            )
            messages.success(request, _("Noted: you will not see this application again."))
            return redirect("calls:reviewer_home", slug=call.slug)
        try:
            scores = _scores_from(request, categories)
            values = {pk: value for pk, value in scores.items() if value is not None}
            review.review_submit(
                application=application,
                reviewer=person,
                scores=scores,
                committee_comment=request.POST.get("committee_comment", ""),
                applicant_comment=request.POST.get("applicant_comment", ""),
                acting_user=request.user,
            )
        except DomainError as refused:
            error = str(refused.message)
        else:
            messages.success(request, _("Your review is saved."))
            return redirect("calls:reviewer_home", slug=call.slug)
    fields = [(category, values.get(category.pk, "")) for category in categories]
    return render(
        request,
        "calls/review/review_application.html",
        {
            "call": call,
            "application": application,
            "phase": phase,
            "blind": phase is None or phase.blind,
            "fields": fields,
            "own": own,
            "others": review.others_reviews(application, person, phase),
            "error": error,
            "posted": request.POST if request.method == "POST" else {},
        },
    )


def _committee_action(request: HttpRequest, call: Call) -> str:
    action = request.POST.get("action", "")
    if action == "detect":
        added = review.conflicts_detect(call=call, acting_user=request.user)
        return _("%(count)s new conflicts of interest found.") % {"count": added}
    if action == "assign":
        try:
            k = int(request.POST.get("k", "3"))
        except ValueError:
            k = 0
        report = review.assignments_make(call=call, k=k, acting_user=request.user)
        return _("%(count)s assignments made; loads differ by at most %(spread)s.") % {
            "count": report.assigned,
            "spread": report.load_spread,
        }
    if action in ("assign_one", "unassign"):
        application = get_object_or_404(Application, call=call, code=request.POST.get("application", ""))
        reviewer = get_object_or_404(CallReviewer, call=call, person_id=request.POST.get("reviewer") or 0).person
        if action == "assign_one":
            review.assignment_set(application=application, reviewer=reviewer, acting_user=request.user)
            return _("Reviewer assigned.")
        review.assignment_remove(application=application, reviewer=reviewer, acting_user=request.user)
        return _("Assignment removed.")
    if action == "rank":
        method = request.POST.get("method") or None
        ranked = selection.selection_rank(call=call, method=method, acting_user=request.user)
        return _("%(ranked)s applications ranked: %(selected)s selected, %(reserve)s on reserve lists.") % {
            "ranked": ranked.ranked,
            "selected": ranked.selected,
            "reserve": ranked.reserve,
        }
    if action == "offers":
        sent = selection.offers_send(call=call, acting_user=request.user)
        return _("%(count)s offers sent.") % {"count": sent}
    if action == "refill":
        promoted = selection.places_refill(call=call, acting_user=request.user)
        return _("%(count)s places offered from the reserve lists.") % {"count": len(promoted)}
    raise DomainError(_("Choose what to do."), code="no_action")


@login_required
def committee(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(slug)
    if not can(request.user, "calls.manage_review", call):
        raise PermissionDenied
    if request.method == "POST":
        if not can(request.user, "calls.manage_selection", call):
            raise PermissionDenied
        try:
            messages.success(request, _committee_action(request, call))
        except DomainError as refused:
            messages.error(request, str(refused.message))
        return redirect("calls:committee", slug=call.slug)
    submitted = Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED)
    held = selection.places_held(call)
    context = {
        "call": call,
        "phase": review.current_phase(call),
        "submitted": submitted.count(),
        "reviewers": CallReviewer.objects.filter(call=call).select_related("person").order_by("person__display_name"),
        "assignments": ReviewAssignment.objects.filter(application__call=call).count(),
        "conflicts": Conflict.objects.filter(application__call=call).count(),
        "reviews": Review.objects.filter(application__call=call, submitted_at__isnull=False).count(),
        "selection": getattr(call, "selection", None),
        "ranking": list(selection.ranking(call)[:RANKING_SHOWN]),
        "ranking_shown": RANKING_SHOWN,
        "groups": [(group, held.get(group.pk, 0)) for group in call.quota_groups.all()],
    }
    return render(request, "calls/review/committee.html", context)


@login_required
def offer(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's answer to an offer (or their place on a reserve list)."""
    outcome = get_object_or_404(Outcome.objects.select_related("application__person", "call", "quota_group"), pk=pk)
    if not can(request.user, "calls.respond_offer", outcome):
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                selection.offer_accept(outcome=outcome, acting_user=request.user)
                messages.success(request, _("You accepted the place. Congratulations!"))
            elif action == "decline":
                selection.offer_decline(outcome=outcome, acting_user=request.user)
                messages.success(request, _("You declined the offer; the place goes to the next person."))
            elif action == "withdraw":
                selection.outcome_withdraw(outcome=outcome, acting_user=request.user)
                messages.success(request, _("You withdrew from the selection."))
            else:
                raise DomainError(_("Choose what to do."), code="no_action")
        except DomainError as refused:
            messages.error(request, str(refused.message))
        return redirect("calls:offer", pk=outcome.pk)
    host = hosting.host_of(outcome.call, outcome.application.person)
    return render(request, "calls/review/offer.html", {"outcome": outcome, "call": outcome.call, "host": host})


@login_required
def offer_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision letter as a PDF, in the language the applicant applied in."""
    outcome = get_object_or_404(Outcome.objects.select_related("application__person", "call__organization"), pk=pk)
    if not can(request.user, "calls.respond_offer", outcome):
        raise Http404
    from tamyr.calls.letters import decision_letter_pdf

    response = HttpResponse(decision_letter_pdf(outcome), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{outcome.application.code}.pdf"'
    return response
