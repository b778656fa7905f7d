"""Find records that are probably one person written down twice, and queue them for staff to review.

A Fellegi–Sunter scorer, hand-rolled rather than Splink's (why: docs/decisions/0004-dedupe.md):

- **Blocking** — never all pairs. Each record gets a few keys built from `tamyr.names` (the coarse surname key,
  the start and end of the given name and surname on the loose skeleton, the order-free full name) combined with
  year of birth or country, plus its e-mail and phone. Only records sharing a key are compared, and a key shared by
  more than `MAX_BLOCK` records (a family e-mail, "Ivanov 1980") is left out rather than compared all with all.
- **Comparison** — for each pair: the best `tamyr.names.keys_similarity` over both records' name variants (the
  only comparison that knows Тоқаев = Tokayev = Toqaev), year of birth (same, one apart, different), country,
  e-mail, phone and recorded gender, each at a level.
- **Scoring** — every level adds its log₂ Bayes factor (how much more often the level is seen in pairs of one
  person than in pairs of two people; `WEIGHTS`), to a prior; the sum becomes a probability. Pairs at or above
  `THRESHOLD` go to the review queue (`DuplicateCandidate`) with the reasons, i.e. each level and its weight.
- **Decisions stay** — a pair staff marked "not the same person" (or merged) is never proposed again.

Memory stays bounded by the number of people (a few hundred bytes each) and never by the number of pairs: keys are
hashed into one sorted list per kind, pairs are scored block by block and only the matches are kept.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz.fuzz import ratio

from tamyr.core import audit, jobs, processes
from tamyr.core.errors import DomainError
from tamyr.names import NameKeys, keys_similarity, name_keys
from tamyr.names.transliterate import loose
from tamyr.registry.models import (
    DedupeRun,
    DuplicateCandidate,
    DuplicateStatus,
    NameVariant,
    Person,
    RunStatus,
)

__all__ = [
    "MAX_BLOCK",
    "THRESHOLD",
    "WEIGHTS",
    "Comparison",
    "Record",
    "block_keys",
    "compare",
    "dedupe_run_start",
    "duplicate_dismiss",
    "find_duplicates",
    "load_records",
    "lookup_key",
    "run_dedupe",
    "stderr_progress",
]

THRESHOLD = 0.9
"""Probability at or above which a pair is queued for review."""
QUICK_DIFFERENT = 0.6
"""rapidfuzz ratio of the loose order-free keys below which two names are taken as different without the full
`keys_similarity` (ten times slower); one person's spellings stay far above it."""
MAX_BLOCK = 60
"""Records sharing one key beyond this are not compared by that key (other keys still pair true duplicates)."""
PRIOR = -6.0
"""log₂ of the odds that two records sharing a blocking key are one person, before looking at them (about 1:60)."""
NAME_LEVELS: tuple[tuple[float, str], ...] = ((0.97, "name_same"), (0.92, "name_close"), (0.85, "name_similar"))
WEIGHTS: dict[str, float] = {
    # log₂(m / u): m = how often the level is seen when both records are one person, u = when they are two people.
    "name_same": 9.0,  # same name up to script and convention (m 0.6, u 0.001)
    "name_close": 5.0,  # an irregular spelling or a small typing error (m 0.25, u 0.008)
    "name_similar": 0.0,  # a typing error, or a near namesake (Serik / Berik): no evidence either way
    "name_loosely": -2.0,
    "name_different": -8.0,
    "year_same": 5.5,  # m 0.88, u ≈ 1/60 (years of birth spread over six decades)
    "year_near": -2.0,  # one year apart: more often a namesake than a typing error
    "year_different": -6.0,
    "country_same": 1.5,  # diasporas concentrate in a few countries, so u is high (≈ 0.3)
    "country_different": -6.0,  # people move, but two records of one person rarely disagree on where they live
    "city_same": 1.0,  # in the same country; cities are written inconsistently, so no penalty when they differ
    "email_same": 12.0,
    "email_different": -2.0,  # people have several addresses
    "phone_same": 10.0,
    "phone_different": -1.5,
    "gender_different": -6.0,
}
ProgressCallback = Callable[[str, int, int], None]


