"""The diaspora map: registry counts and estimates per country, drawn on the server as an inline SVG.

Why server-side SVG (docs/decisions/0034): no tile server, no script, nothing fetched at run time; the page works
on a phone, prints, and reads the same in every language because the names come from CLDR on the server. The
outlines are Natural Earth's, projected once (geodata/build_world.py) and shipped as geodata/world.json.

Every registry count goes through `tamyr.analytics.disclosure.protect_series` before it is drawn or listed: small
counts are hidden and the rest rounded for everyone but platform admins (and an organization's own staff).
A drawing is cached per language, parameters, disclosure and data version (`estimates.map_version`, moved on by
every write to estimates) for at most CACHE_SECONDS, so a request at a million people costs a cache read and the
registry's counts are at most ten minutes old (the page says so); registry writes pay nothing for the map.
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.core.cache import cache as django_cache
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tamyr.analytics.disclosure import ProtectedSeries, protect_series
from tamyr.analytics.estimates import estimates_for, map_version
from tamyr.analytics.models import DiasporaEstimate
from tamyr.core import cldr
from tamyr.core.collation import sort_key
from tamyr.registry.models import Network, Organization, Person

WORLD_FILE = Path(__file__).with_name("geodata") / "world.json"
CACHE_SECONDS = 600  # a drawing older than this is drawn afresh in a task, and served meanwhile
STALE_SECONDS = 86400  # a drawing nobody asked for in a day is dropped: the next reader waits for a fresh one
MODES = ("people", "estimates")
#: sequential palette (ColorBrewer Blues, colour-blind safe), lightest first
PALETTE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#dcdcdc"
HIDDEN = "#a6a6a6"


@cache
def world() -> dict[str, Any]:
    """The shipped outlines: `view_box`, `countries` {alpha-2: SVG path}, `unkeyed` paths."""
    return json.loads(WORLD_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@dataclass
class CountryFigures:
    """One country's line of the map and of the table below it."""

    code: str
    name: str
    people: int | None = 0
    reached: int | None = 0
    organizations: int | None = 0
    events: int | None = 0
    estimates: list[dict[str, Any]] = field(default_factory=list)
    low: int | None = None
    high: int | None = None
    shade: str = NO_DATA

    @property
    def has_estimates(self) -> bool:
        return bool(self.estimates)


@dataclass
class MapData:
    svg: str
    countries: list[CountryFigures]
    counted_at: Any
    legend: list[tuple[str, str]]
    raw: bool
    totals: dict[str, int | None]


# --- counting --------------------------------------------------------------------------------------------------------


def _people(organizations: list[int] | None) -> Any:
    from tamyr.registry.models import Affiliation

    people = Person.objects.filter(merged_into__isnull=True, erased_at__isnull=True, residence_country__isnull=False)
    if organizations is not None:
        # IN (subquery) rather than a join: no duplicate rows to make distinct, and PostgreSQL hashes the subquery
        affiliated = Affiliation.objects.filter(organization__in=organizations).values("person_id")
        people = people.filter(Q(registered_by__in=organizations) | Q(pk__in=affiliated))
    return people


def _grouped(queryset: Any, column: str) -> dict[str, int]:
    """One grouped query: {country code: count}. The querysets have no joins that repeat rows, so no DISTINCT."""
    rows = queryset.order_by().values(column).annotate(n=Count("pk")).values_list(column, "n")
    return {code: n for code, n in rows if code}


def registry_counts(organizations: list[int] | None) -> dict[str, dict[str, int]]:
    """People in the registry, people reached (registered and confirmed at an event, enrolled in a course or with
    a submitted application), organizations and events held, per country: four grouped queries, none per country."""
    from tamyr.calls.models import Application
    from tamyr.events.models import Event, Registration
    from tamyr.learning.models import Enrollment

    # one IN over the UNION of the three sources: PostgreSQL plans it as a hash semi-join. IN (subquery) under OR
    # is a subplan, hashed only while the ids fit in work_mem (4 MB by default): past that (~900,000 registrations)
    # it rescans the subquery per person and the first map request took minutes (bench/dashboard.py, scale 0.2);
    # OR'd EXISTS would probe an index per person (15 s at a million people, bench/diaspora_map.py)
    registrations = Registration.objects.filter(status="confirmed")
    enrollments = Enrollment.objects.exclude(status="withdrawn")
    applications = Application.objects.filter(status="submitted")
    events = Event.objects.filter(status="published", venue__isnull=False)
    orgs = Organization.objects.filter(is_active=True)
    if organizations is not None:
        registrations = registrations.filter(event__organizer__in=organizations)
        enrollments = enrollments.filter(group__course__provider__in=organizations)
        applications = applications.filter(call__organization__in=organizations)
        co_organized = Event.co_organizers.through.objects.filter(organization__in=organizations).values("event_id")
        events = events.filter(Q(organizer__in=organizations) | Q(pk__in=co_organized))
        orgs = orgs.filter(pk__in=organizations)
    base = Person.objects.filter(merged_into__isnull=True, erased_at__isnull=True, residence_country__isnull=False)
    reached = base.filter(
        pk__in=registrations.order_by()
        .values("person_id")
        .union(enrollments.order_by().values("person_id"), applications.order_by().values("person_id"))
    )
    return {
        "people": _grouped(_people(organizations), "residence_country"),
        "reached": _grouped(reached, "residence_country"),
        "organizations": _grouped(orgs, "country"),
        "events": _grouped(events, "venue__country"),
    }


