"""Analytics' own tables: pre-aggregated figures the dashboards read, rebuilt from the other apps' rows by
`aggregates.refresh` (docs/decisions/0033-dashboard-aggregates.md).

Nothing here is a source of truth: every row can be thrown away and rebuilt with `tamyr refresh_analytics --full`.
People are referred to by id only (no foreign keys): the tables are written in bulk by set-based SQL, and a person
merged into another counts under the surviving record. Diaspora estimates (the map's sources) are the one table
here that is a source of truth: they are entered and imported (docs/decisions/0034).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tamyr.core.models import TimeStampedModel
from tamyr.registry.models import Country


class ActivityKind(models.TextChoices):
    """What a person did for an organization, one fact kind each; `DOMAIN` groups them."""

    REGISTERED = "registered", _("Registered for an event (confirmed)")
    ATTENDED = "attended", _("Attended an event")
    ENROLLED = "enrolled", _("Enrolled in a course")
    COMPLETED = "completed", _("Completed a course")
    CERTIFIED = "certified", _("Received a certificate")
    APPLIED = "applied", _("Applied to a call")
    AWARDED = "awarded", _("Received an award")


class Domain(models.TextChoices):
    ALL = "all", _("All activities")
    EVENTS = "events", _("Events")
    LEARNING = "learning", _("Courses")
    CALLS = "calls", _("Calls")


DOMAIN_OF_KIND: dict[str, str] = {
    ActivityKind.REGISTERED: Domain.EVENTS,
    ActivityKind.ATTENDED: Domain.EVENTS,
    ActivityKind.ENROLLED: Domain.LEARNING,
    ActivityKind.COMPLETED: Domain.LEARNING,
    ActivityKind.CERTIFIED: Domain.LEARNING,
    ActivityKind.APPLIED: Domain.CALLS,
    ActivityKind.AWARDED: Domain.CALLS,
}


class Scope(models.TextChoices):
    PLATFORM = "p", _("Platform")
    NETWORK = "n", _("Network")
    ORGANIZATION = "o", _("Organization")


class ReachFact(models.Model):
    """One person's activities of one kind for one organization in one month: the grain every figure is summed
    from. `country`, `age_band` and `gender` are the person's at the last refresh (age in the activity's year)."""

    person_id = models.IntegerField()
    organization_id = models.IntegerField()
    month = models.DateField()
    kind = models.CharField(max_length=12, choices=ActivityKind.choices)
    country = models.CharField(max_length=2, blank=True)
    age_band = models.CharField(max_length=8, blank=True)
    gender = models.CharField(max_length=16, blank=True)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("reach fact")
        verbose_name_plural = _("reach facts")
        constraints = [
            models.UniqueConstraint(
                fields=["person_id", "organization_id", "month", "kind"], name="analytics_reachfact_grain"
            )
        ]
        indexes = [models.Index(fields=["organization_id", "month"], name="analytics_fact_org_month")]


class ReachSummary(models.Model):
    """Distinct people reached in a scope (platform, network, organization), a period (`all`, `2026`, `2026-Q3`)
    and a domain, by country, age band and gender: a person counts once in each (scope, period, domain)."""

    scope = models.CharField(max_length=1, choices=Scope.choices)
    scope_id = models.IntegerField()
    period = models.CharField(max_length=7)
    domain = models.CharField(max_length=8, choices=Domain.choices)
    country = models.CharField(max_length=2, blank=True)
    age_band = models.CharField(max_length=8, blank=True)
    gender = models.CharField(max_length=16, blank=True)
    people = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("reach summary")
        verbose_name_plural = _("reach summaries")
        indexes = [models.Index(fields=["scope", "scope_id", "period", "domain"], name="analytics_summary_read")]


class ReachCountry(models.Model):
    """`ReachSummary` summed over age bands: people by country and gender in each (scope, period, domain), the
    rows of the large country export, read in index order without summing at request time."""

    scope = models.CharField(max_length=1, choices=Scope.choices)
    scope_id = models.IntegerField()
    period = models.CharField(max_length=7)
    domain = models.CharField(max_length=8, choices=Domain.choices)
    country = models.CharField(max_length=2, blank=True)
    gender = models.CharField(max_length=16, blank=True)
    people = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("reach by country")
        verbose_name_plural = _("reach by country")
        indexes = [models.Index(fields=["scope", "scope_id", "period", "domain"], name="analytics_country_read")]


class ReachLanguage(models.Model):
    """Distinct people reached in a scope and period by a language they speak (a person may count in several)."""

    scope = models.CharField(max_length=1, choices=Scope.choices)
    scope_id = models.IntegerField()
    period = models.CharField(max_length=7)
    language = models.CharField(max_length=8)
    people = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("reach by language")
        verbose_name_plural = _("reach by language")
        indexes = [models.Index(fields=["scope", "scope_id", "period"], name="analytics_language_read")]


class ReachMonthly(models.Model):
    """Distinct people reached in a scope in each month (the sparkline)."""

    scope = models.CharField(max_length=1, choices=Scope.choices)
    scope_id = models.IntegerField()
    month = models.DateField()
    people = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("reach per month")
        verbose_name_plural = _("reach per month")
        indexes = [models.Index(fields=["scope", "scope_id", "month"], name="analytics_monthly_read")]


class ActivityMonthly(models.Model):
    """Counts of things (events held, registrations, completions, applications ...) per organization and month:
    additive, so any period and any scope is a sum of a few hundred rows."""

    organization_id = models.IntegerField()
    month = models.DateField()
    measure = models.CharField(max_length=16)
    value = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("activity per month")
        verbose_name_plural = _("activity per month")
        constraints = [
            models.UniqueConstraint(fields=["organization_id", "month", "measure"], name="analytics_activity_grain")
        ]


class PeriodMonth(models.Model):
    """Which periods each month belongs to (`all`, its year, its quarter): a join table for the summary SQL."""

    month = models.DateField()
    period = models.CharField(max_length=7)

    class Meta:
        indexes = [models.Index(fields=["month"], name="analytics_periodmonth_month")]


class ScopeOrganization(models.Model):
    """Which scopes each organization's figures count in: itself, each network it is a member of, the platform."""

    scope = models.CharField(max_length=1, choices=Scope.choices)
    scope_id = models.IntegerField()
    organization_id = models.IntegerField()

    class Meta:
        # the dashboard's activity read (a scope's organizations) and the refresh's joins (an organization's scopes)
        indexes = [
            models.Index(fields=["scope", "scope_id"], name="analytics_scopeorg_scope"),
            models.Index(fields=["organization_id"], name="analytics_scopeorg_org"),
        ]