logger = logging.getLogger(__name__)


def _noop(stage: str, done: int, total: int) -> None:
    return None


# --- records and keys ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Record:
    """What duplicate detection needs of one person: small, so that a million fit in memory."""

    pk: int
    names: tuple[str, ...]
    birth_year: int | None = None
    country: str = ""
    email: str = ""
    phone: str = ""
    gender: str = ""
    city: str = ""
    sortkeys: tuple[str, ...] = ()
    """Each name's order-free key on the loose skeleton, filled in by `block_keys`: a cheap first comparison."""

    @property
    def display_name(self) -> str:
        return self.names[0] if self.names else ""


_BLOCK_VOWELS = str.maketrans({"o": "a", "i": "a", "e": "a", "u": "a"})


def _coarse(loose_word: str) -> str:
    """A word on the loose skeleton with its vowels merged: what `NameKeys.blocking` is made of."""
    return loose_word.translate(_BLOCK_VOWELS).replace("aa", "a")


def _name_parts(keys: NameKeys) -> tuple[str, str, str, str] | None:
    """(surname start, given start, surname end, given end) on the coarse skeleton, or None for a one-word name.

    The surname is the word `NameKeys.blocking` picked (by its ending: -ov, -eva, -ski…), whatever the order the
    record wrote the words in; the given name is the first of the other words in sorted order. A patronymic-only
    name (Zhanbolat Nurlanuly) uses the patronymic as its surname, as `NameKeys.sorted` does.
    """
    words = list(keys.loose)
    if len(words) < 2 and keys.patronymic_token:
        words.append(loose(keys.patronymic_token))
    if len(words) < 2:
        return None
    coarse = [_coarse(word) for word in words]
    surname_index = next((i for i, c in enumerate(coarse) if c[:4] == keys.blocking), 0)
    surname = coarse[surname_index]
    given = min(c for i, c in enumerate(coarse) if i != surname_index)
    return surname[:4], given[:2], surname[-3:], given[-3:]


def lookup_key(keys: NameKeys) -> str:
    """The one key stored on each `NameVariant` (`blocking`): coarse surname start and given-name start.

    An import looks new rows up by it together with the year of birth, without reading the whole registry."""
    parts = _name_parts(keys)
    if parts is None:
        return f"{keys.blocking}:"[:16]
    return f"{parts[0]}:{parts[1]}"[:16]


def _email(value: str) -> str:
    return value.strip().casefold()


def _phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits[-9:] if len(digits) >= 7 else ""


def block_keys(record: Record) -> set[str]:
    """Every blocking key of a record. Two records are compared when they share at least one. Also fills
    `record.sortkeys`."""
    result: set[str] = set()
    year = record.birth_year
    sortkeys: list[str] = []
    for text in record.names:
        keys = name_keys(text)
        parts = _name_parts(keys)
        if parts is not None:
            surname, given, surname_end, given_end = parts
            if year:
                result.add(f"a|{surname}|{given}|{year}")
                result.add(f"b|{given}|{surname_end}|{year}")  # a typing error at the start of the surname
                result.add(f"c|{surname}|{given_end}|{year}")  # … or of the given name
            if record.country:
                result.add(f"d|{surname}|{given}|{record.country}")  # year missing or mistyped
        if keys.sorted:
            sortkey = loose(keys.sorted)
            sortkeys.append(sortkey)
            result.add(f"e|{sortkey}")  # the same name in any order, script and convention
    record.sortkeys = tuple(sortkeys)
    if record.email:
        result.add(f"m|{_email(record.email)}")
    phone = _phone(record.phone)
    if phone:
        result.add(f"p|{phone}")
    return result


# --- comparing two records -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparison:
    probability: float
    weight: float
    reasons: dict[str, Any]


def _name_level(score: float) -> str:
    for floor, level in NAME_LEVELS:
        if score >= floor:
            return level
    return "name_loosely" if score >= 0.75 else "name_different"


