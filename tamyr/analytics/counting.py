"""The distinct counting of a full summary rebuild on PostgreSQL, done by sorting integer arrays (numpy) instead of
hashing a row per person × scope × period × domain in SQL (docs/decisions/0033, second amendment).

The facts are read once (three big-endian integers a fact — person, organization, and month, domain, country, gender
and age band packed in one bigint — sent as a few hundred bytea values), repeated once per scope their organization
counts in, and sorted once by (scope, person, domain, month). Every coarser grouping is then a run of equal keys in
that order — quarter, year and all time are monotone in the month — so each level is found by comparing
neighbours, and only the domain `all` needs a second sort (by scope, person, month). A person's country, gender and
age band in a group are the MAX of the group's, as the portable SQL takes them. The tallies by (scope, period,
domain, country, gender, age band) count into arrays (`np.bincount`: every part is a small number). The counts go
back through `COPY … FROM STDIN (FORMAT BINARY)` into the partial tables that `_rebuild_summaries_postgres` turns
into the summaries, with the same integer codes as its SQL path, so both give the same rows
(tests/analytics/test_refresh_postgres.py compares them with the portable SQL).

Memory: about 40 bytes per fact and scope it counts in (a million people with ten facts each in ~3 scopes: ~1.2
GB at the peak); `fits()` says when the packed keys would overflow and the SQL path is used instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

MONTH_BITS = 14  # months since the first fact's: 1,365 years
DOMAIN_BITS = 2
PERSON_BITS = 26  # person ids above the smallest: 67 million
SCOPE_SHIFT = MONTH_BITS + DOMAIN_BITS + PERSON_BITS  # scopes in the remaining 21 bits
CODE_LIMIT = 1024  # countries and genders numbered below this (10 bits each in the packed column)
BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
BINARY_TRAILER = b"\xff\xff"


@dataclass(frozen=True)
class Level:
    """Rows of one person in one group, sorted by `keys`: (scope, person, domain or 0, period) packed."""

    keys: np.ndarray
    c: np.ndarray
    g: np.ndarray
    a: np.ndarray


def fits(*, countries: int, genders: int, scopes: int) -> bool:
    return countries < CODE_LIMIT and genders < CODE_LIMIT and scopes < 2 ** (63 - SCOPE_SHIFT)


def _read_facts(cursor: Any, query: str) -> np.ndarray:
    """The facts (person, organization, packed) as a structured array: sent as a few hundred bytea values of
    packed big-endian integers (one per 4,096 person ids), since a COPY sends a message per row and reading
    millions of them one by one cost more than all the counting."""
    cursor.execute(
        "SELECT string_agg(int4send(person_id) || int4send(organization_id) || int8send(packed), ''::bytea) "
        f"FROM ({query}) f (person_id, organization_id, packed) GROUP BY person_id >> 12",
        binary=True,
    )
    data = b"".join(bytes(row[0]) for row in cursor.fetchall())
    return np.frombuffer(data, dtype=np.dtype([("person", ">i4"), ("organization", ">i4"), ("packed", ">i8")]))


BINCOUNT_LIMIT = 50_000_000  # tallies over fewer possible keys than this count into an array, not by sorting


def _tally(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys (ascending) and how often each occurs."""
    if size <= BINCOUNT_LIMIT:
        counts = np.bincount(key, minlength=size)
        present = np.flatnonzero(counts)
        return present, counts[present]
    unique, counts = np.unique(key, return_counts=True)
    return unique, counts