def _bins(values: list[int]) -> list[int]:
    """Class limits on a log scale, so one big country does not leave all the others in the lightest class."""
    top = max(values, default=0)
    if top <= 0:
        return []
    exponent = max(1, math.ceil(math.log10(top + 1)))
    start = max(1, exponent - len(PALETTE) + 1)
    return [10**k for k in range(start, start + len(PALETTE) - 1)]


def _shade(value: int | None, limits: list[int]) -> str:
    if value is None:
        return HIDDEN
    if value <= 0 or not limits:
        return NO_DATA
    return PALETTE[sum(1 for limit in limits if value >= limit)]


def _legend(limits: list[int], language: str) -> list[tuple[str, str]]:
    if not limits:
        return [(NO_DATA, _("no data"))]
    items = [(PALETTE[0], _("fewer than %(n)s") % {"n": cldr.number(limits[0], language=language)})]
    for index in range(1, len(limits)):
        items.append((PALETTE[index], f"{cldr.number(limits[index - 1], language=language)}–"
                                      f"{cldr.number(limits[index] - 1, language=language)}"))  # fmt: skip
    items.append((PALETTE[-1], _("%(n)s or more") % {"n": cldr.number(limits[-1], language=language)}))
    return [(NO_DATA, _("no data")), *items]


def _estimate_dict(estimate: DiasporaEstimate) -> dict[str, Any]:
    return {"year": estimate.year, "point": estimate.point, "low": estimate.low, "high": estimate.high,
            "publisher": estimate.publisher, "title": estimate.title, "url": estimate.url, "table": estimate.table,
            "measure": estimate.get_measure_display(), "note": estimate.method_note}  # fmt: skip


def _key(*, origin: str, network_id: int | None, mode: str, raw: bool, language: str) -> str:
    return f"analytics:map:{language}:{origin}:{network_id or '-'}:{mode}:{int(raw)}"


def build_map(*, origin: str, network: Network | None, mode: str, raw: bool, language: str | None = None) -> MapData:
    """Everything the map page shows, cached per (language, origin, network, mode, raw) with its data version.

    A drawing of the current version is served from the cache; once it is older than CACHE_SECONDS it is still
    served (its time is shown) while a task draws it afresh, so no reader waits for the counting queries but the
    first one after an estimate changed or after the drawing fell out of the cache (STALE_SECONDS)."""
    language = cldr.language_code(language or get_language())
    network_id = network.pk if network else None
    key = _key(origin=origin, network_id=network_id, mode=mode, raw=raw, language=language)
    found = django_cache.get(key)
    if found is not None and found[0] == map_version():
        _version, built, data = found
        if time.time() - built > CACHE_SECONDS and django_cache.add(key + ":refreshing", 1, 300):
            from tamyr.analytics.map_tasks import refresh_map  # lazily: the task module imports this one

            refresh_map(origin=origin, network_id=network_id, mode=mode, raw=raw, language=language)
        return data  # type: ignore[no-any-return]
    return store_map(origin=origin, network=network, mode=mode, raw=raw, language=language)


def store_map(*, origin: str, network: Network | None, mode: str, raw: bool, language: str) -> MapData:
    """Draw afresh and keep the drawing with the data version it was drawn from."""
    version = map_version()
    key = _key(origin=origin, network_id=network.pk if network else None, mode=mode, raw=raw, language=language)
    with translation.override(language):
        data = _build(origin=origin, network=network, mode=mode, raw=raw, language=language)
    django_cache.set(key, (version, time.time(), data), STALE_SECONDS)
    django_cache.delete(key + ":refreshing")
    return data