def compare(a: Record, b: Record) -> Comparison:
    """How likely `a` and `b` are one person, and why (each comparison level with its weight)."""
    best, name_a, name_b = 0.0, "", ""
    quick = max((ratio(x, y) for x in a.sortkeys for y in b.sortkeys), default=100.0) / 100.0
    if quick < QUICK_DIFFERENT:
        # the loose order-free keys are far apart: the names are different whatever the finer comparison says
        best, name_a, name_b = quick, a.names[0], b.names[0]
    else:
        for text_a in a.names:
            keys_a = name_keys(text_a)
            for text_b in b.names:
                score = keys_similarity(keys_a, name_keys(text_b))
                if score > best or not name_a:
                    best, name_a, name_b = score, text_a, text_b
    levels = [_name_level(best)]
    if a.birth_year and b.birth_year:
        gap = abs(a.birth_year - b.birth_year)
        levels.append("year_same" if gap == 0 else "year_near" if gap == 1 else "year_different")
    if a.country and b.country:
        levels.append("country_same" if a.country == b.country else "country_different")
        if a.country == b.country and a.city and b.city and a.city.casefold() == b.city.casefold():
            levels.append("city_same")
    if a.email and b.email:
        levels.append("email_same" if _email(a.email) == _email(b.email) else "email_different")
    phone_a, phone_b = _phone(a.phone), _phone(b.phone)
    if phone_a and phone_b:
        levels.append("phone_same" if phone_a == phone_b else "phone_different")
    if a.gender and b.gender and a.gender != b.gender and "other" not in (a.gender, b.gender):
        levels.append("gender_different")
    weight = PRIOR + sum(WEIGHTS[level] for level in levels)
    probability = 1.0 / (1.0 + 2.0 ** (-weight))
    reasons: dict[str, Any] = {
        "name_similarity": round(best, 3),
        "names": [name_a, name_b],
        "levels": {level: WEIGHTS[level] for level in levels},
        "weight": round(weight, 2),
    }
    return Comparison(probability=probability, weight=weight, reasons=reasons)


# --- blocking and scoring --------------------------------------------------------------------------------------

_INDEX_BITS = 24  # up to 16 million people per run
_INDEX_MASK = (1 << _INDEX_BITS) - 1
_HASH_MASK = (1 << (63 - _INDEX_BITS)) - 1
KEY_KINDS = ("a", "b", "c", "d", "e", "m", "p")


PARALLEL_RECORDS = 200_000
"""Runs over more records than this compute their keys in worker processes (when there are several processors)."""
AHEAD = 4
KEY_CHUNK = 5000


def _packed_keys(records: Sequence[Record], progress: ProgressCallback) -> dict[str, array[int]]:
    """Per kind of key, one flat array of (hash of key, record index) packed in 63 bits.

    Why packed: a dict of key → list of records costs about a kilobyte per record at a million records; an array
    of int64 costs 8 bytes per key. Two different keys may share a hash (about ten at a million): their records
    are then compared needlessly, never missed."""
    packed: dict[str, array[int]] = {kind: array("q") for kind in KEY_KINDS}
    total = len(records)
    for index, (keys, sortkeys) in enumerate(_record_keys(records)):
        records[index].sortkeys = sortkeys
        for key in keys:
            packed[key[0]].append(((hash(key) & _HASH_MASK) << _INDEX_BITS) | index)
        if index % 20000 == 0:
            progress("keys", index, total)
    progress("keys", total, total)
    return packed


def record_fields(record: Record) -> tuple[Any, ...]:
    """What `block_keys` reads of a record, as a plain tuple (cheap to send to a worker process)."""
    return (record.names, record.birth_year, record.country, record.email, record.phone)


def keys_of_fields(chunk: list[tuple[Any, ...]]) -> list[tuple[list[str], tuple[str, ...]]]:
    """(blocking keys, sort keys) of each record given by `record_fields`."""
    result = []
    for names, year, country, email, phone in chunk:
        record = Record(0, names, year, country, email, phone)
        keys = block_keys(record)
        result.append((sorted(keys), record.sortkeys))
    return result