class KindDomain(models.Model):
    """Which domains each fact kind counts in: its own and `all`."""

    kind = models.CharField(max_length=12)
    domain = models.CharField(max_length=8)


class RefreshState(models.Model):
    """The one row saying how fresh the figures are: shown on the dashboard as "figures as of …"."""

    watermark = models.DateTimeField(
        null=True, blank=True, help_text=_("Source rows changed after this moment are read by the next refresh.")
    )
    refreshed_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    full = models.BooleanField(default=False)
    people_refreshed = models.PositiveIntegerField(default=0)
    facts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("analytics refresh")
        verbose_name_plural = _("analytics refreshes")


# =====================================================================================================================
# Diaspora estimates (issue 16 item 2; branch dmap) — services in estimates.py, the map in map.py
# =====================================================================================================================


class EstimateMeasure(models.TextChoices):
    """What a figure counts. A census counts people of an ethnicity; UN DESA's migrant stock counts people born
    abroad. They answer different questions, so the map shows them side by side and never adds or averages them."""

    ETHNIC = "ethnic", _("people of the ethnic group (census)")
    BORN = "born", _("people born in the origin country (migrant stock)")
    CITIZENS = "citizens", _("citizens of the origin country")
    OTHER = "other", _("other (see the method note)")


class DiasporaEstimate(TimeStampedModel):
    """One source's figure for the diaspora of `origin` living in `residence` in `year`: a point, or a range.

    Several sources for the same countries stay as separate rows; a row is matched (re-import updates it) by
    origin, residence, year, publisher and title.
    """

    origin = models.ForeignKey(Country, verbose_name=_("origin country"), on_delete=models.PROTECT, related_name="+")
    residence = models.ForeignKey(
        Country, verbose_name=_("country of residence"), on_delete=models.PROTECT, related_name="diaspora_estimates"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    point = models.PositiveBigIntegerField(_("figure"), null=True, blank=True)
    low = models.PositiveBigIntegerField(_("low"), null=True, blank=True)
    high = models.PositiveBigIntegerField(_("high"), null=True, blank=True)
    measure = models.CharField(
        _("what is counted"), max_length=16, choices=EstimateMeasure.choices, default=EstimateMeasure.OTHER
    )
    publisher = models.CharField(_("publisher"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), max_length=500, blank=True)
    table = models.CharField(_("table or sheet"), max_length=200, blank=True)
    method_note = models.TextField(_("method note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["origin", "residence", "-year", "publisher", "title"]
        verbose_name = _("diaspora estimate")
        verbose_name_plural = _("diaspora estimates")
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "residence", "year", "publisher", "title"], name="analytics_estimate_source"
            ),
            models.CheckConstraint(
                condition=models.Q(point__isnull=False)
                | models.Q(low__isnull=False, high__isnull=False, low__lte=models.F("high")),
                name="analytics_estimate_point_or_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.origin_id} → {self.residence_id} {self.year}: {self.publisher}"

    @property
    def midpoint(self) -> int:
        """The point, or the middle of the range: only for colouring the map, never shown as a figure."""
        if self.point is not None:
            return self.point
        return ((self.low or 0) + (self.high or 0)) // 2


# ====================================================================================================================
# end of diaspora estimates
# ====================================================================================================================
