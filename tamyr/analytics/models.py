"""Analytics' own tables: pre-aggregated figures the dashboards read, rebuilt from the other apps' rows by
`aggregates.refresh` (docs/decisions/0033-dashboard-aggregates.md).

Nothing here is a source of truth: every row can be thrown away and rebuilt with `tamyr refresh_analytics --full`.
People are referred to by id only (no foreign keys): the tables are written in bulk by set-based SQL, and a person
merged into another counts under the surviving record.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