def _record_keys(records: Sequence[Record]) -> Iterator[tuple[list[str] | set[str], tuple[str, ...]]]:
    """Each record's blocking keys and sort keys, in order. Computing name keys is most of a run's work and Python
    runs it on one processor per process, so big runs use a worker process per processor, at most `AHEAD` chunks
    in flight (memory stays bounded)."""
    processors = os.cpu_count() or 1
    if len(records) < PARALLEL_RECORDS or processors < 2:
        for record in records:
            yield block_keys(record), record.sortkeys
        return
    from tamyr.registry import dedupe_worker

    chunks = (
        [record_fields(record) for record in records[start : start + KEY_CHUNK]]
        for start in range(0, len(records), KEY_CHUNK)
    )
    for _chunk, keys in processes.in_order(
        dedupe_worker.keys, chunks, workers=processors, initializer=dedupe_worker.start, ahead=AHEAD
    ):
        yield from keys


def _blocks(values: array[int]) -> Iterator[list[int]]:
    """Groups of record indices sharing one key, of sizes 2 to `MAX_BLOCK`."""
    group: list[int] = []
    current = -1
    for value in sorted(values):
        key_hash = value >> _INDEX_BITS
        if key_hash != current:
            if 2 <= len(group) <= MAX_BLOCK:
                yield group
            group, current = [], key_hash
        index = value & _INDEX_MASK
        if not group or group[-1] != index:
            group.append(index)
    if 2 <= len(group) <= MAX_BLOCK:
        yield group


NAME_KINDS = frozenset("abcde")
LOGIT_THRESHOLD = math.log2(THRESHOLD / (1 - THRESHOLD))
BEST_NAME = max(WEIGHTS[level] for _floor, level in NAME_LEVELS)


def _years_rule_out(kind: str, a: Record, b: Record) -> bool:
    """Pairs found by a name key whose years of birth are both known and two or more apart are not one person
    unless an e-mail or phone says so, which the e-mail and phone keys find; pairs found by a key without the
    year ("d") whose years are equal were already found by the key with it ("a")."""
    if kind not in NAME_KINDS or not a.birth_year or not b.birth_year:
        return False
    gap = abs(a.birth_year - b.birth_year)
    return gap >= 2 or (kind == "d" and gap == 0)


def _bound(a: Record, b: Record) -> float:
    """The highest weight the pair could reach: everything but the name, plus the best name level. Cheap, so
    hopeless pairs are never compared by name."""
    weight = PRIOR + BEST_NAME
    if a.birth_year and b.birth_year:
        gap = abs(a.birth_year - b.birth_year)
        weight += WEIGHTS["year_same"] if gap == 0 else WEIGHTS["year_near"] if gap == 1 else WEIGHTS["year_different"]
    if a.country and b.country:
        weight += (
            WEIGHTS["country_same"] + WEIGHTS["city_same"] if a.country == b.country else WEIGHTS["country_different"]
        )
    if a.email and b.email:
        weight += WEIGHTS["email_same"] if a.email == b.email else WEIGHTS["email_different"]
    if a.phone and b.phone:
        weight += WEIGHTS["phone_same"] if a.phone == b.phone else WEIGHTS["phone_different"]
    return weight


def find_duplicates(
    records: Sequence[Record],
    *,
    skip: set[tuple[int, int]] | None = None,
    progress: ProgressCallback = _noop,
    stats: dict[str, int] | None = None,
) -> Iterator[tuple[Record, Record, Comparison]]:
    """Pairs of `records` scoring at or above `THRESHOLD`, each pair once (lower pk first). `skip` holds pk pairs
    already decided, which are never scored again."""
    skip = skip or set()
    packed = _packed_keys(records, progress)
    seen: set[int] = set()
    scored = 0
    for step, kind in enumerate(KEY_KINDS):
        values = packed.pop(kind)
        for count, group in enumerate(_blocks(values)):
            if count % 4096 == 4095:
                progress("pairs", step, len(KEY_KINDS))  # often enough for the job's heartbeat
            for i, first in enumerate(group):
                for second in group[i + 1 :]:
                    low, high = (first, second) if first < second else (second, first)
                    a, b = records[low], records[high]
                    if _years_rule_out(kind, a, b) or _bound(a, b) < LOGIT_THRESHOLD:
                        continue
                    pair = (low << _INDEX_BITS) | high
                    if pair in seen:
                        continue
                    seen.add(pair)
                    if a.pk > b.pk:
                        a, b = b, a
                    if (a.pk, b.pk) in skip:
                        continue
                    scored += 1
                    comparison = compare(a, b)
                    if comparison.probability >= THRESHOLD:
                        yield a, b, comparison
        del values
        progress("pairs", step + 1, len(KEY_KINDS))
    if stats is not None:
        stats["pairs_scored"] = scored


