"""Learning statistics: the staff page `/courses/statistics/` (with CSV/XLSX export of each table) and the JSON
endpoint `/api/v1/learning/statistics/`.

Both ask `can(user, "learning.view_statistics", provider)`: staff and admins of an organization see its courses'
figures, a network coordinator those of the network's organizations, a platform admin everyone's. Asking for a
provider one may not see is a 403, never a silently narrowed answer. The numbers come from
`tamyr.learning.statistics`; nothing here counts.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tamyr.accounts import permissions
from tamyr.core import audit
from tamyr.core.exports import EXPORT_FORMATS, export_response
from tamyr.learning import statistics
from tamyr.registry.models import Organization

ALL_TABLES = "all"


class StatisticsFilterForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=gettext_lazy("Provider"),
        queryset=Organization.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=gettext_lazy("All providers I may see"),
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year of enrollment"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, providers: QuerySet[Organization], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["year"].choices = [("", _("All years")), *[(year, str(year)) for year in years]]  # type: ignore[attr-defined]


def _provider_from(user: Any, slug: str | None) -> Organization | None:
    """The provider asked for, checked: None when none was asked for; raises Http404 / PermissionDenied."""
    if not slug:
        return None
    provider = get_object_or_404(Organization, slug=slug)
    if not permissions.can(user, "learning.view_statistics", provider):
        raise PermissionDenied(_("You may not see the statistics of this organization's courses."))
    return provider


def _scope_ids(user: Any, provider: Organization | None) -> list[int] | None:
    """Providers whose courses count: the one asked for, else every one the user may see (None: all)."""
    if provider is not None:
        return [provider.pk]
    if permissions.people_scope(user) is None:
        return None
    return list(statistics.providers_in_scope(user).values_list("pk", flat=True))


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def headline(stats: statistics.LearningStatistics) -> SafeString:
    """ "1,402 participants from 12 countries completed 781 courses; 337 received certificates." — with each
    number in bold. Every clause is its own plural form, and the sentence a template translators may reorder."""

    def strong(value: int) -> SafeString:
        return format_html("<strong>{}</strong>", _number(value))

    parts = {
        "participants": ngettext("%(n)s participant", "%(n)s participants", stats.participants),
        "countries": ngettext("from %(n)s country", "from %(n)s countries", stats.countries),
        "completions": ngettext("completed %(n)s course", "completed %(n)s courses", stats.completions),
        "certified": ngettext("%(n)s received a certificate", "%(n)s received certificates", stats.certified_people),
    }
    values = {
        "participants": stats.participants,
        "countries": stats.countries,
        "completions": stats.completions,
        "certified": stats.certified_people,
    }
    # the translated words are escaped, the numbers are our own markup
    clauses = {key: mark_safe(conditional_escape(text) % {"n": strong(values[key])}) for key, text in parts.items()}
    sentence = _("%(participants)s %(countries)s %(completions)s; %(certified)s.")
    return mark_safe(conditional_escape(sentence) % clauses)


def detail_sentence(stats: statistics.LearningStatistics) -> str:
    enrollments = ngettext("%(n)s enrollment", "%(n)s enrollments", stats.enrollments) % {
        "n": _number(stats.enrollments)
    }
    certificates = ngettext("%(n)s certificate", "%(n)s certificates", stats.certificates) % {
        "n": _number(stats.certificates)
    }
    return _("%(enrollments)s (withdrawn ones not counted); %(certificates)s issued and not revoked.") % {
        "enrollments": enrollments,
        "certificates": certificates,
    }


@login_required
def statistics_page(request: HttpRequest) -> HttpResponseBase:
    user = request.user
    if not permissions.can(user, "learning.view_statistics"):
        raise PermissionDenied(_("Learning statistics are open to the staff of the organizations that run courses."))
    provider = _provider_from(user, request.GET.get("provider"))
    providers = statistics.providers_in_scope(user)
    scope = _scope_ids(user, provider)
    form = StatisticsFilterForm(request.GET or None, providers=providers, years=statistics.years_in_scope(scope))
    year = form.cleaned_data.get("year") if form.is_valid() else None
    stats = statistics.learning_statistics(providers=scope, year=year)

    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        name = request.GET.get("table") or ALL_TABLES
        table = stats.table(name)
        if table is None and name != ALL_TABLES:
            name = ALL_TABLES
        audit.record(
            user,
            "learning.statistics_exported",
            provider,
            format=export,
            table=name,
            year=year,
            provider=provider.slug if provider else None,
        )
        filename = "-".join(
            ["learning-statistics", name, provider.slug if provider else "all", str(year) if year else "all-years"]
        )
        return export_response(export, filename, statistics.export_header(table), statistics.export_rows(stats, table))

    context = {
        "form": form,
        "stats": stats,
        "provider": provider,
        "year": year,
        "headline": headline(stats),
        "detail": detail_sentence(stats),
        "labels": statistics.figure_labels(),
    }
    return render(request, "learning/statistics/overview.html", context)


# --- the JSON endpoint -----------------------------------------------------------------------------------------


class LearningStatisticsRowSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="Organization id, format, course id or ISO 3166 country code.")
    # DRF takes declared fields off the class, so this "label" does not hide Field.label at run time
    label = serializers.CharField()  # type: ignore[assignment]
    participants = serializers.IntegerField()
    countries = serializers.IntegerField()
    enrollments = serializers.IntegerField()
    completions = serializers.IntegerField()
    certificates = serializers.IntegerField()
    certified_people = serializers.IntegerField(help_text="Distinct people holding a certificate not revoked.")


class LearningStatisticsSerializer(serializers.Serializer[Any]):
    provider = serializers.CharField(allow_null=True, help_text="Slug of the provider, null for all in scope.")
    year = serializers.IntegerField(allow_null=True)
    participants = serializers.IntegerField(help_text="Distinct people with an enrollment that was not withdrawn.")
    countries = serializers.IntegerField(help_text="Distinct countries of residence of the participants.")
    enrollments = serializers.IntegerField(help_text="Enrollments that were not withdrawn.")
    completions = serializers.IntegerField(help_text="Completed enrollments.")
    certificates = serializers.IntegerField(help_text="Certificates that were not revoked.")
    certified_people = serializers.IntegerField(help_text="Distinct people holding a certificate not revoked.")
    by_provider = LearningStatisticsRowSerializer(many=True)
    by_format = LearningStatisticsRowSerializer(many=True)
    by_course = LearningStatisticsRowSerializer(many=True)
    by_country = LearningStatisticsRowSerializer(many=True)


class LearningStatisticsView(APIView):
    """Participants, countries, enrollments, completions and certificates of the courses in scope."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="learning_statistics",
        tags=["learning"],
        parameters=[
            OpenApiParameter(
                "provider", str, description="Slug of the providing organization (default: all in scope)."
            ),
            OpenApiParameter("year", int, description="Only enrollments made in this year."),
        ],
        responses=LearningStatisticsSerializer,
    )
    def get(self, request: Request) -> Response:
        user = request.user
        if not permissions.can(user, "learning.view_statistics"):
            raise ApiPermissionDenied(_("Learning statistics are open to the staff of organizations that run courses."))
        slug = request.query_params.get("provider")
        provider = None
        if slug:
            provider = Organization.objects.filter(slug=slug).first()
            if provider is None:
                raise ValidationError({"provider": [_("There is no organization %(slug)s.") % {"slug": slug}]})
            if not permissions.can(user, "learning.view_statistics", provider):
                raise ApiPermissionDenied(_("You may not see the statistics of this organization's courses."))
        year_text = request.query_params.get("year") or ""
        if year_text and not (len(year_text) <= 4 and year_text.isascii() and year_text.isdigit() and int(year_text)):
            raise ValidationError({"year": [_("Give the year as a number, e.g. 2021.")]})
        year = int(year_text) if year_text else None
        stats = statistics.learning_statistics(providers=_scope_ids(user, provider), year=year)
        body: dict[str, Any] = {"provider": provider.slug if provider else None, "year": year, **stats.totals()}
        for table in stats.tables:
            body[f"by_{table.name}"] = [row.as_dict() for row in table.rows]
        return Response(LearningStatisticsSerializer(body).data)
