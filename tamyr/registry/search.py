"""Find people by any written form of their name: candidates from an index, then ranked by `tamyr.names`.

Two steps, because neither alone does the job at a million people:

1. **Candidates** — an index narrows a million people to a few hundred name variants.
   - PostgreSQL: each word of the query's order-free key (`sorted_key`: the skeleton's words sorted, so "Токаев
     Касым" and "Kassym Tokayev" give the same words) is looked up in the vocabulary of all name words
     (`NameWord`, a few tens of thousands of words, pg_trgm GIN index), which finds the same word with one or two
     typing errors and words it begins; then a GIN index on the words of every variant finds the variants that
     carry a word like each of two query words. That reads short lists of exact words instead of the millions of
     index entries a trigram search of whole names reads for common trigrams ("ova", "  a"): about 5 ms instead of
     30 to 200 ms at a million people. When no candidate scores well (words run together or split apart, several
     errors in one word), a pg_trgm `%` search of the whole `sorted_key` adds its candidates.
   - SQLite (and any other database): `NameGram` rows, the first and last three letters of every word on the loose
     skeleton ("^tok", "aev$"). A typing error changes at most the grams of the end it falls in, so a person whose
     name shares most grams with the query is still a candidate.
2. **Ranking** — each candidate variant is scored with `tamyr.names` similarity (rapidfuzz on phonetic skeletons,
   word order free, male and female forms and patronymic gender kept apart) and a prefix rule for names typed
   halfway ("Tok" finds Tokayev); each person takes their best variant, and people far below the best are left out.

Only the people the caller may see are returned: on PostgreSQL candidates are first looked for among everyone (the
fast path for staff who see everyone) and, if some of the best may not be shown, again within what the caller sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from django.db import connections
from django.db.models import Count, Q, QuerySet
from rapidfuzz.fuzz import ratio

from tamyr.names import NameKeys, keys_similarity, name_keys
from tamyr.names.transliterate import loose
from tamyr.registry.dedupe import lookup_key
from tamyr.registry.models import NameGram, NameVariant, Person

__all__ = [
    "CANDIDATES",
    "MIN_SCORE",
    "VariantKeys",
    "gram_rows",
    "new_variant",
    "query_grams",
    "candidate_rows",
    "rank_rows",
    "search_people",
    "uses_trigrams",
    "variant_keys",
    "write_grams",
]

CANDIDATES = 150
"""People (SQLite) or variants (PostgreSQL, whole-key trigram pass) taken from an index for ranking."""
ROWS = 300
"""Variants taken from the PostgreSQL word index for ranking."""
SIMILAR_WORDS = 20
"""Vocabulary words taken per query word (PostgreSQL)."""
MAX_QUERY_WORDS = 5
STRONG = 0.9
"""When no candidate of the word lookup scores this much, the whole-key trigram pass runs too."""
MIN_SCORE = 0.7
"""Below this a person is never shown; one typing error in each word of a two-word name scores about 0.85."""
RELATIVE_SCORE = 0.8
"""People scoring under this share of the best match's score are left out too: they are other names that look a
little alike (Marat Tokenov, 0.73, when "Тоқаев" finds Tokayev at 0.95), not other spellings of the one sought."""
WORD_THRESHOLD = 0.2
"""`pg_trgm.similarity_threshold` when looking a typed word up in the vocabulary: low, because two typing errors
in a short word leave few trigrams in common (Tokeyav and Tokayev share a quarter); the `SIMILAR_WORDS` most
similar are taken, and the other word of the name keeps the candidates few."""
TRIGRAM_THRESHOLD = 0.45
"""`pg_trgm.similarity_threshold` for the whole-key pass: lower ones make the index scan read far more rows."""
PREFIX_SCORE = 0.7
PREFIX_BONUS = 0.25


@dataclass(frozen=True, slots=True)
class VariantKeys:
    """The keys stored on one `NameVariant` row."""

    key: str
    sorted_key: str
    blocking: str
    """`dedupe.lookup_key`: coarse surname and given-name starts, looked up by imports with the year of birth."""
    words: tuple[str, ...]
    """The words of `key` (patronymic normalised), for the grams."""


_uncached_name_keys = name_keys.__wrapped__  # bulk paths see each name once; the cache would only churn


def _variant_keys_from(keys: NameKeys) -> VariantKeys:
    return VariantKeys(
        key=keys.search[:200],
        sorted_key=(keys.sorted or keys.search)[:200],
        blocking=lookup_key(keys),
        words=tuple(keys.search.split()),
    )


def variant_keys(text: str, *, cached: bool = True) -> VariantKeys:
    """The stored keys of one written name; `cached=False` for imports and migrations, which see each name once."""
    return _variant_keys_from(name_keys(text) if cached else _uncached_name_keys(text))


def new_variant(*, person_id: int, text: str, script: str = "", language: str = "", cached: bool = True) -> NameVariant:
    """An unsaved `NameVariant` with every key filled in; after saving, pass it to `write_grams`."""
    keys = variant_keys(text, cached=cached)
    return NameVariant(
        person_id=person_id,
        text=text,
        script=script,
        language=language,
        key=keys.key,
        sorted_key=keys.sorted_key,
        blocking=keys.blocking,
    )


def _word_grams(word: str) -> tuple[str, ...]:
    coarse = loose(word)
    if len(coarse) <= 3:
        return (f"^{coarse}", f"{coarse}$")
    return (f"^{coarse[:3]}", f"{coarse[-3:]}$")


def gram_rows(keys: VariantKeys) -> set[str]:
    """The `NameGram` rows of one variant."""
    return {gram for word in keys.words for gram in _word_grams(word)}


def uses_trigrams(using: str = "default") -> bool:
    """True where candidates come from pg_trgm (PostgreSQL); elsewhere `NameGram` rows must be written."""
    return connections[using].vendor == "postgresql"


def write_grams(variants: Iterable[NameVariant], *, using: str = "default") -> None:
    """Write the grams of freshly saved variants (a no-op on PostgreSQL). Called by every path that creates
    variants: `services._set_variants`, imports, merges never need it (grams follow their variant)."""
    if uses_trigrams(using):
        return
    rows = [
        NameGram(variant_id=variant.pk, gram=gram)
        for variant in variants
        for gram in gram_rows(
            VariantKeys(variant.key, variant.sorted_key, variant.blocking, tuple(variant.key.split()))
        )
    ]
    NameGram.objects.using(using).bulk_create(rows, batch_size=2000)


# --- candidates ------------------------------------------------------------------------------------------------


def query_grams(query: NameKeys) -> tuple[set[str], list[str]]:
    """Exact grams of the query, and prefixes for words too short to have a three-letter start ("To")."""
    exact: set[str] = set()
    prefixes: list[str] = []
    for word in query.search.split():
        coarse = loose(word)
        if len(coarse) < 3:
            prefixes.append(f"^{coarse}")
        else:
            exact.update(_word_grams(word))
    return exact, prefixes


def _visible_ids(qs: QuerySet[Person]) -> QuerySet[Person, Any]:
    return qs.order_by().values("pk")


Row = tuple[int, str, str]
"""(person id, variant text, variant key) of one candidate variant."""


def _gram_candidates(qs: QuerySet[Person], query: NameKeys) -> list[Row]:
    exact, prefixes = query_grams(query)
    condition = Q(gram__in=sorted(exact)) if exact else Q()
    for prefix in prefixes:
        # a range, not LIKE: SQLite's LIKE ignores case and so cannot use the index
        condition |= Q(gram__gte=prefix, gram__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))
    if not condition:
        return []
    people = (
        NameGram.objects.using(qs.db)
        .filter(condition, variant__person__in=_visible_ids(qs))
        .values("variant__person_id")
        .annotate(shared=Count("gram", distinct=True))
        .order_by("-shared", "variant__person_id")[:CANDIDATES]
    )
    ids = [row["variant__person_id"] for row in people]
    return list(NameVariant.objects.using(qs.db).filter(person_id__in=ids).values_list("person_id", "text", "key"))


def _visible_sql(qs: QuerySet[Person]) -> tuple[str, list[Any]]:
    sql, params = _visible_ids(qs).query.sql_with_params()
    return sql, list(params)


def _similar_words(cursor: Any, word: str) -> list[str]:
    """Words of the vocabulary like `word` (trigram similarity), and words it begins, for a name typed halfway."""
    found = [word]
    if len(word) >= 3:
        cursor.execute(
            "SELECT word FROM registry_nameword WHERE word %% %s ORDER BY similarity(word, %s) DESC LIMIT %s",
            [word, word, SIMILAR_WORDS],
        )
        found.extend(row[0] for row in cursor.fetchall())
    if len(word) >= 2:
        # a range rather than LIKE, which a b-tree cannot serve under a non-C collation; words are [a-z] only
        cursor.execute(
            "SELECT word FROM registry_nameword WHERE word >= %s AND word < %s ORDER BY word LIMIT %s",
            [word, word[:-1] + chr(ord(word[-1]) + 1), SIMILAR_WORDS],
        )
        found.extend(row[0] for row in cursor.fetchall())
    return sorted(set(found))


def _word_candidates(cursor: Any, words: list[str], visible: tuple[str, list[Any]] | None) -> list[Row]:
    """Variants carrying a word like each of two of the query's words (any two, so one extra or missing word — a
    second given name, a middle name — does not lose the person); one word for a one-word query."""
    sets = [_similar_words(cursor, word) for word in words[:MAX_QUERY_WORDS]]
    array = "string_to_array(v.sorted_key, ' ')"
    params: list[Any] = []
    if len(sets) == 1:
        condition = f"{array} && %s::text[]"
        params.append(sets[0])
    else:
        pairs = []
        for first, second in combinations(sets, 2):
            pairs.append(f"({array} && %s::text[] AND {array} && %s::text[])")
            params.extend([first, second])
        condition = "(" + " OR ".join(pairs) + ")"
    if visible is not None:
        condition += f" AND v.person_id IN ({visible[0]})"
        params.extend(visible[1])
    cursor.execute(
        f"SELECT v.person_id, v.text, v.key FROM registry_namevariant v WHERE {condition} LIMIT %s",
        [*params, ROWS],
    )
    return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]


def _trigram_candidates(cursor: Any, text: str, visible: tuple[str, list[Any]] | None) -> list[Row]:
    """Variants whose whole order-free key is like the query's: finds what the word lookup cannot (words run
    together or split apart, several typing errors in one word)."""
    condition = "v.sorted_key %% %s"
    params: list[Any] = [text]
    if visible is not None:
        condition += f" AND v.person_id IN ({visible[0]})"
        params.extend(visible[1])
    cursor.execute(
        f"SELECT v.person_id, v.text, v.key FROM registry_namevariant v WHERE {condition} "
        "ORDER BY similarity(v.sorted_key, %s) DESC LIMIT %s",
        [*params, text, CANDIDATES],
    )
    return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]


def _postgres_candidates(qs: QuerySet[Person], query: NameKeys, *, restricted: bool) -> list[Row]:
    visible = _visible_sql(qs) if restricted else None
    text = query.sorted or query.search
    with connections[qs.db].cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, false)", [str(WORD_THRESHOLD)])
        rows = _word_candidates(cursor, text.split(), visible)
        if not any(score_variant(query, row[1], row[2])[0] >= STRONG for row in rows):
            cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, false)", [str(TRIGRAM_THRESHOLD)])
            rows += _trigram_candidates(cursor, text, visible)
    return rows


def candidate_rows(qs: QuerySet[Person], query: NameKeys, *, restricted: bool = True) -> list[Row]:
    """Candidate variants of people whose names may match, from the database's own index. With `restricted`
    false (PostgreSQL), the people `qs` may not see can be among them: the caller filters and asks again."""
    if uses_trigrams(qs.db):
        return _postgres_candidates(qs, query, restricted=restricted)
    return _gram_candidates(qs, query)


# --- ranking ---------------------------------------------------------------------------------------------------


def _prefix_score(query_words: list[str], words: list[str]) -> float:
    """Every query word begins a different word of the name ("tok" → tokaev): 0.7 to 0.95 by how much of those
    words was typed. A male form is not a prefix match of the female form (tokaev does not find tokaeva)."""
    free = list(words)
    typed = covered = 0
    for query_word in sorted(query_words, key=len, reverse=True):
        match = next(
            (w for w in free if w.startswith(query_word) and w != query_word + "a"),
            None,
        )
        if match is None:
            return 0.0
        free.remove(match)
        typed += len(query_word)
        covered += len(match)
    return PREFIX_SCORE + PREFIX_BONUS * typed / covered if covered else 0.0


def score_variant(query: NameKeys, text: str, key: str) -> tuple[float, float]:
    """(score, tie-break) of one stored variant against the query."""
    score = keys_similarity(query, name_keys(text))
    if score < 1.0:
        score = max(score, _prefix_score(query.search.split(), key.split()))
    return score, ratio(query.search, key) / 100.0


def rank_rows(query: NameKeys, rows: Iterable[Row]) -> dict[int, tuple[float, float]]:
    """Each person's best (score, tie-break) over their candidate variants, for those worth showing: at least
    `MIN_SCORE`, and at least `RELATIVE_SCORE` of the best person's score."""
    best: dict[int, tuple[float, float]] = {}
    for person_id, text, key in rows:
        scored = score_variant(query, text, key)
        if scored > best.get(person_id, (0.0, 0.0)):
            best[person_id] = scored
    if not best:
        return {}
    floor = max(MIN_SCORE, max(score for score, _tie in best.values()) * RELATIVE_SCORE)
    return {person_id: scored for person_id, scored in best.items() if scored[0] >= floor}


def _fetch(qs: QuerySet[Person], ranked: dict[int, tuple[float, float]]) -> list[Person]:
    people = list(qs.filter(pk__in=list(ranked)))
    people.sort(key=lambda person: (-ranked[person.pk][0], -ranked[person.pk][1], person.display_name, person.pk))
    return people


def search_people(qs: QuerySet[Person], text: str, *, limit: int = 500) -> list[Person]:
    """People of `qs` whose name matches `text` in any variant and any script, best first.

    On PostgreSQL the candidates are first looked for among everyone, which is fastest for staff who see
    everyone; when some of the best are people `qs` does not show, the search runs again within `qs`, so staff of
    one organization find their own people even when others in the registry match better.
    """
    query = name_keys(text)
    if not query.search:
        return list(qs[:limit])
    restricted = not uses_trigrams(qs.db)
    ranked = rank_rows(query, candidate_rows(qs, query, restricted=restricted))
    people = _fetch(qs, ranked) if ranked else []
    if not restricted and len(people) < len(ranked):
        ranked = rank_rows(query, candidate_rows(qs, query, restricted=True))
        people = _fetch(qs, ranked) if ranked else []
    return people[:limit]