def _build(*, origin: str, network: Network | None, mode: str, raw: bool, language: str) -> MapData:
    organizations = list(network.organizations.values_list("pk", flat=True)) if network else None
    counts = registry_counts(organizations)
    protected: dict[str, ProtectedSeries[str]] = {name: protect_series(series, raw=raw)
                                                  for name, series in counts.items()}  # fmt: skip
    by_country: dict[str, list[DiasporaEstimate]] = defaultdict(list)
    for estimate in estimates_for(origin=origin):
        by_country[estimate.residence_id].append(estimate)
    codes = set(world()["countries"]) | set(by_country) | {c for series in counts.values() for c in series}
    codes.discard(origin)
    countries: dict[str, CountryFigures] = {}
    for code in codes:
        estimates = by_country.get(code, [])
        figures = [value for e in estimates for value in (e.point, e.low, e.high) if value is not None]
        countries[code] = CountryFigures(
            code=code,
            name=cldr.country_name(code, language),
            people=protected["people"].cells.get(code, 0),
            reached=protected["reached"].cells.get(code, 0),
            organizations=protected["organizations"].cells.get(code, 0),
            events=protected["events"].cells.get(code, 0),
            estimates=[_estimate_dict(e) for e in estimates],
            low=min(figures) if figures else None,
            high=max(figures) if figures else None,
        )
    if mode == "estimates":
        value_of = {c.code: ((c.low or 0) + (c.high or 0)) // 2 for c in countries.values()}
    else:
        value_of = {c.code: c.people for c in countries.values()}  # type: ignore[misc]
    limits = _bins([v for v in value_of.values() if v])
    for country in countries.values():
        country.shade = _shade(value_of[country.code], limits)
    listed = sorted(
        (c for c in countries.values() if c.has_estimates or any((c.people, c.reached, c.organizations, c.events))
         or None in (c.people, c.reached, c.organizations, c.events)),
        key=lambda c: sort_key(c.name, language),
    )  # fmt: skip
    return MapData(
        counted_at=timezone.now(),
        svg=render_svg(countries, language=language, mode=mode, origin=origin),
        countries=listed,
        legend=_legend(limits, language) + ([(HIDDEN, _("fewer than 10: hidden"))] if not raw else []),
        raw=raw,
        # nothing at all is no one to protect: 0, not "fewer than 10"
        totals={name: (series.total if sum(counts[name].values()) else 0) for name, series in protected.items()},
    )


def _count_text(value: int | None, language: str) -> str:
    return _("fewer than 10") if value is None else cldr.number(value, language=language)


def _range_text(country: CountryFigures, language: str) -> str:
    if country.low is None:
        return _("no estimate")
    if country.low == country.high:
        return cldr.number(country.low, language=language)
    return f"{cldr.number(country.low, language=language)}–{cldr.number(country.high, language=language)}"


def render_svg(countries: dict[str, CountryFigures], *, language: str, mode: str, origin: str) -> str:
    """The world as one inline SVG: a path per country, each a link to its line in the table below (tap on a
    phone) with a <title> (hover) naming the country and its figures."""
    shapes = world()
    x, y, width, height = shapes["view_box"]
    parts = [
        f'<svg class="diaspora-map" viewBox="{x} {y} {width} {height}" width="100%" role="img" '
        f'aria-labelledby="map-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="map-title">{escape(_("Map of the diaspora by country of residence"))}</title>',
    ]
    parts.extend(f'<path d="{path}" fill="{NO_DATA}" class="unkeyed"/>' for path in shapes["unkeyed"])
    origin_path = shapes["countries"].get(origin)
    if origin_path:
        parts.append(f'<path d="{origin_path}" class="origin" fill="#fdd49e"><title>'
                     f'{escape(cldr.country_name(origin, language))}</title></path>')  # fmt: skip
    for code, path in shapes["countries"].items():
        country = countries.get(code)
        if country is None:
            continue
        label = "\n".join([
            country.name,
            f"{_('Estimate')}: {_range_text(country, language)}",
            f"{_('People in the registry')}: {_count_text(country.people, language)}",
            f"{_('People reached')}: {_count_text(country.reached, language)}",
        ])  # fmt: skip
        parts.append(
            f'<a href="#c-{code}" aria-label="{escape(country.name)}"><path d="{path}" fill="{country.shade}">'
            f"<title>{escape(label)}</title></path></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def default_origin(user: Any) -> str:
    """The viewer's own country of origin as their organizations' country (a diaspora institution works for its
    country's diaspora). A coordinator's organizations span several countries: the first is the one whose
    diaspora has official estimates (a map of registry counts alone answers half the question), then the most
    frequent; Kazakhstan where that says nothing."""
    from tamyr.accounts.permissions import roles_of

    roles = roles_of(user)
    organizations = set(roles.by_organization) | set(roles.coordinated_organizations)
    if not organizations:
        return "KZ"
    frequency = dict(
        Organization.objects.filter(pk__in=organizations, country__isnull=False)
        .values("country")
        .annotate(n=Count("pk"))
        .values_list("country", "n")
    )
    if not frequency:
        return "KZ"
    with_estimates = dict(
        DiasporaEstimate.objects.filter(origin__in=frequency)
        .values("origin")
        .annotate(n=Count("pk"))
        .values_list("origin", "n")
    )
    return str(min(frequency, key=lambda code: (-with_estimates.get(code, 0), -frequency[code], code)))
