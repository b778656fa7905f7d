"""The diaspora map and the estimates pages: thin views over `map` and `estimates` (rules and queries live there)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tamyr.accounts.permissions import can
from tamyr.analytics import estimates as services
from tamyr.analytics.map import MODES, build_map, default_origin
from tamyr.analytics.models import DiasporaEstimate
from tamyr.core import cldr, uploads
from tamyr.core.collation import sort_key
from tamyr.core.errors import DomainError
from tamyr.registry.models import Country, Network

SORTS = ("name", "people", "estimate")
SIGNING_SALT = "analytics.estimates-import"


def _country_code(value: str | None, default: str) -> str:
    code = (value or default).strip().upper()
    if not Country.objects.filter(code=code).exists():
        raise Http404(_("No such country."))
    return code


def map_page(request: HttpRequest) -> HttpResponse:
    """/analytics/map/?origin=KZ&network=slug&colour=people|estimates&sort=name|people|estimate"""
    network = None
    if request.GET.get("network"):
        network = Network.objects.filter(slug=request.GET["network"]).first()
        if network is None:
            raise Http404(_("No such network."))
    origin = _country_code(request.GET.get("origin"), default_origin(request.user))
    mode = str(request.GET.get("colour")) if request.GET.get("colour") in MODES else "people"
    sort = str(request.GET.get("sort")) if request.GET.get("sort") in SORTS else "name"
    data = build_map(origin=origin, network=network, mode=mode, raw=can(request.user, "analytics.view_raw_counts"))
    rows = list(data.countries)
    if sort == "people":
        rows.sort(key=lambda c: -(c.people or 0))
    elif sort == "estimate":
        rows.sort(key=lambda c: -(c.high or 0))
    return render(request, "analytics/map.html", {
        "data": data, "rows": rows, "origin": origin, "origin_name": cldr.country_name(origin), "network": network,
        "mode": mode, "sort": sort, "networks": Network.objects.order_by("slug"),
        "origins": sorted(((code, cldr.country_name(code)) for code in DiasporaEstimate.objects.values_list(
            "origin", flat=True).distinct().order_by()), key=lambda item: sort_key(item[1])),
        "may_manage": can(request.user, "analytics.manage_estimates"),
    })  # fmt: skip


class EstimateFilterForm(forms.Form):
    origin = forms.CharField(label=gettext_lazy("Origin country (ISO code)"), required=False, max_length=2)
    residence = forms.CharField(label=gettext_lazy("Country of residence (ISO code)"), required=False, max_length=2)
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=1800, max_value=2200)
    publisher = forms.CharField(label=gettext_lazy("Publisher"), required=False, max_length=200)


def estimates_list(request: HttpRequest) -> HttpResponse:
    """Every estimate, filtered by origin, residence, year and publisher; each source on its own line."""
    form = EstimateFilterForm(request.GET or None)
    estimates = DiasporaEstimate.objects.select_related("origin", "residence").order_by(
        "origin_id", "residence_id", "-year", "publisher", "title"
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["origin"]:
            estimates = estimates.filter(origin_id=data["origin"].upper())
        if data["residence"]:
            estimates = estimates.filter(residence_id=data["residence"].upper())
        if data["year"]:
            estimates = estimates.filter(year=data["year"])
        if data["publisher"]:
            estimates = estimates.filter(publisher__icontains=data["publisher"])
    page = Paginator(estimates, 100).get_page(request.GET.get("page"))
    return render(request, "analytics/estimates_list.html", {
        "form": form, "page": page, "may_manage": can(request.user, "analytics.manage_estimates")})  # fmt: skip


def estimates_country(request: HttpRequest, origin: str, residence: str) -> HttpResponse:
    """One country's estimates from every source, side by side, with the registry's figures beside them."""
    origin = _country_code(origin, "KZ")
    residence = _country_code(residence, "KZ")
    estimates = list(services.estimates_for(origin=origin, residence=residence))
    return render(request, "analytics/estimates_country.html", {
        "origin": origin, "residence": residence, "estimates": estimates,
        "origin_name": cldr.country_name(origin), "residence_name": cldr.country_name(residence)})  # fmt: skip


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("desa", gettext_lazy("UN DESA migrant stock (Table 1, .xlsx)")), ("csv", "CSV")],
    )
    origin = forms.CharField(label=gettext_lazy("Only this origin country (ISO code)"), required=False, max_length=2)
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=1800, max_value=2200)


def _read(form: ImportForm) -> tuple[list[services.EstimateRow], int]:
    data = form.cleaned_data
    checked = uploads.check(data["file"], uploads.ESTIMATE_IMPORT, field="file")  # kind by content, size capped
    checked.seek(0)
    content = checked.read()
    origin = data["origin"].upper() or None
    if data["format"] == "desa":
        return services.read_desa(content, origin=origin, year=data["year"])
    return services.read_csv(content, origin=origin), 0


@require_http_methods(["GET", "POST"])
def estimates_import(request: HttpRequest) -> HttpResponse:
    """Upload → a preview of what would change (a dry run) → confirm. The preview carries the rows it read,
    signed, so the confirmation writes exactly what was shown."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not can(request.user, "analytics.manage_estimates"):
        raise PermissionDenied(_("Only platform admins and network coordinators import estimates."))
    context: dict[str, Any] = {}
    if request.method == "POST" and request.POST.get("confirm"):
        try:
            payload = signing.loads(request.POST["confirm"], salt=SIGNING_SALT, max_age=3600)
            rows = [services.EstimateRow(**row) for row in payload["rows"]]
            result = services.estimates_import(rows=rows, acting_user=request.user)
        except signing.BadSignature:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("analytics:estimates_import")
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect("analytics:estimates_import")
        messages.success(request, _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.") % {
            "created": result.created, "updated": result.updated, "unchanged": result.unchanged})  # fmt: skip
        return redirect("analytics:estimates_list")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows, skipped = _read(form)
            result = services.estimates_import(rows=rows, acting_user=request.user, dry_run=True, skipped=skipped)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            context["result"] = result
            context["confirm"] = signing.dumps({"rows": [row.as_dict() for row in rows]}, salt=SIGNING_SALT,
                                               compress=True)  # fmt: skip
    context["form"] = form
    return render(request, "analytics/estimates_import.html", context)
