"""Analytics models.

The lead merges the dashboard's models (branch `dashboard`) and the estimates' (branch `dmap`) into this module;
each keeps to its own clearly marked block.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tamyr.core.models import TimeStampedModel
from tamyr.registry.models import Country

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