def _interned(value: str, table: dict[str, str]) -> str:
    """One string object per distinct value (countries, genders): a million records share a few dozen."""
    return table.setdefault(value, value)


def load_records(
    people: QuerySet[Person] | None = None, *, chunk_size: int = 20000, tick: Callable[[], object] | None = None
) -> list[Record]:
    """Every person of `people` (default: all not merged, not erased) with their name variants, in pk order.

    People and variants are read as two streams in person order and merged, so nothing but the records
    themselves is held: no dict of a million ids. `tick` is called every `chunk_size` people (a heartbeat)."""
    if people is None:
        people = Person.objects.filter(merged_into__isnull=True, erased_at__isnull=True)
    rows = people.order_by("pk").values_list(
        "pk", "display_name", "birth_year", "residence_country_id", "email", "phone", "gender", "residence_city"
    )
    variants = (
        NameVariant.objects.filter(person__in=people.values("pk"))
        .order_by("person_id", "pk")
        .values_list("person_id", "text")
        .iterator(chunk_size=chunk_size)
    )
    pending = next(variants, None)
    shared: dict[str, str] = {}
    records: list[Record] = []
    for pk, display_name, year, country, email, phone, gender, city in rows.iterator(chunk_size=chunk_size):
        if tick is not None and len(records) % chunk_size == chunk_size - 1:
            tick()
        names: list[str] = []
        while pending is not None and pending[0] <= pk:
            if pending[0] == pk and pending[1] not in names:
                names.append(pending[1])
            pending = next(variants, None)
        records.append(
            Record(
                pk,
                tuple(names) or (display_name,),
                year,
                _interned(country or "", shared),
                _email(email) if email else "",
                _phone(phone) if phone else "",
                _interned(gender, shared),
                _interned(city.strip(), shared) if city else "",
            )
        )
    return records


def _decided_pairs() -> tuple[set[tuple[int, int]], dict[tuple[int, int], int]]:
    decided: set[tuple[int, int]] = set()
    open_rows: dict[tuple[int, int], int] = {}
    for pk, a, b, status in DuplicateCandidate.objects.values_list("pk", "person_a", "person_b", "status").iterator(
        chunk_size=20000
    ):
        if status == DuplicateStatus.OPEN:
            open_rows[(a, b)] = pk
        else:
            decided.add((a, b))
    return decided, open_rows