def _write_binary(cursor: Any, table: str, columns: list[tuple[str, str, np.ndarray]]) -> None:
    """Integer arrays into `table` with COPY … FROM STDIN (FORMAT BINARY): (column, big-endian type, values)."""
    count = len(columns[0][2])
    layout: list[tuple[str, str]] = [("field_count", ">i2")]
    for name, kind, _values in columns:
        layout += [(f"{name}_length", ">i4"), (name, kind)]
    rows = np.empty(count, dtype=np.dtype(layout))
    rows["field_count"] = len(columns)
    for name, kind, values in columns:
        rows[f"{name}_length"] = np.dtype(kind).itemsize
        rows[name] = values
    names = ", ".join(name for name, _kind, _values in columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(BINARY_HEADER + rows.tobytes() + BINARY_TRAILER)


def _reduce(keys: np.ndarray, c: np.ndarray, g: np.ndarray, a: np.ndarray) -> Level:
    """One row per run of equal (sorted) keys, with the largest country, gender and age band codes of the run."""
    if not len(keys):
        return Level(keys, c, g, a)
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return Level(
        keys[starts],
        np.maximum.reduceat(c, starts),
        np.maximum.reduceat(g, starts),
        np.maximum.reduceat(a, starts),
    )


def _regroup(level: Level, period: np.ndarray) -> Level:
    """The level's rows regrouped on a coarser period (a monotone function of the month bits): still sorted."""
    high = (level.keys >> MONTH_BITS) << MONTH_BITS
    return _reduce(high | period, level.c, level.g, level.a)


def count(
    cursor: Any,
    *,
    facts_sql: str,
    scopes: list[tuple[int, int, int]],
    first_month: int,
    countries: int | None = None,
    genders: int | None = None,
) -> None:
    """Count people into the temporary tables analytics_pcount (s, sid, per, d, c, g, a, n), analytics_plang
    (s, sid, per, language code, n) and analytics_pmonth (s, sid, month number, n); `facts_sql` gives (person,
    organization, packed) and `scopes` the (scope code, scope id, organization) rows; country and gender codes
    run from 1 to `countries` and `genders`."""
    facts = _read_facts(cursor, facts_sql)
    if not len(facts) or not scopes:
        return
    person = facts["person"].astype(np.int64)
    organization = facts["organization"].astype(np.int64)
    packed = facts["packed"].astype(np.int64)
    del facts
    first_person = int(person.min())
    person -= first_person
    age = (packed & 15).astype(np.int16)
    gender = ((packed >> 4) & (CODE_LIMIT - 1)).astype(np.int16)
    country = ((packed >> 14) & (CODE_LIMIT - 1)).astype(np.int16)
    domain = (packed >> 24) & 3
    month = (packed >> 26) - first_month
    del packed
    if int(person.max()) >= 2**PERSON_BITS or int(month.max()) >= 2**MONTH_BITS:
        raise OverflowError("facts outside the packed keys' range")

    # each fact once per scope its organization counts in (scope number = index in `scope_rows`)
    scope_rows = sorted({(s, sid) for s, sid, _org in scopes})
    scope_number = {row: n for n, row in enumerate(scope_rows)}
    organizations = np.array(sorted({org for _s, _sid, org in scopes}), dtype=np.int64)
    by_org: dict[int, list[int]] = {}
    for s, sid, org in scopes:
        by_org.setdefault(org, []).append(scope_number[(s, sid)])
    org_count = np.array([len(by_org[int(org)]) for org in organizations], dtype=np.int64)
    org_start = np.concatenate(([0], np.cumsum(org_count)[:-1]))
    org_scopes = np.array([n for org in organizations for n in by_org[int(org)]], dtype=np.int64)
    position = np.searchsorted(organizations, organization)
    known = (position < len(organizations)) & (organizations[np.minimum(position, len(organizations) - 1)] ==
                                               organization)  # fmt: skip
    fact_rows = np.flatnonzero(known)
    position = position[fact_rows]
    repeats = org_count[position]
    source = np.repeat(fact_rows, repeats)
    offsets = np.arange(len(source)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    scope = org_scopes[np.repeat(org_start[position], repeats) + offsets]
    del position, repeats, offsets, fact_rows, organization

    keys = (
        (scope << SCOPE_SHIFT)
        | (person[source] << (MONTH_BITS + DOMAIN_BITS))
        | (domain[source] << MONTH_BITS)
        | month[source]
    )
    del scope
    order = np.argsort(keys)
    keys = keys[order]
    source = source[order]
    del order
    months = _reduce(keys, country[source], gender[source], age[source])  # (scope, person, domain, month)
    del keys, source

    absolute = first_month  # month bits + this = year * 12 + month - 1

    def quarter(level: Level) -> np.ndarray:
        return ((level.keys & (2**MONTH_BITS - 1)) + absolute) // 3

    first_quarter = absolute // 3
    first_year = absolute // 12

    def by_quarter(level: Level) -> Level:
        return _regroup(level, quarter(level) - first_quarter)

    def by_year_from_quarter(level: Level) -> Level:
        quarters = (level.keys & (2**MONTH_BITS - 1)) + first_quarter
        return _regroup(level, quarters // 4 - first_year)

    def all_time(level: Level) -> Level:
        return _regroup(level, np.zeros(len(level.keys), dtype=np.int64))

    counts: list[tuple[Level, str, bool]] = []  # (level, period kind, domain kept)
    quarters_d = by_quarter(months)
    years_d = by_year_from_quarter(quarters_d)
    all_d = all_time(years_d)
    counts += [(quarters_d, "quarter", True), (years_d, "year", True), (all_d, "all", True)]
    del years_d, all_d

    # the domain `all`: the month level without the domain bits, sorted again
    merged = months.keys & ~np.int64((2**DOMAIN_BITS - 1) << MONTH_BITS)
    order = np.argsort(merged)
    months_all = _reduce(merged[order], months.c[order], months.g[order], months.a[order])
    del merged, order, months, quarters_d
    quarters_all = by_quarter(months_all)
    years_all = by_year_from_quarter(quarters_all)
    all_all = all_time(years_all)
    counts += [(quarters_all, "quarter", False), (years_all, "year", False), (all_all, "all", False)]

    scope_codes = np.array([s for s, _sid in scope_rows], dtype=np.int64)
    scope_ids = np.array([sid for _s, sid in scope_rows], dtype=np.int64)

    def period_code(bits: np.ndarray, kind: str) -> np.ndarray:
        """The SQL path's period numbers (0 all time, 2026 a year, 20263 its third quarter) of a level's bits."""
        if kind == "quarter":
            quarters = bits + first_quarter
            return (quarters // 4) * 10 + quarters % 4 + 1
        if kind == "year":
            return bits + first_year
        return np.zeros(len(bits), dtype=np.int64)

    # people by (scope, period, domain, country, gender, age band): the period is the level's bits (quarters or
    # years since the first, 0 for all time), every part a small number, so the tally counts into an array
    scope_total = len(scope_rows)
    country_total = (countries if countries is not None else int(country.max())) + 1
    gender_total = (genders if genders is not None else int(gender.max())) + 1
    out: dict[str, list[np.ndarray]] = {name: [] for name in ("s", "sid", "per", "d", "c", "g", "a", "n")}
    for level, kind, with_domain in counts:
        if not len(level.keys):
            continue
        scope = level.keys >> SCOPE_SHIFT
        bits = level.keys & (2**MONTH_BITS - 1)
        period_total = int(bits.max()) + 1
        domain_of = (level.keys >> MONTH_BITS) & 3 if with_domain else np.zeros(len(scope), dtype=np.int64)
        key = ((((scope * period_total + bits) * 4 + domain_of) * country_total + level.c) * gender_total
               + level.g) * 16 + level.a  # fmt: skip
        unique, n = _tally(key, scope_total * period_total * 4 * country_total * gender_total * 16)
        out["a"].append(unique % 16)
        unique //= 16
        out["g"].append(unique % gender_total)
        unique //= gender_total
        out["c"].append(unique % country_total)
        unique //= country_total
        out["d"].append(unique % 4)
        unique //= 4
        out["per"].append(period_code(unique % period_total, kind))
        unique //= period_total
        out["s"].append(scope_codes[unique])
        out["sid"].append(scope_ids[unique])
        out["n"].append(n)
    merged_out = {name: np.concatenate(parts) for name, parts in out.items()}
    _write_binary(cursor, "analytics_pcount", [
        ("s", ">i2", merged_out["s"]), ("sid", ">i4", merged_out["sid"]), ("per", ">i4", merged_out["per"]),
        ("d", ">i4", merged_out["d"]), ("c", ">i4", merged_out["c"]), ("g", ">i4", merged_out["g"]),
        ("a", ">i4", merged_out["a"]), ("n", ">i8", merged_out["n"]),
    ])  # fmt: skip

    # people by (scope, month): the month level of the domain `all`
    scope = months_all.keys >> SCOPE_SHIFT
    bits = months_all.keys & (2**MONTH_BITS - 1)
    month_total = int(bits.max()) + 1
    unique, n = _tally(scope * month_total + bits, scope_total * month_total)
    _write_binary(cursor, "analytics_pmonth", [
        ("s", ">i2", scope_codes[unique // month_total]), ("sid", ">i4", scope_ids[unique // month_total]),
        ("month", ">i4", unique % month_total + first_month), ("n", ">i8", n),
    ])  # fmt: skip
    del months_all

    # people by (scope, period, language) in the domain `all`: each row once per language its person speaks
    cursor.execute(
        "SELECT sl.person_id, lc.code FROM registry_spokenlanguage sl JOIN analytics_lc lc ON lc.value = sl.language"
        " ORDER BY 1, 2"
    )
    spoken = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
    if not len(spoken):
        return
    speaker = spoken[:, 0] - first_person
    language = spoken[:, 1]
    parts: dict[str, list[np.ndarray]] = {name: [] for name in ("s", "sid", "per", "language", "n")}
    for level, kind, with_domain in counts:
        if with_domain or not len(level.keys):
            continue
        who = (level.keys >> (MONTH_BITS + DOMAIN_BITS)) & (2**PERSON_BITS - 1)
        low = np.searchsorted(speaker, who, side="left")
        high = np.searchsorted(speaker, who, side="right")
        repeats = high - low
        rows = np.repeat(np.arange(len(who)), repeats)
        offsets = np.arange(len(rows)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
        spoken_language = language[low[rows] + offsets]
        scope = level.keys[rows] >> SCOPE_SHIFT
        bits = level.keys[rows] & (2**MONTH_BITS - 1)
        period_total = int(bits.max()) + 1 if len(bits) else 1
        languages = int(language.max()) + 1
        key = (scope * period_total + bits) * languages + spoken_language
        unique, n = _tally(key, scope_total * period_total * languages)
        parts["language"].append(unique % languages)
        unique //= languages
        parts["per"].append(period_code(unique % period_total, kind))
        unique //= period_total
        parts["s"].append(scope_codes[unique])
        parts["sid"].append(scope_ids[unique])
        parts["n"].append(n)
    if parts["n"]:
        joined = {name: np.concatenate(values) for name, values in parts.items()}
        _write_binary(cursor, "analytics_plang", [
            ("s", ">i2", joined["s"]), ("sid", ">i4", joined["sid"]), ("per", ">i4", joined["per"]),
            ("language", ">i4", joined["language"]), ("n", ">i8", joined["n"]),
        ])  # fmt: skip
