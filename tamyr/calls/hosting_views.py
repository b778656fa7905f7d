"""The host pairing page: a call's managers see the pairs the matcher proposed, compute them again, set a host by
hand and confirm; every write is a service of hosting.py, every decision `permissions.can()`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tamyr.accounts.permissions import can
from tamyr.calls import hosting
from tamyr.calls.models import Call
from tamyr.core.errors import DomainError
from tamyr.registry.models import Person

PAGE_SIZE = 50


def _action(request: HttpRequest, call: Call) -> str:
    action = request.POST.get("action", "")
    if action == "compute":
        proposed = hosting.host_pairs_compute(call=call, acting_user=request.user)
        return _("%(count)s pairs are proposed.") % {"count": proposed}
    if action == "confirm":
        confirmed = hosting.host_pairs_confirm(call=call, acting_user=request.user)
        return _("%(count)s pairs are confirmed; the scholars see their hosts.") % {"count": confirmed}
    if action == "set":
        visitor = Person.objects.filter(pk=request.POST.get("visitor") or 0).first()
        host = Person.objects.filter(pk=request.POST.get("host") or 0).first()
        if visitor is None or host is None:
            raise DomainError(_("Choose a scholar and a host."), code="missing")
        hosting.host_pair_set(call=call, visitor=visitor, host=host, acting_user=request.user)
        return _("The host is set; confirm the pair when it is final.")
    raise DomainError(_("Choose what to do."), code="no_action")


@login_required
def host_pairs(request: HttpRequest, slug: str) -> HttpResponse:
    call = get_object_or_404(Call.objects.select_related("organization"), slug=slug)
    if not can(request.user, "calls.manage_selection", call):
        raise PermissionDenied
    if request.method == "POST":
        try:
            messages.success(request, _action(request, call))
        except DomainError as refused:
            messages.error(request, str(refused.message))
        return redirect("calls:host_pairs", slug=call.slug)
    pairs = hosting.pairs_of(call)
    paired = set(pairs.values_list("visitor_id", flat=True))
    visitors = Person.objects.filter(pk__in=hosting.visitor_ids(call)).order_by("display_name", "pk")
    context = {
        "call": call,
        "page": Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page")),
        "visitors": visitors,
        "unpaired": [person for person in visitors if person.pk not in paired],
        "hosts": hosting.host_candidates(call).only("pk", "display_name"),
    }
    return render(request, "calls/review/host_pairs.html", context)