def run_dedupe(
    *,
    acting_user: Any,
    run: DedupeRun | None = None,
    people: QuerySet[Person] | None = None,
    progress: ProgressCallback | None = None,
) -> DedupeRun:
    """Score likely pairs among all people and fill the review queue. Reads without a transaction (a long read
    must not hold locks), then writes the queue in one transaction with one audit row.

    Open pairs found again get their new score; pairs decided before are skipped. So a run is safe to do again
    from the start, which is how it resumes: it is a leased job (`tamyr.core.jobs`) whose progress callback renews
    the lease and is a checkpoint (SIGTERM hands the run back, nothing written); the write transaction marks the
    run finished through the lease first, so a run taken over by another worker writes nothing.
    """
    run = run or DedupeRun.objects.create(started_by=acting_user if getattr(acting_user, "pk", None) else None)
    lease = jobs.claim(DedupeRun, run.pk)
    if lease is None:  # finished, given up, or held by a live worker
        run.refresh_from_db()
        return run
    report = progress or _noop
    heartbeat = jobs.Heartbeat(lease, every=2.0)

    def on_progress(stage: str, done: int, total: int) -> None:
        report(stage, done, total)
        heartbeat.beat(force=done == total, stage=f"{stage} {done}/{total}")

    try:
        on_progress("loading", 0, 1)
        records = load_records(people, tick=heartbeat.beat)
        on_progress("loading", 1, 1)
        decided, open_rows = _decided_pairs()
        stats: dict[str, int] = {}
        found = [
            (a.pk, b.pk, c.probability, c.reasons)
            for a, b, c in find_duplicates(records, skip=decided, progress=on_progress, stats=stats)
        ]
        people_count = len(records)
        del records
        with transaction.atomic():
            figures = {
                "people": people_count,
                "pairs_scored": stats.get("pairs_scored", 0),
                "candidates_found": len(found),
            }
            if not lease.finish(status=RunStatus.DONE, stage="", **figures):  # first: it locks the run's row
                raise jobs.LeaseLost(f"dedupe run {run.pk}")
            _write_candidates(found, open_rows)
            audit.record(
                acting_user,
                "registry.dedupe_run",
                run,
                people=people_count,
                pairs=figures["pairs_scored"],
                found=len(found),
            )
    except jobs.Stopping:
        jobs.hand_back(lease)
    except jobs.LeaseLost:
        logger.warning("Dedupe run %s was taken over by another worker; this run wrote nothing", run.pk)
    except (KeyboardInterrupt, SystemExit):
        lease.release()
        raise
    except Exception as error:
        lease.fail(repr(error))
        raise
    run.refresh_from_db()
    return run


@transaction.atomic
def _write_candidates(
    found: Iterable[tuple[int, int, float, dict[str, Any]]], open_rows: dict[tuple[int, int], int]
) -> None:
    new: list[DuplicateCandidate] = []
    changed: list[DuplicateCandidate] = []
    for a, b, probability, reasons in found:
        pk = open_rows.get((a, b))
        if pk is None:
            new.append(DuplicateCandidate(person_a_id=a, person_b_id=b, score=probability, reasons=reasons))
        else:
            changed.append(DuplicateCandidate(pk=pk, score=probability, reasons=reasons))
    DuplicateCandidate.objects.bulk_create(new, batch_size=5000, ignore_conflicts=True)
    DuplicateCandidate.objects.bulk_update(changed, ["score", "reasons"], batch_size=5000)


def stderr_progress(prefix: str = "dedupe") -> ProgressCallback:
    """A progress line on stderr at most twice a second: what the command line shows."""
    last = [0.0]

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and done != total:
            return
        last[0] = now
        share = 100 * done / total if total else 100
        print(f"\r{prefix}: {stage} {done:,}/{total:,} ({share:.0f} %)", end="", file=sys.stderr, flush=True)
        if done == total:
            print(file=sys.stderr, flush=True)

    return report


# --- services the pages call -----------------------------------------------------------------------------------


def dedupe_run_start(*, acting_user: Any) -> DedupeRun:
    """Queue a run for the task worker, unless one is already waiting or running (a run reads every person: two
    at once would only double the work). A run whose worker died is not in the way for long: the sweeper queues
    it again when its lease expires."""
    from tamyr.registry.tasks import run_dedupe_task

    busy = DedupeRun.objects.filter(status__in=(RunStatus.PENDING, RunStatus.RUNNING)).order_by("-pk").first()
    if busy is not None:
        return busy
    run = DedupeRun.objects.create(started_by=acting_user if getattr(acting_user, "pk", None) else None)
    audit.record(acting_user, "registry.dedupe_requested", run)
    transaction.on_commit(lambda: run_dedupe_task(run.pk))
    return run


@transaction.atomic
def duplicate_dismiss(*, candidate: DuplicateCandidate, acting_user: Any) -> DuplicateCandidate:
    """ "Not the same person": the pair stays in the table with this decision, so no later run proposes it again."""
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != DuplicateStatus.OPEN:
        raise DomainError(_("This pair has already been decided."), code="decided")
    candidate.status = DuplicateStatus.NOT_DUPLICATE
    candidate.decided_by = acting_user if getattr(acting_user, "pk", None) else None
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit.record(
        acting_user,
        "registry.duplicate_dismissed",
        candidate.person_a,
        person_a=candidate.person_a_id,
        person_b=candidate.person_b_id,
    )
    return candidate
